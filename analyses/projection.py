"""The coverage graph of :mod:`analyses.model` built from the rows ``graph/`` reads for a
scope (:mod:`graph.coverage_reads` describes them), and the API's cache of such graphs.

Nothing here reads Neo4j: :func:`build` takes the rows, and :class:`ProjectionCache` is
handed the function that reads them, so the analyses stay pure and the cache can be
reached from every layer that needs to clear it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from analyses import model as m
from domain.errors import UserFacingError
from domain.scopes import Scope

#: The rows of a scope: per list name (``communes``, ``contracts``…), its items as
#: sequences of values, dates as :class:`datetime.date`.
Rows = Mapping[str, Sequence[Sequence[Any]]]
#: Reads the rows of a scope (the API passes :func:`graph.coverage_reads.coverage_rows_async`
#: bound to its reader).
ReadRows = Callable[[Scope], Awaitable[Rows]]


def build(rows: Rows, scope: Scope) -> m.PartnershipGraph:
    """The coverage graph of ``scope`` from its rows.

    Only what reaches the scope is kept: the EPCI of its communes, the sub-territories
    including some of them (with those communes only), the contracts covering one of
    these territories (every contract for France), and the actions and partners of the
    contracts kept.

    Parameters
    ----------
    rows : Rows
        The lists read by :mod:`graph.coverage_reads`.
    scope : Scope
        The scope they were read for.

    Returns
    -------
    nx.MultiDiGraph
        The graph of :mod:`analyses.model`.

    Raises
    ------
    UserFacingError
        When a territory is asked for and no commune belongs to it.

    Examples
    --------
    >>> from datetime import date
    >>> rows = {name: [] for name in ("epcis", "subTerritories", "actions", "partners")}
    >>> rows |= {
    ...     "regions": [["84", "Auvergne-Rhône-Alpes"]],
    ...     "departements": [["15", "Cantal", "84"]],
    ...     "communes": [["15187", "Saint-Flour", 6600, "15", "84", None]],
    ...     "contracts": [["cej-sf", "cej", "CEJ", "signed", date(2015, 1, 1), None, None],
    ...                   ["cej-au", "cej", "CEJ", "signed", None, None, None]],
    ...     "covers": [["cej-sf", "commune", "15187"], ["cej-au", "commune", "15014"]],
    ... }
    >>> g = build(rows, Scope("departement:15"))
    >>> sorted(n for n in g if n.startswith("contract:"))
    ['contract:cej-sf']
    >>> build(rows | {"communes": []}, Scope("departement:99"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    domain.errors.UserFacingError: No commune in scope 'departement:99': check the code...
    """
    g = m.new_graph()
    for code, name in rows["regions"]:
        m.add_region(g, code, name)
    for code, name, region in rows["departements"]:
        m.add_departement(g, code, name, region)
    communes = {r[0] for r in rows["communes"]}
    if scope.uid is not None and not communes:
        raise UserFacingError(
            f"No commune in scope {scope.uid!r}: check the code (and that its département's "
            "reference is loaded)."
        )
    epcis_used = {r[5] for r in rows["communes"] if r[5]}
    for code, name, population, epci_type in rows["epcis"]:
        if code in epcis_used:
            m.add_epci(g, code, name, int(population or 0), epci_type or "")
    for code, name, population, departement, region, epci in rows["communes"]:
        m.add_commune(g, code, name, int(population or 0), departement, region, epci)
    subs_used: set[str] = set()
    for key, name, epci, members, *inferred in rows["subTerritories"]:
        inside = [c for c in members if c in communes]
        if inside:
            subs_used.add(key)
            m.add_sub_territory(
                g, key, name, inside, epci if epci in epcis_used else None, _set(inferred)
            )
    reachable = {
        "commune": communes,
        "epci": epcis_used,
        "sub_territory": subs_used,
        "departement": {d for d in (r[3] for r in rows["communes"]) if d},
        "region": {r for r in (r[4] for r in rows["communes"]) if r},
    }
    contracts = _add_contracts(g, rows, scope, reachable)
    for contract, key, title, number, themes, *inferred in rows["actions"]:
        if contract in contracts:
            m.add_action(g, key, contract, themes, title, number, _set(inferred))
    for key, name, kind, signed, *inferred in rows["partners"]:
        mine = [k for k in signed if k in contracts]
        if mine:
            m.add_partner(g, key, name, kind or "other", mine, _set(inferred))
    return g


def _set(optional: Sequence[Any]) -> frozenset[str]:
    """The keys of an optional last column (rows of older callers lack it)."""
    return frozenset(k for k in (optional[0] if optional else ()) or () if k is not None)


#: What a contract row lacking the newer columns reads as: day precision, not open, stated.
_CONTRACT_DEFAULTS: tuple[Any, ...] = (None, None, False, None, ())


def _add_contracts(
    g: m.PartnershipGraph, rows: Rows, scope: Scope, reachable: Mapping[str, set[str]]
) -> set[str]:
    """Add the contracts covering a territory of ``reachable`` (kind → codes), every
    contract for France; return their keys."""
    contracts: set[str] = set()
    covers: dict[str, list[str]] = {}
    inferred_covers: dict[str, set[str]] = {}
    for key, kind, code, *inferred in rows["covers"]:
        if code in reachable.get(kind, ()):
            target = m.node_id(kind, code)
            covers.setdefault(key, []).append(target)
            if inferred and inferred[0]:
                inferred_covers.setdefault(key, set()).add(target)
    for key, kind, title, status, start, end, signed_on, *more in rows["contracts"]:
        targets = covers.get(key, [])
        if not targets and scope.uid is not None:
            continue
        contracts.add(key)
        padded: list[Any] = [*more, *_CONTRACT_DEFAULTS[len(more) :]]
        start_precision, end_precision, end_open, certainty, inferred_fields = padded
        m.add_contract(
            g, key, kind or "other", start, end, targets, title, status, signed_on,
            start_precision=start_precision, end_precision=end_precision,
            end_open=bool(end_open), certainty=certainty or "stated",
            inferred_fields=inferred_fields or (), inferred_covers=inferred_covers.get(key, ()),
        )  # fmt: skip
    return contracts


class ProjectionCache:
    """Recent projections, kept ``ttl`` seconds (at most ``size`` of them, least recently
    used out first), so that repeated analyses of a scope skip the projection (at the
    scale of France it costs about a second; the analysis a third of that). Changes
    made through the API clear it at once; loads from the command line show within
    ``ttl``. Concurrent requests for the same scope share one projection."""

    def __init__(self, ttl: float = 60.0, size: int = 8) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[Scope, tuple[float, m.PartnershipGraph]] = OrderedDict()
        self._locks: dict[Scope, asyncio.Lock] = {}

    async def get(self, scope: Scope, read: ReadRows) -> m.PartnershipGraph:
        """The coverage graph of ``scope``, from the cache when recent enough, else built
        from the rows that ``read`` returns."""
        if self.ttl <= 0:
            return build(await read(scope), scope)
        cached = self._fresh(scope)
        if cached is not None:
            return cached
        async with self._locks.setdefault(scope, asyncio.Lock()):
            cached = self._fresh(scope)
            if cached is not None:
                return cached
            g = build(await read(scope), scope)
            self._entries[scope] = (time.monotonic(), g)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return g

    def clear(self) -> None:
        """Forget every projection (the graph changed)."""
        self._entries.clear()

    def _fresh(self, scope: Scope) -> m.PartnershipGraph | None:
        entry = self._entries.get(scope)
        if entry is None or time.monotonic() - entry[0] >= self.ttl:
            return None
        self._entries.move_to_end(scope)
        return entry[1]


#: The API process's projections (configured from ``CTG_API_COVERAGE_CACHE``).
PROJECTIONS = ProjectionCache()
