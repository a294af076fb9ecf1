"""Every replica site's homepage (issue #22): one portal module driven by per-site data.

The portal at ``/`` has what real committee homepages have (docs/REPLICA-SPEC.md, issue #22): a
menu, a 栏目 tree in the left column, latest news in the body, a footer with 网站地图 / 联系我们 /
友情链接, and a 信息公开 page listing columns. Where the speech column is linked varies by site
(menu, 栏目 tree, or only on the 信息公开 page) so that discovery must read all three.

Misleading columns sit beside it: 领导信息 and 领导简介 list bios, 领导活动 lists photo news
(``…出席…并讲话``), 全体会议 / 常委会议 / 主席会议 list meeting news. The ``nospeech`` site has
no speech column at all: its speeches are listed under 全体会议 (the family's column, renamed in
its SiteSpec) and 常委会议; discovery must say so and propose the meeting columns.

Portal columns live under ``/lm/<code>/index.html`` with articles ``/lm/<code>/<n>.html``.
The ``homepage`` site option (faults.py) changes ``/``: ``shape=frameset`` (a frameset whose
frame is the portal), ``script`` (a script redirect to it; with ``target=offsite`` both point
at another domain instead), ``offsite`` (302 to another domain),
``columns`` (``count`` extra meeting-like 栏目 in the tree, default 500), ``sitemap`` (the speech column
linked from nowhere but the site's sitemaps: archiver/replica/sitemap.py), ``decoy`` (the speech
column linked from nowhere; the menu's only speech-named column, 讲话 at ``/lm/jh/``, lists photo
news about speeches, ``…出席…并讲话``, and no speech: a column named right whose titles are wrong).
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta

from archiver.replica import sitemap
from archiver.replica.chrome import esc
from archiver.replica.model import Response

LEADERS = ("王建国", "李红梅", "张志刚", "陈立新", "刘海燕", "赵永平")
PORTAL = "/home/index.html"  # where the frameset and the script redirect point
OFFSITE = "http://www.zxcloud.cn/"


def _bio(i: int) -> tuple[str, list[str]]:
    name = LEADERS[i % len(LEADERS)]
    return f"{name}同志简历", [f"{name}，男，汉族，1968年{i % 12 + 1}月生，中共党员，大学学历。",
                               f"现任市政协{'主席' if i == 0 else '副主席'}。"]


def _post(i: int) -> tuple[str, list[str]]:
    name = LEADERS[i % len(LEADERS)]
    return f"{'主席' if i == 0 else '副主席'} {name}", [f"{name}，分管委员联络、提案工作。"]


def _activity(i: int) -> tuple[str, list[str]]:
    name = LEADERS[i % len(LEADERS)]
    titles = (f"{name}出席全市政协系统工作会议并讲话", f"{name}带队调研乡村振兴工作",
              f"{name}看望慰问基层政协委员", f"【图片新闻】{name}视察重点项目建设",
              f"{name}会见台湾青年交流团", f"{name}走访联系界别群众")
    return titles[i % len(titles)], [f"{titles[i % len(titles)]}。市政协秘书长陪同。"]


def _meeting(kind: str, speeches: bool):
    def make(i: int) -> tuple[str, list[str]]:
        session = i % 5 + 1
        if kind == "qthy":
            title = f"政协第六届委员会第{session}次会议隆重开幕"
            speech = f"在政协第六届委员会第{session}次会议闭幕会上的讲话"
        elif kind == "cwhy":
            title = f"市政协六届{session + 10}次常委会议召开"
            speech = f"在市政协六届{session + 10}次常委会议上的讲话"
        else:
            title = f"市政协召开第{session + 20}次主席会议"
            speech = f"在第{session + 20}次主席会议上的总结讲话"
        if speeches and i % 2 == 0 or not speeches and i == 3 and kind == "qthy":
            return speech, ["同志们：", f"{speech[1:-3]}圆满完成了各项议程。", "谢谢大家！"]
        return title, [f"{title}。会议审议通过了有关事项。"]
    return make


def _news(i: int) -> tuple[str, list[str]]:
    title = f"市政协召开专题协商会就优化营商环境建言献策（{i + 1}）"
    return title, [title + "。"]


DECOY = ("jh", "讲话")  # shape=decoy's speech-named column (code, label)


def columns(spec) -> dict[str, tuple[str, object, int]]:
    """code -> (label, title maker, count): the portal's own columns for this site."""
    nospeech = spec.extra.get("portal") == "nospeech"
    return {
        "ldxx": ("领导信息", _post, 6), "ldjj": ("领导简介", _bio, 6), "ldhd": ("领导活动", _activity, 12),
        "zxdt": ("政协动态", _news, 10), "qthy": ("全体会议", _meeting("qthy", False), 6),
        "cwhy": ("常委会议", _meeting("cwhy", nospeech), 8), "zxhy": ("主席会议", _meeting("zxhy", False), 6),
        "wyfc": ("委员风采", _news, 4),
    }


