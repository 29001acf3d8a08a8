"""What a coverage analysis is about: a :class:`Scope`, the territory and the parts of the
graph to project.

It lives here, below every layer, because three of them speak of it: ``graph/`` reads the
rows of a scope, the analyses build and cache its graph, and the API and the CLI make one
from what the user asked.

A scope's territory is a uid as the API writes them: ``commune:15187``,
``epci:200066660``, ``departement:15``, ``region:84``, a bare sub-territory key, or
``None`` for all of France.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import TerritoryKind, node_id, split_territory_uid


@dataclass(frozen=True)
class Scope:
    """What to project: a territory (``None``: France) and which parts of the graph.

    Examples
    --------
    >>> Scope("epci:200066660").kind, Scope("epci:200066660").code
    (<TerritoryKind.EPCI: 'epci'>, '200066660')
    >>> Scope("cucm-bassin-nord").node
    'sub_territory:cucm-bassin-nord'
    >>> Scope(None).node is None
    True
    """

    uid: str | None = None
    actions: bool = False
    partners: bool = False

    @property
    def kind(self) -> TerritoryKind | None:
        """The territory's kind (``commune``, ``epci``, ``sub_territory``…); ``None`` for
        France."""
        return _split(self.uid)[0]

    @property
    def code(self) -> str | None:
        """The territory's code (or sub-territory key); ``None`` for France."""
        return _split(self.uid)[1]

    @property
    def node(self) -> str | None:
        """The scope's node id in the coverage graph, ``<kind>:<code>`` (``None`` for
        France)."""
        kind, code = _split(self.uid)
        return node_id(kind, code) if kind and code else None


def _split(uid: str | None) -> tuple[TerritoryKind | None, str | None]:
    return (None, None) if uid is None else split_territory_uid(uid)
