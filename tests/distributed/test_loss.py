"""Issue #15 in a distributed crawl: a column is complete only when every article it listed was
stored, whichever worker listed it and whichever stored it (``SharedColumnLedger``). A
coordinator and a worker, real Redis, a fresh PostgreSQL archive, the replica over real HTTP.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from archiver.replica.testing import ReplicaProcess
from storage.db import upgrade
from tests.clirun import speech_gold
from tests.distributed import cluster
from tests.reliability.helpers import rows

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def not_on_the_first_listing_page(replica) -> str:
    """A gold article an incremental run would never reach again: it is not on page 1, where
    such a run stops when nothing there is new."""
    listing = replica.sites["trs"]["listing"]
    first = urllib.request.urlopen(listing, timeout=10).read().decode("utf-8", "replace")
    linked = {href.rsplit("/", 1)[-1] for href in re.findall(r'href="([^"]+)"', first)}
    return sorted(url for url in speech_gold(replica, site="trs") if url.rsplit("/", 1)[-1] not in linked)[0]


def test_an_article_a_worker_failed_to_store_leaves_its_column_incomplete(pg_url, redis_url, prefix, tmp_path):
    with ReplicaProcess(sites=["trs"]) as replica:
        listing = replica.sites["trs"]["listing"]
        gold = set(speech_gold(replica, site="trs"))
        refused = not_on_the_first_listing_page(replica)
        upgrade(pg_url)
        # The archive refuses that one article (as a constraint or a server error would).
        rows(pg_url, "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     f"IF NEW.url = '{refused}' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
                     "RETURN NEW; END $$")
        rows(pg_url, "CREATE TRIGGER test_refuse BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION test_refuse()")
        args = dict(redis_url=redis_url, db_url=pg_url, prefix=prefix, cwd=tmp_path)
        helper = cluster.worker("worker1", **args)
        coord = cluster.coordinator([listing], name="coordinator1", **args)
        assert coord.wait() == 1, coord.describe()  # never `ok` with an article not stored
        assert helper.wait() == 0, helper.describe()
        assert set(cluster.versions_by_url(pg_url)) == gold - {refused}
        run = cluster.last_run(pg_url)
        (site,) = run.sites_summary.values()
        assert site["complete_columns"] == [], site  # the walk ended, but not everything was stored

        rows(pg_url, "DROP TRIGGER test_refuse ON articles")
        replica.clear_log()
        helper = cluster.worker("worker2", **args)
        coord = cluster.coordinator([listing], name="coordinator2", **args)
        assert coord.wait() == 0, coord.describe()
        assert helper.wait() == 0, helper.describe()
        # The clean incremental run walked the column in full and stored the refused article,
        # once; every other article still has its one version.
        assert cluster.versions_by_url(pg_url) == {url: (1, 1) for url in gold}
        (site,) = cluster.last_run(pg_url).sites_summary.values()
        assert site["complete_columns"] == [listing], site
