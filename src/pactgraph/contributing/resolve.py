"""Finding things in the graph by what people call them: labels in every language, alternative labels, names.

Contributors type "Bloomberg", "Portanskiy" or "probable", not IRIs. `Index`
gathers every labelled resource of a graph with its kinds; `resolve` turns a
label, a name, a prefixed name or an IRI into one resource of the wanted kind
(exact first, then with accents, case and punctuation folded, then a unique
whole-word match), and otherwise lists the candidates; `rank` scores every
resource against a text for `pactgraph find` and for the propositions nearest to
a sentence.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pactgraph.errors import InputError
from pactgraph.rdf.namespaces import PG, PREFIXES, expand, shorten

SCHEMA = PREFIXES["schema"]
PROV = PREFIXES["prov"]
SKOS = PREFIXES["skos"]
ORG = PREFIXES["org"]

#: Kinds of resource a contributor names, by the classes that make them so.
AGENT_CLASSES = frozenset(
    {
        PG + "NewsOutlet",
        PG + "AnonymousSource",
        SCHEMA + "Person",
        PROV + "Person",
        PROV + "Agent",
        PROV + "Organization",
        ORG + "Organization",
        ORG + "FormalOrganization",
        SCHEMA + "Organization",
    }
)
#: Not things a contributor looks for (they are reached through claims and reports).
HIDDEN_CLASSES = frozenset(
    {PG + "Sentence", PG + "TextAnchor", PG + "SourceText", PREFIXES["owl"] + "Ontology", SKOS + "ConceptScheme"}
)
LABELS = (PREFIXES["rdfs"] + "label", SKOS + "prefLabel", SKOS + "altLabel", SCHEMA + "name")

_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from",
     "had", "has", "have", "he", "her", "his", "if", "in", "into", "is", "it", "its", "may", "might", "no", "not", "of",
     "on", "or", "she", "should", "so", "than", "that", "the", "their", "them", "there", "these", "they", "this",
     "those", "to", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would"]
    # Who speaks and how is the claim's attribution, and "not" its polarity: neither is the proposition's.
    + ["according", "added", "said", "says", "told"]
)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accents, case and punctuation folded: `Nihat Ali Özcan` -> `nihat ali ozcan`."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", stripped))


def _stem(token: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(token) > len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
            break
    return token[:7]


@functools.lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """The content words of a text, folded and crudely stemmed (for ranking, not for matching names)."""
    return frozenset(_stem(t) for t in fold(text).split() if t not in _STOP and not (len(t) == 1 and t.isascii() and t.isalpha()))


@dataclass
class Resource:
    """One labelled resource of the graph."""

    iri: str
    kinds: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    english: str = ""
    scheme: str = ""
    extra: list[str] = field(default_factory=list)  # further text to rank by (anchored quotes)
    #: A proposition's words with those of its structure (subject, predicate, object, the object's
    #: scale), alternative labels included: "talks" finds the negotiations' progress.
    structure: str = ""

    @property
    def name(self) -> str:
        return self.english or (self.labels[0] if self.labels else shorten(self.iri))

    def local_names(self) -> list[str]:
        local = shorten(self.iri).split(":", 1)[-1]
        names = [local.replace("-", " ")]
        for kind in ("proposition-", "claim-", "report-", "source-role-", "certainty-", "polarity-", "time-orientation-"):
            if local.startswith(kind):
                names.append(local[len(kind) :].replace("-", " "))
        return names


_INDEX_QUERY = (
    "SELECT ?s ?type ?p ?label ?scheme WHERE {\n"
    "  { ?s a ?type } UNION { ?s ?p ?label VALUES ?p { "
    + " ".join(f"<{p}>" for p in LABELS)
    + " } } UNION { ?s skos:inScheme ?scheme }\n}\n"
)

_STRUCTURE_QUERY = """
SELECT ?proposition ?part WHERE {
  ?proposition a pg:Proposition .
  { ?proposition rdf:subject|rdf:predicate|rdf:object ?part } UNION { ?proposition rdf:object/skos:inScheme ?part }
}
"""

_QUOTES_QUERY = """
SELECT ?proposition ?quote WHERE {
  ?claim pg:proposition ?proposition ; pg:hasAnchor/oa:hasSelector/oa:exact ?quote .
}
"""


#: A kind's resources, then their exact labels, folded labels and folded local names.
#: A pool: its resources, exact labels, folded labels, folded local names, and the resources whose
#: labels hold each folded text looked up so far as whole words (kept until the pool changes).
_Pool = tuple[list[Resource], dict[str, list[Resource]], dict[str, list[Resource]], dict[str, list[Resource]],
              dict[str, list[Resource]]]


class Index:
    """Every typed or labelled resource of a graph, by IRI."""

    def __init__(self, resources: dict[str, Resource]):
        self.resources = resources
        #: By (kind, scheme): the pool and its names (exact labels, folded labels, folded local names).
        self._pools: dict[tuple[str, str | None], _Pool] = {}

    @classmethod
    def from_store(cls, store: Any) -> Index:
        from pactgraph.query.querying import run_query

        found: dict[str, Resource] = {}
        for row in run_query(store, _INDEX_QUERY).bindings():
            subject = row["s"]
            if type(subject).__name__ != "NamedNode":
                continue
            res = found.setdefault(subject.value, Resource(subject.value))
            if "type" in row:
                res.types.add(row["type"].value)
            if "label" in row:
                literal = row["label"]
                if literal.value not in res.labels:
                    res.labels.append(literal.value)
                language = getattr(literal, "language", None)
                if language == "en" and row["p"].value != SKOS + "altLabel" and not res.english:
                    res.english = literal.value
            if "scheme" in row:
                res.scheme = row["scheme"].value
        for row in run_query(store, _QUOTES_QUERY).bindings():
            about = found.get(row["proposition"].value)
            if about is not None and row["quote"].value not in about.extra:
                about.extra.append(row["quote"].value)
        parts: dict[str, list[str]] = {}
        for row in run_query(store, _STRUCTURE_QUERY).bindings():
            part = found.get(row["part"].value)
            if part is not None:
                parts.setdefault(row["proposition"].value, []).extend(part.labels)
        for res in found.values():
            res.labels.sort(key=lambda label: (label != res.english, label))
            res.kinds = _kinds(res)
            if res.iri in parts:
                res.structure = " ".join([res.name, *sorted(set(parts[res.iri]))])
        return cls(found)

    def of_kind(self, kind: str, scheme: str | None = None) -> list[Resource]:
        return list(self._pool(kind, scheme)[0])

    def _pool(self, kind: str, scheme: str | None) -> _Pool:
        """The resources of a kind with their names as lookup tables, built once (so that resolving
        many names costs one pass over the graph, not one a name)."""
        key = (kind, scheme)
        if key not in self._pools:
            wanted = expand(scheme) if scheme is not None else None
            pool = [r for r in self.resources.values() if kind in r.kinds and (wanted is None or r.scheme == wanted)]
            exact: dict[str, list[Resource]] = {}
            folded: dict[str, list[Resource]] = {}
            local: dict[str, list[Resource]] = {}
            for r in pool:
                _file(r, exact, r.labels)
                _file(r, folded, [fold(label) for label in r.labels])
                _file(r, local, [fold(name) for name in r.local_names()])
            self._pools[key] = (pool, exact, folded, local, {})
        return self._pools[key]

    def add(self, resource: Resource) -> None:
        resource.kinds = resource.kinds or _kinds(resource)
        self.resources[resource.iri] = resource
        for key in [k for k in self._pools if k[0] in resource.kinds]:
            del self._pools[key]


def _file(res: Resource, table: dict[str, list[Resource]], names: Iterable[str]) -> None:
    for name in dict.fromkeys(names):
        table.setdefault(name, []).append(res)


def _kinds(res: Resource) -> set[str]:
    kinds = set()
    if res.types & AGENT_CLASSES:
        kinds.add("agent")
    if PG + "Proposition" in res.types:
        kinds.add("proposition")
    if PG + "Report" in res.types:
        kinds.add("report")
    if PG + "Claim" in res.types:
        kinds.add("claim")
    if res.scheme:
        kinds.add("concept")
    if res.labels and not kinds and not (res.types & HIDDEN_CLASSES) and not res.iri.startswith(
        (PG, PREFIXES["owl"], PREFIXES["rdf"], PREFIXES["rdfs"], SKOS, PROV, SCHEMA, ORG)
    ):
        kinds.add("entity")
    return kinds


class AmbiguousError(InputError):
    """A name matches several resources (or, with `unknown`, none); `candidates` lists them, best first."""

    def __init__(self, message: str, candidates: Sequence[Resource], unknown: bool = False):
        super().__init__(message)
        self.candidates = list(candidates)
        self.unknown = unknown


_SCHEME_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def looks_like_iri(text: str) -> bool:
    """Whether `text` is written as an IRI or a prefixed name (bracketed, with a scheme, or `prefix:name`)."""
    wanted = text.strip()
    return (
        (wanted.startswith("<") and wanted.endswith(">"))
        or _SCHEME_IRI.match(wanted) is not None
        or re.match(r"^[A-Za-z][\w.\-]*:\S+$", wanted) is not None
    )


def check_name(text: str, option: str, what: str = "a new resource", declared_by: str | None = None) -> str:
    """`text` as the name of something new: words, never an IRI or a prefixed name (InputError).

    `declared_by`: the option that makes the thing new (`--new-claimant`), when leaving it out would
    make `text` refer to one of the graph instead; the message offers that way out only then."""
    if looks_like_iri(text):
        given = f"{option} {text.strip()!r} is written as an IRI or a prefixed name, but {what} is named in words"
        if declared_by:
            raise InputError(
                f"{given} (pactgraph makes its IRI); give its name, or leave out the option that declares it "
                f"({declared_by}) to refer to one of the graph"
            )
        raise InputError(f"{given}: write its name, and pactgraph makes its IRI from it")
    return text


def _check_iri_syntax(wanted: str, option: str) -> None:
    """A bracketed or scheme-led IRI must be one: no spaces or characters IRIs leave out."""
    inner = wanted[1:-1] if wanted.startswith("<") and wanted.endswith(">") else wanted
    if (wanted.startswith("<") or _SCHEME_IRI.match(wanted)) and re.search(r'[\s<>"{}|\\^`]', inner):
        raise InputError(
            f"{option} {wanted!r}: an IRI cannot hold spaces or any of <>\"{{}}|\\^`; give a name in words, "
            "a prefixed name (pgr:...) or a well-formed IRI"
        )


def _looks_like_iri(text: str) -> bool:
    return (text.startswith("<") and text.endswith(">")) or (
        " " not in text and re.match(r"^[A-Za-z][\w.\-]*:\S+$", text) is not None
    )


def _describe(candidates: Iterable[Resource], limit: int = 6) -> str:
    shown = [f"{shorten(c.iri)} ({c.name})" for c in list(candidates)[:limit]]
    return "; ".join(shown)


def resolve(index: Index, text: str, kind: str, option: str, scheme: str | None = None) -> Resource:
    """The one resource of `kind` that `text` names (see the module docs); InputError otherwise.

    AmbiguousError (an InputError) when several match equally, with the candidates.
    """
    wanted = text.strip()
    if not wanted:
        raise InputError(f"{option} is empty")
    _check_iri_syntax(wanted, option)
    pool, exact, folded_labels, local, words = index._pool(kind, scheme)
    if not pool:
        raise InputError(f"{option} {wanted!r}: the graph has no {kind} to choose from")
    if _looks_like_iri(wanted):
        try:
            iri = expand(wanted[1:-1] if wanted.startswith("<") else wanted)
        except ValueError:
            iri = ""
        if iri:
            found = index.resources.get(iri)
            if found is not None and kind in found.kinds and (scheme is None or found.scheme == expand(scheme)):
                return found
            near = rank(index, shorten(iri).split(":", 1)[-1].replace("-", " "), kinds=(kind,), scheme=scheme)[:3]
            hint = f"; nearest: {_describe(r for _, r in near)}" if near else ""
            raise InputError(f"{option} {wanted}: no {kind} with that IRI in the graph{hint}")
    for hits in (exact.get(wanted, []), folded_labels.get(fold(wanted), []), local.get(fold(wanted), [])):
        hits = list(hits)
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            hits.sort(key=lambda r: r.iri)
            raise AmbiguousError(
                f"{option} {wanted!r} names {len(hits)} {kind}s: {_describe(hits)}; give one as a prefixed name",
                hits,
            )
    folded = fold(wanted)
    if folded not in words:  # a sheet names one claimant in many rows: each text is matched once
        pattern = re.compile(r"\b" + re.escape(folded) + r"\b")
        words[folded] = [
            r for r in pool if folded and any(pattern.search(fold(label)) for label in r.labels + r.local_names()[:1])
        ]
    whole_word = list(words[folded])
    if len(whole_word) == 1:
        return whole_word[0]
    ranked = [r for _, r in rank(index, wanted, kinds=(kind,), scheme=scheme)]
    if whole_word:
        ordered = [r for r in ranked if r in whole_word] + [r for r in whole_word if r not in ranked]
        raise AmbiguousError(
            f"{option} {wanted!r} matches {len(whole_word)} {kind}s: {_describe(ordered)}; give one as a prefixed name",
            ordered,
        )
    if kind == "concept" and scheme is not None:
        stem = shorten(expand(scheme)).split(":", 1)[-1] + "-"
        values = sorted(shorten(r.iri).split(":", 1)[-1].removeprefix(stem) for r in pool)
        raise AmbiguousError(f"{option} {wanted!r} is not one of {', '.join(values)}", [], unknown=True)
    hint = f"; nearest: {_describe(ranked[:5])}" if ranked else ""
    raise AmbiguousError(f"{option} {wanted!r}: no {kind} of the graph is called that{hint}", ranked[:5], unknown=True)


def similarity(query: str, text: str, spelling: bool = True) -> float:
    """0..1: how well `text` matches `query` (content words shared, then, with `spelling`, spelling)."""
    fq, ft = fold(query), fold(text)
    if not fq or not ft:
        return 0.0
    if fq == ft:
        return 1.0
    q, t = terms(query), terms(text)
    words = 0.0
    if q and t:
        shared = len(q & t)
        words = 0.7 * shared / len(q) + 0.3 * shared / len(q | t)
    if not spelling:
        return words
    spelt = 0.0
    if len(ft) < 4 * len(fq) + 20:
        matcher = difflib.SequenceMatcher(None, fq, ft, autojunk=False)
        # Only a ratio above 0.75 counts: the cheap upper bounds rule most pairs out first.
        if matcher.real_quick_ratio() > 0.75 and matcher.quick_ratio() > 0.75:
            spelt = matcher.ratio()
    return max(words, 0.85 * spelt if spelt > 0.75 else 0.0)


def _texts(res: Resource, with_quotes: bool) -> list[str]:
    """What a resource is ranked by: its labels, its local name and, `with_quotes`, its anchored quotes."""
    return list(res.labels) + res.local_names()[:1] + (res.extra if with_quotes else [])


def score(query: str, res: Resource, with_quotes: bool = False) -> float:
    """0..1: how well `query` matches `res` by its best text; its structure's words count, not their
    spelling (the structure is no one's phrase). The one score `find` and `new-report` both rank by."""
    best = max((similarity(query, t) for t in _texts(res, with_quotes)), default=0.0)
    if res.structure:
        best = max(best, similarity(query, res.structure, spelling=False))
    return best


def rank(
    index: Index,
    query: str,
    *,
    kinds: Sequence[str] = ("proposition", "agent", "entity", "report"),
    scheme: str | None = None,
    minimum: float = 0.3,
    with_quotes: bool = False,
) -> list[tuple[float, Resource]]:
    """Resources of `kinds` scored against `query` by their best label (and anchored quotes), best first."""
    wanted = expand(scheme) if scheme is not None else None
    pool = (r for r in index.resources.values() if r.kinds & set(kinds) and (wanted is None or r.scheme == wanted))
    return _ordered(query, pool, minimum, with_quotes)


def _ordered(query: str, pool: Iterable[Resource], minimum: float, with_quotes: bool) -> list[tuple[float, Resource]]:
    scored = [(round(s, 3), res) for res in pool if (s := score(query, res, with_quotes)) >= minimum]
    scored.sort(key=lambda pair: (-pair[0], pair[1].iri))
    return scored


class Ranker:
    """`rank` for many queries over one index (the sentences of a long text), by the same `score`:
    each resource is filed once by the content words of its texts, and a query is scored only against
    the resources that share a word with it. A sentence sharing none scores by spelling alone, which
    only a near copy of a label reaches; a short query with a typo needs `rank`."""

    def __init__(self, index: Index, kinds: Sequence[str], with_quotes: bool = False):
        self.by_term: dict[str, set[str]] = {}
        self.index = index
        self.with_quotes = with_quotes
        for res in index.resources.values():
            if not (res.kinds & set(kinds)):
                continue
            for text in _texts(res, with_quotes) + [res.structure]:
                for term in terms(text):
                    self.by_term.setdefault(term, set()).add(res.iri)

    def rank(self, query: str, minimum: float = 0.3) -> list[tuple[float, Resource]]:
        candidates = set().union(*(self.by_term.get(term, set()) for term in terms(query)))
        return _ordered(query, (self.index.resources[iri] for iri in candidates), minimum, self.with_quotes)


def kind_of(res: Resource) -> str:
    for kind in ("proposition", "report", "claim", "agent", "concept", "entity"):
        if kind in res.kinds:
            return kind
    return "resource"
