"""Runs a ProcessLane under Scrapy's asyncio reactor and prints what each call gave, as JSON.

    python -m tests.pipelines.drive_lane MARKER_PATH
"""

from __future__ import annotations

import json
import logging
import sys

from scrapy.utils.reactor import install_reactor

install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

from twisted.internet import defer, reactor  # noqa: E402

from archiver.pipelines.lanes import ProcessLane  # noqa: E402
from tests.pipelines import lane_tasks  # noqa: E402


def outcome(deferred: defer.Deferred) -> defer.Deferred:
    return deferred.addCallbacks(lambda v: ["ok", v], lambda f: [f.type.__name__, f.getErrorMessage()])


class Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()}")


@defer.inlineCallbacks
def main(marker: str):  # type: ignore[no-untyped-def]
    logged = Logged()
    logging.getLogger().addHandler(logged)  # the parent's logging: what a crawl writes to its file
    lane = ProcessLane("test", processes=2).start()
    results = {}
    results["warn"] = yield outcome(lane.submit(lane_tasks.warn, "child says hello"))
    results["double"] = yield defer.gatherResults([outcome(lane.submit(lane_tasks.double, i)) for i in range(20)])
    results["fail"] = yield outcome(lane.submit(lane_tasks.fail, "bad page"))
    results["unpicklable"] = yield outcome(lane.submit(lane_tasks.double, lambda: 1))
    results["die_once"] = yield outcome(lane.submit(lane_tasks.die_once, marker))
    results["die"] = yield outcome(lane.submit(lane_tasks.die))
    results["after"] = yield outcome(lane.submit(lane_tasks.double, 21))
    pids = yield defer.gatherResults([lane.submit(lane_tasks.pid) for _ in range(6)])
    results["restarts"] = lane.restarts
    results["children"] = len(set(pids))
    yield lane.close()
    results["pids"] = sorted(set(pids))
    # The watchdog (issue #15): a child with calls but no answer for 2 s is killed and replaced.
    watched = ProcessLane("watched", 1, deadline=2.0).start()
    results["naps"] = yield defer.gatherResults([outcome(watched.submit(lane_tasks.nap, 0.8)) for _ in range(5)])
    results["stopped"] = yield outcome(watched.submit(lane_tasks.stop_myself))
    results["after_stopped"] = yield outcome(watched.submit(lane_tasks.double, 4))
    results["hung"] = watched.hung
    yield watched.close()
    results["logged"] = logged.lines
    print(json.dumps(results))
    reactor.stop()


if __name__ == "__main__":
    reactor.callWhenRunning(main, sys.argv[1])
    reactor.run()
