"""`pactgraph publish`: the files of the site, checked with independent tools.

Every RDF file is parsed by pyoxigraph (strict) and compared, blank nodes
canonicalised (RDFC-1.0), with the graph it claims to hold, computed here
straight from the source files; JSON-LD is also expanded by pyld; the DCAT
checksums are recomputed; publishing is repeated under other hash seeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest

from pactgraph import resources
from pactgraph.publishing import conneg

BASE = "https://w3id.org/pactgraph/"
ROOT = resources.root()
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


# ---------------------------------------------------------------- helpers


def run(*args: str, seed: str = "0", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run(
        [sys.executable, "-m", "pactgraph", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def parse(data: bytes, fmt: ox.RdfFormat, base: str | None = None) -> list[ox.Quad]:
    """Strict parse (no lenient mode), blank nodes kept apart per document."""
    return list(ox.parse(data, format=fmt, base_iri=base, rename_blank_nodes=True))


def site_context(path: Path, reference: str) -> dict:
    """The context document that a site's JSON-LD file references by a relative IRI: the
    site's own context.jsonld, read from disk (never fetched)."""
    assert not re.match(r"[a-z][a-z0-9+.-]*:", reference), f"{path}: names the context {reference} absolutely"
    candidate = (path.parent / reference).resolve()
    assert candidate.name == "context.jsonld" and candidate.is_file(), f"{path}: no context at {reference}"
    return json.loads(candidate.read_text(encoding="utf-8"))


def parse_file(path: Path) -> list[ox.Quad]:
    name = path.name
    fmt = FORMATS.get(path.suffix, ox.RdfFormat.TURTLE if name == "void" else None)
    assert fmt is not None, path
    data = path.read_bytes()
    if fmt == ox.RdfFormat.JSON_LD:
        document = json.loads(data)
        if isinstance(document.get("@context"), str):  # the site's context, by reference
            document["@context"] = site_context(path, document["@context"])["@context"]
            data = json.dumps(document).encode("utf-8")
    return parse(data, fmt, base=path.resolve().as_uri())


def canonical(quads, keep_graphs: bool = False) -> list[str]:
    """Statements with RDFC-1.0 blank-node labels, as sorted strings (equal lists: isomorphic)."""
    default = ox.DefaultGraph()
    dataset = ox.Dataset(
        q if keep_graphs else ox.Quad(q.subject, q.predicate, q.object, default) for q in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q) for q in dataset)


#: The named graph of the comparisons of claims that publishing derives (tests/test_publish_comparisons.py
#: checks it against `pactgraph compare`).
COMPARISONS = BASE + "graph/derived/claim-comparisons"
CLAIM_COMPARISON = ox.NamedNode(BASE + "ontology#ClaimComparison")


def without_comparisons(quads) -> list[ox.Quad]:
    """The quads but the statements about derived pg:ClaimComparison nodes."""
    quads = list(quads)
    derived = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == CLAIM_COMPARISON}
    return [q for q in quads if q.subject not in derived]


def source_folder(folder: str, data: Path | None = None) -> Path:
    """A folder of the checkout; `data` stands for data/ when the site was published from another data folder."""
    return data if folder == "data" and data is not None else ROOT / folder


def source_quads(*folders: str, data: Path | None = None) -> list[ox.Quad]:
    quads = []
    for folder in folders:
        for path in sorted(source_folder(folder, data).rglob("*.ttl")):
            quads.extend(parse_file(path))
    return quads


def site_files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


class Links(HTMLParser):
    """hrefs (HTML and SVG) and srcs of a page, and its element ids."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.elements.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src", "xlink:href") and value is not None:
                self.links.append(value)
            if name == "id" and value is not None:
                self.ids.add(value)

    def handle_data(self, data):
        self.text.append(data)


def html(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ---------------------------------------------------------------- the published site


@pytest.fixture(scope="module")
def site(shipped_site) -> Path:
    assert "Published" in shipped_site.stdout and "pactgraph serve" in shipped_site.stdout
    return shipped_site.path


#: The data folder each published site was made from (None: the checkout's data/).
SITE_DATA: dict[Path, Path | None] = {}


@pytest.fixture(scope="module", params=["shipped", "grown"])
def any_site(request, tmp_path_factory) -> Path:
    """The shipped site, and the site of data/ grown by later reports (tests/growth.py): the tests of
    the site's contents pass on both, so a valid `add` breaks none of them."""
    if request.param == "shipped":
        site = request.getfixturevalue("site")
        SITE_DATA[site] = None
        return site
    data = request.getfixturevalue("grown").data
    out = tmp_path_factory.mktemp("publish-grown") / "site"
    done = run("publish", str(out), "--data", str(data), seed="0")
    assert done.returncode == 0, done.stderr
    SITE_DATA[out] = data
    return out


def test_publishing_twice_gives_byte_identical_trees_whatever_the_hash_seed(site, tmp_path):
    again = tmp_path / "again"
    done = run("publish", str(again), seed="4242")
    assert done.returncode == 0, done.stderr
    first = {p: f.read_bytes() for p, f in site_files(site).items()}
    second = {p: f.read_bytes() for p, f in site_files(again).items()}
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
    checked = run("publish", "--check", str(site), seed="777")
    assert checked.returncode == 0, checked.stderr


