"""Hand-written articles that every site carries at any scale: the seed speech and one article
for each speech form, date format and data trap the spec lists (see docs/REPLICA-SPEC.md,
"Speeches" and "Data traps"). Names, places and meetings are invented except the seed.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from archiver.replica import corpus
from archiver.replica.model import BEIJING, Article, Block
from archiver.replica.files import file_articles
from archiver.replica.sites import SITES


def _when(s: str) -> datetime:
    fmt = "%Y-%m-%d %H:%M:%S" if s.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(s, fmt).replace(tzinfo=BEIJING)


def _a(site: str, key: str, num: int, title: str, when: str, blocks: list, **kw) -> Article:
    bl = [b if isinstance(b, Block) else Block("p", b) for b in blocks]
    kw["flags"] = frozenset(kw.get("flags", ()))
    return Article(site=site, key=key, num=num, title=title, published=_when(when), blocks=bl, **kw)


def _speech(seed: str, topic: str, occasion: str, target: int) -> list[str]:
    return corpus.speech_paragraphs(corpus.rng_for("special", seed), topic, occasion, target)


def _news(seed: str, topic: str, people: list[str], held_on: str) -> list[str]:
    return corpus.news_paragraphs(corpus.rng_for("special", seed), topic, people, held_on)


def _img(caption: str, ext: str = "jpg") -> Block:
    return Block("img", caption, ext)


def _att(name: str, ext: str) -> Block:
    return Block("att", name, ext)


def _trs() -> list[Article]:
    s = "trs"
    occ = "全市县市区政协主席座谈会"
    long_occ = "市政协六届二次会议闭幕会"
    rep_names = ["蒋鸿", "周德林", "吴晓明"]
    report = _news("trs-news", "长江大保护", rep_names, "5月9日")
    dup_title = "市政协副主席吴晓明在全市政协委员培训班开班式上的讲话"
    dup_body = _speech("trs-dup", "基层协商民主", "全市政协委员培训班开班式", 900)
    return [
        _a(s, "seed", 1064201, f"市政协主席蒋鸿在{occ}上的讲话", "2023-05-22 11:15",
           list(corpus.seed_paragraphs()), source="荆州市政协", speaker="蒋鸿", speaker_title="市政协主席",
           occasion=occ, flags={"meta", "seedmeta"}),
        _a(s, "long", 1064209, f"市政协主席蒋鸿在{long_occ}上的讲话", "2024-01-19 17:40",
           ["（2024年1月18日）"] + _speech("trs-long", "江汉平原高质量发展", long_occ, 7200)[:9]
           + [_img("1月18日，市政协六届二次会议闭幕会现场。")]
           + _speech("trs-long", "江汉平原高质量发展", long_occ, 7200)[9:],
           source="荆州市政协", speaker="蒋鸿", speaker_title="市政协主席", occasion=long_occ,
           delivered_on="2024-01-18", pages=3, flags={"meta", "ueditor"}),
        _a(s, "old", 1064215, "市政协主席周德林在市政协四届十四次常委会议上的讲话", "2016-03-01 16:01",
           _speech("trs-old", "精准扶贫", "市政协四届十四次常委会议", 1500), source="荆州市政协",
           speaker="周德林", speaker_title="市政协主席", occasion="市政协四届十四次常委会议",
           flags={"old"}),
        _a(s, "news", 1064222, "市政协召开长江大保护专题协商会", "2023-05-10 09:30", report,
           source="荆州市政协", kind="news", flags={"meta"}, also_at=("news-zxdt",)),
        _a(s, "dup1", 1064230, dup_title, "2021-09-14 10:05", dup_body, source="荆州市政协",
           speaker="吴晓明", speaker_title="市政协副主席", occasion="全市政协委员培训班开班式", flags={"meta"}),
        _a(s, "dup2", 1064231, dup_title, "2021-09-14 10:12", dup_body, source="荆州市政协",
           speaker="吴晓明", speaker_title="市政协副主席", occasion="全市政协委员培训班开班式",
           flags={"meta"}, duplicate_of="dup1"),
        _a(s, "att", 1064238, "市政协主席蒋鸿在市政协六届三次会议开幕会上的讲话", "2025-01-08 18:02",
           _speech("trs-att", "示范区建设", "市政协六届三次会议开幕会", 2600)
           + [_att("市政协主席蒋鸿在市政协六届三次会议开幕会上的讲话（全文）.pdf", "pdf"),
              _att("会议日程安排.doc", "doc")],
           source="荆州市政协", speaker="蒋鸿", speaker_title="市政协主席",
           occasion="市政协六届三次会议开幕会", flags={"meta", "ueditor"}),
    ]


def _hanweb() -> list[Article]:
    s = "hanweb"
    occ14 = "政协金华市第六届委员会第二次会议"
    return [
        _a(s, "sub14", 2871, "在政协金华市第六届委员会第二次会议闭幕会上的讲话", "2014-01-27 19:52:22",
           ["(2014年1月16日在政协金华市第六届委员会第二次会议上)", "杨明远"]
           + _speech("hw-sub14", "生态文明建设", occ14, 2200),
           source="市政协办公室", speaker="杨明远", occasion=occ14, delivered_on="2014-01-16",
           precision="second", flags={"upper", "upper_sec"}),
        _a(s, "runon", 2893, "在市政协七届二次会议开幕会上的讲话", "2023-01-18 08:45",
           ["许凯(2023年1月16日)各位委员,同志们:"] + _speech("hw-runon", "共同富裕示范区建设",
                                                        "市政协七届二次会议开幕会", 1800)[1:],
           source="市政协办公室", speaker="许凯", occasion="市政协七届二次会议开幕会",
           delivered_on="2023-01-16", precision="date", flags={"upper"}),
        _a(s, "img", 2914, "市政协副主席陈喆在“浙中生态廊道”民主监督活动动员会上的讲话", "2023-05-04 10:12",
           _speech("hw-img", "浙中生态廊道建设", "“浙中生态廊道”民主监督活动动员会", 1600)[:3]
           + [_img("民主监督活动动员会现场。"), _img("委员们在婺江沿线实地察看。", "png")]
           + _speech("hw-img", "浙中生态廊道建设", "“浙中生态廊道”民主监督活动动员会", 1600)[3:],
           source="市政协办公室", speaker="陈喆", speaker_title="市政协副主席",
           occasion="“浙中生态廊道”民主监督活动动员会"),
        _a(s, "news", 2920, "政协金华市第七届委员会第三次会议胜利闭幕",
           "2024-01-20 17:30",
           _news("hw-news", "营商环境优化", ["许凯", "陈喆", "黄立新"], "1月20日"),
           source="市政协研究室", kind="news"),
    ]


def _legacy() -> list[Article]:
    s = "legacy"
    occ = "政协凤山县第十一届委员会第五次会议"
    return [
        _a(s, "padded", 61301, "凝心聚力促发展 履职尽责谱新篇", "2023-03-05 10:00",
           ["—在3月2日政协凤山县第十一届委员会第五次会议上", "罗  军"]
           + _speech("lg-padded", "乡村振兴", occ, 1900)[1:],
           author="刘丽", speaker="罗军", occasion=occ, delivered_on="2023-03-02"),
        _a(s, "split", 61344, "县政协主席覃堃在全县政协工作会议上的讲话", "2023-03-29 09:00",
           _speech("lg-split", "民营经济高质量发展", "全县政协工作会议", 5200)
           + [_img("全县政协工作会议现场")],
           author="刘丽", speaker="覃堃", speaker_title="县政协主席", occasion="全县政协工作会议", pages=3),
        _a(s, "trad", 61355, "县政协副主席李喆在两岸交流座谈会上的讲话", "2019-10-12 15:00",
           ["各位台胞朋友、同志们：", "今天，我们欢聚一堂，共叙乡情。正如台胞代表所说：「兩岸一家親，血濃於水。」"
            "陈镕先生、王喆女士的发言令人动容，覃堃同志介绍了全县对台交流工作情况。"]
           + _speech("lg-trad", "两岸融合发展", "两岸交流座谈会", 900)[1:],
           author="黄雪梅", speaker="李喆", speaker_title="县政协副主席", occasion="两岸交流座谈会",
           flags={"divs"}),
        _a(s, "old2018", 61102, "县政协主席韦永平在十届二次会议闭幕会上的讲话", "2018-02-07 09:00",
           _speech("lg-2018", "脱贫攻坚", "县政协十届二次会议闭幕会", 1200), author="韦林",
           speaker="韦永平", speaker_title="县政协主席", occasion="县政协十届二次会议闭幕会",
           flags={"old2018"}),
        _a(s, "old2012", 60220, "县政协主席黄德明在县政协九届一次会议上的讲话", "2012-03-30 09:00",
           _speech("lg-2012", "新农村建设", "县政协九届一次会议", 800), source="凤山县政协",
           speaker="黄德明", speaker_title="县政协主席", occasion="县政协九届一次会议",
           flags={"old2012"}),
        _a(s, "news", 61390, "政协凤山县第十一届委员会第六次会议胜利闭幕", "2024-01-12 09:00",
           _news("lg-news", "生态环境保护", ["覃堃", "李喆", "蒙志华"], "1月11日"), author="刘丽", kind="news"),
    ]


def _datepath() -> list[Article]:
    s = "datepath"
    rng = corpus.rng_for("special", "dp-byline")
    signed = (["□邹明远"] + [corpus.paragraph(rng, "成渝地区双城经济圈建设", 4) for _ in range(3)]
              + [Block("mark", "(下转第2版)"), Block("mark", "(上接第1版)")]
              + [corpus.paragraph(rng, "成渝地区双城经济圈建设", 4) for _ in range(3)])
    rng2 = corpus.rng_for("special", "dp-luokuan")
    preface = ([corpus.paragraph(rng2, "文史资料工作", 4) for _ in range(4)]
               + ["是为序。", "政协重庆市委员会主席 唐方正", corpus.cn_numeral_date(2023, 9)])
    report_occ = "政协重庆市第六届委员会第二次会议"
    return [
        _a(s, "byline", 10581907, "凝聚政协力量 助推双城经济圈建设走深走实", "2023-09-06 09:47", signed,
           source="重庆政协报", author="邹明远", editor="张玉兰", speaker="邹明远"),
        _a(s, "report", 10570011, "政协重庆市委员会常务委员会工作报告", "2024-01-23 18:20",
           [f"——2024年1月21日在{report_occ}上的报告", "唐方正"]
           + _speech("dp-report", "成渝地区双城经济圈建设", report_occ, 3600)[1:],
           source="重庆政协报", editor="王巧", speaker="唐方正", occasion=report_occ,
           delivered_on="2024-01-21", kind="report"),
        _a(s, "luokuan", 10575520, "《重庆文史资料选辑（第五十辑）》序言", "2023-10-10 11:05", preface,
           source="重庆政协报", editor="张玉兰", speaker="唐方正",
           speaker_title="政协重庆市委员会主席", delivered_on="2023-09"),
        _a(s, "news", 10582310, "市政协召开“成渝地区双城经济圈建设”专题协商会", "2023-09-08 20:15",
           _news("dp-news", "成渝地区双城经济圈建设", ["唐方正", "邹明远", "何志远"], "9月7日")
           + [_img("专题协商会现场。记者 刘敏 摄")],
           source="重庆政协报", editor="王巧", kind="news"),
    ]


def _post() -> list[Article]:
    s = "post"
    ny = ["（2024年12月31日）", "民进市委会主委 韩静远"] + [
        corpus.paragraph(corpus.rng_for("special", "post-ny", i), "科技创新", 3) for i in range(4)]
    return [
        _a(s, "newyear", 1537702, "民进市委会主委韩静远发表新年致辞", "2025-01-02 09:00", ny,
           source="市政协办公厅", speaker="韩静远", speaker_title="民进市委会主委",
           delivered_on="2024-12-31"),
        _a(s, "month", 1536120, "市政协主席梁振华在市政协七届十次常委会议上的讲话", "2024-12-30 09:00",
           ["(2024年12月)"] + _speech("post-month", "科技创新", "市政协七届十次常委会议", 2000),
           source="市政协办公厅", speaker="梁振华", speaker_title="市政协主席",
           occasion="市政协七届十次常委会议", delivered_on="2024-12"),
        _a(s, "gm", 1538169, "市政协主席梁振华：以高质量履职服务先行示范区建设", "2025-03-27 09:00",
           _speech("post-gm", "先行示范区建设", "市政协理论学习中心组（扩大）学习会", 1400)
           + [_att("学习材料汇编.doc", "doc")],
           source="光明新闻", speaker="梁振华", speaker_title="市政协主席",
           occasion="市政协理论学习中心组（扩大）学习会"),
        _a(s, "news", 1537011, "市政协七届五次会议胜利闭幕", "2025-01-16 09:00",
           _news("post-news", "民生保障", ["梁振华", "韩静远", "邓建国"], "1月15日"),
           source="深圳特区报", kind="news"),
    ]


def _detail() -> list[Article]:
    s = "detail"
    occ = "政协宿松县第十一届委员会第四次会议"
    return [
        _a(s, "glued", 575101, "县政协主席方立新在县政协十一届一次会议闭幕会上的讲话", "2022-06-23 16:00:51",
           _speech("dt-glued", "县域经济发展", "县政协十一届一次会议闭幕会", 1700),
           editor="杨玉娟", speaker="方立新", speaker_title="县政协主席",
           occasion="县政协十一届一次会议闭幕会", flags={"glued"}),
        _a(s, "report", 575190, "政协宿松县委员会常务委员会工作报告", "2024-12-26 09:12:40",
           [f"——2024年12月22日在{occ}上的报告", "江文华"]
           + _speech("dt-report", "县域经济发展", occ, 3200)[1:]
           + [_img("县政协十一届四次会议开幕。", "png"), _att("常务委员会工作报告.pdf", "pdf")],
           editor="杨玉娟", speaker="江文华", occasion=occ, delivered_on="2024-12-22", kind="report"),
        _a(s, "news", 575150, "县政协召开养老服务体系建设专题协商会", "2021-12-29 16:00:51",
           _news("dt-news", "养老服务体系建设", ["方立新", "江文华", "朱海燕"], "12月28日"),
           editor="杨玉娟", kind="news"),
    ]


# The issue #14 platforms: (chair, vice chair, a meeting, a topic) per site; each carries one
# speech with an image and an attachment, and one news article cross-posted to 政协要闻.
PLATFORM_PEOPLE = {
    "jeecms": ("魏长青", "罗红梅", "市政协五届三次会议", "秦巴生态保护"),
    "jeecmsapi": ("邵国华", "田文静", "市政协五届四次会议", "富硒产业发展"),
    "dede": ("蒲建军", "唐晓燕", "县政协十届二次会议", "乡村振兴"),
    "empire": ("马国强", "韩玉兰", "州政协十三届三次会议", "民族团结进步"),
    "wp": ("线光明", "杨金凤", "州政协十二届四次会议", "沿边开放"),
    "phpcms": ("杨通武", "吴小芳", "市政协四届三次会议", "生态文明建设"),
    "phpcmsapi": ("陈世友", "张丽萍", "市政协五届二次会议", "城乡融合发展"),
    "siteserver": ("贾永刚", "孙丽华", "市政协九届三次会议", "黄河流域生态保护"),
    "siteserverjs": ("雷振东", "赵晓梅", "市政协九届四次会议", "农业现代化"),
    "empireapi": ("杨才让", "李秀英", "州政协十五届三次会议", "草原生态保护"),
    "dedeapi": ("何志强", "冯丽君", "区政协八届二次会议", "城市更新"),
    "siteserverapi": ("王振华", "刘亚娟", "市政协十二届三次会议", "先进制造业发展"),
    "jeecmsdyn": ("白建新", "郭秀琴", "市政协四届四次会议", "秦岭生态保护"),
    "wppaged": ("段思明", "李桂芬", "市政协五届三次会议", "边境贸易发展"),
    "wpfeed": ("罗学忠", "字玉芳", "市政协五届四次会议", "茶产业发展"),
}


def _platform(site: str, base: int) -> list[Article]:
    chair, vice, occ, topic = PLATFORM_PEOPLE[site]
    news = corpus.news_paragraphs(corpus.rng_for("special", site, "news"), topic, [chair, vice, "李建华"], "4月9日")
    return [
        _a(site, "main1", base + 1, f"市政协主席{chair}在{occ}闭幕会上的讲话", "2024-01-19 17:40:12",
           ["（2024年1月18日）"] + _speech(f"{site}-main1", topic, f"{occ}闭幕会", 2400)[:3]
           + [_img(f"1月18日，{occ}闭幕会现场。")] + _speech(f"{site}-main1", topic, f"{occ}闭幕会", 2400)[3:]
           + [_att(f"{occ}闭幕会讲话全文.pdf", "pdf")],
           source="市政协办公室", speaker=chair, speaker_title="市政协主席", occasion=f"{occ}闭幕会",
           delivered_on="2024-01-18"),
        _a(site, "news", base + 11, f"市政协召开{topic}专题协商会", "2024-04-10 09:30:00", news,
           source="市政协办公室", kind="news", also_at=("news-zxyw",)),
    ]


def _platform_secondary(site: str, base: int) -> tuple[Article, ...]:
    main = {a.key: a for a in specials(site)}["news"]
    copy = Article(site=site, key="news-zxyw", num=base + 21, title=main.title, published=main.published,
                   blocks=list(main.blocks), column="zxyw", source=main.source, kind="news", also_at=("news",))
    extra = []
    for i, (title, when) in enumerate([("市政协机关开展“主题党日”活动", "2024-06-02 15:20:00"),
                                       ("市政协调研组赴基层调研农产品加工业", "2024-03-18 10:40:00")]):
        rng = corpus.rng_for("zxyw", site, i)
        extra.append(_a(site, f"zxyw{i}", base + 23 + 2 * i, title, when,
                        [corpus.paragraph(rng, "农产品质量安全", 4) for _ in range(4)],
                        column="zxyw", source="市政协办公室", kind="news"))
    return tuple(sorted([copy] + extra, key=lambda a: a.published, reverse=True))


def _platform_base(site: str) -> int:
    return SITES[site].id_base + 3001  # clear of generic ids (below id_base) and new ones (+5000)


@lru_cache(maxsize=None)
def specials(site: str) -> tuple[Article, ...]:
    table = {"trs": _trs, "hanweb": _hanweb, "legacy": _legacy, "datepath": _datepath,
             "post": _post, "detail": _detail}
    # Every site also carries speeches published as files (issue #19, archiver/replica/files.py).
    if site in PLATFORM_PEOPLE:
        return tuple(_platform(site, _platform_base(site))) + tuple(file_articles(site))
    own = tuple(table[site]()) if site in table else ()  # newer sites: generic articles otherwise
    return own + tuple(file_articles(site))


def secondary(site: str) -> tuple[Article, ...]:
    """Articles of a secondary column (TRS: 政协动态, /zxdt/; the issue #14 platforms: 政协要闻)."""
    if site in PLATFORM_PEOPLE:
        return _platform_secondary(site, _platform_base(site))
    if site != "trs":
        return ()
    main = {a.key: a for a in specials("trs")}
    news = main["news"]
    copy = Article(site="trs", key="news-zxdt", num=1064224, title=news.title, published=news.published,
                   blocks=list(news.blocks), column="zxdt", source=news.source, kind="news",
                   flags=news.flags, also_at=("news",))
    extra = []
    for i, (title, when) in enumerate([("市政协机关开展“主题党日”活动", "2023-06-02 15:20"),
                                       ("市政协调研组赴监利市调研农产品加工业", "2023-04-18 10:40")]):
        rng = corpus.rng_for("zxdt", i)
        extra.append(_a("trs", f"zxdt{i}", 1064190 + i * 3, title, when,
                        [corpus.paragraph(rng, "农产品质量安全", 4) for _ in range(4)],
                        column="zxdt", source="荆州市政协", kind="news", flags={"meta"}))
    return tuple(sorted([copy] + extra, key=lambda a: a.published, reverse=True))
