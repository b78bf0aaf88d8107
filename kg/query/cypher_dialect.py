"""Neo4j's Cypher, as users write it, translated for the embedded Ladybug store.

Ladybug (0.22.0) reads most of Neo4j's Cypher but answers some of it differently, and some not
at all. `to_ladybug` rewrites a query's tokens so that it gives Neo4j's answer, and refuses
(`CypherRefused`, one line saying what to write instead) what it cannot make right:

- list indexes and slices are 1-based in Ladybug (`xs[0]` is an error, `xs[1..3]` has three
  elements): subscripts are shifted; `substring` likewise;
- one relationship is matched once per MATCH in Neo4j (relationship isomorphism), any number
  of times in Ladybug: relationships of a MATCH get pairwise `id(r1) <> id(r2)`, and
  variable-length ones the TRAIL semantics (the connection's setting is not applied to them);
- `labels(n)`, `type(r)`, `n:Label` in an expression, `EXISTS { (p)-->() }`, `COUNT { ... }`,
  `shortestPath`, list comprehensions, `split`, `toInteger`, `toFloat`, `head`, `last`,
  `tail`, `reverse`, `datetime` in UTC (a TIMESTAMP_TZ: Ladybug's `timestamp` drops the
  offset), `timestamp()`, argument-less `date()`, `round(x)`, `collect(DISTINCT)`
  (first-seen order), `sum` (0 over no rows) and `id(x)` (an integer) become Ladybug's forms;
- `toString` of a float calls a Python function (`udf`) that writes it as Java does;
- `WITH ... ORDER BY ... LIMIT` followed by an aggregate loses its ORDER BY in Ladybug's plan
  optimizer (the aggregate gets the first rows scanned, not the top ones: an upstream bug), so
  a query that orders in a WITH runs with the optimizer off (`Translation.optimizer`), and a
  WITH's ORDER BY without SKIP/LIMIT (ordering what `collect` gathers) gets `SKIP 0`;
- pattern comprehensions, `reduce`, `keys`, `CALL { ... }` subqueries, `x IN [..., null, ...]`
  (false where Neo4j says null), two variable-length relationships in one MATCH, datetimes
  with an offset other than zero or a named zone (the store keeps only the instant), and
  `toString` of the floats whose digits Java 17 does not write shortest are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.query.cypher_guard import CypherRefused

_TOKENS = re.compile("|".join([
    r"(?P<space>\s+)",
    r"(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))",
    r"(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")",
    r"(?P<quoted>`(?:[^`]|``)*`)",
    r"(?P<parameter>\$(?:\w+|`(?:[^`]|``)*`))",
    r"(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)",
    r"(?P<word>[^\W\d]\w*)",
    r"(?P<other>\S)",
]), re.DOTALL)

CLAUSES = {"MATCH", "OPTIONAL", "WITH", "RETURN", "UNWIND", "WHERE", "ORDER", "SKIP", "LIMIT",
           "UNION", "CALL", "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE"}
# words after which `[` opens a list, not a subscript
_LIST_AFTER = {"IN", "RETURN", "WITH", "UNWIND", "AND", "OR", "XOR", "NOT", "WHEN", "THEN",
               "ELSE", "WHERE", "CONTAINS", "AS", "DISTINCT", "BY", "STARTS", "ENDS", "IS"}
RENAMED = {"type": "label", "split": "string_split", "tofloat": "to_double",
           "localdatetime": "timestamp"}
PATH_KINDS = ("SHORTEST", "ALL", "TRAIL", "ACYCLIC", "WALK")


@dataclass
class Tok:
    kind: str
    text: str
    space: str = " "  # the whitespace before it

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass(frozen=True)
class Translation:
    query: str
    optimizer: bool  # False: run with Ladybug's plan optimizer off
    functions: tuple[str, ...] = ()  # Python functions to register (`udf`) before running it


@dataclass
class _Options:
    """What one translation attempt does where binding decides (see `to_ladybug`)."""
    string_reverse: bool = False
    plain_text_sites: frozenset = frozenset()
    text_sites: int = 0
    functions: list = field(default_factory=list)


def tokenize(query: str) -> list[Tok]:
    found, space = [], ""
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            space += match.group() if kind == "space" else " "
            continue
        found.append(Tok(kind, match.group(), space))
        space = ""
    return found


def render(found: list[Tok]) -> str:
    return "".join(t.space + t.text for t in found).strip()


def _words(text: str) -> list[Tok]:
    return tokenize(" " + text)


def closing(found: list[Tok], i: int) -> int:
    """The index of the bracket that closes the one at `i`."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = []
    for j in range(i, len(found)):
        if found[j].kind != "other":
            continue
        if found[j].text in pairs:
            stack.append(pairs[found[j].text])
        elif stack and found[j].text == stack[-1]:
            stack.pop()
            if not stack:
                return j
    raise CypherRefused("the query's brackets do not close")


