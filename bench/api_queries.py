"""The three GraphQL queries of ``bench/bench_api.py``, each with its floor.

A :class:`Scenario` pairs a GraphQL query a client would send with one hand-written
Cypher query that fetches the same data in a single round trip (the **floor**: what the
data costs through the driver with no GraphQL, no DataLoader levels, no JSON), and with
:meth:`Scenario.floor_as_api`, which shapes the floor's rows like the API's answer so
that the benchmark can check, before timing anything, that both return the same data.

The floor queries follow the API's semantics (:mod:`graph.partnership_reads`): a commune
is reached by contracts covering it, its EPCI or a sub-territory including it; its
partners govern or serve it or a territory containing it; lists are ordered by folded
name then key (fiches actions by number) and cut at the same page sizes (20 by default,
50 fiches actions, 100 communes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, LiteralString

Row = dict[str, Any]

# -- the GraphQL queries ---------------------------------------------------------------
TERRITORY_CARD = """
query TerritoryCard($code: String!, $on: Date!) {
  territory(code: $code) {
    name
    population
    ... on Commune { departement { name } epci { name } }
    contracts(activeOn: $on) {
      totalCount
      edges { reach node { key title kindCode start end } }
    }
    partners { edges { node { name kind } } }
  }
}"""

CONTRACT_CARD = """
query ContractCard($key: String!) {
  contract(key: $key) {
    title
    start
    end
    signatories { edges { partner { name } role signedOn } }
    actions(first: 50) {
      edges { node { number title themes { edges { node { code } } } } }
    }
  }
}"""

COMMUNE_PAGE = """
query CommunePage($departement: String!, $on: Date!) {
  territories(within: $departement, kinds: [COMMUNE], first: 100) {
    edges {
      node {
        code
        name
        population
        contracts(activeOn: $on) { totalCount edges { reach node { key kindCode } } }
      }
    }
  }
}"""

# -- the floors: one Cypher query each ---------------------------------------------------
#: From commune ``t`` and its EPCI ``e``: the contracts applying on ``$on`` that reach it,
#: how (``reach``), their total and the first 20 by name. ``{fields}`` is spliced below.
_CONTRACTS_OF_COMMUNE_HEAD: LiteralString = """
CALL (t, e) {
  CALL (t, e) {
    MATCH (n:Contract)-[:COVERS]->(t) RETURN n, 'DIRECT' AS reach
    UNION MATCH (n:Contract)-[:COVERS]->(e) RETURN n, 'THROUGH_EPCI' AS reach
    UNION MATCH (n:Contract)-[:COVERS]->(:SubTerritory)-[:INCLUDES]->(t)
          RETURN n, 'THROUGH_SUB_TERRITORY' AS reach
  }
  WITH n, reach WHERE n.start <= $on AND $on <= n.end
  WITH n, collect(reach) AS reach
  ORDER BY coalesce(n.nameKey, n.sortName, ''), n.key
  RETURN count(n) AS total, collect(n {"""
_CONTRACTS_OF_COMMUNE_TAIL: LiteralString = """, reach: reach})[..20] AS contracts
}"""

TERRITORY_CARD_FLOOR: LiteralString = (
    """
MATCH (t:Commune {code: $code})
OPTIONAL MATCH (t)-[:IN]->(d:Departement)
OPTIONAL MATCH (t)-[:MEMBER_OF]->(e:EPCI)"""
    + _CONTRACTS_OF_COMMUNE_HEAD
    + ".key, .title, .kind, .start, .end"
    + _CONTRACTS_OF_COMMUNE_TAIL
    + """
CALL (t) {
  CALL (t) {
    MATCH (t)-[:MEMBER_OF|IN|PART_OF*0..3]->(x:Territory) RETURN x
    UNION MATCH (x:SubTerritory)-[:INCLUDES]->(t) RETURN x
  }
  MATCH (p:Partner)-[:GOVERNS|SERVES]->(x)
  WITH DISTINCT p ORDER BY coalesce(p.nameKey, p.sortName, ''), p.key LIMIT 20
  RETURN collect(p {.name, .kind}) AS partners
}
RETURN t.name AS name, t.population AS population, d.name AS departement,
       e.name AS epci, total, contracts, partners"""
)

CONTRACT_CARD_FLOOR: LiteralString = """
MATCH (n:Contract {key: $key})
CALL (n) {
  MATCH (p:Partner)-[r:SIGNED]->(n)
  WITH p, r ORDER BY coalesce(p.nameKey, p.sortName, ''), p.key LIMIT 20
  RETURN collect({name: p.name, role: r.role, signedOn: r.signedOn}) AS signatories
}
CALL (n) {
  MATCH (n)-[:HAS_ACTION]->(a:Action)
  WITH a ORDER BY coalesce(a.number, 0), a.key LIMIT 50
  CALL (a) {
    MATCH (a)-[:ADDRESSES]->(th:Theme)
    WITH th ORDER BY coalesce(th.nameKey, th.sortName, ''), th.key LIMIT 20
    RETURN collect(th.key) AS themes
  }
  RETURN collect({number: a.number, title: a.title, themes: themes}) AS actions
}
RETURN n.title AS title, n.start AS start, n.end AS end, signatories, actions"""

COMMUNE_PAGE_FLOOR: LiteralString = (
    """
