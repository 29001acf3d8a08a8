"""The lists and single links of the partnership graph, as :class:`ListQuery` specs.

Each spec reaches items ``n`` (with an ``edge`` map of what the link says) from a parent
key ``k``: a dataset key (``ctg-saint-flour-2017``), or for a territory its *territory
uid* — ``commune:15187``, ``epci:200066660``, ``departement:15``, ``region:84``, or a
sub-territory's key. :mod:`graph.list_reads` turns a spec into one batched query.

Filters are written so that a ``null`` parameter switches them off; the parameters of
each filter family are listed with it (the schema passes all of them).
"""

from __future__ import annotations

from typing import LiteralString

from graph.list_reads import ListQuery, Sort

# -- sorts --------------------------------------------------------------------------
BY_NUMBER = Sort("NUMBER", "coalesce(n.number, 0)")
BY_START = Sort("START", "coalesce(toString(n.start), '')")
BY_START_DESC = Sort("START_DESC", "coalesce(toString(n.start), '')", descending=True)
BY_SIGNED = Sort("SIGNED", "coalesce(toString(n.signedOn), '')")
BY_CODE = Sort("CODE", "coalesce(n.code, n.key)")
BY_POPULATION_DESC = Sort("POPULATION_DESC", "coalesce(n.population, -1)", descending=True)
BY_AMOUNT_DESC = Sort("AMOUNT_DESC", "coalesce(n.amount, -1.0)", descending=True)

# -- reaching a territory -------------------------------------------------------------
#: Binds ``t``, the territory of uid ``k``.
TERRITORY_OF_K: LiteralString = """
    CALL (k) {
      MATCH (t:Territory {code: split(k, ':')[1]}) WHERE t.kind = split(k, ':')[0] RETURN t
      UNION
      MATCH (t:SubTerritory {key: k}) RETURN t
    }"""

#: From ``t``: ``communes``, the communes it is made of (itself for a commune).
COMMUNES_OF_T: LiteralString = """
    CALL (t) {
      WITH t WHERE t:Commune RETURN t AS c
      UNION MATCH (c:Commune)-[:MEMBER_OF]->(t) RETURN c
      UNION MATCH (c:Commune)-[:IN]->(t) RETURN c
      UNION MATCH (c:Commune)-[:IN]->(:Departement)-[:IN]->(t) RETURN c
      UNION MATCH (t)-[:INCLUDES]->(c:Commune) RETURN c
    }
    WITH t, collect(c) AS communes"""

#: From ``t`` and ``communes``: ``x``, every territory whose contracts cover part of
#: ``t`` — itself, its communes, their EPCI and the sub-territories including them.
COVERABLE: LiteralString = """
    CALL (t, communes) {
      RETURN t AS x
      UNION UNWIND communes AS c RETURN c AS x
      UNION UNWIND communes AS c MATCH (c)-[:MEMBER_OF]->(x:EPCI) RETURN x
      UNION UNWIND communes AS c MATCH (x:SubTerritory)-[:INCLUDES]->(c) RETURN x
    }"""

#: How a contract covering ``x`` reaches ``t`` (see ``CoverageReach`` in the schema).
_REACH: LiteralString = """CASE
        WHEN x = t THEN 'DIRECT'
        WHEN x:EPCI AND t.kind IN ['commune', 'sub_territory']
             AND EXISTS { (t)-[:MEMBER_OF|PART_OF]->(x) } THEN 'THROUGH_EPCI'
        WHEN x:SubTerritory AND t:Commune THEN 'THROUGH_SUB_TERRITORY'
        ELSE 'PART' END"""

