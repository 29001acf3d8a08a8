"""The words of the domain, each defined once, that every layer imports.

The dataset format (:mod:`loaders.dataset_format`) validates with these enums, the graph
(:mod:`graph`) names its labels and relationship types through the fixed mappings below,
the GraphQL schema publishes the enums under their own names (``strawberry.enum(...)``),
the analyses (:mod:`analyses`) and the command line use the same kinds and uids.

Territories
    :class:`TerritoryKind`, the label of each kind's nodes (:data:`TERRITORY_LABEL`, which
    is also the name of its GraphQL type), and the *territory uid* codec: a territory of
    the official map is ``<kind>:<code>`` (``epci:200066660``, ``departement:15``), a
    sub-territory is its key alone (``cucm-bassin-nord``). :func:`scope_uid` reads the
    ``code`` (+ optional ``kind``) that API arguments and ``--scope`` options take.
Facts
    :class:`Certainty`, :class:`ContractStatus`, :class:`Qualifier`, :class:`Activity`,
    :class:`DatePrecision`, :class:`PartnerKind` and :class:`ContractRelation` (with the
    relationship type of each in :data:`RELATIONSHIP_TYPE`).

Labels and relationship types are ``LiteralString``: Cypher may vary a label only by
looking it up in one of these mappings, never by formatting input into a query.

>>> uid = territory_uid(TerritoryKind.EPCI, "200066660")
>>> uid
'epci:200066660'
>>> split_territory_uid(uid)
(<TerritoryKind.EPCI: 'epci'>, '200066660')
>>> TERRITORY_LABEL[TerritoryKind.DEPARTEMENT]
'Departement'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import LiteralString

from domain.errors import TerritoryCodeError

# The enums below carry no class docstring on purpose: pydantic would copy it into the
# published dataset JSON schema (docs/dataset.schema.json). Their GraphQL descriptions
# are given where the schema publishes them.

# -- territories --------------------------------------------------------------------------


class TerritoryKind(StrEnum):
    """The kinds of territory: the four levels of the official map and the
    sub-territories that datasets define (a group of communes inside an EPCI)."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    SUB_TERRITORY = "sub_territory"


#: The kinds of the official map, keyed by an official code (a sub-territory is keyed by
#: the readable ``key`` its dataset gives it).
OFFICIAL_KINDS: tuple[TerritoryKind, ...] = (
    TerritoryKind.COMMUNE,
    TerritoryKind.EPCI,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.REGION,
)

#: The label of each kind's nodes in the graph, which is also its GraphQL type's name.
TERRITORY_LABEL: Mapping[TerritoryKind, LiteralString] = MappingProxyType(
    {
        TerritoryKind.COMMUNE: "Commune",
        TerritoryKind.EPCI: "EPCI",
        TerritoryKind.DEPARTEMENT: "Departement",
        TerritoryKind.REGION: "Region",
        TerritoryKind.SUB_TERRITORY: "SubTerritory",
    }
)
#: The kind of the territories labelled so (``"EPCI"`` → ``TerritoryKind.EPCI``).
KIND_OF_LABEL: Mapping[str, TerritoryKind] = MappingProxyType(
    {label: kind for kind, label in TERRITORY_LABEL.items()}
)

#: What an official code looks like once normalised: a région (2–3 digits), a
#: département (2–3 characters, Corsica 2A/2B), a commune (5), an EPCI's SIREN (9 digits).
_CODE = re.compile(r"^(\d{2,3}|2[AB]|[0-9][0-9AB]\d{3}|\d{9})$")


