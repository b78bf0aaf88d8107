"""RDF view of the graph: IRIs, vocabulary and triples, serialised with pyoxigraph.

The vocabulary is `schemas/kg.ttl` (namespace `https://w3id.org/kg/ontology#`), aligned to
schema.org, FaBiO, Dublin Core, SKOS, ML-Schema and Linked Papers With Code; `schemas/shapes.ttl`
validates what this module writes. Resource IRIs are `{base}{node id}` with each id segment
percent-encoded, so any title or name is safe and the same graph always gives the same IRIs.

Provenance: each paper→entity fact is also a Web Annotation (`oa:Annotation`, a `prov:Entity`)
whose body is the entity and whose target is the paper, with text position and quote selectors,
the sentence, the confidence and the extractor (`prov:SoftwareAgent`). In the quad formats
(N-Quads, TriG, the SPARQL store) each paper's own statements and annotations sit in one named
graph per paper, `{base}graph/paper/{id}`; shared entities sit in the default graph. See
`schemas/README.md`.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import BinaryIO
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

from kg.export.jsonld import write_jsonld
from kg.export.ranges import AGENTS, RangeMarks
from kg.graph.delta import unit_of
from kg.graph.stream import Walk, graph_walk
from kg.io import atomic_path, without_gc

DEFAULT_BASE = "https://w3id.org/kg/resource/"
ONTOLOGY = "https://w3id.org/kg/ontology"
KG = ONTOLOGY + "#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FABIO = "http://purl.org/spar/fabio/"
MLS = "http://www.w3.org/ns/mls#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
XSD_DECIMAL, XSD_BOOLEAN = XSD + "decimal", XSD + "boolean"
XSD_INTEGER = XSD + "integer"  # not nonNegativeInteger, which the store keeps as integer

PREFIXES = {"kg": KG, "schema": SCHEMA, "dcterms": DCTERMS, "skos": SKOS, "xsd": XSD,
            "rdfs": RDFS, "rdf": RDF, "fabio": FABIO, "mls": MLS, "oa": OA, "prov": PROV,
            "void": VOID}

CLASSES = {  # node type → rdf:types (ours first, then the standard class it is)
    "Paper": [KG + "Paper", SCHEMA + "ScholarlyArticle", FABIO + "ResearchPaper"],
    "Method": [KG + "Method", MLS + "Algorithm"],
    "Dataset": [KG + "Dataset", SCHEMA + "Dataset"],
    "Metric": [KG + "Metric", MLS + "EvaluationMeasure"],
    "Task": [KG + "Task", MLS + "Task"],
    "Repository": [KG + "Repository", SCHEMA + "SoftwareSourceCode"],
    "Result": [KG + "Result", MLS + "ModelEvaluation"],
    "Author": [KG + "Author", SCHEMA + "Person"],
}
ENTITY_TYPES = ("Method", "Dataset", "Metric", "Task")
LITERALS = {  # node attribute → (predicate, xsd datatype; None for a plain string)
    "title": (DCTERMS + "title", None),
    "abstract": (DCTERMS + "abstract", None),
    "date": (DCTERMS + "issued", "date"),
    "upvotes": (KG + "upvotes", XSD + "integer"),
    "authors_count": (KG + "authorCount", XSD + "integer"),
    "arxiv_id": (KG + "arxivId", None),
    "doi": (KG + "doi", None),
    "papers": (KG + "paperCount", XSD + "integer"),
    "mentions": (KG + "mentionCount", XSD + "integer"),
    "catalogue_id": (KG + "catalogueId", None),
    "confidence": (KG + "entityConfidence", XSD + "decimal"),
    "generic": (KG + "generic", XSD + "boolean"),
    "value": (KG + "rawValue", None),
    "number": (MLS + "hasValue", XSD + "decimal"),
    "unit": (KG + "unit", None),
    "condition": (KG + "condition", None),
    "kind": (KG + "linkKind", None),
}
RELATIONS = {  # edge type → predicate; any other type becomes kg:camelCase
    "WITH_METRIC": MLS + "specifiedBy",
}
DATE_TYPES = ((re.compile(r"\d{4}-\d{2}-\d{2}"), XSD + "date"),
              (re.compile(r"\d{4}-\d{2}"), XSD + "gYearMonth"),
              (re.compile(r"\d{4}"), XSD + "gYear"))
FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS,
           "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
QUAD_FORMATS = ("nq", "trig")


class BaseIriError(ValueError):
    """A `--base-iri` that cannot prefix resource IRIs."""


def check_base_iri(base: str) -> str:
    """An absolute IRI ending in `/` or `#`, or a one-line BaseIriError."""
    problem = None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", base or ""):
        problem = "it must be an absolute IRI such as https://example.org/kg/"
    elif base[-1] not in "/#":
        problem = "it must end in / or #"
    else:
        try:
            ox.NamedNode(base)
        except ValueError as error:
            problem = str(error)
    if problem:
        raise BaseIriError(f"bad base IRI {base!r}: {problem}")
    return base


def predicate_name(relation: str) -> str:
    """`EVALUATES_ON` → `evaluatesOn`."""
    first, *rest = relation.lower().split("_")
    return first + "".join(word.capitalize() for word in rest)


@lru_cache(maxsize=256)
def relation_predicate(relation: str) -> str:
    return RELATIONS.get(relation) or KG + predicate_name(relation)


_UNRESERVED_PATH = re.compile(r"[A-Za-z0-9_.~/:-]*")  # what `quote(segment, safe="")` keeps, and `:`
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")  # `.` or `..`, which `_segment` encodes


def _segment(part: str) -> str:
    encoded = quote(part, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def node_path(node_id: str) -> str:
    """A node id with each `/`-separated segment percent-encoded (UTF-8). Most ids are ASCII
    letters, digits, `-._~` and `:` (`method/bert`, `paper/arxiv:2401.01234`): for those only
    `:` changes, without `quote`."""
    if _UNRESERVED_PATH.fullmatch(node_id) and not _DOT_SEGMENT.search(node_id):
        return node_id.replace(":", "%3A")  # `paper/arxiv:2401.01234`
    return "/".join(_segment(part) for part in node_id.split("/"))


def node_iri(node_id: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    """`{base}{node id}`, each `/`-separated segment percent-encoded (UTF-8)."""
    return ox.NamedNode(base + node_path(node_id))


def paper_graph_iri(paper_node: str, base: str = DEFAULT_BASE) -> ox.NamedNode:
    """The named graph holding one paper's statements and provenance."""
    return node_iri("graph/" + paper_node, base)


