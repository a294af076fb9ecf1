"""Issue #21: the sites that struggled in the last run (timeouts, 5xx, a walk cut short) are
started first: a hanging site costs its timeouts wherever it starts, and started last it set
the end of a 3,000-site nightly."""

from __future__ import annotations

from archiver.report import SiteReport
from archiver.runner import prepare_run
from archiver.targets import CrawlTarget
from storage import repository
from storage.db import make_engine, make_session_factory, upgrade


def report(site: str, **fields) -> dict:
    return SiteReport(site=site, listing_url=f"http://{site}.test/l", **fields).to_dict()


def test_sites_that_struggled_last_time_start_first(tmp_path):
    db = f"sqlite:///{tmp_path}/a.sqlite3"
    upgrade(db)
    sessions = make_session_factory(make_engine(db))
    names = ["a_ok", "b_hung", "c_challenged", "d_new", "e_incomplete"]
    targets = [CrawlTarget(site=s, listing_url=f"http://{s}.test/l") for s in names]
    with sessions.begin() as session:
        for t in targets:
            repository.get_or_add_site(session, t.site, base_url=t.listing_url)
        run = repository.start_run(session, args={"sites": names[:3] + names[4:]}, software_version="t")
        run_id = run.id
    summary = {
        "a_ok": report("a_ok", listing_pages=1, listed=3, new=3, complete_columns=["http://a_ok.test/l"]),
        "b_hung": report("b_hung", listing_errors=1, messages=["TimeoutError"]),  # failed
        "c_challenged": report("c_challenged", challenged=True),  # answers at once: no hurry
        "e_incomplete": report("e_incomplete", listing_pages=1, listed=3, new=2, errors=1),
    }
    assert [summary[s]["outcome"] for s in summary] == ["ok", "failed", "challenged", "incomplete"]
    with sessions.begin() as session:
        repository.finish_run(session, run_id, stats={}, outcome="failed", sites_summary=summary)
    prepared = prepare_run(sessions, targets, revisit="due", intervals=[], run_args={})
    assert [t.site for t in prepared.targets] == ["b_hung", "e_incomplete", "a_ok", "c_challenged", "d_new"]
    assert [t.full_walk for t in prepared.targets] == [True, True, False, True, True]
