"""Fuzzing the running GraphQL endpoint from its own schema (schemathesis).

A real uvicorn serves the API over the test Neo4j, loaded with the Cantal and
Saône-et-Loire reference and the seed datasets. schemathesis reads the schema by
introspection and, for every root field of ``Query`` and ``Mutation``, generates
operations (hypothesis-graphql): valid ones, whose string arguments are often real keys,
codes and ids of the graph or hostile text (Cypher, quotes, control characters, 10 000
characters…), so that mutations really run and change the graph; and invalid ones
(schemathesis's negative mode: wrong types, missing arguments). They are sent over HTTP
with a curation token, without one and with a wrong one, asking for either JSON media
type.

Every answer must be a GraphQL-over-HTTP JSON object with the status docs/api.md
promises (never a 5xx), no masked "unexpected" error (an input the code did not handle),
no field breaking the schema's non-null promises, and nothing of the server's insides:
tracebacks, file paths, module and class names, Cypher, Neo4j error codes, the Neo4j
address or password. Without a valid token, mutations are refused with 401 and the graph
does not change.

Each test prints how many operations it sent and how long they took. The number of
examples per root field is ``CTG_FUZZ_GRAPHQL_EXAMPLES`` (default 40, about 3 500
operations in all); raise it for a longer run::

    CTG_FUZZ_GRAPHQL_EXAMPLES=400 .venv/bin/python -m pytest \\
        tests/reliability/test_graphql_fuzz.py -q -s
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import graphql
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from neo4j import Driver
from schemathesis import Case as AnyCase
from schemathesis import CheckContext, GenerationMode, Response
from schemathesis.checks import response_schema_conformance
from schemathesis.core.result import Ok
from schemathesis.errors import FailureGroup
from schemathesis.specs.graphql.schemas import GraphQLSchema

from domain.resources import PROJECT_ROOT
from graph.settings import Neo4jConnection
from schema.errors import UNEXPECTED
from tests.conftest import graph_snapshot, load_seed_graph
from tests.e2e.conftest import connection_env, start_api, stop_api

Case = AnyCase[Any]

EXAMPLES = int(os.environ.get("CTG_FUZZ_GRAPHQL_EXAMPLES", "40"))
TOKEN = "fuzz-" + secrets.token_urlsafe(24)
#: Authorizations that are not a token of this server: refused like no token at all.
WRONG_AUTHORIZATIONS = [f"Bearer {secrets.token_urlsafe(24)}", f"Basic {TOKEN}", "Bearer"]
JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
#: ``None``: requests' own ``*/*``.
ACCEPTS = [None, JSON, GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"]

#: Text a hostile client may send: Cypher and its injection classics, quotes, escapes,
#: control and invisible characters, paths, odd numbers and dates written as text.
HOSTILE_TEXT = [
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) RETURN n //',
    "` OR 1=1 //",
    "$key",
    "{key: 'x'}",
    "\\",
    "\\u0000",
    "\x00",
    "\u202e\u200b\ufeff",
    "caf-15\n",
    "  caf-15  ",
    "CAF-15",
    "../../etc/passwd",
    "null",
    "NaN",
    "1e309",
    "-0",
    "2022-02-30",
    "0001-01-01",
    "9999-12-31",
    "🏳️‍🌈" * 3,
    "é" * 201,
    "x" * 10_000,
    "https://example.org/ctg",
    "javascript:alert(1)",
]
#: Fresh keys (valid slugs), so that create mutations succeed and later ones find them.
FRESH_KEYS = ["fuzz-source", "fuzz-partner", "fuzz-contract", "fuzz-contract-axe-1",
              "fuzz-contract-fa-1", "fuzz-funding", "fuzz-2"]  # fmt: skip

_SEED_KEYS = """
MATCH (n) WHERE n:Partner OR n:Contract OR n:Source OR n:Axis OR n:Action OR n:Funding
  OR n:Person OR n:Body OR n:SubTerritory OR n:Theme OR n:ContractKind
RETURN n.key AS key ORDER BY key
"""
_SOME_CODES = """
MATCH (t) WHERE t:Departement OR t:Region OR t:EPCI OR (t:Commune AND t.code IN $communes)
RETURN t.code AS code ORDER BY code
"""
_SOME_IDS = """
{ contracts(first: 5) { edges { node { id axes { edges { node { id } } } } } }
  partners(first: 5) { edges { node { id } } }
  territory(code: "15") { id } }
