"""Continuing-education hours: the requirement for a year under a policy (shared by rules, templates and cells),
the yearly minimum rules (HRS…) and the hours consistency rules (CON001, CON002).

A policy's ``[[hours.table]]`` entries give the minima by year; :func:`required_hours` is the one place that reads
them.  Rows give hours two ways: wide year columns on rosters (``ce_hours@2022``, optionally ``ce_prof_hours@2022``
and ``ce_public_hours@2022``) and the long registration (``ce_year`` with ``ce_total_hours``, ``ce_prof_hours``,
``ce_public_hours``); :func:`year_entries` turns both into the same records.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from ..fields import field_year
from ..findings import Hit, rule
from ..normalize import fmt_number
from .career import narrow

LEVEL_ORDER = ("员级", "助理级", "中级", "副高级", "正高级")
LEVEL_BELOW = {"正高级": "副高级", "副高级": "中级", "中级": "助理级", "助理级": "员级", "初级": "员级", "员级": "员级"}
JUNIOR = ("员级", "助理级")  # 初级


@dataclass(frozen=True)
class HoursRequirement:
    total: float
    prof: float | None
    public: float | None
    prof_is_warning: bool
    clause: str
    severity: str = "error"  # "warning" where the notice leaves the number open (e.g. 镇江 before 2023)
    applies: bool = True  # False: the policy has no requirement for this year (total is 0)


def _entry(policy, year: int) -> dict | None:
    for e in policy.get("hours.table", [], list):
        if e.get("from", -math.inf) <= year <= e.get("to", math.inf):
            return e
    return None


def _level_total(entry: dict, level: str | None) -> float:
    by_level = entry.get("by_level")
    if not by_level:
        return float(entry["total"])
    for lv in (level, "初级" if level in JUNIOR else None):
        if lv is not None and lv in by_level:
            return float(by_level[lv])
    # unknown level: the entry's own total if it has one, else the most lenient level (a rule warns on the rest)
    return float(entry.get("total", min(by_level.values())))


def required_hours(policy, year: int, level: str | None = None, grassroots: bool = False,
                   private: bool = False) -> HoursRequirement:
    """The hours a person must have for ``year`` under ``policy``.

    ``level`` is the title level the person held in that year (员级/助理级/初级/中级/副高级/正高级) where the
    policy's minimum depends on it; None gives the most lenient level.  ``grassroots``/``private``: the person works
    in a grassroots unit / a private-sector organisation (凯里: 45 from 2021).  A year the policy has no entry for
    gives ``applies=False`` and ``total=0``.
    """
    clause = str(policy.get("hours.clause", ""))
    e = _entry(policy, int(year))
    if e is None:
        return HoursRequirement(0.0, None, None, True, clause, "error", False)
    total = _level_total(e, level)
    for flag, key in ((grassroots, "grassroots"), (private, "private")):
        if flag and key in e:
            total = min(total, float(e[key]))
    prof = None
    if "prof" in e:
        prof = float(e["prof"])
    elif "prof_share" in e:
        num, den = e["prof_share"]
        prof = total * num / den
    public = float(e["public"]) if "public" in e else None
    return HoursRequirement(total, prof, public, bool(e.get("prof_is_warning", False)), str(e.get("clause", clause)),
                            str(e.get("severity", "error")))


def level_candidates(policy, year: int) -> list[str | None]:
    """The levels whose minimum may differ in ``year`` ([None] when the minimum does not depend on the level)."""
    e = _entry(policy, int(year))
    return list(e["by_level"]) if e and e.get("by_level") else [None]


# ---------------------------------------------------------------------------------------------------------------
# Reading hours from rows
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class YearHours:
    """Hours one row gives for one year, with the field each number came from (for the finding's cell)."""

    index: object
    year: int
    total: float | None
    prof: float | None
    public: float | None
    total_field: str | None
    prof_field: str | None
    public_field: str | None
    total_given: bool  # False when the total is the sum of 公需 and 专业


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


class Columns:
    """A frame's columns as plain lists (one conversion, then cheap access by position)."""

    def __init__(self, df: pd.DataFrame):
        self.index = list(df.index)
        self._df = df
        self._cols: dict[str | None, list | None] = {None: None}

    def get(self, c: str | None, i: int):
        try:
            col = self._cols[c]
        except KeyError:
            col = self._cols[c] = self._df[c].tolist() if c in self._df else None
        return None if col is None else col[i]


def _groups(df: pd.DataFrame) -> list[tuple[int | None, str | None, str, str, str | None]]:
    """(year, total, 专业, 公需, 行业公需 columns) of each group of hours columns: the long form (year None: in
    ``ce_year``) first, then the wide year columns."""
    out: list = []
    if "ce_year" in df:
        tcol = "ce_total_hours" if "ce_total_hours" in df else "ce_hours" if "ce_hours" in df else None
        out.append((None, tcol, "ce_prof_hours", "ce_public_hours", "ce_public_industry_hours"))
    years = sorted({field_year(c) for c in df.columns if field_year(c) is not None
                    and c.split("@")[0] in ("ce_hours", "ce_prof_hours", "ce_public_hours")})
    out.extend((y, f"ce_hours@{y}", f"ce_prof_hours@{y}", f"ce_public_hours@{y}", None) for y in years)
    return out


def year_entries(df: pd.DataFrame, cols: Columns | None = None) -> Iterator[tuple[int, YearHours]]:
    """Every (row position, hours of one year) with hours, from the long form (``ce_year``) and the wide year
    columns."""
    cols = cols or Columns(df)
    for year, *names in _groups(df):
        for i in range(len(cols.index)):
            if year is None:
                y = _num(cols.get("ce_year", i))
                if y is None or not y.is_integer() or not 1990 <= y <= 2100:
                    continue
                yield i, _record(cols, i, int(y), *names)
            else:
                yield i, _record(cols, i, year, *names)


def _numbers(df: pd.DataFrame, col: str | None) -> np.ndarray:
    """A column as floats (NaN for missing or not a number)."""
    if col is None or col not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def _record(cols: Columns, i: int, year, tcol, pcol, ucol, icol=None) -> YearHours:
    total, prof, public, industry = (_num(cols.get(c, i)) for c in (tcol, pcol, ucol, icol))
    if industry is not None:  # 行业公需 + 一般公需
        public, ucol = (public or 0.0) + industry, (ucol if public is not None else icol)
    given = total is not None
    if total is None and prof is not None and public is not None:
        total = prof + public
    return YearHours(cols.index[i], year, total, prof, public,
                     tcol if given else (pcol if prof is not None else None),
                     pcol if prof is not None else None, ucol if public is not None else None, given)


def years_to_check(policy, as_of) -> tuple[int, int]:
    """(first, last) year checked: the last is the cutoff's year (or the as-of year), never after the as-of year."""
    cutoff = policy.date("cutoff")
    last = min(cutoff.year, as_of.year) if cutoff else as_of.year
    n = int(policy.get("hours.window_years", 0))
    return (last - n + 1 if n > 0 else -10**6), last


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _flag(v) -> bool | None:
    return True if v == "是" else False if v == "否" else None


def exemption(cols: Columns, i: int, grass_re: re.Pattern, priv_re: re.Pattern) -> tuple[bool | None, bool | None]:
    """(grassroots, private) for a row: True/False when the form says, None when it cannot be ruled out."""
    grass = _flag(cols.get("is_grassroots", i))
    priv = _flag(cols.get("is_private", i))
    utype = _text(cols.get("unit_type", i))
    if priv is None and utype:
        priv = True if utype == "民营" else False if utype in ("机关", "事业") else None
    unit = _text(cols.get("unit", i))
    level = _text(cols.get("unit_level", i))
    if grass is None:
        grass = None if grass_re.search(level) or grass_re.search(unit) else False
    if priv is None:
        priv = None if (utype in ("", "企业", "社会组织") and priv_re.search(unit)) or utype == "企业" else False
    return grass, priv


def held_levels(cols: Columns, i: int, year: int) -> list[str] | None:
    """The title level(s) the person may have held in ``year`` (None: unknown)."""
    lv = cols.get("cur_title_level", i)
    if not isinstance(lv, str):
        return None
    got = cols.get("cur_title_date", i)
    if got is None or pd.isna(got):
        return [lv]
    if got.year < year:
        return [lv]
    if got.year > year:
        return [LEVEL_BELOW[lv]]
    return [LEVEL_BELOW[lv], lv]  # obtained during that year


def _cite(policy, clause: str) -> str:
    return policy.cite(clause)


def _checked(df, ctx) -> list[tuple[YearHours, list[HoursRequirement], list[tuple]]]:
    """Each (row, year) inside the window, with the requirements under every plausible reading of the row, for
    the rows that may fall short (:func:`_may_fall_short`: the hours rules report no other row).  Computed once per
    frame and shared by the hours rules (``ctx.memo``, with the frame it was computed for)."""
    got = ctx.memo.get("hours")
    if got is None or got[0] is not df:
        rows = narrow(df, _may_fall_short(df, ctx.policy, ctx.as_of))
        got = ctx.memo["hours"] = (df, list(_compute_checked(rows, ctx.policy, ctx.as_of)))
    return got[1]


def _may_fall_short(df, policy, as_of) -> np.ndarray:
    """Screen: rows with an hours cell below the largest minimum (total, 专业 or 公需) any reading of any year
    checked could require.  A superset of the rows HRS001-003 report: a row whose every cell is at least that
    largest minimum M >= 0 has totals (a cell, or a sum of such cells) and parts of at least M in every year."""
    first, last = years_to_check(policy, as_of)
    years = {y for y, *_ in _groups(df) if y is not None}
    if "ce_year" in df:
        got = _numbers(df, "ce_year")
        years |= {int(y) for y in np.unique(got[np.isfinite(got)]) if y.is_integer() and 1990 <= y <= 2100}
    top = 0.0
    for y in years:
        if not first <= y <= last:
            continue
        for lv in (None, "初级", *LEVEL_ORDER, *level_candidates(policy, y)):
            for g in (False, True):
                for p in (False, True):
                    r = required_hours(policy, y, lv, g, p)
                    if r.applies:
                        top = max(top, r.total, r.prof or 0.0, r.public or 0.0)
    mask = np.zeros(len(df), dtype=bool)
    for _, *names in _groups(df):
        for c in names:
            if c in df:
                mask |= _numbers(df, c) < top
    return mask


def _compute_checked(df, policy, as_of):
    first, last = years_to_check(policy, as_of)
    since = bool(policy.get("hours.since_current_title", True))
    grass_re = re.compile(str(policy.get("hours.grassroots_pattern", "")) or "(?!)")
    priv_re = re.compile(str(policy.get("hours.private_pattern", "")) or "(?!)")
    cols = Columns(df)
    requirements: dict[tuple, HoursRequirement] = {}
    exempt: dict[int, tuple] = {}
    for i, yh in year_entries(df, cols):
        if not first <= yh.year <= last or (yh.total is None and yh.prof is None and yh.public is None):
            continue
        got = cols.get("cur_title_date", i)
        if since and got is not None and pd.notna(got) and got.year > yh.year:
            continue
        levels = level_candidates(policy, yh.year)
        if levels != [None]:
            levels = held_levels(cols, i, yh.year) or levels
        if i not in exempt:  # per row, not per year
            exempt[i] = exemption(cols, i, grass_re, priv_re)
        grass, priv = exempt[i]
        combos = [(lv, g, p) for lv in levels for g in ([grass] if grass is not None else [False, True])
                  for p in ([priv] if priv is not None else [False, True])]
        reqs = []
        for combo in combos:
            key = (yh.year, *combo)
            if key not in requirements:
                requirements[key] = required_hours(policy, yh.year, *combo)
            reqs.append(requirements[key])
        if reqs[0].applies:
            yield yh, reqs, combos


def _why_lower(combo, strict_combo) -> str:
    """What about a row would make the lower minimum apply (for a warning's message)."""
    lv, g, p = combo
    parts = []
    if lv is not None and lv != strict_combo[0]:
        parts.append(f"当年所持职称为{'初级' if lv in (*JUNIOR, '初级') else lv}")
    if g:
        parts.append("在基层工作")
    if p:
        parts.append("在民营经济组织工作")
    return "或".join(parts) or "情况不同"


def _n(x: float) -> str:
    return fmt_number(round(x, 2))


# ---------------------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------------------

ALL = ("applicant_roster", "ce_hours", "review_roster", "sanction_review")


@rule("HRS001", "annual-hours-minimum", "hours", "error",
      "{year}年度继续教育{found}学时，少于要求的{required}学时（{cite}）{note}", kinds=ALL)
def annual_minimum(df, ctx):
    """
    检查内容：表中每个年度（花名册的“2022年继续教育学时”等年度列，学时登记表的“年度”与“合计”）的继续教育学时是否达到政策配置规定的年度最低学时。只检查表上写了的年度，且只查到资历截止年度（无截止日期时为校验基准日所在年度），任现职以前的年度不查。学时要求随年度、当年所持职称级别、是否基层或民营经济组织而不同；表上看不出级别或是否基层、而结论又取决于它时，只给警告。

    依据：专业技术人员继续教育规定（人社部令第25号）第八条：每年累计不少于90学时。凯里2023 四(三)：2019年及以前高、中级72学时、初级32学时，2020年60学时，2021年起90学时（基层和民营经济组织45学时）。温州2019 一(二)2：每年不少于90学时。镇江2024 二(九)：2023年须满90学时，之前年份按原学时（原标准未列明，只作警告）。

    不合格示例：凯里2023 下，凯里市第一人民医院的申报人 2023年继续教育学时 60。

    合格示例：2023年继续教育学时 96；或在乡镇卫生院工作、是否基层填“是”，2023年学时 50（凯里要求45）。

    如何修改：核对继续教育学时登记（审验）记录，按实填写；确实不足的，补足学时后再申报。
    """
    for yh, reqs, combos in _checked(df, ctx):
        if yh.total is None or yh.total_field is None:
            continue
        lo = min(r.total for r in reqs)
        hi = max(r.total for r in reqs)
        if yh.total >= hi:
            continue
        i_hi = next(i for i, r in enumerate(reqs) if r.total == hi)
        strict = reqs[i_hi]
        sev = strict.severity if yh.total < lo else "warning"
        note = ""
        if yh.total >= lo:
            i_lo = next(i for i, r in enumerate(reqs) if r.total == lo)
            note = (f"；如{_why_lower(combos[i_lo], combos[i_hi])}，要求为{_n(lo)}学时，"
                    "表中无法确定，请人工核对")
        elif strict.severity == "warning":
            note = "；该年度的学时标准通知未列明，请人工核对"
        yield Hit(yh.index, yh.total_field, {"year": yh.year, "found": _n(yh.total), "required": _n(hi),
                                              "cite": _cite(ctx.policy, strict.clause), "note": note}, sev)


@rule("HRS002", "professional-hours", "hours", "error",
      "{year}年度专业科目{found}学时，少于要求的{required}学时（{cite}）{note}", kinds=ALL)
def professional_minimum(df, ctx):
    """
    检查内容：每个年度的专业科目学时是否达到要求：温州2019 为固定的60学时（错误）；国家规定和凯里2023 为“一般不少于”年度要求学时的三分之二（90学时时为60，45学时时为30，只作警告）。

    依据：人社部令第25号 第八条“专业科目一般不少于总学时的三分之二”；凯里2023 四(三)“专业科目学时一般不少于总学时的三分之二”；温州2019 一(二)2“其中专业科目不少于60学时”。

    不合格示例：公需40、专业50、合计90（专业不足60）。

    合格示例：公需30、专业60、合计90。

    如何修改：核对学时登记中专业科目的学时；确实不足的，补修专业科目。
    """
    for yh, reqs, _ in _checked(df, ctx):
        if yh.prof is None:
            continue
        mins = [r.prof for r in reqs if r.prof is not None]
        if not mins:
            continue
        lo, hi = min(mins), max(mins)
        found = round(yh.prof, 6)
        if found >= round(hi, 6):
            continue
        strict = next(r for r in reqs if r.prof == hi)
        sev = "warning" if strict.prof_is_warning or strict.severity == "warning" or found >= round(lo, 6) else "error"
        note = "；“一般不少于”，请说明情况" if strict.prof_is_warning else ""
        yield Hit(yh.index, yh.prof_field, {"year": yh.year, "found": _n(yh.prof), "required": _n(hi),
                                             "cite": _cite(ctx.policy, strict.clause), "note": note}, sev)


@rule("HRS003", "public-hours", "hours", "error",
      "{year}年度公需科目{found}学时，少于要求的{required}学时（{cite}）", kinds=ALL)
def public_minimum(df, ctx):
    """
    检查内容：每个年度的公需科目（行业公需与一般公需合计）学时是否达到政策配置的最低学时（温州2019：18学时）。

    依据：温州2019 一(二)2“行业公需和一般公需科目不少于18学时”。国家规定未定公需学时，不检查。

    不合格示例：温州2019 下，公需12、专业80、合计92。

    合格示例：公需20、专业70、合计90。

    如何修改：核对学时登记中公需科目的学时；确实不足的，补修公需科目。
    """
    for yh, reqs, _ in _checked(df, ctx):
        if yh.public is None:
            continue
        mins = [r.public for r in reqs if r.public is not None]
        if not mins or yh.public >= max(mins):
            continue
        strict = next(r for r in reqs if r.public == max(mins))
        sev = "warning" if strict.severity == "warning" or yh.public >= min(mins) else "error"
        yield Hit(yh.index, yh.public_field, {"year": yh.year, "found": _n(yh.public), "required": _n(max(mins)),
                                               "cite": _cite(ctx.policy, strict.clause)}, sev)


@rule("CON001", "hours-sum", "consistency", "error",
      "{year}年度公需{public}学时＋专业{prof}学时＝{sum}学时，与合计{found}学时不符", kinds=ALL)
def hours_sum(df, ctx):
    """
    检查内容：同一年度的公需科目学时与专业科目学时相加是否等于合计学时（学时登记表，或花名册中分列的年度学时）。

    依据：继续教育内容包括公需科目和专业科目（人社部令第25号 第八条；镇江2024 二(九)），合计为二者之和。

    不合格示例：公需30、专业60、合计100。

    合格示例：公需30、专业60、合计90。

    如何修改：按学时登记（审验）记录核对三项数字，改正录错的一项。
    """
    # Screen: rows where some year gives a total, 专业 and 公需 that do not add up (a looser tolerance than below)
    mask = np.zeros(len(df), dtype=bool)
    for _, tcol, pcol, ucol, icol in _groups(df):
        total, prof, public, industry = (_numbers(df, c) for c in (tcol, pcol, ucol, icol))
        parts = prof + np.nan_to_num(public) + np.nan_to_num(industry)
        mask |= (~np.isnan(total) & ~np.isnan(prof) & ~(np.isnan(public) & np.isnan(industry))
                 & ~(np.abs(parts - total) <= 1e-7))
    for _, yh in year_entries(narrow(df, mask)):
        if not yh.total_given or yh.prof is None or yh.public is None:
            continue
        s = yh.prof + yh.public
        if abs(s - yh.total) > 1e-6:
            yield Hit(yh.index, yh.total_field, {"year": yh.year, "public": _n(yh.public), "prof": _n(yh.prof),
                                                  "sum": _n(s), "found": _n(yh.total)})


@rule("CON002", "hours-roster-vs-registration", "consistency", "error",
      "{year}年度继续教育{found}学时，与{other}第{other_row}行登记的合计{registered}学时不一致", scope="run",
      fields=("id_number", "ce_year", "ce_total_hours", "ce_prof_hours", "ce_public_hours", "ce_hours@*"))
def roster_vs_registration(df, ctx):
    """
    检查内容：花名册上某人某年度的继续教育学时，与同一批次（同一工作簿的其他工作表或其他工作簿）继续教育学时登记表中同一身份证号码、同一年度登记的合计学时是否一致。

    依据：花名册学时应以经审核验印的学时登记为准（凯里2023 四(三)“继续教育学时需经……审核验印”）。

    不合格示例：申报人员花名册 2022年继续教育学时 120，学时登记表同人2022年度合计 96（公需32＋专业64）。

    合格示例：两处均为 96。

    如何修改：以审核验印的学时登记表为准，改正花名册中的学时。
    """
    reg = df[(df["kind"] == "ce_hours") & df["id_number"].notna()] if "ce_year" in df else df.iloc[0:0]
    if reg.empty:
        return
    registered: dict[tuple[str, int], list[tuple[float, object]]] = {}
    for _, yh in year_entries(reg):
        if yh.total is not None and "@" not in (yh.total_field or "@"):
            registered.setdefault((reg.at[yh.index, "id_number"], yh.year), []).append((yh.total, yh.index))
    rosters = df[(df["kind"] != "ce_hours") & df["id_number"].notna()]
    wide = [c for c in rosters.columns if c.startswith("ce_hours@")]
    if rosters.empty or not wide:
        return
    for _, yh in year_entries(rosters[["_t", "_row", "id_number", *wide]]):
        if yh.total is None or not yh.total_given:
            continue
        regs = registered.get((rosters.at[yh.index, "id_number"], yh.year))
        if not regs:
            continue
        values = [v for v, _ in regs]
        if any(abs(v - yh.total) < 1e-6 for v in values) or abs(sum(values) - yh.total) < 1e-6:
            continue
        first = regs[0][1]
        ref = ctx.tables[int(df.at[first, "_t"])]
        here = ctx.tables[int(df.at[yh.index, "_t"])]
        other = f"“{ref.sheet}”" if ref.file == here.file else f"“{ref.file}”“{ref.sheet}”"
        yield Hit(yh.index, yh.total_field, {"year": yh.year, "found": _n(yh.total), "other": other,
                                              "other_row": int(df.at[first, "_row"]),
                                              "registered": "、".join(_n(v) for v in values)})
