"""Anti-crawler challenges (a JS cookie check answering 412 or 521): one wording, reported,
never circumvented — whether met on a page or on robots.txt (issue #21)."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

CHALLENGE_STATUSES = (412, 521)


def challenge_note(status: int, url: str) -> str:
    return f"HTTP {status} anti-crawler challenge at {url}; not circumvented"


class RobotsChallenged(IgnoreRequest):
    """Raised for every request to a host whose robots.txt answered a challenge: the spider
    reports the site ``challenged``; nothing more is asked of the host this run."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(challenge_note(status, url))
        self.status, self.url = status, url
