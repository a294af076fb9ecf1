"""Scheduler pops at national scale: Scrapy's DownloaderAwarePriorityQueue vs archiver.slotqueue.

Issue #21. The queue alone, in this process, over a simulated downloader (the one
tests/runner/test_slotqueue.py checks both queues against): ``--slots`` sites with
``--per-slot`` requests each, ``--concurrency`` downloads in flight (each popped request enters
its slot's ``active`` set and leaves it ``--concurrency`` pops later), so idle and busy slots mix
as in a crawl. Rounds alternate the two queues (A/B, same conditions); the table gives ms per
50,000 pops (push time apart) and the load average at each round.

    .venv/bin/python bench/scheduler_pops.py                       # 3,000 slots, 3 rounds
    .venv/bin/python bench/scheduler_pops.py --slots 10000 --rounds 5
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import deque
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapy import Request, signals  # noqa: E402
from scrapy.pqueues import DownloaderAwarePriorityQueue  # noqa: E402
from scrapy.squeues import FifoMemoryQueue  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from archiver.slotqueue import SlotIndexedPriorityQueue  # noqa: E402
from bench._common import bench_parser, machine_info  # noqa: E402

QUEUES = {"scrapy": DownloaderAwarePriorityQueue, "slotqueue": SlotIndexedPriorityQueue}


class Downloader:
    """Only what the queues read: ``slots[key].active``, ``get_slot_key`` and the two signals."""

    def __init__(self, crawler) -> None:
        self.crawler, self.slots = crawler, {}

    def get_slot_key(self, request):
        return request.meta["download_slot"]

    def start(self, request) -> None:
        self.slots.setdefault(request.meta["download_slot"], SimpleNamespace(active=set())).active.add(request)
        self.crawler.signals.send_catch_log(signals.request_reached_downloader, request=request, spider=None)

    def finish(self, request) -> None:
        self.crawler.signals.send_catch_log(signals.request_left_downloader, request=request, spider=None)
        self.slots[request.meta["download_slot"]].active.discard(request)


def one_round(name: str, slots: int, per_slot: int, concurrency: int) -> tuple[float, float, int]:
    """(push seconds, pop seconds, pops) for one queue."""
    crawler = get_crawler(settings_dict={"CONCURRENT_REQUESTS_PER_IP": 0})
    downloader = Downloader(crawler)
    crawler.engine = SimpleNamespace(downloader=downloader)
    queue = QUEUES[name](crawler, FifoMemoryQueue, "")
    requests = [Request(f"http://s{s}.test/{n}", meta={"download_slot": f"s{s}.test"})
                for n in range(per_slot) for s in range(slots)]
    began = time.process_time()
    for request in requests:
        queue.push(request)
    pushed = time.process_time()
    in_flight: deque = deque()
    pops = 0
    while (request := queue.pop()) is not None:
        pops += 1
        downloader.start(request)
        in_flight.append(request)
        if len(in_flight) >= concurrency:
            downloader.finish(in_flight.popleft())
    return pushed - began, time.process_time() - pushed, pops


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--slots", type=int, default=3000)
    parser.add_argument("--per-slot", type=int, default=17, help="requests per slot (3,000 x 17 = 51,000 pops)")
    parser.add_argument("--concurrency", type=int, default=512, help="downloads in flight (the runner's cap)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pop_ms: dict[str, list[float]] = {n: [] for n in QUEUES}
    push_ms: dict[str, list[float]] = {n: [] for n in QUEUES}
    loads = []
    for _ in range(args.rounds):
        for name in QUEUES:  # A/B, alternating
            push, pop, pops = one_round(name, args.slots, args.per_slot, args.concurrency)
            pop_ms[name].append(pop * 1000 * 50_000 / pops)
            push_ms[name].append(push * 1000 * 50_000 / pops)
            loads.append(os.getloadavg()[0])
            print(f"  {name}: {pop_ms[name][-1]:.0f} ms / 50,000 pops (load {loads[-1]:.2f})", file=sys.stderr)
    info = machine_info()
    print(f"`{' '.join(['.venv/bin/python', 'bench/scheduler_pops.py', *sys.argv[1:]])}` — {args.slots} slots x "
          f"{args.per_slot} requests, {args.concurrency} in flight; CPU time (process_time), median of "
          f"{args.rounds} alternating rounds; load average {min(loads):.2f}-{max(loads):.2f}; "
          + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("\n| queue | ms per 50,000 pops | ms per 50,000 pushes |\n| --- | --- | --- |")
    for name in QUEUES:
        print(f"| {name} | {statistics.median(pop_ms[name]):,.0f} | {statistics.median(push_ms[name]):,.0f} |")


if __name__ == "__main__":
    main()
