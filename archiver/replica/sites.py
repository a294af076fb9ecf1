"""The replica sites: one per CMS family for the six modelled families, and the platforms added for
issue #14 (JEECMS, DedeCMS, EmpireCMS, WordPress, PHPCMS, SiteServer and their variants; see
docs/REPLICA-PLATFORMS.md), each
with its own identity and chrome data."""

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
        # Platforms added for issue #14: no family module in archiver/cms knows them.
        SiteSpec("jeecms", "jeecms", "汉中市政协", "www.hzszx.gov.cn", "领导讲话", "/ldjh/index.jhtml",
                 per_page=10, id_base=8841, id_stride=3, precision="second", site_code="6107000012",
                 icp="陕ICP备13005478号", gongan="陕公网安备61070202000112号", address="汉中市汉台区天汉大道119号",
                 postcode="723000", tech="汉中市信息中心", extra={"channel": 12}),
        SiteSpec("jeecmsapi", "jeecms", "安康市政协", "www.akzx.gov.cn", "领导讲话", "/ldjh/index.jhtml",
                 per_page=6, id_base=20417, id_stride=4, precision="second", site_code="6109000021",
                 icp="陕ICP备14002106号", gongan="陕公网安备61090202000031号", address="安康市汉滨区兴安中路2号",
                 postcode="725000", tech="安康市大数据中心", extra={"channel": 75, "api": True}),
        SiteSpec("dede", "dede", "岳池县政协", "www.ycxzx.gov.cn", "领导讲话", "/a/ldjh/",
                 charset="gbk", declared="gb2312", per_page=7, id_base=3610, id_stride=2, precision="minute",
                 site_code="5116210017", icp="蜀ICP备11017823号", gongan="川公网安备51162102000044号",
                 address="岳池县九龙镇滨河路17号", postcode="638300", tech="岳池县政务服务中心",
                 extra={"tid": 5}),
        SiteSpec("empire", "empire", "临夏州政协", "www.lxzzx.gov.cn", "领导讲话", "/e/action/ListInfo/?classid=5",
                 per_page=8, id_base=1907, id_stride=5, precision="second", site_code="6229000008",
                 icp="陇ICP备10001763号", gongan="甘公网安备62290102000075号", address="临夏市团结路43号",
                 postcode="731100", tech="临夏州融媒体中心", extra={"classid": 5}),
        SiteSpec("wp", "wp", "德宏州政协", "www.dhzzx.gov.cn", "领导讲话", "/category/ldjh/",
                 per_page=8, id_base=5230, id_stride=6, precision="second", site_code="5331000016",
                 icp="滇ICP备12003154号", gongan="滇公网安备53310202000211号", address="芒市勇罕街12号",
                 postcode="678400", tech="德宏州信息中心", extra={"cat": 5}),
        SiteSpec("phpcms", "phpcms", "铜仁市政协", "www.trszx.gov.cn", "领导讲话",
                 "/index.php?m=content&c=index&a=lists&catid=12", per_page=8, id_base=6610, id_stride=7,
                 precision="minute", site_code="5206000027", icp="黔ICP备15007715号",
                 gongan="贵公网安备52060202000108号", address="铜仁市碧江区金滩路9号", postcode="554300",
                 tech="铜仁市大数据发展局", extra={"catid": 12}),
        SiteSpec("phpcmsapi", "phpcms", "毕节市政协", "www.bjszx.gov.cn", "领导讲话", "/html/ldjh/",
                 per_page=6, id_base=4120, id_stride=3, precision="minute", site_code="5205000019",
                 icp="黔ICP备14004520号", gongan="贵公网安备52050202000077号", address="毕节市七星关区洪山路55号",
                 postcode="551700", tech="毕节市信息中心", extra={"catid": 9, "api": True}),
        SiteSpec("siteserver", "siteserver", "咸阳市政协", "www.xyszx.gov.cn", "领导讲话", "/channels/12.html",
                 per_page=8, id_base=7320, id_stride=4, precision="minute", site_code="6104000031",
                 icp="陕ICP备12006620号", gongan="陕公网安备61040202000153号", address="咸阳市秦都区人民西路19号",
                 postcode="712000", tech="咸阳市大数据服务中心"),
        SiteSpec("siteserverjs", "siteserver", "渭南市政协", "www.wnszx.gov.cn", "领导讲话", "/channels/12.html",
                 per_page=6, id_base=9150, id_stride=3, precision="minute", site_code="6105000024",
                 icp="陕ICP备13001154号", gongan="陕公网安备61050202000089号", address="渭南市临渭区朝阳大街6号",
                 postcode="714000", tech="渭南市信息中心", extra={"api": True}),
        # gap14: the remaining pager and list API forms of issue #14, as variants of the platforms above.
        SiteSpec("empireapi", "empire", "甘南州政协", "www.gnzzx.gov.cn", "领导讲话", "/ldjh/",
                 per_page=8, id_base=2260, id_stride=5, precision="second", site_code="6230000011",
                 icp="陇ICP备11002417号", gongan="甘公网安备62300102000046号", address="合作市当周街68号",
                 postcode="747000", tech="甘南州信息中心", extra={"classid": 5, "api": True}),
        SiteSpec("dedeapi", "dede", "广安区政协", "www.gaqzx.gov.cn", "领导讲话", "/a/ldjh/",
                 charset="gbk", declared="gb2312", per_page=7, id_base=5120, id_stride=2, precision="minute",
                 site_code="5116020008", icp="蜀ICP备12008731号", gongan="川公网安备51160202000019号",
                 address="广安市广安区建设路3号", postcode="638000", tech="广安区政务服务中心",
                 extra={"tid": 5, "api": True}),
        SiteSpec("siteserverapi", "siteserver", "宝鸡市政协", "www.bjzx.gov.cn", "领导讲话", "/channels/12.html",
                 per_page=6, id_base=8210, id_stride=3, precision="minute", site_code="6103000017",
                 icp="陕ICP备12003318号", gongan="陕公网安备61030202000064号", address="宝鸡市渭滨区经二路88号",
                 postcode="721000", tech="宝鸡市信息中心", extra={"api": "post"}),
        SiteSpec("jeecmsdyn", "jeecms", "商洛市政协", "www.slszx.gov.cn", "领导讲话", "/ldjh/index.jspx",
                 per_page=8, id_base=11730, id_stride=3, precision="second", site_code="6110000009",
                 icp="陕ICP备14005512号", gongan="陕公网安备61100202000027号", address="商洛市商州区北新街1号",
                 postcode="726000", tech="商洛市大数据中心", extra={"channel": 12, "dynamic": True}),
        SiteSpec("wppaged", "wp", "保山市政协", "www.bsszx.gov.cn", "领导讲话", "/category/ldjh/",
                 per_page=7, id_base=6410, id_stride=4, precision="second", site_code="5305000013",
                 icp="滇ICP备13001627号", gongan="滇公网安备53050202000112号", address="保山市隆阳区正阳南路7号",
                 postcode="678000", tech="保山市信息中心", extra={"cat": 5, "pagenavi": True}),
        SiteSpec("wpfeed", "wp", "临沧市政协", "www.lcszx.gov.cn", "领导讲话", "/category/ldjh/",
                 per_page=10, id_base=7730, id_stride=5, precision="second", site_code="5309000021",
                 icp="滇ICP备14002238号", gongan="滇公网安备53090202000045号", address="临沧市临翔区南塘街3号",
                 postcode="677000", tech="临沧市信息中心", extra={"cat": 5, "feed": True}),
        SiteSpec("rendered", "rendered", "滁州市政协", "www.czszx.gov.cn", "领导讲话", "/zxgz/ldjh/list.html",
                 per_page=8, id_base=73310, id_stride=7, site_code="3411000037", icp="皖ICP备05001372号",
                 gongan="皖公网安备34110202000139号", extra={"opt_in": True}),  # issue #14: needs a browser
        # Issue #22: no speech column; its speeches sit under 全体会议 (this column) and 常委会议.
        SiteSpec("nospeech", "detail", "武胜县政协", "www.wsxzx.gov.cn", "全体会议",
                 "/content/column/6790941?pageIndex=1", per_page=6, id_base=5210, id_stride=3,
                 precision="second", site_code="5116220009", icp="蜀ICP备12004471号",
                 gongan="川公网安备51162202000031号", extra={"opt_in": True, "portal": "nospeech"}),
    ]
}

# The six families the crawler has family modules for; the others are the issue #14 platforms,
# which only the generic path walks (tests that need a family module loop over these six).
MODELLED_FAMILIES = ("trs", "hanweb", "legacy", "datepath", "post", "detail")
MODELLED_SITES = tuple(slug for slug, s in SITES.items()
                       if s.family in MODELLED_FAMILIES and not s.extra.get("opt_in"))
# Served by default (opt-in sites such as `rendered` only when asked for by name).
NEW_SITES = tuple(slug for slug, s in SITES.items()
                  if slug not in MODELLED_SITES and not s.extra.get("opt_in"))

# The simulated calendar: day 1 is this date; day N is N-1 days later.
DAY1 = datetime(2025, 6, 3, 9, 0, tzinfo=BEIJING)
# Newest day-1 generic article; generic articles spread back to SPAN_START.
ANCHOR = datetime(2025, 5, 30, 16, 20, tzinfo=BEIJING)
SPAN_START = datetime(2012, 3, 1, 9, 0, tzinfo=BEIJING)
DEFAULT_SCALE = 20