# -- filters ---------------------------------------------------------------------------
#: The activity of the contract (or funding) ``n`` on the day ``$activeOn``: ``'active'``,
#: ``'inactive'`` or ``'unknown'`` — the rule of :func:`domain.dates.activity_on`, written
#: once in Cypher over the stored bounds (docs/graph-model.md, "Dates"): ``start`` and
#: ``end`` are the widest, ``start_latest`` and ``end_earliest`` the narrowest; a node
#: stored before precisions existed has no narrow bounds, which are then its days.
#: A comparison with a missing bound is null, which no WHEN takes.
ACTIVITY_OF_N: LiteralString = """CASE
      WHEN $activeOn < n.start OR $activeOn > n.end THEN 'inactive'
      WHEN n.start IS NULL OR $activeOn < coalesce(n.start_latest, n.start) THEN 'unknown'
      WHEN n.end_open = true OR $activeOn <= coalesce(n.end_earliest, n.end) THEN 'active'
      ELSE 'unknown' END"""

#: Parameters: kinds, statuses, activeOn and activity (the activities to keep on that
#: day, e.g. ``['active', 'unknown']`` for the possibly active), themes, signedBy, text
#: (folded).
CONTRACT_FILTER: LiteralString = (
    """($kinds IS NULL OR n.kind IN $kinds)
    AND ($statuses IS NULL OR n.status IN $statuses)
    AND ($activeOn IS NULL OR """
    + ACTIVITY_OF_N
    + """ IN $activity)
    AND ($themes IS NULL OR EXISTS {
      MATCH (n)-[:HAS_ACTION]->(:Action)-[:ADDRESSES]->(ft:Theme) WHERE ft.key IN $themes })
    AND ($signedBy IS NULL OR EXISTS {
      MATCH (sp:Partner)-[:SIGNED]->(n) WHERE sp.key IN $signedBy })
    AND ($text IS NULL OR n.nameKey CONTAINS $text)"""
)

#: CONTRACT_FILTER plus ``contractKeys`` (null: any contract).
CONTRACT_FILTER_IN_KEYS: LiteralString = (
    CONTRACT_FILTER + "\n    AND ($contractKeys IS NULL OR n.key IN $contractKeys)"
)

#: Parameters: themes, text.
ACTION_FILTER: LiteralString = """($themes IS NULL OR EXISTS {
      MATCH (n)-[:ADDRESSES]->(ft:Theme) WHERE ft.key IN $themes })
    AND ($text IS NULL OR n.nameKey CONTAINS $text)"""

#: Parameters: partnerKinds, text.
PARTNER_FILTER: LiteralString = """($partnerKinds IS NULL OR n.kind IN $partnerKinds)
    AND ($text IS NULL OR n.nameKey CONTAINS $text)"""

#: Parameters: territoryKinds, text.
TERRITORY_FILTER: LiteralString = """($territoryKinds IS NULL OR n.kind IN $territoryKinds)
    AND ($text IS NULL OR coalesce(n.sortName, n.nameKey) CONTAINS $text)"""

#: Parameter: text.
TEXT_FILTER: LiteralString = "($text IS NULL OR n.nameKey CONTAINS $text)"

#: Parameters: text, payers, payees, onTerritory (a territory uid: fundings on it or on a
#: territory inside it), year (its ``year``, else a year its period overlaps; an unknown end
#: leaves the period open).
FUNDING_FILTER: LiteralString = (
    TEXT_FILTER
    + """
    AND ($payers IS NULL OR EXISTS {
      MATCH (n)-[:PAID_BY]->(fp:Partner) WHERE fp.key IN $payers })
    AND ($payees IS NULL OR EXISTS {
      MATCH (n)-[:PAID_TO]->(fp:Partner) WHERE fp.key IN $payees })
    AND ($year IS NULL OR n.year = $year
      OR (n.year IS NULL AND n.start IS NOT NULL AND n.start.year <= $year
          AND (n.end IS NULL OR $year <= n.end.year)))
    AND ($onTerritory IS NULL OR EXISTS {
        MATCH (n)-[:ON_TERRITORY]->()-[:MEMBER_OF|IN|PART_OF*0..3]->(ft)
        WHERE ft.key = $onTerritory
           OR (ft.kind = split($onTerritory, ':')[0] AND ft.code = split($onTerritory, ':')[1])
      } OR EXISTS {
        MATCH (n)-[:ON_TERRITORY]->(:Commune)<-[:INCLUDES]-(:SubTerritory {key: $onTerritory})
      })"""
)

