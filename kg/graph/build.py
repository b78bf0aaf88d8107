"""Assemble the knowledge graph (one networkx MultiDiGraph) from extraction records.

The model (node types, relations, attributes) is documented in `schemas/graph-model.md`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import networkx as nx

from kg.graph.model import RESULT_RELATION, paper_relation
from kg.link.aliases import UserAliases
from kg.link.canonical import CanonicalIndex, slug
from kg.link.identifiers import catalogue_iri, paper_iris
from kg.names import name_key

PAPER_FIELDS = ("title", "abstract", "date", "upvotes", "authors_count", "url", "arxiv_id", "doi",
                "categories")
TEXT_FIELDS = ("title", "abstract")


def paper_node_id(paper_id: str) -> str:
    return f"paper/{paper_id}"


def repository_node_id(url: str) -> str:
    return "repository/" + url.split("://", 1)[-1].lower().rstrip("/")


def repository_name(url: str) -> str:
    """`github.com/KaimingHe/deep-residual-networks` → `KaimingHe/deep-residual-networks`."""
    path = url.split("://", 1)[-1].split("/", 1)
    return path[1] if len(path) > 1 else path[0]


def author_node_id(author: str) -> str:
    return f"author/{slug(name_key(author))}-{hashlib.sha1(author.lower().encode()).hexdigest()[:6]}"


def build_graph(extractions: Iterable[dict], index: CanonicalIndex | None = None,
                aliases: UserAliases | None = None) -> nx.MultiDiGraph:
    """Nodes carry `type` and `name`; edges carry `type` (the relation, also the edge key) and,
    for paper→entity facts, their provenance: field, offsets, text, sentence, confidence,
    extractor. Papers are added in id order, so the graph does not depend on input order."""
    extractions = sorted(extractions, key=lambda record: record["id"])
    index = index or CanonicalIndex(extractions, aliases)
    graph = nx.MultiDiGraph(name="kg")
    for entity in sorted(index, key=lambda e: e.id):
        graph.add_node(entity.id, type=entity.label, name=entity.name, aliases=entity.aliases,
                       catalogue_id=entity.catalogue_id, papers=entity.papers,
                       mentions=entity.mentions, confidence=entity.confidence,
                       generic=entity.generic, same_as=entity_same_as(entity))
    for record in extractions:
        add_paper(graph, record, index)
    return graph


def entity_same_as(entity) -> list[str]:
    """The entity's Linked Papers With Code IRI, if its catalogue entry has one."""
    iri = catalogue_iri(entity.catalogue_id)
    return [iri] if iri else []


def mention_provenance(record: dict, mention: dict) -> dict:
    """Where a mention is: `record[field][start:end] == text`, inside `sentence`."""
    text = record.get(mention["field"]) or ""
    sentence_start, sentence_end = mention.get("sentence") or (0, len(text))
    return {"field": mention["field"], "start": mention["start"], "end": mention["end"],
            "text": mention["text"], "sentence": text[sentence_start:sentence_end].strip(),
            "sentence_start": sentence_start, "sentence_end": sentence_end,
            "confidence": mention["score"], "score": mention["score"],
            "source": mention.get("source")}


def _first_mentions(record: dict) -> dict[str, tuple[dict, int]]:
    """entity id → (its first mention, title before abstract, and its number of mentions)."""
    found: dict[str, tuple[dict, int]] = {}
    order = sorted((m for m in record["mentions"] if m.get("entity_id")),
                   key=lambda m: (TEXT_FIELDS.index(m["field"]) if m["field"] in TEXT_FIELDS else 9,
                                  m["start"]))
    for mention in order:
        first, count = found.get(mention["entity_id"], (mention, 0))
        found[mention["entity_id"]] = (first, count + 1)
    return found


def add_paper(graph: nx.MultiDiGraph, record: dict, index: CanonicalIndex) -> None:
    nodes, edges = paper_part(record, index)
    for node, data in nodes:
        graph.add_node(node, **data)
    for source, target, key, data in edges:
        graph.add_edge(source, target, key=key, **data)