def normalise_code(code: str) -> str:
    """An official territory code trimmed and upper-cased.

    Raises
    ------
    TerritoryCodeError
        When ``code`` cannot be the code of a commune, an EPCI, a département or a région.

    Examples
    --------
    >>> normalise_code(" 2a004 ")
    '2A004'
    >>> normalise_code("1518")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    domain.errors.TerritoryCodeError: '1518' is not a territory code. Use an INSEE commune ...
    """
    cleaned = code.strip().upper()
    if not _CODE.match(cleaned):
        raise TerritoryCodeError(
            f"{code!r} is not a territory code. Use an INSEE commune code (5 characters, e.g. "
            "15187), an EPCI SIREN (9 digits, e.g. 200066660), a département code (15, 2A, "
            "974) or a région code (84)."
        )
    return cleaned


def territory_uid(kind: TerritoryKind, code: str) -> str:
    """The uid of the territory of ``kind`` with that code (a sub-territory: its key).

    Examples
    --------
    >>> territory_uid(TerritoryKind.COMMUNE, "15187")
    'commune:15187'
    >>> territory_uid(TerritoryKind.SUB_TERRITORY, "cucm-bassin-nord")
    'cucm-bassin-nord'
    """
    if kind is TerritoryKind.SUB_TERRITORY:
        return code
    return f"{kind.value}:{code}"


def split_territory_uid(uid: str) -> tuple[TerritoryKind, str]:
    """The kind and code (or sub-territory key) of a territory uid; the inverse of
    :func:`territory_uid`.

    Raises
    ------
    TerritoryCodeError
        When ``uid`` is empty, names no kind of the official map before its colon, or has
        nothing after it.

    Examples
    --------
    >>> split_territory_uid("departement:15")
    (<TerritoryKind.DEPARTEMENT: 'departement'>, '15')
    >>> split_territory_uid("cucm-bassin-nord")
    (<TerritoryKind.SUB_TERRITORY: 'sub_territory'>, 'cucm-bassin-nord')
    >>> split_territory_uid("canton:1512")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    domain.errors.TerritoryCodeError: 'canton:1512' is not a territory uid: 'canton' is not ...
    """
    prefix, colon, code = uid.partition(":")
    if not colon:
        if not uid:
            raise TerritoryCodeError(
                "An empty text is not a territory uid; write it as epci:200066660, or a "
                "sub-territory's key alone."
            )
        return TerritoryKind.SUB_TERRITORY, uid
    kinds = {kind.value: kind for kind in OFFICIAL_KINDS}
    if prefix not in kinds:
        raise TerritoryCodeError(
            f"{uid!r} is not a territory uid: {prefix!r} is not a kind of the official map "
            f"({', '.join(kinds)}); write it as epci:200066660, or a sub-territory's key "
            "alone."
        )
    if not code:
        raise TerritoryCodeError(
            f"{uid!r} is not a territory uid: it has no code after the colon (e.g. "
            f"{prefix}:{_EXAMPLE_CODE[kinds[prefix]]})."
        )
    return kinds[prefix], code


_EXAMPLE_CODE = {
    TerritoryKind.COMMUNE: "15187",
    TerritoryKind.EPCI: "200066660",
    TerritoryKind.DEPARTEMENT: "15",
    TerritoryKind.REGION: "84",
}


def scope_uid(code: str | None, kind: TerritoryKind | None = None) -> str | None:
    """The territory uid of a code given with an optional kind, as the API's `covering`,
    `within` and `scope` arguments and the command line's ``--scope`` take them.

    Without a kind, a 9-digit code is an EPCI, a 5-character one a commune, a shorter one
    a département (a région needs ``kind=REGION``); a sub-territory key needs
    ``kind=SUB_TERRITORY``. ``None`` stays ``None`` (no territory: all of France).

    Raises
    ------
    TerritoryCodeError
        When ``code`` is not an official code (see :func:`normalise_code`).

    Examples
    --------
    >>> scope_uid("15"), scope_uid("2a004"), scope_uid(" 200066660")
    ('departement:15', 'commune:2A004', 'epci:200066660')
    >>> scope_uid("84", TerritoryKind.REGION), scope_uid("cucm-nord", TerritoryKind.SUB_TERRITORY)
    ('region:84', 'cucm-nord')
    >>> scope_uid(None) is None
    True
    """
    if code is None:
        return None
    if kind is TerritoryKind.SUB_TERRITORY:
        return code.strip()
    cleaned = normalise_code(code)
    if kind is None:
        kind = (
            TerritoryKind.EPCI
            if len(cleaned) == 9
            else TerritoryKind.COMMUNE
            if len(cleaned) == 5
            else TerritoryKind.DEPARTEMENT
        )
    return territory_uid(kind, cleaned)


