"""Phrase banks and the deterministic generator of invented speeches and reports.

Everything here is invented (names, places, meetings) except the Jingzhou seed speech, which is
read from ``data/seed_jingzhou_ldjh.txt`` verbatim. Generation is a pure function of
``(site slug, key)`` through :func:`rng_for`, so any article can be rebuilt on demand (the scale
knob relies on this: nothing is generated until asked for).
"""

from __future__ import annotations

import hashlib
import random
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "志国建明华伟军红英平文永春海林德俊峰宏辉新杰勇涛斌云金玉庆东晓丽静雪立振兴昌良正安家宁远博思成秀敏泽鸿"
RARE_GIVEN = ["堃", "喆", "镕", "淏", "珺", "昳"]  # outside GB2312, inside GBK (legacy site)

TOPICS = [
    "乡村振兴", "营商环境优化", "生态环境保护", "长江大保护", "基层协商民主", "民生保障",
    "科技创新", "文化旅游融合", "城市更新", "养老服务体系建设", "职业教育发展", "数字经济",
    "农产品质量安全", "民营经济高质量发展", "医疗卫生服务", "社会治理现代化",
]
MEETINGS = [
    "全市政协系统{topic}工作推进会", "市政协{n}届{m}次常委会议", "{topic}专题协商会",
    "市政协理论学习中心组（扩大）学习会", "全市政协委员培训班开班式", "市政协机关干部大会",
    "{topic}对口协商座谈会", "政协提案办理工作会议", "全市政协工作会议",
    "“{topic}”民主监督活动动员会", "委员履职能力提升专题培训班", "界别协商座谈会",
]
POSTS = ["市政协主席", "市政协党组书记、主席", "市政协副主席", "市委书记", "市政协秘书长",
         "市政协党组副书记、副主席"]
HEADINGS = [
    "坚持党的全面领导，确保政协工作正确政治方向", "聚焦中心大局，在服务高质量发展中彰显政协担当",
    "坚持人民至上，在保障和改善民生中贡献政协力量", "深化协商民主，提高建言资政和凝聚共识水平",
    "加强自身建设，全面提升履职能力和水平", "强化委员责任担当，更好发挥主体作用",
    "突出问题导向，推动{topic}取得实效", "创新方法载体，打造特色履职品牌",
    "加强统筹协调，形成推动{topic}的工作合力", "锤炼过硬作风，以实干实绩践行初心使命",
]
SENTENCES = [
    "要深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻党的二十大精神。",
    "各级政协组织要坚持团结和民主两大主题，把协商民主贯穿履职全过程。",
    "围绕{topic}深入调查研究，提出有分量、有见地、有价值的意见建议。",
    "要坚持建言资政和凝聚共识双向发力，广泛汇聚推动发展的正能量。",
    "{topic}事关群众切身利益，是党委政府高度重视、人民群众普遍关心的问题。",
    "今年以来，市政协围绕{topic}开展专题调研{k}次，形成调研报告{j}篇。",
    "要把协商议题选准、把调研工作做实、把意见建议提好，确保协商成果转化落地。",
    "广大政协委员要增强委员意识，自觉践行“懂政协、会协商、善议政、守纪律、讲规矩、重品行”的要求。",
    "要发挥人才荟萃、智力密集、联系广泛的优势，为{topic}献计出力。",
    "要健全协商成果采纳、落实和反馈机制，推动更多意见建议进入决策、转化为政策。",
    "要加强与各民主党派、工商联和无党派人士的团结合作，画好最大同心圆。",
    "要持续深化“请你来协商”“委员进社区”等品牌建设，打通联系服务群众“最后一公里”。",
    "实践证明，只要我们坚持围绕中心、服务大局，政协工作就一定能够大有作为。",
    "各专门委员会要发挥基础性作用，加强与对口部门的沟通联系。",
    "要聚焦{topic}中的堵点难点，开展民主监督，助推问题解决。",
    "机关干部要提高政治站位，强化服务意识，以优良作风保障各项工作顺利开展。",
    "要坚持求真务实，力戒形式主义、官僚主义，确保各项部署落地见效。",
    "要善于运用互联网思维，推进智慧政协建设，提升履职信息化水平。",
    "全市政协系统要上下联动、协同配合，形成工作整体合力。",
    "要把加强思想政治引领、广泛凝聚共识贯穿履职工作之中。",
    "过去一年，我们共收到提案{j}{k}件，立案{j}{k}件，办复率达到100%。",
    "这些成绩的取得，是市委坚强领导的结果，是全体政协委员共同努力的结果。",
    "我们要珍惜荣誉、再接再厉，以更加饱满的热情投入到新的工作中去。",
    "要注重发挥界别作用，推动界别协商常态化、制度化。",
]
CLOSINGS = [
    "同志们，新时代赋予新使命，新征程呼唤新作为。让我们更加紧密地团结在以习近平同志为核心的党中央周围，凝心聚力、履职尽责，为谱写高质量发展新篇章作出新的更大贡献！",
    "同志们，任务艰巨，使命光荣。让我们在市委的坚强领导下，勇于担当、真抓实干，奋力开创政协工作新局面！",
    "各位委员，同志们！让我们坚定信心、同心同德，以只争朝夕的精神和求真务实的作风，为{topic}贡献智慧和力量！",
]
SOURCES_BY_SITE = {
    "trs": ["荆州市政协"], "hanweb": ["市政协办公室", "市政协研究室"],
    "legacy": [""], "datepath": ["重庆政协报"],
    "post": ["光明新闻", "深圳特区报", "市政协办公厅"], "detail": [""],
    "jeecms": ["市政协办公室", "汉中日报"], "jeecmsapi": ["市政协研究室"], "dede": ["县政协办公室", ""],
    "empire": ["州政协办公室", "民族日报"], "wp": ["州政协办公室"], "phpcms": ["市政协办公室", "铜仁日报"],
    "phpcmsapi": ["市政协办公室"], "siteserver": ["市政协办公室", "咸阳日报"], "siteserverjs": ["市政协办公室"],
    "rendered": ["滁州市政协"], "nospeech": ["县政协办公室"],
    "empireapi": ["州政协办公室", "甘南日报"], "dedeapi": ["区政协办公室", ""], "siteserverapi": ["市政协办公室"],
    "jeecmsdyn": ["市政协办公室", "商洛日报"], "wppaged": ["市政协办公室"], "wpfeed": ["市政协办公室"],
}
EDITORS = ["杨玉娟", "张玉兰", "陈晓静", "周立新", "刘丽", "黄雪梅", "罗永平"]
REVIEWERS = ["叶玲玲", "王建国", "赵德明"]


