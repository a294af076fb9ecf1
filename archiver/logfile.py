"""The crawl's log file handler: a failing write is said once, not once per record (issue #15).

On a full disk every log record failed to be written, and ``logging`` printed a
``--- Logging error ---`` traceback to stderr for each: thousands of lines burying the one that
said why the crawl stopped. The first failure is reported in one line; later ones are counted and
the count is said when the handler closes.
"""

from __future__ import annotations

import logging.handlers
import sys
from pathlib import Path


class RotatingLogFile(logging.handlers.RotatingFileHandler):
    failures = 0

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failures += 1
        if self.failures == 1:
            error = sys.exc_info()[1]
            _say(f"cppcc-archiver: cannot write the log file {self.baseFilename} "
                 f"({type(error).__name__}: {error}); further log errors are not shown")

    def close(self) -> None:
        if self.failures > 1:
            _say(f"cppcc-archiver: {self.failures} log records could not be written to {self.baseFilename}")
            self.failures = 0
        try:
            super().close()
        except OSError:
            pass  # flushing to a full disk: already said


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # stderr itself unwritable or closed: nothing more we can do


def default_log_file(db_url: str) -> str | None:
    """`logs/crawl.log` beside a SQLite archive, else in the working directory (the crawl's
    and the distributed coordinator's default; here so neither imports the other, issue #18)."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return str(Path(url.database).resolve().parent / "logs" / "crawl.log")
    return str(Path("logs") / "crawl.log")
