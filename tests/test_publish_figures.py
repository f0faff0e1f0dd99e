"""The published site's figures: laid out by Graphviz, the same bytes on every publish, and
showing what the graph says.

Oracles: rdflib over ontology/*.ttl for the subclass edges, a SPARQL query over the data
(pyoxigraph) for the relay edges, the reports' dates for the timeline's story; `dot` taken
off PATH for the missing-Graphviz line.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import _run_pactgraph
from test_publish import source_quads

from pactgraph import resources


PG = "https://w3id.org/pactgraph/ontology#"
CLAIM = "id/claim-reference-news-2026-01-12-08.html"


def figures(text: str, css_class: str) -> list[str]:
    """Every inline <svg> of a class on a page (graph figures hold no nested <svg>)."""
    return re.findall(rf'<svg class="{css_class}"[^>]*>.*?</svg>', text, re.DOTALL)


def edges(svg: str, kind: str) -> list[str]:
    """The tooltips of a figure's edges of one kind (`subclass`, `property`, `relay`, `gap`)."""
    return [html.unescape(t) for t in re.findall(rf'<g class="edge {kind}"><title>(.*?)</title>', svg)]


def all_figures(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        svgs = [s for c in ("chain-figure", "overview", "timeline", "chart") for s in figures(text, c)]
        if svgs:
            found[page.relative_to(site).as_posix()] = svgs
    return found


def test_every_figure_is_the_same_bytes_on_a_second_publish(shipped_site, tmp_path):
    again = tmp_path / "site"
    done = _run_pactgraph("publish", str(again), "--no-validate", "--quiet", env={"PYTHONHASHSEED": "1"})
    assert done.returncode == 0, done.stderr
    first, second = all_figures(shipped_site.path), all_figures(again)
    assert {"ontology.html", "timeline.html", CLAIM} <= set(first)
    assert first == second
    assert (shipped_site.path / "timeline.svg").read_bytes() == (again / "timeline.svg").read_bytes()
    # nothing of dot's that names its version or the time, no ids that repeat on a page
    for svgs in first.values():
        for svg in svgs:
            assert "<!--" not in svg and "graphviz" not in svg.lower()
            assert " id=" not in svg


def test_each_figure_is_an_image_with_a_title_in_two_layouts(shipped_site):
    for page, svgs in all_figures(shipped_site.path).items():
        for svg in svgs:
            head = svg[: svg.index(">")]
            label = re.search(r'aria-label="([^"]+)"', head)
            # an image, or a group when its boxes are links (an image's parts are hidden from assistive technology)
            role = 'role="group"' if "xlink:href" in svg else 'role="img"'
            assert role in head and label, (page, head)
            assert svg[len(head) + 1 :].startswith(f"<title>{label.group(1)}</title>"), page
    text = (shipped_site.path / CLAIM).read_text(encoding="utf-8")
    for css_class, page, count in (("chain-figure", CLAIM, 1), ("overview", "ontology.html", 2), ("timeline", "timeline.html", 1)):
        svgs = figures((shipped_site.path / page).read_text(encoding="utf-8"), css_class)
        assert [re.search(r'data-layout="(\w+)"', s).group(1) for s in svgs] == ["wide", "narrow"] * count, css_class
    # the overview's own classes still link to their sections on the page
    overview = figures((shipped_site.path / "ontology.html").read_text(encoding="utf-8"), "overview")[0]
    assert 'xlink:href="#Claim"' in overview and 'xlink:href="#Report"' in overview
    assert '<section class="term" id="Claim">' in (shipped_site.path / "ontology.html").read_text(encoding="utf-8")
    assert text.count('<svg class="chain-figure"') == 2


def ontology_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(resources.ontology_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def chart_names(graph: rdflib.Graph) -> dict[rdflib.URIRef, str]:
    """What the ontology charts call each class they draw (the own classes, the subclass axioms'
    classes, the own properties' domains and ranges): its English label, and for a reused class
    whose label another drawn class shares, its vocabulary's prefix after it."""
    is_iri = lambda node: isinstance(node, rdflib.URIRef)  # noqa: E731
    own = {c for c in graph.subjects(rdflib.RDF.type, rdflib.OWL.Class) if str(c).startswith(PG)}
    ends = {
        node
        for prop in graph.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty)
        if str(prop).startswith(PG)
        for domain in graph.objects(prop, rdflib.RDFS.domain)
        for range_ in graph.objects(prop, rdflib.RDFS.range)
        if is_iri(domain) and is_iri(range_)
        for node in (domain, range_)
    }
    pairs = {node for pair in graph.subject_objects(rdflib.RDFS.subClassOf) if all(map(is_iri, pair)) for node in pair}
    labels = {}
    for c in own | ends | pairs:
        english = [str(label) for label in graph.objects(c, rdflib.RDFS.label) if label.language == "en"]
        labels[c] = english[0] if english else graph.qname(c)
    shared = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    return {
        c: f"{label} ({graph.qname(c).split(':')[0]})" if label in shared and c not in own else label
        for c, label in labels.items()
    }


def test_the_overview_has_an_edge_for_each_subclass_axiom(shipped_site):
    graph = ontology_graph()
    names = chart_names(graph)

    def name(iri: rdflib.URIRef) -> str:
        return names[iri]

    expected = {
        f"{name(sub)} ⊂ {name(sup)}"
        for sub, sup in graph.subject_objects(rdflib.RDFS.subClassOf)
        if isinstance(sub, rdflib.URIRef) and isinstance(sup, rdflib.URIRef) and sub != sup
    }
    assert len(expected) > 20
    charts = figures((shipped_site.path / "ontology.html").read_text(encoding="utf-8"), "overview")
    kinds = [re.search(r'data-figure="(\w+)"', svg).group(1) for svg in charts]
    assert kinds == ["hierarchy", "hierarchy", "properties", "properties"]
    for kind, svg in zip(kinds, charts, strict=True):
        drawn = edges(svg, "subclass")
        if kind == "hierarchy":
            assert len(drawn) == len(set(drawn)) and set(drawn) == expected and not edges(svg, "property")
        else:
            assert not drawn and len(edges(svg, "property")) > 10


#: The width a page gives a figure: 1280 px less the page's margins, and 390 px (a phone) less them.
PAGE_WIDTH = {"wide": 1072, "narrow": 364}


@pytest.mark.parametrize("language", ("", "zh/", "ru/"))
def test_the_ontology_charts_fit_the_page_with_readable_text(shipped_site, language):
    """Each ontology chart, drawn at its natural size, fits a 1280 px window (wide) and a 390 px
    phone (narrow) without scrolling, and none of its text is under 11 px: in Russian too, whose
    long class names ("Межгосударственные отношения") made the wide property chart 1,297 px."""
    charts = figures((shipped_site.path / language / "ontology.html").read_text(encoding="utf-8"), "overview")
    assert len(charts) == 4
    for svg in charts:
        layout = re.search(r'data-layout="(\w+)"', svg).group(1)
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        assert width <= PAGE_WIDTH[layout], (layout, width)
        sizes = [float(size) for size in re.findall(r'<text[^>]* font-size="([\d.]+)"', svg)]
        assert sizes and min(sizes) >= 11, layout
    # every own class is drawn in the hierarchy or the property chart, in each layout, under its
    # ontology name in the page's language where it has one (rdflib), else its English name
    graph = ontology_graph()
    names = []
    for local in ("Claim", "ClaimComparison", "Report", "NewsOutlet"):
        labels = {label.language: str(label) for label in graph.objects(rdflib.URIRef(PG + local), rdflib.RDFS.label)}
        names.append(labels.get(language.rstrip("/") or "en", labels["en"]))
    # (a name wrapped onto lines of its box read whole: its lines joined, after a hyphen without a space)
    for layout in ("wide", "narrow"):
        drawn = {name for svg in charts if f'data-layout="{layout}"' in svg for name in box_names(svg)}
        assert set(names) <= drawn, (layout, set(names) - drawn)


def box_names(svg: str) -> list[str]:
    """The name each class box of a chart draws: its lines joined (a line ending in a hyphen
    joined to the next without a space)."""
    found = []
    for box in re.findall(r'<g class="node">.*?</g>', svg, re.S):
        lines = [html.unescape(line) for line in re.findall(r"<text[^>]*>([^<]*)</text>", box)]
        found.append("".join(line if n == 0 or lines[n - 1].endswith("-") else " " + line for n, line in enumerate(lines)))
    return found


CJK = re.compile(r"[\u2e80-\ufaff]")


@pytest.mark.parametrize("language", ("", "zh/", "ru/"))
def test_the_property_chart_breaks_its_names_between_words(shipped_site, language):
    """A property's name drawn on several lines of the property chart is broken at spaces (or
    after a hyphen, or between CJK characters), never inside a word: every drawn piece is a whole
    word of some property label of the ontology (rdflib), as "международного" of "участник
    международного договора" must be on the phone chart, whose lines are 12 characters."""
    graph = ontology_graph()
    words = {
        word
        for prop in graph.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty)
        for label in graph.objects(prop, rdflib.RDFS.label)
        for word in str(label).split()
    }
    pieces = words | {part for word in words if "-" in word for part in re.findall(r"[^-]+-?", word)}
    page = (shipped_site.path / language / "ontology.html").read_text(encoding="utf-8")
    charts = [svg for svg in figures(page, "overview") if 'data-figure="properties"' in svg]
    assert {re.search(r'data-layout="(\w+)"', svg).group(1) for svg in charts} == {"wide", "narrow"}
    drawn = [
        html.unescape(line)
        for svg in charts
        for edge in re.findall(r'<g class="edge property">.*?</g>', svg, re.S)
        for line in re.findall(r"<text[^>]*>([^<]*)</text>", edge)
    ]
    assert drawn
    broken = [
        line for line in drawn if not CJK.search(line) and not all(w.rstrip(",、") in pieces for w in line.split())
    ]
    assert broken == []


