"""RDF view of the graph: IRIs, vocabulary and triples, serialised with pyoxigraph.

The vocabulary is `schemas/kg.ttl` (namespace `https://w3id.org/kg/ontology#`). Resource IRIs
are `{base}{node id}` with each id segment percent-encoded, so any title or name is safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

from kg.io import atomic_path

DEFAULT_BASE = "https://w3id.org/kg/resource/"
KG = "https://w3id.org/kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

CLASSES = {
    "Paper": [KG + "Paper", SCHEMA + "ScholarlyArticle"],
    "Method": [KG + "Method"],
    "Dataset": [KG + "Dataset", SCHEMA + "Dataset"],
    "Metric": [KG + "Metric"],
    "Task": [KG + "Task"],
    "Repository": [KG + "Repository", SCHEMA + "SoftwareSourceCode"],
    "Result": [KG + "Result"],
    "Author": [KG + "Author", SCHEMA + "Person"],
}
LITERALS = {  # node attribute → (predicate, xsd datatype or None for a plain string)
    "title": (DCTERMS + "title", None),
    "abstract": (DCTERMS + "abstract", None),
    "date": (DCTERMS + "issued", XSD + "date"),
    "upvotes": (KG + "upvotes", XSD + "integer"),
    "authors_count": (KG + "authorCount", XSD + "integer"),
    "arxiv_id": (KG + "arxivId", None),
    "doi": (KG + "doi", None),
    "papers": (KG + "paperCount", XSD + "integer"),
    "mentions": (KG + "mentionCount", XSD + "integer"),
    "catalogue_id": (KG + "catalogueId", None),
    "value": (KG + "rawValue", None),
    "number": (KG + "value", XSD + "decimal"),
    "unit": (KG + "unit", None),
    "kind": (KG + "linkKind", None),
}
IRI_ATTRIBUTES = {"url": SCHEMA + "url"}


def predicate_name(relation: str) -> str:
    """`EVALUATES_ON` → `evaluatesOn`."""
    first, *rest = relation.lower().split("_")
    return first + "".join(word.capitalize() for word in rest)


def node_iri(node_id: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    return ox.NamedNode(base + "/".join(quote(part, safe="") for part in node_id.split("/")))


def _literal(value, datatype: str | None) -> ox.Literal | None:
    if value is None or value == "":
        return None
    if datatype == XSD + "date":
        text = str(value)
        return ox.Literal(text, datatype=ox.NamedNode(datatype)) if len(text) == 10 else ox.Literal(text)
    if datatype == XSD + "decimal":
        return ox.Literal(format(float(value), "f").rstrip("0").rstrip(".") or "0",
                          datatype=ox.NamedNode(datatype))
    if datatype:
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(datatype))
    return ox.Literal(str(value))


def _safe_iri(url: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(quote(url, safe=":/?#[]@!$&'()*+,;=%-._~"))
    except ValueError:
        return None


def graph_triples(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Iterator[ox.Triple]:
    """Every node's types and attributes, and every edge as a triple."""
    skos_pref, skos_alt = ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SKOS + "altLabel")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for node_id, data in graph.nodes(data=True):
        subject = node_iri(node_id, base)
        for cls in CLASSES[data["type"]]:
            yield ox.Triple(subject, RDF_TYPE, ox.NamedNode(cls))
        name = data.get("name")
        if name:
            yield ox.Triple(subject, label, ox.Literal(str(name)))
            if data["type"] in ("Method", "Dataset", "Metric", "Task"):
                yield ox.Triple(subject, skos_pref, ox.Literal(str(name)))
        for alias in data.get("aliases") or []:
            yield ox.Triple(subject, skos_alt, ox.Literal(alias))
        for attribute, (predicate, datatype) in LITERALS.items():
            literal = _literal(data.get(attribute), datatype)
            if literal is not None:
                yield ox.Triple(subject, ox.NamedNode(predicate), literal)
        for attribute, predicate in IRI_ATTRIBUTES.items():
            if data.get(attribute) and (iri := _safe_iri(data[attribute])):
                yield ox.Triple(subject, ox.NamedNode(predicate), iri)
        for link in data.get("links") or []:
            if iri := _safe_iri(link):
                yield ox.Triple(subject, ox.NamedNode(KG + "link"), iri)
    for source, target, data in graph.edges(data=True):
        yield ox.Triple(node_iri(source, base), ox.NamedNode(KG + predicate_name(data["type"])),
                        node_iri(target, base))


PREFIXES = {"kg": KG, "schema": SCHEMA, "dcterms": DCTERMS, "skos": SKOS, "xsd": XSD,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def write_rdf(graph: nx.MultiDiGraph, path: str | Path, fmt: str = "ttl",
              base: str = DEFAULT_BASE) -> int:
    """Serialise the graph atomically; returns the number of triples."""
    triples = list(graph_triples(graph, base))
    with atomic_path(path) as temp, open(temp, "wb") as handle:
        prefixes = {**PREFIXES, "res": base} if fmt == "ttl" else None
        ox.serialize(triples, handle, FORMATS[fmt], prefixes=prefixes)
    return len(triples)
