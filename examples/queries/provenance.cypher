// Where a fact comes from: the sentence, the exact text and its character offsets, the
// confidence and the extractor version, for each paper→entity fact (here: what SegNet papers
// propose). p[f.field] is the text the offsets point into.
MATCH (p:Paper)-[f:PROPOSES]->(e)
WHERE p.title STARTS WITH 'SegNet'
RETURN p.title AS title, e.name AS entity, f.field AS field, f.start AS start, f.`end` AS `end`,
       f.text AS exact, f.sentence AS sentence, f.score AS confidence,
       f.extractor_version AS extractor
ORDER BY title, entity
