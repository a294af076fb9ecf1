"""The SQLite search index: character unigrams and bigrams of every version (see storage/search.py).

Chinese has no spaces, and FTS5's trigram tokenizer cannot match the 1-2 character words
archivists type most (政协, 民生, 乡). So the text is cut into grams here, in Python, and stored
in a contentless FTS5 table (``snapshot_grams``: only the index, not the text a second time):

* ``title_chars``/``body_chars``: every letter or digit (lower-cased) as one token, so a
  1-character query is a single token lookup;
* ``title_pairs``/``body_pairs``: every pair of adjacent letters or digits as one token, so a
  2-character query is a single token, and a longer term is a *phrase* of its overlapping pairs
  (乡村振兴 = "乡村 村振 振兴"). Wherever a non-alphanumeric character (punctuation, space, a
  line break) breaks the text, a ``SEPARATOR`` token is written, so "AB，BC" never matches
  "ABC".

The ``ascii`` tokenizer splits on ASCII spaces only (every non-ASCII character is a token
character), so each gram written here is exactly one FTS token, and queries are cut with the
same ``grams``/``term_runs`` functions.

``index_snapshot`` is called by ``repository.add_version`` for every version it stores, inside the
same transaction. Versions are never updated or deleted by the application; ``rebuild_search_index``
(used by migration 0002, and by ``cppcc-archiver reindex``) recreates the index from
``snapshots`` in batches. PostgreSQL needs none of this (pg_trgm indexes on the columns).
"""

from __future__ import annotations

import codecs
import operator
import re
import sys
import time
from array import array
from collections.abc import Callable, Iterable
from typing import IO

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

TABLE = "snapshot_grams"
COLUMNS = ("title_chars", "title_pairs", "body_chars", "body_pairs")
# Three characters: never a unigram or a bigram, so no query gram can match it.
SEPARATOR = "zzz"
CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    + ", ".join(COLUMNS)
    + ", content='', tokenize='ascii', detail='full')"
)
REBUILD_BATCH = 2000

_RUN = re.compile(r"[^\W_]+")  # letters and digits in any script (str.isalnum, roughly)


def term_runs(term: str) -> list[str]:
    """The alphanumeric runs of ``term``, lower-cased (``"100%的a_b"`` -> ``["100", "的a", "b"]``)."""
    return _RUN.findall(term.lower())


def pairs(run: str) -> list[str]:
    """Overlapping pairs of a run: ``"乡村振兴"`` -> ``["乡村", "村振", "振兴"]``."""
    return list(map(operator.add, run, run[1:]))  # a third faster than a lookahead findall


def grams(value: str | None) -> tuple[str, str]:
    """``(chars, pairs)`` columns for one text: space-separated unigrams, and bigrams with a
    ``SEPARATOR`` wherever the text breaks."""
    if not value:
        return "", ""
    runs = term_runs(value)
    # The runs that have pairs, BREAK between two: all their pairs are made at once, by C code,
    # then the two pairs around each BREAK become one SEPARATOR.
    joined = BREAK.join([run for run in runs if len(run) > 1])
    return _windows("".join(runs), 1), _AROUND_BREAK.sub(f"{SEPARATOR} ", _windows(joined, 2))


# Grams are made CHUNK characters at a time (same text): one string object per gram of a 5 M
# character body was ~700 MB in the writer (issue #15, a 15 MB article page); the buffers of
# _interleave hold 12 bytes per character of what they are given.
CHUNK = 1 << 16
BREAK = "\x00"  # never a letter or digit, so never in a run
_AROUND_BREAK = re.compile(f"[^ ]{BREAK} {BREAK}[^ ] ")  # "x\0 \0y ": the pairs across a BREAK
_CODE = "I" if array("I").itemsize == 4 else "L"  # 4-byte items: one UTF-32 code unit each
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # the array's byte order
_SPACE = array(_CODE, [ord(" ")])


def _windows(text: str, width: int) -> str:
    """Every ``width``-character window of ``text``, space-separated, CHUNK windows at a time."""
    return " ".join(_interleave(text[i:i + CHUNK + width - 1], width)
                    for i in range(0, len(text) - width + 1, CHUNK))


def _interleave(text: str, width: int) -> str:
    """``("abc", 1)`` -> ``"a b c"``, ``("abc", 2)`` -> ``"ab bc"``: built in one array by strided
    slice assignments instead of one string object per gram (about four times faster)."""
    count = len(text) - width + 1
    codes = array(_CODE)
    codes.frombytes(text.encode(_UTF32))
    out = _SPACE * ((width + 1) * count)
    for offset in range(width):
        out[offset::width + 1] = codes[offset:offset + count]
    return codecs.decode(out, _UTF32)[:-1]  # without the last window's space


def snapshot_row(snapshot_id: int, title: str | None, body: str | None) -> dict[str, object]:
    title_chars, title_pairs = grams(title)
    body_chars, body_pairs = grams(body)
    return {
        "rowid": snapshot_id, "title_chars": title_chars, "title_pairs": title_pairs,
        "body_chars": body_chars, "body_pairs": body_pairs,
    }


_INSERT = text(
    f"INSERT INTO {TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"VALUES (:rowid, {', '.join(':' + c for c in COLUMNS)})"
)


def index_snapshot(session: Session, snapshot_id: int, title: str | None, body: str | None) -> None:
    """Index version ``snapshot_id`` for search (same transaction as the version)."""
    index_snapshots(session, [(snapshot_id, title, body)])


def index_snapshots(session: Session, rows: list[tuple[int, str | None, str | None]]) -> None:
    """``index_snapshot`` for many ``(snapshot_id, title, body)`` versions, one executemany.
    PostgreSQL has nothing to do: its trigram indexes follow the table."""
    if session.get_bind().dialect.name == "sqlite":
        index_rows(session.connection(), rows)


def index_rows(connection: Connection, rows: Iterable[tuple[int, str | None, str | None]]) -> int:
    """Index ``(snapshot_id, title, body)`` rows (bulk loaders); returns how many."""
    batch = [snapshot_row(*row) for row in rows]
    if batch:
        connection.execute(_INSERT, batch)
    return len(batch)


def create_search_index(connection: Connection) -> None:
    connection.exec_driver_sql(CREATE)


def drop_search_index(connection: Connection) -> None:
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild_search_index(
    connection: Connection,
    *,
    batch: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recreate the index from every stored version, ``batch`` versions per read; return how many.

    Runs inside the caller's transaction (the migration's, or ``db reindex``'s). Memory stays
    that of one batch: each batch is its own keyset query on ``snapshots.id``. The index is
    merged into one segment at the end (``optimize``), which makes queries on common grams
    faster.
    """
    if connection.dialect.name != "sqlite":
        return 0
    drop_search_index(connection)
    create_search_index(connection)
    total = connection.execute(text("SELECT count(*) FROM snapshots")).scalar() or 0
    done, last = 0, 0
    select_batch = text("SELECT id, title, body FROM snapshots WHERE id > :last ORDER BY id LIMIT :n")
    while True:
        rows = connection.execute(select_batch, {"last": last, "n": batch}).all()
        if not rows:
            break
        done += index_rows(connection, rows)
        last = rows[-1][0]
        if progress is not None:
            progress(done, total)
    connection.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
    return done


def print_progress(started: float, stream: IO[str]) -> Callable[[int, int], None]:
    """A ``progress`` callback writing ``search index: N/M versions (R/s)`` on one line."""

    def report(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        end = "\n" if done >= total else ""
        print(f"\rsearch index: {done:,}/{total:,} versions ({rate:,.0f}/s)", end=end, file=stream,
              flush=True)

    return report