_EDGE: LiteralString = "r {.*, relation: type(r)}"


def _linked(name: str, match: LiteralString, filter: LiteralString = "true") -> ListQuery:
    """The list of the nodes ``n`` that ``match`` reaches through one relationship ``r``,
    each with the properties of ``r`` (and its type, as ``relation``) as its edge.

    >>> _linked("contract.axes", "MATCH (:Contract {key: k})-[r:HAS_AXIS]->(n:Axis)").body
    'MATCH (:Contract {key: k})-[r:HAS_AXIS]->(n:Axis) RETURN n, r {.*, relation: type(r)} AS edge'
    """
    return ListQuery(name, match + " RETURN n, " + _EDGE + " AS edge", filter)


# -- territories -----------------------------------------------------------------------
TERRITORY_CONTRACTS = ListQuery(
    "territory.contracts",
    TERRITORY_OF_K
    + COMMUNES_OF_T
    + COVERABLE
    + """
    MATCH (n:Contract)-[r:COVERS]->(x)
    WITH n, collect(DISTINCT {territory: x {.*, labels: labels(x)}, reach: """
    + _REACH
    + """, certainty: r.certainty, reason: r.reason}) AS via
    RETURN n, {via: via} AS edge""",
    CONTRACT_FILTER,
)

TERRITORY_PARTNERS = ListQuery(
    "territory.partners",
    TERRITORY_OF_K
    + """
    CALL (t) {
      MATCH (t)-[:MEMBER_OF|IN|PART_OF*0..3]->(x:Territory) RETURN x
      UNION MATCH (x:SubTerritory)-[:INCLUDES]->(t) RETURN x
    }
    MATCH (n:Partner)-[r:GOVERNS|SERVES]->(x)
    WITH n, collect(DISTINCT {territory: x {.*, labels: labels(x)}, relation: type(r),
                              direct: x = t, certainty: r.certainty, reason: r.reason}) AS via
    RETURN n, {via: via} AS edge""",
    PARTNER_FILTER,
)

EPCI_SUB_TERRITORIES = _linked(
    "epci.subTerritories",
    "MATCH (n:SubTerritory)-[r:PART_OF]->(:EPCI {code: split(k, ':')[1]})",
    TEXT_FILTER,
)

SUB_TERRITORY_COMMUNES = _linked(
    "subTerritory.communes",
    "MATCH (:SubTerritory {key: k})-[r:INCLUDES]->(n:Commune)",
    TERRITORY_FILTER,
)

SUB_TERRITORY_EPCI = _linked(
    "subTerritory.epci", "MATCH (:SubTerritory {key: k})-[r:PART_OF]->(n:EPCI)"
)

#: Top level: every territory, or those within ``$within`` (a territory uid).
TERRITORIES = ListQuery(
    "territories",
    """
    CALL () {
      WITH 1 AS everything WHERE $within IS NULL
      MATCH (n:Territory) RETURN n
      UNION
      WITH $within AS k WHERE k IS NOT NULL"""
    + TERRITORY_OF_K
    + """
      CALL (t) {
        MATCH (n:Commune)-[:MEMBER_OF|IN]->(t) RETURN n
        UNION MATCH (t)-[:INCLUDES]->(n:Commune) RETURN n
        UNION MATCH (n:Commune)-[:IN]->(:Departement)-[:IN]->(t) RETURN n
        UNION MATCH (n:Departement|EPCI)-[:IN]->(t) RETURN n
        UNION MATCH (n:EPCI)-[:IN]->(:Departement)-[:IN]->(t) RETURN DISTINCT n
        UNION MATCH (n:SubTerritory)-[:PART_OF]->(t) RETURN n
        UNION MATCH (n:SubTerritory)-[:INCLUDES]->(:Commune)-[:IN]->(t) RETURN DISTINCT n
      }
      RETURN n
    }
    RETURN n, null AS edge""",
    TERRITORY_FILTER,
)