def split_top(found: list[Tok], separator: str) -> list[list[Tok]]:
    """The token runs between top-level `separator`s."""
    parts, depth, current = [], 0, []
    for tok in found:
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            depth -= 1
        if depth == 0 and (tok.text == separator if tok.kind == "other" else tok.upper == separator):
            parts.append(current)
            current = []
        else:
            current.append(tok)
    parts.append(current)
    return parts


def _ends_expression(tok: Tok | None) -> bool:
    if tok is None:
        return False
    if tok.kind == "other":
        return tok.text in (")", "]", "}")
    if tok.kind == "word":
        return tok.upper not in _LIST_AFTER and tok.upper not in CLAUSES
    return tok.kind in ("quoted", "parameter", "string")


def _is_rel_bracket(found: list[Tok], i: int) -> bool:
    return i > 0 and found[i - 1].text == "-" and found[i - 1].kind == "other"


def _paren(found: list[Tok]) -> list[Tok]:
    return [Tok("other", "(", " "), *found, Tok("other", ")", "")]


# ---------------------------------------------------------------- passes


def _refuse_unsupported(found: list[Tok]) -> None:
    for i, tok in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        prev = found[i - 1] if i else None
        if tok.upper == "REDUCE" and nxt and nxt.text == "(" and not (prev and prev.text == "."):
            raise CypherRefused("reduce() is not available on the embedded store: write "
                                "list_reduce(list, (acc, x) -> acc + x), whose first element "
                                "starts the accumulator, or query Neo4j")
        if tok.upper == "KEYS" and nxt and nxt.text == "(" and not (prev and prev.text == "."):
            raise CypherRefused("keys() is not available on the embedded store (it lists every "
                                "column of the table, null ones too): CALL table_info('Method') "
                                "RETURN * lists a table's properties")
        if tok.upper == "IN" and nxt and nxt.text == "[" and any(
                len(element) == 1 and element[0].upper == "NULL"
                for element in split_top(found[i + 2:closing(found, i + 1)], ",")):
            raise CypherRefused("x IN [a list holding null] is false on the embedded store where "
                                "Neo4j says null when x is not found: write the list without null "
                                "(and test x IS NULL apart), or query Neo4j")
        if (tok.upper == "DATETIME" and nxt and nxt.text == "(" and i + 3 < len(found)
                and found[i + 2].kind == "string" and found[i + 3].text == ")"):
            why = datetime_refusal(found[i + 2].text[1:-1])
            if why:
                raise CypherRefused(why)
        if tok.upper == "CALL" and nxt and nxt.text in ("{", "(") and not (prev and prev.text == "."):
            raise CypherRefused("CALL { ... } subqueries are not available on the embedded "
                                "store: write the subquery's MATCH in the query with WITH "
                                "(its aggregates group by what WITH keeps), or COUNT { ... } / "
                                "EXISTS { ... }, or query Neo4j")
        if (tok.text == "[" and tok.kind == "other" and not _is_rel_bracket(found, i)
                and not _ends_expression(prev) and nxt and nxt.text == "("):
            end = closing(found, i)
            if any(t.text == "|" for t in found[i:end]) and any(t.text == "-" for t in found[i:end]):
                raise CypherRefused("pattern comprehensions ([(a)-->(b) | b.name]) are not "
                                    "available on the embedded store: write OPTIONAL MATCH ... "
                                    "collect(b.name), or query Neo4j")


