"""Services and security faults (issue 20, items 13-17): Neo4j loads over a large stale
graph, credentials in URIs, URIs that are not Bolt, SPARQL SERVICE clauses, and Cypher
queries that would read or write files or change a store. Against the real Neo4j server of
scripts/neo4j-server, the real pyoxigraph and Ladybug stores and the real `kg` command."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.neo4j.conftest import empty_neo4j, kg_command, neo4j_env, neo4j_settings  # noqa: F401
from tests.neo4j.test_failures import unused_port

SECRET = "s3cret-7f3a"


def error_lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("kg: error:")]


def assert_one_line_failure(done, expected: str) -> None:
    assert done.returncode == 2, done.stderr
    errors = error_lines(done)
    assert len(errors) == 1 and expected in errors[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# ---------------------------------------------------------------- 13: a large stale graph


STALE_PAPERS = 30_000


def add_stale_graph(settings, papers: int) -> None:
    """What a larger build loaded before leaves: `papers` Paper nodes the build does not have,
    each USES three of the build's methods, and as many stale Result nodes."""
    from kg.export.neo4j_bolt import connect

    with connect(settings) as driver, driver.session(database=settings.database) as session:
        session.run(f"""MATCH (m:Method) WITH collect(m) AS methods
            UNWIND range(0, {papers - 1}) AS i
            CALL (i, methods) {{
                CREATE (p:Paper {{id: 'stale-paper-' + i, title: 'Stale paper ' + i,
                                  abstract: 'An abstract of a paper of an earlier build.'}})
                CREATE (r:Result {{id: 'stale-result-' + i, value: '1.0'}})
                WITH p, methods[i % size(methods)] AS a, methods[(i + 1) % size(methods)] AS b,
                     methods[(i + 2) % size(methods)] AS c
                CREATE (p)-[:USES {{sentence: 'We use it.', start: 7, end: 9}}]->(a)
                CREATE (p)-[:USES {{sentence: 'We use it.', start: 7, end: 9}}]->(b)
                CREATE (p)-[:USES {{sentence: 'We use it.', start: 7, end: 9}}]->(c)
            }} IN TRANSACTIONS OF 10000 ROWS""").consume()


