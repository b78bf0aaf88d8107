"""The whole graph of a Neo4j database as comparable Python values: every node's labels and
properties, every relationship's type, end ids and properties, each value tagged with its
type (an integer 3 and a float 3.0 differ), so two loads can be compared exactly."""

from __future__ import annotations


def typed(value):
    if isinstance(value, list):
        return ("list", tuple(typed(item) for item in value))
    return (type(value).__name__, value)


def typed_map(properties: dict) -> tuple:
    return tuple(sorted((key, typed(value)) for key, value in properties.items()))


def graph_dump(settings) -> tuple[list, list]:
    """(sorted nodes, sorted relationships) of the settings' database."""
    from kg.export.neo4j_bolt import connect

    with connect(settings) as driver:
        nodes = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p",
                                     database_=settings.database).records
        relationships = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, "
            "properties(r) AS p", database_=settings.database).records
    return (sorted((tuple(sorted(r["labels"])), typed_map(r["p"])) for r in nodes),
            sorted((r["type"], r["start"], r["end"], typed_map(r["p"])) for r in relationships))
