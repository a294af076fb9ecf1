"""bench/_common.py's shared pieces that decide what a benchmark leaves on disk and what it accepts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# bench/ is not a package: load its _common.py by path (no sys.path change for other tests).
_SPEC = importlib.util.spec_from_file_location("bench_common",
                                               Path(__file__).resolve().parents[2] / "bench" / "_common.py")
common = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = common  # its dataclasses look their module up there
_SPEC.loader.exec_module(common)


def test_work_folder_removes_a_temporary_folder_even_when_the_benchmark_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # tempfile.mkdtemp puts it here
    monkeypatch.setattr(common.tempfile, "tempdir", None)
    with pytest.raises(RuntimeError):
        with common.work_folder(None, "bench_test_") as folder:
            (folder / "archive.sqlite3").write_bytes(b"x")
            assert folder.parent == tmp_path and folder.name.startswith("bench_test_")
            raise RuntimeError("benchmark failed")
    assert not folder.exists()


def test_work_folder_keeps_and_creates_the_keep_folder(tmp_path):
    keep = tmp_path / "runs" / "kept"
    with common.work_folder(str(keep), "bench_test_") as folder:
        (folder / "archive.sqlite3").write_bytes(b"x")
    assert folder == keep and (keep / "archive.sqlite3").read_bytes() == b"x"


def test_bench_parser_declares_scale_and_keep_only_when_asked():
    args = common.bench_parser("Title.\n\nHow to run.", scale=50, keep="keep it here").parse_args([])
    assert (args.scale, args.keep) == (50, None)
    assert common.bench_parser("T.", scale=50, keep="k").parse_args(["--scale", "3", "--keep", "/d"]).scale == 3
    bare = common.bench_parser("T.")
    with pytest.raises(SystemExit):
        bare.parse_args(["--scale", "3"])