class TransactionMemory:
    """Polls the server's SHOW TRANSACTIONS while a load runs: the largest heap estimate of a
    transaction that deletes, and how many such transactions it saw."""

    def __init__(self, settings) -> None:
        from kg.export.neo4j_bolt import connect

        self.settings, self.peak, self.seen = settings, 0, set()
        self.stop = threading.Event()
        self.connection = connect(settings)
        self.driver = self.connection.__enter__()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self) -> None:
        while not self.stop.is_set():
            for record in self.driver.execute_query(
                    "SHOW TRANSACTIONS YIELD transactionId, estimatedUsedHeapMemory, currentQuery "
                    "WHERE currentQuery CONTAINS 'DETACH DELETE' "
                    "AND NOT currentQuery STARTS WITH 'SHOW' RETURN *").records:
                self.peak = max(self.peak, record["estimatedUsedHeapMemory"] or 0)
                self.seen.add(record["transactionId"])
            self.stop.wait(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        self.connection.__exit__(None, None, None)


def test_loading_a_small_build_over_a_large_one_deletes_it_in_batches(example_build, empty_neo4j):
    """The stale graph goes in transactions of a bounded size (the server's own transaction
    ids, and its heap estimates, say so), and the database ends holding the small build."""
    import time

    from kg.export.neo4j_bolt import delete_batch_size, load_graph
    from tests.neo4j.conftest import database_counts, graph_counts

    load_graph(example_build.walk(), empty_neo4j)
    add_stale_graph(empty_neo4j, STALE_PAPERS)
    assert database_counts(empty_neo4j)["nodes"] == example_build.graph.number_of_nodes() \
        + 2 * STALE_PAPERS
    started = time.monotonic()
    with TransactionMemory(empty_neo4j) as memory:
        counts = load_graph(example_build.walk(), empty_neo4j, batch_size=10_000)
    print(f"prune of {2 * STALE_PAPERS} stale nodes: {counts['prune_transactions']} "
          f"transactions, {time.monotonic() - started:.1f} s, peak {memory.peak >> 20} MiB")
    expected = graph_counts(example_build.graph)
    assert {k: counts[k] for k in expected} == expected == database_counts(empty_neo4j)
    assert counts["prune_transactions"] >= 2 * STALE_PAPERS // delete_batch_size(10_000)
    assert memory.peak < 25 << 20  # one transaction for all (old main): 43 MiB


# ---------------------------------------------------------------- 14: credentials in URIs


@pytest.mark.parametrize("command", ["load", "cypher"])
def test_a_password_in_the_uri_is_never_printed(example_build, command):
    uri = f"bolt://neo4j:{SECRET}@127.0.0.1:{unused_port()}"
    args = (["neo4j", "load", str(example_build.out), "--uri", uri] if command == "load"
            else ["cypher", str(example_build.out), "--neo4j", uri, "RETURN 1"])
    done = kg_command(*args, env={"NEO4J_PASSWORD": "other-password"}, timeout=60)
    assert_one_line_failure(done, "cannot reach Neo4j at bolt://127.0.0.1:")
    assert SECRET not in done.stderr + done.stdout


@pytest.mark.parametrize("extra, expected", [
    ([], "wrong user or password"),
    (["--database", "no-such-db"], "has no database 'no-such-db'"),
])
def test_a_password_in_the_uri_is_masked_in_server_refusals(example_build, neo4j_settings,
                                                           extra, expected):
    port = neo4j_settings.uri.rsplit(":", 1)[1]
    password = SECRET if not extra else neo4j_settings.password
    done = kg_command("neo4j", "load", str(example_build.out), "--uri",
                      f"bolt://neo4j:{password}@127.0.0.1:{port}", *extra, timeout=60)
    assert_one_line_failure(done, expected)
    assert password not in done.stderr + done.stdout


def test_the_uri_credentials_are_the_login(example_build, neo4j_settings):
    """bolt://user:password@host logs in as that user (the driver itself refuses user info)."""
    port = neo4j_settings.uri.rsplit(":", 1)[1]
    done = kg_command("cypher", str(example_build.out), "--format", "csv", "--neo4j",
                      f"bolt://{neo4j_settings.user}:{neo4j_settings.password}@127.0.0.1:{port}",
                      "RETURN 41 + 1 AS answer", env={"NEO4J_PASSWORD": "wrong-password"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["answer", "42"]


def test_mask_credentials_masks_every_uri_in_a_message():
    from kg.export.neo4j_bolt import Neo4jSettings, mask_credentials

    text = "Given URI: 'bolt://neo4j:a@b/c@host:7687', then neo4j+s://u:p@h:1 and bolt://h:2"
    assert mask_credentials(text) == ("Given URI: 'bolt://***@host:7687', then "
                                      "neo4j+s://***@h:1 and bolt://h:2")
    settings = Neo4jSettings(uri="bolt://neo4j:se%40cret@h:1")
    assert (settings.uri, settings.user, settings.password) == ("bolt://h:1", "neo4j", "se@cret")
    assert "cret" not in repr(settings)


# ---------------------------------------------------------------- 15: URIs that are not Bolt


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "https://neo4j:" + SECRET + "@h:7473",
                                 "localhost:7687"])
@pytest.mark.parametrize("command", ["load", "cypher"])
def test_a_uri_that_is_not_bolt_is_one_line(example_build, uri, command):
    args = (["neo4j", "load", str(example_build.out), "--uri", uri] if command == "load"
            else ["cypher", str(example_build.out), "--neo4j", uri, "RETURN 1"])
    done = kg_command(*args, timeout=60)
    assert_one_line_failure(done, "kg speaks Bolt to Neo4j: use a bolt:// or neo4j:// URI")
    assert "aiohttp" not in done.stderr and SECRET not in done.stderr


# ---------------------------------------------------------------- 16: SPARQL SERVICE


class SparqlEndpoint:
    """A real HTTP server on a free local port that counts the requests it gets and answers
    each with `status` and `body` (SPARQL results JSON by default)."""

    ANSWER = json.dumps({"head": {"vars": ["remote"]}, "results": {"bindings": [
        {"remote": {"type": "literal", "value": "from the endpoint"}}]}})

    def __init__(self, status: int = 200, body: str = ANSWER) -> None:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.answer()

            def do_GET(self):  # noqa: N802
                self.answer()

            def answer(self):
                endpoint.requests += 1
                payload = endpoint.body.encode()
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/sparql-results+json"
                                 if endpoint.status == 200 else "text/html")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.status, self.body, self.requests = status, body, 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = SparqlEndpoint()
    yield server
    server.close()


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select ?t where {{ ?p dcterms:title ?t . service silent <{url}> {{ ?p ?q ?r }} }}",
    "SELECT * WHERE {{ ?p a schema:ScholarlyArticle "
    "FILTER EXISTS {{ {{ SELECT ?x WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }} }}",
    "ASK {{ MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    # \u escapes are allowed anywhere in SPARQL, and a triple term rdflib cannot parse
    "SELECT * WHERE {{ <<?s ?p ?o>> ?q ?r . \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_sparql_refuses_service_without_allow_service(example_build, endpoint, query, fmt):
    done = kg_command("sparql", str(example_build.out), "--format", fmt,
                      query.format(url=endpoint.url), timeout=60)
    assert_one_line_failure(done, "SERVICE clause")
    assert "--allow-service" in error_lines(done)[0]
    assert endpoint.requests == 0


