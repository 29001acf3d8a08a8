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
from neo4j.exceptions import (
    AuthError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from domain.errors import LocalServerError, MissingToolError, PortInUseError
from domain.resources import NEO4J_POM
from graph.disk_space import FLOOR_BYTES, ensure_free_space
from graph.neo4j_conf import RECOVERY_SETTINGS, conf_text, extra_conf_path, read_extra_settings
from graph.settings import (
    INSTANCE_VARIABLE,
    PORT_FILE,
    LocalServerSettings,
    Neo4jConnection,
    local_server_settings,
)

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
    #: one of :data:`STATES`
    state: str = "stopped"
    #: what Neo4j said about that state (its error, the database's status message)
    detail: str = ""


#: What ``ctg db status`` can find, and what each means for a user.
STATES = {
    "stopped": "not running (ctg db start)",
    "starting": "starting: Bolt does not answer yet",
    "recovering": "recovering: Neo4j replays its transaction log after a crash; wait",
    "running": "running and answering",
    "panicked": (
        "panicked: Neo4j stopped writing after a fatal error (often a full disk); free "
        "disk space, then `ctg db stop` and `ctg db start` to recover"
    ),
    "failed": (
        "failed: the database did not start; if it cannot recover, restore the last "
        "backup (`ctg db restore FILE`) or reload everything from files (`ctg db rebuild`)"
    ),
    "wrong password": "refuses the password in <instance>/password",
}


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
    def curator_token_file(self) -> Path:
        """The local curator's API token (``ctg run``), 0600 like the password."""
        return self.home / "curator-token"

    def curator_token(self) -> tuple[str, bool]:
        """The local curator's token, and whether it was just created: made once (a
        random 43-character token, file mode 0600), the same one on every later run.

        Raises:
            LocalServerError: the file is there but holds no usable token.
        """
        path = self.curator_token_file
        if path.is_file():
            token = path.read_text(encoding="utf-8").strip()
            if len(token) < 16 or not token.isascii() or any(c in token for c in " ,="):
                raise LocalServerError(
                    f"{path} does not hold a usable curator token; delete it and run "
                    "`ctg run` again to make a new one."
                )
            os.chmod(path, 0o600)  # copied in by hand, it may have been readable by others
            return token, False
        self.home.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(32)
        _write_private(path, token + "\n")
        return token, True

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
        """Write ``conf/neo4j.conf`` and, before the first start, set the password.

        The instance folder is private to its owner (0700, files 0600): it holds the
        password and the store. The password reaches neo4j-admin through an argument file
        (``@file``, read by its command-line parser), never on a command line that any
        user can read in ``ps``.
        """
        text = self._conf_text()  # a bad extra settings file stops here, nothing written
        make_private(self.home)
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(self.conf_dir / "neo4j.conf", text)
        # later commands naming this instance find its port here (see graph.settings)
        _write_private(self.home / PORT_FILE, f"{self.settings.port}\n")
        if self.password_file.is_file():
            return
        password = new_password()
        argument_file = self.home / "run" / "initial-password.args"
        _write_private(argument_file, password + "\n")
        try:
            result = self._admin("dbms", "set-initial-password", f"@{argument_file}")
        finally:
            argument_file.unlink(missing_ok=True)
        if result.returncode != 0:
            raise LocalServerError(
                f"Could not set the initial Neo4j password in {self.home}: "
                f"{(result.stdout + result.stderr).strip()[-800:]}"
            )
        _write_private(self.password_file, password + "\n")

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
        ensure_free_space(self.home, FLOOR_BYTES, f"start Neo4j in {self.home}")
        self.configure()
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        report(f"Starting Neo4j {self.settings.version} on {self.uri} (data in {self.home})")
        # what Neo4j logs from here on is this start's (see database_state)
        offset = self.debug_log.stat().st_size if self.debug_log.is_file() else 0
        (self.home / "run" / "debug-log-offset").write_text(f"{offset}\n")
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                self._server_command(),
                cwd=self.home,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=0o077,  # the store files it creates: its owner's only
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
        """Whether the instance is installed and running, and in which :data:`STATES`."""
        pid = self.pid()
        state, detail = ("stopped", "") if pid is None else self.database_state()
        return ServerStatus(
            installed=is_installed(self.settings),
            running=pid is not None,
            answering=state == "running",
            pid=pid,
            uri=self.uri,
            instance_dir=self.home,
            version=self.settings.version,
            state=state,
            detail=detail,
        )

    def database_state(self) -> tuple[str, str]:
        """The state of the running server's database (a key of :data:`STATES`) and what
        Neo4j said about it; never raises."""
        try:
            connection = self.connection()
        except LocalServerError as error:
            return "failed", str(error)
        try:
            self._ping(connection)
        except AuthError as error:
            return "wrong password", error.message or ""
        except ServiceUnavailable as error:
            return "starting", str(error).splitlines()[0] if str(error) else ""
        except Neo4jError as error:
            if _panicked(error):
                return "panicked", error.message or ""
            return self._offline_state(connection, error)
        except (SessionExpired, OSError) as error:
            return "starting", str(error)
        if self._panic_logged():
            return "panicked", self._panic_logged()
        return "running", ""

    def _offline_state(self, connection: Neo4jConnection, error: Neo4jError) -> tuple[str, str]:
        """Why the database refuses queries while the server answers: Neo4j's own word."""
        try:
            status, message = self._database_status(connection)
        except (Neo4jError, *_NOT_ANSWERING):
            return "starting", error.message or ""
        if status in ("offline", "quarantined") or message:
            return "failed", message or f"the database is {status}"
        if self._recovery_logged():
            return "recovering", "replaying the transaction log"
        return "starting", f"the database is {status}"

    def _database_status(self, connection: Neo4jConnection) -> tuple[str, str]:
        with GraphDatabase.driver(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
            connection.uri,
            auth=(connection.user, connection.password),
            connection_timeout=2.0,
            max_connection_pool_size=1,
            max_transaction_retry_time=0.0,
        ) as driver:
            records, _, _ = driver.execute_query(
                "SHOW DATABASES YIELD name, currentStatus, statusMessage "
                "WHERE name = $name RETURN currentStatus, statusMessage",
                name=connection.database,
                database_="system",
            )
        if not records:
            return "missing", f"there is no database {connection.database!r}"
        return str(records[0]["currentStatus"]), str(records[0]["statusMessage"] or "")

    @property
    def debug_log(self) -> Path:
        return self.home / "logs" / "debug.log"

    def _log_since_start(self) -> str:
        """What Neo4j wrote in its debug log since this instance was last started."""
        try:
            offset = int((self.home / "run" / "debug-log-offset").read_text().strip())
        except (FileNotFoundError, ValueError):
            offset = 0
        try:
            with self.debug_log.open("rb") as log:
                log.seek(offset if offset <= self.debug_log.stat().st_size else 0)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def _panic_logged(self) -> str:
        for line in self._log_since_start().splitlines():
            if "Database panic" in line:
                return line.split("]", 2)[-1].strip()[:300]
        return ""

    def _root_cause_logged(self) -> str:
        """The deepest cause of the last failure Neo4j logged since the start (its own
        words, e.g. "Transaction logs are missing and recovery is not possible.")."""
        causes = [
            line.split(":", 2)[-1].strip()
            for line in self._log_since_start().splitlines()
            if line.startswith("Caused by:") and line.count(":") >= 2
        ]
        return causes[-1][:300] if causes else ""

    def _recovery_logged(self) -> bool:
        log = self._log_since_start()
        return "Recovery required" in log and "Recovery in '" not in log

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
        """The text of ``conf/neo4j.conf``: ctg's settings, then the user's extra file.

        Raises:
            ConfigurationError: the extra settings file is missing or has a bad line.
        """
        extra_path = extra_conf_path(self.home, self.settings.conf_extra)
        extra = read_extra_settings(extra_path) if extra_path is not None else []
        return conf_text(self._base_settings(), extra, extra_path)

    def _base_settings(self) -> list[tuple[str, str]]:
        s, home = self.settings, self.home
        return [
            ("server.directories.data", str(home / "data")),
            ("server.directories.logs", str(home / "logs")),
            ("server.directories.run", str(home / "run")),
            ("server.directories.plugins", str(home / "plugins")),
            ("server.directories.import", str(home / "import")),
            ("server.directories.lib", str(lib_dir(s))),
            ("server.directories.transaction.logs.root", str(home / "data" / "transactions")),
            ("server.default_listen_address", "127.0.0.1"),
            ("server.default_advertised_address", "127.0.0.1"),
            ("server.bolt.listen_address", f"127.0.0.1:{s.port}"),
            ("server.bolt.advertised_address", f"127.0.0.1:{s.port}"),
            ("server.http.enabled", "false"),
            ("server.https.enabled", "false"),
            ("server.memory.heap.initial_size", s.heap),
            ("server.memory.heap.max_size", s.heap),
            ("server.memory.pagecache.size", s.pagecache),
            ("dbms.security.auth_enabled", "true"),
            ("dbms.usage_report.enabled", "false"),
            *RECOVERY_SETTINGS,
        ]

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
            except Neo4jError as error:
                # The server answers but the database does not: starting, recovering, or
                # failed for good, which Neo4j says at once (no need to wait for it).
                state, detail = self._offline_state(connection, error)
                if state == "failed":
                    cause = self._root_cause_logged()
                    raise self.damaged(f"{detail} {cause}".strip()) from error
                last_error = error
                time.sleep(0.5)
            except _NOT_ANSWERING as error:
                last_error = error
                time.sleep(0.5)
        raise LocalServerError(
            f"Neo4j did not answer on {connection.uri} within {timeout:.0f}s "
            f"(last error: {last_error}). Last lines of {self.console_log}:\n"
            + _tail(self.console_log)
        )

    def damaged(self, detail: str) -> LocalServerError:
        """The error for a database that will not start, with the two ways out."""
        return LocalServerError(
            f"The Neo4j database in {self.home} did not start and cannot recover by itself: "
            f"{detail.strip()[:400]} (details: {self.debug_log}). The server is stopped. "
            "Either restore the last backup (`ctg db restore FILE --force`), or reload the "
            "reference and every dataset from their files (`ctg db rebuild`; facts added "
            "through the API are not in any file and are lost unless a backup holds them)."
        )

    # -- offline administration (neo4j-admin) -------------------------------------------
    def _admin(
        self, *arguments: str, stdin: int | None = None, stdout: int | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``neo4j-admin`` (the AdminTool class of the installed jars) on this instance."""
        return subprocess.run(
            [
                self._java(),
                "-Xmx512m",
                *_JVM_FLAGS,
                "-cp",
                str(lib_dir(self.settings) / "*"),
                _ADMIN_CLASS,
                *arguments,
            ],
            env=self._env(),
            stdin=stdin,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=3600,
            umask=0o077,
        )

    def _admin_or_fail(self, what: str, *arguments: str, stdin: int | None = None) -> str:
        result = self._admin(*arguments, stdin=stdin)
        output = ((result.stdout or "") + (result.stderr or "")).strip()
        if result.returncode != 0:
            raise LocalServerError(
                f"neo4j-admin could not {what} (exit {result.returncode}): {output[-800:]}"
            )
        return output

    def dump(self, target: Path) -> Path:
        """Dump the (stopped) database into the file ``target``; return it.

        Written to a temporary file beside it and renamed, so an interrupted dump never
        passes for a backup.
        """
        self._require_stopped("back up")
        database = "neo4j"
        work = Path(tempfile.mkdtemp(prefix=".ctg-dump-", dir=target.parent))
        try:
            self._admin_or_fail(
                f"dump the database into {target}",
                "database",
                "dump",
                database,
                f"--to-path={work}",
                "--overwrite-destination=true",
            )
            (work / f"{database}.dump").replace(target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return target

    def load(self, source: Path) -> None:
        """Replace the (stopped) database by the dump ``source``."""
        self._require_stopped("restore")
        with source.open("rb") as dump:
            self._admin_or_fail(
                f"load {source}",
                "database",
                "load",
                "neo4j",
                "--from-stdin",
                "--overwrite-destination=true",
                stdin=dump.fileno(),
            )

    def check(self, report_dir: Path) -> tuple[bool, str]:
        """Check the (stopped) database's consistency; (consistent, what neo4j-admin said)."""
        self._require_stopped("check")
        report_dir.mkdir(parents=True, exist_ok=True)
        result = self._admin("database", "check", "neo4j", f"--report-path={report_dir}")
        output = ((result.stdout or "") + (result.stderr or "")).strip()
        return result.returncode == 0, output

    def _require_stopped(self, action: str) -> None:
        if self.pid() is not None:
            raise LocalServerError(
                f"Neo4j in {self.home} is running: stop it first (`ctg db stop`) to {action} "
                "its database (neo4j-admin works on a stopped database only)."
            )
        if not (self.home / "data" / "databases").is_dir() and action != "restore":
            raise LocalServerError(
                f"{self.home} holds no database yet: start it once with `ctg db start`."
            )


def make_private(folder: Path) -> None:
    """Make ``folder`` its owner's only (0700), and every file in it (0600): it holds the
    password and the store, and older versions created them world-readable."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for root, folders, files in os.walk(folder):
        for name in folders:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                if not os.path.islink(path):
                    os.chmod(path, os.stat(path).st_mode & 0o700)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _panicked(error: Neo4jError) -> bool:
    """True for the errors of a database that panicked (it refuses every transaction)."""
    text = f"{error.code or ''} {error.message or ''}".lower()
    return "critical error" in text or "panic" in text or "needs to be restarted" in text


def throwaway_instance(folder: Path, heap: str = "1g", pagecache: str = "512m") -> LocalNeo4j:
    """An instance in ``folder/instance`` on a port free right now (not started yet).

    It keeps that port across restarts, so tests can stop or kill it and start it again
    with the same data and password.
    """
    env = {
        **{key: value for key, value in os.environ.items() if key != INSTANCE_VARIABLE},
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