def test_check_exits_1_when_the_output_would_change_and_writes_nothing(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    (copy / "id" / "turkey.html").write_text("edited", encoding="utf-8")
    (copy / "dumps" / "pactgraph.nt").unlink()
    (copy / "stray.txt").write_text("x", encoding="utf-8")
    before = {p: f.read_bytes() for p, f in site_files(copy).items()}
    done = run("publish", "--check", str(copy))
    assert done.returncode == 1
    assert "changed: id/turkey.html" in done.stderr
    assert "missing: dumps/pactgraph.nt" in done.stderr
    assert "extra: stray.txt" in done.stderr
    assert {p: f.read_bytes() for p, f in site_files(copy).items()} == before
    assert run("publish", "--check", str(tmp_path / "absent")).returncode == 1


def test_the_site_has_its_parts(any_site):
    site = any_site
    files = site_files(site)
    for path in (
        "index.html",
        "ontology.html",
        "shapes.html",
        "void.html",
        "style.css",
        "context.jsonld",
        ".htaccess",
        "server/nginx.conf",
        "server/htaccess.txt",
        ".well-known/void",
        "dumps/pactgraph.ttl",
        "dumps/pactgraph.nt",
        "dumps/pactgraph.jsonld",
        "dumps/pactgraph.rdf",
        "dumps/pactgraph.trig",
        "dumps/pactgraph.nq",
        "texts/reports/reference-news-2026-01-12/article.txt",
        "404.html",
        "search.js",
        "vendor/minisearch/dist/umd/index.js",
        "vendor/oxigraph/web_bg.wasm",
    ):
        assert path in files, path
    for stem in (
        "ontology",
        "shapes",
        "void",
        "id/turkey",
        "vocab/certainty-probable",
        "vocab/certainty",
    ):
        for ext in ("html", "ttl", "jsonld", "nt", "rdf"):
            assert f"{stem}.{ext}" in files, f"{stem}.{ext}"
    assert (site / ".well-known/void").read_bytes() == (site / "void.ttl").read_bytes()
    assert (site / "server/htaccess.txt").read_bytes() == (site / ".htaccess").read_bytes()
    article = (ROOT / "data/reports/reference-news-2026-01-12/article.txt").read_bytes()
    assert (site / "texts/reports/reference-news-2026-01-12/article.txt").read_bytes() == article
    data = source_folder("data", SITE_DATA[site])
    for text in data.glob("reports/*/article.txt"):  # every stored text, byte for byte
        assert (site / "texts" / text.relative_to(data)).read_bytes() == text.read_bytes()
    mode = (site / "index.html").stat().st_mode
    assert mode & 0o044 == 0o044 and (site.stat().st_mode & 0o055) == 0o055  # readable by a web server


# ---------------------------------------------------------------- RDF: parse and compare


def test_every_rdf_file_parses_strictly_and_is_one_the_tests_compare(site):
    """Each RDF file is parsed here; the tests below compare every one of these kinds."""
    checked = re.compile(
        r"(dumps/pactgraph\.(ttl|nt|jsonld|rdf|trig|nq)|(ontology|shapes|void)\.(ttl|jsonld|nt|rdf)"
        r"|\.well-known/void|context\.jsonld|(id|vocab)/[A-Za-z0-9_-]+\.(ttl|jsonld|nt|rdf))"
    )
    rdf = [
        p for p in site_files(site) if p.rsplit(".", 1)[-1] in ("ttl", "nt", "jsonld", "rdf", "trig", "nq")
    ]
    rdf.append(".well-known/void")
    assert len(rdf) > 1000
    for path in rdf:
        assert checked.fullmatch(path), path
        assert parse_file(site / path), path


def test_the_context_file_states_its_version_the_ontology_version(site):
    quads = parse_file(site / "context.jsonld")
    version = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
    (stated,) = [q.object.value for q in quads if q.predicate == version]
    assert all(q.subject == ox.NamedNode(BASE + "context.jsonld") for q in quads)
    ontology = parse_file(ROOT / "ontology/pactgraph.ttl")
    (expected,) = [q.object.value for q in ontology if q.predicate == version]
    assert stated == expected


def test_whole_graph_dumps_hold_the_shipped_graph(any_site):
    site = any_site
    expected = canonical(source_quads("ontology", "data", data=SITE_DATA[site]))
    for name in (
        "pactgraph.ttl",
        "pactgraph.nt",
        "pactgraph.jsonld",
        "pactgraph.rdf",
        "pactgraph.trig",
        "pactgraph.nq",
    ):
        dumped = parse_file(site / "dumps" / name)
        assert canonical(without_comparisons(dumped)) == expected, name
        assert len(without_comparisons(dumped)) < len(dumped), name  # the comparisons are there too
    nt = (site / "dumps/pactgraph.nt").read_text(encoding="utf-8").splitlines()
    assert nt == sorted(nt)
    assert (site / "dumps/pactgraph.ttl").read_text(encoding="utf-8").startswith("PREFIX ")  # longturtle


def test_named_graphs_hold_one_source_file_each(any_site):
    site = any_site
    quads = parse_file(site / "dumps/pactgraph.nq")
    assert canonical(quads, keep_graphs=True) == canonical(
        parse_file(site / "dumps/pactgraph.trig"), keep_graphs=True
    )
    graphs: dict[str, list[ox.Quad]] = {}
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode)
        graphs.setdefault(q.graph_name.value, []).append(q)
    expected = {}
    for folder in ("ontology", "data"):
        root = source_folder(folder, SITE_DATA[site])
        for path in sorted(root.rglob("*.ttl")):
            name = BASE + "graph/" + path.relative_to(root).with_suffix("").as_posix()
            expected[name] = canonical(parse_file(path))
    assert without_comparisons(graphs[COMPARISONS]) == []
    derived = graphs.pop(COMPARISONS)
    kept = set(without_comparisons(quads))
    assert canonical(derived) == canonical(q for q in quads if q not in kept)
    assert sorted(graphs) == sorted(expected)
    for name, graph in graphs.items():
        assert canonical(graph) == expected[name], name


