"""The Jinja2 environment (autoescaping everything) that renders the site's HTML pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re

import jinja2
from markupsafe import Markup

from pactgraph.publishing import i18n
from pactgraph.publishing.layout import relative

TEMPLATE_PACKAGE = "pactgraph.publishing"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # the language being built decides (i18n.language); strings are marked {{ _("...") }}
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["path"] = file_path
    env.filters["iri"] = iri_text
    env.filters["columns"] = columns
    return env


def file_path(text: str) -> Markup:
    """A file path that a narrow screen breaks only after a "/": each segment kept whole (a date in
    it has hyphens, where a browser would otherwise break), a <wbr> after each slash."""
    segments = [Markup('<span class="seg">%s</span>') % segment for segment in text.split("/")]
    return Markup('<span class="path">%s</span>') % Markup("/<wbr>").join(segments)


#: An IRI or URL shown as text: a scheme, a colon, no spaces, and a "/" or "#" in it (or urn:).
IRI_LIKE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:\S*[/#]\S*|urn:\S+)$")
#: The pieces a narrow screen keeps whole: each runs up to and including a "/", "#", "." or "-".
IRI_PIECES = re.compile(r"[^/#.\-]*[/#.\-]+|[^/#.\-]+")


def iri_text(text: Any) -> Any:
    """An IRI shown as text that a narrow screen breaks only after a "/", "#", "." or "-": each
    piece between them kept whole (no break inside a word, as `word-break: break-all` would make),
    a <wbr> after each. Text that is not an IRI is returned as it is."""
    if not isinstance(text, str):
        return text
    plain = text.unescape() if isinstance(text, Markup) else text
    if not IRI_LIKE.match(plain):
        return text
    pieces = [Markup('<span class="seg">%s</span>') % piece for piece in IRI_PIECES.findall(plain)]
    return Markup('<span class="iri-text">%s</span>') % Markup("<wbr>").join(pieces)


#: An ISO date (2026-01-12) in running text.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def whole_dates(text: str) -> Markup:
    """Running text (escaped) whose ISO dates a narrow screen keeps on one line: each in a
    <span class="date">, which does not wrap (a browser would otherwise break one at a hyphen)."""
    plain = text.unescape() if isinstance(text, Markup) else text
    pieces, end = [], 0
    for match in ISO_DATE.finditer(plain):
        pieces += [Markup.escape(plain[end : match.start()]), Markup('<span class="date">%s</span>') % match.group()]
        end = match.end()
    return Markup("").join([*pieces, Markup.escape(plain[end:])])


def columns(text: str) -> int:
    """How many average characters wide `text` is, for an input's size attribute: a CJK
    character counts as two; two more for the field's own margins."""
    return sum(2 if "\u2e80" <= c <= "\ufaff" else 1 for c in text) + 2


def root_of(page: str) -> str:
    """The relative path from site file `page` to the site folder ('' or '../')."""
    depth = page.count("/")
    return "../" * depth


def language_links(page: str, root: str | None = None) -> list[dict[str, str]]:
    """The same page in every site language (code, own name, link), for the language switch
    and the hreflang links. The 404 page (with a fixed `root`, where its links start) is
    served for any missing address in English: its switch leads to each language's index."""
    base = "index.html" if root is not None else i18n.unprefixed(page)
    found = []
    for code in i18n.LANGUAGES:
        target = i18n.page_path(base, code)
        href = root + target if root is not None else relative(target, page)
        found.append({"code": code, "name": i18n.NATIVE_NAMES[code], "href": href})
    return found


def render(template: str, page: str, root: str | None = None, **context: Any) -> bytes:
    """Render `template` for site file `page` (links in it are relative to that file, or start
    with `root` when given). `root` leads to the site's folder (shared files), `home` to the
    folder of the page's language (its pages)."""
    context.setdefault("alternates", [])
    language = i18n.current()
    switch = language_links(page, root)
    same_page = root is None  # hreflang alternates (not for the 404 page)
    home = root_of(i18n.unprefixed(page)) if root is None else root + i18n.prefix()
    root = root_of(page) if root is None else root
    text = (
        environment()
        .get_template(template)
        .render(
            page=page,
            root=root,
            home=home,
            lang=language,
            language_links=switch,
            same_page_in_languages=same_page,
            en_attr=Markup(' lang="en"') if language != "en" else "",  # for the data's English words
            **context,
        )
    )
    return text.encode("utf-8")


def static_bytes(name: str) -> bytes:
    """A file shipped beside the templates (e.g. style.css)."""
    from importlib import resources

    return resources.files(TEMPLATE_PACKAGE).joinpath("templates", name).read_bytes()


def alternates(stem: str, page: str) -> list[dict[str, str]]:
    """Links to the RDF representations `<stem>.ttl` ... written beside a page."""
    return [
        {"name": name, "media_type": media_type, "href": relative(f"{stem}.{ext}", page)}
        for ext, name, media_type in (
            ("ttl", "Turtle", "text/turtle"),
            ("jsonld", "JSON-LD", "application/ld+json"),
            ("nt", "N-Triples", "application/n-triples"),
            ("rdf", "RDF/XML", "application/rdf+xml"),
        )
    ]
