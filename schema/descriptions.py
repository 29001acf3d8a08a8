"""Descriptions of the arguments and input fields that recur across the schema (`filter`,
`sort`, `provenance`, `start`…), written once here instead of on every resolver, and
filled into the schema where the code gave none. A unit test keeps every type, field and
argument of the schema described."""

from __future__ import annotations

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

#: Argument descriptions by name, for every field that has the argument.
ARGUMENTS = {
    "filter": "Conditions on the contracts (all must hold).",
    "sort": "Order of the list.",
    "themes": "Only fiches actions on any of these theme codes (`jeunesse`, `petite-enfance`…).",
    "kinds": "Only these kinds.",
    "direction": "Only the fundings it pays, or only those it receives (default: both).",
    "on": "The date.",
    "id": "A global id (the `id` field of a node).",
    "ids": "Global ids.",
    "key": "Key of the object.",
    "code": "The code.",
    "kind": "Kind of the territory, when its code is ambiguous (`84`: REGION or DEPARTEMENT).",
    "text": "Words to look for (accents and case ignored).",
    "covering_kind": "Kind of the `covering` territory (REGION for a région code).",
    "coveringKind": "Kind of the `covering` territory (REGION for a région code).",
    "input": "The new object, in the dataset format's terms (docs/dataset-format.md).",
    "patch": "The fields to change; those left out keep their value.",
    "provenance": "Where the change comes from (a source key) and how sure it is.",
    "contract": "Key of the contract.",
    "partner": "Key of the partner.",
    "signatory": "Who signed, with role and date.",
    "territory": "Exactly one territory.",
    "number": "Number of the axis in the contract.",
    "title": "Title.",
    "action": "Key of the fiche action.",
    "theme": "Theme code (data/vocabularies/themes.yaml).",
    "start": "First date.",
    "end": "Last date (included when a step lands on it).",
    "step": "Step between dates.",
    "predecessor": "Kind of the contracts replaced (default `cej`).",
    "successor": "Kind of the contracts replacing them (default `ctg`).",
    "a": "Key of one partner.",
    "b": "Key of the other partner.",
}

#: Input field (and result field) descriptions by name, for every type that has one.
FIELDS = {
    "commune": "INSEE code of a commune (5 characters).",
    "epci": "SIREN of an EPCI (9 digits).",
    "departement": "Code of a département (`15`, `2A`, `974`).",
    "region": "Code of a région (`84`).",
    "subTerritory": "Key of a sub-territory defined in a dataset.",
    "key": "Key (lower-case letters, digits and dashes).",
    "kind": "Kind (a code of the vocabulary, or an enum value).",
    "name": "Name.",
    "title": "Title.",
    "siren": "SIREN number (9 digits).",
    "aliases": "Other names it goes by, as written in sources.",
    "publisher": "Who published it.",
    "date": "Publication date.",
    "url": "Where to read it online (http or https).",
    "file": "Path of a copy kept with the data.",
    "note": "A note about the source.",
    "status": "Where it stands.",
    "statusAsOf": "Date the source shows that status.",
    "signedOn": "Date of signature.",
    "start": "First day it applies.",
    "end": "Last day it applies (inclusive).",
    "durationYears": "Duration in years, when the source gives one.",
    "signatories": "Partners signing it.",
    "covers": "Territories it covers.",
    "relations": "Its relations to other contracts.",
    "role": "Role, as the source words it.",
    "type": "Which relation.",
    "number": "Number in the contract.",
    "payer": "Key of the paying partner.",
    "payee": "Key of the receiving partner.",
    "amount": "Amount, in `currency`.",
    "amountQualifier": "Exact, a ceiling (at most), a floor (more than) or approximate.",
    "currency": "Currency (EUR).",
    "tax": "HT or TTC, when stated.",
    "year": "Year it concerns.",
    "share": "Share of another funding, as a fraction (0–1).",
    "shareQualifier": "How exact the share is.",
    "shareOf": "Key of the funding it is a share of.",
    "purpose": "What it pays for.",
    "territory": "The territory it concerns.",
    "contracts": "Keys of the contracts it concerns.",
    "source": "The saved source.",
    "partner": "The saved partner.",
    "contract": "The contract, as saved.",
    "axis": "The saved axis.",
    "action": "The fiche action, as saved.",
    "funding": "The saved funding.",
}

#: Union types (their members are described).
UNIONS = "What a curation mutation answers: the saved object, or why nothing was written."


def describe(schema: GraphQLSchema) -> None:
    """Fill the descriptions the code left out (never overwrite one)."""
    for name, named in schema.type_map.items():
        if name.startswith("__"):
            continue
        _describe_type(named)


def _describe_type(named: GraphQLNamedType) -> None:
    if isinstance(named, GraphQLUnionType) and not named.description:
        named.description = UNIONS
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        return
    for field_name, field in named.fields.items():
        if not field.description and field_name in FIELDS:
            field.description = FIELDS[field_name]
        for arg_name, arg in getattr(field, "args", {}).items():
            if not arg.description and arg_name in ARGUMENTS:
                arg.description = ARGUMENTS[arg_name]