def rng_for(*parts: object) -> random.Random:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def person_name(rng: random.Random, *, rare: bool = False) -> str:
    given = rng.choice(RARE_GIVEN) if rare else "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def _fill(text: str, rng: random.Random, topic: str) -> str:
    if "{" not in text:
        return text
    values = {"topic": topic}
    for key, make in (("n", lambda: rng.choice("五六七")), ("m", lambda: rng.choice("一二三四五六")),
                      ("k", lambda: rng.randint(2, 9)), ("j", lambda: rng.randint(1, 9))):
        if "{" + key + "}" in text:
            values[key] = make()
    return text.format(**values)


def paragraph(rng: random.Random, topic: str, sentences: int) -> str:
    picked = rng.sample(SENTENCES, k=min(sentences, len(SENTENCES)))
    return "".join(_fill(s, rng, topic) for s in picked)


STEPS = (7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 49, 53, 59, 61)  # coprime with 240


@lru_cache(maxsize=64)
def paragraph_pool(topic: str) -> tuple[str, ...]:
    """240 ready-made paragraphs per topic: generic speeches draw from it (fast at any scale)."""
    rng = rng_for("pool", topic)
    return tuple(paragraph(rng, topic, rng.randint(3, 5)) for _ in range(240))


def speech_paragraphs(rng: random.Random, topic: str, occasion: str, target: int) -> list[str]:
    """Paragraphs of a speech of about ``target`` characters (never under 300, never over 8000)."""
    target = max(320, min(target, 7600))
    sections = max(1, min(5, target // 1200))
    opening = (f"今天召开{occasion}，主要任务是总结工作、分析形势、部署任务。"
               f"下面，根据会议安排，我讲{'一二三四五'[sections - 1]}个方面的意见。")
    closing = _fill(rng.choice(CLOSINGS), rng, topic)
    parts: list[list[str]] = [[f"{'一二三四五'[i]}、{_fill(h, rng, topic)}"]
                              for i, h in enumerate(rng.sample(HEADINGS, k=sections))]
    total = len(opening) + len(closing) + sum(len(p[0]) for p in parts)
    pool = paragraph_pool(topic)
    start, step = rng.randrange(len(pool)), rng.choice(STEPS)  # a walk without repeats
    i = 0
    while total < target and i < 60:
        para = pool[(start + i * step) % len(pool)]
        if total + len(para) > 7900:
            break
        parts[i % sections].append(para)
        total += len(para)
        i += 1
    return [opening] + [p for sec in parts for p in sec] + [closing]


def news_paragraphs(rng: random.Random, topic: str, names: list[str], when: str) -> list[str]:
    """A news report that mentions several speakers (no single speaker: gold speaker is null)."""
    a, b, c = names
    return [
        f"{when}，{topic}专题协商会召开。市政协主席{a}出席会议并讲话，副主席{b}主持会议，副市长{c}通报有关情况。",
        f"会上，{rng.randint(5, 9)}位政协委员和界别代表围绕{topic}作了发言，提出意见建议{rng.randint(12, 40)}条。",
        f"{a}在讲话中指出，" + paragraph(rng, topic, 3),
        f"{c}表示，政府相关部门将认真研究吸纳委员们的意见建议，" + _fill(rng.choice(SENTENCES), rng, topic),
        f"{b}强调，" + paragraph(rng, topic, 2),
        "市政协有关专门委员会负责同志，部分市政协委员和特邀代表参加会议。",
    ]


@lru_cache(maxsize=1)
def seed_paragraphs() -> tuple[str, ...]:
    """The body of the real Jingzhou speech (2023-05-22), one paragraph per line, verbatim."""
    text = (DATA / "seed_jingzhou_ldjh.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.split("\n") if line.strip())


def truncate_title(title: str, width: int) -> str:
    return title if len(title) <= width else title[: width - 1] + "..."
