"""Which database a command writes to: one name for a local instance (``--instance`` or
``CTG_INSTANCE``) whose port is recorded in its folder, conflicting names refused, and the
first line of every writing command naming its target.

Nothing runs here: the commands are pointed at databases that are not there, so each
prints its first line and then fails to connect (or finds nothing to do)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from domain.errors import ConfigurationError
from graph.settings import describe_target, external_connection, local_server_settings

#: No server listens on port 1: the connection is refused at once.
NOWHERE = "bolt://127.0.0.1:1"


#: Every variable that names a database, unset for each run unless given (and restored
#: after it, also CTG_INSTANCE that ``--instance`` sets).
_TARGET_VARIABLES = (
    "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE",
    "CTG_INSTANCE", "CTG_NEO4J_DIR", "CTG_NEO4J_PORT", "CTG_LOCAL_DIR",
)  # fmt: skip
runner = CliRunner()


def ctg(*args: str, env: dict[str, str]) -> Result:
    """``ctg *args`` in this process, with only ``env`` naming a database."""
    settings: dict[str, str | None] = dict.fromkeys(_TARGET_VARIABLES)
    result = runner.invoke(
        app, list(args), env={**settings, "COLUMNS": "300", **env}, prog_name="ctg"
    )
    assert "CTG_INSTANCE" not in os.environ
    return result


def first_line(result: Result) -> str:
    return " ".join(result.stderr.split("\n", 1)[0].split())


@pytest.fixture
def local(tmp_path: Path) -> dict[str, str]:
    """A ``CTG_LOCAL_DIR`` with an instance 'essai' recorded as started on port 7801."""
    essai = tmp_path / "neo4j" / "instances" / "essai"
    essai.mkdir(parents=True)
    (essai / "port").write_text("7801\n")
    return {"CTG_LOCAL_DIR": str(tmp_path)}


def test_a_named_instance_is_its_folder_with_its_recorded_port(local: dict[str, str]) -> None:
    settings = local_server_settings({**local, "CTG_INSTANCE": "essai"})
    assert settings.instance_dir == Path(local["CTG_LOCAL_DIR"]).resolve() / "neo4j/instances/essai"
    assert settings.port == 7801
    # CTG_NEO4J_PORT still wins (a new port for the next start)
    assert (
        local_server_settings({**local, "CTG_INSTANCE": "essai", "CTG_NEO4J_PORT": "7802"}).port
        == 7802
    )
    # the default instance stays on 7687; a new named one gets a port of its own
    assert local_server_settings(local).port == 7687
    assert local_server_settings({**local, "CTG_INSTANCE": "neuve"}).port != 7687


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"CTG_INSTANCE": "essai", "NEO4J_URI": NOWHERE}, "NEO4J_URI"),
        ({"CTG_INSTANCE": "essai", "CTG_NEO4J_DIR": "elsewhere"}, "CTG_NEO4J_DIR"),
        ({"CTG_INSTANCE": "../etc"}, "not an instance name"),
    ],
)
def test_conflicting_or_bad_names_are_refused(
    local: dict[str, str], env: dict[str, str], said: str
) -> None:
    with pytest.raises(ConfigurationError, match=said):
        local_server_settings({**local, **env})
    if "NEO4J_URI" in env:  # the server it names is refused too, not used instead
        with pytest.raises(ConfigurationError, match=said):
            external_connection({**local, "NEO4J_PASSWORD": "x", **env})


def test_the_target_in_words(local: dict[str, str]) -> None:
    folder = Path(local["CTG_LOCAL_DIR"]).resolve() / "neo4j" / "instances"
    assert describe_target({**local, "CTG_INSTANCE": "essai"}) == (
        "the local instance 'essai' "
        f"(bolt://127.0.0.1:7801, database neo4j, folder {folder / 'essai'})"
    )
    assert describe_target(local) == (
        "the local instance 'default' "
        f"(bolt://127.0.0.1:7687, database neo4j, folder {folder / 'default'})"
    )
    assert (
        describe_target(
            {
                "NEO4J_URI": "neo4j://db.example:7687",
                "NEO4J_PASSWORD": "x",
                "NEO4J_DATABASE": "ctg",
                "NEO4J_USER": "ana",
            }
        )
        == "neo4j://db.example:7687 (database ctg, user ana) from NEO4J_URI"
    )
    elsewhere = Path(local["CTG_LOCAL_DIR"]).resolve() / "ailleurs"
    assert describe_target(
        {**local, "CTG_NEO4J_DIR": str(elsewhere), "CTG_NEO4J_PORT": "7900"}
    ) == (
        f"the local instance in {elsewhere} "
        "(bolt://127.0.0.1:7900, database neo4j) from CTG_NEO4J_DIR"
    )


#: Writing commands, with arguments that make them stop soon after their first line.
WRITING_COMMANDS = [
    ("load", "reference", "--data-dir", "no-such-folder"),
    ("load", "partnerships", "no-such-dataset.yaml"),
    ("db", "migrate"),
]


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=" ".join)
def test_every_writing_command_first_names_the_server_of_neo4j_uri(
    command: tuple[str, ...],
) -> None:
    env = {
        "NEO4J_URI": NOWHERE,
        "NEO4J_PASSWORD": "x",
        "NEO4J_DATABASE": "ctg",
        "NEO4J_USER": "ana",
    }
    result = ctg(*command, env=env)
    assert first_line(result) == f"Writing to {NOWHERE} (database ctg, user ana) from NEO4J_URI"
    assert result.exit_code == 1, result.stderr


def test_local_writing_commands_first_name_the_instance(
    local: dict[str, str], tmp_path: Path
) -> None:
    folder = (tmp_path / "neo4j" / "instances" / "essai").resolve()
    line = (
        "Writing to the local instance 'essai' "
        f"(bolt://127.0.0.1:7801, database neo4j, folder {folder})"
    )
    for command in [
        ("--instance", "essai", "load", "partnerships"),
        ("--instance", "essai", "db", "migrate"),
        ("--instance", "essai", "db", "rebuild"),
        ("--instance", "essai", "db", "restore", str(tmp_path / "no.dump")),
    ]:
        result = ctg(*command, env=local)
        assert first_line(result) == line, (command, result.stderr)
        assert result.exit_code == 1, result.stderr
    # the variable names it the same way
    assert first_line(ctg("db", "migrate", env={**local, "CTG_INSTANCE": "essai"})) == line


def test_naming_two_targets_is_refused_before_anything_runs(local: dict[str, str]) -> None:
    both = ctg(
        "--instance",
        "essai",
        "load",
        "partnerships",
        env={**local, "NEO4J_URI": NOWHERE, "NEO4J_PASSWORD": "x"},
    )
    assert isinstance(both.exception, ConfigurationError)
    assert "Writing to" not in both.stderr
    assert "NEO4J_URI" in str(both.exception)
    assert "--instance" in str(both.exception)
    two = ctg("--instance", "essai", "db", "migrate", env={**local, "CTG_INSTANCE": "autre"})
    assert isinstance(two.exception, ConfigurationError)
    assert "name different local instances" in str(two.exception)


def test_the_option_is_in_the_root_help() -> None:
    result = ctg("--help", env={})
    assert "--instance" in result.stdout
    assert "CTG_INSTANCE" in result.stdout


def test_serve_on_a_named_instance_hands_its_workers_one_target(
    local: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ctg --instance essai serve`: the workers read NEO4J_URI (the instance's server);
    the instance's name must not travel with it, or the app finds both and refuses."""
    import uvicorn

    import cli.serve
    from graph.settings import Neo4jConnection

    served: list[Neo4jConnection | None] = []
    here = Neo4jConnection("bolt://127.0.0.1:7801", "neo4j", "secret", "neo4j", local=True)
    monkeypatch.setattr(cli.serve, "resolve_connection", lambda: here)
    # what the app does in each worker: read its connection from the environment
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: served.append(external_connection()))
    result = ctg("--instance", "essai", "serve", "--port", "18000", env=local)
    assert result.exit_code == 0, result.output
    assert "the local instance 'essai' (bolt://127.0.0.1:7801" in " ".join(result.output.split())
    assert [c.uri if c else None for c in served] == ["bolt://127.0.0.1:7801"]
