"""Village need descriptions, written the way a village information officer would.

A description is an opening about the village and its crop or animal, a problem and a
request; optional sentences add the language wanted and urgency. Every word that carries
meaning comes from the need's own codes: the crop is the crop of the need's skills (or a
crop the county grows, for an "eight elements" need), the problem names one of the
need's skills or one of that skill's keywords, and the request names the same skill.
Sentences that speak of a keyword as damage ("去年因为{kw}损失了两三成") are only used
with keywords that are pests, diseases or weather (`is_harm`); the others fit any
technique or object ("{kw}方面村里没人会"). "Eight elements" needs speak of the skill
itself, never of a bare keyword such as "第一书记".
"""

from __future__ import annotations

import re

import numpy as np

from matching.synth.sampling import IntArray, StrArray

FARM_OPENINGS = (
    "{village}{verb}了{qty}{unit}{product}，",
    "我们村合作社管着{qty}{unit}{product}，",
    "{village}今年新发展{product}{qty}{unit}，",
    "村里有{hh}户脱贫户跟着合作社{verb}{product}，规模{qty}{unit}，",
    "{township}{village}的{product}基地有{qty}{unit}左右，",
    "本村{product}是主导产业，现有{qty}{unit}，",
    "{village}{verb}{product}{qty}{unit}，带动{hh}户，",
    "去年村里引进{product}，目前发展到{qty}{unit}，",
)
HARM_PROBLEMS = (
    "最近{kw}越来越严重，",
    "去年因为{kw}损失了两三成，",
    "今年开春又出现了{kw}，",
    "{kw}年年都有，村民不知道怎么防，",
)
FARM_PROBLEMS = (
    "{kw}这一块一直搞不好，",
    "村民不太懂{skill}，",
    "{skill}跟不上，效益上不去，",
    "大家对{skill}心里没底，",
    "{kw}方面村里没人会，",
    "乡里技术员说要注意{kw}，可村民不知道怎么做，",
)
FARM_REQUESTS = (
    "想请专家来现场指导{days}天。",
    "希望有懂{skill}的专家上门看看。",
    "请专家到地里手把手教一教。",
    "能不能派专家来办个{skill}培训班？",
    "希望专家能多来几次，把{skill}教会。",
    "想请老师讲讲{kw}怎么弄，最好在地里讲。",
    "需要专家帮忙{days}天左右。",
)
ELEMENT_OPENINGS = (
    "村里的{product}产量上来了，",
    "{village}有{qty}{unit}{product}，",
    "合作社成立{years}年了，",
    "我们村{hh}户脱贫户入股了合作社，",
    "{township}{village}这两年发展{product}，",
    "村集体经济刚起步，",
)
ELEMENT_PROBLEMS = (
    "可在{skill}上没有经验，",
    "想搞{skill}但不知道从哪下手，",
    "村干部对{skill}不熟，",
    "{skill}这块一直是短板，",
)
ELEMENT_REQUESTS = (
    "想请专家来村里指导{days}天。",
    "希望有懂{skill}的专家来帮帮忙。",
    "能不能派专家来讲一讲{skill}？",
    "想找懂{skill}的老师帮我们出出主意。",
    "需要专家帮忙{days}天左右。",
)
LANGUAGE_NOTES = (
    "村里老人多，专家最好会讲{lang}。",
    "专家最好懂{lang}，好跟群众沟通。",
    "希望能用{lang}讲解。",
)
URGENT_NOTES = ("时间比较急。", "越快越好。", "这个季节耽误不起。")
# keywords naming damage: pests, diseases, contamination and weather (not 免疫, 驱虫, 防雹网)
HARM = re.compile(
    r"(病|虫|蝉|瘟|疫病|蹄疫|城疫|蚜|蚊|杂菌|污染|冰雹|倒春寒|裂果|障碍|酸化|腹泻|禽流感)$"
)
NOT_HARM = re.compile(r"^(驱|杀|防|诱|粘|免)")


def is_harm(keyword: str) -> bool:
    """Whether a skill keyword names damage (a pest, disease or bad weather)."""
    return bool(HARM.search(keyword)) and not NOT_HARM.search(keyword)


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int) -> StrArray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=size)]


def need_descriptions(
    rng: np.random.Generator,
    fields: dict[str, list[str]],
    quantities: IntArray,
    is_element: list[bool],
) -> list[str]:
    """One description per need.

    `fields` holds per-need lists: village, township, product, unit, skill, kw, days,
    verb, hh, years, lang (empty = no language asked) and urgent ("1" or "").
    """
    size = len(quantities)
    harm = _pick(rng, HARM_PROBLEMS, size)
    farm = (_pick(rng, FARM_OPENINGS, size), _pick(rng, FARM_PROBLEMS, size))
    farm_requests = _pick(rng, FARM_REQUESTS, size)
    element = (_pick(rng, ELEMENT_OPENINGS, size), _pick(rng, ELEMENT_PROBLEMS, size))
    element_requests = _pick(rng, ELEMENT_REQUESTS, size)
    languages = _pick(rng, LANGUAGE_NOTES, size)
    urgent = _pick(rng, URGENT_NOTES, size)
    harm_share = rng.random(size) < 0.6
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        values["qty"] = str(quantities[i])
        if is_element[i]:
            text = element[0][i] + element[1][i] + element_requests[i]
        else:
            problem = harm[i] if harm_share[i] and is_harm(values["kw"]) else farm[1][i]
            text = farm[0][i] + problem + farm_requests[i]
        if values["lang"]:
            text += languages[i]
        if values["urgent"]:
            text += urgent[i]
        texts.append(text.format(**values))
    return texts
