"""What extraction considered and chose, for `extract --explain` (issue #16).

The extraction functions fill a `Trace` only when one is passed in (default None: no cost, no
change to what they return), so the explanation is the real run, never a re-implementation of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Trace:
    # CMS family: the detector's score per family, the threshold a family must reach, what was
    # given (registry, --family), what the run allows (ARCHIVER_FAMILIES) and what was used.
    family: str | None = None
    family_given: str | None = None
    family_scores: dict[str, int] = field(default_factory=dict)
    family_threshold: int = 0
    families_allowed: list[str] | None = None
    # Body: how the block was found (override, family XPath, densest block) and the scored
    # candidate blocks ({"path", "score", "chars", "chosen"}), best first.
    body_via: str | None = None
    body_candidates: list[dict[str, Any]] = field(default_factory=list)
    # Dates: every candidate ({"where", "raw", "parsed", "chosen"}) in priority order.
    dates: list[dict[str, Any]] = field(default_factory=list)
    # Speech fields: field -> {"value", "line"} (the title or body line it was read from).
    speech: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each boilerplate line removed and the rule that removed it ({"rule", "text"}).
    removed: list[dict[str, str]] = field(default_factory=list)
    overrides_used: dict[str, str] = field(default_factory=dict)
