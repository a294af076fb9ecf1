"""The generic path alone on every replica family's gold (issue #16's measurable target).

Family modules switched off (`family="generic"` for every page): title and published_at right on
every article, body character F1 >= 0.98 on average and >= 0.9 on the worst page, no gold
boilerplate string left in any body, speaker fields >= 0.95 per family. The families come from
the replica's own site list, so a family added later is measured without editing this test.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timezone

import pytest

from archiver.article import extract_record
from archiver.replica.families import available

from archiver.items import FetchedPage

from .test_gold import MAX_PAGES_PER_ARTICLE, SPEECH_FIELDS, body_f1, http_get

FLOORS = {"f1_mean": 0.98, "f1_worst": 0.9, "speech": 0.95}


def fetch_generic(url: str):
    """Fetch an article's pages as the generic path finds them (its own continuation links)."""
    now = datetime.now(timezone.utc)
    pages: list[FetchedPage] = []
    todo, result = [url], None
    while todo and len(pages) < MAX_PAGES_PER_ARTICLE:
        body, headers, final = http_get(todo.pop(0))
        pages.append(FetchedPage(final, 200, body, now, headers))
        result = extract_record(pages, family="generic")
        todo = list(result.continuation_urls)
    return result


@pytest.fixture(scope="module")
def generic_rows(replica):
    rows: dict[str, list] = defaultdict(list)
    for family in available():
        for gold in replica.gold(site=family):
            if gold["status"] != "live":
                continue
            rows[family].append((gold, fetch_generic(gold["url"])))
    return rows


def test_every_replica_family_is_measured(generic_rows):
    assert set(generic_rows) == set(available()) and all(generic_rows.values())


def test_generic_path_alone_meets_the_floors(generic_rows):
    failures = []
    for family, rows in sorted(generic_rows.items()):
        f1s = []
        speech = defaultdict(int)
        for gold, result in rows:
            fields = result.fields
            assert result.family == "generic"
            where = f"{family} {gold['key']}"
            for key in ("title", "published_at"):
                if fields[key] != gold[key]:
                    failures.append(f"{where}: {key} {fields[key]!r} != {gold[key]!r}")
            f1s.append(body_f1(fields["body"], gold["body"]))
            failures.extend(f"{where}: boilerplate {c!r} left" for c in gold["boilerplate"] if c in fields["body"])
            for key in SPEECH_FIELDS:
                speech[key] += fields[key] == gold[key]
        mean, worst = statistics.mean(f1s), min(f1s)
        print(family, len(rows), f"f1 mean {mean:.4f} worst {worst:.4f}",
              {k: round(v / len(rows), 3) for k, v in speech.items()})
        if mean < FLOORS["f1_mean"] or worst < FLOORS["f1_worst"]:
            failures.append(f"{family}: body F1 mean {mean:.4f} worst {worst:.4f}")
        failures.extend(f"{family}: {k} {v / len(rows):.3f}" for k, v in speech.items()
                        if v / len(rows) < FLOORS["speech"])
    assert not failures, "\n".join(failures[:40])
