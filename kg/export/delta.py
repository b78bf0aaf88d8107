"""An update's statement outputs changed by delta (`kg.graph.delta`) instead of written again:
the Oxigraph store is copied as a checkpoint of the previous build's (hard links to its files,
so the copy costs next to nothing and the previous build stays whole until the switch) and
changed in place; `graph.ttl` and the N-Triples are copied without the removed units'
statements, then the changed units' statements are appended. Which statements a unit owns:
an entity, author or repository node's are those whose subject it is; a paper's are its
named graph (the paper, its annotations and results), whose subjects the previous store
lists."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.engine.buildfolder import pause_for_tests
from kg.export.rdf import NQuadsSink, node_iri, paper_graph_iri
from kg.graph.delta import Delta, DeltaWalk, is_paper_unit
from kg.io import atomic_path

SUBJECTS_PER_UPDATE = 500  # subjects deleted by one SPARQL update


def agent_iris(agents: Iterable[tuple[str, str]], base: str) -> set[str]:
    """The IRIs `StatementWriter.footer` gives these software agents."""
    return {f"<{node_iri(f'agent/{name}/{version}' if version else f'agent/{name}', base).value}>"
            for name, version in agents}


def write_statements_by_delta(previous: Path, stage: Path, delta: Delta, whole, base: str,
                              agents_before: Iterable[tuple[str, str]],
                              agents_now: Iterable[tuple[str, str]], store_name: str,
                              ntriples: Path | None = None, lap=None) -> dict:
    """Write `stage`'s store, graph.ttl and (`ntriples`) N-Triples from the previous build's
    in `previous` and `delta`; `whole`: the new build's walk (node types). Returns the seconds
    of each step (`lap()`: the seconds since it was last called)."""
    seconds = {}
    old_store = ox.Store.read_only(str(previous / store_name))
    paper_graphs = [paper_graph_iri(unit, base) for unit in sorted(delta.removed) if is_paper_unit(unit)]
    node_subjects = {f"<{node_iri(unit, base).value}>" for unit in delta.removed
                     if not is_paper_unit(unit)} | agent_iris(agents_before, base)
    paper_subjects = {str(quad.subject) for graph in paper_graphs
                      for quad in old_store.quads_for_pattern(None, None, None, graph)}
    added = _delta_statements(delta, whole, base, agents_now)
    seconds["delta statements"] = lap()

    with atomic_path(stage / store_name, directory=True) as target:
        target.rmdir()  # the checkpoint makes the folder
        old_store.backup(str(target))
        del old_store
        store = ox.Store(str(target))
        for graph in paper_graphs:
            store.remove_graph(graph)
        subjects = sorted(node_subjects)
        for first in range(0, len(subjects), SUBJECTS_PER_UPDATE):
            values = " ".join(subjects[first:first + SUBJECTS_PER_UPDATE])
            store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        store.load(added["nquads"], format=ox.RdfFormat.N_QUADS, lenient=True)
        store.flush()
        del store
    seconds["oxigraph delta"] = lap()
    pause_for_tests("delta")

    removed = {subject.encode("utf-8") for subject in node_subjects | paper_subjects}
    with atomic_path(stage / "graph.ttl") as temp:
        _copy_turtle_without(previous / "graph.ttl", temp, removed, added["turtle"])
    seconds["graph.ttl delta"] = lap()
    if ntriples is not None:
        with atomic_path(ntriples) as temp:
            _copy_ntriples_without(previous / ntriples.name, temp, removed, added["ntriples"])
        seconds["N-Triples delta"] = lap()
    return seconds


def _delta_statements(delta: Delta, whole, base: str, agents: Iterable[tuple[str, str]]) -> dict:
    """The changed units' statements as N-Quads, Turtle blocks and N-Triples, with every
    software agent of the new build (their statements were removed with the old agents)."""
    nquads, turtle, ntriples = io.BytesIO(), io.BytesIO(), io.BytesIO()
    sink = NQuadsSink(nquads, DeltaWalk(delta.items, whole), base, turtle=turtle,
                      ntriples=ntriples, preamble=False)
    for item in delta.items:
        sink.add(*item)
    sink.writer.agents = set(agents)
    sink.close()
    return {"nquads": nquads.getvalue(), "turtle": turtle.getvalue(), "ntriples": ntriples.getvalue()}


def _copy_ntriples_without(source: Path, target: Path, subjects: set[bytes], added: bytes) -> None:
    with open(source, "rb") as old, open(target, "wb", buffering=1 << 20) as new:
        new.writelines(line for line in old if line[:line.find(b" ")] not in subjects)
        new.write(added)


def _copy_turtle_without(source: Path, target: Path, subjects: set[bytes], added: bytes) -> None:
    """graph.ttl is written one block per subject (`NQuadsSink`): a line opening with the
    subject, then lines opening with a tab, the last ending with ` .`."""
    keep = True
    with open(source, "rb") as old, open(target, "wb", buffering=1 << 20) as new:
        for line in old:
            if line[:1] == b"<":
                keep = line[:line.find(b" ")] not in subjects
            elif line[:1] != b"\t":
                keep = True  # prefixes, blank lines
            if keep:
                new.write(line)
        new.write(added)
