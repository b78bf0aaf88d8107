"""Parts of a graph worth drawing, picked from its walk (`kg.graph.stream`) in a few passes:
the nodes around a named node, or the most connected entities and their papers. Memory holds
the part and per-entity counts, never the whole graph, so `kg html --focus` works on a build
of any size. Each function gives what its networkx twin in `kg.export.html` gives."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable

import networkx as nx

from kg.graph.stream import Walk


class FocusError(LookupError):
    """No node has the name asked for."""


def _normal(text) -> str:
    return " ".join(str(text).split()).casefold()


def named_nodes(walk: Walk, name: str) -> list[str]:
    """Nodes named `name` (name, title or alias, case-insensitive): entities first, else
    papers; a FocusError with close names when there is none."""
    wanted = _normal(name)
    hits, entities = [], []
    for node, data, _ in walk:
        names = [data.get("name"), data.get("title"), *(data.get("aliases") or [])]
        if any(_normal(found) == wanted for found in names if found):
            hits.append(node)
            if data.get("type") != "Paper":
                entities.append(node)
    if entities or hits:
        return sorted(entities or hits)
    known = sorted({str(data["name"]) for _, data, _ in walk if data.get("name")})
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise FocusError(f"no node named {name!r} in the graph{hint}")


def part_of(walk: Walk, keep: Callable[[str], bool]) -> tuple[nx.MultiDiGraph, int]:
    """The subgraph of the nodes `keep` accepts (their attributes and the edges between them,
    in walk order) and the number of nodes in the whole graph."""
    graph, edges, total = nx.MultiDiGraph(name="kg"), [], 0
    for node, data, out in walk:
        total += 1
        if keep(node):
            graph.add_node(node, **data)
            edges += [(node, target, key, edge) for target, key, edge in out if keep(target)]
    graph.add_edges_from(edges)
    return graph, total


def ego_graph(walk: Walk, name: str, depth: int = 2) -> tuple[nx.MultiDiGraph, str]:
    """Everything within `depth` steps (either direction) of the node(s) named `name`, found
    breadth first, one pass over the walk per step."""
    centres = named_nodes(walk, name)
    kept, frontier = set(centres), set(centres)
    for _ in range(depth):
        reached = set()
        for node, _, out in walk:
            targets = [target for target, _, _ in out]
            if node in frontier:
                reached.update(targets)
            if not frontier.isdisjoint(targets):
                reached.add(node)
        frontier = reached - kept
        kept |= frontier
        if not frontier:
            break
    graph, total = part_of(walk, kept.__contains__)
    names = ", ".join(f"{graph.nodes[c].get('name', c)} ({graph.nodes[c].get('type')})"
                      for c in centres)
    return graph, f"Ego graph of {names}, depth {depth}: {len(kept):,} of {total:,} nodes."


def most_connected(walk: Walk, max_nodes: int) -> tuple[nx.MultiDiGraph, str | None]:
    """The `max_nodes` most connected non-paper nodes plus the papers linked to them, and a
    sentence saying what was left out (None when nothing was): three passes, counting the
    degrees of non-paper nodes, then finding the papers, then taking the part."""
    degree: Counter = Counter()
    types: dict[str, str] = {}
    all_papers = 0
    for node, data, out in walk:
        if data.get("type") == "Paper":
            all_papers += 1
        else:
            types[node] = data.get("type", "?")
            degree[node] += len(out)
        for target, _, _ in out:
            degree[target] += 1
    entities = [node for node in degree if node in types]
    if len(entities) <= max_nodes:
        return part_of(walk, lambda node: True)[0], None
    ranked = sorted(entities, key=lambda n: (-degree[n], str(n)))
    kept = set(ranked[:max_nodes])
    papers = set()
    for node, data, out in walk:
        targets = {target for target, _, _ in out}
        if data.get("type") == "Paper" and not kept.isdisjoint(targets):
            papers.add(node)
        elif node in kept:
            papers.update(t for t in targets if t not in types and walk.type_of(t) == "Paper")
    note = left_out_note(max_nodes, len(entities), degree[ranked[max_nodes - 1]] if max_nodes else 0,
                         Counter(types[n] for n in ranked[max_nodes:]), len(papers), all_papers)
    graph, _ = part_of(walk, lambda node: node in kept or node in papers)
    return graph, note


def left_out_note(kept: int, entities: int, least: int, dropped: Counter, papers: int,
                  all_papers: int) -> str:
    """The sentence above a page of the `kept` most connected of `entities` entities (the
    least kept with `least` connections) and their `papers` papers: what was left out."""
    parts = [f"{count:,} {kind}" for kind, count in sorted(dropped.items())]
    if all_papers - papers:
        parts.append(f"{all_papers - papers:,} papers linked to none of the kept entities")
    return (f"Showing the {kept:,} most connected of {entities:,} entities (each with "
            f"at least {least} connection{'s' if least != 1 else ''}) and their {papers:,} "
            f"papers. Left out: {'; '.join(parts)}.")
