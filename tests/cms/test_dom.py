"""dom.parse_html and element_lines: the shortcuts they take (issue #21) change no output."""

from __future__ import annotations

from lxml import etree, html

from archiver.cms import dom

PAGE = """<html><head><title>t</title><?php echo 1; ?></head><body><!-- counter -->
<form action="/s"><label for="q">搜索</label><input id="q" value="x"><select><option>1</option></select>
<textarea>y</textarea></form><div class="nr"><p>政协\t工作</p>第一行\r\n第二行<span>甲\n乙</span>丙  丁</div>
</body></html>"""


def test_parse_html_builds_the_tree_lxml_html_builds() -> None:
    doc = dom.parse_html(PAGE)
    assert etree.tostring(doc, encoding="unicode") == etree.tostring(html.document_fromstring(PAGE), encoding="unicode")
    # Form controls are plain HtmlElements now, comments and PIs still lxml.html's: every node
    # keeps the lxml.html API (text_content, cssselect…) the families call.
    kinds = {type(node) for node in doc.iter()}
    assert all(issubclass(kind, html.HtmlMixin) for kind in kinds), kinds
    assert {html.HtmlElement, html.HtmlComment} <= kinds
    assert doc.find(".//form").text_content().split() == ["搜索1", "y"]


def test_element_lines_turn_newlines_and_tabs_into_spaces() -> None:
    body = dom.parse_html(PAGE).find(".//div")
    assert dom.element_lines(body) == ["政协 工作", "第一行 第二行甲 乙丙  丁"]