def _relationship_patterns(found: list[Tok]) -> list[Tok]:
    """Rewrite every variable-length relationship `[*..]` to Ladybug's TRAIL form (Neo4j never
    repeats a relationship in a path) and `shortestPath(...)` to `[* SHORTEST ..]`."""
    out: list[Tok] = []
    i = 0
    shortest_until, shortest_kind = -1, ""
    while i < len(found):
        tok = found[i]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if tok.kind == "word" and tok.text.lower() in ("shortestpath", "allshortestpaths") \
                and nxt and nxt.text == "(":
            end = closing(found, i + 1)
            shortest_kind = "ALL SHORTEST" if tok.text.lower() == "allshortestpaths" else "SHORTEST"
            inner = found[i + 2:end]
            if inner:
                inner[0] = Tok(inner[0].kind, inner[0].text, tok.space)
            rest = found[end + 1:]
            found = found[:i] + inner + rest
            shortest_until = i + len(inner)
            continue
        if tok.text == "*" and tok.kind == "other" and _inside_rel(found, i):
            out.append(tok)
            if nxt is None or nxt.upper not in PATH_KINDS:
                kind = shortest_kind if i < shortest_until else "TRAIL"
                out.extend(_words(kind))
                if kind.endswith("SHORTEST") and nxt is not None and nxt.text == ".":
                    out.append(Tok("number", "1", " "))
                elif nxt is not None and nxt.text != "]" and not nxt.space:
                    found[i + 1] = Tok(nxt.kind, nxt.text, " ")
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def _inside_rel(found: list[Tok], i: int) -> bool:
    """Whether token i lies in a relationship pattern's brackets `-[...]-`."""
    depth = 0
    for j in range(i - 1, -1, -1):
        text = found[j].text if found[j].kind == "other" else ""
        if text in ("]", ")", "}"):
            depth += 1
        elif text in ("[", "(", "{"):
            if depth == 0:
                return text == "[" and _is_rel_bracket(found, j)
            depth -= 1
    return False


def _subqueries(found: list[Tok]) -> list[Tok]:
    """`EXISTS { (p)-->() }` and `COUNT { ... }` (a bare pattern) get their MATCH."""
    out = []
    for i, tok in enumerate(found):
        out.append(tok)
        if (tok.text == "{" and i >= 1 and found[i - 1].upper in ("EXISTS", "COUNT")
                and i + 1 < len(found) and found[i + 1].text == "("):
            out.extend(_words("MATCH"))
    return out


def _label_predicates(found: list[Tok]) -> list[Tok]:
    """`n:Method` (or `n:A|B`) in an expression: `label(n) = 'Method'`."""
    out: list[Tok] = []
    context = ""
    brackets: list[str] = []
    i = 0
    while i < len(found):
        tok = found[i]
        if tok.upper in CLAUSES and not brackets:
            context = tok.upper
        if tok.kind == "other" and tok.text in "([{":
            brackets.append(tok.text)
        elif tok.kind == "other" and tok.text in ")]}" and brackets:
            brackets.pop()
        expression = context in ("WHERE", "RETURN", "WITH") and "{" not in brackets
        if (expression and tok.kind in ("word", "quoted") and i + 2 < len(found)
                and found[i + 1].text == ":" and found[i + 2].kind in ("word", "quoted")
                and not (i and found[i - 1].text == ".") and not _in_pattern(found, i)):
            labels = [found[i + 2].text.strip("`")]
            j = i + 3
            while j + 1 < len(found) and found[j].text == "|" and found[j + 1].kind in ("word", "quoted"):
                labels.append(found[j + 1].text.strip("`"))
                j += 2
            names = ", ".join("'" + label.replace("'", "\\'") + "'" for label in labels)
            test = (f"(label({tok.text}) = {names})" if len(labels) == 1
                    else f"label({tok.text}) IN [{names}]")
            words = _words(test)
            words[0].space = tok.space
            out.extend(words)
            i = j
            continue
        out.append(tok)
        i += 1
    return out


def _in_pattern(found: list[Tok], i: int) -> bool:
    """Whether the `n:Label` at i is a node pattern `(n:Label)-...` in a WHERE."""
    if not i or found[i - 1].text != "(":
        return False
    end = closing(found, i - 1)
    after = found[end + 1].text if end + 1 < len(found) else ""
    before = found[i - 2].text if i >= 2 else ""
    return after in ("-", "<") or before in ("-", ">")


