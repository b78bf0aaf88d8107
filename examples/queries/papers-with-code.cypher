// Papers with a link to their code, and the repository URL.
MATCH (p:Paper)-[:HAS_CODE]->(r:Repository)
WHERE r.kind = 'code'
RETURN p.title AS title, r.url AS code
ORDER BY title, code
