"""Issue #18: the distributed engine overrides private Scrapy internals, so the Scrapy it runs on
must be one they were tested with; this fails loudly on an upgrade (or a pin that drifted)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import scrapy
from packaging.requirements import Requirement
from packaging.version import Version

from archiver.distributed import spider as distributed_spider
from archiver.distributed.spider import TESTED_SCRAPY

ROOT = Path(__file__).resolve().parents[2]


def test_installed_scrapy_is_in_the_tested_range():
    low, high = map(Version, TESTED_SCRAPY)
    assert low <= Version(scrapy.__version__) < high, (
        f"Scrapy {scrapy.__version__} is outside {TESTED_SCRAPY[0]} <= v < {TESTED_SCRAPY[1]}, the range "
        "archiver/distributed/spider.py's overrides of private Scrapy internals were tested on: read "
        "them against this release, run tests/distributed, then move TESTED_SCRAPY and pyproject.toml")


def test_pyproject_pins_the_same_range():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pin = next(Requirement(d) for d in deps if Requirement(d).name == "scrapy")
    low, high = TESTED_SCRAPY
    assert str(pin.specifier) in (f">={low},<{high}", f"<{high},>={low}")


def test_the_overridden_internals_still_exist():
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import Crawler, CrawlerProcess

    assert callable(getattr(ExecutionEngine, "_remove_request", None))
    assert hasattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL")
    assert callable(getattr(Crawler, "_create_engine", None))
    assert callable(getattr(CrawlerProcess, "_create_crawler", None))
    assert distributed_spider.FrontierEngine._remove_request is not ExecutionEngine._remove_request
