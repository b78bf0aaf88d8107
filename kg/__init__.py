"""kg: a knowledge-graph builder for machine-learning research papers.

The package follows the data flow: `kg.sources` → `kg.extract` → `kg.link` → `kg.graph`
→ `kg.export` / `kg.query`. `kg.api` is the Python API; `kg.cli` the command line.
"""

__version__ = "0.1.0"

# the API is imported lazily below, so `import kg.sources` stays light


def __getattr__(name: str):
    if name in ("build", "extract", "load", "Build", "to_rdflib"):
        from kg import api

        return getattr(api, name)
    raise AttributeError(name)
