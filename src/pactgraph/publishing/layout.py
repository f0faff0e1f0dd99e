"""Where things live in a published site: IRIs under the base URL, files under OUTDIR, relative links.

The project's IRIs are minted under CANONICAL_BASE (https://w3id.org/pactgraph/).
A site published with another --base-url declares every project IRI under that
base instead (the graph is rebased), and maps it to files the same way:

    {base}id/X, {base}vocab/X     -> id/X.html, vocab/X.html (+ .ttl .jsonld .nt .rdf)
    {base}ontology#X              -> ontology.html#X
    {base}shapes#X                -> shapes.html#X
    {base}ontology, ontology/V    -> ontology.html     {base}shapes, shapes/P -> shapes.html
    {base}void, {base}void#X      -> void.html(#X)     {base}                 -> index.html

A local name becomes a file name only when it is a plain slug (SLUG); any other
name (slashes, dots, `..`, percent signs, non-ASCII) gets a hashed file name
`_<sha256 prefix>`, so no IRI can place a file outside its folder. All links
between pages are relative, so the site works from any folder.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from pactgraph.errors import InputError

CANONICAL_BASE = "https://w3id.org/pactgraph/"
DEFAULT_BASE = CANONICAL_BASE

#: A local name that is used as a file name as it is. Kept in step with the
#: resource route of pactgraph.publishing.conneg.
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

#: Folders holding one page (and its RDF representations) per resource.
RESOURCE_FOLDERS = ("id", "vocab")

#: The representations written for every resource page and document, by extension.
RDF_EXTENSIONS = ("ttl", "jsonld", "nt", "rdf")


def normalise_base(url: str) -> str:
    """A checked base URL ending in `/`; InputError when it is not an absolute http(s) URL."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"--base-url {url!r}: expected an absolute http(s) URL such as {DEFAULT_BASE}")
    if parts.query or parts.fragment:
        raise InputError(f"--base-url {url!r}: must not have a query or fragment")
    if any(ch.isspace() or ch in '<>"{}|\\^`' for ch in text):
        raise InputError(f"--base-url {url!r}: contains characters not allowed in an IRI")
    return text if text.endswith("/") else text + "/"


def slug_of(iri: str) -> str:
    """A fragment-safe name for an IRI: its local name when that is a slug, else a hash."""
    local = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return local if SLUG.fullmatch(local) else hashed_name(iri)


def hashed_name(local: str) -> str:
    """The file name used for a local name that is not a plain slug."""
    return "_" + hashlib.sha256(local.encode("utf-8")).hexdigest()[:16]


def relative(target: str, page: str) -> str:
    """The relative link from site file `page` to site path `target` (both relative to OUTDIR)."""
    if target == page:
        return posixpath.basename(page)
    start = posixpath.dirname(page) or "."
    return posixpath.relpath(target, start)


@dataclass(frozen=True)
class Target:
    """A place in the site: a file path (relative to OUTDIR) and an optional fragment."""

    path: str
    fragment: str = ""

    def href(self, page: str) -> str:
        """The relative link to this place from site file `page`: a page in the language of
        the pages being built (see i18n)."""
        from pactgraph.publishing.i18n import page_path

        path = page_path(self.path) if self.path.endswith(".html") else self.path
        link = relative(path, page)
        if self.fragment:
            link += "#" + quote(self.fragment, safe="-._~")
        return link


class Layout:
    """The base URL of a site and the mapping between IRIs and the site's files."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = normalise_base(base)
        self.id_ns = self.base + "id/"
        self.vocab_ns = self.base + "vocab/"
        self.ontology_iri = self.base + "ontology"
        self.shapes_iri = self.base + "shapes"
        self.void_iri = self.base + "void"
        self.ontology_ns = self.ontology_iri + "#"
        self.shapes_ns = self.shapes_iri + "#"

    # ------------------------------------------------------------ rebasing

    def rebase(self, iri: str) -> str:
        """`iri` with the canonical project base replaced by this site's base."""
        if iri.startswith(CANONICAL_BASE) and self.base != CANONICAL_BASE:
            return self.base + iri[len(CANONICAL_BASE) :]
        return iri

    def rebase_text(self, text: str) -> str:
        """A string with every occurrence of the canonical base replaced (for namespace literals)."""
        if self.base == CANONICAL_BASE:
            return text
        return text.replace(CANONICAL_BASE, self.base)

    def iri(self, path: str = "") -> str:
        """The IRI of a site path (e.g. 'dumps/pactgraph.ttl')."""
        return self.base + path

    # ------------------------------------------------------------ resources

    def resource_stem(self, iri: str) -> str | None:
        """'id/turkey' for a resource IRI in the id/ or vocab/ namespace, else None."""
        for folder in RESOURCE_FOLDERS:
            namespace = self.base + folder + "/"
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if not local:
                    return None
                name = local if SLUG.fullmatch(local) else hashed_name(local)
                return f"{folder}/{name}"
        return None

    def page(self, iri: str) -> str | None:
        """The HTML page of a resource IRI ('id/turkey.html', in the language being built:
        'zh/id/turkey.html'), or None if it has none."""
        from pactgraph.publishing.i18n import page_path

        stem = self.resource_stem(iri)
        return None if stem is None else page_path(stem + ".html")

    def target(self, iri: str) -> Target | None:
        """Where in the site `iri` is documented, or None when it is not the site's."""
        if not iri.startswith(self.base):
            return None
        stem = self.resource_stem(iri)
        if stem is not None:
            return Target(stem + ".html")
        rest = iri[len(self.base) :]
        for doc, html in (("ontology", "ontology.html"), ("shapes", "shapes.html"), ("void", "void.html")):
            if rest == doc:
                return Target(html)
            if rest.startswith(doc + "#"):
                return Target(html, rest[len(doc) + 1 :])
            if rest.startswith(doc + "/") and doc != "void":
                # versions and parts of the ontology and shapes (owl:versionIRI, shapes/rules)
                return Target(html)
        if rest == "":
            return Target("index.html")
        return None

    def href(self, iri: str, page: str) -> str | None:
        """A link to `iri` from site file `page`: relative inside the site, the IRI itself for
        an external http(s) IRI, None when it cannot be a safe link (e.g. javascript:)."""
        target = self.target(iri)
        if target is not None:
            return target.href(page)
        if iri.startswith(self.base):
            return None
        return iri if is_web_iri(iri) else None


def is_web_iri(iri: str) -> bool:
    """True for an absolute http(s) IRI, the only external IRIs that pages turn into links."""
    try:
        parts = urlsplit(iri)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def safe_site_path(path: str) -> str:
    """Check that a site path is relative and stays inside OUTDIR; return it unchanged.

    Every path is built from slugs or hashed names already; this is the last guard
    before anything is written.
    """
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise InputError(f"refusing to write {path!r}: not a plain relative path inside the site")
    return path
