"""Cypher- and Lucene-injection strings in every string argument of the API — root
fields, nested fields, filter inputs and mutations — change nothing and return no more
than a string that matches nothing.

The arguments are found by introspecting the running API, so a field added later is
covered without touching this test. For each one, the answer to an injection string must
equal the answer to an inert string (``zzqxw-nothing``) — the same data, an error in the
same place — except ``search``, whose answer must equal that of the same words without
their punctuation (syntax characters have no effect). Finally the graph must be exactly
as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from neo4j import Driver

from tests.conftest import graph_snapshot
from tests.reliability.conftest import CURATOR, record_figures

INERT = "zzqxw-nothing"
PAYLOADS = [
    "' OR 1=1 //",
    '" OR true RETURN n //',
    "x'}) MATCH (n) DETACH DELETE n //",
    "\\' OR 1=1 WITH n MATCH (m) RETURN m //",
    "1 UNION MATCH (n) RETURN n.password AS key",
    "ctg-saint-flour-2017' OR '1'='1",
    "') CALL db.labels() YIELD label RETURN label //",
    "$text",
    "{text}",
    "`key`",
    "'--",
    "/* */",
    "%",
    ".*",
    "*:*",
    "name:*",
    "saint~",
    '"saint flour"',
    "(saint OR flour) AND NOT x",
    "\x00",
    "é' OR 'é'='é",
]
#: Values for required arguments other than the one under test.
DEFAULTS = {"Date": '"2019-06-01"', "Int": "5", "Boolean": "false", "Float": "1.0"}
TypeRef = dict[str, Any]

INTROSPECTION = """
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name } } } } } }
fragment Arg on __InputValue { name defaultValue type { ...Ref } }
{ __schema {
    queryType { name } mutationType { name }
    types { kind name interfaces { name } enumValues { name } inputFields { ...Arg }
            fields { name args { ...Arg } type { ...Ref } } } } }
"""


def named(ref: TypeRef) -> TypeRef:
    while ref.get("ofType"):
        ref = ref["ofType"]
    return ref


def required(ref: TypeRef) -> bool:
    return bool(ref["kind"] == "NON_NULL")


def is_list(ref: TypeRef) -> bool:
    while ref["kind"] == "NON_NULL":
        ref = ref["ofType"]
    return bool(ref["kind"] == "LIST")


@dataclass
class Schema:
    types: dict[str, dict[str, Any]]
    query: str
    mutation: str

    def value(self, ref: TypeRef, text: str | None) -> str | None:
        """A literal for an argument of type ``ref``: ``text`` in every string slot when
        given, else a plain value for a required argument, else None (left out)."""
        base = named(ref)
        kind, name = base["kind"], base["name"]
        literal: str | None
        if kind == "INPUT_OBJECT":
            fields = [
                f"{field['name']}: {v}"
                for field in self.types[name]["inputFields"]
                if (v := self.value(field["type"], text)) is not None
            ]
            literal = "{" + ", ".join(fields) + "}" if fields else None
        elif name in ("String", "ID"):
            literal = json.dumps(text) if text is not None else json.dumps(INERT)
            if text is None and not required(ref):
                literal = None
        elif kind == "ENUM":
            literal = self.types[name]["enumValues"][0]["name"] if required(ref) else None
        else:
            literal = DEFAULTS.get(name) if required(ref) else None
        if literal is not None and is_list(ref):
            literal = f"[{literal}]"
        return literal

    def selection(self, ref: TypeRef) -> str:
        """Every scalar field without required arguments, and the cursors of a
        connection's edges: enough to see any extra item or value."""
        base = self.types[named(ref)["name"]]
        if base["kind"] in ("SCALAR", "ENUM"):
            return ""
        if base["kind"] == "UNION":
            return "{ __typename }"
        parts = ["__typename"]
        for field in base["fields"] or ():
            if any(required(a["type"]) for a in field["args"]):
                continue
            field_type = self.types[named(field["type"])["name"]]
            if field_type["kind"] in ("SCALAR", "ENUM"):
                parts.append(field["name"])
            elif field["name"] == "edges":
                parts.append("edges { cursor }")
        return "{ " + " ".join(parts) + " }"


