"""Binary files the replica serves: small real images, a valid PDF and an OLE2 ``.doc``."""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf",
                 "doc": "application/msword"}


@lru_cache(maxsize=None)
def image(ext: str) -> bytes:
    return (DATA / ("meeting.jpg" if ext == "jpg" else "photo.png")).read_bytes()


@lru_cache(maxsize=None)
def qrcode() -> bytes:
    return (DATA / "qrcode.png").read_bytes()


@lru_cache(maxsize=64)
def pdf(label: str) -> bytes:
    """A one-page PDF 1.4 with a correct xref table (``label`` must be ASCII)."""
    text = label.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objs)


def pdf_file(objs: list[bytes]) -> bytes:
    """A PDF 1.4 file of these numbered objects (1 = the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@lru_cache(maxsize=64)
def doc(label: str) -> bytes:
    """A minimal OLE2 compound file (what ``file`` calls "Composite Document File V2") holding a
    ``WordDocument`` stream that starts with the Word FIB magic 0xA5EC."""
    return ole2("WordDocument", struct.pack("<HH", 0xA5EC, 0x00C1) + label.encode("utf-16-le"))


def ole2(stream: str, body: bytes) -> bytes:
    """An OLE2 compound file holding one stream (at most 127 sectors: one FAT sector)."""
    free, end, fatsect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    # >= 4096 bytes: stored in regular sectors, no mini stream; padded to whole sectors
    body = body.ljust(max(4608, -(-len(body) // 512) * 512), b"\0")
    nsect = len(body) // 512
    assert nsect <= 125, "one FAT sector only"
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)
    fat = [fatsect, end] + [3 + i for i in range(nsect - 1)] + [end]
    fat += [free] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        e = bytearray(128)
        if name:
            raw = (name + "\0").encode("utf-16-le")
            e[0 : len(raw)] = raw
            struct.pack_into("<H", e, 64, len(raw))
        e[66] = kind
        e[67] = 1
        struct.pack_into("<III", e, 68, nostream, nostream, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, nostream, 2, len(body))
                 + entry("", 0, nostream, 0, 0) + entry("", 0, nostream, 0, 0))
    return bytes(header) + fat_sector + directory + body
