"""Web Annotation selectors for quotes in a stored text, and the sentences of a text.

Offsets are Unicode code points (Python str indices), as SPARQL's SUBSTR and
STRLEN count them, so the shapes can check every anchor against the text. The
prefix and suffix are the CONTEXT (32) characters before and after the quote,
fewer at the ends of the text.

A quote is looked up verbatim. When it is absent, `locate` tries again with
whitespace collapsed, quote marks and dashes made plain and letter case ignored,
and reports where the text differs; it never picks the text's wording silently.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pactgraph.contributing import CONTEXT, turtle_string

# A sentence ends at . ! ? (with any closing quotes or brackets) before whitespace,
# or at a line break.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s)|(?=\n)""")

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_NAMES = {
    "\u00a0": "no-break space", "\t": "tab", "\n": "line break", "\r": "carriage return", " ": "space",
    '"': "straight double quote", "'": "straight single quote", "-": "hyphen-minus",
}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: non-empty, without surrounding whitespace, in text order."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start:
            spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        piece = text[begin:end]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        result.append((begin + lead, begin + lead + len(stripped)))
    return result


def prefix_of(text: str, start: int, length: int = CONTEXT) -> str:
    return text[max(0, start - length) : start]


def suffix_of(text: str, end: int, length: int = CONTEXT) -> str:
    return text[end : end + length]


def selector_turtle(text: str, start: int, end: int, indent: str = "    ") -> str:
    """`oa:hasSelector [ a oa:TextQuoteSelector ... ] , [ a oa:TextPositionSelector ... ]` (no final ` ;`)."""
    inner = indent * 3
    return (
        f"{indent}oa:hasSelector\n"
        f"{indent * 2}[\n"
        f"{inner}a oa:TextQuoteSelector ;\n"
        f"{inner}oa:exact {turtle_string(text[start:end])} ;\n"
        f"{inner}oa:prefix {turtle_string(prefix_of(text, start))} ;\n"
        f"{inner}oa:suffix {turtle_string(suffix_of(text, end))} ;\n"
        f"{indent * 2}] ,\n"
        f"{indent * 2}[\n"
        f"{inner}a oa:TextPositionSelector ;\n"
        f'{inner}oa:start "{start}"^^xsd:nonNegativeInteger ;\n'
        f'{inner}oa:end "{end}"^^xsd:nonNegativeInteger ;\n'
        f"{indent * 2}]"
    )


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of `quote` (overlapping ones included)."""
    return _finder(text).find(quote)


def _scan(text: str, quote: str) -> list[int]:
    found = []
    at = text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


_WORD = re.compile(r"\w+")
#: Look-ups of one text after which its words are indexed (a sheet's quotes, not one `claim add`).
_INDEX_AFTER = 32


class _Finder:
    """Quotes looked up in one text. Each look-up scans the whole text; after `_INDEX_AFTER` of them the
    text's words are indexed, and a quote is sought only where its rarest inner word stands (an inner
    word, with a non-word character on each side within the quote, is a whole word of the text wherever
    the quote occurs): a sheet of 10k quotes does not scan a long text 10k times."""

    def __init__(self, text: str):
        self.text = text
        self.lookups = 0
        self.words: dict[str, list[int]] | None = None

    def find(self, quote: str) -> list[int]:
        self.lookups += 1
        inner = [(m.group(), m.start()) for m in _WORD.finditer(quote) if m.start() > 0 and m.end() < len(quote)]
        if not inner or self.lookups < _INDEX_AFTER:
            return _scan(self.text, quote)
        if self.words is None:
            self.words = {}
            for m in _WORD.finditer(self.text):
                self.words.setdefault(m.group(), []).append(m.start())
        word, offset = min(inner, key=lambda item: len(self.words.get(item[0], ())))  # type: ignore[union-attr]
        text = self.text
        return [at - offset for at in self.words.get(word, ()) if at >= offset and text.startswith(quote, at - offset)]


@functools.lru_cache(maxsize=4)
def _finder(text: str) -> _Finder:
    return _Finder(text)


def _normalise(text: str, fold_case: bool) -> tuple[str, list[int]]:
    """Text with whitespace runs as one space, plain quotes and dashes, optionally lower case,
    and for each character of the result the offset in `text` it comes from."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            j = i
            while j < len(text) and text[j].isspace():
                j += 1
            out.append(" ")
            where.append(i)
            i = j
            continue
        if ch == "\u2026":
            for _ in range(3):
                out.append(".")
                where.append(i)
            i += 1
            continue
        ch = _QUOTES.get(ch, _DASHES.get(ch, ch))
        if fold_case:
            ch = ch.lower()
        out.append(ch)
        where.append(i)
        i += 1
    where.append(len(text))
    return "".join(out), where