def decimal_text(value) -> str | None:
    """The canonical xsd:decimal form of a number (`0.95`, `300.0` → `300`, `1e-07` →
    `0.0000001`), or None. Canonical (XSD 1.1: no trailing zeros, no point for a whole
    number) because the SPARQL store keeps only that form: every file then says what the store
    says."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return _decimal_text(repr(number)) if math.isfinite(number) else None


@lru_cache(maxsize=4096)  # confidences take few values: each is formatted once
def _decimal_text(number: str) -> str:
    text = format(Decimal(number).normalize(), "f")
    return "0" if text == "-0" else text


_ESCAPES = {**{code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]},
            ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def nt_literal(text: str, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax: `"text"` or `"text"^^<datatype>`. Most text has nothing
    to escape: `isprintable` (false for every control character) and two `in` tests, each a
    scan in C, find that faster than `translate` rebuilds the string."""
    text = str(text)
    if not text.isprintable() or '"' in text or "\\" in text:
        text = text.translate(_ESCAPES)
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'


def _literal(value, datatype: str | None) -> str | None:
    if value is None or value == "" or isinstance(value, (list, dict)):
        return None
    if datatype is None:
        return nt_literal(value)
    if datatype == "date":
        text = str(value).strip()
        for pattern, xsd_type in DATE_TYPES:
            if pattern.fullmatch(text):
                return nt_literal(text, xsd_type)
        return nt_literal(text)
    if datatype == XSD_BOOLEAN:
        return nt_literal("true" if value else "false", datatype)
    if datatype == XSD_DECIMAL:
        text = decimal_text(value)
        return nt_literal(text, datatype) if text else None
    try:
        return nt_literal(str(int(value)), datatype)
    except (TypeError, ValueError):
        return None


