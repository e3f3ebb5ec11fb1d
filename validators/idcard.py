"""GB 11643-1999 citizen ID numbers (also used by 港澳台居民居住证): pure functions, shared by rules and cell functions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


def check_char(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


@dataclass
class IdInfo:
    """What an ID number says, and what is wrong with it: ``problems`` holds (code, params) pairs."""

    number: str
    birth: dt.date | None = None
    sex: str | None = None
    problems: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@lru_cache(maxsize=1 << 16)
def parse_id(number: str) -> IdInfo:
    """(Cached: treat the result as read-only.) Check format, check character and embedded birth date of a canonical (upper-case, no spaces) ID."""
    info = IdInfo(number)
    if _ID15.match(number):
        info.problems.append(("IDN007", {}))
        birth = "19" + number[6:12]
        sex_digit = number[14]
    elif _ID18.match(number):
        expected = check_char(number[:17])
        if number[17] != expected:
            info.problems.append(("IDN002", {"expected": expected, "found": number[17]}))
        birth = number[6:14]
        sex_digit = number[16]
    else:
        info.problems.append(("IDN001", {"length": len(number)}))
        return info
    try:
        info.birth = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        info.problems.append(("IDN003", {"birth": birth, "why": "不是有效日期"}))
    info.sex = "男" if int(sex_digit) % 2 else "女"
    return info


@dataclass
class PlainIds:
    """Column-wise reading of many IDs (for the rules' screens): ``plain`` marks the strings of 18 ASCII digits
    (or a final X) whose check character and birth date are right, i.e. those parse_id finds nothing wrong with; for
    them ``year``, ``month``, ``day`` and ``male`` are what parse_id gives (0 elsewhere)."""

    is_str: np.ndarray
    plain: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    male: np.ndarray


_DIGITS18 = re.compile(r"[0-9]{17}[0-9X]")


def plain_ids(values) -> PlainIds:
    values = list(values)
    n = len(values)
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=n)
    shape = np.fromiter((isinstance(v, str) and len(v) == 18 and _DIGITS18.fullmatch(v) is not None for v in values),
                        dtype=bool, count=n)
    raw = np.frombuffer("".join(v for v, ok in zip(values, shape) if ok).encode("ascii"), dtype=np.uint8)
    raw = raw.reshape(-1, 18).astype(np.int64)
    digits = raw - 48
    check = np.frombuffer(CHECK.encode("ascii"), dtype=np.uint8)[(digits[:, :17] @ np.array(WEIGHTS)) % 11]
    y = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    m = digits[:, 10:12] @ np.array([10, 1])
    d = digits[:, 12:14] @ np.array([10, 1])
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)] + ((m == 2) & leap)
    good = (check == raw[:, 17]) & (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= month_days)
    out = [np.zeros(n, dtype=np.int64) for _ in range(4)]
    for arr, got in zip(out, (y, m, d, digits[:, 16] % 2)):
        arr[shape] = got
    plain = np.zeros(n, dtype=bool)
    plain[shape] = good
    return PlainIds(is_str, plain, out[0], out[1], out[2], out[3].astype(bool))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def make_id(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """A valid 18-character ID (for tests and examples)."""
    body = f"{region}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + check_char(body)
