"""The site's languages: English at the site's root, each other language in its own folder
(`zh/`, `ru/`) with the same page paths.

Interface words come from the gettext catalogues in `locale/<language>/LC_MESSAGES/messages.po`
(extracted with `make messages`), compiled in memory with Babel when first needed, so an
installed wheel needs no compiled files. The language being built is a context variable:
templates and the Python that writes page text call `gettext`/`ngettext` here, and links
between pages go to the same language's folder (`page_path`).
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO

#: English first (the site's root and the catalogues' source), then the translations.
LANGUAGES = ("en", "zh", "ru")
#: Each language's name in itself, for the language switch.
NATIVE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский"}

PACKAGE = "pactgraph.publishing"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("pactgraph_site_language", default="en")


def current() -> str:
    """The language of the pages being built."""
    return _current.get()


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """Build pages in `code` inside this block."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown site language {code!r}")
    token = _current.set(code)
    try:
        yield
    finally:
        _current.reset(token)


def prefix(code: str | None = None) -> str:
    """The folder of a language's pages: '' for English, 'zh/' for Chinese."""
    code = current() if code is None else code
    return "" if code == LANGUAGES[0] else code + "/"


def page_path(path: str, code: str | None = None) -> str:
    """The site file of page `path` ('id/turkey.html') in a language ('zh/id/turkey.html')."""
    return prefix(code) + path


def unprefixed(page: str) -> str:
    """The page path without its language folder."""
    for code in LANGUAGES[1:]:
        if page.startswith(code + "/"):
            return page[len(code) + 1 :]
    return page


def po_text(code: str) -> bytes | None:
    """The catalogue of a language as shipped (None for English, the source language)."""
    from importlib import resources

    if code == LANGUAGES[0]:
        return None
    return resources.files(PACKAGE).joinpath("locale", code, "LC_MESSAGES", DOMAIN + ".po").read_bytes()


@lru_cache(maxsize=None)
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a language (fuzzy entries are not used)."""
    data = po_text(code)
    if data is None:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(data), locale=code)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """`message` in the language being built."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural (in the language's plural forms) for count `n`."""
    return translations(current()).ngettext(singular, plural, n)


def _(message: str) -> str:
    return gettext(message)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message
