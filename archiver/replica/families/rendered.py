"""A column that can only be read by running its scripts (issue #14, item 3). UTF-8.

Modelled on the "front-end rendered" column pages some committees' newer sites serve: the HTML
of ``/zxgz/ldjh/list.html`` (``list_2.html`` …) is an empty ``<ul>`` and a pager box; an inline
script holds the page's records as an opaque blob, and the site's own ``/static/js/col.js``
decodes it (base64, then XOR with a key stream seeded by the blob's first byte, then UTF-8
JSON) and writes the links and the pager into the DOM. Article URLs are computed from the
decoded ids (``/zxgz/ldjh/d/<base36(3·id+11)>.html``): no link, API URL, page count or URL
pattern appears in any byte the server sends, so only a browser finds them.

The page also asks for what a real page asks for and a rendering crawler must not fetch: a
banner image, a web font, and a visitor counter script on another host (TEST-NET, never
reachable). Articles are ordinary server-rendered pages.

Opt-in (``extra["opt_in"]``): served only when asked for by name (``--sites rendered``), so
crawls of "every replica site" without a browser are not affected.
"""

from __future__ import annotations

import base64
import json
import re

from archiver.replica.chrome import Chrome, attr, esc, footer, latest, share, side_list
from archiver.replica.families.base import Family, Req
from archiver.replica.model import Article, Response

COL = "/zxgz/ldjh"
LIST_RE = re.compile(rf"^{COL}/list(?:_(\d+))?\.html$")
ART_RE = re.compile(rf"^{COL}/d/([0-9a-z]+)\.html$")
SCRIPT = "/static/js/col.js"
OFFSITE_COUNTER = "http://203.0.113.7/count.js"  # TEST-NET-3: must be aborted, never waited for

# The decoder the site ships. Every link and the pager exist only after it ran.
COL_JS = r"""(function () {
  function bytes(s) { var b = atob(s), out = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) out[i] = b.charCodeAt(i); return out; }
  function decode(blob) {
    var raw = bytes(blob), seed = raw[0], out = new Uint8Array(raw.length - 1);
    for (var i = 1; i < raw.length; i++) out[i - 1] = raw[i] ^ ((seed + i * 73) & 255);
    return JSON.parse(new TextDecoder("utf-8").decode(out));
  }
  function href(id) { return "d/" + (id * 3 + 11).toString(36) + ".html"; }
  function page(n) { return n === 1 ? "list.html" : "list_" + n + ".html"; }
  var d = decode(window.__COL__), html = "";
  for (var i = 0; i < d.r.length; i++) {
    var r = d.r[i];
    html += '<li><a href="' + href(r[0]) + '" title="' + r[1] + '" target="_blank">' + r[1] +
            '</a><span class="date">' + r[2] + '</span></li>';
  }
  document.getElementById("news").innerHTML = html;
  var nav = "";
  if (d.p > 1) nav += '<a href="' + page(1) + '">首页</a><a href="' + page(d.p - 1) + '">上一页</a>';
  if (d.p < d.n) nav += '<a href="' + page(d.p + 1) + '">下一页</a><a href="' + page(d.n) + '">尾页</a>';
  document.getElementById("pager").innerHTML = nav + '<span>第' + d.p + '页/共' + d.n + '页</span>';
})();
"""


def encode_blob(data: dict, seed: int) -> str:
    """The inverse of ``decode`` in COL_JS."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = bytes(b ^ ((seed + i * 73) & 255) for i, b in enumerate(raw, start=1))
    return base64.b64encode(bytes([seed]) + body).decode("ascii")


def to36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class Rendered(Family):
    asset_url = "/uploads/{a.num}_{i}.{b.ext}"

    def article_path(self, a: Article, page: int = 0) -> str:
        return f"{COL}/d/{to36(a.num * 3 + 11)}.html"

    def route(self, req: Req, day: int) -> Response | None:
        p = req.path
        if p == SCRIPT:
            return Response(body=COL_JS.encode(), content_type="application/javascript")
        m = LIST_RE.match(p)
        if m:
            return self.static_listing(m.group(1), day)
        m = ART_RE.match(p)
        if m:
            value = int(m.group(1), 36) - 11
            if value % 3 or to36(value // 3 * 3 + 11) != m.group(1):
                return None
            return self.article_page(self.store.by_num(value // 3, day), 0, day)
        return self.serve_asset(req, day)

    # ----- pages ------------------------------------------------------------------------
    def head(self, title: str) -> str:
        return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{esc(title)}</title>\n"
                "<style>@font-face{font-family:fzxbs;src:url(/static/fonts/fzxbs.woff2)}h1,h2{font-family:fzxbs}</style>\n"
                "</head>\n<body>\n")

    def top(self, ch: Chrome) -> str:
        return (f'<div class="top"><img src="/static/img/banner.jpg" alt="{attr(self.spec.name)}">'
                f'<a href="/">{ch.t("网站首页")}</a></div>\n')

    def foot(self, ch: Chrome, day: int) -> str:
        return (footer(ch, self.spec, day, lines=["copy_cn", "icp", "ident"])
                + f'<script src="{OFFSITE_COUNTER}"></script>\n</body>\n</html>')

    def listing(self, n: int, day: int) -> str:
        per = self.spec.per_page
        rows = [[a.num, self.listing_title(a), f"{a.published:%Y-%m-%d}"]
                for a in self.store.page(day, n - 1, per)]
        blob = encode_blob({"p": n, "n": self.store.pages(day, per), "r": rows}, seed=(n * 37 + day) % 256)
        ch = Chrome()
        return (self.head(f"{self.spec.column_name}-{self.spec.name}") + self.top(ch)
                + f'<div class="main"><h2>{ch.t(self.spec.column_name)}</h2>\n'
                + '<ul class="news" id="news"></ul>\n<div class="pager" id="pager"></div>\n'
                + f"<noscript>{ch.t('请开启浏览器的JavaScript功能后浏览本栏目。')}</noscript>\n"
                + f'<script>window.__COL__ = "{blob}";</script>\n<script src="{SCRIPT}"></script>\n'
                + "</div>\n" + self.foot(ch, day))

    def render_article(self, a: Article, page: int, day: int, ch: Chrome) -> str:
        body = self.blocks_html(a, lambda b: f"<p>{esc(b.text)}</p>", lambda src, b: (
            f'<div class="pic"><img src="{src}"><p class="caption">{esc(b.text)}</p></div>'))
        files = "".join(f'<li><a href="{self.asset_path(a, i, b)}">{esc(b.text)}</a></li>'
                        for i, b in a.attachments)
        when = ch.t(f"发布时间：{a.published:%Y-%m-%d %H:%M}")
        source = ch.t(f"来源：{a.source}") if a.source else ""
        return (self.head(f"{a.title}-{self.spec.name}") + self.top(ch)
                + f'<div class="detail"><h1 class="title">{esc(a.title)}</h1>\n'
                + f'<div class="meta"><span>{when}</span> <span>{source}</span></div>\n'
                + f'<div class="content" id="zoom">{"".join(body)}</div>\n'
                + (f'<ul class="files">{files}</ul>\n' if files else "")
                + share(ch) + "</div>\n"
                + side_list(ch, "最新发布", latest(self.store, day, 5), self.article_path, datefmt="%Y-%m-%d")
                + self.foot(ch, day))
