"""Seniority (资历): years in the current title up to the profile's cutoff, one level at a time, direct routes.

The pure functions at the top (``years_held``, ``required_years``, ``seniority_cutoff``, ``judge_years``) are
what templates and cell functions call; the rules below call the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..fields import ENUMS
from ..findings import Hit, rule
from ..titles import LEVELS, title_series
from .career import (APPLY_LEVEL, CUR_LEVEL, ROUTE, as_text, cite, date_span, fmt_date, fmt_years, has_no_title,
                     is_poge, level_of, mode_of, narrow, per_value, rank, route_state, rows_where, screen_by_values, text, val, yes)

ROSTERS = ("applicant_roster", "review_roster")
EDU_ORDER = ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中及以下")


def years_held(start: dt.date, cutoff: dt.date) -> float:
    """Whole months from ``start`` to ``cutoff``, in years."""
    months = (cutoff.year - start.year) * 12 + (cutoff.month - start.month) - (cutoff.day < start.day)
    return months / 12


def _level_key(level: str) -> str:
    return "助理级" if level == "初级" else level


def required_years(policy, series: str | None, target_level: str, edu_level: str | None) -> float | None:
    """Years the lower title must be held before ``target_level`` (from graduation for the levels in
    ``seniority.from_graduation``), by the profile's table ``seniority.years``: the series' own table when it has
    one for the level, else ``default``.  None when the table has no number for that education (the rule stays
    silent); with ``edu_level`` unknown, only a number that holds for every education is returned."""
    level = _level_key(target_level)
    years = policy.get("seniority.years", {}, dict)
    table = (years.get(series) or {}).get(level) if series else None
    if not isinstance(table, dict):
        table = (years.get("default") or {}).get(level)
    if not isinstance(table, dict) or not table:
        return None
    if edu_level in table:
        return float(table[edu_level])
    if "*" in table:
        return float(table["*"])
    if edu_level is None and len(set(table.values())) == 1:
        return float(next(iter(table.values())))
    return None


def seniority_cutoff(policy, as_of: dt.date) -> dt.date:
    """The date seniority is counted to: the profile's ``cutoff``; without one, the end of the as-of year
    (``seniority.default_cutoff = "year_end"``) or the as-of date (``"as_of"``).  When the check runs for another
    year than the profile's own (``--as-of`` in a different year), the cutoff moves by the same number of years,
    keeping the notice's convention (end of the application year, or of the year before)."""
    cutoff = policy.date("cutoff")
    if cutoff is None:
        year_end = policy.get("seniority.default_cutoff", "year_end", str) == "year_end"
        return dt.date(as_of.year, 12, 31) if year_end else as_of
    own = policy.date("as_of")
    shift = as_of.year - own.year if own else 0
    if shift:
        try:
            return cutoff.replace(year=cutoff.year + shift)
        except ValueError:  # 29 February
            return cutoff.replace(year=cutoff.year + shift, day=28)
    return cutoff


@dataclass(frozen=True)
class Verdict:
    severity: str | None  # "error", "warning" (depends on the unknown day/month), None (enough)
    held: float  # years counted from the first possible day
    note: str


def judge_years(first: dt.date, last: dt.date, prec: str, cutoff: dt.date, required: float) -> Verdict:
    """Enough years from a start date known to the day, month or year (``first``..``last``) to ``cutoff``?"""
    hi, lo = years_held(first, cutoff), years_held(last, cutoff)
    if lo >= required:
        return Verdict(None, hi, "")
    if hi < required:
        return Verdict("error", hi, "")
    unit = "月" if prec == "M" else "年"
    return Verdict("warning", hi, f"（只写到{unit}，按{'当月1日' if prec == 'M' else '当年1月1日'}计算；"
                                  f"结论取决于具体日期，请核实）")


def cutoff_text(cutoff: dt.date) -> str:
    return f"{cutoff:%Y-%m-%d}"


def _normal(df, idx, policy) -> bool:
    return route_state(df, idx, policy) == "normal"


# --------------------------------------------------------------------------------------------------------------
# SEN001 one level at a time
# --------------------------------------------------------------------------------------------------------------


