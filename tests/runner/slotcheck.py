"""A SlotIndexedPriorityQueue that checks, at every pop of a real crawl, that it chooses the slot
Scrapy's DownloaderAwarePriorityQueue would choose from the real downloader's state (its scan,
``_next_slot``, run beside ours, over the least busy walking slots when there are any);
mismatches are counted in the crawl's stats, and pops made among walking slots too."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.pqueues import DownloaderAwarePriorityQueue, DownloaderInterface

from archiver.slotqueue import SlotIndexedPriorityQueue


class CheckedQueue(SlotIndexedPriorityQueue):
    def pop(self):
        if self.pqueues:
            self.settle()
            stats = DownloaderInterface(self.crawler).stats(self.pqueues)
            # Walking slots first (archiver/slotqueue.py): Scrapy's scan over the least busy
            # walking slots when there are any, else over every slot.
            least = min(active for active, _ in stats)
            walking = [(a, s) for a, s in stats if a == least and s in self.levels.walks]
            stats = walking or stats
            theirs = DownloaderAwarePriorityQueue._next_slot(
                SimpleNamespace(_last_selected_slot=self.last), stats, update_state=False)
            ours = self.levels.choose(self.last)
            self.crawler.stats.inc_value("slotcheck/pops")
            if walking:
                self.crawler.stats.inc_value("slotcheck/walking_pops")
            if ours != theirs:
                self.crawler.stats.inc_value("slotcheck/mismatches")
        return super().pop()
