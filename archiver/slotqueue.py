"""Scrapy's DownloaderAwarePriorityQueue without its scan of every site at every pop (issue #21).

Scrapy 2.19's queue builds a list of (active downloads, slot) for EVERY slot with pending
requests at each ``pop()`` and ``peek()`` and scans it: ~2,900 slots x ~56,000 pops in the
3,000-site first crawl. This one keeps the slots with pending requests grouped by their number
of active downloads, each group a list sorted by slot name, and updates a slot's group when the
downloader's signals say one of its downloads started or ended. A pop is then a ``bisect`` in the
least busy group: O(log n) comparisons, no per-slot Python work.

The choice rule is Scrapy's (tests/runner/test_slotqueue.py compares both pop by pop): the
slots with the fewest active downloads, and among them the first slot name after the last one
chosen, wrapping to the first name; with one addition, *walking slots first*. A slot holding the
next listing page of a deep column (a request with ``meta[WALKING]``: the column spider sets it
when the pager states more than ``DEEP_COLUMN_PAGES`` pages still to walk) comes before the
others among the least busy. Such a host's own delay is the crawl's critical path (a 30-page
column needs 180 requests one delay apart): plain round robin over 3,000 sites served it once
per rotation and the deep site finished alone, minutes after the rest (national simulation: 420 s
for a 221 s bound). Marking every listing page instead put all 3,000 first pages in the tier
beside it (5-10 s gaps for the deep host in the first minute); marking every page 2..N let the
many two-page columns hold the engine while the last-named sites' first pages waited. Slots
without a deep column's page are chosen exactly as Scrapy chooses them. Persistence (``close()`` returns {slot: priorities},
resumed through ``slot_startprios``) is the parent class's, so a JOBDIR written by either
queue resumes with either.

Active downloads are read where Scrapy's own queue reads them (``Downloader.slots[key].active``,
public attributes pinned by the tests): the count rises just before ``request_reached_downloader``
but falls only after ``request_left_downloader``, when the response has been handed back, so a
slot whose download left is read again at the next pop until its request is out of ``active``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from contextlib import suppress
from pathlib import Path

from scrapy import signals
# _path_safe: the slot's JOBDIR folder name, the parent's; pinned by tests/runner/test_slotqueue.py.
from scrapy.pqueues import DownloaderAwarePriorityQueue, _path_safe


WALKING = "walking"  # request.meta key: the next listing page of a deep column (spiders/column.py)


def _insert(groups: dict[int, list[str]], level: int, slot: str) -> None:
    insort(groups.setdefault(level, []), slot)


def _remove(groups: dict[int, list[str]], level: int, slot: str) -> None:
    group = groups[level]
    del group[bisect_left(group, slot)]
    if not group:
        del groups[level]


class SlotLevels:
    """Slot names grouped by active downloads, each group sorted by name; the walking slots (those
    with pending ``WALKING`` requests, counted in ``walks``) are also kept in groups of their own."""

    def __init__(self) -> None:
        self.groups: dict[int, list[str]] = {}
        self.walking_groups: dict[int, list[str]] = {}
        self.level: dict[str, int] = {}  # slot -> its group
        self.walks: dict[str, int] = {}  # walking slot -> its pending WALKING requests

    def put(self, slot: str, level: int) -> None:
        old = self.level.get(slot)
        if old == level:
            return
        if old is not None:
            self._unindex(slot, old)
        self.level[slot] = level
        _insert(self.groups, level, slot)
        if slot in self.walks:
            _insert(self.walking_groups, level, slot)

    def _unindex(self, slot: str, level: int) -> None:
        _remove(self.groups, level, slot)
        if slot in self.walks:
            _remove(self.walking_groups, level, slot)

    def discard(self, slot: str) -> None:
        level = self.level.pop(slot, None)
        if level is not None:
            self._unindex(slot, level)
        self.walks.pop(slot, None)

    def count_walk(self, slot: str, step: int) -> None:
        """A ``WALKING`` request of ``slot`` pushed (+1) or popped (-1)."""
        was = slot in self.walks
        count = self.walks.get(slot, 0) + step
        if count > 0:
            self.walks[slot] = count
        else:
            self.walks.pop(slot, None)
        level = self.level.get(slot)
        if level is None or was == (count > 0):
            return
        if was:
            _remove(self.walking_groups, level, slot)
        else:
            _insert(self.walking_groups, level, slot)

    def choose(self, last: str | None) -> str | None:
        """Scrapy's ``_next_slot`` (least busy group, first name after ``last``, else the first),
        taken among that group's walking slots when it has any."""
        if not self.groups:
            return None
        level = min(self.groups)  # a handful of levels (0, 1, rarely more)
        group = self.walking_groups.get(level) or self.groups[level]
        index = 0 if last is None else bisect_right(group, last)
        return group[index] if index < len(group) else group[0]


