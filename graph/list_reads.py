"""One Cypher query per list field and nesting level, however many parents ask.

A :class:`ListQuery` says how to reach the items of a list from a parent key (its
``body``, a Cypher fragment that uses ``k`` and ends with ``RETURN n, edge``) and which
filters it accepts (``filter``, over ``n`` and ``edge``, written so that a ``null``
parameter disables it). :func:`fetch_pages` reads one page per parent key in one query::

    UNWIND $keys AS k
    CALL (k) { CALL (k) { <body> } WITH n, edge WHERE <filter> … ORDER BY … LIMIT … }
    [CALL (k) { … count(*) AS total }]      only when the client asked for totalCount

Only fixed fragments from this package are ever put into query text; every value a
client sends is a parameter.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.paging import Page, Window, page_of
from graph.reader import GraphReader

#: A unique id for any node: its key, or ``kind:code`` for a territory of the reference.
UID: LiteralString = "coalesce(n.key, n.kind + ':' + n.code)"
#: Sort value of a node's name: the accent- and case-folded name.
BY_NAME: LiteralString = "coalesce(n.nameKey, n.sortName, '')"


@dataclass(frozen=True)
class Sort:
    """One way to order a list: ``expr`` (over ``n``) must never be null."""

    name: str
    expr: LiteralString
    descending: bool = False


NAME = Sort("NAME", BY_NAME)


@dataclass(frozen=True)
class ListFilter:
    """Conditions on the items of a list; each left ``None`` is off. A list query applies
    those its ``filter`` names (see the filters of :mod:`graph.partnership_reads`)."""

    #: Folded text the name, title or aliases must contain.
    text: str | None = None
    #: Theme codes: a contract or fiche action addressing any of them.
    themes: tuple[str, ...] | None = None
    #: Type of the relationship to follow (``LEADS``, ``FUNDS``, ``PAID_BY``…).
    relation: str | None = None
    partner_kinds: tuple[str, ...] | None = None
    territory_kinds: tuple[str, ...] | None = None
    #: Uid of the territory the items lie within.
    within: str | None = None
    #: Uid of a territory the contracts cover (part of).
    covering: str | None = None
    #: Contract kind codes.
    kinds: tuple[str, ...] | None = None
    #: Contract statuses.
    statuses: tuple[str, ...] | None = None
    #: A date the contracts apply on, with ``activity``.
    active_on: datetime.date | None = None
    #: Which activities on ``active_on`` to keep (``active``, ``inactive``, ``unknown``);
    #: ``None``: the certainly active only.
    activity: tuple[str, ...] | None = None
    #: Keys of partners that signed the contracts.
    signed_by: tuple[str, ...] | None = None
    #: Keys of partners paying the fundings.
    payers: tuple[str, ...] | None = None
    #: Keys of partners receiving the fundings.
    payees: tuple[str, ...] | None = None
    #: Uid of the territory the fundings are on (or on a part of).
    on_territory: str | None = None
    #: A year the fundings concern.
    year: int | None = None

    def params(self) -> dict[str, Any]:
        """The Cypher parameters of these conditions (every one, ``null`` when off)."""
        return {
            "text": self.text,
            "themes": _listed(self.themes),
            "relation": self.relation,
            "partnerKinds": _listed(self.partner_kinds),
            "territoryKinds": _listed(self.territory_kinds),
            "within": self.within,
            "covering": self.covering,
            "kinds": _listed(self.kinds),
            "statuses": _listed(self.statuses),
            "activeOn": self.active_on,
            "activity": list(self.activity) if self.activity is not None else ["active"],
            "signedBy": _listed(self.signed_by),
            "payers": _listed(self.payers),
            "payees": _listed(self.payees),
            "onTerritory": self.on_territory,
            "year": self.year,
        }


#: No condition: every item of the list.
EVERY = ListFilter()


def _listed(values: tuple[str, ...] | None) -> list[str] | None:
    return list(values) if values is not None else None


@dataclass(frozen=True)
class ListQuery:
    """How to read one list field (see the module docstring)."""

    name: str
    body: LiteralString
    filter: LiteralString = "true"


def _query(list_query: ListQuery, sort: Sort, backward: bool, with_total: bool) -> LiteralString:
    ascending = sort.descending == backward  # direction of reading
    order: LiteralString = "ASC" if ascending else "DESC"
    # after = later in list order; before = earlier (list order is the sort's own).
    later: LiteralString = "<" if sort.descending else ">"
    earlier: LiteralString = ">" if sort.descending else "<"
    query: LiteralString = (
        "UNWIND $keys AS k\nCALL (k) {\n  CALL (k) {\n"
        + list_query.body
        + "\n  }\n  WITH n, edge WHERE "
        + list_query.filter
        + "\n  WITH n, edge, "
        + sort.expr
        + " AS s, "
        + UID
        + " AS u\n  WHERE ($afterU IS NULL OR s "
        + later
        + " $afterS OR (s = $afterS AND u "
        + later
        + " $afterU))\n    AND ($beforeU IS NULL OR s "
        + earlier
        + " $beforeS OR (s = $beforeS AND u "
        + earlier
        + " $beforeU))\n  WITH n, edge, s, u ORDER BY s "
        + order
        + ", u "
        + order
        + " LIMIT $limit\n"
        + "  RETURN collect({node: n {.*, labels: labels(n)}, edge: edge, s: s, u: u})"
        + " AS items\n}\n"
    )
    if with_total:
        query += (
            "CALL (k) {\n  CALL (k) {\n"
            + list_query.body
            + "\n  }\n  WITH n, edge WHERE "
            + list_query.filter
            + "\n  RETURN count(*) AS total\n}\nRETURN k AS key, items, total"
        )
    else:
        query += "RETURN k AS key, items, null AS total"
    return query


async def fetch_pages(
    reader: GraphReader,
    list_query: ListQuery,
    keys: Sequence[str],
    sort: Sort,
    win: Window,
    where: ListFilter,
    with_total: bool,
) -> dict[str, Page]:
    """One page of ``list_query`` for each parent key, its items meeting ``where``, read
    in one Cypher query."""
    records = await reader.read(
        _query(list_query, sort, win.backward, with_total),
        {**where.params(), **win.params(), "keys": list(dict.fromkeys(keys))},
    )
    pages: dict[str, Page] = {}
    for record in records:
        pages[record["key"]] = page_of(list(record["items"]), win, record["total"])
    return pages
