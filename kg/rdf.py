"""RDF for rdflib users and other tools: the graph as an rdflib Graph, or as pyoxigraph triples.

    >>> import kg.rdf
    >>> graph = kg.rdf.to_rdflib("out")          # rdflib.Graph of OUT/graph.ttl
    >>> kg.rdf.write_rdf(build.graph, "g.nt", "nt")
"""

from kg.api import to_rdflib
from kg.export.rdf import (
    DEFAULT_BASE,
    FORMATS,
    check_base_iri,
    graph_quads,
    graph_triples,
    jsonld_context,
    node_iri,
    serialize_rdf,
    write_rdf,
)

__all__ = ["DEFAULT_BASE", "FORMATS", "check_base_iri", "graph_quads", "graph_triples",
           "jsonld_context", "node_iri", "serialize_rdf", "to_rdflib", "write_rdf"]
