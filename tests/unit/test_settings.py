from __future__ import annotations

import pytest

from domain.errors import ConfigurationError
from graph.settings import external_connection, local_server_settings


def test_no_neo4j_uri_means_the_local_server() -> None:
    assert external_connection({}) is None


def test_an_external_server_is_read_from_the_environment() -> None:
    connection = external_connection(
        {"NEO4J_URI": "neo4j+s://abc.databases.example:7687", "NEO4J_PASSWORD": "pw"}
    )
    assert connection is not None
    assert (connection.user, connection.database, connection.local) == ("neo4j", "neo4j", False)


def test_an_external_server_without_password_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigurationError, match="NEO4J_PASSWORD"):
        external_connection({"NEO4J_URI": "bolt://127.0.0.1:7687"})


def test_a_uri_that_is_not_neo4j_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"not a Neo4j URI.*bolt://"):
        external_connection({"NEO4J_URI": "http://127.0.0.1:7474", "NEO4J_PASSWORD": "x"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("CTG_NEO4J_PORT", "80"), ("CTG_NEO4J_PORT", "bolt"), ("CTG_NEO4J_HEAP", "2 GB")],
)
def test_bad_local_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        local_server_settings({name: value})


def test_local_settings_default_to_loopback_sized_memory() -> None:
    settings = local_server_settings({})
    assert settings.port == 7687
    assert (settings.heap, settings.pagecache) == ("2g", "1g")
    assert settings.version.startswith("5.26.")