def test_ontology_and_shapes_files_hold_the_ontology_and_the_shapes(site):
    for stem, folder in (("ontology", "ontology"), ("shapes", "shapes")):
        expected = canonical(source_quads(folder))
        for ext in ("ttl", "jsonld", "rdf", "nt"):
            assert canonical(parse_file(site / f"{stem}.{ext}")) == expected, f"{stem}.{ext}"


def compared(dataset: ox.Dataset, node: ox.NamedNode) -> list[ox.Quad]:
    """A claim's documents also hold the statements of the comparisons it takes part in."""
    found = []
    for q in dataset.quads_for_object(node):
        if q.predicate.value.endswith(("#earlierClaim", "#laterClaim")) and ox.Quad(q.subject, RDF_TYPE, CLAIM_COMPARISON, ox.DefaultGraph()) in dataset:
            found += list(dataset.quads_for_subject(q.subject))
    return found


def describe(dataset: ox.Dataset, node: ox.NamedNode) -> list[ox.Quad]:
    """The statements a resource's documents should hold: its own, those of the blank nodes
    they reach, and those of IRIs that point to it."""
    found, stack, seen = [], [node], {node}
    while stack:
        subject = stack.pop()
        for q in dataset.quads_for_subject(subject):
            found.append(q)
            if isinstance(q.object, ox.BlankNode) and q.object not in seen:
                seen.add(q.object)
                stack.append(q.object)
    found += [
        q for q in dataset.quads_for_object(node) if isinstance(q.subject, ox.NamedNode) and q.subject != node
    ]
    return found


SCHEMA = "https://schema.org/"


def schema_claim(dataset: ox.Dataset, node: ox.NamedNode) -> list[ox.Quad]:
    """What a claim's documents say of it as a schema.org Claim, from the source statements:
    its claimant (author), carrying report (appearance), first report (firstAppearance, the
    carrying one when none is named), that report's date and the claim's exact words."""
    pg = "https://w3id.org/pactgraph/ontology#"

    def one(subject, predicate):
        found = sorted((q.object for q in dataset.quads_for_subject(subject) if q.predicate.value == predicate), key=str)
        return found[0] if found else None

    if not any(q.predicate == RDF_TYPE and q.object == ox.NamedNode(pg + "Claim") for q in dataset.quads_for_subject(node)):
        return []
    stated, claimant = one(node, pg + "statedIn"), one(node, pg + "claimant")
    first = one(node, pg + "reportedFirstIn") or stated
    anchor = one(node, pg + "hasAnchor")
    selectors = [q.object for q in dataset.quads_for_subject(anchor) if q.predicate.value.endswith("oa#hasSelector")] if anchor else []
    quotes = sorted(e.value for s in selectors for e in [one(s, "http://www.w3.org/ns/oa#exact")] if e is not None)
    quote = ox.Literal(quotes[0]) if quotes else None
    values = [
        (RDF_TYPE.value, ox.NamedNode(SCHEMA + "Claim")),
        (SCHEMA + "author", claimant),
        (SCHEMA + "appearance", stated),
        (SCHEMA + "firstAppearance", first),
        (SCHEMA + "datePublished", one(first, SCHEMA + "datePublished")),
        (SCHEMA + "text", quote),
    ]
    return [ox.Quad(node, ox.NamedNode(p), v, ox.DefaultGraph()) for p, v in values if v is not None]


