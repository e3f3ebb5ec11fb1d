"""Years in the current title (shared by rules, templates and cells)."""

from __future__ import annotations

import datetime as dt

# 人社部发〔2019〕16号 (engineering defaults, national.md): target level -> education -> years in the lower title
DEFAULT_YEARS = {
    "中级": {"博士研究生": 0, "硕士研究生": 2, "大学本科": 4, "大学专科": 4},
    "副高级": {"博士研究生": 2, "硕士研究生": 5, "大学本科": 5},
    "正高级": {None: 5},
}


def years_held(start: dt.date, cutoff: dt.date) -> float:
    """Whole months from ``start`` to ``cutoff``, in years."""
    months = (cutoff.year - start.year) * 12 + (cutoff.month - start.month) - (cutoff.day < start.day)
    return months / 12


def required_years(policy, series: str | None, target_level: str, edu_level: str | None) -> float | None:
    table = DEFAULT_YEARS.get(target_level, {})
    years = table.get(edu_level, table.get(None))
    return None if years is None else float(years)
