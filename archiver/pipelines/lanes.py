"""Child processes for work that must be killable, driven from the reactor without threads.

Since issue #21 one lane remains: attachment text (archiver/pipelines/files.py), because a
hostile PDF can hang in C code, and only a process can be killed. (Extraction and storage
lanes were measured against the crawl's own process and deleted: BENCHMARKS.md, "Runtime".)
A ``ProcessLane`` runs module-level functions in child processes (``lane_child.py``): calls go
down the child's stdin and results come back on its file descriptor 3 as length-prefixed
pickles, both read and written by the reactor itself. (``concurrent.futures.ProcessPoolExecutor``
was tried first: its manager and feeder threads fought the reactor for the GIL, ~1.6 ms per call
on a 2-core machine.)

A watchdog kills a child that has work but has not answered for a deadline (hung, stopped) and
the lane replaces it as if it had died (issue #15). Children ignore SIGINT and SIGTERM: Ctrl-C and a service manager's stop reach the whole process
group, and the parent decides when they stop (``close``, once its work is done). When the parent
dies, their stdin reaches end of file and they exit.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from twisted.internet import defer, protocol
from twisted.python.failure import Failure

from archiver.pipelines.lane_child import HEADER, RESULTS_FD, frame

logger = logging.getLogger(__name__)

MAX_BARREN_CHILDREN = 3
REAP_TRIES = 1200  # of 0.1 s: a minute to exit after its input ends, a minute more once killed
STOP_TIMEOUT = 60.0  # seconds a child has to exit once its input ends, before it is killed


def _child_env() -> dict[str, str]:
    """The parent's environment, with the folder this ``archiver`` package was imported from
    first on the path: the child runs the same code however the parent found it (installed, a
    checkout, PYTHONPATH)."""
    import archiver

    env = dict(os.environ)
    source = os.path.dirname(os.path.dirname(os.path.abspath(archiver.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    return env


def lane_deadlines(crawler) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A crawl's watchdog settings for a ``ProcessLane`` (issue #15): a call's deadline, and
    the shorter one that holds while the crawl is being stopped (SIGTERM, Ctrl-C), which is
    also how long a child has to exit at the end."""
    return {"deadline": crawler.settings.getfloat("ARCHIVER_CHILD_CALL_TIMEOUT"),
            "stop_timeout": crawler.settings.getfloat("ARCHIVER_CHILD_STOP_TIMEOUT"),
            "stopping": lambda: not crawler.crawling}


