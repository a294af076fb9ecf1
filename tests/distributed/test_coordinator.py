"""Joining and refusing runs, without crawling: the real Redis, in-process."""

from __future__ import annotations

import io
import time

import pytest

from archiver.distributed.coordinator import close_run, live_run, redact
from archiver.distributed.queue import Frontier
from archiver.distributed.runstate import RunConfig, publish_run, run_state
from archiver.distributed.worker import run_worker
from archiver.spiders.column import CrawlTarget

pytestmark = pytest.mark.redis


def _publish(server, keys) -> RunConfig:
    config = RunConfig(run_id=7, token=keys.token, targets=[CrawlTarget("s", "http://a.example/")])
    publish_run(server, keys, config, {})
    return config


def test_a_second_run_is_refused_while_workers_of_the_first_are_alive(server, keys):
    _publish(server, keys)
    Frontier(server, keys, "alive", lease=30).heartbeat()
    assert "run 7" in live_run(server, keys.prefix) and "alive" in live_run(server, keys.prefix)


def test_a_run_left_by_a_dead_coordinator_is_taken_over(server, keys):
    _publish(server, keys)
    dead = Frontier(server, keys, "dead", lease=0.001)
    dead.heartbeat()
    dead.push(b"r", fingerprint="r")
    dead.pop()
    time.sleep(0.05)  # past its 1 ms lease: on a fast machine the check came within the millisecond
    assert live_run(server, keys.prefix) is None
    assert run_state(server, keys) == "interrupted"


def test_closing_a_run_keeps_only_its_config_and_state_for_a_day(server, keys):
    _publish(server, keys)
    Frontier(server, keys, "w").push(b"r", fingerprint="r")
    close_run(server, keys, "finished")
    left = sorted(k.decode() for k in server.scan_iter(match=f"{keys.prefix}:*"))
    assert left == [keys.config, keys.state]
    assert 0 < server.ttl(keys.config) <= 24 * 3600
    assert run_state(server, keys) == "finished"


def test_a_worker_without_a_run_to_join_says_so_and_exits_0(redis_url, prefix):
    out = io.StringIO()
    code = run_worker(redis_url, "sqlite://", prefix=prefix, wait=0, idle_exit=None, settings={},
                      log_file=None, out=out)
    assert code == 0 and "no running crawl to join" in out.getvalue()


def test_a_worker_pointed_at_another_archive_refuses(server, keys, redis_url, tmp_path, capsys):
    _publish(server, keys)
    code = run_worker(redis_url, f"sqlite:///{tmp_path}/other.sqlite3", prefix=keys.prefix, wait=0,
                      idle_exit=None, settings={}, log_file=None)
    assert code == 2 and "crawl run 7" in capsys.readouterr().err


def test_redis_passwords_are_not_recorded():
    assert redact("redis://:s3cret@redis.lan:6379/0") == "redis://:***@redis.lan:6379/0"
    assert redact("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/15"