def test_a_claim_page_embeds_its_schema_org_claim(site):
    """Özcan's claim as fact-checking tools read it: first published by Bloomberg on 9 January."""
    stem = site / "id" / "claim-reference-news-2026-01-12-19"
    page = (stem.with_suffix(".html")).read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    claim = json.loads(blocks[0])
    assert (claim["@context"], claim["@type"], claim["@id"]) == ("https://schema.org", "Claim", BASE + "id/claim-reference-news-2026-01-12-19")
    assert claim["author"]["name"] == "Nihat Ali Özcan"
    assert claim["firstAppearance"]["@id"] == BASE + "id/report-bloomberg-2026-01-09"
    assert claim["appearance"]["@id"] == BASE + "id/report-reference-news-2026-01-12"
    assert claim["datePublished"] == "2026-01-09"
    assert claim["text"] == "Saudi Arabia provides financial resources"
    # The same in its JSON-LD, read with the schema.org vocabulary.
    graph = ox.Dataset(parse_file(stem.with_suffix(".jsonld")))
    node = ox.NamedNode(claim["@id"])
    date = [q.object.value for q in graph.quads_for_subject(node) if q.predicate.value == SCHEMA + "datePublished"]
    assert date == ["2026-01-09"]
    # Pages of other resources carry no data block.
    assert '<script type="application/ld+json">' not in (site / "id" / "turkey.html").read_text(encoding="utf-8")


def test_every_resource_document_holds_the_description_of_its_resource(any_site):
    site = any_site
    # an ox.Dataset, not an ox.Store: the store reads xsd:nonNegativeInteger back as xsd:integer
    dataset = ox.Dataset(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in source_quads("ontology", "data", data=SITE_DATA[site])
        + [q for q in parse_file(site / "dumps/pactgraph.nq") if q.graph_name == ox.NamedNode(COMPARISONS)]
    )
    resources_ = set()
    for q in dataset:
        for term in (q.subject, q.object):
            if isinstance(term, ox.NamedNode) and re.match(
                re.escape(BASE) + r"(id|vocab)/[A-Za-z0-9][A-Za-z0-9_-]*$", term.value
            ):
                resources_.add(term)
    pages = {p for p in site_files(site) if re.match(r"(id|vocab)/[^/]+\.html$", p)}
    assert pages == {t.value[len(BASE) :] + ".html" for t in resources_}
    for node in sorted(resources_, key=lambda t: t.value):
        documents = [
            ox.Quad(
                ox.NamedNode(node.value + "." + ext),
                ox.NamedNode(prop),
                value,
                ox.DefaultGraph(),
            )
            for ext in ("html", "ttl", "jsonld", "nt", "rdf")
            for prop, value in (
                ("http://xmlns.com/foaf/0.1/primaryTopic", node),
                (
                    "http://purl.org/dc/terms/license",
                    ox.NamedNode("https://creativecommons.org/licenses/by/4.0/"),
                ),
                (
                    "http://rdfs.org/ns/void#inDataset",
                    ox.NamedNode(BASE + "void#dataset"),
                ),
            )
        ]
        expected = canonical(describe(dataset, node) + documents + schema_claim(dataset, node) + compared(dataset, node))
        stem = site / node.value[len(BASE) :]
        for ext in (".ttl", ".jsonld", ".nt", ".rdf"):
            assert canonical(parse_file(stem.with_name(stem.name + ext))) == expected, f"{stem.name}{ext}"


def test_dataset_description_is_the_same_in_every_format(any_site):
    site = any_site
    expected = canonical(parse_file(site / "void.ttl"))
    for name in ("void.jsonld", "void.nt", "void.rdf", ".well-known/void"):
        assert canonical(parse_file(site / name)) == expected, name


# ---------------------------------------------------------------- JSON-LD


BUNDLED_CONTEXT = Path(__file__).parents[1] / "src/pactgraph/publishing/context.jsonld"


def offline_loader(site: Path):
    """A pyld document loader that reads files of the site folder and refuses everything else:
    no network access, no file outside the site."""
    from urllib.parse import unquote, urlsplit

    root = site.resolve()

    def load(url, options=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise AssertionError(f"JSON-LD processing tried to load {url} from the network")
        local = Path(unquote(parts.path)).resolve()
        if root not in local.parents:
            raise AssertionError(f"JSON-LD processing tried to load {url}, outside the site")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads(local.read_text(encoding="utf-8")),
        }

    return load


def pyld_quads(path: Path, site: Path) -> list[ox.Quad]:
    """The statements of a JSON-LD file as pyld reads them from its place in the site, with a
    document loader that refuses all network access."""
    from pyld import jsonld

    document = json.loads(path.read_text(encoding="utf-8"))
    options = {"format": "application/n-quads", "documentLoader": offline_loader(site), "base": path.as_uri()}
    nquads = jsonld.to_rdf(document, options)
    return parse(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS)


def test_every_jsonld_file_expands_with_pyld_without_network_to_the_same_graph(site):
    context = json.loads((site / "context.jsonld").read_text(encoding="utf-8"))
    bundled = json.loads(BUNDLED_CONTEXT.read_text(encoding="utf-8"))
    assert context == bundled
    files = [p for p in site_files(site).values() if p.suffix == ".jsonld"]
    assert len(files) > 250
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        where = path.relative_to(site).as_posix()
        if where in ("dumps/pactgraph.jsonld", "context.jsonld"):
            assert document["@context"] == context["@context"], where  # embedded
        else:
            expected = "../" * where.count("/") + "context.jsonld"
            assert document["@context"] == expected, where  # the site's own file, not repeated
        quads = pyld_quads(path, site)
        assert quads, where
        if where != "context.jsonld":
            assert canonical(quads) == canonical(parse_file(path.with_suffix(".ttl"))), where


