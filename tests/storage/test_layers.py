"""Layers point one way: the archive (``storage/``) never imports the crawler (``archiver/``).

Read from the source with ``ast`` (imports inside functions count too), so a lazy import that
reaches back up fails here rather than in a picture nobody opens (issue #18).
"""

from __future__ import annotations

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parents[2] / "storage"


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_storage_imports_nothing_of_archiver() -> None:
    sources = sorted(STORAGE.rglob("*.py"))
    assert len(sources) > 10  # the folder was found and read
    upward = {
        f"{path.relative_to(STORAGE.parent)}: {name}"
        for path in sources
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if name == "archiver" or name.startswith("archiver.")
    }
    assert not upward, sorted(upward)