def test_service_in_comments_strings_and_names_is_no_service_clause(example_build, endpoint):
    query = (f"# SERVICE <{endpoint.url}> {{ ?s ?p ?o }}\n"
             f"SELECT ?service WHERE {{ ?service dcterms:title ?t "
             f"FILTER(?t != 'SERVICE <{endpoint.url}> {{ }}' && ?t != \"\"\"service\"\"\") }} LIMIT 1")
    done = kg_command("sparql", str(example_build.out), "--format", "csv", query)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "service" and len(done.stdout.splitlines()) == 2
    assert endpoint.requests == 0


def test_allow_service_queries_the_endpoint(example_build, endpoint):
    done = kg_command("sparql", str(example_build.out), "--format", "csv", "--allow-service",
                      f"SELECT ?remote WHERE {{ SERVICE <{endpoint.url}> {{ ?x ?y ?remote }} }}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["remote", "from the endpoint"]
    assert endpoint.requests == 1


@pytest.mark.parametrize("failure", ["refused", "html"])
def test_a_failing_service_is_one_line(example_build, failure):
    server = SparqlEndpoint(501, "<html>\n<body>\nnot a SPARQL endpoint\n</body>\n</html>\n")
    if failure == "refused":
        server.close()  # nothing listens on its port any more
    try:
        done = kg_command("sparql", str(example_build.out), "--allow-service",
                          f"SELECT * WHERE {{ ?a ?b ?c . SERVICE <{server.url}> {{ ?s ?p ?o }} }}")
    finally:
        if failure == "html":
            server.close()
    assert_one_line_failure(done, "SPARQL query failed")
    assert server.requests == (1 if failure == "html" else 0)


def test_the_python_api_refuses_service(example_build, endpoint):
    import kg
    from kg.query.sparql import QueryError

    build = kg.load(example_build.out)
    query = f"SELECT ?remote WHERE {{ SERVICE <{endpoint.url}> {{ ?x ?y ?remote }} }}"
    with pytest.raises(QueryError, match="SERVICE clause"):
        build.sparql(query)
    assert endpoint.requests == 0
    assert build.sparql(query, as_frame=False, allow_service=True)[1] == [["from the endpoint"]]


# ---------------------------------------------------------------- 17: read-only Cypher


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("kg-secret-line,1\n")
    return path


@pytest.mark.parametrize("query", [
    "LOAD FROM '{secret}' (header=false) RETURN *",
    "load with headers (a STRING, b INT64) from '{secret}' RETURN *",
    "MATCH (p:Paper) WITH p LIMIT 1 LOAD FROM '{secret}' (header=false) RETURN *",
    "LOAD FROM '/etc/passwd' (header=false, file_format='csv', delim=':') RETURN *",
    "CALL read_csv('{secret}') RETURN *",
])
def test_embedded_cypher_reads_no_file(example_build, secret_file, query):
    done = kg_command("cypher", str(example_build.out), "--embedded",
                      query.format(secret=secret_file))
    assert_one_line_failure(done, "refused")
    for content in ("kg-secret-line", "root", "/bin/"):
        assert content not in done.stdout + done.stderr.replace(str(secret_file), "")


@pytest.mark.parametrize("query", [
    "COPY (MATCH (p:Paper) RETURN p.title) TO '{target}'",
    "/* a comment first */ copy (MATCH (p:Paper) RETURN p.title) TO '{target}'",
    "EXPORT DATABASE '{folder}'",
])
def test_embedded_cypher_writes_no_file(example_build, tmp_path, query):
    target, folder = tmp_path / "x.csv", tmp_path / "exported"
    done = kg_command("cypher", str(example_build.out), "--embedded",
                      query.format(target=target, folder=folder))
    assert_one_line_failure(done, "refused")
    assert not target.exists() and not folder.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("query, expected", [
    ("INSTALL json", "INSTALL refused"),
    ("LOAD EXTENSION json", "LOAD refused"),
    ("ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)", "ATTACH refused"),
    ("CREATE (m:Method {id: 'x'})", "read-only (CREATE refused"),
    ("MATCH (m:Method) SET m.name = 'x'", "read-only (SET refused"),
    ("CALL threads=1", "threads refused"),
    ("MATCH (p:Paper) RETURN p.title LIMIT 1; LOAD FROM '/etc/passwd' RETURN *", "one statement"),
])
def test_embedded_cypher_refuses_more_than_reading(example_build, query, expected):
    done = kg_command("cypher", str(example_build.out), "--embedded", query)
    assert_one_line_failure(done, expected)
    assert not done.stdout.strip()


def test_keywords_in_strings_comments_and_names_are_no_clauses(example_build):
    query = ("MATCH (p:Paper) WHERE p.title <> 'LOAD FROM \\'/etc/passwd\\' ; COPY' "
             "// COPY (MATCH (n) RETURN n) TO 'x.csv'\n"
             "RETURN count(p) AS `load`, count(p.title) AS copy /* CREATE */;")
    done = kg_command("cypher", str(example_build.out), "--embedded", "--format", "csv", query)
    assert done.returncode == 0, done.stderr
    papers = json.loads((example_build.out / "summary.json").read_text())["papers_in_graph"]
    assert done.stdout.splitlines() == ["load,copy", f"{papers},{papers}"]


def test_write_is_for_neo4j_only(example_build):
    done = kg_command("cypher", str(example_build.out), "--embedded", "--write", "RETURN 1")
    assert_one_line_failure(done, "--write is for Neo4j")


def test_the_python_api_cypher_reads_no_file(example_build, secret_file):
    import kg
    from kg.query.sparql import QueryError

    with pytest.raises(QueryError, match="LOAD refused"):
        kg.load(example_build.out).cypher(f"LOAD FROM '{secret_file}' (header=false) RETURN *")


PROBE = "KgGuardProbe"


@pytest.fixture
def neo4j_probe(neo4j_settings):
    """The server, with no PROBE nodes before and after the test."""
    from kg.export.neo4j_bolt import connect, run_statement

    def remove():
        with connect(neo4j_settings) as driver:
            run_statement(driver, neo4j_settings, f"MATCH (n:{PROBE}) DETACH DELETE n")

    remove()
    yield neo4j_settings
    remove()


def probes(settings) -> int:
    from kg.export.neo4j_bolt import connect, run_statement

    with connect(settings) as driver:
        return run_statement(driver, settings, f"MATCH (n:{PROBE}) RETURN count(n) AS c").records[0]["c"]


def test_neo4j_cypher_writes_only_with_write(example_build, neo4j_probe):
    env = neo4j_env(neo4j_probe)
    create = f"CREATE (n:{PROBE} {{id: 'probe'}}) RETURN n.id AS id"
    done = kg_command("cypher", str(example_build.out), create, env=env)
    assert_one_line_failure(done, "read-only on Neo4j unless --write (CREATE refused)")
    assert probes(neo4j_probe) == 0
    done = kg_command("cypher", str(example_build.out), "--write", "--format", "csv", create, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["id", "probe"] and probes(neo4j_probe) == 1


def test_neo4j_cypher_runs_in_a_read_transaction(example_build, neo4j_probe):
    """A write the token check lets through (a built-in procedure that writes) is refused by
    the server, for the query runs in a READ transaction."""
    done = kg_command("cypher", str(example_build.out), f"CALL db.createLabel('{PROBE}')",
                      env=neo4j_env(neo4j_probe))
    assert_one_line_failure(done, "Writing in read access mode not allowed")


@pytest.mark.parametrize("query, expected", [
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD refused"),
    ("CALL apoc.load.json('file:///etc/passwd')", "apoc.load.json refused"),
    ("RETURN apoc.cypher.runFirstColumnSingle('LOAD CSV FROM \"x\" AS r RETURN r', {})",
     "apoc.cypher.runFirstColumnSingle refused"),
])
def test_neo4j_cypher_reads_no_file_even_with_write(example_build, neo4j_settings, query, expected):
    done = kg_command("cypher", str(example_build.out), "--write", query,
                      env=neo4j_env(neo4j_settings))
    assert_one_line_failure(done, expected)
    assert "root" not in done.stdout
