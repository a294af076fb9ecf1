"""The child side of a ``ProcessLane`` (see lanes.py): ``python -m archiver.pipelines.lane_child``.

Reads length-prefixed pickles from stdin: first ``(initializer, initargs)``, then calls
``(call_id, fn, args)``; answers each with ``(call_id, ok, value, detail)`` on file descriptor 3,
in order. Exits at end of input. stdout and stderr are the parent's, for logging.
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


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
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
            answer = (call_id, True, fn(*args), "")
        except Exception as exc:  # reported to the caller, never fatal to the child
            answer = (call_id, False, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an unpicklable result is the caller's error, not a crash
            data = pickle.dumps((call_id, False, f"unpicklable result: {exc}", ""))
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
