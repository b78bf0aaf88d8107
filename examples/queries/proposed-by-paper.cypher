// What each paper proposes (methods, datasets, metrics, tasks), with the kind of each.
// To ask about one paper, add e.g.  WHERE p.title STARTS WITH 'SegNet'
MATCH (p:Paper)-[:PROPOSES]->(e)
RETURN p.title AS title, labels(e)[0] AS kind, e.name AS name
ORDER BY title, kind, name
