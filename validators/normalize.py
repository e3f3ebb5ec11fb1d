"""Turn raw cell values into canonical text, keeping the raw value for messages.

Every field type has one normaliser returning ``(canonical, note)``: ``canonical`` is the value the schema checks
(ISO dates ``YYYY``/``YYYY-MM``/``YYYY-MM-DD``, plain numbers, canonical enum values) or the cleaned text when it
cannot be understood (the schema then reports it); ``note`` is a finding code for what is readable but suspicious.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache, partial

from .fields import ENUMS, base_field, squeeze

EMPTY_MARKERS = {"", "无", "/", "-", "—", "——", "－", "暂无", "空", "none", "null", "nan", "n/a", "#n/a", "\\"}

Norm = tuple  # (canonical: str | None, note: str | None)


def clean_text(v) -> str | None:
    if v.__class__ is str:  # (most cells: no type tests)
        t = v
    elif v is None:
        return None
    else:
        if isinstance(v, float):
            if v != v:  # NaN
                return None
            if v.is_integer():
                v = int(v)
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        t = str(v)
    t = t.strip() if t.isascii() else unicodedata.normalize("NFKC", t).replace("\u3000", " ").strip()
    if _RUNS.search(t):
        t = _SPACES.sub(" ", t)
    return t or None


_SPACES = re.compile(r"\s+")
_RUNS = re.compile(r"\s\s|[^\S ]")  # whitespace that is not a single space


_CJK = re.compile(r"^[\u4e00-\u9fff·• ]+$")


def norm_text(v, name: str = "") -> Norm:
    t = clean_text(v)
    if t and name == "name" and " " in t and _CJK.match(t):
        t = t.replace(" ", "")
    return t, None


def norm_id(v) -> Norm:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, None
    if isinstance(v, bool):
        return str(v), None
    if isinstance(v, (int, float)):
        if isinstance(v, float) and v != v:
            return None, None
        return excel_digits(v), "IDN006"
    t = squeeze(v).strip("'‘’`\"")
    if t.lower() in EMPTY_MARKERS:
        return None, None
    note = "IDN008" if t.endswith("x") and t[:-1].isdigit() else None
    return t.upper(), note


def excel_digits(v: int | float) -> str:
    """A number as Excel shows it: at most 15 significant digits (an 18-digit ID ends in 000)."""
    if isinstance(v, int):
        return str(v)
    return str(int(Decimal(f"{v:.15g}")))


def _ymd(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if not 1900 <= y <= 2100:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _century(yy: int) -> int:
    return 2000 + yy if yy <= (dt.date.today().year % 100) else 1900 + yy


EXCEL_EPOCH = dt.date(1899, 12, 30)
_D_FULL = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?|月(?:\s*(\d{1,2})\s*日)?|月份)?$")
_D_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_D_YEAR = re.compile(r"^(\d{4})\s*年?度?$")
_D_SHORT = re.compile(r"^(\d{2})\s*[.\-/]\s*(\d{1,2})$")
_D_YYMM = re.compile(r"^(\d{2})(\d{2})$")
_D_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2})?$")


def norm_date(v) -> Norm:
    """Dates as people write them; the precision of what was written is kept (year, month or day)."""
    if v is None:
        return None, None
    if isinstance(v, dt.datetime):
        return v.date().isoformat(), None
    if isinstance(v, dt.date):
        return v.isoformat(), None
    if isinstance(v, bool):
        return str(v), None
    if isinstance(v, (int, float)):
        if isinstance(v, float) and v != v:
            return None, None
        if float(v).is_integer():
            n = int(v)
            s = str(n)
            if len(s) == 8:
                return _ymd(int(s[:4]), int(s[4:6]), int(s[6:])) or s, None
            if len(s) == 6:
                return _ymd(int(s[:4]), int(s[4:])) or s, None
            if len(s) == 4 and 1900 <= n <= 2100:
                return s, None
            if 20000 <= n <= 73000:  # an Excel serial date (1954 .. 2099)
                return (EXCEL_EPOCH + dt.timedelta(days=n)).isoformat(), None
            if len(s) == 4 or len(s) == 3:  # YYMM written as a number, e.g. 6405
                s = s.zfill(4)
                got = _ymd(_century(int(s[:2])), int(s[2:]))
                return (got, "FMT007") if got else (s, None)
            return s, None
        # a decimal number: 2019.06 is June; 2019.1 may be "2019.10" that Excel shortened
        text = repr(float(v))
        whole, _, frac = text.partition(".")
        y = int(whole)
        if 20000 <= y <= 73000:  # a serial date with a time of day
            return (EXCEL_EPOCH + dt.timedelta(days=y)).isoformat(), None
        if len(frac) > 2:
            return text, None
        m = int(frac) if len(frac) == 2 else int(frac)
        if y < 100:  # 65.09
            got = _ymd(_century(y), m)
            return (got, "FMT007") if got else (text, None)
        got = _ymd(y, m)
        if got is None:
            return text, None
        return got, ("FMT002" if len(frac) == 1 and m in (1,) else None)
    t = squeeze(v)
    if not t or t.lower() in EMPTY_MARKERS:
        return None, None
    m = _D_TIME.match(t)
    if m:
        return m.group(1), None
    m = _D_FULL.match(t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        d = m.group(3) or m.group(4)
        return _ymd(y, mo, int(d) if d else None) or t, None
    m = _D_COMPACT.match(t)
    if m:
        return _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None) or t, None
    m = _D_YEAR.match(t)
    if m:
        return _ymd(int(m.group(1))) or t, None
    m = _D_SHORT.match(t) or _D_YYMM.match(t)
    if m:
        got = _ymd(_century(int(m.group(1))), int(m.group(2)))
        return (got, "FMT007") if got else (t, None)
    return t, None


_UNIT = re.compile(r"(学时|小时|课时|个月|月|年度|年|分|h|个)$", re.I)
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def norm_number(v) -> Norm:
    if v is None or isinstance(v, bool):
        return (None if v is None else str(v)), None
    if isinstance(v, (int, float)):
        if isinstance(v, float) and v != v:
            return None, None
        return fmt_number(v), None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat(), None
    t = squeeze(v).replace(",", "")
    if t.lower() in EMPTY_MARKERS:
        return None, None
    t2 = _UNIT.sub("", t)
    if _NUM.match(t2):
        return fmt_number(float(t2)), None
    return t, None


def norm_enum(v, enum: str) -> Norm:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if v is None:
        return None, None
    t = squeeze(v)
    if not t:
        return None, None
    table = ENUMS[enum].lookup()
    hit = table.get(t.lower())
    if hit is None:
        hit = table.get(re.sub(r"[（(][^）)]*[）)]", "", t).lower())
    if hit is None and enum != "yesno" and t.lower() in EMPTY_MARKERS - {"无"}:
        return None, None
    return (hit or t), None


def normalise(fld: str, v) -> Norm:
    """Canonical text for field ``fld`` (year fields included)."""
    return normaliser(fld)(v)


@lru_cache(maxsize=None)
def normaliser(fld: str):
    """The normaliser of field ``fld`` as a function of the raw value (chosen once per field, not per value)."""
    f = base_field(fld)
    if f.type == "date":
        return norm_date
    if f.type == "number":
        return norm_number
    if f.type == "enum":
        return partial(norm_enum, enum=f.enum)
    if f.type == "id":
        return norm_id
    return partial(norm_text, name=f.name)