def node_id(kind: str, key: str) -> str:
    """The id of a node of the analyses' graph: ``"<kind>:<key>"``, for every kind of
    node (a sub-territory too, unlike its territory uid).

    >>> node_id(TerritoryKind.SUB_TERRITORY, "cucm-nord"), node_id("contract", "ctg-sf")
    ('sub_territory:cucm-nord', 'contract:ctg-sf')
    """
    return f"{kind}:{key}"


def split_node_id(node: str) -> tuple[str, str]:
    """The kind and key of a node id of the analyses' graph; the inverse of
    :func:`node_id` (an id without a colon has an empty kind).

    >>> split_node_id("sub_territory:cucm-nord"), split_node_id("contract:ctg-sf")
    (('sub_territory', 'cucm-nord'), ('contract', 'ctg-sf'))
    """
    kind, _, key = node.partition(":")
    return kind, key


#: The dataset format's kinds of key (what a reference such as ``lead: caf-15`` names) →
#: the label of the nodes keyed so. Both sides are literals: graph.curation_store splices
#: them into a query (the kind as parameter name and column, the label as label).
KEYED_LABEL: Mapping[LiteralString, LiteralString] = MappingProxyType(
    {
        "partner": "Partner",
        "person": "Person",
        "contract": "Contract",
        "source": "Source",
        "body": "Body",
        "funding": "Funding",
        "action": "Action",
        TerritoryKind.SUB_TERRITORY.value: TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY],
    }
)

# -- facts --------------------------------------------------------------------------------


#: Whether the source states a fact or the dataset's author inferred it.
class Certainty(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"


#: Where a contract stands.
class ContractStatus(StrEnum):
    IN_PREPARATION = "in-preparation"
    SIGNED = "signed"
    ENDED = "ended"


#: How an amount or a share is given by its source.
class Qualifier(StrEnum):
    EXACTLY = "exactly"
    AT_MOST = "at-most"
    MORE_THAN = "more-than"
    ABOUT = "about"


#: Whether a period is active on a day: certainly (ACTIVE), certainly not (INACTIVE), or
#: cannot be told from what is known of its dates (UNKNOWN). See :mod:`domain.dates`.
class Activity(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"


#: How precisely a date is known: to the day, the month or the year.
class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


#: What kind of organisation a partner is.
class PartnerKind(StrEnum):
    CAF = "caf"
    CNAF = "cnaf"
    EPCI = "epci"
    COMMUNE = "commune"
    CONSEIL_DEPARTEMENTAL = "conseil-departemental"
    CONSEIL_REGIONAL = "conseil-regional"
    ETAT = "etat"
    MSA = "msa"
    CPAM = "cpam"
    FRANCE_TRAVAIL = "france-travail"
    ASSOCIATION = "association"
    CONSULTANCY = "consultancy"
    OTHER = "other"


#: How one contract relates to another: it succeeds (replaces), declines (implements) or
#: amends it. The values are the dataset format's words.
class ContractRelation(StrEnum):
    SUCCEEDS = "succeeds"
    DECLINES = "declines"
    AMENDS = "amends"


#: The relationship type of each contract relation in the graph.
RELATIONSHIP_TYPE: Mapping[ContractRelation, LiteralString] = MappingProxyType(
    {
        ContractRelation.SUCCEEDS: "SUCCEEDS",
        ContractRelation.DECLINES: "DECLINES",
        ContractRelation.AMENDS: "AMENDS",
    }
)
