"""The one list of CMS families (issue #18): every other module reads it (detection, the site
registry, CLI choices, ARCHIVER_FAMILIES, the replica registry, tests, benchmarks).

Adding a platform = one family module (its detection clues and parsing as constants on its
`CMSFamily` subclass) listed here; see docs/ADDING-A-SITE.md. The order is detection's tie-break
order; `generic`, the fallback, comes last.
"""

from __future__ import annotations

from .base import CMSFamily
from .datepath import DatePathFamily
from .detail import DetailFamily
from .generic import GenericFamily
from .hanweb import HanwebFamily
from .legacy import LegacyFamily
from .post import PostFamily
from .trs import TRSFamily

FAMILIES: dict[str, CMSFamily] = {
    fam.name: fam
    for fam in (TRSFamily(), HanwebFamily(), LegacyFamily(), DatePathFamily(), PostFamily(),
                DetailFamily(), GenericFamily())
}
# Every family name, `generic` included (the site registry's `family`, `extract --family`).
FAMILY_NAMES: tuple[str, ...] = tuple(FAMILIES)
# The families detection can answer (those with clues): every one but the fallback.
DETECTED: tuple[str, ...] = tuple(name for name in FAMILIES if name != "generic")
