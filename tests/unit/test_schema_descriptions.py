"""The schema documents itself: every type, field, argument and enum value is described."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from schema import schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed() -> list[str]:
    missing: list[str] = []
    for name, named in schema._schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not named.description:
            missing.append(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
    return missing


def test_every_type_field_and_argument_has_a_description() -> None:
    assert undescribed() == []


def test_the_schema_has_every_kind_of_node_of_the_graph_model() -> None:
    types = schema._schema.type_map
    kinds = "Commune EPCI Departement Region SubTerritory Partner Person Contract Axis Action"
    for name in (*kinds.split(), "Theme", "Funding", "Body", "Source"):
        node = types[name]
        assert isinstance(node, GraphQLObjectType)
        assert "Node" in {i.name for i in node.interfaces}, name
    assert isinstance(types["ContractStatus"], GraphQLEnumType)