#: The list separator of each site language (the catalogues' ", ").
SEPARATOR = {"": ",", "zh/": "、", "ru/": ","}


@pytest.mark.parametrize("language", ("", "zh/", "ru/"))
def test_names_sharing_an_arrow_of_the_property_chart_are_told_apart(shipped_site, language):
    """Where several properties link the same two classes they share one arrow, their names
    stacked on its label: each name but the last ends with the language's list separator, so
    that "ended in context of", "event type" and "progress" do not read as one name. The drawn
    lines, separators taken off, are the names the arrow's tooltip lists, in order."""
    page = (shipped_site.path / language / "ontology.html").read_text(encoding="utf-8")
    charts = [svg for svg in figures(page, "overview") if 'data-figure="properties"' in svg]
    shared = 0
    for svg in charts:
        for edge in re.findall(r'<g class="edge property">.*?</g>', svg, re.S):
            tip = html.unescape(re.search(r"<title>(.*?)</title>", edge).group(1))
            names = tip.split(" — ", 1)[1].rsplit(" → ", 1)[0].split(", ")
            lines = [html.unescape(line) for line in re.findall(r"<text[^>]*>([^<]*)</text>", edge)]
            ends = [i for i, line in enumerate(lines) if line.endswith(SEPARATOR[language])]
            assert len(ends) == len(names) - 1, (names, lines)
            drawn, start = [], 0
            for end in [*ends, len(lines) - 1]:
                drawn.append(" ".join(lines[start : end + 1]).removesuffix(SEPARATOR[language]))
                start = end + 1
            if not CJK.search(" ".join(names)):  # a CJK name is wrapped without spaces
                assert drawn == names, (names, lines)
            shared += len(names) > 1
    assert shared


