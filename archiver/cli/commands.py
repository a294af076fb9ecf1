"""What the program and each command say about themselves in --help, declared once: the table
commands.toml (issue #18). Command modules declare their options and take their parser from
``add_command``, so the CLI's prose reads in one sitting, away from the argument plumbing.
"""

from __future__ import annotations

import argparse
import tomllib
from functools import cache
from pathlib import Path

PROGRAM = "cppcc-archiver"


@cache
def texts() -> dict[str, dict[str, str]]:
    """Each table of commands.toml by command name ("db upgrade"), its prose on one line."""
    table = tomllib.loads(Path(__file__).with_name("commands.toml").read_text("utf-8"))
    # The file wraps its prose freely; argparse folds white space the same way when it prints.
    return {name: {key: " ".join(text.split()) for key, text in entry.items()} for name, entry in table.items()}


def add_command(subparsers: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """The parser of command ``name`` ("db upgrade" for a nested one) with its help and description."""
    entry = texts()[name]
    return subparsers.add_parser(name.split()[-1], help=entry["help"], description=entry["description"])
