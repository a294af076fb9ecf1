"""A SlotIndexedPriorityQueue that checks, at every pop of a real crawl, that it chooses the slot
Scrapy's DownloaderAwarePriorityQueue would choose from the real downloader's state (its scan,
``_next_slot``, run beside ours); mismatches are counted in the crawl's stats."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.pqueues import DownloaderAwarePriorityQueue, DownloaderInterface

from archiver.slotqueue import SlotIndexedPriorityQueue


class CheckedQueue(SlotIndexedPriorityQueue):
    def pop(self):
        if self.pqueues:
            self.settle()
            stats = DownloaderInterface(self.crawler).stats(self.pqueues)
            theirs = DownloaderAwarePriorityQueue._next_slot(
                SimpleNamespace(_last_selected_slot=self.last), stats, update_state=False)
            ours = self.levels.choose(self.last)
            self.crawler.stats.inc_value("slotcheck/pops")
            if ours != theirs:
                self.crawler.stats.inc_value("slotcheck/mismatches")
        return super().pop()