RELAYS = """
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?older ?newer WHERE {
  ?newerReport pg:relays ?olderReport .
  ?newerReport schema:publisher/rdfs:label ?newer FILTER (LANG(?newer) = "en")
  ?olderReport schema:publisher/rdfs:label ?older FILTER (LANG(?older) = "en")
}
"""


def test_relay_chain_edges_are_the_relays_of_the_graph(shipped_site):
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("data"))
    relays = {f"{r['older'].value} → {r['newer'].value}" for r in store.query(RELAYS)}
    assert "Bloomberg → Nezavisimaya Gazeta" in relays
    drawn: set[str] = set()
    for page in sorted((shipped_site.path / "id").glob("claim-*.html")):
        for svg in figures(page.read_text(encoding="utf-8"), "chain-figure"):
            solid, gaps = edges(svg, "relay"), edges(svg, "gap")
            assert solid or gaps, page
            assert set(solid) <= relays, page  # every solid arrow is a pg:relays in the data
            assert not set(gaps) & relays, page  # a dashed one is where the chain has no relay
            drawn |= set(solid)
    assert drawn  # the shipped report's chains are drawn
    chain = figures((shipped_site.path / CLAIM).read_text(encoding="utf-8"), "chain-figure")
    for svg in chain:  # oldest first: Bloomberg, relayed by Nezavisimaya Gazeta, relayed by Reference News
        assert edges(svg, "relay") == ["Bloomberg → Nezavisimaya Gazeta", "Nezavisimaya Gazeta → Reference News"]


