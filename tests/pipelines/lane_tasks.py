"""Functions the lane tests run in child processes (importable by name from the repository root)."""

from __future__ import annotations

import logging
import os
import warnings


def double(x: int) -> int:
    return 2 * x


def fail(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os._exit(3)  # as a crash in a C library would: no answer, the process gone


def die_once(marker: str) -> str:
    """Dies the first time (leaving ``marker`` behind), answers the second."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(3)
    return "answered after a restart"


def pid() -> int:
    return os.getpid()


def warn(message: str) -> str:
    logging.getLogger("tests.lane").warning("%s", message)
    logging.getLogger("tests.lane").info("not worth a line: below WARNING")
    warnings.warn(f"{message} (a Python warning)", UserWarning, stacklevel=1)
    return "warned"


def nap(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def stop_myself() -> None:
    """Stops (SIGSTOP) the child running it: it never answers, as a hung child would not."""
    import signal

    os.kill(os.getpid(), signal.SIGSTOP)
