"""Issue #14: every common pager form read generically, on small pages written from what real
platforms print (JEECMS `[@cms_pagination]`, EmpireCMS jump menus, VSB's count-down pages,
WordPress, laypage, PHPCMS `list-5-2.html`)."""

from __future__ import annotations

from archiver.cms import parse_listing

BASE = "http://h.example"


def rows(n: int = 3, start: int = 1) -> str:
    return "".join(f'<li><a href="/ldjh/content_{i}.html">讲话{i}</a><span>2024-01-0{i % 9 + 1}</span></li>'
                   for i in range(start, start + n))


def page(pager: str, script: str = "", head: str = "") -> str:
    return (f"<html><head>{head}</head><body><div class='nav'><a href='/'>首页</a><a href='/zxdt/'>政协动态</a></div>"
            f"<ul class='list'>{rows()}</ul>{pager}<script>{script}</script></body></html>")


def follow(url: str, text: str) -> list[str]:
    return [r.url for r in parse_listing(url, text, family="generic").follow]


def test_jeecms_buttons_with_onclick_and_goto_function():
    pager = """<div class="pagination">共 9 条 每页 3 条
    <input type="button" value="首 页" onclick="location.href='index.htm'" disabled/>
    <input type="button" value="下一页" onclick="location.href='index_2.htm'"/>
    <input type="button" value="尾 页" onclick="location.href='index_3.htm'"/>
    当前 1/3 页 转到第<input type="text" id="_goPs" size="2"/>页
    <input class="go" type="button" value="转" onclick="_gotoPage($('#_goPs').val());"/></div>"""
    script = "function _gotoPage(pageNo){ window.location.href = 'index_' + pageNo + '.htm'; }"
    listing = parse_listing(f"{BASE}/ldjh/index.htm", page(pager, script), family="generic")
    assert [r.url for r in listing.follow] == [f"{BASE}/ldjh/index_2.htm", f"{BASE}/ldjh/index_3.htm"]
    assert (listing.total_pages, listing.total_items) == (3, 9)


def test_javascript_href_calling_a_page_function():
    pager = """<div class="pages">共3页 <a href="javascript:void(0)">上一页</a>
    <a href="javascript:goPage(2)">2</a> <a href="javascript:goPage(3)">3</a>
    <a href="javascript:goPage(2)">下一页</a></div>"""
    script = "var listId = 'list5'; function goPage(n){ location = '/ldjh/' + listId + '_' + n + '.html'; }"
    assert follow(f"{BASE}/ldjh/list5.html", page(pager, script)) == [
        f"{BASE}/ldjh/list5_2.html", f"{BASE}/ldjh/list5_3.html"]


def test_empirecms_jump_menu_beside_a_friend_link_menu():
    pager = """<div class="list_page">共 4 页 <b>1</b> <a href="/ldjh/index_2.html">2</a>
    <select name="select" onchange="self.location.href=this.options[this.selectedIndex].value">
    <option value="/ldjh/index.html" selected>1</option><option value="/ldjh/index_2.html">2</option>
    <option value="/ldjh/index_3.html">3</option><option value="/ldjh/index_4.html">4</option></select></div>
    <div class="links">友情链接 <select onchange="window.open(this.value)"><option>1</option>
    <option value="http://www.gov.cn/">2</option><option value="/zxdt/index_2.html">3</option></select></div>"""
    assert follow(f"{BASE}/ldjh/index.html", page(pager)) == [
        f"{BASE}/ldjh/index_{n}.html" for n in (2, 3, 4)]


def test_jump_menu_of_page_numbers_with_an_onchange_building_the_url():
    pager = """<div>第1页/共3页 <select onchange="location.href='list_5_'+this.value+'.html'">
    <option value="1">第1页</option><option value="2">第2页</option><option value="3">第3页</option></select></div>"""
    assert follow(f"{BASE}/ldjh/list_5.html", page(pager)) == [
        f"{BASE}/ldjh/list_5_2.html", f"{BASE}/ldjh/list_5_3.html"]


def test_get_form_with_a_page_field_and_a_stated_count():
    pager = """<div class="page">共3页 <form action="/list.php" method="get">
    <input type="hidden" name="catid" value="12"/>跳转到第 <input name="page" size="2"/> 页
    <input type="submit" value="GO"/></form></div>"""
    assert follow(f"{BASE}/list.php?catid=12", page(pager)) == [
        f"{BASE}/list.php?catid=12&page=2", f"{BASE}/list.php?catid=12&page=3"]


def test_script_count_and_a_laypage_jump_template():
    script = """layui.use('laypage', function(){ laypage.render({ elem: 'pager', count: 12, limit: 4,
      pages: 3, curr: 1, jump: function(obj, first){ if(!first){ location.href = '/ldjh/' + 'p' + obj.curr + '.html'; } } }); });"""
    listing = parse_listing(f"{BASE}/ldjh/", page("<div id='pager'></div>", script), family="generic")
    assert [r.url for r in listing.follow] == [f"{BASE}/ldjh/p2.html", f"{BASE}/ldjh/p3.html"]
    assert listing.total_pages == 3