REPORT_DATES = """
PREFIX pg: <https://w3id.org/pactgraph/ontology#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?date WHERE { ?report a pg:Report ; schema:datePublished ?date }
"""


def test_the_timeline_gives_the_story_weeks_more_room_than_the_background_years(shipped_site):
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("data"))
    reports = sorted(dt.date.fromisoformat(r["date"].value[:10]) for r in store.query(REPORT_DATES))
    assert reports
    text = (shipped_site.path / "timeline.html").read_text(encoding="utf-8")
    for svg in [*figures(text, "timeline"), (shipped_site.path / "timeline.svg").read_text(encoding="utf-8")]:
        segments = re.findall(
            r'<rect class="segment( story)?" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]+)</title>', svg
        )
        story = [(float(w), t) for s, w, t in segments if s]
        background = [(float(w), t) for s, w, t in segments if not s]
        assert story and background

        def days(parts: list[tuple[float, str]]) -> list[dt.date]:
            return [dt.date.fromisoformat(d) for _, t in parts for d in re.findall(r"\d{4}-\d{2}-\d{2}", t)]

        # every report falls in a story segment; the story is weeks, the background a year
        assert all(any(a <= r <= b for a, b in zip(days(story)[::2], days(story)[1::2], strict=True)) for r in reports)
        story_days = (max(days(story)) - min(days(story))).days
        background_days = (max(days(background)) - min(days(background))).days
        assert story_days < 60 < 180 < background_days
        assert sum(w for w, _ in story) > sum(w for w, _ in background)
        assert svg.count('class="break"') == len(segments) - 1  # a break mark between segments


