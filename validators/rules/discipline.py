"""Sanction bar periods (shared by rules, templates and cells)."""

from __future__ import annotations

import calendar
import datetime as dt

KIND_KEYS = {"党纪": "party", "政务": "gov", "处分": "unit"}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month addition clamped to the month end (2023-08-31 + 6 months = 2024-02-29)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def bar_months(policy, kind: str | None, type: str) -> int | None:
    """Months a sanction of ``type`` (and ``kind``: 党纪/政务/处分, or None to look it up) bars an application."""
    kinds = [KIND_KEYS[kind]] if kind in KIND_KEYS else list(KIND_KEYS.values())
    for k in kinds:
        months = policy.get(f"discipline.{k}", {}, dict).get(type)
        if months is not None:
            return int(months)
    return None


def bar_end(policy, kind: str | None, type: str, date: dt.date) -> dt.date | None:
    months = bar_months(policy, kind, type)
    return None if months is None else add_months(date, months)