@dataclass(frozen=True)
class Probe:
    """A document with one ``%s`` slot per string argument under test."""

    where: str
    template: str
    search: bool = False


def string_slots(schema: Schema, args: list[dict[str, Any]]) -> Iterator[str]:
    """Argument lists with ``%(p)s`` in the string slots of one argument at a time."""
    for arg in args:
        base = named(arg["type"])
        wants = base["name"] in ("String", "ID") or base["kind"] == "INPUT_OBJECT"
        if not wants:
            continue
        probe = schema.value(arg["type"], "\x01")
        if probe is None or "\\u0001" not in probe:
            continue
        rendered = [f"{arg['name']}: {probe.replace(json.dumps(chr(1)), '%(p)s')}"]
        for other in args:
            if other is not arg and (v := schema.value(other["type"], None)) is not None:
                rendered.append(f"{other['name']}: {v}")
        yield ", ".join(rendered)


def probes(schema: Schema, ids: dict[str, str]) -> list[Probe]:
    found = []
    for field in schema.types[schema.query]["fields"]:
        for args in string_slots(schema, field["args"]):
            found.append(
                Probe(
                    f"Query.{field['name']}({args.split(':')[0]})",
                    f"{{ f: {field['name']}({args}) {schema.selection(field['type'])} }}",
                    search=field["name"] == "search",
                )
            )
    for type_name, node_id in ids.items():
        for field in schema.types[type_name]["fields"]:
            for args in string_slots(schema, field["args"]):
                found.append(
                    Probe(
                        f"{type_name}.{field['name']}({args.split(':')[0]})",
                        f'{{ node(id: "{node_id}") {{ ... on {type_name} {{ '
                        f"f: {field['name']}({args}) {schema.selection(field['type'])} }} }} }}",
                    )
                )
    return found


