"""Issue #22: the bundled registry names where every URL came from, never lists a homepage as a
column, and marks nothing verified without a check date; the user's registry adds to it."""

from __future__ import annotations

import re
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


# The 31 provincial-level regions of the mainland; every one must have its committee in the
# bundled registry (issue #22), plus the national committee.
PROVINCES = ("北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 "
             "福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 "
             "云南省 西藏自治区 陕西省 甘肃省 青海省 宁夏回族自治区 新疆维吾尔自治区").split()
# A source is a public page (an http(s) URL) or names a document of the project or a directory.
SOURCE_RE = re.compile(r"https?://[^\s（）()“”]+|docs/[\w./-]+\.md|\S+\.(?:md|py|html)\b")


def _hosts(profile):
    return {urlsplit(u).netloc.lower().removeprefix("www.") for u in (*profile.columns, profile.homepage) if u}


def test_the_bundled_registry_covers_every_province_with_a_named_source_and_distinct_hosts():
    registry = load_registry_file(None)
    seen: dict[str, str] = {}
    for profile in registry.values():
        assert SOURCE_RE.search(profile.source), f"{profile.slug}: source names no page or document"
        # …and says more than the entry's own URL (where that URL was seen, and as what).
        rest = profile.source
        for url in (*profile.columns, profile.homepage):
            rest = rest.replace(url.rstrip("/"), "") if url else rest
        assert len(rest.strip()) >= 20, f"{profile.slug}: source is only the site's own URL"
        assert profile.region == "全国" or any(profile.region.startswith(p) for p in PROVINCES), profile.slug
        for host in _hosts(profile):
            assert host not in seen, f"{profile.slug} and {seen.get(host)} share {host}"
            seen[host] = profile.slug
    # A provincial-level committee is the entry whose region is the province itself.
    covered = {p.region for p in registry.values()}
    assert [p for p in PROVINCES if p not in covered] == []
    assert "全国" in covered


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


def test_the_readme_states_the_bundled_registrys_size():
    """The README's figure is the registry's (it drifted each time entries were added)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    stated = re.search(r"\*\*The bundled registry\*\* \(`archiver/sites/sites\.toml`\): (\d+) committees",
                       readme)
    assert stated and int(stated.group(1)) == len(load_registry_file(None))
