"""The child side of a ``ProcessLane`` (see lanes.py): ``python -m archiver.pipelines.lane_child``.

Reads length-prefixed pickles from stdin: first ``(initializer, initargs)``, then calls
``(call_id, fn, args)``; answers each with ``(call_id, ok, value, detail, logs)`` on file
descriptor 3, in order. ``logs`` are the records (WARNING and up, Python warnings included) this
process logged since its previous answer, as ``(logger name, level, text)``: the parent logs them
again, so they reach the crawl's log file instead of a cron mail. Exits at end of input; records
still held then go to stderr.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import traceback
from typing import BinaryIO

HEADER = 4  # bytes of big-endian frame length
RESULTS_FD = 3


def frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(HEADER, "big") + payload


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(HEADER)
    if len(header) < HEADER:
        return None
    size = int.from_bytes(header, "big")
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


class HeldRecords(logging.Handler):
    """Keeps this process's log records until the next answer carries them to the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(message)s"))  # with the traceback, if any
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append((record.name, record.levelno, self.format(record)))
        except Exception:
            self.handleError(record)

    def take(self) -> list[tuple[str, int, str]]:
        records, self.records = self.records, []
        return records


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    held = HeldRecords()
    logging.basicConfig(level=logging.WARNING, handlers=[held])
    logging.captureWarnings(True)
    try:
        return serve(held)
    finally:
        for name, level, text in held.take():
            print(f"[{name}] {logging.getLevelName(level)}: {text}", file=sys.stderr)


def serve(held: HeldRecords) -> int:
    calls = os.fdopen(0, "rb")
    answers = os.fdopen(RESULTS_FD, "wb")
    setup = read_frame(calls)
    if setup is None:
        return 0
    initializer, initargs = pickle.loads(setup)
    if initializer is not None:
        initializer(*initargs)
    while (payload := read_frame(calls)) is not None:
        call_id, fn, args = pickle.loads(payload)
        try:
            outcome = (True, fn(*args), "")
        except Exception as exc:  # reported to the caller, never fatal to the child
            outcome = (False, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        logs = held.take()
        try:
            data = pickle.dumps((call_id, *outcome, logs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result is the caller's error, not a crash
            data = pickle.dumps((call_id, False, f"unpicklable result: {exc}", "", logs))
        answers.write(frame(data))
        answers.flush()
    return 0


def profiled_main(directory: str) -> int:
    """``ARCHIVER_LANE_PROFILE=DIR``: run under cProfile, stats to DIR/lane-PID.prof (bench --profile)."""
    import cProfile

    profiler = cProfile.Profile()
    try:
        return profiler.runcall(main)
    finally:
        profiler.dump_stats(os.path.join(directory, f"lane-{os.getpid()}.prof"))


if __name__ == "__main__":
    profile_dir = os.environ.get("ARCHIVER_LANE_PROFILE")
    sys.exit(profiled_main(profile_dir) if profile_dir else main())
