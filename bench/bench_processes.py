"""Running one benchmark script as a child process: its output, its memory, what it leaves.

``bench/bench_all.py`` runs every benchmark through :func:`run_script`:

* the script runs in its own session (a Ctrl-C at the terminal reaches only the
  orchestrator, which then stops the script in order: SIGTERM, so that its ``finally``
  blocks stop the API and the browser it started, then SIGKILL after a grace period);
* its output is copied line by line to a log file and to the console;
* a sampler reads ``/proc`` every second and keeps the peak of the summed resident memory
  of the script and everything it started (the API, Playwright's driver, Chromium);
* afterwards, any process it left behind is stopped and reported.

The orchestrator first makes itself a *child subreaper* (:func:`become_subreaper`): a
process whose parent died (a browser whose driver was killed) is then re-parented to the
orchestrator instead of init, so it can still be found and stopped. Linux only, like the
rest of the benchmarks (they read ``/proc``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

#: ``prctl`` option of <linux/prctl.h>.
PR_SET_CHILD_SUBREAPER = 36
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
#: Seconds a script gets to stop what it started after SIGTERM, before SIGKILL.
GRACE_S = 60.0


@dataclass(frozen=True)
class Process:
    """One line of the process table."""

    pid: int
    ppid: int
    #: Start time in clock ticks since boot: a pid plus its start time names one process.
    start: int
    state: str
    rss_kib: int
    command: str


@dataclass
class ScriptRun:
    """How a script ran."""

    command: list[str]
    log: Path
    exit_code: int | None = None
    seconds: float = 0.0
    #: Highest sum of the RSS of the script and its descendants seen by the sampler.
    peak_tree_mib: float = 0.0
    #: For the same samples, the highest sum per command name (python, chromium, node…).
    peak_by_command_mib: dict[str, float] = field(default_factory=dict)
    #: Processes still running after the script ended (then stopped), as "pid command".
    left_behind: list[str] = field(default_factory=list)
    interrupted: bool = False


def become_subreaper() -> bool:
    """Adopt the orphaned descendants of this process (Linux); False if not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def process_table() -> dict[int, Process]:
    """Every process of the machine that can be read, by pid (from ``/proc/<pid>/stat``)."""
    table: dict[int, Process] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        process = parse_stat(raw)
        if process is not None:
            table[process.pid] = process
    return table


def parse_stat(raw: str) -> Process | None:
    """One ``/proc/<pid>/stat`` line; the command name may hold spaces and parentheses."""
    try:
        head, tail = raw.rsplit(")", 1)
        pid_text, command = head.split(" (", 1)
        fields = tail.split()
        return Process(
            pid=int(pid_text),
            ppid=int(fields[1]),
            start=int(fields[19]),
            state=fields[0],
            rss_kib=int(fields[21]) * _PAGE_KIB,
            command=command,
        )
    except (ValueError, IndexError):
        return None


def descendants(root: int, table: Mapping[int, Process]) -> list[Process]:
    """The processes under ``root`` (not ``root`` itself), parents before children."""
    children: dict[int, list[Process]] = {}
    for process in table.values():
        children.setdefault(process.ppid, []).append(process)
    found: list[Process] = []
    queue = [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child.pid)
    return found


