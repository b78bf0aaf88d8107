// The datasets each method is evaluated on: from results that name both (OF_METHOD,
// ON_DATASET), and from papers that propose the method and evaluate on the dataset
// (a Result has no EVALUATES_ON and a Paper no ON_DATASET, so the two paths cannot mix).
MATCH (m:Method)<-[:OF_METHOD|PROPOSES]-(x)-[:ON_DATASET|EVALUATES_ON]->(d:Dataset)
WITH m, collect(DISTINCT d.name) AS datasets, count(DISTINCT d) AS count
RETURN m.name AS method, datasets, count
ORDER BY count DESC, method