def _list_comprehensions(found: list[Tok]) -> list[Tok]:
    """`[x IN xs WHERE p | e]` → `list_transform(list_filter(xs, x -> p), x -> e)`."""
    i = 0
    while i < len(found):
        tok = found[i]
        if (tok.kind == "other" and tok.text == "[" and not _is_rel_bracket(found, i)
                and not _ends_expression(found[i - 1] if i else None)
                and i + 2 < len(found) and found[i + 1].kind == "word"
                and found[i + 2].upper == "IN"):
            end = closing(found, i)
            var = found[i + 1].text
            body = _list_comprehensions(found[i + 3:end])
            where = split_top(body, "WHERE")
            source = where[0]
            rest = where[1] if len(where) > 1 else []
            if len(where) == 1:
                piped = split_top(source, "|")
                source, projection = piped[0], piped[1] if len(piped) > 1 else []
                predicate = []
            else:
                piped = split_top(rest, "|")
                predicate, projection = piped[0], piped[1] if len(piped) > 1 else []
            expression = source
            if predicate:
                expression = [*_words("list_filter("), *expression, *_words(f", {var} ->"),
                              *predicate, Tok("other", ")", "")]
            if projection:
                expression = [*_words("list_transform("), *expression, *_words(f", {var} ->"),
                              *projection, Tok("other", ")", "")]
            expression[0].space = tok.space
            found = found[:i] + expression + found[end + 1:]
            i += len(expression)
            continue
        i += 1
    return found


def _functions(found: list[Tok], options: _Options) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(found):
        tok = found[i]
        call = (tok.kind == "word" and i + 1 < len(found) and found[i + 1].text == "("
                and not (i and found[i - 1].text == "."))
        name = tok.text.lower() if call else ""
        if name == "reverse" and options.string_reverse:
            name = "string_reverse"
        if not name or name not in _REWRITES and name not in RENAMED:
            out.append(tok)
            i += 1
            continue
        site = 0
        if name == "tostring":
            options.text_sites += 1
            site = options.text_sites
        end = closing(found, i + 1)
        args = ([_functions(a, options) for a in split_top(found[i + 2:end], ",")]
                if end > i + 2 else [])
        if name == "tostring" and args and site not in options.plain_text_sites:
            words = _float_text(args[0], site, options)
            words[0].space = tok.space
        elif name == "datetime" and args and not _is_string(args[0]):
            options.functions.append(UTC_TEXT)
            words = _words(f"cast({UTC_TEXT}({_text(args[0])}), 'TIMESTAMP_TZ')")
            words[0].space = tok.space
        elif name in RENAMED and not (name == "localdatetime" and not args):
            words = [Tok("word", RENAMED[name], tok.space), Tok("other", "(", "")]
            for k, arg in enumerate(args):
                if k:
                    words.append(Tok("other", ",", ""))
                words.extend(arg)
            words.append(Tok("other", ")", ""))
        else:
            words = _REWRITES[name](args)
            words[0].space = tok.space
        out.extend(words)
        i = end + 1
    return out


def _text(arg: list[Tok]) -> str:
    return render(arg)


def _rewrite(template: str):
    def rewrite(args: list[list[Tok]]) -> list[Tok]:
        texts = [_text(a) for a in args]
        return _words(template.format(*texts))
    return rewrite


def _substring(args):
    texts = [_text(a) for a in args]
    if len(texts) == 2:
        texts.append(f"size({texts[0]})")
    return _words(f"substring({texts[0]}, ({texts[1]}) + 1, {texts[2]})")


def _no_argument(name, otherwise):
    def rewrite(args):
        if args:
            return _words(f"{otherwise}({', '.join(_text(a) for a in args)})")
        return _words(f"{name}()")
    return rewrite


def _round(args):
    """Neo4j rounds halves up (round(-2.5) = -2.0), Ladybug away from zero."""
    texts = [_text(a) for a in args]
    if len(texts) == 1:
        return _words(f"floor(({texts[0]}) + 0.5)")
    return _words(f"round({', '.join(texts)})")


# Python functions the translation may call, registered on the connection before the query
FLOAT_TEXT = "kg_float_text"  # + the call site's number: see `to_ladybug`
UTC_TEXT = "kg_utc_datetime_text"


def _is_string(arg: list[Tok]) -> bool:
    return len(arg) == 1 and arg[0].kind == "string"


