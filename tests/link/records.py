"""Hand-made extraction records (the format `kg extract` writes) for linking tests."""

from __future__ import annotations

from kg.names import name_key


def entity(label: str, name: str, *aliases: str, role: str = "used", catalogue_id=None) -> dict:
    return {"id": f"{label.lower()}:{name_key(name)}", "label": label, "name": name,
            "aliases": sorted(set(aliases)), "role": role, "catalogue_id": catalogue_id}


def record(paper_id: str, abstract: str, *entities: dict, title: str | None = None) -> dict:
    """Mentions are every occurrence of an entity's name or aliases in the title or abstract."""
    title = title or f"Paper {paper_id}"
    mentions = []
    for e in entities:
        for surface in [e["name"], *e["aliases"]]:
            for field, text in (("title", title), ("abstract", abstract)):
                start = text.find(surface)
                while start >= 0:
                    mentions.append({"field": field, "start": start, "end": start + len(surface),
                                     "text": surface, "label": e["label"], "entity": e["name"],
                                     "entity_id": e["id"], "score": 0.8, "source": "ner",
                                     "sentence": [0, len(text)]})
                    start = text.find(surface, start + 1)
    return {"id": paper_id, "title": title, "abstract": abstract, "date": None,
            "mentions": mentions, "entities": list(entities), "links": [], "results": [],
            "authors": [], "source": {"file": "test", "line": 1},
            "extractor": {"name": "test", "version": "0"}}