@rule("SEN001", "skip-level", "seniority", "error",
      "现资格为{cur}，申报{target}属于跨级申报：{why}（{clause}）", kinds=ROSTERS)
def skip_level(df, ctx):
    """
    检查内容：申报级别是否正好比现有资格高一级（员级→助理级→中级→副高级→正高级，初级视为助理级）。破格、绿色通道、直接申报、基层直接申报、考核认定、初定、转评等途径不受此限（政策配置 seniority.exempt_modes）。申报级别不高于现有级别的，给出警告。

    依据：《职称评审管理暂行规定》（人社部令第40号）逐级申报；镇江2024 二(一)“申报人应当按照职称层级逐级申报职称评审”；`rules.md` §D SEN-STEPWISE。

    不合格示例：现资格 助理工程师（助理级），拟申报 高级工程师，申报方式为空或“正常申报”。

    合格示例：现资格 工程师，拟申报 高级工程师；或现资格 助理工程师、申报方式“破格”并写明破格条件。

    如何修改：改为申报高一级的资格；确属破格或直接申报的，在“申报方式”或“是否破格”中写明。
    """
    df = screen_by_values(df, ctx, skip_level, (*CUR_LEVEL, *APPLY_LEVEL, *ROUTE))
    clause = cite(ctx.policy, ctx.policy.get("seniority.stepwise_clause", "", str))
    for idx in df.index:
        cur, _ = level_of(df, idx, "cur", ctx)
        target, field = level_of(df, idx, "apply", ctx)
        rc, ra = rank(cur), rank(target)
        state = route_state(df, idx, ctx.policy)
        if rc is None or ra is None or state == "exempt":
            continue
        if ra - rc > 1:
            yield Hit(idx, field, {"cur": cur, "target": target, "clause": clause,
                                   "why": "应逐级申报，未写明破格或其他直接申报途径" if state == "normal" else
                                   f"申报方式“{mode_of(df, idx)}”不是已知的破格或直接申报途径，请核实"},
                      None if state == "normal" else "warning")
        elif ra <= rc and mode_of(df, idx) != "转评":
            yield Hit(idx, field, {"cur": cur, "target": target, "clause": clause,
                                   "why": "申报级别不高于现有级别，请核实申报级别或申报方式（同级转系列应填“转评”）"},
                      "warning")


# --------------------------------------------------------------------------------------------------------------
# SEN002 years in the current title
# --------------------------------------------------------------------------------------------------------------


@rule("SEN002", "years-in-title", "seniority", "error",
      "{basis}{start}，至{cutoff}{held_what}{held}年，少于申报{target}{edu}要求的{required}年（{clause}）{note}",
      kinds=ROSTERS)
