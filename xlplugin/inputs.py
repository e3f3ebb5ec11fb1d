"""Cell arguments as each xlwings integration delivers them -> plain Python values for the rule code.

Classic xlwings (COM) gives ``datetime`` for date cells, ``None`` for blanks and ``float`` for every number.
Office.js (xlwings Server and xlwings Lite) gives serial numbers for dates, ``""`` or ``0`` for blanks, ``int`` for
whole numbers, 2-D lists for ranges and sometimes ``{"type": ..., "basicValue": ...}`` for formatted numbers and
error cells.  Range arguments are declared ``raw`` (xlwings' own cleaning of a 1000-row range takes seconds under
Office.js) and cleaned here.
Everything here turns those into one shape; the meaning of a value (what a date written as ``2019.06`` is) is left
to :mod:`zhicheng.validators.normalize`, the same code the batch validator uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import os

from zhicheng.validators import policy as _policy
from zhicheng.validators.fields import base_field
from zhicheng.validators.normalize import clean_text, norm_date, norm_enum, norm_number

# The profile used when a formula gives none; a bureau's server can set its own.
POLICY_ENV = "ZHICHENG_POLICY"


class InputError(ValueError):
    """A cell argument that cannot be used; the message is shown in the cell (Chinese, short)."""


def unwrap(v):
    """A single cell from whatever arrived: [[x]] -> x, {"basicValue": x} -> x, JS null -> None."""
    while isinstance(v, (list, tuple)) and len(v) == 1:
        v = v[0]
    if isinstance(v, dict):  # Office.js rich values: a formatted number, an error cell (#N/A …)
        v = None if v.get("type") == "Error" else v.get("basicValue")
    if type(v).__name__ == "JsNull":  # Pyodide >= 0.28 (xlwings Lite)
        return None
    return v


def is_blank(v) -> bool:
    """An empty cell in any integration: None, "", spaces, NaN."""
    v = unwrap(v)
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def optional(v, zero_is_blank: bool = True):
    """None for a blank optional argument (Office.js may pass 0 for an empty referenced cell)."""
    v = unwrap(v)
    if is_blank(v) or (zero_is_blank and not isinstance(v, bool) and isinstance(v, (int, float)) and v == 0):
        return None
    return v


def scalar(v):
    """A cell value as the batch reader would hold it: whole floats stay floats, blanks become None."""
    v = unwrap(v)
    return None if is_blank(v) else v


def cell(v, fld: str):
    """A cell value for field ``fld`` as the batch reader gets it from a file (python-calamine).

    A file gives ``date`` for a date cell and ``float`` for a number; classic xlwings gives ``datetime`` and Office.js
    the serial number, which in a date column :func:`norm_date` reads as a serial date (not 201906 or 2019).
    """
    v = scalar(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time():
        return v.date()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if base_field(fld).type == "date":
            iso, _ = norm_date(v)
            if iso and len(iso) == 10 and len(str(int(v))) != 8:  # a serial, not YYYYMMDD
                return dt.date.fromisoformat(iso)
        return float(v)
    return v


def text(v) -> str | None:
    v = optional(v)
    return None if v is None else clean_text(v)


def date(v, what: str) -> dt.date | None:
    """A date from a datetime, an Excel serial number or text (2019.06, 2019年6月, 20190601 …)."""
    v = optional(v)
    if v is None:
        return None
    iso, _ = norm_date(v)
    if not iso or len(iso) not in (4, 7, 10) or not iso[:4].isdigit():
        raise InputError(f"{what}“{v}”不是可识别的日期")
    if len(iso) == 4:
        raise InputError(f"{what}“{v}”只有年份，请写到月，如 {iso}.06")
    try:
        return dt.date.fromisoformat(iso if len(iso) == 10 else f"{iso}-01")
    except ValueError:
        raise InputError(f"{what}“{v}”不是可识别的日期") from None


def number(v, what: str, blank_ok: bool = True) -> float | None:
    v = scalar(v)
    if v is None:
        if blank_ok:
            return None
        raise InputError(f"请填写{what}")
    canon, _ = norm_number(v)
    try:
        return float(canon)
    except (TypeError, ValueError):
        raise InputError(f"{what}“{v}”不是数字") from None


def year(v, what: str = "年度") -> int:
    y = number(v, what, blank_ok=False)
    if not y.is_integer() or not 1900 <= y <= 2100:
        raise InputError(f"{what}“{unwrap(v)}”不是四位年份")
    return int(y)


def flag(v) -> bool:
    """是/否 style flags: 是, Y, 1, TRUE -> True; blank and anything else -> False."""
    v = optional(v, zero_is_blank=False)
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    return norm_enum(v, "yesno")[0] == "是"


def grid(v) -> list[list]:
    """A range as a list of rows (a single cell or a single row/column becomes 2-D); blanks become None."""
    if isinstance(v, tuple):
        v = list(v)
    if not isinstance(v, list):
        v = [[v]]
    elif v and not isinstance(v[0], (list, tuple)):
        v = [v]  # classic xlwings gives a 1-D list for a single row
    width = max((len(r) for r in v), default=0)
    return [[scalar(c) for c in r] + [None] * (width - len(r)) for r in v]


def row(v) -> list:
    """A single row (or column) of cells, flattened."""
    g = grid(v)
    if len(g) == 1:
        return g[0]
    if all(len(r) == 1 for r in g):
        return [r[0] for r in g]
    raise InputError("应选择一行单元格")


@functools.lru_cache(maxsize=32)
def _load(name: str):
    return _policy.load(name)


def policy(v):
    """The profile named in the cell, else $ZHICHENG_POLICY, else national."""
    name = text(v) or os.environ.get(POLICY_ENV) or "national"
    try:
        return _load(name)
    except _policy.PolicyError as e:
        raise InputError(str(e)) from None


def as_of(v, pol) -> dt.date:
    """The as-of (application) date given in the cell, else the profile's, else today."""
    return pol.as_of(date(v, "校验基准日"))
