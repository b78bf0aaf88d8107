"""What `kg cypher` lets a query do: read the graph, and nothing else unless asked.

Both engines can do more than read: Ladybug's `LOAD FROM '/etc/passwd'` reads any file,
`COPY (...) TO 'x.csv'`, `EXPORT DATABASE` and `INSTALL` write files, even in a database
opened read-only; Neo4j's `LOAD CSV` reads files and URLs, and plugin procedures (APOC, GDS)
read and write files or run Cypher given as strings. So every query is checked here before it
runs, on its tokens (comments, strings and `quoted` names skipped, so neither hides nor
fakes a keyword):

- file access is refused everywhere: LOAD, COPY, INSTALL, UNINSTALL, ATTACH, EXPORT, IMPORT;
- writes (CREATE, MERGE, SET, DELETE, ...) are refused on the embedded store, which `kg build`
  writes and which is opened read-only as well, and on Neo4j unless `write=True` (`--write`),
  where the query also runs in a READ transaction, which the server enforces;
- CALL runs only the read-only catalogue functions of Ladybug (`LADYBUG_CALLS`), and on Neo4j
  only the built-in `db.*` procedures and `dbms.components`; qualified functions only from
  Neo4j's built-in namespaces (`NEO4J_NAMESPACES`);
- one statement per query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.query.sparql import QueryError

FILE_CLAUSES = {"LOAD", "COPY", "INSTALL", "UNINSTALL", "ATTACH", "EXPORT", "IMPORT"}
WRITE_CLAUSES = {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER",
                 "FOREACH", "RENAME", "GRANT", "DENY", "REVOKE", "TERMINATE", "START", "STOP",
                 "BEGIN", "COMMIT", "ROLLBACK", "CHECKPOINT"}
# Ladybug's table functions that only describe the database (not READ_CSV, READ_PARQUET,
# FILE_INFO, PROJECT_GRAPH_CYPHER ...)
LADYBUG_CALLS = {"SHOW_TABLES", "TABLE_INFO", "SHOW_CONNECTION", "CURRENT_SETTING", "DB_VERSION",
                 "SHOW_FUNCTIONS", "SHOW_INDEXES", "SHOW_WARNINGS", "SHOW_MACROS",
                 "SHOW_SEQUENCES", "SHOW_GRAPHS", "SHOW_PROJECTED_GRAPHS",
                 "SHOW_ATTACHED_DATABASES", "SHOW_LOADED_EXTENSIONS", "SHOW_OFFICIAL_EXTENSIONS",
                 "STORAGE_INFO", "STATS_INFO", "CATALOG_VERSION", "STORAGE_VERSION"}
NEO4J_PROCEDURES = ("db.", "dbms.components")
NEO4J_NAMESPACES = ("db.", "point.", "date.", "datetime.", "localdatetime.", "localtime.",
                    "time.", "duration.", "vector.", "graph.")

_TOKENS = re.compile("|".join([
    r"(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))",
    r"(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")",
    r"(?P<quoted>`(?:[^`]|``)*`)",
    r"(?P<parameter>\$(?:\w+|`(?:[^`]|``)*`))",
    r"(?P<word>[^\W\d]\w*)",
    r"(?P<other>\S)",
]), re.DOTALL)


class CypherRefused(QueryError):
    """A Cypher query that would do more than `kg cypher` allows."""


@dataclass(frozen=True)
class Token:
    kind: str  # word, quoted, string, parameter or other (a number, an operator, ...)
    text: str


def tokens(query: str) -> list[Token]:
    """The query's tokens without comments; an unterminated string or comment leaves its
    words as words, so the check errs on the side of refusing."""
    return [Token(match.lastgroup, match.group()) for match in _TOKENS.finditer(query)
            if match.lastgroup != "comment"]


def check_cypher(query: str, engine: str, write: bool = False) -> None:
    """Raise `CypherRefused` (one line) unless the query only reads the graph; `engine` is
    "ladybug" (the build's store: never writes) or "neo4j" (writes with `write=True`)."""
    found = tokens(query)
    for i, token in enumerate(found):
        if token.text == ";" and any(t.text != ";" for t in found[i:]):
            raise CypherRefused("kg cypher runs one statement at a time (a ';' separates two)")
        if token.kind not in ("word", "quoted") or i and found[i - 1].text == ".":
            continue  # not a name, or the rest of a dotted one
        keyword = token.text.upper() if token.kind == "word" and not _is_a_name(found, i) else ""
        if keyword in FILE_CLAUSES:
            raise CypherRefused(f"kg cypher does not read or write files: {keyword} refused "
                                f"(see kg cypher --help)")
        if keyword in WRITE_CLAUSES and (engine == "ladybug" or not write):
            raise CypherRefused(
                f"the build's Cypher store is read-only ({keyword} refused; kg build writes it)"
                if engine == "ladybug" else
                f"kg cypher is read-only on Neo4j unless --write ({keyword} refused)")
        routine, after = _routine(found, i)
        if keyword == "CALL" and not routine and after in ("(", "{"):
            continue  # a subquery: its clauses are checked like the rest
        if keyword == "CALL" or "." in routine and after == "(":
            _check_routine(routine or after, engine, called=keyword == "CALL")


def _is_a_name(found: list[Token], i: int) -> bool:
    """A property (after '.'), a label or type (after ':'), a map key (before ':') or an
    alias (after AS)."""
    before = found[i - 1].text if i else ""
    after = found[i + 1].text if i + 1 < len(found) else ""
    return before in (".", ":") or before.upper() == "AS" or after == ":"


def _routine(found: list[Token], i: int) -> tuple[str, str]:
    """The dotted name that starts at token i (after CALL, the one after it), and the text
    of the token that follows it."""
    if found[i].kind == "word" and found[i].text.upper() == "CALL":
        i += 1
    parts = []
    while i < len(found) and found[i].kind in ("word", "quoted"):
        parts.append(found[i].text.strip("`"))
        if i + 2 < len(found) and found[i + 1].text == "." and found[i + 2].kind in ("word", "quoted"):
            i += 2
        else:
            i += 1
            break
    return ".".join(parts), found[i].text if i < len(found) else ""


def _check_routine(name: str, engine: str, called: bool) -> None:
    if engine == "ladybug":
        if called and name.upper() in LADYBUG_CALLS:
            return
        raise CypherRefused(f"kg cypher calls only the store's catalogue functions "
                            f"(SHOW_TABLES, TABLE_INFO, ...): {name or 'CALL'} refused")
    lowered = name.lower()
    allowed = (lowered.startswith(NEO4J_PROCEDURES) if called
               else lowered.startswith(NEO4J_NAMESPACES))
    if not allowed:
        raise CypherRefused(f"kg cypher calls only Neo4j's built-in db.* procedures and "
                            f"functions (plugins may read or write files): {name or 'CALL'} "
                            f"refused")
