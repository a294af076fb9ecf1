"""Parse big pages on a worker thread, so that one huge page does not stall every other site.

Issue #15: the crawl's callbacks and pipelines run on the reactor's thread, and while they run no
other site's response is read or request sent. A normal page (tens of kB) parses in milliseconds
and stays there (a thread hop per page costs more than it saves); a page above
``ARCHIVER_THREAD_PARSE_BYTES`` (a 3.8 MB listing took the reactor 1-4 s, the largest article
the bounds let through ~1 s) is parsed on one worker thread instead. The parsers are Python:
the interpreter hands the GIL back to the reactor every switch interval (5 ms), and lxml
releases it while it builds the tree, so the reactor goes on serving the other sites.

One thread for the whole crawl: big pages are rare, and more threads would only contend for
the GIL and the machine's cores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from twisted.internet import defer
from twisted.python.threadpool import ThreadPool

T = TypeVar("T")

_pool: ThreadPool | None = None


def is_big(size: int, settings: Any) -> bool:
    """Whether ``size`` bytes of page go to the worker thread (``<= 0``: every page does)."""
    from archiver import settings as defaults  # a crawler built without our settings module

    limit = settings.getint("ARCHIVER_THREAD_PARSE_BYTES", defaults.ARCHIVER_THREAD_PARSE_BYTES)
    return size > limit if limit > 0 else True


def run(fn: Callable[..., T], *args: Any) -> defer.Deferred:
    """``fn(*args)`` on the parse thread; the Deferred fires on the reactor with its result."""
    from twisted.internet import reactor
    from twisted.internet.threads import deferToThreadPool

    global _pool
    if _pool is None:
        _pool = ThreadPool(minthreads=1, maxthreads=1, name="archiver-parse")
        _pool.start()
        reactor.addSystemEventTrigger("during", "shutdown", _stop)
    return deferToThreadPool(reactor, _pool, fn, *args)


def _stop() -> None:
    global _pool
    if _pool is not None:
        _pool.stop()
        _pool = None