_IRI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
_QUOTE_KEEPS = re.compile(r"[A-Za-z0-9:/?#\[\]@!$&'()*+,;=%._~-]*")  # quote(..., _IRI_SAFE) keeps these


def safe_iri(url: str) -> str | None:
    """A URL as an IRI with unsafe characters percent-encoded; None if it is not an IRI."""
    iri = str(url).strip()
    if not _QUOTE_KEEPS.fullmatch(iri):
        iri = quote(iri, safe=_IRI_SAFE)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


NODE_CACHE = 100_000  # node IRIs kept for reuse; cleared when full, so memory stays flat


class _Vocabulary(dict):
    """IRI → `<IRI>`, made on first use (a plain dict lookup after that)."""

    def __missing__(self, iri: str) -> str:
        term = self[iri] = f"<{iri}>"
        return term


class _NodeTerms(dict):
    """Node id → `<{base}{node id}>`, kept while there is room (cleared when full)."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def __missing__(self, node_id: str) -> str:
        if len(self) >= NODE_CACHE:
            self.clear()
        term = self[node_id] = f"<{self.base}{node_path(node_id)}>"
        return term


class _Predicates(dict):
    """Relation → its predicate in N-Triples syntax, made on first use."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, relation: str) -> str:
        term = self[relation] = self.vocabulary[relation_predicate(relation)]
        return term


