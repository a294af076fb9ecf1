"""Issue #16: a registry `encoding` override forces the charset a site's pages are decoded with
(a site whose bytes and declarations disagree), through `extract --site`."""

from __future__ import annotations

import json

from tests.clirun import run_cli

TITLE = "政协主席在全会上的讲话"
PAGE = (f'<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><h1>{TITLE}</h1>'
        "<div>发布时间：2024-01-12</div><div class=nr><p>各位委员，同志们：这次会议圆满完成了各项议程，"
        "今天就要闭幕了。</p></div></body></html>")


def extract_with(tmp_path, encoding: str) -> dict:
    registry = tmp_path / f"{encoding}.toml"
    registry.write_text('[[site]]\nslug = "gbk_site"\nname = "x"\nregion = "x"\n'
                        f'columns = ["http://x.example/"]\n[site.overrides]\nencoding = "{encoding}"\n',
                        encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_bytes(PAGE.encode("gbk"))  # GBK bytes under a utf-8 declaration
    proc = run_cli("extract", "--registry", str(registry), "--site", "gbk_site", str(page), check=True)
    return json.loads(proc.stdout)


def test_encoding_override_decides_the_charset(tmp_path):
    right = extract_with(tmp_path, "gb18030")
    assert right["title"] == TITLE and right["encoding"] == "gb18030"
    assert right["overrides"] == {"encoding": "gb18030"}
    forced = extract_with(tmp_path, "big5")  # wrong on purpose: the override wins over detection
    assert forced["encoding"].startswith("big5") and forced["title"] != TITLE
