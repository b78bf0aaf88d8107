"""Assemble the knowledge graph (one networkx MultiDiGraph) from extraction records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import networkx as nx

from kg.graph.model import RESULT_RELATION, paper_relation
from kg.link.canonical import CanonicalIndex, slug
from kg.link.names import name_key

PAPER_FIELDS = ("title", "abstract", "date", "upvotes", "authors_count", "url", "arxiv_id", "doi")


def paper_node_id(paper_id: str) -> str:
    return f"paper/{paper_id}"


def repository_node_id(url: str) -> str:
    return "repository/" + url.split("://", 1)[-1].lower().rstrip("/")


def build_graph(extractions: Iterable[dict], index: CanonicalIndex | None = None) -> nx.MultiDiGraph:
    """Nodes carry `type` and `name`; edges carry `type` (the relation, also the edge key) and,
    for paper→entity facts, their provenance: field, sentence, offsets, text, score, extractor."""
    extractions = list(extractions)
    index = index or CanonicalIndex(extractions)
    graph = nx.MultiDiGraph(name="kg")
    for entity in index:
        graph.add_node(entity.id, type=entity.label, name=entity.name, aliases=entity.aliases,
                       catalogue_id=entity.catalogue_id, papers=entity.papers,
                       mentions=entity.mentions)
    for record in extractions:
        add_paper(graph, record, index)
    return graph


def add_paper(graph: nx.MultiDiGraph, record: dict, index: CanonicalIndex) -> None:
    paper = paper_node_id(record["id"])
    source = record.get("source") or {}
    graph.add_node(paper, type="Paper", name=record["title"],
                   **{k: record.get(k) for k in PAPER_FIELDS},
                   source_file=source.get("file"), source_line=source.get("line"),
                   links=[link["url"] for link in record["links"] if link["kind"] != "code"])
    extractor = record.get("extractor") or {}
    first_mention = {}
    for mention in record["mentions"]:
        if mention.get("entity_id") and mention["entity_id"] not in first_mention:
            first_mention[mention["entity_id"]] = mention
    text_of = {"title": record["title"], "abstract": record.get("abstract") or ""}
    for entity in record["entities"]:
        target = index.canonical_id(entity["id"])
        relation = paper_relation(entity["label"], entity["role"])
        mention = first_mention.get(entity["id"])
        provenance = {}
        if mention:
            field = text_of[mention["field"]]
            sentence = field[slice(*mention["sentence"])] if mention.get("sentence") else field
            provenance = {"field": mention["field"], "start": mention["start"],
                          "end": mention["end"], "text": mention["text"],
                          "sentence": sentence.strip(), "score": mention["score"]}
        graph.add_edge(paper, target, key=relation, type=relation, role=entity["role"],
                       extractor=extractor.get("name"), extractor_version=extractor.get("version"),
                       **provenance)
    for link in record["links"]:
        if link["kind"] in ("code", "data"):
            repository = repository_node_id(link["url"])
            path = link["url"].split("://", 1)[-1].split("/", 1)
            graph.add_node(repository, type="Repository", name=path[1] if len(path) > 1 else path[0],
                           url=link["url"], kind=link["kind"])
            graph.add_edge(paper, repository, key="HAS_CODE", type="HAS_CODE",
                           field=link.get("field"), start=link.get("start"), end=link.get("end"))
    entity_by_text = _entity_ids_by_text(record)
    for number, result in enumerate(record["results"], start=1):
        node = f"result/{record['id']}/{number}"
        graph.add_node(node, type="Result", name=result["value"], value=result["value"],
                       number=result["number"], unit=result.get("unit"))
        graph.add_edge(paper, node, key="REPORTS", type="REPORTS")
        for slot, (relation, _) in RESULT_RELATION.items():
            entity_id = entity_by_text.get(name_key(result[slot] or ""))
            if entity_id:
                graph.add_edge(node, index.canonical_id(entity_id), key=relation, type=relation)
    for author in record.get("authors") or []:
        node = f"author/{slug(name_key(author))}-{hashlib.sha1(author.lower().encode()).hexdigest()[:6]}"
        graph.add_node(node, type="Author", name=author)
        graph.add_edge(paper, node, key="AUTHORED_BY", type="AUTHORED_BY")


def _entity_ids_by_text(record: dict) -> dict[str, str]:
    ids = {}
    for entity in record["entities"]:
        for name in [entity["name"], *entity["aliases"]]:
            ids.setdefault(name_key(name), entity["id"])
    return ids