"""


@dataclass(frozen=True)
class Target:
    base: str
    connection: Neo4jConnection


@pytest.fixture(scope="module")
def target(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """The API over the seed graph, with one curation token; the seed graph is loaded
    again afterwards, undoing whatever the fuzzed mutations did."""
    load_seed_graph(driver, neo4j_connection.database)
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": f"fuzzer={TOKEN}"}
    log = tmp_path_factory.mktemp("graphql-fuzz") / "uvicorn.log"
    process, base = start_api(env, log)
    try:
        yield Target(base, neo4j_connection)
    finally:
        stop_api(process)
        load_seed_graph(driver, neo4j_connection.database)


def graph_words(driver: Driver, base: str) -> list[str]:
    """Keys, codes and node ids of the seed graph, for the generator to use as arguments."""
    keys, _, _ = driver.execute_query(_SEED_KEYS)
    codes, _, _ = driver.execute_query(_SOME_CODES, communes=["15187", "15014", "71306"])
    answer = requests.post(f"{base}/graphql", json={"query": _SOME_IDS}, timeout=30).json()
    ids = re.findall(r'"id": "([^"]+)"', json.dumps(answer))
    return [r["key"] for r in keys] + [r["code"] for r in codes] + ids


@pytest.fixture(scope="module")
def api_schema(target: Target, driver: Driver) -> GraphQLSchema:
    """The served schema, read by introspection; string arguments take a word of the graph
    or a hostile text half of the time."""
    words = graph_words(driver, target.base) + FRESH_KEYS + HOSTILE_TEXT
    config = schemathesis.Config.from_dict(
        {
            "dictionaries": {"graph": {"values": words}},
            "generation": {"dictionaries": {"string": {"dictionary": "graph", "probability": 0.5}}},
        }
    )
    return schemathesis.graphql.from_url(f"{target.base}/graphql", config=config, timeout=30)


# -- what no answer may contain --------------------------------------------------------


def _project_modules() -> list[str]:
    """Dotted names of the project's modules (``graph.partnership_store``…)."""
    names = []
    for package in ("graph", "schema", "loaders", "analyses", "web", "domain", "cli"):
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            names.append(".".join(p for p in parts if p != "__init__"))
    return [name for name in names if "." in name]


@dataclass
class Leaks:
    """Finds the server's insides in an answer. Text the fuzzer sent (and the server may
    rightly echo or have stored) is taken out of an answer before looking."""

    patterns: list[re.Pattern[str]]
    #: GraphQL type names (``MutationError``…) may appear in validation messages.
    type_names: set[str]
    sent: set[str] = field(default_factory=set)
    _class_name = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning)\b")

    @classmethod
    def of(cls, connection: Neo4jConnection, type_names: set[str]) -> Leaks:
        port = connection.uri.rsplit(":", 1)[-1]
        literal = [str(PROJECT_ROOT), connection.uri, connection.password, "site-packages",
                   "NEO4J_", TOKEN, *_project_modules()]  # fmt: skip
        return cls(
            [
                *(re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])") for text in literal),
                re.compile(r"Traceback \(most recent call last\)"),
                re.compile(r'File "[^"]*", line \d+'),
                re.compile(r"\b\w+\.py\b"),
                re.compile(
                    r"\b(?:neo4j|strawberry|graphql|pydantic(?:_core)?|starlette|uvicorn|"
                    r"anyio|networkx|yaml|builtins)\.[a-z_]+"
                ),
                re.compile(r"\bNeo\.(?:ClientError|TransientError|DatabaseError)\b"),
                re.compile(r"\b(?:OPTIONAL MATCH|MATCH|MERGE|CREATE|UNWIND)\s*\("),
                re.compile(r"\b(?:DETACH DELETE|RETURN|WITH|USING INDEX|SET)\s+[a-z_]+\b"),
                re.compile(rf"(?:127\.0\.0\.1|localhost|port)\W{{0,2}}{port}\b"),
                re.compile(r"\b(?:bolt|neo4j)(?:\+s|\+ssc)?://"),
                re.compile(r"\bat 0x[0-9a-f]{6,}"),
                re.compile(r"<(?:Record|neo4j|graph|schema|loaders)\b"),
                re.compile(r"\b(?:ServiceUnavailable|SessionExpired|ConstraintViolation)\b"),
            ],
            type_names,
        )

    def remember(self, document: str) -> None:
        """Note the string literals of a request that look like a leak themselves."""
        try:
            strings = [
                node.value
                for node in _walk(graphql.parse(document))
                if isinstance(node, graphql.StringValueNode)
            ]
        except graphql.GraphQLError:
            strings = [document]
        for text in strings:
            if self._find(text):
                for variant in (text, text.strip()):
                    self.sent.update({variant, repr(variant)[1:-1], json.dumps(variant)[1:-1]})

    def find(self, text: str) -> list[str]:
        for sent in sorted(self.sent, key=len, reverse=True):
            text = text.replace(sent, " ")
        return self._find(text)

    def _find(self, text: str) -> list[str]:
        found = [m.group(0) for p in self.patterns if (m := p.search(text))]
        found += [n for n in self._class_name.findall(text) if n not in self.type_names]
        return found