def _name(ch: str) -> str:
    if ch in _NAMES:
        return _NAMES[ch]
    import unicodedata

    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'character').lower()}"


def _show(segment: str) -> str:
    """A text segment in quotes, with invisible or look-alike characters named after it."""
    if segment == "":
        return "nothing"
    special = []
    for ch in segment:
        odd = ch in _NAMES or ch in _QUOTES or ch in _DASHES or ch == "\u2026" or not ch.isprintable()
        if odd and _name(ch) not in special:
            special.append(_name(ch))
    return repr(segment) + (f" ({', '.join(special)})" if special else "")


def differences(quote: str, actual: str) -> list[str]:
    """Where `quote` and the text's `actual` wording differ, one line each."""
    lines = []
    matcher = difflib.SequenceMatcher(None, quote, actual, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines.append(f"at quote character {a0}: the quote has {_show(quote[a0:a1])}, the text has {_show(actual[b0:b1])}")
    return lines


@dataclass
class Located:
    """The outcome of looking a quote up in a text."""

    quote: str
    starts: list[int] = field(default_factory=list)
    #: Near misses: (start, end) in the text of a match after normalisation, and what normalisation found it.
    near: list[tuple[int, int]] = field(default_factory=list)
    near_kind: str = ""
    #: When nothing matched at all: the longest stretch of the quote found in the text (start in text, length).
    longest: tuple[int, int, int] | None = None

    @property
    def found(self) -> bool:
        return len(self.starts) == 1


def locate(text: str, quote: str) -> Located:
    """Look `quote` up in `text`: exact occurrences, else normalised near misses, else the longest common part."""
    result = Located(quote=quote, starts=occurrences(text, quote))
    if result.starts:
        return result
    for fold_case, kind in ((False, "whitespace, quote marks or dashes"), (True, "letter case, whitespace, quote marks or dashes")):
        norm_text, where = _normalise(text, fold_case)
        norm_quote, _ = _normalise(quote, fold_case)
        norm_quote = norm_quote.strip()
        if not norm_quote:
            break
        hits = occurrences(norm_text, norm_quote)
        if hits:
            result.near = [(where[h], where[h + len(norm_quote) - 1] + 1) for h in hits]
            result.near_kind = kind
            return result
    matcher = difflib.SequenceMatcher(None, text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    if match.size:
        result.longest = (match.a, match.b, match.size)
    return result


def context_line(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """`…before[quote]after…` on one line, for messages."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    flat = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    return (
        ("…" if start - width > 0 else "")
        + flat(before)
        + "["
        + flat(text[start:end])
        + "]"
        + flat(after)
        + ("…" if end + width < len(text) else "")
    )


def sentence_number(spans: list[tuple[int, int]], start: int, end: int) -> int | None:
    """The 1-based number of the sentence span that contains start..end, if one does."""
    for number, (s, e) in enumerate(spans, 1):
        if s <= start and end <= e:
            return number
    return None


# ---------------------------------------------------------------- `pactgraph anchor`


@dataclass
class AnchorOutcome:
    """What `pactgraph anchor` prints: Turtle on success (exit 0), else a message (exit 1)."""

    ok: bool
    turtle: str = ""
    message: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class _ReportSentences:
    text_iri: str
    sentences: list[tuple[int, int, str]]  # start, end, sentence IRI
    value: str | None


def report_sentences(report_path: Any, text_path: Any) -> _ReportSentences | None:
    """The stored text IRI and sentences a report file gives for `text_path` (matched by file name)."""
    from pathlib import Path, PurePosixPath

    from pactgraph.validation.inputs import parse_inputs
    from pactgraph.rdf.namespaces import PREFIXES

    parsed = parse_inputs([report_path])[0]
    name = Path(text_path).name
    texts = [(node, value) for node, at, value in parsed.stored_texts() if PurePosixPath(at).name == name]
    if len(texts) != 1:
        return None
    node, value = texts[0]
    oa = PREFIXES["oa"]
    by_subject: dict[Any, dict[str, list[Any]]] = {}
    for q in parsed.quads:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)
    spans = []
    for subject, props in by_subject.items():
        if node not in props.get(oa + "hasSource", []):
            continue
        if not any(t.value.endswith("#Sentence") for t in props.get(PREFIXES["rdf"] + "type", [])):
            continue
        for selector in props.get(oa + "hasSelector", []):
            fields = by_subject.get(selector, {})
            starts, ends = fields.get(oa + "start", []), fields.get(oa + "end", [])
            if starts and ends:
                try:
                    spans.append((int(starts[0].value), int(ends[0].value), subject.value))
                except ValueError:
                    pass
    return _ReportSentences(text_iri=node.value, sentences=sorted(spans), value=value)


def anchor(text_path: Any, quote: str, report_path: Any = None) -> AnchorOutcome:
    """Selectors for `quote` in the text file, or why there are none.

    The sentence and stored-text IRIs come from `report_path` (default: report.ttl
    beside the text, when there is one); without it the sentence is numbered as
    `new-report` numbers them.
    """
    from pathlib import Path

    from pactgraph.contributing import REPORT_NAME, read_text_file
    from pactgraph.errors import InputError
    from pactgraph.rdf.namespaces import shorten

    text = read_text_file(text_path)
    if quote == "" or not quote.strip():
        raise InputError("the quote is empty: give the exact words to anchor")
    known = None
    notes = []
    if report_path is None:
        beside = Path(text_path).with_name(REPORT_NAME)
        report_path = beside if beside.is_file() else None
    if report_path is not None:
        known = report_sentences(report_path, text_path)
        if known is None:
            notes.append(f"{report_path} has no pg:SourceText stored as {Path(text_path).name}; sentences numbered as new-report does")
        elif known.value is not None and known.value != text:
            notes.append(f"the stored text in {report_path} differs from {text_path}; the offsets are those of {text_path}")
    spans = sentences(text)
    found = locate(text, quote)
    if found.found:
        start = found.starts[0]
        end = start + len(quote)
        lines = [f"# {turtle_string(quote)} at {start}..{end}"]
        head = []
        if known is not None:
            head.append(f"    oa:hasSource {shorten(known.text_iri)} ;")
            containing = [iri for s, e, iri in known.sentences if s <= start and end <= e]
            if containing:
                head.append(f"    pg:inSentence {shorten(containing[0])} ;")
            else:
                notes.append("no sentence of the report contains the whole quote; an anchor must lie within one sentence")
        else:
            number = sentence_number(spans, start, end)
            if number is not None:
                lines[0] += f", in sentence {number}"
            else:
                notes.append("the quote spans a sentence boundary; an anchor must lie within one sentence")
        return AnchorOutcome(True, "\n".join(lines + head + [selector_turtle(text, start, end) + " ;"]) + "\n", notes=notes)
    if len(found.starts) > 1:
        lines = [
            f"the quote occurs {len(found.starts)} times in {text_path}; lengthen it until it occurs once:"
        ]
        for start in found.starts:
            end = start + len(quote)
            number = sentence_number(spans, start, end)
            where = f"{start}..{end}" + (f" (sentence {number})" if number else "")
            lines.append(f"  {where}: {context_line(text, start, end)}")
        return AnchorOutcome(False, message="\n".join(lines), notes=notes)
    if found.near:
        lines = [
            f"the quote is not in {text_path} as given; it differs from the text in {found.near_kind} "
            f"(nothing is changed for you: quote the text's own characters):"
        ]
        for start, end in found.near:
            actual = text[start:end]
            lines.append(f"  at {start}..{end}: {context_line(text, start, end)}")
            lines.extend(f"    {line}" for line in differences(quote, actual))
            lines.append(f"    the text reads: {turtle_string(actual)}")
        return AnchorOutcome(False, message="\n".join(lines), notes=notes)
    message = f"the quote is not in {text_path}"
    if found.longest is not None:
        at_text, at_quote, size = found.longest
        if size >= 4:
            part = quote[at_quote : at_quote + size]
            message += (
                f"; its longest part found in the text is {turtle_string(part)} at {at_text}..{at_text + size}: "
                f"{context_line(text, at_text, at_text + size)}"
            )
    return AnchorOutcome(False, message=message, notes=notes)