def _float_text(arg: list[Tok], site: int, options: _Options) -> list[Tok]:
    """toString(x): a DOUBLE through Python (`neo4j_float_text`), as Java writes it (Ladybug's
    to_string keeps six decimals); anything else as before. The function is typed DOUBLE, so
    a text or boolean argument does not bind: `to_ladybug`'s caller then retries with this
    site's plain form (`plain_text_sites`)."""
    name = f"{FLOAT_TEXT}_{site}"
    options.functions.append(name)
    x = _text(arg)
    return _words(f"CASE typeof({x}) WHEN 'DOUBLE' THEN {name}({x}) ELSE "
                  + _text(_REWRITES["tostring"]([arg])) + " END")


def _internal_id(args):
    """id(x): Neo4j gives an integer; Ladybug an internal `table:offset` pair (one relationship
    type may span several tables). The pair becomes one integer, table × 2^40 + offset, unique
    over nodes and over relationships, as Neo4j's ids are."""
    parts = f"string_split(to_string(id({_text(args[0])})), ':')"
    return _words(f"(to_int64(list_extract({parts}, 1)) * 1099511627776 + "
                  f"to_int64(list_extract({parts}, 2)))")


_REWRITES = {
    "labels": _rewrite("[label({0})]"),
    "id": _internal_id,
    # to_string gives a DOUBLE six decimals ('0.855000') and a BOOL 'True': trimmed and
    # lowered to Neo4j's '0.855' and 'true' (a float with more decimals keeps only six)
    "tostring": _rewrite("CASE typeof({0}) WHEN 'DOUBLE' THEN regexp_replace(regexp_replace("
                         "to_string({0}), '0+$', ''), '[.]$', '.0') WHEN 'BOOL' THEN "
                         "lower(to_string({0})) ELSE to_string({0}) END"),
    "reverse": lambda args: _words(f"list_reverse({_text(args[0])})"),
    # the text form: `+ ''` keeps a list from being cast to its text silently
    "string_reverse": lambda args: _words(f"reverse(({_text(args[0])}) + '')"),
    "tointeger": _rewrite("to_int64(CASE WHEN cast({0}, 'DOUBLE') >= 0 THEN floor(cast({0}, "
                          "'DOUBLE')) ELSE ceil(cast({0}, 'DOUBLE')) END)"),
    "head": _rewrite("list_extract({0}, 1)"),
    "last": _rewrite("list_extract({0}, -1)"),
    "tail": _rewrite("list_slice({0}, 2, size({0}))"),
    "substring": _substring,
    "date": _no_argument("current_date", "date"),
    # Ladybug's timestamp('...+02:00') drops the offset (07:08+02:00 would equal 07:08Z):
    # a TIMESTAMP_TZ keeps the instant, as Neo4j's datetime does (shown in UTC)
    "datetime": lambda args: (_words(f"cast({_text(args[0])}, 'TIMESTAMP_TZ')") if args
                              else _words("current_timestamp()")),
    # Neo4j's timestamp(): milliseconds since 1970 (Ladybug's timestamp(text) is a cast)
    "timestamp": lambda args: _words(f"timestamp({', '.join(_text(a) for a in args)})" if args
                                     else "to_epoch_ms(current_timestamp())"),
    "localdatetime": _no_argument("current_timestamp", "timestamp"),
    "round": _round,
    # Neo4j's sum of no rows (or of nulls only) is 0, Ladybug's null
    "sum": _rewrite("coalesce(sum({0}), 0)"),
}


def _subscripts(found: list[Tok]) -> list[Tok]:
    """Neo4j's 0-based `xs[i]` and half-open `xs[a..b]` as Ladybug's 1-based, inclusive ones."""
    out: list[Tok] = []
    i = 0
    while i < len(found):
        tok = found[i]
        if not (tok.kind == "other" and tok.text == "[" and not _is_rel_bracket(found, i)
                and _ends_expression(out[-1] if out else None)):
            out.append(tok)
            i += 1
            continue
        end = closing(found, i)
        inner = _subscripts(found[i + 1:end])
        dots = [k for k in range(len(inner) - 1) if inner[k].text == inner[k + 1].text == "."
                and inner[k].kind == "other"]
        if dots:
            start, stop = inner[:dots[0]], inner[dots[0] + 2:]
            text = (_start(render(start)) if start else "") + ".." + (_stop(render(stop)) if stop else "")
        elif len(inner) == 1 and inner[0].kind in ("string", "parameter"):
            text = render(inner)
        else:
            text = _start(render(inner))
        out.extend([Tok("other", "[", tok.space), *_words(text), Tok("other", "]", "")])
        out[-len(_words(text)) - 1].space = tok.space
        i = end + 1
    return out


