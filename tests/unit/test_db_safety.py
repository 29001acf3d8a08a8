"""Disk and database safety without a server: the Neo4j settings ctg writes, the extra
settings file, the free-space estimate and refusal, the journal of loads, and what
``ctg db status`` says for each state (issue 17)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from neo4j.exceptions import Neo4jError

from domain.errors import ConfigurationError, LocalServerError
from graph.disk_space import FLOOR_BYTES, dataset_bytes, ensure_free_space, reference_bytes
from graph.driver import connection_lost
from graph.load_journal import RecordedLoad, loads_to_replay, record_load
from graph.local_server import STATES, LocalNeo4j
from graph.settings import local_server_settings
from tests.conftest import run_ctg


def _conf(
    tmp_path: Path, extra: str | None = None, env_extra: Path | None = None
) -> dict[str, str]:
    env = {"CTG_NEO4J_DIR": str(tmp_path / "instance")}
    if env_extra is not None:
        env["CTG_NEO4J_CONF_EXTRA"] = str(env_extra)
    server = LocalNeo4j(local_server_settings(env))
    if extra is not None:
        (server.home / "conf").mkdir(parents=True)
        (server.home / "conf" / "neo4j.extra.conf").write_text(extra)
    lines = [line for line in server._conf_text().splitlines() if not line.startswith("#")]
    names = [line.split("=", 1)[0] for line in lines]
    assert len(names) == len(set(names)), "a setting written twice"
    return dict(line.split("=", 1) for line in lines)


def test_the_recovery_settings_are_written(tmp_path: Path) -> None:
    conf = _conf(tmp_path)
    assert conf["db.checkpoint.interval.time"] == "30s"
    assert conf["db.tx_log.preallocate"] == "true"
    assert conf["db.tx_log.rotation.size"] == "32M"
    assert conf["db.recovery.fail_on_missing_files"] == "true"


def test_the_instance_extra_file_overrides_and_adds_settings(tmp_path: Path) -> None:
    conf = _conf(
        tmp_path,
        "# mine\n\ndb.checkpoint.interval.time = 5m\ndb.transaction.timeout=60s\n",
    )
    assert conf["db.checkpoint.interval.time"] == "5m"
    assert conf["db.transaction.timeout"] == "60s"
    assert conf["server.http.enabled"] == "false"  # the rest is ctg's


def test_ctg_neo4j_conf_extra_names_the_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.conf"
    extra.write_text("db.logs.query.enabled=OFF\n")
    assert _conf(tmp_path, env_extra=extra)["db.logs.query.enabled"] == "OFF"


def test_a_bad_extra_line_is_refused_with_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"neo4j\.extra\.conf, line 2: .*name=value"):
        _conf(tmp_path, "db.tx_log.preallocate=true\nthis is not a setting\n")


def test_jvm_options_in_the_extra_file_are_refused_with_why(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"line 1: server\.jvm\.additional.*HEAP"):
        _conf(tmp_path, "server.jvm.additional=-Xss2m\n")


def test_a_missing_ctg_neo4j_conf_extra_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"CTG_NEO4J_CONF_EXTRA=.*not a file"):
        _conf(tmp_path, env_extra=tmp_path / "nowhere.conf")


def test_the_estimate_grows_with_the_input_above_a_floor() -> None:
    assert reference_bytes(0) == FLOOR_BYTES == dataset_bytes(0)
    # all France: 107 661 rows took about 40 MiB; the estimate leaves room for it twice
    assert 2 * 40 * 2**20 < reference_bytes(107_661) - FLOOR_BYTES < 4 * 40 * 2**20
    assert dataset_bytes(1_000_000) > dataset_bytes(1_000)


def test_too_little_space_is_refused_with_what_where_and_how_much(tmp_path: Path) -> None:
    with pytest.raises(LocalServerError) as refused:
        ensure_free_space(tmp_path / "instance", 2**62, "load the reference (all France)")
    message = str(refused.value)
    assert "Not enough disk space to load the reference (all France)" in message
    assert str(tmp_path / "instance") in message
    assert "mounted at /" in message
    assert "free of" in message


def test_the_journal_replays_each_reference_once_then_every_dataset_path(tmp_path: Path) -> None:
    record_load(tmp_path, RecordedLoad("reference", ("/ref",), ("15",), None))
    record_load(tmp_path, RecordedLoad("partnerships", ("/a.yaml",)))
    record_load(tmp_path, RecordedLoad("reference", ("/ref",), ("15",), None))
    record_load(tmp_path, RecordedLoad("partnerships", ("/b", "/a.yaml")))
    assert loads_to_replay(tmp_path) == [
        RecordedLoad("reference", ("/ref",), ("15",), None),
        RecordedLoad("partnerships", ("/a.yaml", "/b")),
    ]
    assert (tmp_path / "loads.json").stat().st_mode & 0o077 == 0


def test_every_state_says_what_to_do() -> None:
    assert set(STATES) >= {"stopped", "running", "panicked", "wrong password", "recovering"}
    assert "ctg db start" in STATES["stopped"]
    assert "free disk space" in STATES["panicked"]
    assert "ctg db restore" in STATES["failed"]
    assert "ctg db rebuild" in STATES["failed"]


def test_a_database_that_will_not_start_is_told_both_ways_out(tmp_path: Path) -> None:
    server = LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(tmp_path)}))
    message = str(server.damaged("Recovery not possible: missing logs"))
    assert "cannot recover by itself: Recovery not possible" in message
    assert "ctg db restore FILE --force" in message
    assert "ctg db rebuild" in message
    assert "through the API" in message


def test_a_database_that_cannot_write_is_one_line_that_says_what_to_do() -> None:
    # what the driver raises when Neo4j's disk fills mid-commit (built as the driver does)
    failure = Neo4jError._hydrate_neo4j(  # pyright: ignore[reportPrivateUsage]
        code="Neo.DatabaseError.Transaction.TransactionLogError",
        message="Could not append transaction to log\nat org.neo4j...",
    )
    lost = connection_lost(failure)
    assert lost is not None
    assert "Could not append transaction to log (Neo.DatabaseError." in str(lost)
    assert "free space" in str(lost)
    assert "ctg db status" in str(lost)
    assert "org.neo4j" not in str(lost)
    query_error = Neo4jError._hydrate_neo4j(  # pyright: ignore[reportPrivateUsage]
        code="Neo.ClientError.Statement.SyntaxError", message="bad"
    )
    assert connection_lost(query_error) is None  # a bug keeps its traceback


def test_the_root_cause_is_read_from_what_neo4j_logged_since_the_start(tmp_path: Path) -> None:
    server = LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(tmp_path)}))
    server.debug_log.parent.mkdir(parents=True)
    server.debug_log.write_text("Caused by: java.io.IOException: an old failure\n")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "debug-log-offset").write_text(f"{server.debug_log.stat().st_size}\n")
    with server.debug_log.open("a") as log:
        log.write(
            "Caused by: org.neo4j.kernel.lifecycle.LifecycleException: Component failed\n"
            "Caused by: java.lang.RuntimeException: Transaction logs are missing and "
            "recovery is not possible.\n"
        )
    cause = server._root_cause_logged()
    assert cause == "Transaction logs are missing and recovery is not possible."


def _ctg(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_ctg(*args, local={"CTG_NEO4J_DIR": str(tmp_path / "instance")}, timeout=120)


def test_restore_refuses_to_replace_a_database_without_force(tmp_path: Path) -> None:
    (tmp_path / "instance" / "data" / "databases" / "neo4j").mkdir(parents=True)
    dump = tmp_path / "old.dump"
    dump.write_bytes(b"not read")
    result = _ctg(tmp_path, "db", "restore", str(dump))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "holds data" in message
    assert "--force" in message


def test_restore_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = _ctg(tmp_path, "db", "restore", str(tmp_path / "nowhere.dump"))
    assert result.returncode == 1
    assert "is not a file" in result.stderr


def test_rebuild_with_nothing_recorded_says_what_else_to_do(tmp_path: Path) -> None:
    result = _ctg(tmp_path, "db", "rebuild")
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "No load is recorded" in message
    assert "ctg db restore" in message
