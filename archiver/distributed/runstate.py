"""What a distributed run shares besides the frontier: its configuration, the archive's known
articles as of the run's start, and the per-site reports the workers add up.

The coordinator publishes the configuration and the known articles once; a worker joining from
any machine reads them back, so every worker crawls exactly the run the coordinator started
(same targets, revisit policy, delay and ``-s`` settings) and judges "new" against the same
snapshot of the archive, whatever other workers stored meanwhile.

Reports: each worker adds the *change* in its numeric Scrapy stats since its last flush to the
run's stats hash (HINCRBY in one MULTI/EXEC) before it acknowledges a request, so the sum over
workers is what a single process would have counted. A site's counts, stated sizes, challenge
and notes are among those stats (``archiver/site/<slug>/…``, archiver/report.py; the notes, a
list, appended to a Redis list); beside them each worker adds what its walks hold that the
stats do not (complete columns, shortfalls, the walk's own notes, entry points), and the run's
reports are made from both by ``report.from_stats``, as a single process makes them. A worker killed between storing an article and flushing has
that request done again by another worker, which then counts the article as unchanged: the
archive holds it once either way.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Mapping

from archiver.distributed.keys import RunKeys, current_key
from archiver.report import SiteReport, from_stats, site_stat
from archiver.spiders.column import CrawlTarget, KnownArticle
from archiver.spiders.completeness import ColumnLedger

# A run is RUNNING; DRAINING once its coordinator saw the frontier empty long enough (the others
# close at once); STOPPING when the coordinator was interrupted (the others stop too); FINISHED or
# INTERRUPTED once the coordinator has recorded the outcome (nothing may be added any more).
RUNNING, DRAINING, STOPPING = "running", "draining", "stopping"
FINISHED, INTERRUPTED = "finished", "interrupted"
CLOSED = (FINISHED, INTERRUPTED)


def _report_fields(kind: str) -> tuple[str, ...]:
    # SiteReport's fields by kind, read from the dataclass so that new counters are summed too.
    return tuple(f.name for f in fields(SiteReport) if str(f.type).split("[")[0] == kind)


# The counts and `challenged` are not among these: they come from the stats (report.from_stats).
FLAGS = tuple(n for n in _report_fields("bool") if n != "challenged")  # true if any worker's is
LISTS = tuple(n for n in _report_fields("list") if n != "health")  # appended; health is judged at the end
MAPPINGS = _report_fields("dict")  # merged
MAX_MESSAGES = 20  # as SiteReport.note keeps
KNOWN_BATCH = 5000


@dataclass
class RunConfig:
    run_id: int
    token: str
    targets: list[CrawlTarget]
    revisit: str = "due"
    delay: float = 1.0
    idle_exit: float = 30.0
    settings: dict[str, str] = field(default_factory=dict)  # the coordinator's -s NAME=VALUE
    started_at: str = ""
    coordinator: str = ""  # worker id of the coordinator

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["targets"] = [
            {f.name: dict(v) if isinstance(v := getattr(t, f.name), Mapping) else v for f in fields(t)}
            for t in self.targets
        ]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> "RunConfig":
        data = json.loads(text)
        data["targets"] = [CrawlTarget(**t) for t in data["targets"]]
        return cls(**data)


def publish_run(server: Any, keys: RunKeys, config: RunConfig, known: Mapping[str, KnownArticle]) -> None:
    """Make the run joinable: known articles first, the ``current`` pointer last."""
    items = [(url, json.dumps(asdict(k), ensure_ascii=False)) for url, k in known.items()]
    for start in range(0, len(items), KNOWN_BATCH):
        server.hset(keys.known, mapping=dict(items[start:start + KNOWN_BATCH]))
    pipe = server.pipeline(transaction=True)
    pipe.set(keys.config, config.to_json())
    pipe.set(keys.state, RUNNING)
    pipe.sadd(keys.sites, *sorted({t.site for t in config.targets}))
    pipe.set(current_key(keys.prefix), keys.token)
    pipe.execute()


def current_run(server: Any, prefix: str) -> tuple[RunKeys, RunConfig] | None:
    token = server.get(current_key(prefix))
    if not token:
        return None
    keys = RunKeys(prefix, token.decode() if isinstance(token, bytes) else token)
    raw = server.get(keys.config)
    if raw is None:
        return None
    return keys, RunConfig.from_json(raw)


def wait_for_run(server: Any, prefix: str, *, wait: float, poll: float = 0.25) -> tuple[RunKeys, RunConfig] | None:
    """The run to join: a running one, waiting up to ``wait`` seconds for one to start."""
    deadline = time.monotonic() + wait
    while True:
        found = current_run(server, prefix)
        if found is not None and run_state(server, found[0]) == RUNNING:
            return found
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def run_state(server: Any, keys: RunKeys) -> str | None:
    value = server.get(keys.state)
    return value.decode() if isinstance(value, bytes) else value


def load_known(server: Any, keys: RunKeys) -> dict[str, KnownArticle]:
    known = {}
    for url, raw in server.hscan_iter(keys.known, count=KNOWN_BATCH):
        article = KnownArticle(**json.loads(raw))
        known[article.url] = article
    return known


class SharedColumnLedger(ColumnLedger):
    """Issue #15 for a shared frontier: what a column listed and no writer confirmed stored,
    kept in Redis (``RunKeys.unstored``), since the worker that lists an article is often not
    the one that stores it. An article failed, refused by the writer, or in flight on a worker
    that died (its request is requeued: stored by another worker, it is confirmed then) stays
    there, and :func:`settle_columns` keeps its column incomplete: the next run walks it in full.
    A confirmation lost with Redis errs the same safe way."""

    def __init__(self, server: Any, keys: RunKeys) -> None:
        super().__init__()
        self.server = server
        self.keys = keys

    # Another worker may fetch and store a request before the process that queued it has
    # recorded it (the signal comes after the push): an article stored in this run is never
    # recorded as unstored again.
    RECORD = "if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end"

    def scheduled(self, request: Any, spider: Any = None) -> None:
        column, url = request.meta.get("target"), request.meta.get("article_url")
        if column and url and not request.meta.get("pages"):
            self.server.eval(self.RECORD, 2, self.keys.unstored, self.keys.stored, url, column)

    def stored(self, url: str) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.sadd(self.keys.stored, url)
        pipe.hdel(self.keys.unstored, url)
        pipe.execute()


class SharedListings:
    """Which article links the run's listing pages listed, whichever worker parsed them, so that
    a walk counts the rows new to the run as one process does (a page repeating the articles of
    the page before is a repeat, issue #14's trap, even when another worker parsed that one).

    Each URL is kept with the first page (its request fingerprint) that listed it: a page parsed
    again after its worker died counts the same rows the second time."""

    FRESH = """local n = 0
for i = 2, #ARGV do
  local first = redis.call('HGET', KEYS[1], ARGV[i])
  if not first then redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]); n = n + 1
  elseif first == ARGV[1] then n = n + 1 end
