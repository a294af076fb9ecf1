"""Redis key names of a distributed crawl, in one place.

Everything a run shares lives under ``<prefix>:run:<token>:`` so that tomorrow's run starts with
an empty dupe filter and queue, and a run's keys can be listed (``SCAN MATCH <prefix>:run:7-*``)
and dropped together. Per-host politeness slots are deliberately *not* per run: two runs (two
archives) sharing a Redis still space their requests to one host.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "cppcc-archiver"


@dataclass(frozen=True)
class RunKeys:
    prefix: str
    token: str  # "<run id>-<random hex>": unique even across archives sharing one Redis

    @property
    def base(self) -> str:
        return f"{self.prefix}:run:{self.token}"

    # -- what the run is -----------------------------------------------------------------------
    @property
    def config(self) -> str:  # JSON: run id, targets, revisit, delay, settings
        return f"{self.base}:config"

    @property
    def state(self) -> str:  # running | finished | interrupted
        return f"{self.base}:state"

    @property
    def seeded(self) -> str:  # set once the coordinator has queued every start request
        return f"{self.base}:seeded"

    @property
    def known(self) -> str:  # hash: article URL -> KnownArticle as JSON, as of the run's start
        return f"{self.base}:known"

    # -- the frontier --------------------------------------------------------------------------
    @property
    def queue(self) -> str:  # sorted set of serialised requests (scrapy-redis PriorityQueue)
        return f"{self.base}:queue"

    @property
    def dupefilter(self) -> str:  # set of request fingerprints (scrapy-redis RFPDupeFilter)
        return f"{self.base}:dupefilter"

    @property
    def sequence(self) -> str:  # counter: FIFO order within one priority
        return f"{self.base}:seq"

    @property
    def workers(self) -> str:  # sorted set: worker id -> lease expiry (Redis server ms)
        return f"{self.base}:workers"

    @property
    def inflight_prefix(self) -> str:
        return f"{self.base}:inflight:"

    def inflight(self, worker: str) -> str:  # hash: request id -> "score|member"
        return f"{self.inflight_prefix}{worker}"

    def worker_info(self, worker: str) -> str:  # hash: host, pid, role, started, finish_reason
        return f"{self.base}:worker:{worker}"

    @property
    def done(self) -> str:  # set of workers that flushed their reports and left
        return f"{self.base}:done"

    # -- what the run found --------------------------------------------------------------------
    @property
    def sites(self) -> str:  # set of site slugs with a report
        return f"{self.base}:sites"

    def report(self, site: str) -> str:  # hash of counters (HINCRBY) and flags
        return f"{self.base}:report:{site}"

    def report_list(self, site: str, name: str) -> str:  # complete_columns | messages | health
        return f"{self.base}:report:{site}:{name}"

    @property
    def unstored(self) -> str:  # hash: listed article URL -> its column, until a writer stored it
        return f"{self.base}:unstored"

    @property
    def listed(self) -> str:  # hash: article URL a listing page listed -> that page's fingerprint
        return f"{self.base}:listed"

    @property
    def stored(self) -> str:  # set: article URLs a writer confirmed stored in this run
        return f"{self.base}:stored"

    @property
    def stats(self) -> str:  # hash: Scrapy stats summed over workers
        return f"{self.base}:stats"

    @property
    def stat_lists(self) -> str:  # set: names of the list-valued stats (a site's notes)
        return f"{self.base}:stat-lists"

    def stat_list(self, name: str) -> str:  # list: every worker's items of that stat, appended
        return f"{self.base}:stat-list:{name}"


def current_key(prefix: str) -> str:
    """The key naming the run workers should join (its token)."""
    return f"{prefix}:current"


def host_key(prefix: str, host: str, what: str) -> str:
    """Politeness keys per host:port: ``next`` (spacing) and ``busy`` (one request at a time)."""
    return f"{prefix}:polite:{host}:{what}"