class _Terms:
    """IRIs in N-Triples syntax (`<...>`): vocabulary IRIs built once per export, node IRIs
    kept while the cache has room, and each node shape's plan (`literal_plan`)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cache = _Vocabulary()
        self.nodes = _NodeTerms(base)
        self.node = self.nodes.__getitem__
        self.plans: dict[tuple, tuple] = {}
        self.types: dict = {}  # node type → its (rdf:type, class) term pairs
        self.predicates = _Predicates(self.cache)
        self.rdf_type, self.label = self.cache[RDF + "type"], self.cache[RDFS + "label"]
        self.pref_label = self.cache[SKOS + "prefLabel"]
        self.oa = SimpleNamespace(**{name: self.cache[iri] for name, iri in _ANNOTATION_TERMS.items()})

    def type_terms(self, kind) -> list[tuple[str, str]]:
        pairs = self.types.get(kind)
        if pairs is None:
            pairs = self.types[kind] = [(self.rdf_type, self.cache[cls])
                                        for cls in CLASSES.get(kind, [KG + str(kind)])]
        return pairs

    def __getitem__(self, iri: str) -> str:
        return self.cache[iri]

    def literal_plan(self, keys: tuple) -> tuple:
        """(attribute, predicate term, datatype) for the LITERALS attributes among a node's
        `keys`, in LITERALS order: nodes of one kind share their keys, so each node checks its
        own few attributes instead of every attribute LITERALS knows."""
        plan = self.plans.get(keys)
        if plan is None:
            if len(self.plans) >= 4096:  # keys vary little; never let them grow unbounded
                self.plans.clear()
            present = set(keys)
            plan = self.plans[keys] = tuple(
                (attribute, self.cache[predicate], datatype)
                for attribute, (predicate, datatype) in LITERALS.items() if attribute in present)
        return plan


def graph_statements(graph: nx.MultiDiGraph | Walk, base: str = DEFAULT_BASE) -> Iterator[tuple]:
    """(subject, predicate, object, graph name) in N-Triples syntax for the whole graph (a
    networkx graph or a `kg.graph.stream` walk), generated lazily: the shared nodes (graph name
    None: the default graph), and each paper with its facts, annotations and results (in its
    own named graph)."""
    writer = StatementWriter(graph_walk(graph), base)
    yield from writer.header()
    for item in writer.walk:
        yield from writer.statements(*item)
    yield from writer.footer()


class StatementWriter:
    """Turns walk items into statements, one item at a time (`graph_statements` in pieces, so
    one walk can feed several writers)."""

    def __init__(self, walk: Walk, base: str = DEFAULT_BASE) -> None:
        check_base_iri(base)
        self.walk, self.base = walk, base
        self.terms = _Terms(base)
        self.agents: set[tuple] = set()

    def header(self) -> list[tuple]:
        terms, dataset = self.terms, f"<{self.base}>"
        return [(dataset, terms[RDF + "type"], terms[VOID + "Dataset"], None),
                (dataset, terms[VOID + "uriSpace"], nt_literal(self.base), None),
                (dataset, terms[VOID + "vocabulary"], terms[ONTOLOGY], None)]

    def statements(self, node_id: str, data: dict, out: list) -> list[tuple]:
        kind = data.get("type")
        if kind == "Result" and (paper := self.walk.reporting_paper(node_id)):
            graph_name = self.terms.node("graph/" + paper)  # = paper_graph_iri(paper)
            return _node_statements(node_id, data, out, self.terms, graph_name)
        if kind != "Paper":
            return _node_statements(node_id, data, out, self.terms, None)
        graph_name = self.terms.node("graph/" + node_id)
        found = _node_statements(node_id, data, out, self.terms, graph_name)
        for target, key, edge in out:
            if edge.get("start") is not None or edge.get("extractor"):
                found += _annotation(node_id, target, key, data, edge, self.terms, graph_name,
                                     self.agents)
        return found

    def footer(self) -> list[tuple]:
        terms, found = self.terms, []
        rdf_type = terms[RDF + "type"]
        for name, version in sorted(self.agents):
            agent = _agent_iri(name, version, terms.node)
            found.append((agent, rdf_type, terms[PROV + "SoftwareAgent"], None))
            found.append((agent, terms[RDFS + "label"], nt_literal(name), None))
            if version:
                found.append((agent, terms[SCHEMA + "softwareVersion"], nt_literal(version), None))
        return found


def _node_statements(node_id, data, out, terms: _Terms, g) -> list[tuple]:
    node_term, plan, predicates = terms.node, terms.literal_plan, terms.predicates
    subject = node_term(node_id)
    kind = data.get("type")
    found = [(subject, rdf_type, cls, g) for rdf_type, cls in terms.type_terms(kind)]
    name = data.get("name")
    if name not in (None, ""):
        label = nt_literal(name)
        found.append((subject, terms.label, label, g))
        if kind in ENTITY_TYPES:
            found.append((subject, terms.pref_label, label, g))
    terms = terms.cache  # plain dict lookups from here
    for alias in data.get("aliases") or ():
        found.append((subject, terms[SKOS + "altLabel"], nt_literal(alias), g))
    for attribute, predicate, datatype in plan(tuple(data)):
        value = data[attribute]
        if value is not None and (literal := _literal(value, datatype)) is not None:
            found.append((subject, predicate, literal, g))
    if data.get("url") and (url := safe_iri(data["url"])):
        found.append((subject, terms[SCHEMA + "url"], f"<{url}>", g))
        if kind == "Repository" and data.get("kind", "code") == "code":
            found.append((subject, terms[SCHEMA + "codeRepository"], f"<{url}>", g))
    for link in data.get("links") or ():
        if iri := safe_iri(link):
            found.append((subject, terms[KG + "link"], f"<{iri}>", g))
    for same in data.get("same_as") or ():  # arXiv, DOI, Linked Papers With Code
        if iri := safe_iri(same):
            found.append((subject, terms[SKOS + "exactMatch"], f"<{iri}>", g))
    found += [(subject, predicates[key], node_term(target), g) for target, key, _ in out]
    return found


def annotation_iri(paper: str, relation: str, target: str, base: str) -> str:
    digest = hashlib.sha1(f"{paper}\x00{relation}\x00{target}".encode()).hexdigest()[:20]
    return f"{base}annotation/{digest}"


def _agent_iri(name: str, version: str, node_term) -> str:
    return node_term(f"agent/{name}/{version}" if version else f"agent/{name}")


_ANNOTATION_TERMS = {  # attribute of `_Terms.oa` → IRI, for `_annotation`
    "annotation": OA + "Annotation", "entity": PROV + "Entity", "motivated_by": OA + "motivatedBy",
    "identifying": OA + "identifying", "asserts": KG + "assertsRelation", "body": OA + "hasBody",
    "confidence": KG + "confidence", "sentence": KG + "sentence",
    "attributed_to": PROV + "wasAttributedTo", "target": OA + "hasTarget",
    "specific_resource": OA + "SpecificResource", "source": OA + "hasSource", "field": KG + "field",
    "selector": OA + "hasSelector", "position": OA + "TextPositionSelector", "start": OA + "start",
    "end": OA + "end", "quote": OA + "TextQuoteSelector", "exact": OA + "exact"}


def _annotation(paper, target, relation, paper_data, edge, terms: _Terms, g,
                agents: set) -> list[tuple]:
    """The Web Annotation recording where and how the paper→target fact was found."""
    node_term, rdf_type, oa = terms.node, terms.rdf_type, terms.oa
    iri = annotation_iri(paper, relation, target, terms.base)
    node, selection = f"<{iri}>", f"<{iri}/target>"
    out = [(node, rdf_type, oa.annotation, g),
           (node, rdf_type, oa.entity, g),
           (node, oa.motivated_by, oa.identifying, g),
           (node, oa.asserts, terms.predicates[relation], g),
           (node, oa.body, node_term(target), g)]
    get = edge.get
    if (score := decimal_text(get("score"))) is not None:
        out.append((node, oa.confidence, nt_literal(score, XSD_DECIMAL), g))
    if sentence := get("sentence"):
        out.append((node, oa.sentence, nt_literal(sentence), g))
    if extractor := get("extractor"):
        version = str(get("extractor_version") or "")
        agents.add((str(extractor), version))
        out.append((node, oa.attributed_to, _agent_iri(str(extractor), version, node_term), g))
    out.append((node, oa.target, selection, g))
    out.append((selection, rdf_type, oa.specific_resource, g))
    out.append((selection, oa.source, node_term(paper), g))
    field = get("field")
    if field:
        out.append((selection, oa.field, nt_literal(field), g))
    start, end = get("start"), get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        return out
    exact = get("text")
    if not exact and field and isinstance(paper_data.get(field), str):
        exact = paper_data[field][start:end]
    position, quote_selector = f"<{iri}/position>", f"<{iri}/quote>"
    out.append((selection, oa.selector, position, g))
    if exact:
        out.append((selection, oa.selector, quote_selector, g))
    out.append((position, rdf_type, oa.position, g))
    out.append((position, oa.start, nt_literal(str(start), XSD_INTEGER), g))
    out.append((position, oa.end, nt_literal(str(end), XSD_INTEGER), g))
    if exact:
        out.append((quote_selector, rdf_type, oa.quote, g))
        out.append((quote_selector, oa.exact, nt_literal(exact), g))
    return out


def nquads_text(statements: list[tuple], quads: bool) -> bytes:
    """Statements as N-Quads lines (N-Triples lines when not `quads`, or in the default graph)."""
    if not quads:
        return "".join([f"{s} {p} {o} .\n" for s, p, o, _ in statements]).encode("utf-8", "replace")
    return "".join([f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"
                    for s, p, o, g in statements]).encode("utf-8", "replace")


def ntriples_chunks(graph: nx.MultiDiGraph | Walk, base: str = DEFAULT_BASE, quads: bool = False,
                    lines_per_chunk: int = 4096) -> Iterator[bytes]:
    """The graph as N-Triples (or N-Quads) text, in UTF-8 chunks of a few thousand lines.
    The cyclic garbage collector is paused meanwhile: the statements are short-lived strings and
    tuples without cycles, so its passes over them would be wasted work."""
    writer = StatementWriter(graph_walk(graph), base)
    make = writer.statements
    statements: list[tuple] = writer.header()
    with without_gc():
        for node, data, out in writer.walk:
            statements += make(node, data, out)
            if len(statements) >= lines_per_chunk:
                yield nquads_text(statements, quads)
                statements = []
        statements += writer.footer()
        if statements:
            yield nquads_text(statements, quads)


class NQuadsSink:
    """Writes a walk's statements as N-Quads (or N-Triples) to a binary file, one walk item
    at a time, so one walk can feed this and other writers; `turtle`: also write them as
    Turtle there (prefixed vocabulary, one block per subject), and `ntriples`: as N-Triples
    there, from the same statements."""

    def __init__(self, handle: BinaryIO, walk: Walk, base: str = DEFAULT_BASE,
                 quads: bool = True, turtle: BinaryIO | None = None,
                 ntriples: BinaryIO | None = None, preamble: bool = True) -> None:
        """`preamble`: begin with the Turtle prefixes and the dataset's statements (not when
        the statements are added to files that have them, `kg.export.delta`). The Turtle and
        N-Triples files are written from their start: `ranges()` says where each unit's
        statements lie in them (`kg.export.ranges`)."""
        self.handle, self.quads, self.turtle, self.ntriples = handle, quads, turtle, ntriples
        self.writer = StatementWriter(walk, base)
        self.count = 0
        self.short: dict[str, str] = {}  # vocabulary term → prefixed name, for Turtle
        self.seen_terms = 0
        self.subject: str | None = None
        self.turtle_marks, self.ntriples_marks = RangeMarks(), RangeMarks()
        self.turtle_at = self.ntriples_at = 0  # bytes written to each
        if turtle is not None and preamble:
            self.turtle_at = turtle.write(turtle_prefixes(base))
        if preamble:
            self._write(self.writer.header())

    def _write(self, statements: list[tuple], unit: str | None = None, quads: bool = True) -> None:
        """Write `statements`, the text of `unit` (None: the header's); `quads`: to the
        N-Quads handle too."""
        if self.ntriples is None or not self.quads:
            if quads:
                self.handle.write(nquads_text(statements, self.quads))
            if self.ntriples is not None:
                self._write_ntriples(nquads_text(statements, False), unit)
        elif statements:  # each statement's "s p o " once, for both
            bodies = [f"{s} {p} {o} " for s, p, o, _ in statements]
            self._write_ntriples(".\n".join(bodies).encode("utf-8", "replace") + b".\n", unit)
            if quads:
                graphs = [statement[3] for statement in statements]
                self.handle.write("".join([f"{body}{g} .\n" if g else f"{body}.\n" for body, g
                                           in zip(bodies, graphs)]).encode("utf-8", "replace"))
        self.count += len(statements)
        if self.turtle is not None:
            self._write_turtle(statements, unit)

    def _write_ntriples(self, text: bytes, unit: str | None) -> None:
        if unit is not None and text:
            self.ntriples_marks.mark(unit, self.ntriples_at)
        self.ntriples_at += self.ntriples.write(text)

    def _write_turtle(self, statements: list[tuple], unit: str | None) -> None:
        if len(self.writer.terms.cache) != self.seen_terms:
            self.seen_terms = len(self.writer.terms.cache)
            self.short = {term: name for term in self.writer.terms.cache.values()
                          if (name := _prefixed(term[1:-1]))}
        short, subject, parts = self.short, self.subject, []
        opening = None  # the text before the first block this writes begins
        for s, p, o, _ in statements:
            if s == subject:
                parts.append(f" ;\n\t{short.get(p, p)} {short.get(o, o)}")
            else:
                closing = " .\n" if subject is not None else "\n"
                if opening is None:
                    opening = "".join(parts) + closing
                parts.append(f"{closing}{s} {short.get(p, p)} {short.get(o, o)}")
                subject = s
        self.subject = subject
        text = "".join(parts).encode("utf-8", "replace")
        if unit is not None and opening is not None:
            self.turtle_marks.mark(unit, self.turtle_at + (
                len(opening) if opening.isascii() else len(opening.encode("utf-8", "replace"))))
        self.turtle_at += self.turtle.write(text)

    def add(self, node: str, data: dict, out: list, quads: bool = True) -> list[tuple]:
        """Write one walk item's statements (`quads`: to the N-Quads handle too, else to the
        Turtle and N-Triples only); returns them."""
        statements = self.writer.statements(node, data, out)
        self._write(statements, unit_of(node), quads)
        return statements

    def close(self) -> int:
        """Write the closing statements; returns the number of statements."""
        self._write(self.writer.footer(), AGENTS)
        if self.turtle is not None and self.subject is not None:
            self.turtle_at += self.turtle.write(b" .\n")
        return self.count

    def ranges(self) -> dict:
        """Where each unit's statements lie in the Turtle and N-Triples written
        (`kg.export.ranges.Ranges`), once closed."""
        return {"turtle": self.turtle_marks.ranges(self.turtle_at),
                "ntriples": self.ntriples_marks.ranges(self.ntriples_at)}


def turtle_prefixes(base: str) -> bytes:
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace
                   in {**PREFIXES, "res": base}.items()).encode("utf-8")


_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _prefixed(iri: str) -> str | None:
    """`kg:Paper` for a vocabulary IRI whose local name needs no escaping, else None."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