MATCH (t:Commune)-[:IN]->(:Departement {code: $departement})
WITH t ORDER BY coalesce(t.nameKey, t.sortName, ''), t.code LIMIT 100
OPTIONAL MATCH (t)-[:MEMBER_OF]->(e:EPCI)"""
    + _CONTRACTS_OF_COMMUNE_HEAD
    + ".key, .kind"
    + _CONTRACTS_OF_COMMUNE_TAIL
    + """
RETURN t.code AS code, t.name AS name, t.population AS population, total, contracts
ORDER BY coalesce(t.nameKey, t.sortName, ''), t.code"""
)


# -- the floor's rows shaped like the API's answer -----------------------------------------
def _iso(value: Any) -> str | None:
    """A Neo4j ``Date`` as the API writes it."""
    return None if value is None else str(value.iso_format())


def _partner_kind(kind: str | None) -> str | None:
    return kind.upper().replace("-", "_") if kind else None


def _named(name: str | None) -> dict[str, Any] | None:
    return None if name is None else {"name": name}


def _territory_card(rows: list[Row]) -> Any:
    if not rows:
        return None
    row = rows[0]
    return {
        "name": row["name"],
        "population": row["population"],
        "departement": _named(row["departement"]),
        "epci": _named(row["epci"]),
        "contracts": {
            "totalCount": row["total"],
            "edges": [
                {
                    "reach": sorted(set(c["reach"])),
                    "node": {
                        "key": c["key"],
                        "title": c["title"],
                        "kindCode": c["kind"],
                        "start": _iso(c["start"]),
                        "end": _iso(c["end"]),
                    },
                }
                for c in row["contracts"]
            ],
        },
        "partners": {
            "edges": [
                {"node": {"name": p["name"], "kind": _partner_kind(p["kind"])}}
                for p in row["partners"]
            ]
        },
    }


def _contract_card(rows: list[Row]) -> Any:
    if not rows:
        return None
    row = rows[0]
    return {
        "title": row["title"],
        "start": _iso(row["start"]),
        "end": _iso(row["end"]),
        "signatories": {
            "edges": [
                {"partner": {"name": s["name"]}, "role": s["role"], "signedOn": _iso(s["signedOn"])}
                for s in row["signatories"]
            ]
        },
        "actions": {
            "edges": [
                {
                    "node": {
                        "number": a["number"],
                        "title": a["title"],
                        "themes": {"edges": [{"node": {"code": t}} for t in a["themes"]]},
                    }
                }
                for a in row["actions"]
            ]
        },
    }


def _commune_page(rows: list[Row]) -> Any:
    return {
        "edges": [
            {
                "node": {
                    "code": row["code"],
                    "name": row["name"],
                    "population": row["population"],
                    "contracts": {
                        "totalCount": row["total"],
                        "edges": [
                            {
                                "reach": sorted(set(c["reach"])),
                                "node": {"key": c["key"], "kindCode": c["kind"]},
                            }
                            for c in row["contracts"]
                        ],
                    },
                }
            }
            for row in rows
        ]
    }


@dataclass(frozen=True)
class Scenario:
    """A GraphQL query, its one-query Cypher floor, and how to compare their answers."""

    name: str
    #: What the rotation items are (communes, contracts, départements).
    rotates_over: str
    graphql: str
    #: The field of ``data`` the answer lives under.
    root: str
    floor: LiteralString
    #: Name of the one varying parameter, the same in GraphQL and Cypher.
    parameter: str
    #: Whether the query takes the ``$on`` date.
    dated: bool
    floor_as_api: Callable[[list[Row]], Any]

    def graphql_variables(self, item: str, on: datetime.date) -> dict[str, Any]:
        """Variables of one API request for rotation ``item``."""
        return {self.parameter: item, **({"on": on.isoformat()} if self.dated else {})}

    def cypher_parameters(self, item: str, on: datetime.date) -> dict[str, Any]:
        """Parameters of one floor query for rotation ``item``."""
        return {self.parameter: item, **({"on": on} if self.dated else {})}


SCENARIOS = (
    Scenario(
        "territory card",
        "communes",
        TERRITORY_CARD,
        "territory",
        TERRITORY_CARD_FLOOR,
        "code",
        True,
        _territory_card,
    ),
    Scenario(
        "contract card",
        "CTG contracts",
        CONTRACT_CARD,
        "contract",
        CONTRACT_CARD_FLOOR,
        "key",
        False,
        _contract_card,
    ),
    Scenario(
        "commune page",
        "départements",
        COMMUNE_PAGE,
        "territories",
        COMMUNE_PAGE_FLOOR,
        "departement",
        True,
        _commune_page,
    ),
)