def test_a_copied_site_expands_under_any_folder_and_with_the_w3id_names_unresolvable(site, tmp_path):
    """The JSON-LD of a site copied elsewhere still expands offline, to the same IRIs."""
    copy = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(site / "id", copy / "id")
    shutil.copy(site / "context.jsonld", copy / "context.jsonld")
    quads = pyld_quads(copy / "id/turkey.jsonld", copy)
    assert ox.NamedNode(BASE + "id/turkey") in {q.subject for q in quads}
    (copy / "context.jsonld").unlink()  # the oracle: without the site's file it cannot expand
    with pytest.raises(Exception, match="expand"):
        pyld_quads(copy / "id/turkey.jsonld", copy)


def test_the_context_is_small_and_uses_terms(site):
    context = json.loads((site / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["@version"] == 1.1
    terms = {
        k
        for k, v in context.items()
        if not k.startswith("@") and (isinstance(v, dict) or not v.endswith(("#", "/")))
    }
    assert {
        "label",
        "claimant",
        "certainty",
        "proposition",
        "statedIn",
        "exact",
        "Claim",
    } <= terms
    assert len(context) < 150
    turkey = json.loads((site / "id/turkey.jsonld").read_text(encoding="utf-8"))["@graph"][0]
    assert turkey["@id"] == "pgr:turkey" and turkey["@type"] == "SovereignState"
    assert turkey["label"] == {"en": "Turkey", "ru": "Турция", "tr": "Türkiye", "zh": "土耳其"}
    assert turkey["sameAs"] == "wd:Q43"


# ---------------------------------------------------------------- VoID and DCAT

DESCRIPTION = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?dist ?url ?media ?size ?sum WHERE {
  ?dataset dcat:distribution ?dist .
  ?dist a dcat:Distribution ; dcat:downloadURL ?url ; dcat:mediaType ?media ; dcat:byteSize ?size ;
        spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] .
}
"""


def test_dcat_distributions_match_the_files(any_site):
    site = any_site
    store = ox.Store()
    store.extend(parse_file(site / "void.ttl"))
    rows = list(store.query(DESCRIPTION))
    listed = set()
    for row in rows:
        url = row["url"].value
        assert url.startswith(BASE)
        path = site / url[len(BASE) :]
        data = path.read_bytes()
        assert int(row["size"].value) == len(data), url
        assert row["sum"].value == hashlib.sha256(data).hexdigest(), url
        media = row["media"].value.rsplit("/", 2)
        assert conneg.media_type(path.name).split(";")[0] == f"{media[-2]}/{media[-1]}", url
        listed.add(path.relative_to(site).as_posix())
    dumps = {p for p in site_files(site) if p.startswith("dumps/")}
    documents = {f"{stem}.{ext}" for stem in ("ontology", "shapes") for ext in ("ttl", "jsonld", "rdf", "nt")}
    assert listed == dumps | documents


def test_void_counts_and_metadata(any_site):
    site = any_site
    store = ox.Store()
    store.extend(parse_file(site / "void.ttl"))
    triples = len(parse_file(site / "dumps/pactgraph.nt"))
    query = """
    PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    SELECT * WHERE {
      ?d a void:Dataset ; void:triples ?triples ; void:entities ?entities ; dcterms:title ?title ;
         dcterms:description ?description ; dcterms:license ?license ; dcterms:publisher/foaf:name ?publisher ;
         dcterms:created ?created ; dcat:version ?version ; void:uriSpace ?space .
      FILTER (STRENDS(STR(?d), "#dataset"))
    }"""
    (row,) = list(store.query(query))
    assert int(row["triples"].value) == triples
    assert int(row["entities"].value) > 200
    assert row["license"].value == "https://creativecommons.org/licenses/by/4.0/"
    assert row["created"].value == "2026-11-26"
    assert row["space"].value == BASE
    vocabularies = {
        r["v"].value for r in store.query("SELECT ?v WHERE { ?d <http://rdfs.org/ns/void#vocabulary> ?v }")
    }
    assert {
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/oa#",
        BASE + "ontology#",
    } <= vocabularies
    examples = {
        r["e"].value
        for r in store.query("SELECT ?e WHERE { ?d <http://rdfs.org/ns/void#exampleResource> ?e }")
    }
    assert BASE + "id/turkey" in examples
    partition = "SELECT ?c ?n WHERE { ?d void:classPartition [ void:class ?c ; void:entities ?n ] }"
    claims = next(
        iter(
            store.query(
                partition,
                prefixes={"void": "http://rdfs.org/ns/void#"},
                substitutions={ox.Variable("c"): ox.NamedNode(BASE + "ontology#Claim")},
            )
        )
    )
    # The oracle: the claims of the files the site was published from, counted here.
    claim_class = ox.NamedNode(BASE + "ontology#Claim")
    sources = source_quads("ontology", "data", data=SITE_DATA[site])
    assert int(claims["n"].value) == len({q.subject for q in sources if q.predicate == RDF_TYPE and q.object == claim_class})
    assert int(claims["n"].value) >= 38  # the shipped report's


def test_dcat_contact_languages_coverage_and_sources(any_site):
    site = any_site
    store = ox.Store()
    store.extend(parse_file(site / "void.ttl"))
    prefixes = {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dcterms": "http://purl.org/dc/terms/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
    }
    dataset = ox.NamedNode(BASE + "void#dataset")

    def values(pattern: str) -> set[str]:
        query = f"SELECT ?v WHERE {{ {pattern.replace('?d ', f'<{dataset.value}> ')} }}"
        return {r["v"].value for r in store.query(query, prefixes=prefixes)}

    assert values("?d dcat:contactPoint [ a vcard:Organization ; vcard:fn ?v ; vcard:hasURL ?url ]") == {
        "The pactgraph maintainers"
    }
    assert "http://id.loc.gov/vocabulary/iso639-1/en" in values("?d dcterms:language ?v")
    (start,) = values("?d dcterms:temporal [ a dcterms:PeriodOfTime ; dcat:startDate ?v ]")
    (end,) = values("?d dcterms:temporal [ dcat:endDate ?v ]")
    # the shipped report: the ceasefire of 10 May 2025 and the report of 12 January 2026
    assert start <= "2025-05-10" and end >= "2026-01-12"
    assert {
        BASE + "id/turkey",
        BASE + "id/pakistan",
        BASE + "id/saudi-arabia",
    } <= values("?d dcterms:spatial ?v")
    sources = values("?d dcterms:source ?v")
    assert {
        BASE + "id/report-reference-news-2026-01-12",
        BASE + "id/report-bloomberg-2026-01-09",
    } <= sources


# ---------------------------------------------------------------- pages


def test_every_page_links_back_to_the_index_and_the_index_reaches_every_resource(any_site):
    """Also in each language's folder: a page links to its language's index, which reaches
    every resource page of that language."""
    site = any_site
    reached: dict[str, set[str]] = {}
    for language in ("", "zh/", "ru/"):
        index = html(site / (language + "index.html"))
        internal = [link for link in index.links if not link.startswith(("http:", "https:", "data:", "#"))]
        reached[language] = {os.path.normpath(language + link) for link in internal}
        for link in internal:
            assert (site / language / link.split("#")[0]).exists(), link
    for path in site_files(site):
        if path.endswith(".html") and not path.endswith("404.html"):  # (served at any address: see below)
            language = path[:3] if path.startswith(("zh/", "ru/")) else ""
            page = html(site / path)
            back = os.path.relpath(language + "index.html", os.path.dirname(path) or ".")
            assert back in page.links, path
            if re.match(r"(id|vocab)/", path.removeprefix(language)):
                assert path in reached[language], path
    index = html(site / "index.html")
    internal = [link for link in index.links if not link.startswith(("http:", "https:", "data:", "#"))]
    for link in internal:
        assert (site / link.split("#")[0]).exists(), link
    for dump in ("dumps/pactgraph.ttl", "dumps/pactgraph.jsonld", "dumps/pactgraph.nq"):
        assert dump in index.links


def test_the_404_page_has_the_site_frame_with_links_from_the_base_path(site):
    """Served for any missing address, so its links start from the URL-path of the base
    (/pactgraph/), where the generated Apache and nginx configurations put the site."""
    page = html(site / "404.html")
    text = " ".join("".join(page.text).split())
    assert "Not found" in text
    assert {"/pactgraph/index.html", "/pactgraph/search.html", "/pactgraph/style.css"} <= set(page.links)
    for link in page.links:
        if not link.startswith(("https:", "data:")):
            assert link.startswith("/pactgraph/") and (site / link.removeprefix("/pactgraph/")).is_file(), link
    assert "ErrorDocument 404 /pactgraph/404.html" in (site / ".htaccess").read_text(encoding="utf-8")
    assert "error_page 404 /pactgraph/404.html;" in (site / "server/nginx.conf").read_text(encoding="utf-8")


def test_the_turkey_page_shows_labels_types_links_claims_and_wikidata(any_site):
    site = any_site
    page = html(site / "id/turkey.html")
    text = " ".join("".join(page.text).split())
    assert "Turkey" in text and "Türkiye" in text
    assert "../ontology.html#SovereignState" in page.links
    assert "https://www.wikidata.org/wiki/Q43" in page.links
    assert "ankara.html" in page.links  # outgoing: capital
    assert "nihat-ali-ozcan.html" in page.links  # incoming: schema:nationality
    assert "Claims about Turkey" in text
    # a claim with its exact quote, claimant, certainty and relay chain
    assert "the likelihood of reaching an agreement is high" in text
    assert "../vocab/certainty-probable.html" in page.links
    assert "anonymous-officials.html" in page.links
    assert "report-bloomberg-2026-01-09.html" in page.links
    assert "../texts/reports/reference-news-2026-01-12/article.txt" in page.links
    for alt in ("turkey.ttl", "turkey.jsonld", "turkey.nt", "turkey.rdf"):
        assert alt in page.links
    assert "https://w3id.org/pactgraph/id/turkey" in text
    assert not any(link.startswith(BASE) for link in page.links)  # links are relative


def test_ontology_and_shapes_pages_document_every_term_and_shape(site):
    ontology = html(site / "ontology.html")
    store = ox.Store()
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("ontology")
    )
    terms = {
        r["t"].value
        for r in store.query(
            "SELECT ?t WHERE { VALUES ?k { owl:Class owl:ObjectProperty owl:DatatypeProperty } ?t a ?k }",
            prefixes={"owl": "http://www.w3.org/2002/07/owl#"},
        )
    }
    assert len(terms) > 50
    for term in terms:
        assert term.split("#", 1)[1] in ontology.ids, term
    text = "".join(ontology.text)
    assert "A news report published by an outlet on a given day" in text  # a definition
    assert "../" not in "".join(ontology.links)
    schemes = {
        r["s"].value
        for r in store.query("SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> }")
    }
    assert all(f"vocab/{s.rsplit('/', 1)[1]}.html" in ontology.links for s in schemes)
    shapes = html(site / "shapes.html")
    shape_store = ox.Store()
    shape_store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in source_quads("shapes")
    )
    named = {
        r["s"].value
        for r in shape_store.query(
            "SELECT ?s WHERE { { ?s a sh:NodeShape } UNION { ?s a sh:PropertyShape }"
            " UNION { ?s a sh:SPARQLConstraint } FILTER isIRI(?s) }",
            prefixes={"sh": "http://www.w3.org/ns/shacl#"},
        )
    }
    for shape in named:
        assert shape.split("#", 1)[1] in shapes.ids, shape
    shapes_text = " ".join("".join(shapes.text).split())
    assert "Every report needs exactly one English label" in shapes_text  # a message
    assert "minCount" in shapes_text and "Violation" in shapes_text


# ---------------------------------------------------------------- base URL


def test_base_url_changes_the_declared_iris_not_the_links(tmp_path):
    out = tmp_path / "kg"
    done = run("publish", str(out), "--base-url", "http://example.org/kg")
    assert done.returncode == 0, done.stderr
    for path, file in site_files(out).items():
        data = file.read_bytes()
        assert b"w3id.org/pactgraph" not in data, path
    void = canonical(parse_file(out / "void.ttl"))
    assert any("<http://example.org/kg/id/turkey>" in q for q in void)
    turkey = html(out / "id/turkey.html")
    assert "http://example.org/kg/id/turkey" in "".join(turkey.text)
    assert not any(link.startswith("http://example.org") for link in turkey.links)
    assert 'location ~ "^/kg/(id|vocab)/' in (out / "server/nginx.conf").read_text(encoding="utf-8")
    assert "error_page 404 /kg/404.html;" in (out / "server/nginx.conf").read_text(encoding="utf-8")
    assert 'href="/kg/index.html"' in (out / "404.html").read_text(encoding="utf-8")
    ontology = {str(q) for q in parse_file(out / "ontology.ttl")}
    assert any("<http://example.org/kg/ontology#Claim>" in q for q in ontology)


# ---------------------------------------------------------------- errors and atomic writing


def test_bad_input_exits_2_and_leaves_the_previous_site(site, tmp_path, write, prefixes):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    before = {p: f.read_bytes() for p, f in site_files(copy).items()}
    broken = write(tmp_path / "broken.ttl", prefixes + "pgr:x rdfs:label 'unterminated .\n")
    done = run("publish", str(copy), "--data", str(broken))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "broken.ttl:" in done.stderr and "Traceback" not in done.stderr
    assert run("publish", str(copy), "--data", str(tmp_path / "missing.ttl")).returncode == 2
    assert run("publish", str(copy), "--base-url", "not a url").returncode == 2
    assert {p: f.read_bytes() for p, f in site_files(copy).items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ttl", "copy"]


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run("publish", str(folder))
    assert done.returncode == 2 and "not a pactgraph site" in done.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_failure_while_writing_leaves_the_previous_site_untouched(site, tmp_path, monkeypatch, cli):
    from pactgraph.publishing import tree

    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    before = {p: f.read_bytes() for p, f in site_files(copy).items()}
    calls = {"n": 0}
    real_open = open

    def failing_open(file, mode="r", *args, **kwargs):
        if "w" in mode:
            calls["n"] += 1
            if calls["n"] == 300:
                raise OSError(28, "No space left on device")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(tree, "open", failing_open, raising=False)
    result = cli("publish", str(copy))
    assert result.exit_code == 2
    assert "No space left on device" in result.output
    assert calls["n"] == 300
    assert {p: f.read_bytes() for p, f in site_files(copy).items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]  # no half-written folder left


# ---------------------------------------------------------------- hostile data

HOSTILE = """
pgr:evil-state a pg:SovereignState ;
    rdfs:label "<script>console.error('xss-script');window.pwned=1</script>"@en ,
        "\\"><img src=x onerror=\\"console.error('xss-img');window.pwned=2\\">"@fr ;
    schema:description "</pre></textarea><svg onload=console.error('xss-svg')>{{ 7*7 }}"@en ;
    schema:url <javascript:console.error('xss-url')> ;
    pg:capital <https://w3id.org/pactgraph/id/../../../escape-attempt> ;
    pg:inRegion <https://w3id.org/pactgraph/vocab/%2e%2e%2fencoded> , <https://w3id.org/pactgraph/id/a/b/c> .
<https://w3id.org/pactgraph/id/../../../escape-attempt> rdfs:label "escape attempt"@en .
pgr:evil-text a pg:SourceText ; rdfs:label "stored elsewhere"@en ; pg:storedAt "../../../../../etc/passwd" .
pgr:evil-claim a pg:Claim ; rdfs:label "<b>claim</b>"@en ;
    pg:claimant pgr:evil-state ; pg:proposition pgr:evil-proposition ; pg:hasAnchor pgr:evil-anchor .
pgr:evil-proposition a pg:Proposition ; rdfs:label "<i>proposition</i>"@en ; pg:about pgr:evil-state .
pgr:evil-anchor a pg:TextAnchor ; oa:hasSource pgr:evil-text ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "<script>console.error('xss-quote')</script>" ] .
"""


def publish_hostile(root: Path, prefixes: str) -> Path:
    """Publish the hostile data (with the shipped ontology and shapes) into root/site/out.

    The hostile data does not conform (labels on untyped nodes, say): it is published with
    --no-validate, as a preview of a draft would be, to test what the pages make of it."""
    data = root / "data"
    data.mkdir(exist_ok=True)
    (data / "hostile.ttl").write_text(
        prefixes + "@prefix oa: <http://www.w3.org/ns/oa#> .\n" + HOSTILE,
        encoding="utf-8",
    )
    out = root / "site" / "out"
    done = run("publish", str(out), "--data", str(data / "hostile.ttl"), "--no-validate")
    assert done.returncode == 0, done.stderr
    return out


def test_hostile_text_is_escaped_and_hostile_iris_stay_inside_the_site(tmp_path, prefixes):
    out = publish_hostile(tmp_path, prefixes)
    # nothing outside OUTDIR: the folder holds only the input and the site
    outside = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if out not in p.parents and p != out
    )
    assert outside == ["data", "data/hostile.ttl", "site"]
    for path in site_files(out):
        resolved = (out / path).resolve()
        assert out.resolve() in resolved.parents, path
        assert ".." not in path.split("/")
    pages = [p for p in site_files(out) if p.endswith(".html")]
    escape_pages = [p for p in pages if p.startswith("id/_")]
    assert len(escape_pages) == 2  # ../../../escape-attempt and a/b/c get hashed names
    assert "texts/" not in "".join(site_files(out))  # the stored text outside the data folder is not copied
    for path in pages:
        page = html(out / path)
        # only the site's own scripts, by file; only its own figures; no event handlers anywhere
        own_scripts = {
            os.path.relpath(f, os.path.dirname(path) or ".")
            for f in ("site.js", "query.js", "search.js", "vendor/minisearch/dist/umd/index.js")
        }
        if path.endswith("404.html"):  # served at any address: its links start from the base path
            own_scripts = {"/pactgraph/site.js"}
        shown = path.removeprefix("zh/").removeprefix("ru/")  # the page in a language's folder
        for tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            if tag == "script" and attrs.get("type") == "application/ld+json":
                assert "src" not in attrs, (path, attrs)  # an inert data block: a claim's schema.org Claim
            elif tag == "script" and attrs.get("type") == "application/json":  # data, never run
                assert shown in ("query.html", "search.html") and "src" not in attrs, (path, attrs)
            elif tag == "script":
                assert attrs.get("src") in own_scripts, (path, attrs)
            if tag == "img":
                assert shown == "timeline.html" and attrs.get("src") == "timeline.svg", (path, attrs)
            if tag == "svg":
                assert attrs.get("class") in ("chain-figure", "chart", "overview", "timeline"), (path, attrs)
            assert tag not in ("iframe", "object", "embed"), (path, tag)
        assert not any(link.lower().startswith("javascript:") for link in page.links), path
    # The hostile claim's data block stays one JSON document: its words cannot close the script.
    claim_page = (out / "id/evil-claim.html").read_text(encoding="utf-8")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', claim_page, re.DOTALL)
    assert "<" not in block and json.loads(block)["text"] == "<script>console.error('xss-quote')</script>"
    state = (out / "id/evil-state.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;console.error(&#39;xss-script&#39;)" in state
    # the query page's data block (labels are read from the dump, IRIs are kept in it) cannot end early
    for page, block_id in (("query.html", "query-pages"), ("search.html", "search-index")):
        text = (out / page).read_text(encoding="utf-8")
        block = text.split(f'<script type="application/json" id="{block_id}">', 1)[1].split("</script>", 1)[0]
        assert "<" not in block and json.loads(block), page
    assert "console.error" in (out / "search.html").read_text(encoding="utf-8")  # the hostile label, as data
    assert "{{ 7*7 }}" in state
    assert "<i>proposition</i>" not in state and "&lt;i&gt;proposition&lt;/i&gt;" in state
    # the hostile RDF still round-trips
    for ext in (".ttl", ".nt", ".jsonld", ".rdf"):
        assert canonical(parse_file(out / f"id/evil-state{ext}")) == canonical(
            parse_file(out / "id/evil-state.ttl")
        )
