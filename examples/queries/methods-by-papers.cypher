// Methods used by the most papers: a paper counts when it proposes or uses the method.
MATCH (p:Paper)-[:PROPOSES|USES]->(m:Method)
RETURN m.name AS method, count(DISTINCT p) AS papers
ORDER BY papers DESC, method
LIMIT 20