def _int(text: str) -> int | None:
    try:
        return int(text.replace(" ", ""))
    except ValueError:
        return None


def _start(text: str) -> str:
    """A 0-based index (negative: from the end) as a 1-based one."""
    value = _int(text)
    if value is not None:
        return str(value + 1 if value >= 0 else value)
    return f"CASE WHEN ({text}) >= 0 THEN ({text}) + 1 ELSE ({text}) END"


def _stop(text: str) -> str:
    """An exclusive 0-based slice end as an inclusive 1-based one."""
    value = _int(text)
    if value is not None:
        return str(value if value >= 0 else value - 1)
    return f"CASE WHEN ({text}) >= 0 THEN ({text}) ELSE ({text}) - 1 END"


def _with_order(found: list[Tok]) -> tuple[list[Tok], bool]:
    """WITH's ORDER BY: True when there is one (the optimizer must be off); one without SKIP or
    LIMIT gets `SKIP 0` (Ladybug asks for one)."""
    out: list[Tok] = []
    clause, ordered_with, pending = "", False, False
    depth = 0
    for i, tok in enumerate(found):
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            depth -= 1
        keyword = tok.upper if depth == 0 and not (i and found[i - 1].text == ".") else ""
        if keyword in CLAUSES:
            if pending and keyword not in ("SKIP", "LIMIT"):
                out.extend(_words("SKIP 0"))
            pending = False
            if keyword == "ORDER" and clause == "WITH":
                ordered_with = pending = True
            if keyword in ("WITH", "RETURN", "MATCH", "OPTIONAL", "UNWIND", "UNION", "CALL"):
                clause = keyword
        out.append(tok)
    return out, ordered_with


def _unique_relationships(found: list[Tok], counter: list[int] | None = None) -> list[Tok]:
    """Each MATCH matches a relationship once (Neo4j's relationship isomorphism): name the
    relationships of a MATCH with two or more and require them pairwise different."""
    counter = counter if counter is not None else [0]
    out: list[Tok] = []
    i = 0
    while i < len(found):
        tok = found[i]
        if tok.upper != "MATCH" or i and found[i - 1].text == ".":
            out.append(tok)
            i += 1
            continue
        end = _clause_end(found, i + 1)
        clause = found[i + 1:end]
        pattern = split_top(clause, "WHERE")[0]
        where = _unique_relationships(clause[len(pattern) + 1:], counter) \
            if len(pattern) < len(clause) else None
        named, relationships, counter[0] = _named_relationships(pattern, counter[0])
        checks = _distinct(relationships)
        out.append(tok)
        out.extend(named if checks else pattern)
        if checks:
            condition = " AND ".join(checks)
            if where is not None:
                out.extend([*_words("WHERE ("), *where, *_words(f") AND {condition}")])
            else:
                out.extend(_words(f"WHERE {condition}"))
        elif where is not None:
            out.extend([*_words("WHERE"), *where])
        i = end
    return out


def _clause_end(found: list[Tok], i: int) -> int:
    depth = 0
    for j in range(i, len(found)):
        tok = found[j]
        if tok.kind == "other" and tok.text in "([{":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]}":
            depth -= 1
            if depth < 0:
                return j
        elif depth == 0 and tok.upper in CLAUSES - {"WHERE"}:
            return j
    return len(found)


