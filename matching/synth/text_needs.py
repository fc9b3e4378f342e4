"""Village need descriptions, written the way a village information officer would.

A description is an opening about the village and its industry, a problem built from the
needed skill and one of its keywords, and a request; optional sentences add the language
wanted and urgency. Fragments, numbers and names vary independently, so texts rarely
repeat.
"""

from __future__ import annotations

import numpy as np

from matching.synth.sampling import IntArray, StrArray

FARM_OPENINGS = (
    "{village}{verb}了{qty}{unit}{product}，",
    "我们村合作社管着{qty}{unit}{product}，",
    "{village}今年新发展{product}{qty}{unit}，",
    "村里有{hh}户贫困户跟着合作社{verb}{product}，规模{qty}{unit}，",
    "{township}{village}的{product}基地有{qty}{unit}左右，",
    "本村{product}是主导产业，现有{qty}{unit}，",
    "{village}{product}{qty}{unit}，带动{hh}户，",
    "去年村里引进{product}，目前发展到{qty}{unit}，",
)
FARM_PROBLEMS = (
    "最近{kw}问题越来越严重，",
    "{kw}这一块一直搞不好，",
    "村民不太懂{skill}，",
    "{skill}跟不上，产量上不去，",
    "去年因为{kw}损失了两三成，",
    "今年开春发现{kw}有问题，",
    "大家对{skill}心里没底，",
    "{kw}方面村里没人会，",
    "乡里技术员说要注意{kw}，可村民不知道怎么做，",
)
ELEMENT_OPENINGS = (
    "村里的{product}产量上来了，",
    "{village}有{qty}{unit}{product}，",
    "合作社成立{years}年了，",
    "我们村{hh}户贫困户入股了合作社，",
    "{township}{village}这两年发展{product}，",
    "村集体经济刚起步，",
)
ELEMENT_PROBLEMS = (
    "就是{kw}不会弄，",
    "{skill}没有经验，",
    "在{kw}上吃过亏，",
    "想搞{skill}但不知道从哪下手，",
    "{kw}一直没理顺，",
    "村干部对{skill}不熟，",
)
REQUESTS = (
    "想请专家来现场指导{days}天。",
    "希望有懂{skill}的专家上门看看。",
    "请专家到村里手把手教一教。",
    "能不能派专家来办个培训班？",
    "希望专家能多来几次，把{skill}教会。",
    "想请老师讲讲{kw}怎么弄，最好在地里讲。",
    "想找懂{skill}的老师帮我们出出主意。",
    "需要专家帮忙{days}天左右。",
)
LANGUAGE_NOTES = (
    "村里老人多，专家最好会讲{lang}。",
    "专家最好懂{lang}，好跟群众沟通。",
    "希望能用{lang}讲解。",
)
URGENT_NOTES = ("时间比较急。", "越快越好。", "这个季节耽误不起。")


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
    farm = (_pick(rng, FARM_OPENINGS, size), _pick(rng, FARM_PROBLEMS, size))
    element = (_pick(rng, ELEMENT_OPENINGS, size), _pick(rng, ELEMENT_PROBLEMS, size))
    requests = _pick(rng, REQUESTS, size)
    languages = _pick(rng, LANGUAGE_NOTES, size)
    urgent = _pick(rng, URGENT_NOTES, size)
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        values["qty"] = str(quantities[i])
        opening, problem = (
            (element[0][i], element[1][i]) if is_element[i] else (farm[0][i], farm[1][i])
        )
        text = opening + problem + requests[i]
        if values["lang"]:
            text += languages[i]
        if values["urgent"]:
            text += urgent[i]
        texts.append(text.format(**values))
    return texts
