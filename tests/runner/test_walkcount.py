"""Issue #14: what a column walk did not cover, as the summary line says it (pure functions)."""

from __future__ import annotations

from archiver.spiders.walkcount import count_page, new_walk, shortfalls


def walked(*pages: tuple[int, int | None, int | None]) -> dict:
    walk = new_walk()
    for rows, stated_pages, stated_items in pages:
        walk = count_page(walk, rows=rows, listed=rows, stated_pages=stated_pages, stated_items=stated_items)
    return walk


def test_shortfalls_name_the_numbers():
    one_of_two = walked((5, 2, 10))
    assert shortfalls(one_of_two, ended="last-page") == ["walked 1 of 2 listing pages (共2页), 5 of ~10 articles"]
    assert shortfalls(one_of_two, ended="incremental") == []  # nothing new on page 1: not short
    assert shortfalls(walked((5, 2, 10), (5, 2, 10)), ended="last-page") == []
    # Every stated article listed in fewer requests than pages (Hanweb asks three pages at once).
    assert shortfalls(walked((45, 3, 45)), ended="last-page") == []
    assert shortfalls(walked((20, 3, None)), ended="last-page") == ["walked 1 of 3 listing pages (共3页)"]
    assert shortfalls(walked((20, None, None)), ended="last-page") == []  # states nothing
    cut = shortfalls(walked((20, None, None)), ended="cut", max_pages=1)
    assert cut == ["walked 1 listing pages: cut at 1 listing pages (raise ARCHIVER_MAX_LISTING_PAGES)"]


def test_failed_pages_and_repeats():
    walk = count_page(walked((10, None, None)), failure="http://h/list_2.html: HTTP 500")
    assert shortfalls(walk, ended="last-page") == ["1 listing page(s) could not be read (http://h/list_2.html: HTTP 500)"]
    repeating = walked((10, 100000, None))
    for _ in range(2):  # pages listing only articles listed before
        repeating = count_page(repeating, rows=0, listed=10, stated_pages=100000)
    assert repeating["repeats"] == 2
    assert count_page(repeating, rows=0, listed=0)["repeats"] == 0  # an empty page is no repeat
    assert "stopped after 3 pages repeating" in shortfalls(repeating, ended="repeating")[0]


def test_three_unreadable_pages_in_a_row_stop_the_walk():
    from archiver.spiders.walkcount import stop_reason

    walk = walked((20, 100000, None))
    for n in range(3):
        assert stop_reason(walk) is None
        walk = count_page(walk, failure=f"http://h/p{n}.html: HTTP 404")
    assert stop_reason(walk) == "failing"
    assert "in a row could not be read" in shortfalls(walk, ended="failing")[0]
    assert stop_reason(count_page(walk, rows=5, listed=5)) is None  # a readable page resets it