def placement(spec) -> str:
    """Where the speech column is linked: menu, tree or xxgk (only the 信息公开 page)."""
    return ("menu", "tree", "xxgk")[zlib.crc32(spec.slug.encode()) % 3]


def route(fam, req, day: int) -> Response | None:
    """The portal's answer for ``req``, or None for the family's own pages."""
    spec = fam.spec
    shape = (req.options.get("homepage") or {}).get("shape")
    hidden = shape in ("sitemap", "decoy")  # the speech column is in the sitemaps only, or nowhere
    listed = sitemap.route(fam, req, day, columns(spec))
    if listed is not None:
        return listed
    if req.path == "/":
        # target=offsite: the frame or the script sends the browser to another domain (a portal
        # hosted by the province's 集约化 platform), which discovery reports, never follows.
        target = OFFSITE if (req.options.get("homepage") or {}).get("target") == "offsite" else PORTAL
        if shape == "frameset":
            return fam.html(f'<html><head><meta charset="{spec.declared}"><title>{esc(spec.name)}</title></head>'
                            f'<frameset rows="100%,*"><frame src="{target}" name="main"></frameset></html>')
        if shape == "script":
            return fam.html(f'<html><head><meta charset="{spec.declared}"></head><body><script>'
                            f'window.location.href="{target}";</script></body></html>')
        if shape == "offsite":
            return Response(302, b"", headers=[("Location", OFFSITE)], cacheable=False)
        return fam.html(home(spec, int((req.options.get("homepage") or {}).get("count", 500))
                             if shape == "columns" else 0, hidden=hidden, decoy=shape == "decoy"))
    if req.path == PORTAL:
        return fam.html(home(spec, 0))
    parts = req.path.split("/")
    if len(parts) != 4 or parts[1] != "lm":
        return None
    code, leaf = parts[2], parts[3]
    own = columns(spec)
    if code == "xxgk" and leaf == "index.html":
        return fam.html(xxgk(spec, hidden=hidden))
    if shape == "decoy":
        own[DECOY[0]] = (DECOY[1], _activity, 12)
    if code.startswith("hy") and code[2:].isdigit():
        own[code] = ("会议专题", _meeting("qthy", False), 3)
    if code not in own:
        return None
    label, make, count = own[code]
    if leaf == "index.html":
        return fam.html(listing(spec, code, label, make, count, day))
    num = leaf.removesuffix(".html")
    if not num.isdigit() or not 1 <= int(num) <= count:
        return None
    title, paragraphs = make(int(num) - 1)
    return fam.html(article(spec, label, title, paragraphs, _date(int(num) - 1, day)))


def _date(i: int, day: int) -> date:
    return date(2025, 5, 28) + timedelta(days=day - 1) - timedelta(days=9 * i)