def _named_relationships(pattern: list[Tok], counter: int):
    """The pattern with every relationship named (`-->` becomes `-[_kg_rN]->`), and a list of
    (name, types or None, variable-length)."""
    out: list[Tok] = []
    relationships = []
    i = 0
    depth = 0
    while i < len(pattern):
        tok = pattern[i]
        if tok.kind == "other" and tok.text == "{":
            end = closing(pattern, i)
            out.extend(pattern[i:end + 1])  # a map, or a subquery: left as it is
            i = end + 1
            continue
        if tok.text == "-" and tok.kind == "other" and depth == 0:
            nxt = pattern[i + 1] if i + 1 < len(pattern) else None
            if nxt is not None and nxt.text == "[":
                end = closing(pattern, i + 1)
                inner = pattern[i + 2:end]
                if inner and inner[0].kind in ("word", "quoted"):
                    name = inner[0].text
                    rest = inner[1:]
                else:
                    counter += 1
                    name = f"_kg_r{counter}"
                    rest = inner
                types, variable = _rel_types(rest)
                relationships.append((name, types, variable))
                out.extend([tok, Tok("other", "[", nxt.space), Tok("word", name, "")])
                if inner and inner[0].kind in ("word", "quoted"):
                    out.extend(rest)
                else:
                    out.extend(rest)
                out.append(pattern[end])
                i = end + 1
                continue
            if nxt is not None and nxt.text == "-" and nxt.kind == "other":
                counter += 1
                name = f"_kg_r{counter}"
                relationships.append((name, None, False))
                out.extend([tok, Tok("other", "[", ""), Tok("word", name, ""),
                            Tok("other", "]", ""), Tok("other", "-", "")])
                i += 2
                continue
        if tok.kind == "other" and tok.text in "([":
            depth += 1
        elif tok.kind == "other" and tok.text in ")]":
            depth -= 1
        out.append(tok)
        i += 1
    return out, relationships, counter


def _rel_types(rest: list[Tok]) -> tuple[set[str] | None, bool]:
    variable = any(t.text == "*" for t in rest)
    if not rest or rest[0].text != ":":
        return None, variable
    types = set()
    for tok in rest[1:]:
        if tok.kind in ("word", "quoted"):
            types.add(tok.text.strip("`"))
        elif tok.text not in ("|", ":"):
            break
    return types, variable


def _distinct(relationships) -> list[str]:
    checks = []
    for k, (a, types_a, var_a) in enumerate(relationships):
        for b, types_b, var_b in relationships[k + 1:]:
            if types_a is not None and types_b is not None and not types_a & types_b:
                continue
            if var_a and var_b:
                raise CypherRefused("two variable-length relationships in one MATCH are not "
                                    "kept apart on the embedded store: write them in two "
                                    "MATCH clauses (which may then share a relationship), or "
                                    "query Neo4j")
            if var_a or var_b:
                one, many = (b, a) if var_a else (a, b)
                checks.append(f"none(_kg_x IN rels({many}) WHERE id(_kg_x) = id({one}))")
            else:
                checks.append(f"id({a}) <> id({b})")
    return checks


def _collect_distinct(found: list[Tok]) -> list[Tok]:
    """`collect(DISTINCT x)` keeps the first-seen order in Neo4j, not in Ladybug:
    `list_distinct(collect(x))`."""
    out: list[Tok] = []
    i = 0
    while i < len(found):
        tok = found[i]
        if (tok.kind == "word" and tok.text.lower() == "collect" and i + 2 < len(found)
                and found[i + 1].text == "(" and found[i + 2].upper == "DISTINCT"
                and not (i and found[i - 1].text == ".")):
            end = closing(found, i + 1)
            words = [*_words("list_distinct(collect("), *found[i + 3:end], *_words("))")]
            words[0].space = tok.space
            out.extend(words)
            i = end + 1
            continue
        out.append(tok)
        i += 1
    return out


def _relationship_lists(found: list[Tok]) -> list[Tok]:
    """A variable-length relationship's variable is a list of relationships in Neo4j and a
    RECURSIVE_REL in Ladybug: as an argument, a list to iterate or to index, `rels(r)`."""
    names = set()
    for i, tok in enumerate(found):
        if (tok.text == "[" and tok.kind == "other" and _is_rel_bracket(found, i)
                and i + 1 < len(found) and found[i + 1].kind == "word"):
            end = closing(found, i)
            if any(t.text == "*" for t in found[i:end]):
                names.add(found[i + 1].text)
    if not names:
        return found
    out = []
    for i, tok in enumerate(found):
        prev = found[i - 1] if i else None
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (tok.kind == "word" and tok.text in names and prev is not None
                and prev.text != "." and not _inside_rel(found, i)
                and (prev.text == "(" or prev.upper == "IN" or nxt is not None and nxt.text == "[")):
            out.extend([Tok("word", "rels", tok.space), Tok("other", "(", ""),
                        Tok("word", tok.text, ""), Tok("other", ")", "")])
            continue
        out.append(tok)
    return out