class TreeSampler(threading.Thread):
    """Samples the memory of a process and its descendants until stopped."""

    def __init__(self, root: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak_kib = 0
        self.peak_by_command_kib: dict[str, int] = {}
        #: Every (pid, start) seen in the tree, to find the processes it leaves behind.
        self.seen: dict[int, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def sample(self) -> None:
        table = process_table()
        tree = [p for p in [table.get(self.root)] if p is not None]
        tree += descendants(self.root, table)
        self.peak_kib = max(self.peak_kib, sum(p.rss_kib for p in tree))
        by_command: dict[str, int] = {}
        for process in tree:
            by_command[process.command] = by_command.get(process.command, 0) + process.rss_kib
            self.seen[process.pid] = process.start
        for command, kib in by_command.items():
            self.peak_by_command_kib[command] = max(self.peak_by_command_kib.get(command, 0), kib)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def clock_ticks_now() -> int:
    """Clock ticks since boot, the unit of a process's start time in ``/proc/<pid>/stat``."""
    seconds = float(Path("/proc/uptime").read_text().split()[0])
    return int(seconds * os.sysconf("SC_CLK_TCK"))


def still_running(seen: Mapping[int, int], keep: set[int], since: int = 0) -> list[Process]:
    """Processes the sampler saw (same pid and start time), or orphans adopted by this
    process that started at clock tick ``since`` or later (during the script: this
    process's older children are not the script's), that still run; ``keep`` (e.g. the
    shared Neo4j) is left out, zombies reaped."""
    table = process_table()
    me = os.getpid()
    mine = [p for p in table.values() if p.ppid == me and p.pid not in keep and p.start >= since]
    candidates = {p.pid: p for p in mine}
    for process in mine:
        candidates.update({d.pid: d for d in descendants(process.pid, table)})
    for pid, start in seen.items():
        found = table.get(pid)
        if found is not None and found.start == start and pid not in keep:
            candidates[pid] = found
    running = []
    for process in candidates.values():
        if process.state in ("Z", "X"):
            _reap(process.pid)
        else:
            running.append(process)
    return running


def stop_processes(processes: Sequence[Process], grace: float = 10.0) -> None:
    """SIGTERM each process, SIGKILL those still there after ``grace`` seconds; reap ours."""
    for process in processes:
        _signal(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in processes):
        time.sleep(0.2)
    for process in processes:
        if _alive(process):
            _signal(process, signal.SIGKILL)
    for process in processes:
        _reap(process.pid)


def run_script(
    command: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    echo: Callable[[str], None],
    keep: set[int],
    sample_every: float = 1.0,
) -> ScriptRun:
    """Run ``command``, copying its output to ``log`` and ``echo``; stop what it leaves.

    On KeyboardInterrupt or SystemExit (SIGTERM) the script is stopped (SIGTERM to its
    process group, SIGKILL after :data:`GRACE_S`), its leftovers too, and the exception
    propagates.
    """
    run = ScriptRun(list(command), log)
    started = time.perf_counter()
    since = clock_ticks_now() - 1  # processes started from now on (start times are in ticks)
    with log.open("w", encoding="utf-8") as out:
        child = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        assert child.stdout is not None
        # A thread copies the output: a process the script leaves behind may hold the pipe
        # open after the script ended, and must not keep this function waiting.
        copier = threading.Thread(target=_copy, args=(child.stdout, out, echo), daemon=True)
        copier.start()
        sampler = TreeSampler(child.pid, sample_every)
        sampler.start()
        try:
            run.exit_code = child.wait()
            copier.join(timeout=1)  # what the script wrote; a leftover may hold the pipe
        except BaseException:
            run.interrupted = True
            echo(f"stopping {Path(command[1]).name} (pid {child.pid}) and what it started…")
            _stop_group(child)
            raise
        finally:
            sampler.stop()
            run.seconds = round(time.perf_counter() - started, 1)
            run.peak_tree_mib = round(sampler.peak_kib / 1024, 1)
            run.peak_by_command_mib = {
                name: round(kib / 1024, 1)
                for name, kib in sorted(sampler.peak_by_command_kib.items())
            }
            left = still_running(sampler.seen, keep | {os.getpid()}, since)
            if left:
                run.left_behind = [f"{p.pid} {p.command}" for p in left]
                stop_processes(left)
            copier.join(timeout=5)  # the pipe closes once its last writer is gone
    return run


def _copy(pipe: IO[bytes], out: IO[str], echo: Callable[[str], None]) -> None:
    """Copy the script's output, line by line, to its log and to ``echo``."""
    for raw in pipe:
        line = raw.decode("utf-8", errors="replace")
        with contextlib.suppress(ValueError):  # the log was closed: the run is over
            out.write(line)
            out.flush()
        echo(line.rstrip("\n"))


def reset_peak_rss(pid: int) -> bool:
    """Reset the peak RSS (VmHWM) of a process this user owns to its current RSS."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mib(pid: int | None) -> float | None:
    """The peak RSS (VmHWM) of a running process, in MiB, or None."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _stop_group(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM the script's process group; SIGKILL it after the grace period."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C waits for this
    try:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def _alive(process: Process) -> bool:
    try:
        raw = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return False
    current = parse_stat(raw)
    return (
        current is not None and current.start == process.start and current.state not in ("Z", "X")
    )


def _signal(process: Process, signum: int) -> None:
    if _alive(process):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(process.pid, signum)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
