"""GB 11643-1999 citizen ID numbers (also used by 港澳台居民居住证): pure functions, shared by rules and cell functions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

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


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def make_id(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """A valid 18-character ID (for tests and examples)."""
    body = f"{region}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + check_char(body)
