"""Procedure: 公示 periods (working days on the official calendar, or calendar days) and the notice's deadlines."""

from __future__ import annotations

import datetime as dt
import re

from ..fields import squeeze
from ..findings import Hit, rule
from ..workdays import UnknownCalendarYear, weekdays, working_days
from .discipline import date_span

ALL = ("applicant_roster", "ce_hours", "review_roster", "sanction_review")


def publicity_days(policy, start: dt.date, end: dt.date) -> int:
    """Days of a 公示 from ``start`` to ``end`` in the policy's unit (raises UnknownCalendarYear for working days)."""
    inclusive = bool(policy.get("procedure.publicity_inclusive", True))
    if policy.get("procedure.publicity_unit", "workdays") == "calendar":
        return (end - start).days + (1 if inclusive else 0)
    n = working_days(start, end)
    return n if inclusive else max(0, n - 1)


def _unit(policy) -> str:
    return "日历日" if policy.get("procedure.publicity_unit", "workdays") == "calendar" else "工作日"


def _cite(policy) -> str:
    return policy.cite(policy.get("procedure.publicity_clause", ""))


_PART = re.compile(r"^(?:(\d{4})[.\-/年])?(?:(\d{1,2})[.\-/月])?(\d{1,2})日?$")
_SEP = re.compile(r"(?:至|到|~|～|—+|－+|–|--)")


def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """A 公示 period written in one cell: "2019.09.23-2019.09.27", "2019年9月23日至27日", "2019-09-23至2019-09-27"."""
    t = squeeze(text)
    parts = _SEP.split(t)
    if len(parts) != 2 and t.count("-") == 1:
        parts = t.split("-")
    if len(parts) != 2:
        m = re.fullmatch(r"(\d{4}[./]\d{1,2}[./]\d{1,2})-(.+)", t) or re.fullmatch(
            r"(\d{4}-\d{1,2}-\d{1,2})-(.+)", t)
        if not m:
            return None
        parts = [m.group(1), m.group(2)]
    a, b = (_PART.match(x.strip()) for x in parts)
    if not a or not b or not a.group(1) or not a.group(2):
        return None
    y, mo = int(a.group(1)), int(a.group(2))
    try:
        start = dt.date(y, mo, int(a.group(3)))
        end = dt.date(int(b.group(1) or y), int(b.group(2) or mo), int(b.group(3)))
    except ValueError:
        return None
    return (start, end) if start <= end else None


def _periods(df, ctx):
    """(row, start, end, field) for every 公示 period written to the day: two date columns, or one text cell.

    A period known only to the month cannot be counted and is left alone.
    """
    if "publicity_start" in df and "publicity_end" in df:
        ok = (df["publicity_start"].notna() & df["publicity_end"].notna() & (df["publicity_start__prec"] == "D")
              & (df["publicity_end__prec"] == "D"))
        for i in df.index[ok]:
            if df.at[i, "publicity_end"] >= df.at[i, "publicity_start"]:
                yield i, df.at[i, "publicity_start"].date(), df.at[i, "publicity_end"].date(), "publicity_end"
    if "publicity_period" in df:
        for i in df.index[df["publicity_period"].notna()]:
            got = parse_period(str(df.at[i, "publicity_period"]))
            if got:
                yield i, got[0], got[1], "publicity_period"


@rule("PRC001", "publicity-too-short", "procedure", "error",
      "公示期{start}至{end}共{found}个{unit}，少于要求的{required}个{unit}（{cite}）", kinds=ALL)
def publicity_too_short(df, ctx):
    """
    检查内容：公示开始日期到结束日期（首尾两天都计入；也可以是一格“公示起止时间”，如 2019.09.23-2019.09.27）的天数是否达到政策配置的最低天数。按工作日计算时使用国家法定节假日和调休安排（chinese-calendar）：周末、法定假日不计，调休上班的周末计入。温州2019 为“一周以上”，按日历日计 7 天。

    依据：镇江2024 五(一)、五(三)“公示时间不少于5个工作日”；赤峰2019 十一(四)3“公示期不少于5个工作日”；温州2019 一(三)“须在申报对象工作单位公示一周以上”；国家规定：职称评审管理暂行规定（人社部令第40号）公示期不少于5个工作日。

    不合格示例：公示期 2019-09-30 至 2019-10-08，跨国庆假期，只有 2 个工作日；温州2019 下 2019-07-01 至 2019-07-05，只有 5 天。

    合格示例：公示期 2019-09-23（周一）至 2019-09-27（周五），5 个工作日；温州 2019-07-01 至 2019-07-09。

    如何修改：重新公示，公示期须达到规定天数；日期录错的，按公示记录改正。
    """
    need = int(ctx.policy.get("procedure.publicity_min", 5))
    for idx, start, end, fld in _periods(df, ctx):
        try:
            n = publicity_days(ctx.policy, start, end)
        except UnknownCalendarYear:
            continue  # PRC002
        if n < need:
            yield Hit(idx, fld, {"start": start.isoformat(), "end": end.isoformat(), "found": n,
                                             "required": need, "unit": _unit(ctx.policy), "cite": _cite(ctx.policy)})


