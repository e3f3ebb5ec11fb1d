"""Row helpers shared by the seniority, certificate, eligibility and title-name rules (no rules here).

A row's current and applied-for level come from the level column when there is one, else from the title name
(``validators.titles``); the route (破格, 直接申报 …) from 申报方式 and 是否破格.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os

import numpy as np
import pandas as pd

from ..fields import squeeze
from ..idcard import PlainIds, plain_ids
from ..titles import is_no_title, level_ranks, title_level


# {id(frame): (frame, {column: {index: value}})} for the few frames in use: cell look-ups without the per-cell
# cost of pandas.  The frame itself is kept beside its id so a recycled id is never mistaken for it.  Frames
# narrowed by a screen are kept apart (_NARROWED), so that they do not push out the frames they came from.
_CACHE: dict[int, tuple] = {}
_NARROWED: dict[int, tuple] = {}


def column(df: pd.DataFrame, col: str) -> dict:
    """{index: value} of one column (empty when missing), built once per frame."""
    entry = _NARROWED.get(id(df)) or _CACHE.get(id(df))
    if entry is None or entry[0] is not df:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        entry = _CACHE[id(df)] = (df, {})
    cols = entry[1]
    if col not in cols:
        cols[col] = dict(zip(df.index, df[col].tolist())) if col in df else {}
    return cols[col]


# --------------------------------------------------------------------------------------------------------------
# Screens: a costly rule first narrows its frame, with column operations, to the rows that MAY give a finding (a
# superset of them), then runs its exact per-row logic on those rows only.  Setting ZHICHENG_RULE_SCREENS=0 (or
# SCREENS = False) runs the exact logic on every row; tests compare the two.
# --------------------------------------------------------------------------------------------------------------

SCREENS = os.environ.get("ZHICHENG_RULE_SCREENS", "1") != "0"


def narrow(df: pd.DataFrame, mask) -> pd.DataFrame:
    """The rows of ``df`` where ``mask`` (booleans, one per row) is True, index labels kept; all of ``df`` when
    screens are off."""
    if not SCREENS:
        return df
    mask = np.asarray(mask, dtype=bool)
    if mask.all():
        return df
    sub = df[mask]
    if len(_NARROWED) >= 8:
        _NARROWED.pop(next(iter(_NARROWED)))
    _NARROWED[id(sub)] = (sub, {})
    return sub


def _codes(df: pd.DataFrame, ctx, col: str) -> tuple[np.ndarray, int]:
    """(code per row, number of codes) of a column's values, 0 for missing; ``_raw_*`` columns come from
    ``ctx.frame``.  Kept in ``ctx.memo`` for the frame."""
    key = ("\0codes", col)
    got = ctx.memo.get(key)
    if got is not None and got[0] is df:
        return got[1]
    src = ctx.frame if col.startswith("_raw_") else df
    if src is None or col not in src:
        out = np.zeros(len(df), dtype=np.int64), 1
    else:
        s = src[col]
        if src is not df and not s.index.equals(df.index):
            s = s.reindex(df.index)
        codes, uniques = pd.factorize(s)
        out = codes.astype(np.int64) + 1, len(uniques) + 1
    ctx.memo[key] = (df, out)
    return out


_SAMPLES: set[int] = set()  # frames of one row per distinct tuple, being run through a rule by screen_by_values


def screen_by_values(df: pd.DataFrame, ctx, rule_func, cols: tuple[str, ...]) -> pd.DataFrame:
    """``df`` narrowed to the rows whose values in ``cols`` are those of some row ``rule_func`` reports.

    For a rule whose verdict on a row depends only on that row's values in ``cols`` (``_raw_*``: the raw cell in
    ``ctx.frame``): the rule runs once on one row per distinct tuple of values, then only on the rows sharing a
    tuple with a reported row.  A superset of the rows it reports, for any rule whose verdict reads no other
    column.  The rule calls this first thing; on the sample itself it returns the sample."""
    if not SCREENS or id(df) in _SAMPLES or len(df) < 2:
        return df
    key = np.zeros(len(df), dtype=np.int64)
    bound = 1
    for col in cols:
        codes, n = _codes(df, ctx, col)
        if bound * n >= 1 << 62:
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
            bound = int(key.max()) + 1
        key = key * n + codes
        bound *= n
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    if len(first) == len(df):
        return df
    one = np.zeros(len(df), dtype=bool)
    one[first] = True
    sample = narrow(df, one)
    _SAMPLES.add(id(sample))
    try:
        reported = {h.index for h in rule_func(sample, ctx)}
    finally:
        _SAMPLES.discard(id(sample))
    hit = np.array([df.index[p] in reported for p in first], dtype=bool)
    return narrow(df, hit[group.ravel()])


def id_screen(df: pd.DataFrame, ctx) -> PlainIds:
    """The frame's IDs read column-wise (once per frame, ``ctx.memo``): screens let through the IDs that are not
    plain (parse_id finds something wrong with them, or they are not 18 ASCII characters) and the plain ones whose
    birth date or sex may give a finding."""
    got = ctx.memo.get("ids")
    if got is None or got[0] is not df:
        got = ctx.memo["ids"] = (df, plain_ids(df["id_number"].tolist()))
    return got[1]


def per_value(df: pd.DataFrame, col: str, func, dtype=object) -> np.ndarray:
    """``func(value)`` for every row's value of ``col`` (None when missing), computed once per distinct value."""
    if col not in df:
        return np.full(len(df), func(None), dtype=dtype)
    codes, uniques = pd.factorize(df[col])
    got = np.array([func(None), *(func(u) for u in uniques)], dtype=dtype)
    return got[codes + 1]


