"""Which database a command writes to: one name for a local instance (``--instance`` or
``CTG_INSTANCE``) whose port is recorded in its folder, conflicting names refused, and the
first line of every writing command naming its target.

Nothing runs here: the commands are pointed at databases that are not there, so each
prints its first line and then fails to connect (or finds nothing to do)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.errors import ConfigurationError
from domain.resources import PROJECT_ROOT
from graph.settings import describe_target, external_connection, local_server_settings

#: No server listens on port 1: the connection is refused at once.
NOWHERE = "bolt://127.0.0.1:1"


def ctg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``ctg *args`` as a user runs it, with only ``env`` (and PATH) for settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "CTG_"))}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": "300", **env},
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def first_line(result: subprocess.CompletedProcess[str]) -> str:
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
        ({"CTG_INSTANCE": "essai", "CTG_NEO4J_DIR": "/tmp/ailleurs"}, "CTG_NEO4J_DIR"),
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
        f"the local instance 'essai' (bolt://127.0.0.1:7801, database neo4j, folder {folder / 'essai'})"
    )
    assert describe_target(local) == (
        f"the local instance 'default' (bolt://127.0.0.1:7687, database neo4j, folder {folder / 'default'})"
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
        f"the local instance in {elsewhere} (bolt://127.0.0.1:7900, database neo4j) from CTG_NEO4J_DIR"
    )


WRITING_COMMANDS = [
    ("load", "reference", "--departements", "15"),
    ("load", "partnerships"),
    ("db", "migrate"),
    ("run",),
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
    assert result.returncode == 1, result.stderr


def test_local_writing_commands_first_name_the_instance(
    local: dict[str, str], tmp_path: Path
) -> None:
    folder = (tmp_path / "neo4j" / "instances" / "essai").resolve()
    line = f"Writing to the local instance 'essai' (bolt://127.0.0.1:7801, database neo4j, folder {folder})"
    for command in [
        ("--instance", "essai", "load", "partnerships"),
        ("--instance", "essai", "db", "migrate"),
        ("--instance", "essai", "db", "rebuild"),
        ("--instance", "essai", "db", "restore", str(tmp_path / "no.dump")),
    ]:
        result = ctg(*command, env=local)
        assert first_line(result) == line, (command, result.stderr)
        assert result.returncode == 1, result.stderr
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
    assert both.returncode == 1
    assert "Writing to" not in both.stderr
    assert "NEO4J_URI" in both.stderr and "--instance" in both.stderr
    two = ctg("--instance", "essai", "db", "migrate", env={**local, "CTG_INSTANCE": "autre"})
    assert two.returncode == 1
    assert "name different local instances" in " ".join(two.stderr.split())


def test_the_option_is_in_the_root_help() -> None:
    result = ctg("--help", env={})
    assert "--instance" in result.stdout
    assert "CTG_INSTANCE" in result.stdout
