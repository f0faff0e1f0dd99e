"""The dataset description: VoID and DCAT (title, licence, publisher, dates, version,
counts, vocabularies, example resources, and every distribution with its media
type, byte size and SHA-256 checksum), as RDF and as a page."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rdflib

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing import involvement
from pactgraph.publishing.i18n import _, current, page_path
from pactgraph.publishing.layout import Layout
from pactgraph.publishing.model import OWL, RDF, SiteGraph, natural_key
from pactgraph.publishing.render import alternates, render
from pactgraph.publishing.views import Linker, Terms, Value

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
#: ISO 639-1 language codes as IRIs (Library of Congress), the DCAT-AP way to name a language.
ISO639_1 = "http://id.loc.gov/vocabulary/iso639-1/"
DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
XSD = rdflib.XSD
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
IANA = "https://www.iana.org/assignments/media-types/"

#: Extra prefixes of the description, beside the project's.
DESCRIPTION_PREFIXES = {
    "void": str(VOID),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
}

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "The pactgraph maintainers"

#: extension -> (format name, media type, W3C format IRI)
FORMAT_INFO = {
    "ttl": ("Turtle", "text/turtle", FORMATS.Turtle),
    "nt": ("N-Triples", "application/n-triples", FORMATS["N-Triples"]),
    "jsonld": ("JSON-LD", "application/ld+json", FORMATS["JSON-LD"]),
    "rdf": ("RDF/XML", "application/rdf+xml", FORMATS["RDF_XML"]),
    "trig": ("TriG", "application/trig", FORMATS.TriG),
    "nq": ("N-Quads", "application/n-quads", FORMATS["N-Quads"]),
}


@dataclass
class Distribution:
    """A downloadable file of one of the datasets ('dataset', 'ontology', 'shapes')."""

    path: str
    dataset: str
    title: str
    data: bytes

    @property
    def extension(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def format_name(self) -> str:
        return FORMAT_INFO[self.extension][0]

    @property
    def media_type(self) -> str:
        return FORMAT_INFO[self.extension][1]

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def fragment(self) -> str:
        return "dist-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


@dataclass
class Facts:
    """What the description says about the dataset, computed from the graph."""

    title: str
    description: str
    license: str
    publisher: str
    created: Any
    modified: Any
    version: str
    triples: int
    entities: int
    subjects: int
    objects: int
    properties: int
    classes: int
    class_counts: list[tuple[Any, int]]
    property_counts: list[tuple[Any, int]]
    vocabularies: list[str]
    examples: list[Any]
    ontology_triples: int
    shapes_triples: int
    claims: int
    reports: int
    languages: list[str]  # ISO 639-1 codes of the data's language-tagged text
    start: str  # the earliest and latest date in the data (temporal coverage)
    end: str
    places: list[Any]  # the states the data is about (spatial coverage)
    sources: list[Any]  # the reports and the sources that attest world facts


def facts(graph: SiteGraph, ontology: SiteGraph, shapes_triples: int, version: str) -> Facts:
    layout = graph.layout
    terms = Terms(layout)
    header = rdflib.URIRef(layout.ontology_iri)
    if not ontology.has_type(header, OWL.Ontology):
        found = sorted(ontology.instances(OWL.Ontology), key=str)
        header = found[0] if found else header
    license_ = ontology.first(header, DCTERMS.license)
    creator = ontology.first(header, DCTERMS.creator)
    subjects = {s for s, _, _ in graph.triples}
    objects = {o for _, _, o in graph.triples}
    entities = {s for s in subjects if isinstance(s, rdflib.URIRef) and str(s).startswith(layout.base)}
    class_counts: dict[Any, set[Any]] = {}
    property_counts: dict[Any, int] = {}
    for s, p, o in graph.triples:
        property_counts[p] = property_counts.get(p, 0) + 1
        if p == RDF.type and isinstance(o, rdflib.URIRef):
            class_counts.setdefault(o, set()).add(s)
    used = {str(p) for p in property_counts} | {str(c) for c in class_counts}
    namespaces = sorted(
        {ns for ns in _vocabulary_namespaces(layout) if any(iri.startswith(ns) for iri in used)}
    )
    claims = graph.instances(terms.Claim)
    reports = graph.instances(terms.Report)
    claim_count = involvement.claim_counts(graph, terms)
    examples: list[Any] = []
    for group in (sorted(reports, key=str), sorted(claims, key=str)):
        if group:
            examples.append(group[0])
    if claim_count:
        examples.append(min(claim_count, key=lambda n: (-claim_count[n], str(n))))
    examples = [e for e in dict.fromkeys(examples) if isinstance(e, rdflib.URIRef)]
    languages: set[str] = set()
    dates: set[str] = set()

    def data_subject(n: Any) -> bool:
        return isinstance(n, rdflib.BNode) or str(n).startswith(layout.id_ns)

    for s_, _p, o in graph.triples:
        if not isinstance(o, rdflib.Literal) or not data_subject(s_):
            continue
        primary = (o.language or "").split("-")[0].lower()
        if len(primary) == 2 and primary.isalpha():
            languages.add(primary)
        if o.datatype in (XSD.date, XSD.dateTime) and re.match(r"\d{4}-\d\d-\d\d", str(o)):
            dates.add(str(o)[:10])
    places = sorted(graph.instances(rdflib.URIRef(layout.ontology_ns + "SovereignState")), key=str)
    attested_by = rdflib.URIRef(layout.ontology_ns + "attestedBy")
    sources = sorted(
        set(reports) | {o for _, p, o in graph.triples if p == attested_by and isinstance(o, rdflib.URIRef)},
        key=str,
    )
    description = (
        "News reporting on defence alliances as a linked-data graph: "
        f"{len(claims)} claims from {len(reports)} report{'s' if len(reports) != 1 else ''}, each with its claimant, "
        "certainty, polarity and time orientation, anchored in the exact words of the stored report text and traced "
        "along the chain of outlets that relayed it, kept apart from world facts (states, agreements, alliances, "
        "memberships, events) that cite their own sources."
    )
    return Facts(
        title="pactgraph: claims and facts about defence alliances in the news",
        description=description,
        license=str(license_) if isinstance(license_, rdflib.URIRef) else DEFAULT_LICENSE,
        publisher=str(creator) if isinstance(creator, rdflib.Literal) else DEFAULT_PUBLISHER,
        created=ontology.first(header, DCTERMS.created),
        modified=ontology.first(header, DCTERMS.modified),
        version=version,
        triples=len(graph.triples),
        entities=len(entities),
        subjects=len(subjects),
        objects=len(objects),
        properties=len(property_counts),
        classes=len(class_counts),
        class_counts=sorted(((c, len(s)) for c, s in class_counts.items()), key=lambda x: str(x[0])),
        property_counts=sorted(property_counts.items(), key=lambda x: str(x[0])),
        vocabularies=namespaces,
        examples=examples,
        ontology_triples=len(ontology.triples),
        shapes_triples=shapes_triples,
        claims=len(claims),
        reports=len(reports),
        languages=sorted(languages),
        start=min(dates, default=""),
        end=max(dates, default=""),
        places=places,
        sources=sources,
    )


def _vocabulary_namespaces(layout: Layout) -> list[str]:
    skip = {layout.base + "id/"}
    return [layout.rebase(ns) for p, ns in PREFIXES.items() if layout.rebase(ns) not in skip and p != "wd"]


def description_triples(
    layout: Layout, info: Facts, distributions: Sequence[Distribution]
) -> list[tuple[Any, Any, Any]]:
    """The VoID and DCAT statements (unsorted; blank nodes for partitions and checksums)."""
    doc = rdflib.URIRef(layout.void_iri)

    def here(fragment: str) -> rdflib.URIRef:
        return rdflib.URIRef(f"{layout.void_iri}#{fragment}")

    catalog, dataset, ontology, shapes, publisher = (
        here("catalog"),
        here("dataset"),
        here("ontology"),
        here("shapes"),
        here("publisher"),
    )
    homepage = rdflib.URIRef(layout.base)
    license_ = rdflib.URIRef(info.license)
    en = "en"
    t: list[tuple[Any, Any, Any]] = []
    add = t.append

    add((doc, RDF.type, VOID.DatasetDescription))
    add((doc, DCTERMS.title, rdflib.Literal("Description of the pactgraph dataset", lang=en)))
    add((doc, FOAF.primaryTopic, dataset))

    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, rdflib.Literal(info.publisher)))

    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.title, rdflib.Literal("pactgraph linked-data release", lang=en)))
    add(
        (
            catalog,
            DCTERMS.description,
            rdflib.Literal("The pactgraph graph, its ontology and its SHACL shapes.", lang=en),
        )
    )
    add((catalog, DCTERMS.publisher, publisher))
    add((catalog, DCTERMS.license, license_))
    add((catalog, FOAF.homepage, homepage))
    for d in (dataset, ontology, shapes):
        add((catalog, DCAT.dataset, d))

    def common(node: Any, title: str, description: str) -> None:
        add((node, RDF.type, DCAT.Dataset))
        add((node, RDF.type, VOID.Dataset))
        add((node, DCTERMS.title, rdflib.Literal(title, lang=en)))
        add((node, DCTERMS.description, rdflib.Literal(description, lang=en)))
        add((node, DCTERMS.license, license_))
        add((node, DCTERMS.publisher, publisher))
        add((node, DCTERMS.creator, publisher))
        if info.created is not None:
            add((node, DCTERMS.created, info.created))
            add((node, DCTERMS.issued, info.created))
        if info.modified is not None:
            add((node, DCTERMS.modified, info.modified))
        add((node, DCAT.version, rdflib.Literal(info.version)))
        add((node, OWL.versionInfo, rdflib.Literal(info.version)))
        add((node, DCAT.landingPage, homepage))

    common(dataset, info.title, info.description)
    contact = here("contact")
    add((dataset, DCAT.contactPoint, contact))
    add((contact, RDF.type, VCARD.Organization))
    add((contact, VCARD.fn, rdflib.Literal(info.publisher)))
    add((contact, VCARD.hasURL, homepage))
    for code in info.languages:
        add((dataset, DCTERMS.language, rdflib.URIRef(ISO639_1 + code)))
    if info.start:
        period = here("temporal")
        add((dataset, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, rdflib.Literal(info.start, datatype=XSD.date)))
        add((period, DCAT.endDate, rdflib.Literal(info.end, datatype=XSD.date)))
    for place in info.places:
        add((dataset, DCTERMS.spatial, place))
    for source in info.sources:
        add((dataset, DCTERMS.source, source))
    for word in ("defence alliances", "news", "claims", "provenance", "linked data"):
        add((dataset, DCAT.keyword, rdflib.Literal(word, lang=en)))
    add((dataset, FOAF.homepage, homepage))
    add((dataset, VOID.uriSpace, rdflib.Literal(layout.base)))
    nonneg = XSD.nonNegativeInteger
    for prop, value in (
        (VOID.triples, info.triples),
        (VOID.entities, info.entities),
        (VOID.distinctSubjects, info.subjects),
        (VOID.distinctObjects, info.objects),
        (VOID.properties, info.properties),
        (VOID.classes, info.classes),
    ):
        add((dataset, prop, rdflib.Literal(str(value), datatype=nonneg)))
    for namespace in info.vocabularies:
        add((dataset, VOID.vocabulary, rdflib.URIRef(namespace)))
    for example in info.examples:
        add((dataset, VOID.exampleResource, example))
    add((dataset, DCTERMS.conformsTo, rdflib.URIRef(layout.ontology_iri)))
    add((dataset, VOID.subset, ontology))
    for cls, count in info.class_counts:
        partition = rdflib.BNode()
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))
        add((partition, VOID.entities, rdflib.Literal(str(count), datatype=nonneg)))
    for prop, count in info.property_counts:
        partition = rdflib.BNode()
        add((dataset, VOID.propertyPartition, partition))
        add((partition, VOID.property, prop))
        add((partition, VOID.triples, rdflib.Literal(str(count), datatype=nonneg)))

    common(ontology, "pactgraph ontology", "The OWL ontology and SKOS concept schemes of pactgraph.")
    add((ontology, FOAF.primaryTopic, rdflib.URIRef(layout.ontology_iri)))
    add((ontology, VOID.triples, rdflib.Literal(str(info.ontology_triples), datatype=nonneg)))
    common(shapes, "pactgraph shapes", "The SHACL shapes that pactgraph data is validated against.")
    add((shapes, FOAF.primaryTopic, rdflib.URIRef(layout.shapes_iri)))
    add((shapes, VOID.triples, rdflib.Literal(str(info.shapes_triples), datatype=nonneg)))

    owners = {"dataset": dataset, "ontology": ontology, "shapes": shapes}
    for dist in distributions:
        node = here(dist.fragment)
        url = rdflib.URIRef(layout.iri(dist.path))
        owner = owners[dist.dataset]
        add((owner, DCAT.distribution, node))
        add((owner, VOID.dataDump, url))
        add((owner, VOID.feature, FORMAT_INFO[dist.extension][2]))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, rdflib.Literal(dist.title, lang=en)))
        add((node, DCAT.downloadURL, url))
        add((node, DCAT.accessURL, url))
        add((node, DCAT.mediaType, rdflib.URIRef(IANA + dist.media_type)))
        add((node, DCTERMS["format"], FORMAT_INFO[dist.extension][2]))
        add((node, DCAT.byteSize, rdflib.Literal(str(dist.size), datatype=nonneg)))
        add((node, DCTERMS.license, license_))
        checksum = rdflib.BNode()
        add((node, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, rdflib.Literal(dist.sha256, datatype=XSD.hexBinary)))
    return t


def dataset_page(
    graph: SiteGraph,
    info: Facts,
    distributions: Sequence[Distribution],
    extra_downloads: Sequence[Mapping[str, Any]],
    common: Mapping[str, Any],
) -> bytes:
    page = page_path("void.html")
    layout = graph.layout
    linker = Linker(graph, page)
    english = "" if current() == "en" else "en"  # the dataset's title and publisher are written in English
    rows = [
        (_("Title"), [Value("literal", text=info.title, language=english)]),
        (_("Licence"), [Value("link", text=info.license, href=info.license, iri=info.license, external=True)]),
        (_("Publisher"), [Value("literal", text=info.publisher, language=english)]),
        (
            _("Contact"),
            [Value("literal", text=info.publisher, language=english), Value("link", text=layout.base, href="index.html")],
        ),
        (_("Languages"), [Value("literal", text=", ".join(info.languages))] if info.languages else []),
        (_("Time covered"), [Value("literal", text=_("%(start)s to %(end)s") % {"start": info.start, "end": info.end})] if info.start else []),
        (_("Places"), [linker.link(p) for p in info.places]),
        (_("Sources"), [linker.link(src) for src in info.sources]),
        (_("Created"), [Value("literal", text=str(info.created))] if info.created is not None else []),
        (_("Modified"), [Value("literal", text=str(info.modified))] if info.modified is not None else []),
        (_("Version"), [Value("literal", text=info.version)]),
        (_("IRI space"), [Value("literal", text=layout.base)]),
        (_("Statements"), [Value("literal", text=str(info.triples))]),
        (
            _("Entities"),
            [
                Value(
                    "literal",
                    text=_("%(count)s resources with IRIs under %(base)s") % {"count": info.entities, "base": layout.base},
                )
            ],
        ),
        (
            _("Classes, properties"),
            [
                Value(
                    "literal",
                    text=_("%(classes)s classes, %(properties)s properties")
                    % {"classes": info.classes, "properties": info.properties},
                )
            ],
        ),
        (
            _("Vocabularies used"),
            [
                Value("link", text=ns, href=ns if ns.startswith("http") else None, iri=ns, external=True)
                for ns in info.vocabularies
            ],
        ),
        (_("Example resources"), [linker.link(e) for e in info.examples]),
    ]
    return render(
        "void.html",
        page,
        title=_("Dataset description"),
        info=info,
        rows=[(k, v) for k, v in rows if v],
        distributions=[
            {
                "fragment": d.fragment,
                "href": d.path,
                "path": d.path,
                "title": d.title,
                "dataset": d.dataset,
                "media_type": d.media_type,
                "size": d.size,
                "size_text": human_size(d.size),
                "sha256": d.sha256,
            }
            for d in distributions
        ],
        extra_downloads=extra_downloads,
        classes=[
            (linker.link(c), n)
            for c, n in sorted(info.class_counts, key=lambda x: (natural_key(graph.label(x[0])), str(x[0])))
        ],
        alternates=alternates("void", page),
        **common,
    )
