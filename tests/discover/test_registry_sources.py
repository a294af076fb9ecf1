"""Issue #22: the bundled registry names where every URL came from, never lists a homepage as a
column, and marks nothing verified without a check date; the user's registry adds to it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from archiver.sites import RegistryError, append_entry, load_registry, load_registry_file


def test_every_bundled_entry_has_a_source_and_no_homepage_column():
    registry = load_registry_file(None)
    assert len(registry) >= 27
    for profile in registry.values():
        assert profile.source.strip(), profile.slug
        assert profile.columns or profile.homepage, profile.slug
        for column in profile.columns:
            parts = urlsplit(column)
            assert parts.path not in ("", "/") or parts.query, f"{profile.slug}: homepage as a column"
        assert not profile.verified or profile.verified_on, profile.slug


def test_the_users_registry_adds_to_the_bundled_one(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    monkeypatch.setenv("ARCHIVER_SITES", str(path))
    entry = ('[[site]]\nslug = "ningxia"\nname = "宁夏政协"\nregion = "宁夏"\n'
             'columns = ["http://x.example/ldjh/"]\nverified = true\nverified_on = "2026-12-04"\n')
    append_entry(path, entry)
    merged = load_registry()
    assert merged["ningxia"].columns == ("http://x.example/ldjh/",) and merged["ningxia"].verified
    assert "hubei_jingzhou" in merged  # the bundled entries are still there
    with pytest.raises(RegistryError, match="already there"):
        append_entry(path, entry)
    with pytest.raises(RegistryError, match="columns must be"):
        append_entry(path, '[[site]]\nslug = "x"\nname = "x"\nregion = "x"\n')
    assert path.read_text("utf-8").count("[[site]]") == 1