def _walk(node: graphql.Node) -> Iterator[graphql.Node]:
    yield node
    for key in node.keys:
        value = getattr(node, key, None)
        for child in value if isinstance(value, tuple | list) else [value]:
            if isinstance(child, graphql.Node):
                yield from _walk(child)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# -- the checks, in schemathesis's form ------------------------------------------------

Expect = Callable[[Case, dict[str, Any]], set[int]]


def answer_checks(leaks: Leaks, expected_statuses: Expect) -> list[Any]:
    """The checks every answer goes through (each raises AssertionError on a failure)."""

    def documented_status(ctx: CheckContext, response: Response, case: Case) -> None:
        sent = {k.lower(): v for k, v in response.request.headers.items()}
        allowed = expected_statuses(case, sent)
        assert response.status_code in allowed, f"status {response.status_code}, not {allowed}"
        if response.status_code == 401:
            challenge = response.headers.get("www-authenticate", [""])[0]
            assert challenge.startswith('Bearer realm="ctg-graph"'), challenge

    def graphql_over_http(ctx: CheckContext, response: Response, case: Case) -> None:
        media_type = response.headers.get("content-type", [""])[0].split(";")[0]
        assert media_type in (JSON, GRAPHQL_RESPONSE), f"media type {media_type!r}"
        body = json.loads(response.content)
        assert isinstance(body, dict), "the answer is not a JSON object"
        assert body.keys() <= {"data", "errors", "extensions"}, sorted(body)
        assert "data" in body or "errors" in body, "neither data nor errors"
        assert isinstance(body.get("data") or {}, dict)
        if response.status_code != 200:
            assert "data" not in body, "a refusal with data"
            assert body.get("errors"), "a refusal without errors"
        for error in body.get("errors", [{"message": "(none)"}]):
            assert isinstance(error, dict), error
            assert error.keys() <= {"message", "locations", "path", "extensions"}, error
            assert isinstance(error.get("message"), str), error
            assert error["message"], error
            for location in error.get("locations", []):
                assert location.keys() == {"line", "column"}, error
            assert all(isinstance(p, str | int) for p in error.get("path", [])), error

    def no_unhandled_input(ctx: CheckContext, response: Response, case: Case) -> None:
        body = json.loads(response.content)
        masked = [e for e in body.get("errors") or [] if e.get("message") == UNEXPECTED]
        assert not masked, f"the server failed on this input (see its log): {masked}"

    def no_leaked_internals(ctx: CheckContext, response: Response, case: Case) -> None:
        text = "\n".join(_strings(json.loads(response.content)))
        text += "\n" + "\n".join(f"{k}: {v}" for k, vs in response.headers.items() for v in vs)
        found = leaks.find(text)
        assert not found, f"internals in the answer: {found}"

    return [documented_status, graphql_over_http, no_unhandled_input, no_leaked_internals,
            response_schema_conformance]  # fmt: skip


# -- the fuzzing loop ------------------------------------------------------------------


