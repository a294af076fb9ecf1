"""Per-host slots in the real Redis: spacing and one request at a time, across "workers"."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from archiver.distributed.politeness import HostSlots, poll_interval

pytestmark = pytest.mark.redis


def test_the_delay_runs_from_one_response_to_the_next_request_across_workers(server, prefix):
    delay, rounds = 0.1, 5
    exchanges: list[tuple[float, float]] = []
    lock = threading.Lock()

    def worker() -> None:
        slots = HostSlots(server, prefix, delay=delay, busy_timeout=5)
        for _ in range(rounds):
            token = uuid.uuid4().hex
            while (answer := slots.try_acquire("h:80", token)) != 0:
                time.sleep(poll_interval(delay) if answer < 0 else answer / 1000)
            start = time.monotonic()
            time.sleep(0.02)  # the download
            with lock:
                exchanges.append((start, time.monotonic()))
            slots.release("h:80", token)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    exchanges.sort()
    gaps = [b[0] - a[1] for a, b in zip(exchanges, exchanges[1:])]  # never overlapping either
    assert len(exchanges) == 2 * rounds
    assert min(gaps) >= delay - 0.002, gaps  # Redis' TTL clock vs ours: a hair of slack


def test_one_request_at_a_time_per_host_and_hosts_are_independent(server, prefix):
    slots = HostSlots(server, prefix, delay=0.05, busy_timeout=5)
    assert slots.try_acquire("a:80", "t1") == 0
    assert slots.try_acquire("a:80", "t2") == -1  # busy: the first request is in progress
    assert slots.try_acquire("b:80", "t3") == 0  # another host is not held up
    slots.release("a:80", "not-mine")  # only the holder frees the host
    assert slots.try_acquire("a:80", "t2") == -1
    slots.release("a:80", "t1")
    assert 0 < slots.try_acquire("a:80", "t2") <= 50  # free, but the delay runs
    time.sleep(0.07)
    assert slots.try_acquire("a:80", "t2") == 0


def test_a_dead_holder_blocks_the_host_only_until_its_lease_ends(server, prefix):
    slots = HostSlots(server, prefix, delay=0.01, busy_timeout=0)
    slots.busy_ms = 100  # as if the download timeout were tiny; the holder never releases
    assert slots.try_acquire("h:80", "dead") == 0
    assert slots.try_acquire("h:80", "next") == -1
    time.sleep(0.15)
    assert slots.try_acquire("h:80", "next") == 0
