"""Expert profiles and worker self-descriptions, composed from varied fragments."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.synth.sampling import StrArray

EXPERT_CAREERS = (
    "从事{industry}工作{years}年，",
    "长期在基层做{industry}这一块，已有{years}年，",
    "干{industry}这一行{years}年了，",
    "{years}年来一直在{industry}一线，",
    "在{industry}领域工作{years}年，",
)
EXPERT_SKILLS = (
    "擅长{skills}。",
    "主要研究{skills}。",
    "熟悉{skills}等技术。",
    "能解决{skills}方面的问题。",
)
EXPERT_EXTRAS = (
    "曾在{county}驻村{stay}年。",
    "指导过{n}个合作社。",
    "每年下乡服务{days}天以上。",
    "参与编写过{industry}实用技术手册。",
    "带领技术服务小分队常年在基层。",
    "手机随时能联系，周末也下乡。",
    "办过{n}期田间课堂。",
)
LANGUAGE_EXTRA = "会讲{lang}，"

WORKER_OPENINGS = (
    "{age}岁，{edu}毕业，",
    "我今年{age}岁，{edu}文化，",
    "{edu}学历，{age}岁，",
    "今年{age}岁，读到{edu}，",
)
WORKER_EXPERIENCE = (
    "以前在{city}干过{n}年{skill}，",
    "会{skill}，",
    "做过{n}年{skill}，",
    "在外面学过{skill}，",
)
WORKER_NO_EXPERIENCE = (
    "一直在家务农，{verb}{product}，",
    "没出过远门，",
    "在县城打过零工，",
    "以前在家带孩子，",
)
WORKER_CITY_INTENTS = ("想去{city}找{sector}方面的工作，", "打算去{city}做{sector}，")
WORKER_INTENTS = ("想做{sector}，", "{sector}的活都可以，", "想找{sector}方面的活，")
WORKER_ANY = ("去哪里都行，", "只要稳定，去哪个城市都愿意试试，")
WORKER_WISHES = (
    "希望包吃住。",
    "工资{wage}以上就行。",
    "能吃苦，肯学。",
    "想学门技术。",
    "想找个长期稳定的。",
)
GROUP_WISH = ("想和村里的老乡一起去。", "和同村几个人约好一起出去。")
# Workers who will not go far: no city named (the province, or anything close), or only a
# partner city close to home.
STAY_WISH = ("最好在省内，方便回家。", "家里有老人小孩，不想离家太远，最好在省内。")
NEAR_CITY_WISH = (
    "家里有老人小孩，不想离家太远，{city}近一点可以考虑。",
    "最好在省内，要出省的话{city}近一点也行。",
)


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int) -> StrArray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=size)]


def expert_profiles(rng: np.random.Generator, fields: dict[str, list[str]]) -> list[str]:
    """Profiles from per-expert lists: name, org, title, tier, role, industry, years,
    skills, county, lang (may be empty), n, stay (years in a village), days (a year)."""
    size = len(fields["name"])
    careers = _pick(rng, EXPERT_CAREERS, size)
    skills = _pick(rng, EXPERT_SKILLS, size)
    extras = _pick(rng, EXPERT_EXTRAS, size)
    has_extra = rng.random(size) < 0.7
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        text = "{name}，{org}{title}，{tier}{role}。" + careers[i]
        if values["lang"]:
            text += LANGUAGE_EXTRA
        text += skills[i] + (extras[i] if has_extra[i] else "")
        texts.append(text.format(**values))
    return texts


def worker_descriptions(
    rng: np.random.Generator, fields: dict[str, list[str]], flags: dict[str, list[bool]]
) -> list[str]:
    """Self-descriptions from per-worker lists (age, edu, city, n, skill, verb, product,
    sector, wage, cert) and flags (experienced, any_city, grouped, stays_near, has_cert).

    `city` is the first city the worker names; what is said about places follows the
    worker's list and whether they go far, never contradicts them.
    """
    size = len(fields["age"])
    picks = {
        "opening": _pick(rng, WORKER_OPENINGS, size),
        "experience": _pick(rng, WORKER_EXPERIENCE, size),
        "no_experience": _pick(rng, WORKER_NO_EXPERIENCE, size),
        "city_intent": _pick(rng, WORKER_CITY_INTENTS, size),
        "intent": _pick(rng, WORKER_INTENTS, size),
        "names_city": rng.random(size) < 0.5,
        "any": _pick(rng, WORKER_ANY, size),
        "wish": _pick(rng, WORKER_WISHES, size),
        "group": _pick(rng, GROUP_WISH, size),
        "stay": _pick(rng, STAY_WISH, size),
        "near": _pick(rng, NEAR_CITY_WISH, size),
    }
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        text = picks["opening"][i] + (
            picks["experience"][i] if flags["experienced"][i] else picks["no_experience"][i]
        )
        if flags["has_cert"][i]:
            text += "有{cert}，"
        text += _places(picks, i, flags["any_city"][i], flags["stays_near"][i])
        if flags["grouped"][i]:
            text += picks["group"][i]
        elif not flags["stays_near"][i]:
            text += picks["wish"][i]
        texts.append(text.format(**values))
    return texts


def _places(picks: dict[str, NDArray[Any]], i: int, any_city: bool, stays_near: bool) -> str:
    """What the worker wants to do and where, as their list and `willing_far` say."""
    if stays_near:
        return str(picks["intent"][i]) + str(picks["stay"][i] if any_city else picks["near"][i])
    if any_city:
        return str(picks["any"][i]) + str(picks["intent"][i])
    return str(picks["city_intent"][i] if picks["names_city"][i] else picks["intent"][i])