def years_in_title(df, ctx):
    """
    检查内容：按正常途径晋升的，任现职年限（从取得现资格时间算到政策配置的资历截止日 `cutoff`）是否达到申报级别的要求；申报助理级的从毕业时间算。年限表按系列、级别、学历配置（`seniority.years`，默认取工程系列：本科/大专 助理级满4年申报中级，硕士2年、博士不要求；硕士/本科 中级满5年、博士2年申报副高级；副高级满5年申报正高级）。只写到年月的日期按当月1日计算，结论取决于具体日期时给警告。凯里配置还要求所学与从事专业不一致的加2年（给警告，因为无法知道第一次晋升时是否已补足）。破格等途径不在此检查。

    依据：人社部发〔2019〕16号（national.md “Default seniority”）；资历截止日：凯里2023 五(四)、温州2019 一(二)1、赤峰2019 十一(三)、镇江2024 二(八)；专业不一致加2年：凯里2023 一(二)2。

    不合格示例：本科，2021年6月取得工程师，申报高级工程师，截止2023-12-31 任现职2.5年，少于5年。

    合格示例：本科，2017年6月取得工程师，截止2023-12-31 任现职6.5年。

    如何修改：核对取得现资格时间；年限确实不够的，待年限够后再申报，或符合破格条件的按破格申报并写明条款。
    """
    policy = ctx.policy
    cutoff = seniority_cutoff(policy, ctx.as_of)
    from_grad = policy.get("seniority.from_graduation", [], list)
    extra = float(policy.get("seniority.mismatch_extra_years", 0, (int, float)))
    extra_exempt = policy.get("seniority.mismatch_exempt_series", [], list)
    df = narrow(df, _may_be_short(df, policy, cutoff, extra))
    for idx in df.index:
        cur, _ = level_of(df, idx, "cur", ctx)
        target, _ = level_of(df, idx, "apply", ctx)
        rc, ra = rank(cur), rank(target)
        if ra is None or not _normal(df, idx, policy):
            continue
        target = LEVELS[ra] if target == "初级" else target
        if target in from_grad:
            if rc is not None and ra - rc != 1 and not has_no_title(df, idx):
                continue
            basis_col, basis = ("grad_date", "毕业时间") if val(df, idx, "grad_date") is not None else (None, "")
            what = "毕业后"
        else:
            if rc is None or ra - rc != 1:
                continue
            basis_col, basis, what = "cur_title_date", "取得现资格时间", "任现职"
        span = date_span(df, idx, basis_col) if basis_col else None
        if span is None:
            continue
        series = text(df, idx, "apply_series") or text(df, idx, "cur_series")
        edu = text(df, idx, "edu_level")
        req = required_years(policy, series, target, edu)
        if req is None or req <= 0:
            continue
        first, last, prec = span
        if first > ctx.as_of:  # a date in the future is FMT008's finding, not a seniority verdict
            continue
        v = judge_years(first, last, prec, cutoff, req)
        params = {"basis": basis, "start": fmt_date(first, prec), "cutoff": cutoff_text(cutoff),
                  "held_what": what, "target": target, "edu": f"（{edu}）" if edu else "",
                  "clause": cite(policy, policy.get("seniority.clause", "", str))}
        late = policy.get("seniority.late_review_years", [], list)
        if v.severity == "error" and basis_col == "cur_title_date" and first.year - 1 in late \
                and years_held(dt.date(first.year - 1, 12, 31), cutoff) >= req:
            v = Verdict("warning", v.held, f"（如系{first.year - 1}年度评审、评委会未能当年完成的，可从{first.year - 1}年"
                                           f"12月31日起算，则年限够，请核实；"
                                           f"{cite(policy, policy.get('seniority.late_review_clause', '', str))}）")
        if v.severity:
            yield Hit(idx, basis_col, {**params, "held": fmt_years(max(v.held, 0)), "required": fmt_years(req),
                                       "note": v.note}, v.severity)
            continue
        if extra and val(df, idx, "major_match") == "否" and series not in extra_exempt:
            v2 = judge_years(first, last, prec, cutoff, req + extra)
            if v2.severity:
                yield Hit(idx, basis_col, {
                    **params, "held": fmt_years(v2.held), "required": fmt_years(req + extra),
                    "clause": cite(policy, policy.get("seniority.mismatch_clause", "", str)),
                    "note": f"（所学专业与从事专业不一致，第一次晋升须增加{fmt_years(extra)}年；"
                            f"如第一次晋升时已补足，可忽略）"}, "warning")


def _may_be_short(df, policy, cutoff: dt.date, extra: float) -> np.ndarray:
    """Screen for SEN002: rows whose 取得现资格时间 or 毕业时间, taken at the last day it can stand for (a day-31
    for dates written to the month: never later than the real last day), is less than ``need`` years before the
    cutoff, ``need`` being the largest number ``required_years`` can give for the row's education (whatever the
    series and level), plus the extra years where 专业是否对口 is 否.  A superset of the rows SEN002 reports."""
    tables = [t for by_level in policy.get("seniority.years", {}, dict).values() if isinstance(by_level, dict)
              for t in by_level.values() if isinstance(t, dict)]

    def most(edu) -> float:
        e = as_text(edu)
        got = [float(t[k]) for t in tables for k in t if k in (e, "*") or e is None]
        return max(got, default=0.0)

    need = per_value(df, "edu_level", most, float)
    if extra > 0:
        need = need + np.where(rows_where(df, "major_match", lambda v: v == "否"), extra, 0.0)
    mask = np.zeros(len(df), dtype=bool)
    for col in ("cur_title_date", "grad_date"):
        if col not in df:
            continue
        d = df[col].dt
        prec = df[f"{col}__prec"].to_numpy(dtype=object) if f"{col}__prec" in df else np.full(len(df), None)
        year, month, day = (x.to_numpy(dtype=float, na_value=np.nan) for x in (d.year, d.month, d.day))
        month = np.where(prec == "Y", 12.0, month)
        day = np.where((prec == "Y") | (prec == "M"), 31.0, day)
        months = (cutoff.year - year) * 12 + (cutoff.month - month) - (cutoff.day < day)
        mask |= months / 12 < need
    return mask


