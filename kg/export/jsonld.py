"""Compact JSON-LD written as a stream: one node object per subject, with the context it is
given (`kg.export.rdf` passes its `jsonld_context`, and this module imports nothing of it), so a
graph of any size is written without holding it (a JSON-LD library's compaction reads the whole
graph first). Each value is written in the shortest form that the context expands back to the
same statement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import msgspec
import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class JsonldCompactor:
    """Statements → compact node objects under one context."""

    def __init__(self, context: dict) -> None:
        # a term whose definition is an IRI ending in / or # works as a prefix (JSON-LD 1.1)
        self.prefixes = {term: value for term, value in context.items()
                         if isinstance(value, str) and value.endswith(("/", "#"))}
        self.namespaces = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        self.classes: dict[str, str] = {}  # class IRI → its term
        self.properties: dict[str, list[tuple[str, str | None]]] = {}  # IRI → (term, coercion)
        for term, definition in context.items():
            if isinstance(definition, str) and term not in self.prefixes:
                self.classes.setdefault(self.expand(definition), term)
            elif isinstance(definition, dict):
                coercion = definition.get("@type")
                if coercion not in (None, "@id"):
                    coercion = self.expand(coercion)
                self.properties.setdefault(self.expand(definition["@id"]), []).append((term, coercion))
        self.compacted: dict[str, str] = {}

    def expand(self, name: str) -> str:
        prefix, _, rest = name.partition(":")
        return self.prefixes[prefix] + rest if prefix in self.prefixes and rest[:2] != "//" else name

    def compact(self, iri: str) -> str:
        """`prefix:rest` for an IRI under one of the context's prefixes, else the IRI
        (vocabulary IRIs, few and repeated, are kept)."""
        found = self.compacted.get(iri)
        if found is None:
            found = self.compacted[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        for prefix, namespace in self.namespaces:
            rest = iri[len(namespace):]
            if iri.startswith(namespace) and rest and rest[:2] != "//":
                return f"{prefix}:{rest}"
        return iri

    def node_id(self, term) -> str:
        """A node's `@id` (not kept: most nodes come once)."""
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self._compact(term.value)

    def entry(self, predicate: str, value) -> tuple[str, object]:
        """(key, JSON value) for one statement's predicate and object."""
        if isinstance(value, ox.Literal):
            datatype = value.datatype.value if value.language is None else None
            for term, coercion in self.properties.get(predicate, ()):
                if coercion == datatype or (coercion is None and datatype == XSD_STRING):
                    return term, value.value
            key = self.plain_key(predicate)
            if datatype == XSD_STRING:
                return key, value.value
            if datatype is None:
                return key, {"@value": value.value, "@language": value.language}
            return key, {"@value": value.value, "@type": self.compact(datatype)}
        for term, coercion in self.properties.get(predicate, ()):
            if coercion == "@id":
                return term, self.node_id(value)
        return self.plain_key(predicate), {"@id": self.node_id(value)}

    def plain_key(self, predicate: str) -> str:
        """The key for a value written in full (`{"@id"}`, `{"@value", "@type"}`): a term of
        the predicate without type coercion, else its compact IRI."""
        return next((term for term, coercion in self.properties.get(predicate, ())
                     if coercion is None), None) or self.compact(predicate)

    def node(self, subject, statements: list[tuple[str, object]]) -> dict:
        """The node object of a subject with its (predicate IRI, object) pairs."""
        found: dict = {"@id": self.node_id(subject)}
        types = [self.classes.get(o.value) or self.compact(o.value) for p, o in statements
                 if p == RDF_TYPE and isinstance(o, ox.NamedNode)]
        if types:
            found["@type"] = types
        for predicate, value in statements:
            if predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
                continue
            key, item = self.entry(predicate, value)
            if key not in found:
                found[key] = item
            elif isinstance(found[key], list):
                found[key].append(item)
            else:
                found[key] = [found[key], item]
        return found


def write_jsonld(triples: Iterable[ox.Triple], output: BinaryIO, context: dict) -> None:
    """Write the triples as one JSON-LD document (`@context`, then `@graph` with a node object
    for each run of statements about one subject), node object by node object."""
    compactor = JsonldCompactor(context)
    output.write(b'{\n "@context": ' + _dumps(context, 1) + b',\n "@graph": [')
    subject, statements, first = None, [], True

    def flush() -> None:
        nonlocal first
        if statements:
            output.write((b"\n  " if first else b",\n  ") + _dumps(compactor.node(subject, statements), 2))
            first = False

    for triple in triples:
        if triple.subject != subject:
            flush()
            subject, statements = triple.subject, []
        statements.append((triple.predicate.value, triple.object))
    flush()
    output.write(b"\n ]\n}\n")


def _dumps(value, indent: int) -> bytes:
    """JSON with one-space indentation, shifted right by `indent` spaces (strings escape their
    newlines, so every raw newline starts a line). msgspec, not `json.dumps(indent=...)`: that
    one's pure-Python encoder leaves reference cycles behind, which pile up while the export
    pauses the garbage collector."""
    text = msgspec.json.format(msgspec.json.encode(value), indent=1)
    return text.replace(b"\n", b"\n" + b" " * indent)