def test_item_count_and_page_size_with_only_a_next_link():
    pager = '<div class="pager">共45条 每页10条 <a href="?page=2&cid=4">下一页</a></div>'
    listing = parse_listing(f"{BASE}/news.aspx?cid=4", page(pager), family="generic")
    assert [r.url for r in listing.follow] == [f"{BASE}/news.aspx?page={n}&cid=4" for n in range(2, 6)]
    assert (listing.total_pages, listing.total_items) == (5, 45)


def test_vsb_pages_count_down():
    pager = """<span class="p_pages"><span class="p_t">共7页</span> <span class="p_no_d">1</span>
    <span class="p_no"><a href="ldjh/6.htm">2</a></span><span class="p_no"><a href="ldjh/5.htm">3</a></span>
    <span class="p_next p_fun"><a href="ldjh/6.htm">下页</a></span><span class="p_last p_fun"><a href="ldjh/1.htm">尾页</a></span></span>"""
    assert follow(f"{BASE}/ldjh.htm", page(pager)) == [f"{BASE}/ldjh/{n}.htm" for n in (6, 5, 4, 3, 2, 1)]


def test_wordpress_page_links():
    pager = """<nav class="navigation pagination"><div class="nav-links"><span class="page-numbers current">1</span>
    <a class="page-numbers" href="/category/ldjh/page/2/">2</a><a class="page-numbers" href="/category/ldjh/page/4/">4</a>
    <a class="next page-numbers" href="/category/ldjh/page/2/">下一页 »</a></div></nav>"""
    assert follow(f"{BASE}/category/ldjh/", page(pager)) == [
        f"{BASE}/category/ldjh/page/{n}/" for n in (2, 4)]  # no count stated: the links seen


def test_a_pager_claiming_100000_pages_is_bounded_and_said():
    pager = '<div class="page">共100000页 <a href="index_2.html">下一页</a></div>'
    listing = parse_listing(f"{BASE}/ldjh/index.html", page(pager), family="generic")
    assert 1 < len(listing.follow) <= 5000 and listing.total_pages == 100000
    assert any("100000 pages" in p for p in listing.problems)


def test_a_page_function_building_urls_to_another_host_is_not_followed():
    pager = '<div class="pages">共3页 <a href="javascript:go(2)">2</a><a href="javascript:go(3)">下一页</a></div>'
    script = "function go(n){ location.href = 'http://evil.example/list_' + n + '.html'; }"
    listing = parse_listing(f"{BASE}/ldjh/list.html", page(pager, script), family="generic")
    assert all(r.url.startswith(BASE) for r in listing.follow)
    assert not any("evil" in r.url for r in listing.follow)
    assert any("another site" in p for p in listing.problems)


def test_nav_buttons_are_not_pages():
    text = page("", "", "") .replace("<ul", "<input type=button value='返回首页' onclick=\"location.href='/zxdt/'\"><ul")
    assert follow(f"{BASE}/ldjh/index.html", text) == []


def test_siteserver_page_one_named_apart_seeds_no_template():
    # From page 3: page 1 is `12.html` (not `12_1.html`), page 2 `12_2.html`. A template fitted on
    # page 1's `12` would build `/channels/13.html`, `/channels/14.html`.
    pager = """<div class="pages"><span>共20条</span> <span>当前第3/3页</span>
    <a href="javascript:window.location.href='/channels/12.html';">首页</a>
    <a href="javascript:window.location.href='/channels/12_2.html';">上一页</a>
    <select onChange="jump('self',this,0)"><option value="/channels/12.html">1</option>
    <option value="/channels/12_2.html">2</option><option value="" selected>3</option></select></div>"""
    got = follow(f"{BASE}/channels/12_3.html", page(pager))
    assert f"{BASE}/channels/12_2.html" in got and not any("/channels/1" + d in u for u in got for d in "3456789")


def test_zero_based_page_links_are_kept_and_page_one_aliases_dropped():
    zero_based = '<div class="page"><a href="list.php?id=5&page=1">2</a> <a href="list.php?id=5&page=2">3</a></div>'
    assert follow(f"{BASE}/list.php?id=5", page(zero_based)) == [
        f"{BASE}/list.php?id=5&page=1", f"{BASE}/list.php?id=5&page=2"]
    alias = '<div class="page"><a href="list.php?id=5&page=1">首页</a> <a href="list.php?id=5&page=3">下一页</a></div>'
    assert follow(f"{BASE}/list.php?id=5&page=2", page(alias)) == [f"{BASE}/list.php?id=5&page=3"]
