"""The reliable frontier against the real Redis: dupe filter, FIFO, in-flight, leases, reaping."""

from __future__ import annotations

import time

import pytest
from scrapy import Request, Spider

from archiver.distributed.queue import Frontier, FrontierScheduler

pytestmark = pytest.mark.redis


def test_push_filters_duplicates_atomically_and_pops_fifo_within_a_priority(server, keys):
    frontier = Frontier(server, keys, "w1")
    assert frontier.push(b"a", fingerprint="fp-a")
    assert not frontier.push(b"a-again", fingerprint="fp-a")  # seen in this run
    assert frontier.push(b"b", fingerprint=None)  # dont_filter
    assert frontier.push(b"b", fingerprint=None)  # identical bytes stay two entries
    assert frontier.push(b"urgent", priority=5, fingerprint="fp-u")
    popped = [frontier.pop()[2] for _ in range(4)]
    assert popped == [b"urgent", b"a", b"b", b"b"]
    assert frontier.pop() is None


def test_popped_entries_stay_in_flight_until_acknowledged(server, keys):
    frontier = Frontier(server, keys, "w1")
    frontier.heartbeat()
    frontier.push(b"x", fingerprint="x")
    frontier.push(b"y", fingerprint="y")
    first, host, _ = frontier.pop()
    size = frontier.size()
    assert (size.queued, size.inflight, size.empty) == (1, 1, False)
    frontier.ack(first, host)
    assert frontier.size().inflight == 0


def test_a_dead_workers_requests_return_to_the_queue_with_their_priority(server, keys):
    dead = Frontier(server, keys, "dead", lease=0.2)
    live = Frontier(server, keys, "live", lease=30)
    dead.heartbeat()
    live.heartbeat()
    dead.push(b"low", priority=0, fingerprint="1")
    dead.push(b"high", priority=3, fingerprint="2")
    assert {dead.pop()[2], dead.pop()[2]} == {b"low", b"high"}
    assert live.reap() == (0, [])  # the lease still runs
    time.sleep(0.3)
    assert live.reap() == (2, ["dead"])
    assert server.hget(keys.stats, "archiver/distributed/requeued") == b"2"
    assert [live.pop()[2], live.pop()[2]] == [b"high", b"low"]
    assert live.reap() == (0, [])  # the live worker keeps its own


def test_a_worker_reaped_during_a_pause_registers_again_when_it_pops(server, keys):
    slow = Frontier(server, keys, "slow", lease=0.1)
    slow.heartbeat()
    time.sleep(0.2)
    Frontier(server, keys, "other").reap()
    assert server.zscore(keys.workers, "slow") is None
    slow.push(b"r", fingerprint="r")
    slow.pop()
    assert server.zscore(keys.workers, "slow") is not None  # its new in-flight entry is covered
    assert slow.heartbeat() is False  # already registered again


def test_with_a_per_host_cap_a_worker_passes_over_hosts_it_already_holds(server, keys):
    mine = Frontier(server, keys, "mine", per_host=1)
    other = Frontier(server, keys, "other", per_host=1)
    for n, host in enumerate(["a:80", "a:80", "a:80", "b:80"]):
        mine.push(f"{host}/{n}".encode(), host=host, fingerprint=str(n))
    first = mine.pop()
    assert first[1:] == ("a:80", b"a:80/0")
    assert mine.pop()[2] == b"b:80/3"  # a:80/1 keeps its place for others
    assert mine.pop() is None
    assert other.pop()[2] == b"a:80/1"  # another worker takes it, in order
    mine.ack(first[0], first[1])
    assert mine.pop()[2] == b"a:80/2"
    mine.release_own(leave=True)  # the host counts go with the in-flight entries
    assert not server.exists(keys.inflight("mine") + ":hosts")


def test_release_own_returns_unfinished_work_and_leaves(server, keys):
    frontier = Frontier(server, keys, "w1")
    frontier.heartbeat()
    frontier.push(b"r", fingerprint="r")
    frontier.pop()
    assert frontier.release_own(leave=True) == 1
    assert frontier.size().queued == 1
    assert server.zscore(keys.workers, "w1") is None


class _Spider(Spider):
    name = "t"

    def parse_thing(self, response):  # a callback that serialisation must find again
        pass


def test_scheduler_round_trips_requests_and_acknowledges_them(server, keys):
    scheduler = FrontierScheduler(server, keys, "w1", lease=30)
    spider = _Spider()
    scheduler.open(spider)
    scheduler.frontier.heartbeat()
    article = Request("http://a.example/1.html", callback=spider.parse_thing, meta={"site": "a", "pages": []})
    assert scheduler.enqueue_request(article)
    assert not scheduler.enqueue_request(article.replace())  # the shared dupe filter
    assert scheduler.enqueue_request(article.replace(dont_filter=True))
    assert scheduler.has_pending_requests()
    got = scheduler.next_request()
    assert got.url == article.url and got.callback == spider.parse_thing and got.meta["site"] == "a"
    assert scheduler.frontier.size().inflight == 1
    scheduler.request_done(got)
    assert scheduler.frontier.size().inflight == 0
    scheduler.next_request()  # taken, never finished: closing gives it back
    scheduler.close("shutdown")
    assert scheduler.frontier.size().queued == 1


def test_a_worker_holds_no_more_than_its_prefetch(server, keys):
    scheduler = FrontierScheduler(server, keys, "w1", lease=30, prefetch=2)
    scheduler.open(_Spider())
    for n in range(4):
        scheduler.enqueue_request(Request(f"http://a.example/{n}.html"))
    first, second = scheduler.next_request(), scheduler.next_request()
    assert scheduler.next_request() is None  # the rest stays for other workers
    scheduler.request_done(first)
    assert scheduler.next_request() is not None