def to_ladybug(query: str, string_reverse: bool = False,
               plain_text_sites: frozenset = frozenset()) -> Translation:
    """The query in Ladybug's dialect, whether it needs the plan optimizer off, and the Python
    functions (`udf`) it calls. Two rewrites depend on a type only Ladybug's binder knows, so
    the caller tries the first form and retries on its binding error:
    `reverse(x)` becomes `list_reverse(x)` (Ladybug's `reverse` turns a list into the text of
    its reversal), or with `string_reverse` `reverse((x) + '')`, which a list does not bind to;
    the n-th `toString(x)` calls `kg_float_text_n(x)` for a DOUBLE, which a text does not bind
    to: with n in `plain_text_sites` it keeps Ladybug's to_string."""
    options = _Options(string_reverse=string_reverse, plain_text_sites=plain_text_sites)
    found = tokenize(query)
    _refuse_unsupported(found)
    found = _relationship_patterns(found)
    found = _subqueries(found)
    found = _relationship_lists(found)
    found = _label_predicates(found)
    found = _list_comprehensions(found)
    found = _collect_distinct(found)
    found = _functions(found, options)
    found = _subscripts(found)
    found = _unique_relationships(found)
    found, ordered_with = _with_order(found)
    return Translation(render(found), optimizer=not ordered_with,
                       functions=tuple(dict.fromkeys(options.functions)))


# ---------------------------------------------------------------- Python functions (udf)

REFUSED_MARK = "kg refused: "  # a function's refusal, told apart from Ladybug's own errors

_OFFSET = re.compile(r"T[^+\-\[]*(?:([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?)?Z?(\[[^\]]*\])?$")


def datetime_refusal(text: str) -> str | None:
    """Why `datetime(text)` cannot be answered as Neo4j answers it, or None. Ladybug keeps an
    instant, not its offset: Neo4j shows 07:08+02:00 as given and says it is not `=` to
    05:08Z; the store would show and compare both as 05:08Z."""
    found = _OFFSET.search(text.strip())
    if found and found.group(5):
        return (f"datetime('{text}'): named time zones are not available on the embedded "
                "store: write the time in UTC (…Z), or query Neo4j")
    if found and found.group(1) and any(int(g or 0) for g in found.group(2, 3, 4)):
        return (f"datetime('{text}'): the embedded store keeps the instant, not its offset "
                "(it would show it in UTC and call it equal to the same instant in UTC): "
                "write the time in UTC (…Z), or query Neo4j")
    return None


def utc_datetime_text(text: str) -> str:
    """`datetime(x)` of a text only known when the query runs: refused as `datetime_refusal`."""
    why = datetime_refusal(text)
    if why:
        raise ValueError(REFUSED_MARK + why)
    return text


def neo4j_float_text(value: float) -> str:
    """A float as Neo4j's toString writes it (Java's Double.toString): 0.1234567, 300.0,
    1.0E-7, 1.0E7 (plain from 10^-3 to 10^7, else a mantissa and E). Digits are Python's
    shortest round-trip ones; Java 17's are not always the shortest: of 25,800 random floats
    from 10^-323 to 10^308 compared with Neo4j 5.26, the 971 that differed all lay from 10^16
    to 10^26 or below 10^-320, so those ranges are refused rather than answered differently."""
    import math
    from decimal import Decimal

    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    if 1e16 <= abs(value) < 1e27 or abs(value) < 1e-300:
        raise ValueError(f"{REFUSED_MARK}toString({value!r}): Neo4j (Java 17) writes some floats "
                         "from 10^16 to 10^27 and below 10^-300 with other last digits than "
                         "the shortest ones the embedded store would give: query Neo4j, or "
                         "return the number itself")
    exact = Decimal(repr(value))
    if 1e-3 <= abs(value) < 1e7:
        text = format(exact, "f")
        return text if "." in text else text + ".0"
    digits = "".join(map(str, exact.as_tuple().digits)).rstrip("0") or "0"
    return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:] or '0'}E{exact.adjusted()}"


def udf(name: str) -> tuple:
    """(Python function, parameter types, return type) of a function a translation calls."""
    if name.startswith(FLOAT_TEXT):
        return neo4j_float_text, ["DOUBLE"], "STRING"
    if name == UTC_TEXT:
        return utc_datetime_text, ["STRING"], "STRING"
    raise KeyError(name)