@rule("PRC002", "publicity-calendar-unknown", "procedure", "warning",
      "公示期{start}至{end}涉及{year}年，日历库尚未收录该年的法定节假日和调休安排，无法按工作日核对"
      "（只按周一至周五计为{weekdays}天，要求{required}个工作日），请人工核对", kinds=ALL)
def publicity_calendar_unknown(df, ctx):
    """
    检查内容：公示期要按工作日计算，但所涉年份的法定节假日和调休安排尚未收录（chinese-calendar 按年更新，例如 2031 年），无法准确计算。此时不报错，提示人工核对。

    依据：公示期按工作日计算（镇江2024 五(一)；赤峰2019 十一(四)3；人社部令第40号），工作日以国务院办公厅每年公布的节假日安排为准。

    不合格示例：公示期 2031-01-06 至 2031-01-10。

    合格示例：公示期在日历库已收录的年份内（如 2019-09-23 至 2019-09-27）。

    如何修改：对照国务院办公厅当年的节假日安排人工核对公示天数；升级 chinese-calendar 后可自动计算。
    """
    if ctx.policy.get("procedure.publicity_unit", "workdays") != "workdays":
        return
    need = int(ctx.policy.get("procedure.publicity_min", 5))
    for idx, start, end, fld in _periods(df, ctx):
        try:
            working_days(start, end)
        except UnknownCalendarYear as e:
            yield Hit(idx, fld, {"start": start.isoformat(), "end": end.isoformat(), "year": e.year,
                                             "weekdays": weekdays(start, end), "required": need})


@rule("PRC003", "date-outside-window", "procedure", "warning",
      "{column}“{value}”{relation}{what}{bound_label}{bound}（{cite}）{note}", kinds=ALL)
def date_outside_window(df, ctx):
    """
    检查内容：表中的日期（如继续教育学时审核日期、评审通过时间）是否落在政策配置的申报、审核或评审时间要求之内。只检查与时限同一年份的日期；时限只适用于某些级别的，只查这些级别的行。日期只写到月、无法确定是否超出的不报。

    依据：凯里2023 四(三)：继续教育学时审核登记于2023年8月10日前完成。赤峰2019 十二(二)：中（初）级11月30日前完成评审和公示。镇江2024 三(二)：原则上各专业中级评审在11月底前完成。海门2010 二(五)4：中初级评审于9月30日（乡镇11月30日）前完成。

    不合格示例：凯里2023 下，学时审核日期 2023-08-15。

    合格示例：学时审核日期 2023-08-05。

    如何修改：核对日期是否录错；确已超过时限的，说明原因并报主管部门确认。
    """
    for d in ctx.policy.get("procedure.deadlines", [], list):
        fld = d["field"]
        if fld not in df:
            continue
        lo = dt.date.fromisoformat(str(d["from"])) if "from" in d else None
        hi = dt.date.fromisoformat(str(d["to"])) if "to" in d else None
        year = (hi or lo).year
        levels = d.get("levels")
        cite = ctx.policy.cite(d.get("clause", ""))
        for idx in df.index[df[fld].notna()]:
            if levels and ("apply_level" not in df or df.at[idx, "apply_level"] not in levels):
                continue
            first, last = date_span(df.at[idx, fld], df.at[idx, f"{fld}__prec"])
            if first.year != year or last.year != year:
                continue
            if hi and first > hi:
                params = {"relation": "晚于", "bound_label": "截止日期", "bound": hi.isoformat()}
            elif lo and last < lo:
                params = {"relation": "早于", "bound_label": "开始日期", "bound": lo.isoformat()}
            else:
                continue
            yield Hit(idx, fld, {**params, "what": d.get("what", ""), "cite": cite,
                                 "note": "" if d.get("severity", "warning") == "error" else "，请核对"},
                      d.get("severity", "warning"))
