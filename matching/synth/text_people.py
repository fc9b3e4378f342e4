"""Expert profiles and worker self-descriptions, composed from varied fragments."""

from __future__ import annotations

import numpy as np

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
    "曾在{county}驻村{n}年。",
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
WORKER_INTENTS = (
    "想去{city}找{sector}方面的工作，",
    "想做{sector}，",
    "{sector}的活都可以，",
    "想找{sector}方面的活，",
)
WORKER_ANY = ("去哪里都行，", "只要稳定，什么工作都愿意试试，")
WORKER_WISHES = (
    "希望包吃住。",
    "工资{wage}以上就行。",
    "能吃苦，肯学。",
    "想学门技术。",
    "想找个长期稳定的。",
)
GROUP_WISH = ("想和村里的老乡一起去。", "和同村几个人约好一起出去。")
STAY_WISH = ("家里有老人小孩，不想离家太远。", "最好在省内，方便回家。")


def _pick(rng: np.random.Generator, options: tuple[str, ...], size: int) -> StrArray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=size)]


def expert_profiles(rng: np.random.Generator, fields: dict[str, list[str]]) -> list[str]:
    """Profiles from per-expert lists: name, org, title, tier, role, industry, years,
    skills, county, lang (may be empty), n, days."""
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
    sector, wage, cert) and flags (experienced, any_city, grouped, stays_near, has_cert)."""
    size = len(fields["age"])
    picks = {
        "opening": _pick(rng, WORKER_OPENINGS, size),
        "experience": _pick(rng, WORKER_EXPERIENCE, size),
        "no_experience": _pick(rng, WORKER_NO_EXPERIENCE, size),
        "intent": _pick(rng, WORKER_INTENTS, size),
        "any": _pick(rng, WORKER_ANY, size),
        "wish": _pick(rng, WORKER_WISHES, size),
        "group": _pick(rng, GROUP_WISH, size),
        "stay": _pick(rng, STAY_WISH, size),
    }
    texts = []
    for i in range(size):
        values = {key: column[i] for key, column in fields.items()}
        experienced = flags["experienced"][i]
        text = picks["opening"][i] + (
            picks["experience"][i] if experienced else picks["no_experience"][i]
        )
        if flags["has_cert"][i]:
            text += "有{cert}，"
        text += picks["any"][i] if flags["any_city"][i] else picks["intent"][i]
        if flags["grouped"][i]:
            text += picks["group"][i]
        elif flags["stays_near"][i]:
            text += picks["stay"][i]
        else:
            text += picks["wish"][i]
        texts.append(text.format(**values))
    return texts
