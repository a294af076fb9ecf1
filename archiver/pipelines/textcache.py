"""Attachment texts read once per distinct file within a run (issue #21).

Sites link the same 附件 (a form, a template, a notice) from many articles, and every copy went
to the text child to be parsed again: in the 3,000-site simulation 24,232 file links held 40
distinct files and their reading took 112 s of CPU. ``extract_text`` is a function of the bytes,
the media type ``sniff`` makes of them (the URL's extension and the declared type only matter
through it) and the run's limits, so (sha256, media type) is the key. The archive keeps one
text per sha256 (``file_texts``, first written wins), so the cache never stores anything a
re-read would have changed.

Bounded in entries and in characters of text (LRU): a national run's distinct files are few, but
nothing here may grow with the crawl.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Hashable

from archiver.extract.filetext import FileText


class TextCache:
    def __init__(self, max_entries: int, max_chars: int) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.chars = 0
        self.entries: OrderedDict[Hashable, FileText] = OrderedDict()

    def get(self, key: Hashable) -> FileText | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: Hashable, text: FileText) -> None:
        size = len(text.text or "")
        if self.max_entries <= 0 or size > self.max_chars or key in self.entries:
            return
        self.entries[key] = text
        self.chars += size
        while len(self.entries) > self.max_entries or self.chars > self.max_chars:
            _, old = self.entries.popitem(last=False)
            self.chars -= len(old.text or "")

    def __len__(self) -> int:
        return len(self.entries)
