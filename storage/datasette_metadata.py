"""Datasette metadata for any archive file (issue #17).

Datasette keys metadata by database name, which is the file's name without its suffix:
``datasette/metadata.json`` is written for ``archive`` (the default ``data/archive.sqlite3``) and
silently does not apply to ``data/demo.sqlite3``. This writes the same labels and canned
queries keyed by the name Datasette will give the file::

    python -m storage.datasette_metadata data/demo.sqlite3 > data/demo.metadata.json
    datasette data/demo.sqlite3 --metadata data/demo.metadata.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "datasette" / "metadata.json"
TEMPLATE_NAME = "archive"


def database_name(path: str | Path) -> str:
    """The name Datasette gives a database file (its file name without the last suffix)."""
    return Path(path).stem


def metadata_for(*paths: str | Path, template: Path = TEMPLATE) -> dict:
    """The template's metadata with its database entry repeated under each file's name."""
    metadata = json.loads(template.read_text("utf-8"))
    entry = metadata["databases"].pop(TEMPLATE_NAME)
    for path in paths:
        metadata["databases"][database_name(path)] = entry
    return metadata


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage.datasette_metadata",
                                     description=__doc__.split("\n\n")[1])
    parser.add_argument("files", nargs="+", metavar="ARCHIVE", help="SQLite archive files Datasette will open")
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(metadata_for(*args.files), ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
