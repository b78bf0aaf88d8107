// What each paper proposes (methods, datasets, metrics, tasks), with the kind of each
// (read from the id, `method/...`, so the query runs on Neo4j and on the embedded store).
// To ask about one paper, add e.g.  WHERE p.title STARTS WITH 'SegNet'
MATCH (p:Paper)-[:PROPOSES]->(e)
RETURN p.title AS title,
       CASE WHEN e.id STARTS WITH 'method/' THEN 'Method'
            WHEN e.id STARTS WITH 'dataset/' THEN 'Dataset'
            WHEN e.id STARTS WITH 'metric/' THEN 'Metric'
            ELSE 'Task' END AS kind,
       e.name AS name
ORDER BY title, kind, name