def _page(spec, title: str, inner: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={spec.declared}"><title>{esc(title)}</title></head><body>'
            f'<div class="header"><img src="/images/logo.png" alt=""><span>{esc(spec.name)}</span></div>'
            f'{inner}<div class="footer"><a href="/lm/xxgk/index.html">网站地图</a> | <a href="/lm/wyfc/index.html">'
            f'联系我们</a> | 友情链接：<a href="http://www.cppcc.gov.cn/">全国政协</a><br>版权所有：{esc(spec.name)} '
            f'{esc(spec.icp)}</div></body></html>')


def home(spec, extra: int, *, hidden: bool = False, decoy: bool = False) -> str:
    nospeech = spec.extra.get("portal") == "nospeech"
    where = "none" if nospeech or hidden else placement(spec)
    speech = f'<li><a href="{spec.listing_path}">{esc(spec.column_name)}</a></li>'
    menu = ('<li><a href="/">首页</a></li><li><a href="/lm/zxdt/index.html">政协动态</a></li>'
            + (speech if where == "menu" else "")
            + (f'<li><a href="/lm/{DECOY[0]}/index.html">{DECOY[1]}</a></li>' if decoy else "")
            + '<li><a href="/lm/ldxx/index.html">领导信息</a></li><li><a href="/lm/ldhd/index.html">领导活动</a></li>'
              '<li><a href="/lm/xxgk/index.html">信息公开</a></li>')
    in_tree = where == "tree" or nospeech and not hidden
    tree = ('<li><a href="/lm/ldjj/index.html">领导简介</a></li>' + (speech if in_tree else "")
            + "".join(f'<li><a href="/lm/{code}/index.html">{label}</a></li>'
                      for code, label in (("qthy", "全体会议"), ("cwhy", "常委会议"), ("zxhy", "主席会议"))
                      if not (nospeech and code == "qthy"))
            + "".join(f'<li><a href="/lm/hy{n}/index.html">第{n}次会议专题</a></li>' for n in range(1, extra + 1)))
    news = "".join(f'<li><a href="/lm/zxdt/{i + 1}.html">{esc(_news(i)[0])}</a></li>' for i in range(5))
    return _page(spec, f"{spec.name}门户网站",
                 f'<div class="nav"><ul>{menu}</ul></div><div class="main"><div class="left">'
                 f'<div class="lanmu-tree"><h3>栏目导航</h3><ul>{tree}</ul></div></div>'
                 f'<div class="content"><h3>政协要闻</h3><ul>{news}</ul></div></div>')


def xxgk(spec, *, hidden: bool = False) -> str:
    """The 信息公开 page: a tree of the committee's public columns."""
    speech = "" if spec.extra.get("portal") == "nospeech" or hidden else \
        f'<li><a href="{spec.listing_path}">{esc(spec.column_name)}</a></li>'
    items = speech + "".join(f'<li><a href="/lm/{code}/index.html">{label}</a></li>'
                             for code, (label, _, _) in columns(spec).items() if code in ("ldxx", "ldjj", "zxdt"))
    return _page(spec, f"信息公开-{spec.name}", f'<div class="tree"><h3>信息公开目录</h3><ul>{items}</ul></div>')


def listing(spec, code: str, label: str, make, count: int, day: int) -> str:
    rows = "".join(f'<li><a href="/lm/{code}/{i + 1}.html" title="{esc(make(i)[0])}">{esc(make(i)[0])}</a>'
                   f'<span class="date">{_date(i, day):%Y-%m-%d}</span></li>' for i in range(count))
    return _page(spec, f"{label}-{spec.name}",
                 f'<div class="position">当前位置：<a href="/">首页</a> &gt; {esc(label)}</div>'
                 f'<div class="list"><ul>{rows}</ul></div>')


def article(spec, label: str, title: str, paragraphs: list[str], when: date) -> str:
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return _page(spec, f"{title}-{spec.name}",
                 f'<div class="position">当前位置：<a href="/">首页</a> &gt; {esc(label)}</div>'
                 f'<div class="article"><h1>{esc(title)}</h1><div class="info">发布时间：{when:%Y-%m-%d} '
                 f'来源：{esc(spec.name)}</div><div class="TRS_Editor">{body}</div></div>')
