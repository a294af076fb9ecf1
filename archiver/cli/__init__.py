"""The `cppcc-archiver` command.

Each command group lives in its own module exposing ``register(subparsers)``, which declares
the options; what each command says about itself (its help line and description) is in one
table, commands.toml. This module only assembles them. Names and meanings of commands and options are a contract with users' scripts
and cron jobs: extend them, never rename them.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from archiver import __version__
from archiver.cli.commands import PROGRAM, texts

# Modules that add sub-commands, in the order they appear in --help.
COMMAND_MODULES = (
    "archiver.cli.crawl",
    "archiver.cli.archive",
    "archiver.cli.reindex",
    "archiver.cli.extract_cmd",
    "archiver.cli.sites_cmd",
    "archiver.cli.demo",
    "archiver.cli.worker",
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROGRAM, description=texts()[PROGRAM]["description"])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Past a file-size limit (ulimit -f), let writes fail with EFBIG and be reported, instead of
    # the process being killed by SIGXFSZ in the middle of a transaction.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)  # a usage error: stdout stays clean for scripts
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a user's mistake or a damaged archive: one line (issue #17)
        from archiver.cli.options import ArchiveError, UsageError, describe_database_error
        from archiver.lock import ArchiveUnusable

        if isinstance(exc, UsageError):
            code, line = EXIT_USAGE, str(exc)
        elif isinstance(exc, (ArchiveError, ArchiveUnusable)):  # a read-only or vanished folder
            code, line = EXIT_FAILED, str(exc)
        else:
            line = describe_database_error(exc)
            if line is None:
                raise  # a bug: the traceback is what its report needs
            code = EXIT_FAILED
        print(f"{parser.prog} {args.command}: {line}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
