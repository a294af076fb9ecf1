"""Issue #8 end to end: a coordinator and a worker as real processes, sharing one run through the
real Redis into a fresh PostgreSQL archive, crawling the replica sites over real HTTP.

What is fetched comes from the replica's access log, what is stored from the database, what
should be stored from the replica's gold answers.
"""

from __future__ import annotations

import signal
from collections import Counter, defaultdict

import pytest

from archiver.replica.testing import ReplicaProcess
from archiver.replica.sites import MODELLED_SITES
from tests.clirun import modelled_listings, site_counts, speech_gold
from tests.distributed import cluster

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _listings(replica) -> list[str]:
    return modelled_listings(replica)  # the six modelled families (issue #14: see clirun)


def _assert_every_gold_article_stored_once(replica, db_url: str) -> dict:
    gold = speech_gold(replica)
    stored = cluster.versions_by_url(db_url)
    missing = sorted(set(gold) - set(stored))
    assert not missing, f"{len(missing)} gold articles not stored, e.g. {missing[:3]}"
    assert {url: stored[url] for url in gold} == {url: (1, 1) for url in gold}  # one version each
    return gold


def _two_workers(replica, *, pg_url, redis_url, prefix, cwd, extra=(), run=1):
    helper = cluster.worker(f"worker{run}", redis_url=redis_url, db_url=pg_url, prefix=prefix, cwd=cwd)
    coord = cluster.coordinator(_listings(replica), redis_url=redis_url, db_url=pg_url, prefix=prefix,
                                cwd=cwd, extra=extra, name=f"coordinator{run}")
    assert coord.wait() == 0, coord.describe()
    assert helper.wait() == 0, helper.describe()
    run_row = cluster.last_run(pg_url)
    per_worker = cluster.worker_requests(run_row.stats)
    assert len(per_worker) == 2 and min(per_worker.values()) > 0, per_worker  # both did work
    assert sum(per_worker.values()) == sum(s["requests"] for s in run_row.sites_summary.values())
    assert run_row.outcome == "ok"
    return coord


def test_two_workers_share_one_run_and_fetch_and_store_every_article_once(pg_url, redis_url, prefix, tmp_path):
    with ReplicaProcess(sites=["trs", "hanweb", "post"]) as replica:
        cluster_args = dict(pg_url=pg_url, redis_url=redis_url, prefix=prefix, cwd=tmp_path)
        coord = _two_workers(replica, **cluster_args)
        gold = _assert_every_gold_article_stored_once(replica, pg_url)
        fetched = [e for e in replica.access_log() if e["path"] != "/robots.txt"]
        counts = Counter((e["site"], e["method"], e["path"]) for e in fetched)
        assert [k for k, n in counts.items() if n > 1] == []  # no page fetched twice, articles or listings
        assert len(fetched) >= len(gold)
        # Both workers' per-site counts added up in the run's stats, every site counted.
        new = site_counts(cluster.last_run(pg_url).stats, "new")
        assert len(new) == len(replica.sites) and sum(new.values()) == len(gold), (new, coord.stdout)

        # Revisits as in a single-process crawl: every known article once, conditionally, and an
        # unchanged article costs no version.
        replica.clear_log()
        coord = _two_workers(replica, extra=("--revisit", "all"), run=2, **cluster_args)
        log = replica.access_log()
        articles = Counter(e["path"] for e in log if e["path"] in {g["path"] for g in gold.values()})
        assert set(articles) == {g["path"] for g in gold.values()} and set(articles.values()) == {1}
        conditional = [e for e in log if e.get("if_none_match") or e.get("if_modified_since")]
        # Articles that link files are revisited without validators, so their files are compared
        # again (archiver/state.py, issue #19); every other article conditionally.
        with_files = {g["path"] for g in gold.values() if g["attachments"] or g["images"]}
        asked = {e["path"] for e in conditional}
        assert with_files and not asked & with_files
        assert asked >= {g["path"] for g in gold.values()} - with_files
        assert all(e["status"] == 304 for e in conditional)
        stats = cluster.last_run(pg_url).stats
        assert sum(site_counts(stats, "new").values()) + sum(site_counts(stats, "updated").values()) == 0, coord.stdout
        _assert_every_gold_article_stored_once(replica, pg_url)


def test_a_worker_killed_mid_run_loses_nothing_and_stores_nothing_twice(pg_url, redis_url, prefix, tmp_path):
    with ReplicaProcess(sites=["trs", "datepath"]) as replica:
        # Slow pages keep requests in flight, so the kill lands on work the worker holds.
        replica.fault("*", None, "slow", delay=0.3)
        helper = cluster.worker("victim", redis_url=redis_url, db_url=pg_url, prefix=prefix, cwd=tmp_path)
        coord = cluster.coordinator(_listings(replica), redis_url=redis_url, db_url=pg_url, prefix=prefix,
                                    cwd=tmp_path, settings=("ARCHIVER_REDIS_LEASE=2",))
        cluster.wait_until(
            lambda: cluster.article_count(pg_url) >= 12
            and cluster.busy_workers(redis_url, prefix, at_least=2),
            timeout=90, what="a dozen stored articles and the worker holding requests",
        )
        helper.popen.send_signal(signal.SIGKILL)
        helper.wait(timeout=10)
        assert coord.wait() == 0, coord.describe()

        gold = _assert_every_gold_article_stored_once(replica, pg_url)
        assert len(gold) >= 12
        run = cluster.last_run(pg_url)
        assert run.outcome == "ok"
        # The dead worker's leased requests went back to the queue and were done by the other.
        assert run.stats.get("archiver/distributed/requeued", 0) > 0, run.stats

        # And the run was recorded whole: the next one is incremental, as after a single-process
        # crawl (robots.txt and the first listing page per site, nothing new).
        replica.clear_log()
        again = cluster.coordinator(_listings(replica), redis_url=redis_url, db_url=pg_url, prefix=prefix,
                                    cwd=tmp_path)
        assert again.wait() == 0, again.describe()
        per_site = Counter(entry["site"] for entry in replica.access_log())
        assert set(per_site) == set(MODELLED_SITES) & set(replica.sites) and max(per_site.values()) <= 2, per_site
        assert " 0 new" in again.stdout


def test_the_delay_holds_per_host_across_workers(pg_url, redis_url, prefix, tmp_path):
    delay = 0.25
    with ReplicaProcess(sites=["trs", "legacy"]) as replica:
        helper = cluster.worker("worker", redis_url=redis_url, db_url=pg_url, prefix=prefix, cwd=tmp_path)
        coord = cluster.coordinator(_listings(replica), redis_url=redis_url, db_url=pg_url, prefix=prefix,
                                    cwd=tmp_path, delay=delay)
        assert coord.wait() == 0, coord.describe()
        assert helper.wait() == 0, helper.describe()
        times = defaultdict(list)
        for entry in replica.access_log():
            times[entry["site"]].append(entry["t"])
        for site, stamps in times.items():
            stamps.sort()
            gaps = [b - a for a, b in zip(stamps, stamps[1:])]
            assert len(stamps) > 5 and min(gaps) >= delay, (site, min(gaps))
        run = cluster.last_run(pg_url)
        per_worker = cluster.worker_requests(run.stats)
        assert min(per_worker.values()) > 0, per_worker  # the spacing held *between* workers
