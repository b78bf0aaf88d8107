"""What made a build, besides its inputs: kg's own files and the installed libraries' versions,
the base IRI and the build folder's place (the Neo4j CSVs' import.args name their paths).
Kept in the build's marker, so that an update which adds no paper can tell that writing the
outputs again would give the same files (`kg.api`), and keep them instead.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import cache
from pathlib import Path

import kg


@cache
def code_digest() -> str:
    """A digest of every file of the kg package (code, catalogues, models) and of the name
    and version of every installed distribution: any change to either may change a build's
    outputs (about 0.1 s)."""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(kg.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    for name, version in sorted((dist.metadata["Name"] or "", dist.version or "")
                                for dist in importlib.metadata.distributions()):
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


def made_with(base_iri: str, out: Path) -> dict:
    """The marker's record of what made the build in `out` (`kg.engine.buildfolder.write_marker`)."""
    return {"code": code_digest(), "base": base_iri, "folder": str(Path(out).resolve())}