end
return n"""

    def __init__(self, server: Any, keys: RunKeys) -> None:
        self.server = server
        self.keys = keys

    def fresh(self, page: str, urls: Iterable[str]) -> int:
        urls = list(urls)
        return int(self.server.eval(self.FRESH, 1, self.keys.listed, page, *urls)) if urls else 0


def settle_columns(server: Any, keys: RunKeys, reports: Iterable[SiteReport]) -> None:
    """At the run's end (the coordinator, every worker gone): a column with a listed article
    not confirmed stored is not complete, whichever worker walked it to its end."""
    unstored = Counter(_text(column) for column in server.hvals(keys.unstored))
    for report in reports:
        short = {c: unstored[c] for c in report.complete_columns if unstored[c]}
        for column, count in short.items():
            report.short(f"{count} listed articles of {column} not stored: the next run walks the column again")
        report.complete_columns = [c for c in report.complete_columns if c not in short]


class ReportLedger:
    """Adds one worker's stats changes, and what its reports hold beyond the stats, to the run's
    totals in Redis."""

    def __init__(self, server: Any, keys: RunKeys) -> None:
        self.server = server
        self.keys = keys
        self.flushed: dict[str, dict[str, Any]] = {}
        self.flushed_stats: dict[str, float] = {}
        self.flushed_lists: dict[str, int] = {}  # list-valued stat -> items already pushed

    def flush(self, reports: Iterable[SiteReport], stats: Mapping[str, Any]) -> None:
        pipe = self.server.pipeline(transaction=True)
        snapshot: dict[str, dict[str, Any]] = {}
        for report in reports:
            now = report.to_dict()
            # The report's notes are the stats' notes then the walk's (from_stats): the stats'
            # travel as stats (below), only the walk's go with the report.
            now["messages"] = now["messages"][len(stats.get(site_stat(report.site, "messages"), ())):]
            before = self.flushed.get(report.site, {})
            key = self.keys.report(report.site)
            for name in FLAGS:
                if now[name] and not before.get(name):
                    pipe.hset(key, name, 1)
            for name in LISTS:
                fresh = now[name][len(before.get(name, [])):]
                if fresh:
                    pipe.rpush(self.keys.report_list(report.site, name), *fresh)
            for name in MAPPINGS:
                fresh = {k: v for k, v in now[name].items() if before.get(name, {}).get(k) != v}
                if fresh:
                    pipe.hset(self.keys.report_list(report.site, name), mapping=fresh)
            pipe.ltrim(self.keys.report_list(report.site, "messages"), 0, MAX_MESSAGES - 1)
            snapshot[report.site] = now
        numbers = {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        for name, value in numbers.items():
            delta = value - self.flushed_stats.get(name, 0)
            if isinstance(delta, int) and delta:
                pipe.hincrby(self.keys.stats, name, delta)
            elif delta:
                pipe.hincrbyfloat(self.keys.stats, name, delta)
        lists = {k: len(v) for k, v in stats.items() if isinstance(v, list)}
        for name, length in lists.items():  # only ever appended to (report.note)
            fresh = stats[name][self.flushed_lists.get(name, 0):length]
            if fresh:
                pipe.sadd(self.keys.stat_lists, name)
                pipe.rpush(self.keys.stat_list(name), *fresh)
                pipe.ltrim(self.keys.stat_list(name), 0, MAX_MESSAGES - 1)
        pipe.execute()
        self.flushed.update(snapshot)
        self.flushed_stats = numbers
        self.flushed_lists = lists


def merged_reports(server: Any, keys: RunKeys, targets: Iterable[CrawlTarget],
                   stats: Mapping[str, Any]) -> list[SiteReport]:
    """The run's per-site reports: what every worker that flushed added, with the counts of the
    run's summed ``stats`` (``merged_stats``)."""
    reports: dict[str, SiteReport] = {}
    for target in targets:
        reports.setdefault(target.site, SiteReport(site=target.site, listing_url=target.listing_url))
    for site, report in reports.items():
        values = {_text(k): int(float(v)) for k, v in server.hgetall(keys.report(site)).items()}
        for name in FLAGS:
            setattr(report, name, bool(values.get(name)))
        for name in LISTS:
            items = [_text(v) for v in server.lrange(keys.report_list(site, name), 0, -1)]
            setattr(report, name, list(dict.fromkeys(items)) if name != "messages" else items)
        for name in MAPPINGS:
            mapping = server.hgetall(keys.report_list(site, name))
            setattr(report, name, {_text(k): _text(v) for k, v in mapping.items()})
    return [from_stats(walk, stats) for walk in reports.values()]


def merged_stats(server: Any, keys: RunKeys) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for name, value in server.hgetall(keys.stats).items():
        number = float(value)
        stats[_text(name)] = int(number) if number.is_integer() else number
    for name in server.smembers(keys.stat_lists):
        stats[_text(name)] = [_text(v) for v in server.lrange(keys.stat_list(_text(name)), 0, -1)]
    return stats


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