# --------------------------------------------------------------------------------------------------------------
# SEN003 / SEN004 direct routes (基层直接申报, 直接申报, 考核认定 …)
# --------------------------------------------------------------------------------------------------------------


WHO = {"private": "非公有制经济组织（民营）人员", "grassroots": "基层单位人员", None: "", "": ""}


def _route_applies(df, idx, route: dict) -> bool:
    when = route.get("when")
    if when == "private":
        return not (val(df, idx, "is_private") == "否" or text(df, idx, "unit_type") in ("机关", "事业"))
    if when == "grassroots":
        return val(df, idx, "is_grassroots") != "否"
    return True


def _work_years(df, idx, cutoff):
    """(first, last, precision) of the start of professional work, or a number of years already counted."""
    n = val(df, idx, "prof_work_years")
    if n is not None:
        return float(n)
    return date_span(df, idx, "work_start_date") or date_span(df, idx, "grad_date")


def _routes(policy, mode):
    return [r for r in policy.get("seniority.routes", [], list) if isinstance(r, dict) and r.get("mode") == mode]


def _has_routes(df, policy):
    """Screen: rows whose 申报方式 names a direct route (SEN003 and SEN004 look at no other row)."""
    return rows_where(df, "apply_mode", lambda v: bool(as_text(v) and _routes(policy, as_text(v))))


@rule("SEN003", "route-years", "seniority", "error",
      "按“{route}”途径申报{target}，{what}{held}年，少于{edu}要求的{required}年（{clause}）{note}", kinds=ROSTERS)
def route_years(df, ctx):
    """
    检查内容：按政策配置中的直接途径（`seniority.routes`：基层直接申报、非公直接申报、考核认定等）申报的，按学历所需的工作年限是否够。工作年限取“专业工作年限”，没有时从参加工作时间（再没有时从毕业时间）算到资历截止日；考核认定从毕业时间算；在基层工作的，按配置提前（赤峰：提前1年，博士除外）。日期只写到年月且结论取决于具体日期的给警告。

    依据：凯里2023 一(一)2（基层本科4年、专科6年、中专9年可直接申报中级）；赤峰2019 五(三)（苏木乡镇本科2年、专科4年）、六(二)(三)（非公本科5年、专科8年申报中级，本科12年申报高级）、十三（考核认定：专科3年、本科1年认定助理级，硕士2年认定中级，博士直接认定中级，基层提前1年）。

    不合格示例：赤峰配置，大学本科，2018年7月毕业，申报方式“考核认定”，申报助理级，2018年12月31日前工作不满1年。

    合格示例：凯里配置，大学本科，基层工作5年，申报方式“基层直接申报”，申报中级。

    如何修改：核对学历、毕业或参加工作时间；年限不够的，待满后再申报，或按正常途径申报。
    """
    policy = ctx.policy
    df = narrow(df, _has_routes(df, policy))
    cutoff = seniority_cutoff(policy, ctx.as_of)
    for idx in df.index:
        mode = mode_of(df, idx)
        routes = [r for r in _routes(policy, mode) if _route_applies(df, idx, r)] if mode else []
        target, field = level_of(df, idx, "apply", ctx)
        edu = text(df, idx, "edu_level")
        if not routes or target is None or edu is None:
            continue
        route = next((r for r in routes if rank(r.get("target")) == rank(target)), None)
        if route is None or edu not in route.get("years", {}):
            continue
        required = float(route["years"][edu])
        if yes(df, idx, "is_grassroots") and route.get("grassroots_less") and edu != "博士研究生":
            required = max(0.0, required - float(route["grassroots_less"]))
        if required <= 0:
            continue
        if route.get("basis") == "graduation":
            got, what = date_span(df, idx, "grad_date"), "毕业后工作"
        else:
            got, what = _work_years(df, idx, cutoff), "从事专业技术工作"
        if got is None:
            continue
        if isinstance(got, float):
            v = Verdict("error" if got < required else None, got, "")
            where = "prof_work_years"
        else:
            v = judge_years(*got, cutoff, required)
            where = "grad_date" if route.get("basis") == "graduation" or val(df, idx, "work_start_date") is None \
                else "work_start_date"
        if v.severity:
            sev = "warning" if route.get("severity") == "warning" else v.severity
            yield Hit(idx, where, {"route": mode, "target": target, "what": f"至{cutoff_text(cutoff)}{what}",
                                   "held": fmt_years(v.held), "edu": edu, "required": fmt_years(required),
                                   "clause": cite(policy, route.get("clause", "")), "note": v.note}, sev)