class SlotIndexedPriorityQueue(DownloaderAwarePriorityQueue):
    """``SCHEDULER_PRIORITY_QUEUE = "archiver.slotqueue.SlotIndexedPriorityQueue"``."""

    def __init__(self, crawler, downstream_queue_cls, key, slot_startprios=None, *, start_queue_cls=None):
        super().__init__(crawler, downstream_queue_cls, key, slot_startprios, start_queue_cls=start_queue_cls)
        self.downloader = crawler.engine.downloader
        self.levels = SlotLevels()
        self.last: str | None = None  # the slot chosen last: round robin goes on after it
        # Requests whose download ended but which may still be in their slot's ``active`` set.
        self.leaving: dict[str, set] = {}
        for slot in self.pqueues:  # resumed from a JOBDIR
            self.levels.put(slot, self.active(slot))
        crawler.signals.connect(self.reached, signals.request_reached_downloader)
        crawler.signals.connect(self.left, signals.request_left_downloader)

    def active(self, slot: str) -> int:
        found = self.downloader.slots.get(slot)
        return len(found.active) if found is not None else 0

    def reached(self, request, spider=None) -> None:
        slot = self.downloader.get_slot_key(request)  # the downloader has just set meta's
        if slot in self.pqueues:
            self.levels.put(slot, self.active(slot))

    def left(self, request, spider=None) -> None:
        self.leaving.setdefault(self.downloader.get_slot_key(request), set()).add(request)

    def settle(self) -> None:
        """Regroup the slots whose requests have left ``active`` since the last pop."""
        for slot in list(self.leaving):
            found = self.downloader.slots.get(slot)
            requests = self.leaving[slot]
            requests.intersection_update(found.active if found is not None else ())
            if not requests:
                del self.leaving[slot]
            if slot in self.pqueues:
                self.levels.put(slot, self.active(slot))

    def push(self, request) -> None:
        slot = self.downloader.get_slot_key(request)
        if slot not in self.pqueues:
            # Indexed before the push, as the parent keeps the queue if the push fails.
            self.pqueues[slot] = self.pqfactory(slot)
            self.levels.put(slot, self.active(slot))
        self.pqueues[slot].push(request)
        if request.meta.get(WALKING):
            self.levels.count_walk(slot, +1)

    def pop(self):
        self.settle()
        slot = self.levels.choose(self.last)
        if slot is None:
            return None
        self.last = slot
        queue = self.pqueues[slot]
        request = queue.pop()
        if request is not None and request.meta.get(WALKING):
            self.levels.count_walk(slot, -1)
        if len(queue) == 0:
            self.levels.discard(slot)
            del self.pqueues[slot]
            queue.close()
            if self.key:  # reclaim the slot's JOBDIR folder as the parent does
                with suppress(OSError):
                    Path(self.key, _path_safe(slot)).rmdir()
        return request

    def peek(self):
        self.settle()
        slot = self.levels.choose(self.last)
        return None if slot is None else self.pqueues[slot].peek()

    def close(self):
        self.levels = SlotLevels()
        self.leaving.clear()
        return super().close()
