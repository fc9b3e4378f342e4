"""Horizontal bar charts drawn on the server as inline SVG (no chart library, no script).

`bar_chart` turns rows of figures into geometry (bars, ticks, labels) that the template
`province/_chart.html` writes out as SVG. A chart is an image with a title and a
description (`role="img"`); the table under it is its text alternative. Bars are
grouped (one bar per series, e.g. coverage of all needs, of deep-poverty villages) or
stacked (parts of one total, e.g. hires from past placements and confirmed hires).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Geometry, in SVG user units (the SVG scales to the width of the page).
WIDTH = 440
BAR = 14
BAR_GAP = 3
GROUP_GAP = 12
TOP = 8
AXIS = 28  # room under the bars for the tick labels
CHAR = 13  # width of one Chinese character at the label font size
VALUE_ROOM = 64  # right of the longest bar, for its value


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str  # the class that colours its bars and legend swatch (app.css)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    series: Series
    text: str  # the value written after the bar ("" when another bar of a stack says it)


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_bottom: float
    series: list[Series]
    groups: list[Group]
    ticks: list[Tick]
    bar_height: int = BAR


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def count(value: float) -> str:
    return f"{value:,.0f}"


def nice_axis(largest: float, ticks: int) -> tuple[float, int]:
    """A readable axis for counts up to `largest`: (its end, how many steps), each step a
    whole 1, 2, 2.5 or 5 × 10ⁿ and at most `ticks` steps."""
    if largest <= 0:
        return 1.0, 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    step = max(1.0, float(math.ceil(step)))
    steps = math.ceil(largest / step)
    return step * steps, steps


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    stacked: bool = False,
    maximum: float | None = None,
    fmt: Callable[[float], str] = percent,
    ticks: int = 4,
) -> BarChart:
    """A chart of `rows` (label, one value per series; None draws no bar).

    Grouped: one bar per series under each label, each with its value. Stacked: the
    series' bars one after the other on one line, the total written after the last.
    The axis runs from 0 to `maximum` (shares: 1) or to a round number above the largest
    bar."""
    longest = max((len(label) for label, _ in rows), default=2)
    plot_left = float(min(max(longest, 2) * CHAR + 12, 200))
    plot_right = float(WIDTH - VALUE_ROOM)
    if maximum is None:
        largest = max(
            (
                sum(v or 0 for v in values) if stacked else max((v or 0 for v in values), default=0)
                for _, values in rows
            ),
            default=0,
        )
        maximum, ticks = nice_axis(largest, ticks)
    scale = (plot_right - plot_left) / maximum
    lines = 1 if stacked else len(series)
    group_height = lines * BAR + (lines - 1) * BAR_GAP
    groups: list[Group] = []
    y = float(TOP)
    for label, values in rows:
        bars: list[Bar] = []
        x = plot_left
        total = sum(v or 0 for v in values)
        for index, (one, value) in enumerate(zip(series, values, strict=True)):
            if value is None:
                continue
            width = max(value, 0) * scale
            if stacked:
                last = index == len(series) - 1
                bars.append(Bar(x, y, width, one, fmt(total) if last else ""))
                x += width
            else:
                bars.append(Bar(plot_left, y + index * (BAR + BAR_GAP), width, one, fmt(value)))
        if stacked and bars and not bars[-1].text:
            last_bar = bars[-1]
            bars[-1] = Bar(last_bar.x, last_bar.y, last_bar.width, last_bar.series, fmt(total))
        groups.append(Group(label, y + group_height / 2, bars))
        y += group_height + GROUP_GAP
    plot_bottom = y - GROUP_GAP + 4
    tick_marks = [
        Tick(plot_left + maximum * i / ticks * scale, fmt(maximum * i / ticks))
        for i in range(ticks + 1)
    ]
    return BarChart(
        id=chart_id,
        title=title,
        desc=desc,
        width=WIDTH,
        height=plot_bottom + AXIS,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_bottom=plot_bottom,
        series=list(series),
        groups=groups,
        ticks=tick_marks,
    )