@rule("SEN004", "route-not-open", "seniority", "error", "按“{route}”途径申报{target}：{why}（{clause}）",
      kinds=ROSTERS)
def route_not_open(df, ctx):
    """
    检查内容：按直接途径申报的，申报级别和学历是否在该途径的范围内：例如基层直接申报只能申报中级；赤峰非公本科满12年直接申报高级不适用于考评结合的系列；学历不在该途径所列学历中的给警告。

    依据：凯里2023 一(一)2、一(五)；赤峰2019 五(三)、六(二)(三)、十三（政策配置 `seniority.routes`）。

    不合格示例：凯里配置，申报方式“基层直接申报”，申报副高级。

    合格示例：凯里配置，申报方式“基层直接申报”，大学本科，申报中级。

    如何修改：按正常途径逐级申报，或改正申报级别、申报方式。
    """
    policy = ctx.policy
    df = narrow(df, _has_routes(df, policy))
    exam_review = set(policy.get("certificate.exam_review", [], list))
    for idx in df.index:
        mode = mode_of(df, idx)
        all_routes = _routes(policy, mode) if mode else []
        routes = [r for r in all_routes if _route_applies(df, idx, r)]
        target, field = level_of(df, idx, "apply", ctx)
        if all_routes and not routes:
            who = "、".join(dict.fromkeys(WHO[r.get("when")] for r in all_routes))
            col = "is_grassroots" if all_routes[0].get("when") == "grassroots" else (
                "is_private" if "is_private" in df else "unit_type")
            yield Hit(idx, col, {"route": mode, "target": target or "", "why": f"该途径只适用于{who}，请核实",
                                 "clause": "；".join(dict.fromkeys(cite(policy, r.get("clause", "")) for r in all_routes))},
                      "warning")
            continue
        if not routes or target is None:
            continue
        clause = "；".join(dict.fromkeys(cite(policy, r.get("clause", "")) for r in routes))
        top = max(routes, key=lambda r: rank(r.get("target")) or 0)
        route = next((r for r in routes if rank(r.get("target")) == rank(target)), None)
        base = {"route": mode, "target": target, "clause": clause}
        if route is None:
            if (rank(target) or 0) > (rank(top.get("target")) or 0):
                yield Hit(idx, field, {**base, "why": f"该途径最高只能申报{top.get('target')}"})
            continue
        series = text(df, idx, "apply_series")
        if route.get("exclude_exam_review") and series in exam_review:
            yield Hit(idx, field, {**base, "why": f"{series}系列实行考评结合，不适用该途径"})
            continue
        edu = text(df, idx, "edu_level")
        if edu and edu not in route.get("years", {}):
            allowed = "、".join(route.get("years", {}))
            yield Hit(idx, "edu_level" if "edu_level" in df else field,
                      {**base, "why": f"学历“{edu}”不在该途径所列学历（{allowed}）之内，请核实"}, "warning")


# --------------------------------------------------------------------------------------------------------------
# SEN005 high-skill workers into engineering titles
# --------------------------------------------------------------------------------------------------------------


def _skill_key(v) -> str:
    import re
    return re.sub(r"[（(][^）)]*[）)]|职业资格|职业技能等级|证书|\s", "", str(v or ""))


@rule("SEN005", "skill-route", "seniority", "error",
      "技能等级“{skill}”{why}（{clause}）{note}", kinds=ROSTERS, fields=("skill_level",))
