"""Issue #21: an attachment's text is read once per distinct file within a run, the cache stays
bounded, and a crashed read is never kept as the file's text. Over real HTTP:
test_files_crawl.py::test_a_file_linked_by_many_sites_is_read_once."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from scrapy.settings import Settings
from twisted.internet import defer

from archiver.extract.filetext import FileText
from archiver.pipelines import files as files_module
from archiver.pipelines.files import FilesPipeline
from archiver.pipelines.textcache import TextCache


def text(n: int, chars: int = 1000) -> FileText:
    return FileText("application/pdf", "text", text=str(n % 10) * chars, pages=1)


def test_the_cache_stays_bounded_in_entries_and_characters():
    by_entries = TextCache(max_entries=100, max_chars=10**9)
    by_chars = TextCache(max_entries=10**6, max_chars=50_000)
    for n in range(10_000):
        by_entries.put(("d", n), text(n))
        by_chars.put(("d", n), text(n))
        assert len(by_entries) <= 100 and by_chars.chars <= 50_000
    assert len(by_chars) == 50 and by_chars.chars == sum(len(t.text) for t in by_chars.entries.values())
    assert by_entries.get(("d", 9_999)) is not None and by_entries.get(("d", 0)) is None  # oldest out
    by_chars.put("huge", text(1, 60_000))  # larger than the whole budget: not kept, nothing evicted
    assert by_chars.get("huge") is None and len(by_chars) == 50


class Stats(Counter):
    def inc_value(self, key, count=1):
        self[key] += count


def pipeline(answers: list, entries: int = 2000) -> tuple[FilesPipeline, list]:
    """A pipeline whose child answers from ``answers``: (FileText, returned) or a Deferred."""
    crawler = SimpleNamespace(settings=Settings({"ARCHIVER_FILE_TEXT_CACHE_ENTRIES": entries}), stats=Stats())
    files = FilesPipeline(crawler)
    asked = []

    async def ask_child(data, url, declared):
        asked.append(url)
        answer = answers.pop(0)
        return (await answer) if isinstance(answer, defer.Deferred) else answer

    files.ask_child = ask_child
    return files, asked


def read(files, url: str, key) -> defer.Deferred:
    return defer.ensureDeferred(files.read(b"%PDF-1.4", url, None, key=key))


def result(d: defer.Deferred):
    out = []
    d.addBoth(out.append)
    return out[0]


def test_the_same_file_is_asked_once_and_counted_as_hits():
    files, asked = pipeline([(text(1), True)])
    first = result(read(files, "http://a.gov.cn/1.pdf", ("d1", "application/pdf")))
    again = result(read(files, "http://b.gov.cn/x.pdf", ("d1", "application/pdf")))
    assert first is again and asked == ["http://a.gov.cn/1.pdf"]
    assert files.stats["archiver/files/text/cache_hits"] == 1 and files.stats["archiver/files/text/reads"] == 1


def test_a_file_being_read_is_not_sent_again_for_another_article(monkeypatch):
    # No reactor in this process: a Deferred is awaited as itself (the crawl test runs the real one).
    monkeypatch.setattr(files_module, "maybe_deferred_to_future", lambda d: d)
    slow = defer.Deferred()
    files, asked = pipeline([slow])
    a, b = read(files, "u1", ("d1", "application/pdf")), read(files, "u2", ("d1", "application/pdf"))
    assert not a.called and not b.called and asked == ["u1"]
    slow.callback((text(2), True))
    assert result(a) is result(b) and asked == ["u1"]


def test_a_crashed_read_is_not_the_files_text():
    crash = FileText("application/pdf", "failed", "text extraction crashed: ChildDied")
    files, asked = pipeline([(crash, False), (text(3), True)])
    assert result(read(files, "u1", ("d1", "application/pdf"))).status == "failed"
    assert result(read(files, "u2", ("d1", "application/pdf"))).status == "text"
    assert asked == ["u1", "u2"]


def test_another_media_type_or_the_cache_off_reads_again():
    files, asked = pipeline([(text(4), True), (text(5), True)])
    read(files, "a.doc", ("d1", "application/msword"))
    read(files, "a.wps", ("d1", "application/vnd.ms-works"))  # sniff names OLE2 by the extension
    assert asked == ["a.doc", "a.wps"]
    off, asked_off = pipeline([(text(6), True), (text(6), True)], entries=0)
    read(off, "u1", ("d1", "application/pdf"))
    read(off, "u2", ("d1", "application/pdf"))
    assert asked_off == ["u1", "u2"]
