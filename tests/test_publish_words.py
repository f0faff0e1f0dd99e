"""The published pages in a reader's words: classes and properties named by the ontology's
labels, one class per person, claim pages that lead with the quote, the text shown once,
quote context cut at word boundaries, "Referenced by" grouped and filtered.

Oracles: the source files (which resources are people, which claims the report states),
the stored article text (where its words begin).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_publish import ROOT, source_quads
from test_publish_story import ARTICLE, BASE, PG, TEXT_PAGE, report_claims

PREFIXED = re.compile(r"^(pg|pgv|pgr|rdf|rdfs|owl|xsd|skos|schema|prov|org|time|oa|sem|dcterms|vann|sh):\w")
CAMEL = re.compile(r"\b[a-z]+ [A-Z][a-z]+\b")  # "contained In Place", "is Defined By"


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    return shipped_site.path


def people() -> list[str]:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("data"))
    return sorted(
        r["p"].value
        for r in store.query(
            "SELECT ?p WHERE { ?p a <http://www.w3.org/ns/prov#Person>, <https://schema.org/Person> }"
        )
    )


#: Links to classes and properties: the ontology page's terms and the reused vocabularies.
TERM_LINK = re.compile(
    r'<a href="(?:\.\./)?(?:ontology\.html#|https://schema\.org/|http://www\.w3\.org/|http://purl\.org/)[^"]*"[^>]*>(.*?)</a>',
    re.S,
)


def term_names(path: Path) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in TERM_LINK.findall(path.read_text("utf-8"))]


def test_no_page_names_a_class_or_property_by_a_prefixed_name_or_split_camel_case(site):
    for path in ("index.html", "ontology.html", "id/turkey.html", "id/claim-reference-news-2026-01-12-08.html",
                 TEXT_PAGE, "id/report-reference-news-2026-01-12.html", "search.html"):
        names = term_names(site / path)
        assert names or path.endswith(("08.html", "search.html")), path
        for text in names:
            assert not PREFIXED.match(text), (path, text)
            assert not CAMEL.search(text), (path, text)
    index = (site / "index.html").read_text("utf-8")
    headings = re.findall(r'<h3 id="class-[^"]+"><a [^>]*>([^<]+)</a>', index)
    assert {"Person", "City", "Concept scheme", "Role"} <= set(headings)
    ontology = (site / "ontology.html").read_text("utf-8")
    for key in ("title", "version", "preferred prefix"):
        assert f">{key}</a>" in ontology, key


def test_a_person_is_listed_under_one_class(site):
    found = people()
    assert found  # the shipped data types its people as both prov:Person and schema:Person
    index = (site / "index.html").read_text("utf-8")
    by_class = index[index.index('id="classes"') : index.index('id="documentation"')]
    for iri in found:
        page = iri.rsplit("/", 1)[1] + ".html"
        assert by_class.count(f'href="id/{page}"') == 1, page
        types = re.search(r'<th scope="row">Type</th><td>(.*?)</td>', (site / "id" / page).read_text("utf-8"))
        assert types is not None and re.sub(r"<[^>]+>", "", types.group(1)) == "Person", page


def test_a_claim_page_leads_with_the_quote_claimant_and_certainty_and_never_links_to_itself(site):
    page = site / "id/claim-reference-news-2026-01-12-08.html"
    text = page.read_text("utf-8")
    main = text[text.index("<main>") :]
    assert main.index("<blockquote") < main.index('class="iri"') < main.index("Also as")
    lead = re.sub(r"<[^>]+>", "", re.search(r'<p class="claim-lead">(.*?)</p>', main).group(1))
    assert lead == "Claimed by officials who did not want to reveal their names, who holds it probable."
    assert 'href="claim-reference-news-2026-01-12-08.html"' not in main
    assert "<dt>Claim</dt>" not in main
    for noise in ("qualified", "had Role", "Attribution"):
        assert noise not in re.sub(r"<[^>]+>", " ", main), noise


def test_the_text_is_shown_once_and_referenced_by_lists_no_anchors(site):
    page = (site / TEXT_PAGE).read_text("utf-8")
    article = ARTICLE.read_text("utf-8")
    sentence = next(line for line in article.splitlines() if len(line) > 80)[:60]
    assert sentence not in page or page.count(sentence) == 1  # not as a second, plain copy
    assert 'class="long"' not in page
    referenced = page[page.index('id="referenced-by"') :] if 'id="referenced-by"' in page else ""
    assert "-anchor.html" not in referenced
    assert re.findall(r'<dl class="incoming">', page) == ([] if not referenced else ['<dl class="incoming">'])


def test_quote_context_starts_and_ends_at_word_boundaries(site):
    article = ARTICLE.read_text("utf-8")
    claims = report_claims()
    checked = 0
    for iri in claims:
        page = (site / "id" / (iri.rsplit("/", 1)[1] + ".html")).read_text("utf-8")
        quote = re.search(
            r'<blockquote class="quote"><span class="ctx">…?(.*?)</span><mark>(.*?)</mark><span class="ctx">(.*?)…?</span>',
            page,
            re.S,
        )
        if quote is None:
            continue
        before, exact, after = (unescape(g) for g in quote.groups())
        where = article.find(before + exact + after)
        assert where >= 0, iri
        assert not before or before[0].isspace() or where == 0 or not article[where - 1].isalnum(), (iri, before)
        end = where + len(before + exact + after)
        assert not after or after[-1].isspace() or end == len(article) or not article[end].isalnum(), (iri, after)
        checked += 1
    assert checked >= len(claims) // 2


#: How an event, membership, relation or agreement names the entities that take part in it.
TAKES_PART_IN = "^(sem:hasActor|org:member|org:organization|pg:party|pg:between)"
SPARQL_PREFIXES = f"""
PREFIX pg: <{PG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX org: <http://www.w3.org/ns/org#>
"""
#: The ways a claim concerns a resource, most relevant first, and the page section of each.
RELEVANCE = SPARQL_PREFIXES + f"""
SELECT ?claim ?rank WHERE {{
  {{ ?claim pg:proposition/rdf:subject ?x BIND(0 AS ?rank) }}
  UNION {{ ?claim pg:claimant ?x BIND(1 AS ?rank) }}
  UNION {{ ?claim pg:proposition/rdf:object ?x BIND(2 AS ?rank) }}
  UNION {{ ?claim pg:proposition/(rdf:subject|rdf:object) ?part . ?x {TAKES_PART_IN} ?part BIND(3 AS ?rank) }}
  UNION {{ ?claim pg:proposition ?p . ?p pg:about ?x ; rdf:subject|rdf:object ?part . ?part ?role ?x
           FILTER(?part != ?x) BIND(3 AS ?rank) }}
  UNION {{ ?claim pg:proposition/pg:about ?x BIND(4 AS ?rank) }}
}}"""
FIRST_PUBLISHED = f"""
PREFIX pg: <{PG}>
PREFIX schema: <https://schema.org/>
SELECT ?claim ?date WHERE {{
  ?claim a pg:Claim .
  OPTIONAL {{ ?claim pg:reportedFirstIn/schema:datePublished ?first }}
  OPTIONAL {{ ?claim pg:statedIn/schema:datePublished ?stated }}
  BIND(STR(COALESCE(?first, ?stated, "")) AS ?date)
}}"""
SECTIONS = {0: "claims-about", 1: "claims-by", 2: "claims-involving", 3: "claims-involving", 4: "claims-mentioning"}


def relevance_oracle(entity: str) -> list[tuple[str, str]]:
    """(section, claim IRI) in the order the entity's page should list its claims, computed with
    rdflib's SPARQL from the source files: each claim in the section of its most relevant role;
    in a section, claims grouped by proposition, each group where its first claim falls, claims
    by (role, day first published with undated last, IRI)."""
    import rdflib

    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    x = rdflib.URIRef(entity)
    ranks: dict[str, int] = {}
    for row in graph.query(RELEVANCE, initBindings={"x": x}):
        ranks[str(row.claim)] = min(int(row.rank), ranks.get(str(row.claim), 99))
    dates = {str(row.claim): str(row.date) for row in graph.query(FIRST_PUBLISHED)}
    proposition = {
        str(c): str(p) for c, p in graph.subject_objects(rdflib.URIRef(PG + "proposition"))
    }

    def key(claim: str) -> tuple:
        return (ranks[claim], dates[claim] == "", dates[claim], claim)

    order = []
    for section in dict.fromkeys(SECTIONS.values()):
        claims = [c for c in ranks if SECTIONS[ranks[c]] == section]
        groups: dict[str, list[str]] = {}
        for claim in claims:
            groups.setdefault(proposition.get(claim, claim), []).append(claim)
        for members in sorted((sorted(m, key=key) for m in groups.values()), key=lambda m: key(m[0])):
            order.extend((section, claim) for claim in members)
    return order


def listed_claims(page: str) -> list[tuple[str, str]]:
    """(section, claim IRI) of the claim cards of a resource page, in page order."""
    found, section = [], ""
    for m in re.finditer(r'<h2 id="([^"]+)"|<dl class="facts">\s*<dt>[^<]*</dt><dd><a href="(claim-[^"]+)\.html"', page):
        if m.group(1):
            section = m.group(1)
        elif section.startswith("claims-"):
            found.append((section, BASE + "id/" + m.group(2)))
    return found


@pytest.mark.parametrize("language", ("", "zh/"))
@pytest.mark.parametrize("entity", ("turkey", "saudi-pakistan-alliance", "alexei-portanskiy"))
def test_an_entity_page_lists_claims_by_relevance_to_it(site, language, entity):
    """Claims with the entity as the proposition's subject first, then as claimant, value or
    another role, then mentions; in each, by the day first published, then IRI. Scoped to the
    shipped report's claims (a new report's claims may fall anywhere among them)."""
    shipped = set(report_claims())
    page = (site / f"{language}id/{entity}.html").read_text("utf-8")
    listed = [item for item in listed_claims(page) if item[1] in shipped]
    expected = [item for item in relevance_oracle(BASE + "id/" + entity) if item[1] in shipped]
    assert listed and listed == expected
    if entity == "turkey":  # the order is not the alphabetical one of before
        sections = [s for s, _ in listed]
        assert sections.index("claims-mentioning") > sections.index("claims-involving") > 0


def source_graph():
    import rdflib

    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def linked_claims(page: Path) -> set[str]:
    """The claims a resource page links to (IRIs)."""
    return {BASE + "id/" + name for name in re.findall(r'href="(claim-[^"#]+)\.html"', page.read_text("utf-8"))}


def test_an_entity_page_lists_the_claims_whose_proposition_it_takes_part_in(site):
    """A claim whose proposition's subject or value is an event, membership, relation or
    agreement the entity takes part in is listed on the entity's page, though the proposition
    is not marked as about the entity (pg:about); the page of a state that takes no part in
    the proposition does not list it. Oracle: the source files, read with rdflib."""
    import rdflib

    graph = source_graph()
    report = rdflib.URIRef(BASE + "id/report-reference-news-2026-01-12")
    turkey = rdflib.URIRef(BASE + "id/turkey")
    pg = rdflib.Namespace(PG)
    # the shipped report's claims that reach Turkey only through an actor of their proposition
    only_as_actor = SPARQL_PREFIXES + """
    SELECT DISTINCT ?claim WHERE {
      ?claim pg:statedIn ?report ; pg:proposition ?p .
      ?p rdf:subject|rdf:object ?part . ?part sem:hasActor ?x .
      FILTER NOT EXISTS { ?p pg:about|rdf:subject|rdf:object ?x }
      FILTER NOT EXISTS { ?claim pg:claimant ?x }
    }"""
    found = {
        str(row.claim) for row in graph.query(only_as_actor, initBindings={"report": report, "x": turkey})
    }
    assert found == {BASE + f"id/claim-reference-news-2026-01-12-{n}" for n in ("06", "07", "31", "35")}
    assert found <= linked_claims(site / "id/turkey.html")
    assert found <= linked_claims(site / "zh/id/turkey.html")
    # every state's page lists these claims exactly when the state has a part in them
    involved = SPARQL_PREFIXES + """
    ASK {
      { ?claim pg:claimant ?x } UNION { ?claim pg:proposition/(pg:about|rdf:subject|rdf:object) ?x }
      UNION { ?claim pg:proposition/(rdf:subject|rdf:object)/(sem:hasActor|org:member|org:organization|pg:party|pg:between) ?x }
    }"""
    outside = []
    for state in sorted(graph.subjects(rdflib.RDF.type, pg.SovereignState)):
        listed = linked_claims(site / f"id/{state.rsplit('/', 1)[1]}.html")
        for claim in sorted(found):
            takes_part = graph.query(involved, initBindings={"claim": rdflib.URIRef(claim), "x": state}).askAnswer
            assert (claim in listed) == takes_part, (state, claim)
            if not takes_part:
                outside.append((state, claim))
    assert outside  # some state's page must leave some of these claims out