# -- contracts -------------------------------------------------------------------------
CONTRACTS = ListQuery(
    "contracts",
    """
    CALL () {
      WITH 1 AS everything WHERE $covering IS NULL
      MATCH (n:Contract) RETURN n
      UNION
      WITH $covering AS k WHERE k IS NOT NULL"""
    + TERRITORY_OF_K
    + COMMUNES_OF_T
    + COVERABLE
    + """
      MATCH (n:Contract)-[:COVERS]->(x) RETURN DISTINCT n
    }
    RETURN n, null AS edge""",
    CONTRACT_FILTER,
)

CONTRACT_SIGNATORIES = ListQuery(
    "contract.signatories",
    """
    MATCH (n:Partner)-[r:SIGNED]->(c:Contract {key: k})
    OPTIONAL MATCH (person:Person)-[pr:SIGNED {onBehalfOf: n.key}]->(c)
    WITH n, r, collect(person {.*, labels: labels(person)}) AS people
    RETURN n, r {.*, people: people} AS edge""",
    PARTNER_FILTER,
)

CONTRACT_TERRITORIES = _linked(
    "contract.territories", "MATCH (:Contract {key: k})-[r:COVERS]->(n)", TERRITORY_FILTER
)

CONTRACT_AXES = _linked(
    "contract.axes", "MATCH (:Contract {key: k})-[r:HAS_AXIS]->(n:Axis)", TEXT_FILTER
)

CONTRACT_ACTIONS = _linked(
    "contract.actions", "MATCH (:Contract {key: k})-[r:HAS_ACTION]->(n:Action)", ACTION_FILTER
)

#: Parameter: relation (SUCCEEDS, DECLINES or AMENDS), from this contract to ``n``.
CONTRACT_RELATED_OUT = _linked(
    "contract.relatedOut",
    "MATCH (:Contract {key: k})-[r:SUCCEEDS|DECLINES|AMENDS]->(n:Contract) "
    "WHERE type(r) = $relation",
    CONTRACT_FILTER,
)

#: Parameter: relation, from ``n`` to this contract.
CONTRACT_RELATED_IN = _linked(
    "contract.relatedIn",
    "MATCH (n:Contract)-[r:SUCCEEDS|DECLINES|AMENDS]->(:Contract {key: k}) "
    "WHERE type(r) = $relation",
    CONTRACT_FILTER,
)

#: Parameter: relation (LEADS or FUNDS).
CONTRACT_PARTNERS = _linked(
    "contract.partners",
    "MATCH (n:Partner)-[r:LEADS|FUNDS]->(:Contract {key: k}) WHERE type(r) = $relation",
    PARTNER_FILTER,
)

CONTRACT_BODIES = _linked(
    "contract.bodies", "MATCH (n:Body)-[r:STEERS]->(:Contract {key: k})", TEXT_FILTER
)

CONTRACT_FUNDINGS = _linked(
    "contract.fundings", "MATCH (n:Funding)-[r:CONCERNS]->(:Contract {key: k})", FUNDING_FILTER
)

CONTRACT_KIND = _linked("contract.kind", "MATCH (:Contract {key: k})-[r:OF_KIND]->(n:ContractKind)")

# -- axes and actions ------------------------------------------------------------------
AXIS_CONTRACT = _linked("axis.contract", "MATCH (n:Contract)-[r:HAS_AXIS]->(:Axis {key: k})")

AXIS_ACTIONS = _linked(
    "axis.actions", "MATCH (:Axis {key: k})-[r:HAS_ACTION]->(n:Action)", ACTION_FILTER
)

#: The contract owning the fiche (not one that only englobes it).
ACTION_CONTRACT = _linked(
    "action.contract",
    "MATCH (n:Contract)-[r:HAS_ACTION]->(:Action {key: k}) WHERE r.englobed IS NULL",
)

#: Every contract listing the fiche: its owner and those englobing it (``edge.englobed``).
ACTION_CONTRACTS = _linked(
    "action.contracts", "MATCH (n:Contract)-[r:HAS_ACTION]->(:Action {key: k})", CONTRACT_FILTER
)

ACTION_AXIS = _linked("action.axis", "MATCH (n:Axis)-[r:HAS_ACTION]->(:Action {key: k})")