def skill_route(df, ctx):
    """
    检查内容：没有职称、凭职业技能等级申报工程系列职称的高技能人才，申报级别是否与技能等级对应，取得技能等级后的年限是否够（赤峰：高级工满2年→助理工程师，技师满3年→工程师，高级技师满4年→高级工程师；政策配置 `seniority.skill`）。已有职称的按正常途径检查，不在此列。

    依据：赤峰2019 八“获得高级工……满2年，可申报评审相应专业助理工程师；获得技师……满3年，可申报评审相应专业工程师；获得高级技师……满4年，可申报评审相应专业高级工程师”。

    不合格示例：技能等级 技师，2017年5月取得，申报高级工程师（技师只能申报工程师）。

    合格示例：技能等级 技师，2015年5月取得，申报工程师（至2018-12-31 满3年）。

    如何修改：按技能等级对应的级别申报，或待年限满后再申报。
    """
    policy = ctx.policy
    table = policy.get("seniority.skill", {}, dict)
    if not table:
        return
    cutoff = seniority_cutoff(policy, ctx.as_of)
    series = table.get("series", "工程")
    clause = cite(policy, table.get("clause", ""))
    for idx in df.index:
        skill = _skill_key(val(df, idx, "skill_level"))
        entry = table.get(skill)
        if not isinstance(entry, dict) or not (has_no_title(df, idx) or val(df, idx, "cur_title") is None):
            continue
        target, field = level_of(df, idx, "apply", ctx)
        a_series = text(df, idx, "apply_series")
        if target is None or (a_series and a_series != series
                              and series not in title_series(text(df, idx, "apply_title"))):
            continue
        if (rank(target) or 0) > (rank(entry["target"]) or 0):
            yield Hit(idx, field, {"skill": skill, "clause": clause, "note": "",
                                   "why": f"只能申报{entry['target']}，不能申报{target}"})
            continue
        span = date_span(df, idx, "skill_cert_date")
        if span is None or rank(target) != rank(entry["target"]):
            continue
        v = judge_years(*span, cutoff, float(entry["years"]))
        if v.severity:
            yield Hit(idx, "skill_cert_date", {
                "skill": skill, "clause": clause, "note": v.note,
                "why": f"取得后至{cutoff_text(cutoff)}满{fmt_years(v.held)}年，申报{target}须满{entry['years']}年"},
                v.severity)


# --------------------------------------------------------------------------------------------------------------
# SEN006 series transfer, SEN007 promotion in another series without a transfer
# --------------------------------------------------------------------------------------------------------------


@rule("SEN006", "transfer", "seniority", "error", "转评（转系列）：{why}（{clause}）{note}", kinds=ROSTERS)
def transfer(df, ctx):
    """
    检查内容：申报方式为“转评”的，是否转同一级别（转评后再晋升高一级），到新岗位工作是否满1年（从“现岗位工作起始时间”算到资历截止日；政策配置 seniority.transfer_years）。

    依据：凯里2023 一(二)2“在新岗位工作满1年且考核合格，可申请转评”；赤峰2019 九(一)“按照‘先转后评’原则，在新工作岗位工作满1年以上……可转评新系列（专业）同等级的职称”。

    不合格示例：现资格 工程师，申报方式“转评”，拟申报 高级经济师；或现岗位工作起始时间 2023.05，截止 2023-12-31 不满1年。

    合格示例：现资格 工程师，2022.03 到新岗位，申报方式“转评”，拟申报 经济师。

    如何修改：先转评同级资格，满1年后再申报高一级；新岗位工作不满1年的，待满后再转评。
    """
    policy = ctx.policy
    cutoff = seniority_cutoff(policy, ctx.as_of)
    need = float(policy.get("seniority.transfer_years", 1, (int, float)))
    clause = cite(policy, policy.get("seniority.transfer_clause", "", str))
    df = narrow(df, rows_where(df, "apply_mode", lambda v: as_text(v) == "转评"))  # screen: 转评 rows only
    for idx in df.index:
        if mode_of(df, idx) != "转评":
            continue
        cur, _ = level_of(df, idx, "cur", ctx)
        target, field = level_of(df, idx, "apply", ctx)
        if rank(cur) is not None and rank(target) is not None and rank(target) > rank(cur):
            yield Hit(idx, field, {"clause": clause, "note": "",
                                   "why": f"只能转评同级资格（现为{cur}），不能同时晋升为{target}；先转后评"})
            continue
        span = date_span(df, idx, "new_post_date")
        if span is None:
            continue
        v = judge_years(*span, cutoff, need)
        if v.severity:
            yield Hit(idx, "new_post_date", {"clause": clause, "note": v.note,
                                             "why": f"到新岗位工作至{cutoff_text(cutoff)}为{fmt_years(v.held)}年，"
                                                    f"不满{fmt_years(need)}年"}, v.severity)