class _ChunkReader(io.RawIOBase):
    """A read-only binary stream over an iterator of byte chunks (for pyoxigraph's parsers)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.pending = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            self.pending = next(self.chunks, None)
            if self.pending is None:
                self.pending = b""
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def nquads_stream(graph: nx.MultiDiGraph | Walk, base: str = DEFAULT_BASE, quads: bool = True) -> BinaryIO:
    """The graph as a readable N-Quads (or N-Triples) byte stream, generated as it is read."""
    return io.BufferedReader(_ChunkReader(ntriples_chunks(graph, base, quads)), 1 << 16)


def graph_triples(graph: nx.MultiDiGraph | Walk, base: str = DEFAULT_BASE) -> Iterator[ox.Triple]:
    """Every statement as a pyoxigraph Triple (named graphs merged), generated lazily."""
    return (quad.triple for quad in ox.parse(nquads_stream(graph, base, quads=False),
                                              format=ox.RdfFormat.N_TRIPLES))


def graph_quads(graph: nx.MultiDiGraph | Walk, base: str = DEFAULT_BASE) -> Iterator[ox.Quad]:
    """Every statement as a pyoxigraph Quad: one named graph per paper, shared nodes in the
    default graph."""
    return ox.parse(nquads_stream(graph, base), format=ox.RdfFormat.N_QUADS)


PROVENANCE_TERMS = (  # short JSON-LD name, IRI, value type
    ("Annotation", OA + "Annotation", "class"), ("hasBody", OA + "hasBody", "@id"),
    ("hasTarget", OA + "hasTarget", "@id"), ("hasSource", OA + "hasSource", "@id"),
    ("hasSelector", OA + "hasSelector", "@id"), ("motivatedBy", OA + "motivatedBy", "@id"),
    ("start", OA + "start", "xsd:integer"),
    ("end", OA + "end", "xsd:integer"), ("exact", OA + "exact", None),
    ("assertsRelation", KG + "assertsRelation", "@id"),
    ("confidence", KG + "confidence", "xsd:decimal"), ("sentence", KG + "sentence", None),
    ("field", KG + "field", None), ("wasAttributedTo", PROV + "wasAttributedTo", "@id"),
    ("softwareVersion", SCHEMA + "softwareVersion", None),
)


def jsonld_context(base: str = DEFAULT_BASE) -> dict:
    """The JSON-LD context (`schemas/context.jsonld` is this for the default base): prefixes,
    the classes by name, and each property by its short name, IRI-valued ones as `@id`."""
    context: dict = {**PREFIXES, "res": base}
    for name in CLASSES:
        context[name] = f"kg:{name}"
    for predicate, datatype in LITERALS.values():
        term = {"@id": _compact(predicate)}
        if datatype == XSD + "integer":
            term["@type"] = "xsd:integer"
        elif datatype == XSD + "decimal":
            term["@type"] = "xsd:decimal"
        elif datatype == XSD + "boolean":
            term["@type"] = "xsd:boolean"
        context[_short(predicate)] = term
    context["label"] = {"@id": "rdfs:label"}
    context["prefLabel"] = {"@id": "skos:prefLabel"}
    context["altLabel"] = {"@id": "skos:altLabel"}
    for predicate in (SCHEMA + "url", SCHEMA + "codeRepository", KG + "link", SKOS + "exactMatch"):
        context[_short(predicate)] = {"@id": _compact(predicate), "@type": "@id"}
    for name, iri, kind in PROVENANCE_TERMS:
        context[name] = ({"@id": _compact(iri), "@type": kind} if kind and kind != "class"
                         else _compact(iri) if kind == "class" else {"@id": _compact(iri)})
    for relation in ("PROPOSES", "USES", "EVALUATES_ON", "MEASURES", "ADDRESSES", "HAS_CODE",
                     "REPORTS", "AUTHORED_BY", "OF_METHOD", "ON_DATASET", "WITH_METRIC"):
        context[_short(relation_predicate(relation))] = {
            "@id": _compact(relation_predicate(relation)), "@type": "@id"}
    return context


def _short(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def serialize_rdf(graph: nx.MultiDiGraph | Walk, output: BinaryIO, fmt: str = "ttl",
                  base: str = DEFAULT_BASE) -> int:
    """Write the graph to a binary stream in `fmt` (nt, ttl, nq, trig, jsonld, xml); returns
    the number of statements. N-Triples and N-Quads are written as generated; Turtle and TriG
    by pyoxigraph's serialisers reading that stream: all four keep memory flat."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}: use {', '.join(FORMATS)}")
    check_base_iri(base)
    if fmt in ("nt", "nq"):  # our own writer: pyoxigraph's parser checks it in the tests
        count = 0
        for chunk in ntriples_chunks(graph, base, quads=fmt == "nq"):
            count += chunk.count(b"\n")
            output.write(chunk)
        return count
    count = 0

    def counted(statements):
        nonlocal count
        for statement in statements:
            count += 1
            yield statement

    statements = graph_quads(graph, base) if fmt in QUAD_FORMATS else graph_triples(graph, base)
    if fmt == "jsonld":
        write_jsonld(counted(statements), output, jsonld_context(base))
        return count
    prefixes = {**PREFIXES, "res": base}
    if fmt == "xml":  # XML parsers read a raw carriage return as a newline: write it as &#13;
        ox.serialize(counted(statements), _CarriageReturns(output), FORMATS[fmt], prefixes=prefixes)
        return count
    ox.serialize(counted(statements), output, FORMATS[fmt], prefixes=prefixes)
    return count


class _CarriageReturns:
    """A binary output that writes each carriage return byte as `&#13;` (a UTF-8 character
    of several bytes never contains one, so chunks can be mended one by one)."""

    def __init__(self, output: BinaryIO) -> None:
        self.output = output

    def write(self, data) -> int:
        self.output.write(bytes(data).replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        self.output.flush()


def write_rdf(graph: nx.MultiDiGraph | Walk, path: str | Path, fmt: str = "ttl",
              base: str = DEFAULT_BASE) -> int:
    """Serialise the graph atomically to `path`; returns the number of statements."""
    check_base_iri(base)
    with atomic_path(path) as temp, open(temp, "wb") as handle:
        return serialize_rdf(graph, handle, fmt, base)