ACTION_THEMES = _linked(
    "action.themes", "MATCH (:Action {key: k})-[r:ADDRESSES]->(n:Theme)", TEXT_FILTER
)

#: Parameter: relation (LEADS or FUNDS).
ACTION_PARTNERS = _linked(
    "action.partners",
    "MATCH (n:Partner)-[r:LEADS|FUNDS]->(:Action {key: k}) WHERE type(r) = $relation",
    PARTNER_FILTER,
)

ACTIONS = ListQuery("actions", "MATCH (n:Action) RETURN n, null AS edge", ACTION_FILTER)

# -- themes -----------------------------------------------------------------------------
THEME_ACTIONS = _linked(
    "theme.actions", "MATCH (n:Action)-[r:ADDRESSES]->(:Theme {key: k})", ACTION_FILTER
)

THEME_CONTRACTS = ListQuery(
    "theme.contracts",
    """
    MATCH (n:Contract)-[:HAS_ACTION]->(a:Action)-[:ADDRESSES]->(:Theme {key: k})
    WITH n, count(DISTINCT a) AS actions
    RETURN n, {actions: actions} AS edge""",
    CONTRACT_FILTER,
)

THEMES = ListQuery("themes", "MATCH (n:Theme) RETURN n, null AS edge", TEXT_FILTER)
CONTRACT_KINDS = ListQuery("contractKinds", "MATCH (n:ContractKind) RETURN n, null AS edge")

# -- partners and people ----------------------------------------------------------------
PARTNERS = ListQuery("partners", "MATCH (n:Partner) RETURN n, null AS edge", PARTNER_FILTER)

PARTNER_CONTRACTS = _linked(
    "partner.contracts", "MATCH (:Partner {key: k})-[r:SIGNED]->(n:Contract)", CONTRACT_FILTER
)

PARTNER_LEADS = _linked(
    "partner.leads", "MATCH (:Partner {key: k})-[r:LEADS]->(n:Contract)", CONTRACT_FILTER
)

PARTNER_TERRITORIES = _linked(
    "partner.territories",
    "MATCH (:Partner {key: k})-[r:GOVERNS|SERVES]->(n:Territory)",
    TERRITORY_FILTER,
)

PARTNER_PEOPLE = _linked(
    "partner.people", "MATCH (n:Person)-[r:HOLDS_POST]->(:Partner {key: k})", TEXT_FILTER
)

PARTNER_ACTIONS = _linked(
    "partner.actions", "MATCH (:Partner {key: k})-[r:LEADS|FUNDS]->(n:Action)", ACTION_FILTER
)

#: Parameter: relation (PAID_BY: fundings it pays; PAID_TO: fundings it receives).
PARTNER_FUNDINGS = _linked(
    "partner.fundings",
    "MATCH (n:Funding)-[r:PAID_BY|PAID_TO]->(:Partner {key: k}) "
    "WHERE $relation IS NULL OR type(r) = $relation",
    FUNDING_FILTER,
)

#: Bodies a partner, person or body sits on.
MEMBERSHIPS = _linked(
    "memberships",
    "MATCH (m {key: k})-[r:MEMBER_OF]->(n:Body) WHERE m:Partner OR m:Person OR m:Body",
    TEXT_FILTER,
)

PEOPLE = ListQuery("people", "MATCH (n:Person) RETURN n, null AS edge", TEXT_FILTER)

PERSON_POSTS = _linked(
    "person.posts", "MATCH (:Person {key: k})-[r:HOLDS_POST]->(n:Partner)", PARTNER_FILTER
)

PERSON_CONTRACTS = _linked(
    "person.contracts", "MATCH (:Person {key: k})-[r:SIGNED]->(n:Contract)", CONTRACT_FILTER
)

#: The people a person is declared the same as, one item per declaration (``SAME_AS``,
#: either way), with its provenance.
PERSON_SAME_AS = _linked("person.sameAs", "MATCH (:Person {key: k})-[r:SAME_AS]-(n:Person)")

