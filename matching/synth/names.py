"""Synthetic Chinese names for places, people and employers.

Names are drawn from common characters; any resemblance to a real village or person is
by chance. Place names are made unique within a county.
"""

from __future__ import annotations

import numpy as np

SURNAMES = list("王李张刘陈杨赵黄周吴罗龙石潘蒙韦陆安禄田冉吴何邓杨梁宋唐熊谢胡")
GIVEN_CHARS = list("明华国平建军志勇秀英兰芳红梅丽霞德荣贵海林富强春生文光正永德兴成玉凤金银琴燕")
PLACE_FIRST = list(
    "大小上下新老高石龙凤马牛羊岩沙白黑红青金银花竹松柏桃李杨田水山河溪长平中东西南北"
)
PLACE_SECOND = list("坪寨沟坝湾岩山河田塘岭冲坡场堡溪头口洞林槽屯营哨桥井庄院")
EMPLOYER_WORDS = [
    "恒达",
    "华兴",
    "鑫源",
    "立信",
    "金帆",
    "永盛",
    "宏图",
    "佳美",
    "明辉",
    "万通",
    "瑞丰",
    "新宇",
    "中联",
    "东方",
    "安泰",
    "锦程",
    "德润",
    "汇丰",
    "创达",
    "海川",
]
EMPLOYER_SUFFIX = {
    "ELEC": "电子有限公司",
    "GARM": "服饰有限公司",
    "CONS": "建设工程有限公司",
    "LOGI": "物流有限公司",
    "CATR": "餐饮管理有限公司",
    "DOME": "家政服务有限公司",
    "SECU": "物业服务有限公司",
    "MACH": "精密机械有限公司",
    "GEN": "实业有限公司",
}


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    """Two- or three-character personal names."""
    surnames = rng.choice(SURNAMES, size=count)
    first = rng.choice(GIVEN_CHARS, size=count)
    second = rng.choice(GIVEN_CHARS, size=count)
    single = rng.random(count) < 0.25
    return [
        s + a + ("" if one else b)
        for s, a, b, one in zip(surnames, first, second, single, strict=True)
    ]


def place_names(rng: np.random.Generator, count: int, suffixes: list[str]) -> list[str]:
    """`count` distinct two-character place names, each with a suffix drawn from `suffixes`."""
    combos = len(PLACE_FIRST) * len(PLACE_SECOND)
    picks = rng.choice(combos, size=count, replace=count > combos)
    first = np.array(PLACE_FIRST)[picks // len(PLACE_SECOND)]
    second = np.array(PLACE_SECOND)[picks % len(PLACE_SECOND)]
    suffix = rng.choice(suffixes, size=count)
    return [a + b + s for a, b, s in zip(first, second, suffix, strict=True)]


def employer_names(
    rng: np.random.Generator, city_names: list[str], industry_codes: list[str]
) -> list[str]:
    """`苏州恒达电子有限公司`-style names: city short name + word + sector suffix."""
    words = rng.choice(EMPLOYER_WORDS, size=len(city_names))
    return [
        city.removesuffix("市") + word + EMPLOYER_SUFFIX[industry]
        for city, word, industry in zip(city_names, words, industry_codes, strict=True)
    ]