def test_publish_without_dot_says_what_to_install(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "site"
    done = _run_pactgraph("publish", str(out), "--no-validate", env={"PATH": str(empty)})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "`dot`" in lines[0] and "apt-get install graphviz" in lines[0], lines
    assert not out.exists()


@pytest.mark.parametrize("words", ["<b>bold</b>", "\\N and \\G", 'quote " & <tag>'])
def test_drawn_words_are_the_caller_s_verbatim(words):
    from pactgraph.publishing.figures import relay_chain

    svg = str(relay_chain([words, "Other"], ["2026-01-01", "2026-01-02"]))
    assert html.escape(words, quote=False) in svg and "<b>" not in svg


def test_a_long_outlet_name_is_drawn_whole_on_lines_of_its_box():
    """A relay chain's box wraps a long name onto lines (every word drawn, in order), never cuts it."""
    from xml.etree import ElementTree as ET

    from pactgraph.publishing.figures import relay_chain

    name = "The Extraordinarily Long-Named Regional Broadcasting Corporation of Somewhere"
    svg = str(relay_chain([name, "Other"], ["2026-01-01", "2026-01-02"]))
    assert "…" not in svg
    for figure in re.findall(r"<svg.*?</svg>", svg, re.S):
        drawn = [t.text or "" for t in ET.fromstring(figure).iter("{http://www.w3.org/2000/svg}text")]
        box = [line for line in drawn if line in name]
        assert len(box) > 1 and " ".join(box) == name, drawn


SVG_NS = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: The page's own script, by language.
SCRIPTS = {"zh": re.compile(r"[\u4e00-\u9fff]"), "ru": re.compile(r"[\u0400-\u04ff]")}
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
LANGUAGE_PAGES = ("index.html", "ontology.html", "timeline.html", CLAIM)


def drawn_runs(svg: str) -> tuple[str, list[tuple[str, str]]]:
    """The language of a figure (its root's lang, which must equal its xml:lang) and each run of
    drawn text with the language it is in: the nearest lang of the run's element or its ancestors."""
    from xml.etree import ElementTree as ET

    root = ET.fromstring(svg)
    runs: list[tuple[str, str]] = []

    def walk(element: ET.Element, language: str) -> None:
        assert element.get("lang") == element.get(XML_LANG), ET.tostring(element)[:200]
        language = element.get("lang") or language
        if element.tag in (SVG_NS + "text", SVG_NS + "tspan") and element.text and element.text.strip():
            runs.append((language, element.text))
        for child in element:
            if child.tag != SVG_NS + "title":  # tooltips are in the page's language with names as they come
                walk(child, language)
            if element.tag in (SVG_NS + "text", SVG_NS + "tspan") and child.tail and child.tail.strip():
                runs.append((language, child.tail))

    walk(root, "")
    return root.get("lang") or "", runs


@pytest.mark.parametrize("language", ("zh", "ru"))
def test_figures_carry_their_language_and_mark_english_words(shipped_site, language):
    """Every figure of a translated site (the inline ones and timeline.svg) says its language; a
    drawn run of English words is marked lang="en", one in the page's script is not."""
    site = shipped_site.path / language
    svgs = [(page, s) for page in LANGUAGE_PAGES for s in re.findall(r"<svg.*?</svg>", (site / page).read_text("utf-8"), re.S)]
    svgs.append(("timeline.svg", (site / "timeline.svg").read_text("utf-8").split("\n", 1)[1]))
    assert {page for page, _ in svgs} == {*LANGUAGE_PAGES, "timeline.svg"}
    # names the data gives in this language in Latin letters ("Bloomberg"@ru) are the page's words
    names = {
        o.value
        for q in source_quads("ontology", "data")
        if isinstance(o := q.object, ox.Literal) and (o.language or "").split("-")[0] == language
    }
    english = own = 0
    for page, svg in svgs:
        figure_language, runs = drawn_runs(svg)
        assert figure_language == language, page
        for run_language, text in runs:
            words = [w for w in LATIN_WORD.findall(text) if w not in {"SPARQL", "SHACL"}]
            if words and text.strip() not in names:
                assert run_language == "en", (page, text)
                english += 1
            if SCRIPTS[language].search(text):
                assert run_language == language, (page, text)
                own += 1
    assert english and own  # both kinds are drawn: the check has something to check


def test_the_timeline_command_draws_the_site_s_timeline(shipped_site, tmp_path):
    """One drawing of the timeline: `pactgraph timeline --format svg` writes the site's
    timeline.svg (the English one), its title aside."""
    out = tmp_path / "timeline.svg"
    done = _run_pactgraph("timeline", "--format", "svg", "-o", str(out))
    assert done.returncode == 0, done.stderr
    site = (shipped_site.path / "timeline.svg").read_text(encoding="utf-8")
    assert site.count("Events and publications") == 3  # the label, the <title> and the drawn heading
    assert out.read_text(encoding="utf-8") == site.replace("Events and publications", "pactgraph timeline")


@pytest.mark.parametrize("page", (CLAIM, "id/report-reference-news-2026-01-12.html"))
def test_chinese_names_in_relay_chain_boxes_have_room_between_lines(shipped_site, page):
    """A Chinese outlet's name in a relay-chain box fills the em of its 13 px text: its baseline is
    at least 1.4 font sizes above the date's under it (dot's own pitch, 14 px, lets the characters
    touch the link's underline and the date), and both lines stay inside the box, in both layouts."""
    charts = figures((shipped_site.path / "zh" / page).read_text(encoding="utf-8"), "chain-figure")
    assert {re.search(r'data-layout="(\w+)"', svg).group(1) for svg in charts} == {"wide", "narrow"}
    boxes = 0
    for svg in charts:
        for node in re.findall(r'<g class="node">(.*?)</g></g>', svg, re.DOTALL):
            texts = re.findall(r'<text[^>]* y="(-?[\d.]+)"[^>]* font-size="([\d.]+)"[^>]*>([^<]*)</text>', node)
            if not texts or not CJK.search(texts[0][2]):
                continue
            boxes += 1
            ys = [float(y) for y in re.findall(r"[\d.]+,(-?[\d.]+)", re.search(r'<path[^>]* d="([^"]+)"', node).group(1))]
            top, bottom = min(ys), max(ys)
            baselines = [float(y) for y, _, _ in texts]
            size = float(texts[0][1])
            assert len(texts) == 2, texts
            assert baselines[1] - baselines[0] >= 1.4 * size, texts
            assert baselines[0] - 0.9 * size >= top + 2 and baselines[-1] + 0.25 * size <= bottom - 2, (texts, top, bottom)
    assert boxes >= 4


#: Long class names of the ontology in Russian (ontology/pactgraph.ttl, rdfs:label @ru), and a
#: property's name there.
LONG_NAMES = (
    "Межгосударственные отношения",
    "Военно-политический блок",
    "Суверенное государство",
    "Международный договор",
    "Средство массовой информации",
)
LONG_PROPERTY = "участник международного договора"


@pytest.mark.parametrize("count, smallest", ((4, 12), (5, 11)))
def test_a_wide_chart_too_wide_for_the_column_is_drawn_the_first_way_that_fits(count, smallest):
    """A property chart whose classes stand in a row (each the domain of the next), too wide for
    the desktop column with its names on one line, is drawn the first way that fits it: four
    such classes with their names wrapped between words, five at 11 px as well; never wider
    than the column, no text under 11 px, each box still naming its class whole."""
    from pactgraph.publishing.figures import Edge, Node, property_map

    names = LONG_NAMES[:count]
    nodes = [Node(str(i), name) for i, name in enumerate(names)]
    links = [Edge(str(i), str(i + 1), LONG_PROPERTY) for i in range(count - 1)]
    wide = next(svg for svg in figures(property_map(nodes, links, "t", "ru"), "overview") if 'data-layout="wide"' in svg)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', wide).group(1))
    assert width <= PAGE_WIDTH["wide"], width
    sizes = [float(size) for size in re.findall(r'<text[^>]* font-size="([\d.]+)"', wide)]
    assert min(sizes) == smallest, sorted(set(sizes))
    assert sorted(box_names(wide)) == sorted(names)
    assert any(len(re.findall(r"<text", box)) > 1 for box in re.findall(r'<g class="node">.*?</g>', wide, re.S))
