"""A project-local Neo4j Community server, built from Maven Central jars.

Neo4j's own archives and Docker images cannot be fetched on every machine, but its jars
can, through ``mvn``. This module:

1. **installs** the jars of :data:`graph.settings.NEO4J_VERSION` once into
   ``.local/neo4j/dist/<version>/lib`` (an interrupted download is redone, a complete one
   reused);
2. **configures** an *instance* folder (``conf/``, ``data/``, ``logs/``, ``run/``): Bolt on
   127.0.0.1 only, HTTP off, explicit heap and page cache, usage report off, every
   ``server.directories.*`` inside the instance, and a random password for ``neo4j``
   (auth stays on) kept in ``<instance>/password`` (mode 0600);
3. **starts** ``org.neo4j.server.CommunityEntryPoint`` in the background with the JVM
   flags the normal launcher would add, and waits until its database answers a query
   (Bolt opens seconds before the first query is answered: the query engine loads then);
4. **stops** it with SIGTERM (Neo4j shuts down cleanly on it), then SIGKILL after a
   grace period, so no JVM is left behind.

Several instances may share one installation (the test suite runs a throwaway one).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

from domain.errors import LocalServerError, MissingToolError, PortInUseError
from domain.resources import NEO4J_POM
from graph.settings import LocalServerSettings, Neo4jConnection, local_server_settings

POM = NEO4J_POM
MIN_JAVA = 17
_JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
)
_MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
_ADMIN_CLASS = "org.neo4j.cli.AdminTool"
#: What a server that is down, starting or restarting answers (rather than a result).
_NOT_ANSWERING = (ServiceUnavailable, SessionExpired, TransientError, OSError)

Report = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


@dataclass(frozen=True)
class ServerStatus:
    """What ``ctg db status`` reports."""

    installed: bool
    running: bool
    answering: bool
    pid: int | None
    uri: str
    instance_dir: Path
    version: str


def java_major_version() -> int:
    """Return the major version of the ``java`` on PATH.

    Raises:
        MissingToolError: java is missing or older than 17.
    """
    java = shutil.which("java")
    if java is None:
        raise MissingToolError(
            "Java is not installed (no `java` on PATH). The local Neo4j needs Java 17 or 21: "
            "install OpenJDK 17 (Debian: apt-get install openjdk-17-jre-headless), or set "
            "NEO4J_URI to use a Neo4j you already run."
        )
    out = subprocess.run(
        [java, "-version"], capture_output=True, text=True, check=False, timeout=60
    )
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if match is None:
        raise MissingToolError(f"Could not read the version of {java}: {out.stderr.strip()!r}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0" style
        major = int(match.group(2))
    if major < MIN_JAVA:
        raise MissingToolError(
            f"{java} is Java {major}; Neo4j 5.26 needs Java 17 or 21. Install OpenJDK 17 "
            "and put it first on PATH, or set NEO4J_URI to use an existing Neo4j."
        )
    return major


def lib_dir(settings: LocalServerSettings) -> Path:
    """The folder of the installed jars for ``settings.version``."""
    return settings.dist_root / settings.version / "lib"


def is_installed(settings: LocalServerSettings) -> bool:
    """True when the jars of ``settings.version`` are completely installed."""
    return (lib_dir(settings) / ".complete").is_file()


def install(settings: LocalServerSettings, report: Report = _quiet) -> Path:
    """Install the Neo4j jars with Maven, once; return the lib folder.

    The jars are copied into a temporary folder renamed into place only when Maven
    succeeded, so an interrupted install never passes for a complete one.

    Raises:
        MissingToolError: ``mvn`` is not installed.
        LocalServerError: Maven failed (its last output lines are included).
    """
    target = lib_dir(settings)
    if is_installed(settings):
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingToolError(
            "Maven is not installed (no `mvn` on PATH); it fetches the Neo4j jars. Install "
            "it (Debian: apt-get install maven), or set NEO4J_URI to use an existing Neo4j."
        )
    partial = target.with_name("lib.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    report(f"Fetching Neo4j {settings.version} jars with Maven into {target} (first time only)")
    result = subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-Dneo4j.version={settings.version}",
            f"-DoutputDirectory={partial}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    jars = list(partial.glob("*.jar"))
    if result.returncode != 0 or not any(j.name.startswith("neo4j-server-") for j in jars):
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        shutil.rmtree(partial, ignore_errors=True)
        raise LocalServerError(
            f"Maven could not fetch Neo4j {settings.version} (exit {result.returncode}). "
            f"Check that Maven Central is reachable, then run `ctg db install` again.\n{tail}"
        )
    (partial / ".complete").write_text(f"{settings.version}\n{len(jars)} jars\n")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    report(f"Installed {len(jars)} jars of Neo4j {settings.version}")
    return target


class LocalNeo4j:
    """One instance of the project-local server (a folder with its conf and data)."""

    def __init__(self, settings: LocalServerSettings) -> None:
        self.settings = settings
        self.home = settings.instance_dir

    # -- paths and identity -------------------------------------------------------------
    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "ctg-neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        """The Bolt port: the one the running server was started with, else the setting."""
        recorded = self.home / "run" / "bolt-port"
        if self.pid() is not None and recorded.is_file():
            return int(recorded.read_text().strip())
        return self.settings.port

    def connection(self) -> Neo4jConnection:
        """Connection settings for this instance (it must have been configured)."""
        if not self.password_file.is_file():
            raise LocalServerError(
                f"The local Neo4j in {self.home} has never been started; run `ctg db start`."
            )
        return Neo4jConnection(
            uri=self.uri,
            user="neo4j",
            password=self.password_file.read_text().strip(),
            database="neo4j",
            local=True,
        )

    # -- lifecycle ----------------------------------------------------------------------
    def configure(self) -> None:
        """Write ``conf/neo4j.conf`` and, before the first start, set the password."""
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        (self.conf_dir / "neo4j.conf").write_text(self._conf_text())
        if self.password_file.is_file():
            return
        password = new_password()
        result = subprocess.run(
            [
                self._java(),
                "-cp",
                str(lib_dir(self.settings) / "*"),
                _ADMIN_CLASS,
                "dbms",
                "set-initial-password",
                password,
            ],
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise LocalServerError(
                f"Could not set the initial Neo4j password in {self.home}: "
                f"{(result.stdout + result.stderr).strip()[-800:]}"
            )
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")

    def start(self, timeout: float = 180.0, report: Report = _quiet) -> Neo4jConnection:
        """Start the server in the background (install and configure it if needed).

        Returns as soon as the database answers a query; idempotent when already running.

        Raises:
            MissingToolError, PortInUseError, LocalServerError: with what to do.
        """
        if self.pid() is not None:
            connection = self.connection()
            self._wait_for_bolt(connection, timeout)
            return connection
        java_major_version()
        install(self.settings, report)
        _ensure_port_free(self.settings.port)
        self.configure()
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        report(f"Starting Neo4j {self.settings.version} on {self.uri} (data in {self.home})")
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                self._server_command(),
                cwd=self.home,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        (self.home / "run" / "bolt-port").write_text(f"{self.settings.port}\n")
        connection = self.connection()
        try:
            self._wait_for_bolt(connection, timeout)
        except BaseException:
            # the JVM may be running although the pid file check lost it: never leave it
            if not self.stop():
                _terminate(process)
            raise
        report(f"Neo4j answers on {self.uri}")
        return connection

    def stop(self, timeout: float = 90.0, report: Report = _quiet) -> bool:
        """Stop the server; return False when it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        report(f"Stopping Neo4j (pid {pid})")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            report(f"Neo4j did not stop within {timeout:.0f}s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    def pid(self) -> int | None:
        """The pid of this instance's running JVM, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not _alive(pid):
            return None
        # A recycled pid must not be mistaken for our server. A JVM that is exiting (just
        # killed) has an empty command line but still holds its port: it is still ours.
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            command = ""
        if command and str(self.home) not in command:
            return None
        return pid

    def status(self) -> ServerStatus:
        """Whether the instance is installed, running, and answering Bolt."""
        pid = self.pid()
        answering = False
        if pid is not None:
            try:
                self._ping(self.connection())
                answering = True
            except (*_NOT_ANSWERING, AuthError, LocalServerError):
                answering = False
        return ServerStatus(
            installed=is_installed(self.settings),
            running=pid is not None,
            answering=answering,
            pid=pid,
            uri=self.uri,
            instance_dir=self.home,
            version=self.settings.version,
        )

    # -- internals ----------------------------------------------------------------------
    def _java(self) -> str:
        java = shutil.which("java")
        if java is None:
            java_major_version()  # raises the explanatory error
        return str(java)

    def _env(self) -> dict[str, str]:
        return {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}

    def _server_command(self) -> list[str]:
        heap = self.settings.heap
        return [
            self._java(),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *_JVM_FLAGS,
            "-cp",
            str(lib_dir(self.settings) / "*"),
            _MAIN_CLASS,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]

    def _conf_text(self) -> str:
        s, home = self.settings, self.home
        return "\n".join(
            [
                "# Written by ctg-graph (graph/local_server.py) at every start; edit the",
                "# CTG_NEO4J_* environment variables instead of this file.",
                f"server.directories.data={home / 'data'}",
                f"server.directories.logs={home / 'logs'}",
                f"server.directories.run={home / 'run'}",
                f"server.directories.plugins={home / 'plugins'}",
                f"server.directories.import={home / 'import'}",
                f"server.directories.lib={lib_dir(s)}",
                f"server.directories.transaction.logs.root={home / 'data' / 'transactions'}",
                "server.default_listen_address=127.0.0.1",
                "server.default_advertised_address=127.0.0.1",
                f"server.bolt.listen_address=127.0.0.1:{s.port}",
                f"server.bolt.advertised_address=127.0.0.1:{s.port}",
                "server.http.enabled=false",
                "server.https.enabled=false",
                f"server.memory.heap.initial_size={s.heap}",
                f"server.memory.heap.max_size={s.heap}",
                f"server.memory.pagecache.size={s.pagecache}",
                "dbms.security.auth_enabled=true",
                "dbms.usage_report.enabled=false",
                "db.tx_log.rotation.retention_policy=2 files",
                "",
            ]
        )

    def _ping(self, connection: Neo4jConnection) -> None:
        # A query, not just verify_connectivity(): Bolt accepts logins seconds before the
        # first query is answered, and whoever starts the server wants to query it.
        with GraphDatabase.driver(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
            connection.uri,
            auth=(connection.user, connection.password),
            connection_timeout=2.0,
            max_connection_pool_size=1,
            max_transaction_retry_time=0.0,  # the callers loop themselves
        ) as driver:
            driver.execute_query("RETURN 1", database_=connection.database)

    def _wait_for_bolt(self, connection: Neo4jConnection, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            pid = self.pid()
            if pid is None:
                raise LocalServerError(
                    f"Neo4j exited during start-up. Last lines of {self.console_log}:\n"
                    + _tail(self.console_log)
                )
            try:
                self._ping(connection)
                return
            except AuthError as error:
                raise LocalServerError(
                    f"Neo4j in {self.home} refuses the password in {self.password_file}: "
                    f"{error.message}. Delete {self.home} to start from an empty database."
                ) from error
            except _NOT_ANSWERING as error:
                last_error = error
                time.sleep(0.5)
        raise LocalServerError(
            f"Neo4j did not answer on {connection.uri} within {timeout:.0f}s "
            f"(last error: {last_error}). Last lines of {self.console_log}:\n"
            + _tail(self.console_log)
        )


def throwaway_instance(folder: Path, heap: str = "1g", pagecache: str = "512m") -> LocalNeo4j:
    """An instance in ``folder/instance`` on a port free right now (not started yet).

    It keeps that port across restarts, so tests can stop or kill it and start it again
    with the same data and password.
    """
    env = {
        **os.environ,
        "CTG_NEO4J_DIR": str(folder / "instance"),
        "CTG_NEO4J_PORT": str(free_port()),
        "CTG_NEO4J_HEAP": heap,
        "CTG_NEO4J_PAGECACHE": pagecache,
    }
    return LocalNeo4j(local_server_settings(env))


@contextlib.contextmanager
def throwaway_server(
    base: Path | None = None, heap: str = "1g", pagecache: str = "512m"
) -> Generator[Neo4jConnection, None, None]:
    """A fresh local Neo4j on a free port, for tests and benchmarks; always stopped after.

    Its instance lives in ``base/instance`` (a temporary folder, deleted afterwards, when
    ``base`` is None).
    """
    folder = base or Path(tempfile.mkdtemp(prefix="ctg-neo4j-"))
    server = throwaway_instance(folder, heap, pagecache)
    try:
        yield server.start()
    finally:
        server.stop()
        if base is None:
            shutil.rmtree(folder, ignore_errors=True)


def _ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise PortInUseError(
                f"Port {port} on 127.0.0.1 is already taken ({error.strerror}), so the local "
                "Neo4j cannot listen there. Stop whatever uses it, or choose another port "
                "with CTG_NEO4J_PORT=7688 (or `ctg db start --port 7688`)."
            ) from error


_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_password(length: int = 24) -> str:
    """A random password of letters and digits.

    ``secrets.token_urlsafe`` may start with ``-``, which neo4j-admin then reads
    as an option and refuses (a CI run failed on exactly that).
    """
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process this module started, politely first."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
    if Path("/proc/self").exists():
        # Every thread, not just the main one: a killed JVM's main thread turns zombie
        # while its other threads still hold its files (the Bolt port, the store lock),
        # and a restart in that window found the port taken.
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except (FileNotFoundError, NotADirectoryError, ProcessLookupError):
            return False
        return any(_thread_running(task / "stat") for task in tasks)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _thread_running(stat: Path) -> bool:
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError, ProcessLookupError):
        return False  # the thread is gone
    return state not in ("Z", "X")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path} does not exist)"
