"""The local server's configuration and pre-flight checks (nothing is started here)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain.errors import LocalServerError, MissingToolError, PortInUseError
from graph.local_server import (
    LocalNeo4j,
    _ensure_port_free,
    free_port,
    install,
    is_installed,
    java_major_version,
    new_password,
)
from graph.settings import local_server_settings


def test_the_configuration_listens_on_loopback_only_with_http_off(tmp_path: Path) -> None:
    settings = local_server_settings(
        {"CTG_NEO4J_DIR": str(tmp_path), "CTG_NEO4J_PORT": "7799", "CTG_NEO4J_HEAP": "768m"}
    )
    conf = LocalNeo4j(settings)._conf_text()
    lines = dict(line.split("=", 1) for line in conf.splitlines() if "=" in line)
    assert lines["server.bolt.listen_address"] == "127.0.0.1:7799"
    assert lines["server.default_listen_address"] == "127.0.0.1"
    assert lines["server.http.enabled"] == "false"
    assert lines["server.https.enabled"] == "false"
    assert lines["dbms.security.auth_enabled"] == "true"
    assert lines["dbms.usage_report.enabled"] == "false"
    assert lines["server.memory.heap.max_size"] == "768m"
    assert all(
        value.startswith(str(tmp_path))
        for key, value in lines.items()
        if key.startswith("server.directories.") and key != "server.directories.lib"
    )


def test_a_taken_port_is_reported_with_how_to_choose_another() -> None:
    port = free_port()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(PortInUseError, match=rf"Port {port}.*CTG_NEO4J_PORT"):
            _ensure_port_free(port)


def test_a_stale_pid_file_does_not_pass_for_a_running_server(tmp_path: Path) -> None:
    server = LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(tmp_path)}))
    server.pid_file.parent.mkdir(parents=True)
    server.pid_file.write_text("1\n")  # pid 1 is alive but is not our JVM
    assert server.pid() is None
    assert server.stop() is False


def test_missing_java_is_reported_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match=r"Java is not installed.*NEO4J_URI"):
        java_major_version()


def test_an_old_java_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "java"
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match=r"Java 11; Neo4j 5\.26 needs Java 17"):
        java_major_version()


def test_missing_maven_is_reported_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = local_server_settings({"CTG_LOCAL_DIR": str(tmp_path / "local")})
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingToolError, match=r"Maven is not installed.*NEO4J_URI"):
        install(settings)
    assert not is_installed(settings)
    assert not (tmp_path / "local").exists()


def test_generated_passwords_never_look_like_a_command_line_option() -> None:
    # neo4j-admin refused a password starting with "-" and CI failed once in 64 runs.
    passwords = [new_password() for _ in range(2000)]
    assert all(p.isalnum() and len(p) == 24 for p in passwords)
    assert len(set(passwords)) == len(passwords)


#: A process whose main thread exits while another thread goes on: what a JVM killed with
#: SIGKILL looks like for a moment (main thread a zombie with an empty command line, other
#: threads still holding its files), long enough for a restart to find its port taken.
_MAIN_THREAD_GONE_FIRST = (
    "import ctypes, threading, time\n"
    "threading.Thread(target=time.sleep, args=(1.5,)).start()\n"
    "ctypes.CDLL(None).pthread_exit(None)\n"
)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_server_is_running_until_its_last_thread_has_exited(tmp_path: Path) -> None:
    server = LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(tmp_path)}))
    process = subprocess.Popen(
        [sys.executable, "-c", _MAIN_THREAD_GONE_FIRST, f"--home-dir={tmp_path}"]
    )
    try:
        server.pid_file.parent.mkdir(parents=True)
        server.pid_file.write_text(f"{process.pid}\n")
        stat = Path(f"/proc/{process.pid}/stat")
        deadline = time.monotonic() + 10
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline, "the main thread never exited"
            time.sleep(0.01)
        assert server.pid() == process.pid, "its other thread still runs"
        process.wait(timeout=10)
        assert server.pid() is None
    finally:
        process.kill()
        process.wait()


def test_a_start_that_fails_leaves_no_process_behind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Even when the pid check lost the process (the failure that left a JVM orphaned
    once), the process start() launched is stopped."""
    import graph.local_server as local

    server = LocalNeo4j(local_server_settings({"CTG_NEO4J_DIR": str(tmp_path)}))
    (tmp_path / "run").mkdir()
    monkeypatch.setattr(local, "java_major_version", lambda: 17)
    monkeypatch.setattr(local, "install", lambda *_: tmp_path)
    monkeypatch.setattr(local, "_ensure_port_free", lambda _port: None)
    monkeypatch.setattr(LocalNeo4j, "configure", lambda self: None)
    monkeypatch.setattr(LocalNeo4j, "pid", lambda self: None)
    monkeypatch.setattr(LocalNeo4j, "_server_command", lambda self: ["sleep", "300"])
    monkeypatch.setattr(LocalNeo4j, "connection", lambda self: None)
    launched: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process: subprocess.Popen[bytes] = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        launched.append(process)
        return process

    def never_answers(self: LocalNeo4j, _connection: object, _timeout: float) -> None:
        raise LocalServerError("Neo4j exited during start-up.")

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    monkeypatch.setattr(LocalNeo4j, "_wait_for_bolt", never_answers)
    with pytest.raises(LocalServerError):
        server.start(timeout=1)
    (process,) = launched
    assert process.poll() is not None, "the launched server process is still running"
