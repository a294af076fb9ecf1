"""Fixity: `verify` re-hashes every stored body and names the ones that changed."""

from __future__ import annotations

from sqlalchemy import select, update

from archiver.cli import main
from storage.blobs import compress, sha256_hex
from storage.models import Body
from tests.storage.helpers import store

URL = "http://www.jzzx.gov.cn/ldjh/202305/t20230522_1.html"


def test_intact_archive_passes(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    store(session, URL)
    store(session, URL + "?2", raw="<p>另一篇</p>")
    assert main(["verify", "--db", db_url]) == 0
    assert "checked 2 bodies" in capsys.readouterr().err


def test_flipped_byte_is_reported(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    raw = ("<p>各位委员，同志们：</p>" * 50).encode()
    store(session, URL, raw=raw)
    store(session, URL + "?ok", raw="<p>完好</p>")
    digest = sha256_hex(raw)
    data = bytearray(session.scalar(select(Body.data).where(Body.sha256 == digest)))
    data[len(data) // 2] ^= 0x01  # one bit, in the middle of the stored frame
    session.execute(update(Body).where(Body.sha256 == digest).values(data=bytes(data)))
    session.commit()
    assert main(["verify", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert digest in out and URL in out and "fetch 1" in out
    assert out.count("DAMAGED") == 1


def test_bytes_that_decompress_but_hash_differently(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    raw = b"<p>original</p>"
    store(session, URL, raw=raw)
    forged = b"<p>origina1</p>"  # same length, valid zstd frame, different bytes
    session.execute(update(Body).where(Body.sha256 == sha256_hex(raw)).values(data=compress(forged)))
    session.commit()
    assert main(["verify", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert f"content hash is now {sha256_hex(forged)}" in out


def test_edited_version_fields_are_reported(session, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Snapshot
    from tests.storage.helpers import fields

    store(session, URL)
    tampered = fields(body="被篡改的正文。")
    session.execute(update(Snapshot).values(fields=tampered))
    session.commit()
    assert main(["verify", "--db", db_url]) == 1
    assert f"version 1 (snapshot 1) of {URL}: fields no longer match" in capsys.readouterr().out