class ChildError(Exception):
    """A call raised in the child; ``detail`` is the child's traceback."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class ChildDied(Exception):
    """The child process running a call exited before answering (twice for the same call)."""


@dataclass
class _Call:
    deferred: defer.Deferred
    fn: Callable[..., Any]
    args: tuple
    retried: bool = False


@dataclass
class _Child:
    protocol: "_ChildProtocol"
    pending: dict[int, _Call] = field(default_factory=dict)
    gone: defer.Deferred = field(default_factory=defer.Deferred)
    answered: int = 0
    # time.monotonic() of its last sign of progress: an answer, or a call sent while it was
    # idle. The watchdog judges a child by this, not by a call's age: calls queued behind
    # others (or behind the child's start-up) are not late.
    progress_at: float = field(default_factory=time.monotonic)


class _ChildProtocol(protocol.ProcessProtocol):
    def __init__(self, lane: "ProcessLane") -> None:
        self.lane = lane
        self.buffer = bytearray()
        self.child: _Child | None = None
        self.ended = False

    def childDataReceived(self, childFD: int, data: bytes) -> None:
        if childFD != RESULTS_FD:
            return
        self.buffer += data
        while len(self.buffer) >= HEADER:
            size = int.from_bytes(self.buffer[:HEADER], "big")
            if len(self.buffer) < HEADER + size:
                break
            payload = bytes(self.buffer[HEADER:HEADER + size])
            del self.buffer[:HEADER + size]
            self.lane._answered(self.child, pickle.loads(payload))

    def childConnectionLost(self, childFD: int) -> None:
        if childFD == RESULTS_FD:
            self.lane._lost(self.child)
            self._reap(tries=REAP_TRIES)

    def _reap(self, tries: int) -> None:
        # Scrapy runs the reactor without signal handlers, so no SIGCHLD reaps our children:
        # poll for their exit here rather than leave zombies (and lose their CPU accounting).
        if self.ended or self.transport.pid is None:
            return
        self.transport.reapProcess()
        if self.ended:
            return
        if tries == REAP_TRIES // 2:  # output closed but still running: not ours to wait for
            logger.error("%s process %s did not exit; killing it", self.lane.name, self.transport.pid)
            self.transport.signalProcess("KILL")
        if tries == 0:
            self.processEnded(Failure(ChildDied("could not reap the process")))
            return
        from twisted.internet import reactor

        reactor.callLater(0.1, self._reap, tries - 1)

    def processEnded(self, reason: Failure) -> None:
        self.ended = True
        if self.child is not None and not self.child.gone.called:
            self.child.gone.callback(None)


class ProcessLane:
    """``processes`` children running module-level functions; each call goes to the child with
    the least work queued, and one child runs its calls in the order they were submitted.

    A child that dies (killed, out of memory, a crash in a C library) is replaced and the calls
    it had not answered are sent once more, so one bad page costs at most its own item.
    """

    def __init__(
        self,
        name: str,
        processes: int = 1,
        initializer: Callable[..., None] | None = None,
        initargs: tuple = (),
        deadline: float | None = None,
        stop_timeout: float = STOP_TIMEOUT,
        stopping: Callable[[], bool] | None = None,
    ) -> None:
        self.name = name
        # Issue #15: a child with calls but no answer for ``deadline`` seconds (hung, SIGSTOPped)
        # is killed; its replacement is sent the calls once more. None: no watchdog.
        self.deadline = deadline
        # While the crawl is being stopped (SIGTERM), a call gets at most ``stop_timeout``: a
        # stop must not wait twice the generous deadline for a stuck child.
        self.stop_timeout = stop_timeout
        self.stopping = stopping
        self.watchdog = None
        self.hung = 0  # children killed by the watchdog
        self.processes = max(1, processes)
        self.setup = pickle.dumps((initializer, initargs))
        self.children: list[_Child] = []
        self.ids = itertools.count()
        self.closing = False
        self.restarts = 0
        self.barren = 0  # children in a row that died without answering anything
        self.broken: str | None = None

    def start(self) -> "ProcessLane":
        for _ in range(self.processes):
            self._spawn()
        if self.deadline:
            from twisted.internet import task

            self.watchdog = task.LoopingCall(self._check_deadlines)
            self.watchdog.start(max(0.1, min(self.deadline / 4, 5.0)), now=False)
        return self

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        limit = self.deadline
        if self.stopping is not None and self.stopping():
            limit = min(limit, self.stop_timeout)
        for child in list(self.children):
            if child.pending and now - child.progress_at > limit and not child.protocol.ended:
                self.hung += 1
                logger.error("%s process %s has not answered in %.0f s (hung or stopped); killing it",
                             self.name, child.protocol.transport.pid, now - child.progress_at)
                child.progress_at = float("inf")  # killed once; its loss is handled in _lost
                self._kill(child)

    @staticmethod
    def _kill(child: _Child) -> None:
        try:
            child.protocol.transport.signalProcess("KILL")
        except Exception:  # already gone (ProcessExitedAlready): its loss is handled anyway
            pass

    def _spawn(self) -> _Child:
        proto = _ChildProtocol(self)
        child = _Child(proto)
        proto.child = child
        from twisted.internet import reactor  # the one Scrapy installed (asyncio), never a default

        reactor.spawnProcess(
            # The lane's name is for ps/top only: the child ignores its arguments.
            proto, sys.executable, [sys.executable, "-m", "archiver.pipelines.lane_child", self.name],
            env=_child_env(), childFDs={0: "w", 1: 1, 2: 2, RESULTS_FD: "r"},
        )
        proto.transport.writeToChild(0, frame(self.setup))
        self.children.append(child)
        return child

    def submit(self, fn: Callable[..., Any], *args: Any) -> defer.Deferred:
        """Run ``fn(*args)`` in a child; the Deferred fires with its result on the reactor."""
        if self.closing:
            raise RuntimeError(f"{self.name} lane is closed")
        call = _Call(defer.Deferred(), fn, args)
        if self.broken:
            call.deferred.errback(Failure(ChildDied(self.broken)))
            return call.deferred
        self._send(min(self.children, key=lambda c: len(c.pending)), call)
        return call.deferred

    def _send(self, child: _Child, call: _Call) -> None:
        call_id = next(self.ids)
        try:
            payload = pickle.dumps((call_id, call.fn, call.args), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the caller's Deferred fails; the lane goes on
            call.deferred.errback(Failure(ChildError(f"cannot send the call to the {self.name} process: {exc}")))
            return
        if not child.pending:
            child.progress_at = time.monotonic()
        child.pending[call_id] = call
        child.protocol.transport.writeToChild(0, frame(payload))

    def _answered(self, child: _Child, message: tuple) -> None:
        call_id, ok, value, detail, logs = message
        for name, level, text in logs:  # into the crawl's own log (file, rotation)
            logging.getLogger(name).log(level, "%s (in the %s process)", text, self.name)
        call = child.pending.pop(call_id)
        child.answered += 1
        child.progress_at = time.monotonic()
        if ok:
            call.deferred.callback(value)
        else:
            call.deferred.errback(Failure(ChildError(value, detail)))

    def _lost(self, child: _Child) -> None:
        if child in self.children:
            self.children.remove(child)
        unanswered = list(child.pending.values())
        child.pending.clear()
        if not unanswered and self.closing:
            return
        self.barren = 0 if child.answered else self.barren + 1
        if self.barren >= MAX_BARREN_CHILDREN:
            # A child that cannot even start (a broken install): fail the work, don't loop.
            self.broken = f"{self.name} process exits before answering anything (see its stderr)"
            logger.error("%s", self.broken)
            for call in unanswered:
                call.deferred.errback(Failure(ChildDied(self.broken)))
            return
        self.restarts += 1
        logger.error("%s process died with %d call(s) unanswered; starting a new one",
                     self.name, len(unanswered))
        replacement = self._spawn()
        for call in unanswered:
            if call.retried:
                call.deferred.errback(Failure(ChildDied(f"{self.name} process died twice on this call")))
            else:
                call.retried = True
                self._send(replacement, call)

    def close(self) -> defer.Deferred:
        """End the children's input; fires once every child has answered its calls, exited and
        been reaped."""
        self.closing = True
        if self.watchdog is not None and self.watchdog.running:
            self.watchdog.stop()
        waits = [child.gone for child in self.children]
        for child in list(self.children):
            child.protocol.transport.closeChildFD(0)
        # A child that does not exit (stopped, hung) is killed after ``stop_timeout``: the
        # crawl's end, and the lock's release, never wait for it (issue #15).
        from twisted.internet import reactor

        kills = [reactor.callLater(self.stop_timeout, self._kill, child) for child in self.children]
        done = defer.DeferredList(waits)

        def cancel(result):  # type: ignore[no-untyped-def]
            for later in kills:
                if later.active():
                    later.cancel()
            return result

        return done.addBoth(cancel)
