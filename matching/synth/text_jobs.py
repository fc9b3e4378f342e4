"""Job posting descriptions, composed from varied fragments."""

from __future__ import annotations

import numpy as np

from matching.synth.sampling import StrArray

OPENINGS = (
    "{employer}因生产需要，招聘{title}{n}名。",
    "{employer}现招{title}{n}人。",
    "【{city}】{employer}长期招{title}，共{n}个岗位。",
    "{employer}急招{title}{n}名，",
    "{employer}扩大生产，{title}岗位缺{n}人。",
)
WAGES = (
    "月薪{low}-{high}元，",
    "综合工资{wage}元左右，",
    "底薪加计件，月均{wage}元，",
    "月收入{low}元起，",
)
HOUSING = ("提供免费宿舍，", "包住，宿舍有空调，", "住宿免费，")
NO_HOUSING = ("不包住，有住房补贴，", "可协助找房，")
MEALS = ("包工作餐。", "有食堂，一日三餐。", "餐补每月300元。")
NO_MEALS = ("不包吃。", "附近吃饭方便。")
DEMANDS = (
    "身体健康，能适应倒班。",
    "吃苦耐劳，服从安排。",
    "手脚麻利，能接受站立工作。",
    "无经验可培训上岗。",
)
EXTRAS = (
    "对口帮扶{prefs}的务工人员优先，统一组织乘车。",
    "欢迎{prefs}老乡结伴入职。",
)
OPEN_EXTRAS = ("购买五险一金。", "满三个月报销来程路费。", "老乡多，可结伴入职。", "")


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int) -> StrArray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=size)]


def posting_descriptions(
    rng: np.random.Generator, fields: dict[str, list[str]], flags: dict[str, list[bool]]
) -> list[str]:
    """Texts from per-posting lists (employer, city, title, n, low, high, wage, min, max,
    skill, cert, prefs) and flags (housing, meals, wants_skill, wants_cert, earmarked)."""
    size = len(fields["employer"])
    p = {
        name: _pick(rng, options, size)
        for name, options in {
            "opening": OPENINGS,
            "wage": WAGES,
            "housing": HOUSING,
            "no_housing": NO_HOUSING,
            "meals": MEALS,
            "no_meals": NO_MEALS,
            "demand": DEMANDS,
            "extra": EXTRAS,
            "open_extra": OPEN_EXTRAS,
        }.items()
    }
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        text = p["opening"][i] + p["wage"][i]
        text += p["housing"][i] if flags["housing"][i] else p["no_housing"][i]
        text += p["meals"][i] if flags["meals"][i] else p["no_meals"][i]
        text += "年龄{min}-{max}岁，"
        if flags["wants_cert"][i]:
            text += "须持{cert}，"
        if flags["wants_skill"][i]:
            text += "要求会{skill}，"
        text += p["demand"][i]
        text += p["extra"][i] if flags["earmarked"][i] else p["open_extra"][i]
        texts.append(text.format(**values))
    return texts