def rows_where(df: pd.DataFrame, col: str, pred) -> np.ndarray:
    """``pred(value)`` for every row's value of ``col`` (None when missing), computed once per distinct value."""
    return per_value(df, col, lambda v: bool(pred(v)), bool)


# The columns the verdicts below read, for screen_by_values: a title's level (level_of), the route (route_state).
CUR_LEVEL = ("cur_title_level", "cur_title", "cur_series", "_raw_cur_title_level")
APPLY_LEVEL = ("apply_level", "apply_title", "apply_series", "_raw_apply_level")
ROUTE = ("apply_mode", "is_poge")


def val(df: pd.DataFrame, idx, col: str):
    """A typed cell, None when the column is missing or the cell empty."""
    v = column(df, col).get(idx)
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return v


def text(df, idx, col) -> str | None:
    return as_text(val(df, idx, col))


def as_text(v) -> str | None:
    """A cell as text(): stripped, None when empty."""
    return str(v).strip() or None if v is not None else None


# Level words that stand for more than one level: "高级职称" covers 副高级 and 正高级.
BROAD = {"高级": ("副高级", "正高级"), "高级职称": ("副高级", "正高级"), "初级": ("员级", "助理级"),
         "初级职称": ("员级", "助理级")}


def stated_levels(df, idx, level_col: str, ctx=None) -> tuple[str, ...]:
    """The levels a level cell can stand for, from what was written ("高级" -> 副高级 or 正高级)."""
    lv = text(df, idx, level_col)
    if not lv or not level_ranks(lv):
        return ()
    if lv not in BROAD and lv != "副高级":  # only 副高级 may have been written as the broad 高级
        return (lv,)
    raw = lv
    if ctx is not None and ctx.frame is not None:
        got = val(ctx.frame, idx, f"_raw_{level_col}")
        raw = squeeze(got) if got is not None else lv
    return BROAD.get(raw) or BROAD.get(lv) or (lv,)


def level_of(df, idx, side: str, ctx=None) -> tuple[str | None, str | None]:
    """(level, field it came from) of the current (side='cur') or applied-for (side='apply') title: the level
    column, made precise by the title name when the column says only 高级 or 初级; else the title name's level.
    Computed once per row and side (several rules ask)."""
    memo = column(df, f"\0level_of:{side}:{ctx is not None}")
    if idx not in memo:
        memo[idx] = _level_of(df, idx, side, ctx)
    return memo[idx]


def _level_of(df, idx, side: str, ctx=None) -> tuple[str | None, str | None]:
    level_col, title_col, series_col = (("cur_title_level", "cur_title", "cur_series") if side == "cur"
                                        else ("apply_level", "apply_title", "apply_series"))
    name = text(df, idx, title_col)
    found = title_level(name, text(df, idx, series_col)) if name else None
    stated = stated_levels(df, idx, level_col, ctx)
    if stated:
        if len(stated) > 1 and found in stated:
            return found, title_col
        return text(df, idx, level_col), level_col
    if found:
        return found, title_col
    return None, None


def rank(level: str | None) -> int | None:
    """One rank for a level; 初级 counts as 助理级 (the higher, so a step from 初级 to 中级 is one step)."""
    ranks = level_ranks(level)
    return max(ranks) if ranks else None


def has_no_title(df, idx) -> bool:
    return is_no_title(val(df, idx, "cur_title")) and not text(df, idx, "cur_title_level")


def mode_of(df, idx) -> str | None:
    return text(df, idx, "apply_mode")


def is_poge(df, idx) -> bool:
    return val(df, idx, "is_poge") == "是" or mode_of(df, idx) == "破格"


def route_state(df, idx, policy) -> str:
    """'normal' (empty or 正常申报), 'exempt' (破格 or a mode in seniority.exempt_modes) or 'unknown' (a mode the
    profile does not know: rules that would report an error report a warning instead)."""
    mode = mode_of(df, idx)
    if is_poge(df, idx) or (mode and mode in policy.get("seniority.exempt_modes", [], list)):
        return "exempt"
    return "normal" if mode in (None, "正常申报") else "unknown"


def yes(df, idx, col) -> bool:
    return val(df, idx, col) == "是"


# --------------------------------------------------------------------------------------------------------------
# Dates written to the year or month: the earliest and latest day they can stand for
# --------------------------------------------------------------------------------------------------------------


def date_span(df, idx, col) -> tuple[dt.date, dt.date, str] | None:
    """(first possible day, last possible day, precision) of a date cell; None when empty or unparsed."""
    ts = val(df, idx, col)
    if ts is None:
        return None
    prec = val(df, idx, f"{col}__prec") or "D"
    d = ts.date() if hasattr(ts, "date") else ts
    if prec == "Y":
        return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31), prec
    if prec == "M":
        return dt.date(d.year, d.month, 1), dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1]), prec
    return d, d, prec


def fmt_years(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def fmt_date(d: dt.date, prec: str = "D") -> str:
    return f"{d.year}年" if prec == "Y" else f"{d.year}年{d.month}月" if prec == "M" else f"{d:%Y-%m-%d}"


def cite(policy, clause: str) -> str:
    """「凯里2023 一(一)2」: the profile's short name before a clause unless the clause already names a notice."""
    clause = (clause or "").strip()
    short = policy.short
    if not clause:
        return short
    if clause.startswith(short) or any(clause.startswith(p) for p in ("凯里", "温州", "赤峰", "镇江", "海门", "国家")):
        return clause
    return f"{short} {clause}"