#: Every record of one person: itself and those declared the same, directly or through
#: others (A = B, B = C); a person declared the same as nobody is its only record. One
#: shortest path per record reached, so a breadth-first search whatever the plan: the
#: equivalent ``*0..`` with ``DISTINCT`` is as fast (8 records declared the same pairwise,
#: 28 links: 51 ms against 46 ms) only while the planner picks its pruning expand.
PERSON_IDENTITIES = ListQuery(
    "person.identities",
    "MATCH ANY SHORTEST (:Person {key: k})-[:SAME_AS]-*(n:Person) RETURN n, null AS edge",
)

# -- bodies, fundings, sources ----------------------------------------------------------
BODIES = ListQuery("bodies", "MATCH (n:Body) RETURN n, null AS edge", TEXT_FILTER)

BODY_MEMBERS = _linked(
    "body.members",
    "MATCH (n)-[r:MEMBER_OF]->(:Body {key: k}) WHERE n:Partner OR n:Person OR n:Body",
    TEXT_FILTER,
)

BODY_CONTRACTS = _linked(
    "body.contracts", "MATCH (:Body {key: k})-[r:STEERS]->(n:Contract)", CONTRACT_FILTER
)

BODY_ORGANISATION = _linked(
    "body.organisation", "MATCH (:Body {key: k})-[r:BELONGS_TO]->(n:Partner)"
)

FUNDINGS = ListQuery("fundings", "MATCH (n:Funding) RETURN n, null AS edge", FUNDING_FILTER)

#: Parameter: relation (PAID_BY, PAID_TO, SHARE_OF, ON_TERRITORY): the one linked node.
FUNDING_LINK = _linked(
    "funding.link",
    "MATCH (:Funding {key: k})-[r:PAID_BY|PAID_TO|SHARE_OF|ON_TERRITORY]->(n) "
    "WHERE type(r) = $relation",
)

FUNDING_LINKS = _linked(
    "funding.links",
    "MATCH (:Funding {key: k})-[r:PAID_BY|PAID_TO|SHARE_OF|ON_TERRITORY|CONCERNS]->(n)",
)

FUNDING_CONTRACTS = _linked(
    "funding.contracts", "MATCH (:Funding {key: k})-[r:CONCERNS]->(n:Contract)", CONTRACT_FILTER
)

FUNDING_SHARES = _linked(
    "funding.shares", "MATCH (n:Funding)-[r:SHARE_OF]->(:Funding {key: k})", FUNDING_FILTER
)

SOURCES = ListQuery(
    "sources",
    "MATCH (n:Source) RETURN n, null AS edge",
    "($text IS NULL OR n.nameKey CONTAINS $text)",
)

SOURCE_FACTS = _linked(
    "source.nodes", "MATCH (n)-[r:SOURCED_FROM]->(:Source {key: k})", TEXT_FILTER
)

EPCI_MEMBERS = ListQuery(
    "epci.members",
    "MATCH (n:Commune)-[r:MEMBER_OF]->(:EPCI {code: split(k, ':')[1]}) RETURN n, null AS edge",
    TERRITORY_FILTER,
)

EPCI_DEPARTEMENTS = ListQuery(
    "epci.departements",
    "MATCH (:EPCI {code: split(k, ':')[1]})-[r:IN]->(n:Departement) "
    "RETURN n, {communes: r.communes} AS edge",
)

REGION_DEPARTEMENTS = ListQuery(
    "region.departements",
    "MATCH (n:Departement)-[:IN]->(:Region {code: split(k, ':')[1]}) RETURN n, null AS edge",
    TERRITORY_FILTER,
)

PARTNER_COPARTNERS = ListQuery(
    "partner.copartners",
    """
    MATCH (p:Partner {key: k})-[:SIGNED]->(c:Contract)<-[:SIGNED]-(n:Partner)
    WHERE n <> p
    WITH n, collect(DISTINCT c.key) AS contracts
    RETURN n, {contracts: contracts} AS edge""",
    PARTNER_FILTER,
)
#: Shared contracts first, then by name.
BY_SHARED_CONTRACTS = Sort("SHARED_DESC", "size(edge.contracts)", descending=True)
