"""Household status in 2026 (脱贫户 / 监测对象 / 一般) beside the historical poverty flag.

`registered_poor` records the 2014–2020 registration (建档立卡) and stays for history.
Since 2021 a household is a 脱贫户 (registered poor, now out of poverty), a 监测对象
(under 防止返贫动态监测: a 脱贫不稳定户 among the former poor, or an 边缘易致贫户 /
突发严重困难户 among the others) or 一般. The monitored shares are illustrative round
figures, not official statistics.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MONITORED_SHARE_FORMER_POOR = 0.12  # 脱贫不稳定户
MONITORED_SHARE_OTHERS = 0.03  # 边缘易致贫户 and 突发严重困难户


def household_statuses(
    rng: np.random.Generator, registered_poor: npt.NDArray[np.int64]
) -> list[str]:
    """One status per household, consistent with its registered-poor flag."""
    poor = np.asarray(registered_poor) == 1
    share = np.where(poor, MONITORED_SHARE_FORMER_POOR, MONITORED_SHARE_OTHERS)
    monitored = rng.random(poor.size) < share
    status = np.where(monitored, "监测对象", np.where(poor, "脱贫户", "一般"))
    return [str(s) for s in status]