@dataclass
class Tally:
    """What one fuzzing run sent and got back."""

    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    examples: int = 0
    seconds: float = 0.0
    #: time spent waiting for answers (the rest is generating and checking)
    server_seconds: float = 0.0

    def line(self, name: str) -> str:
        return (
            f"graphql fuzz, {name}: {sum(self.sent.values())} operations "
            f"({self.sent['query']} queries, {self.sent['mutation']} mutations; "
            f"{self.examples} examples per root field) in {self.seconds:.1f}s "
            f"({self.server_seconds:.1f}s waiting for answers); "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


def fuzz(
    schema: GraphQLSchema,
    mode: GenerationMode,
    authorizations: list[str | None],
    expected_statuses: Expect,
    leaks: Leaks,
    examples: int,
) -> Tally:
    """Send ``examples`` generated operations per root field; collect every failure."""
    tally = Tally(examples=examples)
    checks = answer_checks(leaks, expected_statuses)
    started = time.perf_counter()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                pytest.fail(f"schemathesis cannot read the schema: {result.err()}")
            operation = result.ok()
            kind = "mutation" if operation.label.startswith("Mutation.") else "query"

            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(
                case=operation.as_strategy(generation_mode=mode),
                authorization=st.sampled_from(authorizations),
                accept=st.sampled_from(ACCEPTS),
            )
            def send(case: Case, authorization: str | None, accept: str | None) -> None:
                headers = {"Authorization": authorization} if authorization else {}
                if accept:
                    headers["Accept"] = accept
                leaks.remember(str(case.body))
                response = case.call(session=session, headers=headers, timeout=60)
                tally.sent[kind] += 1  # noqa: B023 (the loop waits for each run)
                tally.statuses[response.status_code] += 1
                tally.server_seconds += response.elapsed
                case.validate_response(response, checks=checks)

            try:
                send()
            except (Exception, FailureGroup) as error:  # one failing field must not hide others
                tally.failures.append(f"{operation.label}: {error}")
    tally.seconds = time.perf_counter() - started
    return tally


def report(capsys: pytest.CaptureFixture[str], name: str, tally: Tally) -> None:
    with capsys.disabled():
        print(f"\n{tally.line(name)}")
    assert not tally.failures, "\n\n".join(tally.failures)


@pytest.fixture(scope="module")
def leaks(api_schema: GraphQLSchema, target: Target) -> Leaks:
    return Leaks.of(target.connection, set(api_schema.client_schema.type_map))


def _is_mutation(case: Case) -> bool:
    return str(case.operation.label).startswith("Mutation.")


def _refusal_allowed(sent: dict[str, Any]) -> set[int]:
    """A document that does not validate is answered 400 under graphql-response+json."""
    prefers_graphql_response = sent.get("accept", "").startswith(GRAPHQL_RESPONSE)
    return {200, 400} if prefers_graphql_response else {200}


def test_without_a_valid_token_queries_run_and_mutations_are_refused(
    api_schema: GraphQLSchema, leaks: Leaks, driver: Driver, capsys: pytest.CaptureFixture[str]
) -> None:
    def expected(case: Case, sent: dict[str, Any]) -> set[int]:
        if "authorization" in sent or _is_mutation(case):
            return {401}
        return _refusal_allowed(sent)

    before = graph_snapshot(driver)
    tally = fuzz(api_schema, GenerationMode.POSITIVE, [None, *WRONG_AUTHORIZATIONS], expected,
                 leaks, max(EXAMPLES // 4, 1))  # fmt: skip
    report(capsys, "without a valid token", tally)
    assert graph_snapshot(driver) == before


def test_valid_operations_with_a_token_never_break_the_server(
    api_schema: GraphQLSchema, leaks: Leaks, capsys: pytest.CaptureFixture[str]
) -> None:
    tally = fuzz(api_schema, GenerationMode.POSITIVE, [f"Bearer {TOKEN}"],
                 lambda case, sent: _refusal_allowed(sent), leaks, EXAMPLES)  # fmt: skip
    report(capsys, "valid operations with a token", tally)
    assert tally.sent["mutation"] > 0


def test_invalid_operations_with_a_token_are_refused_cleanly(
    api_schema: GraphQLSchema, leaks: Leaks, capsys: pytest.CaptureFixture[str]
) -> None:
    tally = fuzz(api_schema, GenerationMode.NEGATIVE, [f"Bearer {TOKEN}"],
                 lambda case, sent: _refusal_allowed(sent), leaks,
                 max(EXAMPLES // 4, 1))  # fmt: skip
    report(capsys, "invalid operations with a token", tally)


def test_the_leak_check_sees_internals_and_not_what_the_client_sent() -> None:
    connection = Neo4jConnection("bolt://127.0.0.1:7699", "neo4j", "pw-0123456789", "neo4j", True)
    leaks = Leaks.of(connection, {"MutationError", "Contract"})
    for internal in [
        'Traceback (most recent call last):\n  File "/srv/x.py", line 3, in f',
        "Neo.ClientError.Statement.SyntaxError",
        "Invalid input 'x': expected MATCH (n:Partner {key: $key})",
        "KeyError: 'caf-15'",
        "could not reach 127.0.0.1:7699",
        "password pw-0123456789 refused",
        "error in graph.partnership_store",
        "<neo4j._sync.driver.BoltDriver object at 0x7f30f23bdfd0>",
    ]:
        assert leaks.find(internal), internal
    assert not leaks.find("Fragment cannot be spread: 'Contract' can never be 'MutationError'.")
    leaks.remember('mutation { deleteSource(key: "x MATCH (n) ValueError") { __typename } }')
    assert not leaks.find("No Source 'x MATCH (n) ValueError' in the graph.")
