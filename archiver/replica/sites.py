"""The six replica sites: one per CMS family, each with its own identity and chrome data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from archiver.replica.model import BEIJING


@dataclass(frozen=True)
class SiteSpec:
    slug: str
    family: str
    name: str  # 荆州市政协
    domain: str
    column_name: str
    listing_path: str
    charset: str = "utf-8"  # the bytes
    declared: str = "utf-8"  # what the page's <meta> says
    per_page: int = 8
    id_base: int = 100000
    id_stride: int = 7
    precision: str = "minute"  # how the info row gives the publication time
    site_code: str = "4210000001"
    icp: str = ""
    gongan: str = ""
    address: str = ""
    postcode: str = ""
    tech: str = ""
    extra: dict = field(default_factory=dict)


SITES: dict[str, SiteSpec] = {
    s.slug: s
    for s in [
        SiteSpec("trs", "trs", "荆州市政协", "www.hbjzszx.gov.cn", "领导讲话", "/ldjh/index.shtml",
                 per_page=8, id_base=1064137, id_stride=7, precision="minute", site_code="4210000031",
                 icp="鄂ICP备12009254-1号", gongan="京公网安备42100302000031",
                 address="荆州市荆州区荆东路54号", postcode="434000", tech="荆州新闻网"),
        SiteSpec("hanweb", "hanweb", "金华市政协", "jhzx.gov.cn", "领导讲话", "/col/col1229712376/index.html",
                 charset="gbk", declared="gb2312", per_page=5, id_base=3066, id_stride=3,
                 precision="minute", site_code="3307000023", icp="浙ICP备10206421号",
                 gongan="浙公网安备33070202000418号", address="金华市双溪西路150号", postcode="321017",
                 tech="大汉网络", extra={"colid": 1229712376, "unit": "4927013", "webid": 147}),
        SiteSpec("legacy", "legacy", "凤山县政协", "www.gxfszx.gov.cn", "领导讲话", "/news_list.php?id=12",
                 charset="gbk", declared="gb2312", per_page=6, id_base=61578, id_stride=11,
                 precision="date", site_code="4512230014", icp="桂ICP备09007513号",
                 gongan="桂公网安备45122302000107号", address="凤山县凤城镇新政路23号", postcode="547600",
                 tech="凤山县信息中心"),
        SiteSpec("datepath", "datepath", "重庆市政协", "www.cqzx.gov.cn", "领导讲话",
                 "/cqzx_content/node_115.htm", per_page=6, id_base=10582293, id_stride=13,
                 precision="minute", site_code="5000000052", icp="渝ICP备05003301号",
                 gongan="渝公网安备50010302000913号", address="重庆市渝中区人民路232号", postcode="400015",
                 tech="重庆政协报社"),
        SiteSpec("post", "post", "深圳市政协", "www.szzx.gov.cn", "领导讲话", "/szzx/ldjh/index.html",
                 per_page=6, id_base=1538169, id_stride=9, precision="date", site_code="4403000059",
                 icp="粤ICP备05088395号", gongan="粤公网安备44030402001364号",
                 address="深圳市福田区福中三路市民中心C区", postcode="518035", tech="深圳市政务服务数据管理局"),
        SiteSpec("detail", "detail", "宿松县政协", "www.susong.gov.cn", "领导讲话",
                 "/content/column/6790941?pageIndex=1", per_page=6, id_base=575296, id_stride=5,
                 precision="second", site_code="3411000001", icp="皖ICP备05003175号",
                 gongan="皖公网安备34082602000011号", address="宿松县孚玉镇人民路1号", postcode="246500",
                 tech="安徽省政务信息化中心"),
        SiteSpec("rendered", "rendered", "滁州市政协", "www.czszx.gov.cn", "领导讲话", "/zxgz/ldjh/list.html",
                 per_page=8, id_base=73310, id_stride=7, site_code="3411000037", icp="皖ICP备05001372号",
                 gongan="皖公网安备34110202000139号", extra={"opt_in": True}),  # issue #14: needs a browser
    ]
}

# The simulated calendar: day 1 is this date; day N is N-1 days later.
DAY1 = datetime(2025, 6, 3, 9, 0, tzinfo=BEIJING)
# Newest day-1 generic article; generic articles spread back to SPAN_START.
ANCHOR = datetime(2025, 5, 30, 16, 20, tzinfo=BEIJING)
SPAN_START = datetime(2012, 3, 1, 9, 0, tzinfo=BEIJING)
DEFAULT_SCALE = 20
