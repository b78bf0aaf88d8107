"""Layering: which kg modules import which, read from the source with `ast` (imports inside
functions count: they are dependencies too). The data flows sources → extract → link → graph →
export/query; helpers that two rooms share live in a lower module, not in either room."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import networkx as nx

from tests.conftest import ROOT

PACKAGE = ROOT / "kg"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=1)
def import_graph() -> nx.DiGraph:
    """Module → the kg modules it imports (`from kg.a import b` imports `kg.a.b` when that is
    a module, else `kg.a`)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:  # `import kg.a.b.c` of a name
                    target = target.rpartition(".")[0]
                if target.startswith("kg") and target != name:
                    graph.add_edge(name, target)
    return graph


def imports(module: str) -> set[str]:
    """Every kg module that `module` imports, directly or through others."""
    return nx.descendants(import_graph(), module)


def test_rdf_and_jsonld_exporters_do_not_import_each_other():
    assert "kg.export.jsonld" in imports("kg.export.rdf")  # rdf hands the jsonld format on
    assert "kg.export.rdf" not in imports("kg.export.jsonld")


def test_extract_does_not_import_link():
    extract = [m for m in import_graph() if m.startswith("kg.extract")]
    reaching = {m: sorted(t for t in import_graph().successors(m) if t.startswith("kg.link"))
                for m in extract}
    assert not any(reaching.values()), {m: t for m, t in reaching.items() if t}


def test_link_takes_naming_helpers_from_the_lower_module():
    link = [m for m in import_graph() if m.startswith("kg.link")]
    for module in link:
        assert "kg.extract.abbreviations" not in import_graph().successors(module), module
    assert "kg.names" in imports("kg.link.canonical") and "kg.names" in imports("kg.extract.paper")
    lower = imports("kg.names")
    assert not any(m.startswith(("kg.extract", "kg.link")) for m in lower), lower


def test_deduplication_lives_where_records_are_read():
    api = ast.parse((PACKAGE / "api.py").read_text(encoding="utf-8"))
    defined = {node.name for node in api.body if isinstance(node, ast.FunctionDef)}
    assert not {"deduplicate", "years_apart"} & defined
    from kg.sources.dedup import deduplicate, years_apart  # noqa: F401

    assert "kg.api" not in imports("kg.sources.dedup")
