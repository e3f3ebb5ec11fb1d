"""Working days on China's official calendar (weekends, public holidays and 调休 make-up days), via chinese-calendar.

Shared by the 公示 rules, the templates and the cell functions.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


class UnknownCalendarYear(ValueError):
    """The calendar package has no holiday arrangement for ``year`` (it is published year by year)."""

    def __init__(self, year: int):
        super().__init__(f"{year}年的法定节假日安排尚未收录，无法按工作日计算")
        self.year = year


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included (0 when ``end`` is before ``start``).

    Raises :class:`UnknownCalendarYear` for a year the calendar does not know.
    """
    if end < start:
        return 0
    for year in range(start.year, end.year + 1):
        if not known_year(year):
            raise UnknownCalendarYear(year)
    return len(chinese_calendar.get_workdays(start, end, include_weekends=True))


def known_year(year: int) -> bool:
    """Does the calendar know the holidays of ``year``?"""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 2))
    except NotImplementedError:
        return False
    return True


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` (both included): a fallback that ignores holidays."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    return full * 5 + sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)
