"""The policy numbers a template's formulas use, taken from the profile through the rule interfaces.

Nothing here knows a number of its own: hours come from ``rules.hours.required_hours``, sanction bars from
``rules.discipline.bar_months``, seniority from ``rules.seniority.required_years``, dates from the profile.
The builder writes these tables into the 填表说明 sheet, where the check formulas look them up by defined name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhicheng.validators.fields import ENUMS
from zhicheng.validators.policy import Policy
from zhicheng.validators.rules.discipline import KIND_KEYS, bar_months
from zhicheng.validators.rules.hours import required_hours
from zhicheng.validators.rules.seniority import required_years

NO_REQUIREMENT = "无"  # no requirement (a formula reading an empty cell would see 0)


@dataclass
class Params:
    policy: Policy
    as_of: dt.date | None  # None: the profile names no date, the template uses TODAY() like the validator does
    cutoff: dt.date | None  # None: seniority counts to the as-of date
    hours: list[tuple[str, int, str, str, float, float | str]] = field(default_factory=list)
    # (key, year, 基层 是/否, 民营 是/否, total, professional or NO_REQUIREMENT)
    bars: list[tuple[str, str, str, int]] = field(default_factory=list)  # (key, kind, type, months)
    seniority: list[tuple[str, str, str, str, float | str]] = field(default_factory=list)
    # (key, series, target level, education, years or NO_REQUIREMENT)



def hours_key(year: int | str, grassroots: bool, private: bool) -> str:
    return f"{year}|{int(grassroots)}|{int(private)}"


def bar_key(kind: str, type: str) -> str:
    return f"{kind}|{type}"


def seniority_key(series: str, level: str, edu: str) -> str:
    return f"{series}|{level}|{edu}"


def _num(x):
    return None if x is None else (int(x) if float(x).is_integer() else float(x))


def build_params(policy: Policy, years: list[int]) -> Params:
    """Every number the check formulas need, for ``years`` of continuing education."""
    p = Params(policy, policy.date("as_of"), policy.date("cutoff"))
    for y in years:
        for g in (False, True):
            for v in (False, True):
                req = required_hours(policy, y, grassroots=g, private=v)
                p.hours.append((hours_key(y, g, v), y, "是" if g else "否", "是" if v else "否", _num(req.total),
                                NO_REQUIREMENT if req.prof is None else _num(req.prof)))
    types = ENUMS["sanction_type"].canonical()
    for kind in [*KIND_KEYS, ""]:
        for t in types:
            months = bar_months(policy, kind or None, t)
            if months is not None:
                p.bars.append((bar_key(kind, t), kind or "（未填类别）", t, int(months)))
    levels = ENUMS["level"].canonical()
    edus = [*ENUMS["edu_level"].canonical(), ""]
    default: dict[tuple[str, str], float | None] = {}
    for lvl in levels:
        for edu in edus:
            y = required_years(policy, None, lvl, edu or None)
            default[lvl, edu] = y
            if y is not None:
                p.seniority.append((seniority_key("", lvl, edu), "（各系列）", lvl, edu or "（未填学历）", _num(y)))
    for series in ENUMS["series"].canonical():
        for lvl in levels:
            for edu in edus:
                y = required_years(policy, series, lvl, edu or None)
                if y != default[lvl, edu]:
                    p.seniority.append((seniority_key(series, lvl, edu), series, lvl, edu or "（未填学历）",
                                        NO_REQUIREMENT if y is None else _num(y)))
    return p
