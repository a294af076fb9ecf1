"""Layers point one way inside ``archiver/`` (issue #18).

Read from the source with ``ast``: imports inside functions count, and relative imports are
resolved, so a lazy ``from ..cms import`` that reaches back fails here rather than in a picture
nobody opens. (``tests/storage/test_layers.py`` keeps ``storage/`` below ``archiver/``.)
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHIVER = ROOT / "archiver"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in sorted(ARCHIVER.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports made absolute: ``from P import x`` names
    ``P.x`` when that is a module of ours, else ``P``."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                         for alias in node.names)
    return names


def _folder(module: str) -> str | None:
    """``archiver.cms.base`` -> ``cms``; None for a top-level module or outside ``archiver``."""
    parts = module.split(".")
    if parts[0] != "archiver" or len(parts) < 2 or not (ARCHIVER / parts[1]).is_dir():
        return None
    return parts[1]


def folder_arrows() -> dict[tuple[str, str], set[str]]:
    """(importing folder, imported folder) -> the files of the first that import the second."""
    arrows: dict[tuple[str, str], set[str]] = {}
    for path in MODULES.values():
        here = _folder(_module(path))
        for name in imports(path):
            there = _folder(name)
            if here and there and here != there:
                arrows.setdefault((here, there), set()).add(str(path.relative_to(ROOT)))
    return arrows


def test_the_reader_sees_the_known_arrows() -> None:
    # The reader itself: if it stopped resolving imports, the tests below would pass on nothing.
    arrows = folder_arrows()
    assert ("cms", "extract") in arrows  # cms/base.py uses the cleaning functions
    assert ("cli", "spiders") in arrows  # cli/crawl.py runs the column spider
    assert "archiver.cms.base" in imports(ARCHIVER / "cms" / "__init__.py")  # `from .base import`


def test_no_import_cycle() -> None:
    graph = {name: {m for m in imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}
    assert sum(map(len, graph.values())) > 100  # the imports were read
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_no_two_folders_import_each_other() -> None:
    arrows = folder_arrows()
    both_ways = {f"{a} <-> {b}: {sorted(arrows[a, b] | arrows[b, a])}"
                 for (a, b) in arrows if a < b and (b, a) in arrows}
    assert not both_ways, sorted(both_ways)


def test_extract_is_pure_functions_below_everything_else() -> None:
    # extract/ is the ground floor: cms/ builds on it and archiver/article.py merges both.
    upward = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ARCHIVER / "extract").rglob("*.py"))
        for name in imports(path)
        if name.startswith("archiver.") and not name.startswith("archiver.extract")
    }
    assert not upward, sorted(upward)
