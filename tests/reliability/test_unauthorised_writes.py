"""No one gets in: every curation mutation, sent with no token, a wrong one, an expired
one or a token in the wrong place, is refused with 401 and writes nothing — and the same
mutation with the curator's token does write, so the refusal is what kept the graph
intact."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from neo4j import Driver

from tests.conftest import graph_snapshot
from tests.reliability.conftest import CURATOR, CURATOR_TOKEN, EXPIRED_TOKEN

SOURCE = '{source: "note-intrusion"}'
#: One of each curation mutation, in an order where each succeeds with a valid token.
#: A whole dataset, as the review page saves one.
IMPORTED = (
    "format: ctg-graph/dataset@1\n"
    "dataset: {key: import-intrusion, title: Import}\n"
    "default_source: source-intrusion\n"
    "sources: [{key: source-intrusion, title: Article}]\n"
    "partners: [{key: msa-import-intrusion, kind: msa, name: MSA Auvergne}]\n"
)
SESSION = [
    'createSource(input: {key: "note-intrusion", title: "Note"})',
    'updateSource(key: "note-intrusion", patch: {title: "Note de terrain"})',
    f'createPartner(input: {{key: "msa-intrusion", kind: MSA, name: "MSA"}}, provenance: {SOURCE})',
    f'updatePartner(key: "msa-intrusion", patch: {{name: "MSA Auvergne"}}, provenance: {SOURCE})',
    'createContract(input: {key: "ctg-intrusion", kind: "ctg", title: "CTG", '
    f'start: "2023-01-01", end: "2026-12-31"}}, provenance: {SOURCE})',
    f'updateContract(key: "ctg-intrusion", patch: {{title: "CTG de Murat"}}, provenance: {SOURCE})',
    'addSignatory(contract: "ctg-intrusion", signatory: {partner: "msa-intrusion"}, '
    f"provenance: {SOURCE})",
    'addCoverage(contract: "ctg-intrusion", territory: {commune: "15138"}, '
    f"provenance: {SOURCE})",
    f'createAxis(contract: "ctg-intrusion", number: 1, title: "Familles", provenance: {SOURCE})',
    f'updateAxis(key: "ctg-intrusion-axe-1", title: "Parents", provenance: {SOURCE})',
    'createAction(input: {contract: "ctg-intrusion", axis: 1, number: 1, title: "Relais"}, '
    f"provenance: {SOURCE})",
    f'updateAction(key: "ctg-intrusion-fa-1", patch: {{title: "RPE"}}, provenance: {SOURCE})',
    f'tagAction(action: "ctg-intrusion-fa-1", theme: "jeunesse", provenance: {SOURCE})',
    'untagAction(action: "ctg-intrusion-fa-1", theme: "jeunesse")',
    'createFunding(input: {key: "intrusion-2024", payer: "msa-intrusion", amount: 1000, '
    f'year: 2024, contracts: ["ctg-intrusion"]}}, provenance: {SOURCE})',
    f'updateFunding(key: "intrusion-2024", patch: {{amount: 2000}}, provenance: {SOURCE})',
    'deleteFunding(key: "intrusion-2024")',
    'removeCoverage(contract: "ctg-intrusion", territory: {commune: "15138"})',
    'removeSignatory(contract: "ctg-intrusion", partner: "msa-intrusion")',
    'deleteAction(key: "ctg-intrusion-fa-1")',
    'deleteAxis(key: "ctg-intrusion-axe-1")',
    'deleteContract(key: "ctg-intrusion")',
    'deletePartner(key: "msa-intrusion")',
    'deleteSource(key: "note-intrusion")',
    f"importDataset(yaml: {json.dumps(IMPORTED)})",
]
#: Ways of not being the curator. The lower-case scheme is an
#: accepted form of a *valid* token; here it carries a wrong one.
INTRUDERS: dict[str, dict[str, str]] = {
    "no token": {},
    "wrong token": {"authorization": "Bearer reliability-curator-token-0124"},
    "expired token": {"authorization": f"Bearer {EXPIRED_TOKEN}"},
    "token prefix": {"authorization": f"Bearer {CURATOR_TOKEN[:-1]}"},
    "token with a suffix": {"authorization": f"bearer {CURATOR_TOKEN}x"},
    "basic scheme": {"authorization": f"Basic {CURATOR_TOKEN}"},
    "empty bearer": {"authorization": "Bearer"},
    "token in another header": {"x-api-token": CURATOR_TOKEN},
    "token as a cookie": {"cookie": f"token={CURATOR_TOKEN}"},
}


def test_the_session_covers_every_mutation(seeded_api: httpx.Client) -> None:
    body = seeded_api.post(
        "/graphql", json={"query": "{ __schema { mutationType { fields { name } } } }"}
    ).json()
    every = {field["name"] for field in body["data"]["__schema"]["mutationType"]["fields"]}
    assert every == {mutation.split("(")[0] for mutation in SESSION}


def send(api: httpx.Client, mutation: str, headers: dict[str, str], **kw: Any) -> httpx.Response:
    return api.post(
        "/graphql",
        json={"query": f"mutation {{ m: {mutation} {{ __typename }} }}"},
        headers=headers,
        **kw,
    )


@pytest.mark.parametrize("step", range(len(SESSION)), ids=[m.split("(")[0] for m in SESSION])
def test_an_intruder_writes_nothing_where_the_curator_writes(
    seeded_api: httpx.Client, driver: Driver, step: int
) -> None:
    mutation = SESSION[step]
    before = graph_snapshot(driver)
    for who, headers in INTRUDERS.items():
        response = send(seeded_api, mutation, headers)
        assert response.status_code == 401, (who, response.text)
        assert "data" not in response.json(), who
        # a token in the URL is not read either (it would end up in access logs)
        in_url = seeded_api.post(
            "/graphql",
            params={"token": CURATOR_TOKEN, "access_token": CURATOR_TOKEN},
            json={"query": f"mutation {{ m: {mutation} {{ __typename }} }}"},
            headers=headers,
        )
        assert in_url.status_code == 401, (who, in_url.text)
        assert graph_snapshot(driver) == before, f"{who} changed the graph with {mutation}"
    expired = send(seeded_api, mutation, INTRUDERS["expired token"]).json()
    assert "expired on 2021-01-01" in expired["errors"][0]["message"]

    done = send(seeded_api, mutation, CURATOR)
    assert done.status_code == 200, done.text
    result = done.json()["data"]["m"]["__typename"]
    assert result.endswith(("Saved", "Deleted", "Imported")), f"{mutation} -> {result}"
    assert graph_snapshot(driver) != before, f"the curator's {mutation} wrote nothing"


def test_a_mutation_by_get_is_refused_even_with_the_token(
    seeded_api: httpx.Client, driver: Driver
) -> None:
    before = graph_snapshot(driver)
    response = seeded_api.get(
        "/graphql",
        params={"query": f"mutation {{ m: {SESSION[0]} {{ __typename }} }}"},
        headers={**CURATOR, "accept": "application/json"},
    )
    assert response.status_code == 405
    assert graph_snapshot(driver) == before
