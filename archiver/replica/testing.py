"""Run the replica sites from Python (tests, the demo, benchmarks).

    from archiver.replica.testing import ReplicaProcess

    with ReplicaProcess(scale=20) as rp:          # starts `python -m archiver.replica`
        rp.sites["trs"]["listing"]                # "http://127.0.0.1:PORT/ldjh/index.shtml"
        rp.sites["trs"]["base"], rp.control       # site base URL, control server URL
        rp.url("trs", "/ldjh/index_1.shtml")      # base + path
        rp.gold()                                 # gold records of the current day (full URLs)
        rp.gold(day=2, site="trs")
        rp.set_day(2)                             # new articles, one edit, one 404, new sidebars
        rp.fault("trs", "/ldjh/index_1.shtml", "status", times=2, status=503, retry_after=1)
        rp.fault("hanweb", None, "session_ids")   # site option (see faults.py for every mode)
        rp.clear_faults()
        rp.access_log(site="trs")                 # [{"t","site","method","path","status",
                                                  #   "if_none_match","if_modified_since",
                                                  #   "user_agent","day"}, …]
        rp.clear_log()
        rp.reset()                                # day 1, no faults, empty log

pytest fixtures (tests/conftest.py): ``replica`` (session-scoped, shared: do not change its
state) and ``fresh_replica`` (a private process per test, for tests that switch days or add
faults). Gold records are described in ``archiver.replica.gold``; fault modes in
``archiver.replica.faults``; control endpoints in ``archiver.replica.control``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]


class ReplicaProcess:
    def __init__(self, scale: int | None = None, day: int = 1, sites: list[str] | None = None,
                 host: str = "127.0.0.1", startup_timeout: float = 30.0, port_base: int = 0) -> None:
        self.args = [sys.executable, "-m", "archiver.replica", "--day", str(day), "--host", host]
        if port_base:
            self.args += ["--port-base", str(port_base)]
        if scale is not None:
            self.args += ["--scale", str(scale)]
        if sites:
            self.args += ["--sites", ",".join(sites)]
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.info: dict = {}

    # ----- lifecycle --------------------------------------------------------------------
    def start(self) -> "ReplicaProcess":
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     cwd=str(ROOT), env=env)
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError("replica server exited before printing its addresses")
        self.info = json.loads(line)
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()  # EOF on stdin stops the server
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> "ReplicaProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- addresses --------------------------------------------------------------------
    @property
    def sites(self) -> dict[str, dict]:
        return self.info["sites"]

    @property
    def control(self) -> str:
        return self.info["control"]

    def url(self, site: str, path: str = "/") -> str:
        return self.sites[site]["base"] + path

    # ----- control ----------------------------------------------------------------------
    def _call(self, method: str, path: str, payload: dict | None = None) -> bytes:
        data = json.dumps(payload).encode() if payload is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.control + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.read()

    def set_day(self, day: int) -> None:
        self._call("POST", f"/day/{day}")

    @property
    def day(self) -> int:
        return json.loads(self._call("GET", "/day"))["day"]

    def fault(self, site: str | None, path: str | None, mode: str, times: int | None = None,
              **params: object) -> dict:
        """Add a fault rule or site option (see ``archiver.replica.faults``); returns it."""
        rule = {"site": site or "*", "path": path, "mode": mode, **params}
        if times is not None:
            rule["times"] = times
        return json.loads(self._call("POST", "/fault", rule))

    def faults(self) -> list[dict]:
        return json.loads(self._call("GET", "/faults"))

    def clear_faults(self) -> None:
        self._call("POST", "/faults/clear")

    def access_log(self, site: str | None = None) -> list[dict]:
        raw = self._call("GET", "/log" + (f"?site={site}" if site else ""))
        return [json.loads(line) for line in raw.decode().splitlines() if line]

    def clear_log(self) -> None:
        self._call("POST", "/log/clear")

    def gold(self, day: int | None = None, site: str | None = None, boilerplate: bool = True) -> list[dict]:
        """Gold records (see ``archiver.replica.gold``); ``boilerplate=False`` is much faster."""
        params = (("day", day), ("site", site), ("boilerplate", None if boilerplate else 0))
        q = "&".join(f"{k}={v}" for k, v in params if v is not None)
        raw = self._call("GET", "/gold" + (f"?{q}" if q else ""))
        return [json.loads(line) for line in raw.decode().splitlines() if line]

    def reset(self) -> None:
        self._call("POST", "/reset")


class InProcessSite:
    """An HTTP server on 127.0.0.1 in a thread of this process, for answers the replica's own
    process does not make (``hostile.HostileSite``; the tests' ``LocalSite``). A subclass builds
    its request handler and passes it here; ``with`` starts and stops the server."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
