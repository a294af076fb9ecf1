"""Scrapy's DownloaderAwarePriorityQueue without its scan of every site at every pop (issue #21).

Scrapy 2.19's queue builds a list of (active downloads, slot) for EVERY slot with pending
requests at each ``pop()`` and ``peek()`` and scans it: ~2,900 slots x ~56,000 pops in the
3,000-site first crawl. This one keeps the slots with pending requests grouped by their number
of active downloads, each group a list sorted by slot name, and updates a slot's group when the
downloader's signals say one of its downloads started or ended. A pop is then a ``bisect`` in the
least busy group: O(log n) comparisons, no per-slot Python work.

The choice rule is Scrapy's (tests/runner/test_slotqueue.py compares both pop by pop): the
slots with the fewest active downloads, and among them the first slot name after the last one
chosen, wrapping to the first name; with one addition, *walking slots first*. A slot holding a
request of a deep column's walk (``meta[WALKING]``: the column spider sets it on every request of
a column once its pager states more than ``DEEP_COLUMN_PAGES`` pages still to walk) comes before
the others while it has at most ``WALKING_AHEAD`` active downloads. Such a host's own delay is the
crawl's critical path (a 30-page column needs 180 requests one delay apart): plain round robin
over 3,000 sites served it once per rotation and the deep site finished alone, minutes after the
rest (national simulation: 420 s for a 221 s bound). Marking every listing page instead put all
3,000 first pages in the tier beside it; marking every page 2..N let the many two-page columns
hold the engine. The walking slots have a round robin of their own: sharing one cursor sent the
rotation of all sites back to the walking site's name each time it was served, and the
last-named sites started minutes late (their first request at 158 s instead of 31 s). Slots
without a deep column's request are chosen exactly as Scrapy chooses them. Persistence
(``close()`` returns {slot: priorities}, resumed through ``slot_startprios``) is the parent
class's, so a JOBDIR written by either queue resumes with either.

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


WALKING = "walking"  # request.meta key: a request of a deep column's walk (spiders/column.py)
# A walking slot is served while it has at most this many requests in the downloader, so that its
# next request already waits in the downloader's slot when the delay ends; from the scheduler it
# would wait for the engine's next pop, which stops while the responses already in are parsed
# (national simulation: the deep host had nothing in the downloader 13% of the busy phase).
WALKING_AHEAD = 1


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

    def choose(self, last: str | None, last_walking: str | None = None) -> tuple[str | None, bool]:
        """(the slot, whether it is a walking one): the least busy walking slot with at most
        ``WALKING_AHEAD`` active downloads, the first name after ``last_walking``; else Scrapy's
        ``_next_slot`` (least busy group, first name after ``last``, else the first). Each tier
        has its own round robin."""
        if not self.groups:
            return None, False
        ready = [level for level in self.walking_groups if level <= WALKING_AHEAD]  # 0, 1 or 2 keys
        if ready:
            group, after = self.walking_groups[min(ready)], last_walking
        else:
            group, after = self.groups[min(self.groups)], last  # a handful of levels (0, 1, rarely more)
        index = 0 if after is None else bisect_right(group, after)
        return (group[index] if index < len(group) else group[0]), bool(ready)


class SlotIndexedPriorityQueue(DownloaderAwarePriorityQueue):
    """``SCHEDULER_PRIORITY_QUEUE = "archiver.slotqueue.SlotIndexedPriorityQueue"``."""

    def __init__(self, crawler, downstream_queue_cls, key, slot_startprios=None, *, start_queue_cls=None):
        super().__init__(crawler, downstream_queue_cls, key, slot_startprios, start_queue_cls=start_queue_cls)
        self.downloader = crawler.engine.downloader
        self.levels = SlotLevels()
        # The slots chosen last, among all and among the walking ones: each round robin goes on
        # after its own. One cursor for both sent the rotation of 3,000 sites back to the walking
        # site's name each time it was served: the last-named sites started minutes late.
        self.last: str | None = None
        self.last_walking: str | None = None
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
        slot, walking = self.levels.choose(self.last, self.last_walking)
        if slot is None:
            return None
        if walking:
            self.last_walking = slot
        else:
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
        slot, _ = self.levels.choose(self.last, self.last_walking)
        return None if slot is None else self.pqueues[slot].peek()

    def close(self):
        self.levels = SlotLevels()
        self.leaving.clear()
        return super().close()
