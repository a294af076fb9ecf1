"""Shared helpers for the benchmarks: machine description, percentiles, markdown tables, and
running a child process while measuring its own wall time, CPU time and peak RSS.

Peak RSS comes from ``os.wait4`` (the kernel's ``ru_maxrss`` of exactly that child), not from
polling: polling misses short peaks and ``RUSAGE_CHILDREN`` mixes every child ever waited for
(the replica server included). One trap: Linux carries a process's high-water mark across
``exec``, so a child forked straight from this (large) benchmark process reports at least our own
RSS. The child is therefore forked by a tiny launcher (``python -S``, ~10 MB) that reports its
grandchild's ``wait4`` usage.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "cppcc-archiver")


def bench_parser(doc: str, *, scale: int | None = None, keep: str | None = None) -> argparse.ArgumentParser:
    """A benchmark's options: its docstring's first paragraph as description, the rest (how to
    run it, what it measures) as the epilog, both printed as written. ``scale``: a ``--scale``
    option with that default (replica articles per site, on every site the replica serves);
    ``keep``: a ``--keep DIR`` option with that help (for ``work_folder``)."""
    head, _, rest = doc.partition("\n\n")
    ap = argparse.ArgumentParser(description=head, epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter)
    if scale is not None:
        from archiver.replica.families import available

        sites = len(available())
        ap.add_argument("--scale", type=int, default=scale,
                        help=f"replica articles per site (default {scale}: ~{scale * sites:,} articles on {sites} sites)")
    if keep is not None:
        ap.add_argument("--keep", metavar="DIR", help=keep)
    return ap


@contextmanager
def work_folder(keep: str | None, prefix: str) -> Iterator[Path]:
    """A benchmark's working folder: ``keep`` (``--keep DIR``: created if missing, left in place),
    else a new temporary folder, removed afterwards even when the benchmark fails."""
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def machine_info() -> dict[str, str]:
    """What BENCHMARKS.md must say about the machine a number came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1]
        mem_total = mem.split()[1]
    except (OSError, IndexError):
        mem_total = "unknown"
    return {
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "memory": mem_total,
        "cpu": cpu,
        "python": platform.python_version(),
        "load average (1/5/15 min)": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def print_machine(title: str, argv: list[str] | None = None) -> None:
    info = machine_info()
    print(f"## {title}\n")
    argv = list(argv if argv is not None else sys.argv)
    argv[0] = f"bench/{Path(argv[0]).name}"  # as typed from the repository root
    print(f"command: `.venv/bin/python {' '.join(shlex.quote(a) for a in argv)}`  ")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + "\n", flush=True)


def load_now() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def md_table(headers: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 100 else f"{v:,.0f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class ChildRun:
    returncode: int
    wall: float  # seconds
    user: float  # CPU seconds in user mode
    system: float  # CPU seconds in the kernel
    max_rss_mb: float  # peak resident set size of the child itself
    tree_rss_mb: float = float("nan")  # peak of the summed RSS of the child and its descendants
    # CPU seconds of each process of the tree, last sampled (a child's role from its command
    # line): {"crawl": …, "archiver.pipelines.lane_child#2": …}. Empty without psutil.
    process_cpu: dict[str, float] = field(default_factory=dict)
    process_rss_mb: dict[str, float] = field(default_factory=dict)  # peak per process, sampled
    # CPU seconds of the sampling thread itself: it runs in the benchmark's process, so a
    # benchmark that counts its own CPU (a replica server in a thread) takes this out.
    sampler_cpu: float = 0.0

    @property
    def cpu(self) -> float:
        return self.user + self.system


# Forks and execs argv[2:], waits with wait4, writes {"rc","wall","user","system","maxrss_kb"} to argv[1].
LAUNCHER = """
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    json.dump({"rc": os.waitstatus_to_exitcode(status), "wall": wall, "user": ru.ru_utime,
               "system": ru.ru_stime, "maxrss_kb": ru.ru_maxrss}, f)
"""


def run_measured(cmd: list[str], *, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                 env: dict[str, str] | None = None, cwd: str | None = None) -> ChildRun:
    """Run ``cmd`` to completion: its own wall/CPU time and peak RSS (see the module docstring)."""
    return start_measured(cmd, stdout=stdout, stderr=stderr, env=env, cwd=cwd).wait()


class ChildHandle:
    """A measured child running in the background (``start_measured``): ``.wait() -> ChildRun``."""

    def __init__(self, proc: subprocess.Popen, report_path: str) -> None:
        import threading

        self.proc = proc
        self.report_path = report_path
        self.tree_peak = float("nan")
        self.sampler_cpu = 0.0
        self.processes: dict[int, tuple[str, float, int]] = {}  # pid: role, CPU s, peak RSS bytes
        # wait4's ru_maxrss is the largest single process; a crawl with worker processes is
        # judged by the sum, sampled every 100 ms (psutil, from `make bench`; skipped without it).
        self.sampler = threading.Thread(target=self._sample_tree, daemon=True)
        self.sampler.start()

    def _sample_tree(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        import time

        try:
            launcher = psutil.Process(self.proc.pid)
        except psutil.Error:
            return
        peak = 0
        while self.proc.poll() is None:
            total = 0
            try:
                for p in launcher.children(recursive=True):
                    with p.oneshot():
                        rss = p.memory_info().rss
                        total += rss
                        role, _, peak_rss = self.processes.get(p.pid) or (_role(p), 0, 0)
                        self.processes[p.pid] = (role, sum(p.cpu_times()[:2]), max(peak_rss, rss))
            except psutil.Error:
                pass  # a process that just exited: its last sample stands
            peak = max(peak, total)
            time.sleep(0.1)
        self.tree_peak = peak / 2**20
        self.sampler_cpu = time.thread_time()

    def wait(self) -> ChildRun:
        import json

        self.proc.wait()
        self.sampler.join(timeout=2)
        data = json.loads(Path(self.report_path).read_text() or "{}")
        Path(self.report_path).unlink(missing_ok=True)
        if not data:
            raise RuntimeError("measuring launcher failed")
        cpu: dict[str, float] = {}
        rss: dict[str, float] = {}
        for role, seconds, peak_rss in sorted(self.processes.values()):
            key, n = role, 1
            while key in cpu:
                n += 1
                key = f"{role}#{n}"
            cpu[key] = seconds
            rss[key] = peak_rss / 2**20
        return ChildRun(data["rc"], data["wall"], data["user"], data["system"], data["maxrss_kb"] / 1024,
                        self.tree_peak, cpu, rss, self.sampler_cpu)


def _role(process) -> str:  # type: ignore[no-untyped-def]
    """A process's role in a measured tree: ``-m module`` or the script or command name."""
    try:
        argv = process.cmdline()
    except Exception:
        return "?"
    if "-m" in argv[:-1]:
        return " ".join(argv[argv.index("-m") + 1:][:2])  # the module, and a lane's name
    names = [os.path.basename(a) for a in argv[:3]]
    return next((n for n in names if not n.startswith("python")), names[0] if names else "?")


def start_measured(cmd: list[str], *, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env: dict[str, str] | None = None, cwd: str | None = None) -> ChildHandle:
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, path, *cmd],
                            stdout=stdout, stderr=stderr, env=env, cwd=cwd)
    return ChildHandle(proc, path)


def bench_env() -> dict[str, str]:
    """The environment for child processes: the repository importable, no ARCHIVER_DB leak."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("ARCHIVER_DB", None)
    return env
