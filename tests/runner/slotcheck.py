"""A SlotIndexedPriorityQueue that checks, at every pop of a real crawl, that it chooses the slot
Scrapy's DownloaderAwarePriorityQueue would choose from the real downloader's state (its scan,
``_next_slot``, run beside ours, over the least busy walking slots ready for another request when
there are any, each tier from its own last choice); mismatches are counted in the crawl's stats,
and pops made among walking slots too."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.pqueues import DownloaderAwarePriorityQueue, DownloaderInterface

from archiver.slotqueue import WALKING_AHEAD, SlotIndexedPriorityQueue


class CheckedQueue(SlotIndexedPriorityQueue):
    def pop(self):
        if self.pqueues:
            self.settle()
            stats = DownloaderInterface(self.crawler).stats(self.pqueues)
            # Walking slots first (archiver/slotqueue.py): Scrapy's scan over the least busy
            # walking slots with at most WALKING_AHEAD active downloads when there are any, after
            # the walking slot chosen last; else over every slot, after the slot chosen last.
            ready = [(a, s) for a, s in stats if a <= WALKING_AHEAD and s in self.levels.walks]
            least = min((a for a, _ in ready), default=None)
            walking = [(a, s) for a, s in ready if a == least]
            last = self.last_walking if walking else self.last
            theirs = DownloaderAwarePriorityQueue._next_slot(
                SimpleNamespace(_last_selected_slot=last), walking or stats, update_state=False)
            ours, _ = self.levels.choose(self.last, self.last_walking)
            self.crawler.stats.inc_value("slotcheck/pops")
            if walking:
                self.crawler.stats.inc_value("slotcheck/walking_pops")
            if ours != theirs:
                self.crawler.stats.inc_value("slotcheck/mismatches")
        return super().pop()