def ask(api: httpx.Client, query: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = api.post("/graphql", json={"query": query}, headers=headers or {})
    assert response.status_code == 200, (query, response.text[:300])
    body: dict[str, Any] = response.json()
    return body


def shape(body: dict[str, Any]) -> tuple[Any, list[Any]]:
    """What a client gets: the data, and where errors are (their text may echo input)."""
    return body.get("data"), sorted(map(str, (e.get("path") for e in body.get("errors", []))))


SAMPLES = """{
  contract(key: "ctg-saint-flour-2017") { id axes(first: 1) { edges { node { id } } } }
  partners(first: 1) { edges { node { id } } }
  actions(first: 1) { edges { node { id } } }
  themes(first: 1) { edges { node { id } } }
  people(first: 1) { edges { node { id } } }
  bodies(first: 1) { edges { node { id } } }
  fundings(first: 1) { edges { node { id } } }
  sources(first: 1) { edges { node { id } } }
  contractKinds(first: 1) { edges { node { id } } }
  commune: territory(code: "15187") { id }
  epci: territory(code: "200066660") { id }
  departement: territory(code: "15") { id }
  region: territory(code: "84", kind: REGION) { id }
}"""


@pytest.fixture(scope="module")
def api_schema(seeded_api: httpx.Client) -> Schema:
    body = ask(seeded_api, INTROSPECTION)["data"]["__schema"]
    return Schema(
        {t["name"]: t for t in body["types"]},
        body["queryType"]["name"],
        body["mutationType"]["name"],
    )


@pytest.fixture(scope="module")
def sample_ids(seeded_api: httpx.Client) -> dict[str, str]:
    """A global id of each kind of node, keyed by GraphQL type."""
    data = ask(seeded_api, SAMPLES)["data"]
    contract = data["contract"]
    found = [data["commune"], data["epci"], data["departement"], data["region"], contract]
    found.append(contract["axes"]["edges"][0]["node"])
    for value in data.values():
        if value and "edges" in value:
            found.append(value["edges"][0]["node"])
    ids = {}
    for node in found:
        typename = ask(seeded_api, f'{{ node(id: "{node["id"]}") {{ __typename }} }}')
        ids[typename["data"]["node"]["__typename"]] = node["id"]
    return ids


def test_injection_strings_in_every_string_argument_return_nothing_more(
    seeded_api: httpx.Client,
    driver: Driver,
    api_schema: Schema,
    sample_ids: dict[str, str],
) -> None:
    assert len(sample_ids) >= 14, sample_ids
    before = graph_snapshot(driver)
    checked = probes(api_schema, sample_ids)
    # the introspection found what a reader expects to be probed
    where = {probe.where for probe in checked}
    for expected in ("Query.search(text)", "Query.contracts(filter)", "Query.territory(code)",
                     "Query.node(id)", "Commune.contracts(filter)", "Partner.contracts(filter)",
                     "Query.coverage(scope)", "Contract.actions(themes)"):  # fmt: skip
        assert expected in where, sorted(where)
    sent = 0
    for probe in checked:
        for payload in PAYLOADS:
            answer = ask(seeded_api, probe.template % {"p": json.dumps(payload)})
            if probe.search:
                words = (
                    " ".join("".join(c if c.isalnum() else " " for c in payload).split()) or INERT
                )
                reference = ask(seeded_api, probe.template % {"p": json.dumps(words)})
            else:
                reference = ask(seeded_api, probe.template % {"p": json.dumps(INERT)})
            assert shape(answer) == shape(reference), (probe.where, payload, answer, reference)
            for error in answer.get("errors", []):
                said = error["message"].replace(payload, "").replace(repr(payload), "")
                for leak in ("Traceback", "Neo.", "MATCH (", "neo4j", ".py", "Cypher"):
                    assert leak not in said, (probe.where, payload, error)
            sent += 2
    assert graph_snapshot(driver) == before
    record_figures(
        "injection", {"arguments": len(checked), "payloads": len(PAYLOADS), "requests": sent}
    )


def test_injection_strings_in_mutations_are_stored_as_plain_text_or_refused(
    seeded_api: httpx.Client, driver: Driver, api_schema: Schema
) -> None:
    before = graph_snapshot(driver)
    # every string slot of every mutation at once: keys that are not keys are refused
    mutation_fields = api_schema.types[api_schema.mutation]["fields"]
    for payload in PAYLOADS:
        for field in mutation_fields:
            args = [
                f"{a['name']}: {v}"
                for a in field["args"]
                if (v := api_schema.value(a["type"], payload)) is not None
            ]
            document = f"mutation {{ m: {field['name']}({', '.join(args)}) {{ __typename }} }}"
            body = ask(seeded_api, document, CURATOR)
            if "errors" in body:  # e.g. a payload that is not a Date or an enum
                assert body["data"] is None, (document, body)
            else:
                assert body["data"]["m"]["__typename"] in (
                    "InvalidInput", "NotFound", "OwnedByDataset", "DatasetRefused",
                ), (document, body)  # fmt: skip
    assert graph_snapshot(driver) == before

    # free text is stored exactly as sent, and reads back exactly
    for number, payload in enumerate(PAYLOADS):
        saved = ask(
            seeded_api,
            f'mutation {{ s: createSource(input: {{key: "injection-{number}", '
            f"title: {json.dumps(payload)}, note: {json.dumps(payload)}}}) {{ __typename }} }}",
            CURATOR,
        )["data"]["s"]
        if payload.strip("\x00").strip():
            assert saved == {"__typename": "SourceSaved"}, (payload, saved)
            answer = ask(
                seeded_api, "{ sources(first: 100) { edges { node { key title note } } } }"
            )
            assert "errors" not in answer, (payload, answer)
            read = answer["data"]
            assert {"key": f"injection-{number}", "title": payload, "note": payload} in [
                edge["node"] for edge in read["sources"]["edges"]
            ], (payload, read)
            ask(seeded_api, f'mutation {{ deleteSource(key: "injection-{number}") '
                            "{ __typename } }", CURATOR)  # fmt: skip
        else:
            assert saved["__typename"] == "InvalidInput", (payload, saved)
    assert graph_snapshot(driver) == before
