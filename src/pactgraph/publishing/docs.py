"""Documentation pages: the ontology (classes, properties, concept schemes) and the
SHACL shapes (targets, constraints, severities, messages, SPARQL rules)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import rdflib
from markupsafe import Markup, escape

from pactgraph.rdf.namespaces import PREFIXES
from pactgraph.publishing.i18n import N_, current, gettext, ngettext, page_path
from pactgraph.publishing.model import (
    LABEL_PROPERTIES,
    OWL,
    RDF,
    RDFS,
    SH,
    SKOS,
    SiteGraph,
    language_rank,
    natural_key,
)
from pactgraph.publishing.pages import class_anchor
from pactgraph.publishing.render import alternates, render
from pactgraph.publishing.termname import term_name
from pactgraph.publishing.views import Linker, Row, Value

DCTERMS = rdflib.Namespace(PREFIXES["dcterms"])
VANN = rdflib.Namespace(PREFIXES["vann"])

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_KINDS = (
    ("object", N_("Object properties"), OWL.ObjectProperty),
    ("datatype", N_("Datatype properties"), OWL.DatatypeProperty),
    ("annotation", N_("Annotation properties"), OWL.AnnotationProperty),
    ("other", N_("Other properties"), RDF.Property),
)
#: The ontology's own header, in this order, each field named by an interface string (the
#: page names them in its language from the catalogue, not by the reused terms' English
#: labels); the description is the page's lead instead.
HEADER_PROPERTIES = {
    DCTERMS.title: N_("title"),
    DCTERMS.creator: N_("creator"),
    DCTERMS.license: N_("licence"),
    DCTERMS.created: N_("created"),
    DCTERMS.modified: N_("modified"),
    OWL.versionInfo: N_("version"),
    OWL.versionIRI: N_("version IRI"),
    VANN.preferredNamespacePrefix: N_("preferred prefix"),
    VANN.preferredNamespaceUri: N_("preferred namespace"),
    RDFS.seeAlso: N_("see also"),
}

#: Shape properties shown in their own places rather than in the constraint list.
SHAPE_META = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SH.name,
        SH.description,
        SH.message,
        SH.severity,
        SH.path,
        SH.property,
        SH.sparql,
        SH.targetClass,
        SH.targetNode,
        SH.targetSubjectsOf,
        SH.targetObjectsOf,
        SH.select,
        SH.prefixes,
        SH.order,
        SH.group,
    }
)
TARGETS = (
    ("target class", SH.targetClass),
    ("target node", SH.targetNode),
    ("target subjects of", SH.targetSubjectsOf),
    ("target objects of", SH.targetObjectsOf),
)


@dataclass
class TermDoc:
    anchor: str
    iri: str
    label: str
    kinds: list[Value]
    definitions: list[Value]
    rows: list[Row]
    label_language: str = ""  # of `label`, when not the page's


@dataclass
class Section:
    anchor: str
    title: str
    terms: list[TermDoc]


@dataclass
class SchemeDoc:
    anchor: str
    scheme: Value
    iri: str
    definitions: list[Value]
    concepts: list[tuple[Value, str, list[Value]]]


@dataclass
class OntologyDoc:
    title: str
    iri: str
    header: list[Row]
    descriptions: list[Value]
    sections: list[Section]
    schemes: list[SchemeDoc]
    alignment: list[tuple[Value, list[Row]]]
    title_language: str = ""


@dataclass
class ConstraintDoc:
    anchor: str
    iri: str
    title: str
    path: list[Value]
    severity: str
    messages: list[Value]
    descriptions: list[Value]
    rows: list[Row]
    select: str = ""
    title_language: str = ""  # of `title`, when not the page's


@dataclass
class NodeShapeDoc:
    anchor: str
    iri: str
    title: str
    targets: list[Row]
    severity: str
    messages: list[Value]
    descriptions: list[Value]
    rows: list[Row]
    properties: list[ConstraintDoc] = field(default_factory=list)
    sparql: list[ConstraintDoc] = field(default_factory=list)
    title_language: str = ""  # of `title`, when not the page's


@dataclass
class ShapesFileDoc:
    anchor: str
    title: str
    iri: str
    descriptions: list[Value]
    shapes: list[NodeShapeDoc]
    loose: list[ConstraintDoc]
    title_language: str = ""  # of `title`, when not the page's


def _local(iri: str, namespace: str) -> str:
    return iri[len(namespace) :] if iri.startswith(namespace) else ""


def _sorted(graph: SiteGraph, nodes: list[Any]) -> list[Any]:
    return sorted(set(nodes), key=lambda n: (natural_key(graph.label(n)), str(n)))


def _links(linker: Linker, nodes: list[Any]) -> list[Value]:
    return [linker.value(n) for n in _sorted(linker.graph, nodes)]


def _property_shapes(linker: Linker, shapes: SiteGraph, ontology: SiteGraph, term: Any) -> list[Value]:
    """Links to the property shapes of `term`, each named as the ontology names the property
    (term_name, never the shape's camelCase sh:name), after the class whose shape holds it."""
    found = []
    for shape in _sorted(linker.graph, shapes.subjects(SH.path, term)):
        link = linker.link(shape)
        name, language = term_name(ontology, term)
        classes = [c for owner in shapes.subjects(SH.property, shape) for c in shapes.objects(owner, SH.targetClass)]
        if classes:
            owner_name, owner_language = term_name(ontology, sorted(classes, key=str)[0])
            if owner_language == language:
                name = owner_name + gettext(": ") + name
            else:  # each name marked with its language when it is not the page's
                def marked(words: str, code: str) -> Markup:
                    return Markup('<span lang="%s">%s</span>') % (code, words) if code else Markup(escape(words))

                name = marked(owner_name, owner_language) + Markup(escape(gettext(": "))) + marked(name, language)
                language = ""
        found.append(replace(link, text=name, language=language, names={}))
    return found


def _literals(linker: Linker, values: list[Any]) -> list[Value]:
    return [
        linker.literal(v)
        for v in sorted((v for v in values if isinstance(v, rdflib.Literal)), key=language_rank)
    ]


# ---------------------------------------------------------------- ontology


def ontology_doc(
    ontology: SiteGraph, data: SiteGraph, shapes: SiteGraph, page: str = "ontology.html"
) -> OntologyDoc:
    """The ontology page: `ontology` holds the ontology files, `data` the whole graph
    (for counts), `shapes` the shapes (for the shapes that use each term)."""
    layout = ontology.layout
    linker = Linker(ontology, page)
    # the shapes, with the ontology's names for the terms they constrain
    named_shapes = SiteGraph(
        shapes.triples + [t for t in ontology.triples if t[1] in LABEL_PROPERTIES and t[0] not in shapes.out],
        layout,
        shapes.namer.prefixes,
    )
    shape_linker = Linker(named_shapes, page)
    namespace = layout.ontology_ns

    headers = [n for n in ontology.instances(OWL.Ontology)]
    main = rdflib.URIRef(layout.ontology_iri)
    if main not in headers and headers:
        main = sorted(headers, key=str)[0]
    header_rows = []
    for prop, name in HEADER_PROPERTIES.items():
        values = ontology.objects(main, prop)
        if values:
            field_name = linker.link(prop)
            field_name.text, field_name.language, field_name.names = gettext(name), "", {}
            header_rows.append(Row(field_name, [linker.value(v) for v in sorted(values, key=str)]))

    terms = sorted(
        {s for s in ontology.out if isinstance(s, rdflib.URIRef) and str(s).startswith(namespace)}, key=str
    )
    counts: dict[Any, int] = {}
    for _, p, _ in data.triples:
        counts[p] = counts.get(p, 0) + 1

    def term_doc(term: Any, kinds: list[Any]) -> TermDoc:
        rows: list[Row] = []

        def add(name: str, values: list[Value]) -> None:
            if values:
                rows.append(Row(Value("link", text=name), values))

        is_class = any(ontology.has_type(term, c) for c in CLASS_TYPES)
        add(gettext("subclass of"), _links(linker, ontology.objects(term, RDFS.subClassOf)))
        add(gettext("subclasses"), _links(linker, ontology.subjects(RDFS.subClassOf, term)))
        add(gettext("subproperty of"), _links(linker, ontology.objects(term, RDFS.subPropertyOf)))
        add(gettext("subproperties"), _links(linker, ontology.subjects(RDFS.subPropertyOf, term)))
        add(gettext("domain"), _links(linker, ontology.objects(term, RDFS.domain)))
        add(gettext("range"), _links(linker, ontology.objects(term, RDFS.range)))
        add(
            gettext("inverse of"),
            _links(linker, ontology.objects(term, OWL.inverseOf) + ontology.subjects(OWL.inverseOf, term)),
        )
        if is_class:
            add(gettext("properties with this domain"), _links(linker, ontology.subjects(RDFS.domain, term)))
            add(gettext("properties with this range"), _links(linker, ontology.subjects(RDFS.range, term)))
            add(gettext("checked by shapes"), _links(shape_linker, shapes.subjects(SH.targetClass, term)))
            instances = data.instances(term)
            if instances:
                href = f"index.html#{class_anchor(data, term)}"
                count = gettext("%(count)s in the published graph") % {"count": len(instances)}
                add(gettext("instances"), [Value("link", text=count, href=href)])
            else:
                add(gettext("instances"), [Value("literal", text=gettext("none in the published graph"))])
        else:
            used = counts.get(term, 0)
            add(
                gettext("usage"),
                [
                    Value(
                        "literal",
                        text=ngettext(
                            "used in %(num)d statement of the published graph",
                            "used in %(num)d statements of the published graph",
                            used,
                        )
                        % {"num": used},
                    )
                ],
            )
            add(gettext("property shapes"), _property_shapes(shape_linker, shapes, ontology, term))
        add(gettext("see also"), _links(linker, ontology.objects(term, RDFS.seeAlso)))
        add(gettext("scope note"), _literals(linker, ontology.objects(term, SKOS.scopeNote)))
        add(gettext("example"), _literals(linker, ontology.objects(term, SKOS.example)))
        descriptions = _literals(
            linker, ontology.objects(term, SKOS.definition) + ontology.objects(term, RDFS.comment)
        )
        return TermDoc(
            anchor=_local(str(term), namespace),
            iri=str(term),
            label=ontology.label(term),
            label_language=ontology.label_language(term),
            kinds=[linker.link(k) for k in sorted(kinds, key=str)],
            definitions=descriptions,
            rows=rows,
        )

    by_kind: dict[str, list[Any]] = {key: [] for key, _, _ in PROPERTY_KINDS}
    classes: list[Any] = []
    others: list[Any] = []
    for term in terms:
        types = ontology.types(term)
        if any(t in CLASS_TYPES for t in types):
            classes.append(term_doc(term, types))
            continue
        for key, _, cls in PROPERTY_KINDS:
            if cls in types:
                by_kind[key].append(term_doc(term, types))
                break
        else:
            others.append(term_doc(term, types))

    def by_label(docs: list[TermDoc]) -> list[TermDoc]:
        return sorted(docs, key=lambda d: (natural_key(d.label), d.iri))

    sections = [Section("sec-classes", gettext("Classes"), by_label(classes))]
    for key, title, _ in PROPERTY_KINDS:
        if by_kind[key]:
            sections.append(Section(f"sec-{key}-properties", gettext(title), by_label(by_kind[key])))
    if others:
        sections.append(Section("sec-other-terms", gettext("Other terms"), by_label(others)))

    schemes: list[Any] = []
    for scheme in _sorted(ontology, ontology.instances(SKOS.ConceptScheme)):
        members = set(ontology.subjects(SKOS.inScheme, scheme)) | set(
            ontology.subjects(SKOS.topConceptOf, scheme)
        )
        members |= set(ontology.objects(scheme, SKOS.hasTopConcept))
        concepts = []
        for concept in sorted(
            members,
            key=lambda c: (
                str(ontology.first(c, SKOS.notation) or ""),
                natural_key(ontology.label(c)),
                str(c),
            ),
        ):
            notation = " ".join(str(n) for n in ontology.objects(concept, SKOS.notation))
            concepts.append(
                (
                    linker.link(concept),
                    notation,
                    _literals(linker, ontology.objects(concept, SKOS.definition)),
                )
            )
        stem = layout.resource_stem(str(scheme))
        anchor = "scheme-" + (stem.split("/", 1)[1] if stem else str(len(schemes)))
        schemes.append(
            SchemeDoc(
                anchor,
                linker.link(scheme),
                str(scheme),
                _literals(linker, ontology.objects(scheme, SKOS.definition)),
                concepts,
            )
        )

    alignment = []
    for subject in sorted(
        (s for s in ontology.out if isinstance(s, rdflib.URIRef) and not str(s).startswith(layout.base)),
        key=str,
    ):
        # (names in words alone are not an alignment: they show wherever the term is used)
        rows = linker.rows(subject, 0, frozenset({subject}), skip=frozenset(LABEL_PROPERTIES))
        if rows:
            alignment.append((linker.link(subject), rows))

    return OntologyDoc(
        title=ontology.label(main) if headers else gettext("Ontology"),
        title_language=ontology.label_language(main) if headers else "",
        iri=str(main),
        header=header_rows,
        descriptions=_literals(linker, ontology.objects(main, DCTERMS.description)),
        sections=sections,
        schemes=schemes,
        alignment=alignment,
    )


# ---------------------------------------------------------------- shapes


def _severity(graph: SiteGraph, node: Any) -> str:
    value = graph.first(node, SH.severity)
    if value is None:
        return "Violation"
    text = str(value)
    return text[len(str(SH)) :] if text.startswith(str(SH)) else graph.short(text)


def _constraint_rows(linker: Linker, node: Any) -> list[Row]:
    graph = linker.graph
    rows = []
    by_prop: dict[Any, list[Any]] = {}
    for p, o in graph.out.get(node, ()):
        if p not in SHAPE_META:
            by_prop.setdefault(p, []).append(o)
    for p in sorted(by_prop, key=str):
        name = str(p)[len(str(SH)) :] if str(p).startswith(str(SH)) else graph.short(str(p))
        values = [linker.value(v, 0, frozenset({node})) for v in sorted(by_prop[p], key=str)]
        rows.append(
            Row(Value("link", text=name, href=linker.layout.href(str(p), linker.page), iri=str(p)), values)
        )
    return rows


def _anchor(graph: SiteGraph, node: Any, fallback: str) -> str:
    if isinstance(node, rdflib.URIRef):
        local = _local(str(node), graph.layout.shapes_ns)
        if local:
            return local
    return fallback


def _constraint_doc(linker: Linker, node: Any, fallback: str) -> ConstraintDoc:
    graph = linker.graph
    path = graph.first(node, SH.path)
    select = graph.first(node, SH.select)
    return ConstraintDoc(
        anchor=_anchor(graph, node, fallback),
        iri=str(node) if isinstance(node, rdflib.URIRef) else "",
        title=graph.label(node) if isinstance(node, rdflib.URIRef) or graph.literal_labels(node) else "",
        title_language=graph.label_language(node),
        path=[linker.value(path)] if path is not None else [],
        severity=_severity(graph, node),
        messages=_literals(linker, graph.objects(node, SH.message)),
        descriptions=_literals(
            linker, graph.objects(node, SH.description) + graph.objects(node, RDFS.comment)
        ),
        rows=_constraint_rows(linker, node),
        select=str(select).strip("\n") if select is not None else "",
    )


def shapes_doc(files: Mapping[str, SiteGraph], page: str = "shapes.html") -> list[ShapesFileDoc]:
    """One section per shapes file (name -> graph of that file)."""
    docs = []
    counter = 0
    for name in sorted(files):
        graph = files[name]
        linker = Linker(graph, page)
        english = "" if current() == "en" else "en"  # SHACL's target words, untranslated
        headers = sorted(graph.instances(OWL.Ontology), key=str)
        header = headers[0] if headers else None
        node_shapes = _sorted(graph, graph.instances(SH.NodeShape))
        shapes = []
        referenced: set[Any] = set()
        for shape in node_shapes:
            counter += 1
            properties = []
            for prop in sorted(
                graph.objects(shape, SH.property), key=lambda n: (natural_key(graph.label(n)), str(n))
            ):
                counter += 1
                referenced.add(prop)
                properties.append(_constraint_doc(linker, prop, f"shape-{counter}"))
            sparql = []
            for constraint in sorted(
                graph.objects(shape, SH.sparql), key=lambda n: (natural_key(graph.label(n)), str(n))
            ):
                counter += 1
                referenced.add(constraint)
                sparql.append(_constraint_doc(linker, constraint, f"shape-{counter}"))
            shapes.append(
                NodeShapeDoc(
                    anchor=_anchor(graph, shape, f"shape-{counter}"),
                    iri=str(shape) if isinstance(shape, rdflib.URIRef) else "",
                    title=graph.label(shape),
                    title_language=graph.label_language(shape),
                    targets=[
                        Row(Value("link", text=label, language=english), _links(linker, graph.objects(shape, prop)))
                        for label, prop in TARGETS
                        if graph.objects(shape, prop)
                    ],
                    severity=_severity(graph, shape),
                    messages=_literals(linker, graph.objects(shape, SH.message)),
                    descriptions=_literals(
                        linker, graph.objects(shape, SH.description) + graph.objects(shape, RDFS.comment)
                    ),
                    rows=_constraint_rows(linker, shape),
                    properties=properties,
                    sparql=sparql,
                )
            )
        loose = []
        for prop in _sorted(graph, graph.instances(SH.PropertyShape) + graph.instances(SH.SPARQLConstraint)):
            if prop not in referenced:
                counter += 1
                loose.append(_constraint_doc(linker, prop, f"shape-{counter}"))
        docs.append(
            ShapesFileDoc(
                anchor="file-" + name.replace("/", "-"),
                title=graph.label(header) if header is not None else name,
                title_language=graph.label_language(header) if header is not None else english,
                iri=str(header) if header is not None else "",
                descriptions=_literals(linker, graph.objects(header, DCTERMS.description))
                if header is not None
                else [],
                shapes=shapes,
                loose=loose,
            )
        )
    return docs


def ontology_page(
    ontology: SiteGraph, data: SiteGraph, shapes: SiteGraph, common: Mapping[str, Any]
) -> bytes:
    page = page_path("ontology.html")
    doc = ontology_doc(ontology, data, shapes, page)
    from pactgraph.publishing.pictures import ontology_figures

    hierarchy, properties = ontology_figures(ontology)
    return render(
        "ontology.html",
        page,
        title=doc.title,
        doc=doc,
        hierarchy=hierarchy,
        properties=properties,
        alternates=alternates("ontology", page),
        **common,
    )


def shapes_page(files: Mapping[str, SiteGraph], common: Mapping[str, Any]) -> bytes:
    page = page_path("shapes.html")
    return render(
        "shapes.html",
        page,
        title=gettext("Shapes"),
        files=shapes_doc(files, page),
        alternates=alternates("shapes", page),
        **common,
    )
