// Results reported on each dataset, best (highest value) first: method, metric, value as
// written and as a number, and the paper. Add e.g.  WHERE d.name = 'GLUE'  for one dataset.
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:ON_DATASET]->(d:Dataset)
OPTIONAL MATCH (r)-[:OF_METHOD]->(m:Method)
OPTIONAL MATCH (r)-[:WITH_METRIC]->(x:Metric)
RETURN d.name AS dataset, m.name AS method, x.name AS metric, r.number AS value, r.value AS raw,
       p.title AS title
ORDER BY dataset, value DESC
