"""The raw HTTP exchange the archive stores: what the crawler hands down and ``reprocess`` reads back.

Defined here, at the bottom of the house, because storage keeps it; ``archiver.items`` hands it
on to the crawler's layers, so neither needs to reach up into the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class FetchedPage:
    """One HTTP exchange exactly as it happened."""

    url: str
    status: int
    body: bytes
    fetched_at: datetime  # timezone-aware, UTC
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"
    request_body: bytes = b""
    referer: str | None = None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.response_headers:
            if key.lower() == wanted:
                return value
        return None
