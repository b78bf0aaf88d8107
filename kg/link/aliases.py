"""The user's aliases file: merge these names, keep those apart, call that one so.

    merge:                      # each item: names of one thing
      - [LLM, large language model, foundation model]
    keep_apart:                 # each item: names that must stay different things
      - [SSL, semi-supervised learning]
    rename:                     # any name of an entity → its preferred name
      large language model: Large Language Model

Names are matched by their name key (`kg.names.name_key`), so case, plural, hyphen and
spacing variants of a name all match. Names follow the text rule of every input
(`kg.characters.clean_text`): a YAML escape such as "\x07" cannot put a character that XML
forbids into the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.characters import clean_text
from kg.names import name_key

SECTIONS = ("merge", "keep_apart", "rename")


class AliasesError(ValueError):
    """The aliases file cannot be read or does not have the expected shape."""


@dataclass
class UserAliases:
    merge: list[list[str]] = field(default_factory=list)
    keep_apart: list[list[str]] = field(default_factory=list)
    rename: dict[str, str] = field(default_factory=dict)

    def merge_keys(self) -> list[list[str]]:
        return [[k for k in map(name_key, group) if k] for group in self.merge]

    def apart_keys(self) -> list[list[str]]:
        return [[k for k in map(name_key, group) if k] for group in self.keep_apart]

    def rename_keys(self) -> dict[str, str]:
        return {name_key(old): new for old, new in self.rename.items() if name_key(old)}

    def to_dict(self) -> dict:
        return {"merge": self.merge, "keep_apart": self.keep_apart, "rename": self.rename}


def _name_groups(value, section: str, source: str) -> list[list[str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AliasesError(f"{source}: `{section}` must be a list of name lists")
    groups = []
    for number, group in enumerate(value, start=1):
        if not isinstance(group, list) or len(group) < 2 or not all(
                isinstance(name, str | int | float) and _name(name) for name in group):
            raise AliasesError(f"{source}: `{section}` item {number} must list two or more names")
        groups.append([_name(name) for name in group])
    return groups


def parse_aliases(data, source: str = "aliases file") -> UserAliases:
    """Check the shape of a loaded aliases document and return it as UserAliases."""
    if data is None:
        return UserAliases()
    if not isinstance(data, dict):
        raise AliasesError(f"{source}: expected a mapping with {', '.join(SECTIONS)}")
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise AliasesError(f"{source}: unknown section {unknown[0]!r}; use {', '.join(SECTIONS)}")
    rename = data.get("rename") or {}
    if not isinstance(rename, dict) or not all(
            isinstance(v, str | int | float) and _name(v) for v in rename.values()):
        raise AliasesError(f"{source}: `rename` must map names to new names")
    return UserAliases(merge=_name_groups(data.get("merge"), "merge", source),
                       keep_apart=_name_groups(data.get("keep_apart"), "keep_apart", source),
                       rename={_name(k): _name(v) for k, v in rename.items()})


def _name(value) -> str:
    return clean_text(str(value)).strip()


def load_aliases(path: str | Path) -> UserAliases:
    """Read an aliases YAML file; a missing or malformed file is an AliasesError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AliasesError(f"aliases file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AliasesError(f"cannot read aliases file {path}: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise AliasesError(f"{path}: not valid YAML{where}") from None
    return parse_aliases(data, str(path))