@rule("SEN007", "cross-series-promotion", "seniority", "warning",
      "现资格系列为“{cur}”，申报“{target}”系列高一级资格，未写明已转评：{why}（{clause}）",
      kinds=ROSTERS, fields=("cur_series", "apply_series"))
def cross_series(df, ctx):
    """
    检查内容：按正常途径晋升，但现资格系列与申报系列不同、现资格名称也不属于申报系列的，提示先转评（满1年后再晋升）；未转评而申报上一级的应按破格申报。只给警告：系列写法各地不一，须人工核实。

    依据：凯里2023 一(二)2“对未转评同级职称，要求申报上一级职称的，按破格申报”；赤峰2019 九(一)“先转后评”。

    不合格示例：现资格系列 工程、现资格 工程师，申报系列 经济、拟申报 高级经济师，申报方式“正常申报”。

    合格示例：现资格系列 工程，申报系列 工程；或已转评为经济师后再申报高级经济师。

    如何修改：先转评同级资格；或按破格申报并写明条款。
    """
    df = screen_by_values(df, ctx, cross_series, (*CUR_LEVEL, *APPLY_LEVEL, *ROUTE))
    known = set(ENUMS["series"].canonical())
    clause = cite(ctx.policy, ctx.policy.get("seniority.cross_series_clause", "", str))
    for idx in df.index:
        cur_s, app_s = text(df, idx, "cur_series"), text(df, idx, "apply_series")
        if not (cur_s in known and app_s in known) or cur_s == app_s or not _normal(df, idx, ctx.policy):
            continue
        if app_s in title_series(text(df, idx, "cur_title")):
            continue
        cur, _ = level_of(df, idx, "cur", ctx)
        target, _ = level_of(df, idx, "apply", ctx)
        if rank(cur) is None or rank(target) is None or rank(target) <= rank(cur):
            continue
        yield Hit(idx, "apply_series", {"cur": cur_s, "target": app_s, "clause": clause,
                                        "why": "须先转评同级资格，满1年后再晋升；未转评的应按破格申报"})


# --------------------------------------------------------------------------------------------------------------
# SEN008 破格 rows name their clause
# --------------------------------------------------------------------------------------------------------------


@rule("SEN008", "poge-clause", "seniority", "error", "破格申报，但{why}（{clause}）", kinds=ROSTERS)
def poge_clause(df, ctx):
    """
    检查内容：政策要求破格申报写明破格条件条款的（温州配置 seniority.poge_clause_required），破格申报的行“破格条件”是否填写。表中没有“破格条件”列的给警告。

    依据：温州2019 一(四)3“汇总后一律填报《评审对象资格审查花名册》，其中破格晋升的申报对象要明确写明对应的破格条件条款”。

    不合格示例：是否破格“√”，破格条件为空。

    合格示例：是否破格“是”，破格条件“符合浙江省工程系列高级工程师破格条件第三条第（二）款”。

    如何修改：在“破格条件”列写明所依据的破格条件条款。
    """
    policy = ctx.policy
    if not policy.get("seniority.poge_clause_required", False, bool):
        return
    clause = cite(policy, policy.get("seniority.poge_clause", "", str))
    for idx in df.index:
        if not is_poge(df, idx):
            continue
        if "poge_clause" not in df:
            yield Hit(idx, "is_poge", {"clause": clause, "why": "表中没有“破格条件”列，无法核实破格条件条款"},
                      "warning")
        elif text(df, idx, "poge_clause") in (None, "无"):
            yield Hit(idx, "poge_clause", {"clause": clause, "why": "未写明对应的破格条件条款"})
