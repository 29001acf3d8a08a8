"""``ctg run``'s local curator token: made once in the instance folder (0600), reused,
added to the tokens of the server it starts on the loopback, and never made when
NEO4J_URI names another Neo4j or the server listens beyond the loopback. Nothing is
started: the load and the server are replaced by stand-ins."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from cli import output, serve
from domain.errors import LocalServerError
from graph.local_server import LocalNeo4j
from graph.settings import Neo4jConnection, local_server_settings
from web.settings import LOCAL_TOKEN_VARIABLE, TOKENS_VARIABLE, ApiTokens, api_settings


def instance(folder: Path) -> LocalNeo4j:
    return LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(folder)}))


def test_the_token_is_made_once_private_and_reused(tmp_path: Path) -> None:
    server = instance(tmp_path / "instance")
    token, created = server.curator_token()
    assert created
    assert len(token) >= 40
    mode = stat.S_IMODE(server.curator_token_file.stat().st_mode)
    assert mode == 0o600, oct(mode)
    again, created_again = instance(tmp_path / "instance").curator_token()
    assert (again, created_again) == (token, False)


def test_a_token_file_made_readable_by_others_is_made_private_again(tmp_path: Path) -> None:
    server = instance(tmp_path)
    server.curator_token()
    os.chmod(server.curator_token_file, 0o644)
    server.curator_token()
    assert stat.S_IMODE(server.curator_token_file.stat().st_mode) == 0o600


def test_a_spoiled_token_file_says_how_to_make_a_new_one(tmp_path: Path) -> None:
    server = instance(tmp_path)
    server.curator_token_file.write_text("short\n")
    with pytest.raises(LocalServerError, match="delete it and run `ctg run` again"):
        server.curator_token()


class Started:
    """What `ctg run` would have served with: the token settings of the environment."""

    def __init__(self) -> None:
        self.env: dict[str, str | None] = {}
        self.said: list[str] = []

    def say(self, text: str, **_kwargs: Any) -> None:
        self.said.append(text)

    def serve(self, **_kwargs: Any) -> None:
        self.env = {name: os.environ.get(name) for name in (TOKENS_VARIABLE, LOCAL_TOKEN_VARIABLE)}


@pytest.fixture
def run_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[LocalNeo4j, Started]:
    """`ctg run` with a local instance in tmp_path that "starts" without Java."""
    server = instance(tmp_path / "instance")
    started = Started()
    connection = Neo4jConnection("bolt://127.0.0.1:7999", "neo4j", "x", "neo4j", local=True)
    monkeypatch.setattr(server, "pid", lambda: 1)
    monkeypatch.setattr(server, "start", lambda report: connection)
    monkeypatch.setattr(serve, "local_neo4j", lambda: server)
    monkeypatch.setattr(serve, "run_reference_load", lambda *a, **k: None)
    monkeypatch.setattr(serve, "run_partnership_load", lambda *a, **k: None)
    monkeypatch.setattr(serve, "serve", started.serve)
    monkeypatch.setattr(serve, "say_target", lambda uri=None: None)
    monkeypatch.setattr(output.console, "print", started.say)
    for name in ("NEO4J_URI", TOKENS_VARIABLE, LOCAL_TOKEN_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    return server, started


def test_run_on_a_local_instance_serves_with_the_local_token(
    run_here: tuple[LocalNeo4j, Started],
) -> None:
    server, started = run_here
    serve.run()
    token = server.curator_token_file.read_text().strip()
    assert started.env[LOCAL_TOKEN_VARIABLE] == token
    settings = api_settings({k: v for k, v in started.env.items() if v is not None})
    assert settings.tokens.caller(token) == "local-curator"
    assert settings.local_token == token
    said = " ".join(started.said)
    assert f"Made the local curator token in {server.curator_token_file}" in said
    assert token not in said


def test_run_keeps_the_configured_tokens_beside_the_local_one(
    run_here: tuple[LocalNeo4j, Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, started = run_here
    monkeypatch.setenv(TOKENS_VARIABLE, "alice=alice-token-0123456789")
    serve.run()
    assert ApiTokens.parse(started.env[TOKENS_VARIABLE] or "").names == ["alice", "local-curator"]
    # the next `ctg run` (a new process, the same shell) reuses the token
    monkeypatch.setenv(TOKENS_VARIABLE, "alice=alice-token-0123456789")
    monkeypatch.delenv(LOCAL_TOKEN_VARIABLE)
    serve.run()
    assert "Using the local curator token" in started.said[-1]


def test_run_beyond_the_loopback_makes_no_local_token(
    run_here: tuple[LocalNeo4j, Started],
) -> None:
    server, started = run_here
    serve.run(host="0.0.0.0")  # noqa: S104 (the case under test)
    assert not server.curator_token_file.exists()
    assert started.env[LOCAL_TOKEN_VARIABLE] is None
    assert "not the loopback" in " ".join(started.said)


def test_run_on_neo4j_uri_makes_no_local_token(
    run_here: tuple[LocalNeo4j, Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, started = run_here
    external = Neo4jConnection("bolt://db.example:7687", "neo4j", "x", "neo4j", local=False)
    monkeypatch.setattr(serve, "external_connection", lambda: external)
    serve.run()
    assert not server.curator_token_file.exists()
    assert started.env[LOCAL_TOKEN_VARIABLE] is None
    assert started.env[TOKENS_VARIABLE] is None