def paper_part(record: dict, index: CanonicalIndex) -> tuple[list[tuple[str, dict]], list[tuple]]:
    """One paper's share of the graph: the nodes (node id, attributes) and edges (source,
    target, relation, attributes) that `add_paper` adds, in the order it adds them. A
    repository or author node can come twice (two links, a repeated name): the later wins,
    as in networkx."""
    nodes: list[tuple[str, dict]] = []
    edges: list[tuple] = []
    paper = paper_node_id(record["id"])
    source = record.get("source") or {}
    nodes.append((paper, {"type": "Paper", "name": record["title"],
                          **{k: record.get(k) for k in PAPER_FIELDS},
                          "source_file": source.get("file"), "source_line": source.get("line"),
                          "links": [link["url"] for link in record["links"] if link["kind"] != "code"],
                          "same_as": paper_iris(record.get("arxiv_id"), record.get("doi"))}))
    extractor = record.get("extractor") or {}
    mentions = _first_mentions(record)

    # several paper-level entities can be one canonical entity: one edge, the earliest mention
    facts: dict[str, dict] = {}
    for entity in record["entities"]:
        target = index.resolve(entity)
        first, count = mentions.get(entity["id"], (None, 0))
        fact = facts.setdefault(target, {"proposed": False, "mention": None, "mentions": 0})
        fact["proposed"] |= entity["role"] == "proposed"
        fact["mentions"] += count
        if first and (fact["mention"] is None or _position(first) < _position(fact["mention"])):
            fact["mention"] = first
    for target, fact in sorted(facts.items()):
        role = "proposed" if fact["proposed"] else "used"
        relation = paper_relation(index.entities[target].label, role)
        provenance = mention_provenance(record, fact["mention"]) if fact["mention"] else {}
        edges.append((paper, target, relation, {
            "type": relation, "role": role, "mentions": fact["mentions"],
            "extractor": extractor.get("name"), "extractor_version": extractor.get("version"),
            **provenance}))

    for link in record["links"]:
        if link["kind"] in ("code", "data"):
            repository = repository_node_id(link["url"])
            nodes.append((repository, {"type": "Repository", "name": repository_name(link["url"]),
                                       "url": link["url"], "kind": link["kind"]}))
            edges.append((paper, repository, "HAS_CODE", {
                "type": "HAS_CODE", "field": link.get("field"), "start": link.get("start"),
                "end": link.get("end"), "text": link["url"], "official": link.get("official"),
                "extractor": extractor.get("name"), "extractor_version": extractor.get("version")}))

    entity_by_text = _entities_by_text(record)
    for number, result in enumerate(record["results"], start=1):
        node = f"result/{record['id']}/{number}"
        nodes.append((node, {"type": "Result", "name": result["value"], "value": result["value"],
                             "number": result["number"], "unit": result.get("unit"),
                             "condition": result.get("condition")}))
        edges.append((paper, node, "REPORTS", {"type": "REPORTS", "extractor": extractor.get("name"),
                                               "extractor_version": extractor.get("version")}))
        for slot, (relation, _) in RESULT_RELATION.items():
            entity = entity_by_text.get(name_key(result.get(slot) or ""))
            if entity:
                edges.append((node, index.resolve(entity), relation, {"type": relation}))

    for author in record.get("authors") or []:
        node = author_node_id(author)
        nodes.append((node, {"type": "Author", "name": author}))
        edges.append((paper, node, "AUTHORED_BY", {"type": "AUTHORED_BY"}))
    return nodes, edges


def _position(mention: dict) -> tuple[int, int]:
    field = TEXT_FIELDS.index(mention["field"]) if mention["field"] in TEXT_FIELDS else 9
    return field, mention["start"]


def _entities_by_text(record: dict) -> dict[str, dict]:
    found = {}
    for entity in record["entities"]:
        for name in [entity["name"], *entity["aliases"]]:
            found.setdefault(name_key(name), entity)
    return found
