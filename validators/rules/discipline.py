"""Sanction bar periods (shared by rules, templates and cells), and the discipline rules (DSC…, CON003).

A bar runs from the sanction (or determination) date for N calendar months, clamped to the month end; the person
is barred while the check date is before the end.  A date known only to the month (or year) is computed from the
first day; when the verdict depends on the unknown day the finding is a warning and says so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd

from ..findings import Hit, rule
from ..normalize import norm_date

KIND_KEYS = {"党纪": "party", "政务": "gov", "处分": "unit"}
KIND_CN = {"party": "党纪", "gov": "政务", "unit": "事业单位"}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month addition clamped to the month end (2023-08-31 + 6 months = 2024-02-29)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _bar(policy, key: str, type: str) -> tuple[int, str] | None:
    v = policy.get(f"discipline.{key}", {}, dict).get(type)
    if v is None:
        return None
    if isinstance(v, dict):
        return int(v["months"]), str(v.get("severity", "error"))
    return int(v), "error"


def _kind_keys(kind: str | None) -> list[str]:
    if kind in KIND_KEYS:
        return [KIND_KEYS[kind]]
    if kind in KIND_KEYS.values():
        return [kind]
    return list(KIND_KEYS.values())


def bar_months(policy, kind: str | None, type: str) -> int | None:
    """Months a sanction of ``type`` (and ``kind``: 党纪/政务/处分, or None to look it up) bars an application.

    With ``kind`` None the first table holding ``type`` answers (党纪, then 政务, then 处分); 0 means no bar.
    """
    for k in _kind_keys(kind):
        got = _bar(policy, k, type)
        if got is not None:
            return got[0]
    return None


def bar_end(policy, kind: str | None, type: str, date: dt.date) -> dt.date | None:
    """The first day on which the person may apply again (None: the policy gives no period for this sanction)."""
    months = bar_months(policy, kind, type)
    return None if months is None else add_months(date, months)


# ---------------------------------------------------------------------------------------------------------------
# Dates known to the month or the year
# ---------------------------------------------------------------------------------------------------------------


def date_span(ts: pd.Timestamp, prec: str | None) -> tuple[dt.date, dt.date]:
    """Earliest and latest day a date written to precision Y/M/D may be."""
    d = ts.date()
    if prec == "Y":
        return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    if prec == "M":
        return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d, d


def written(ts: pd.Timestamp, prec: str | None) -> str:
    d = ts.date()
    return f"{d.year}年" if prec == "Y" else f"{d.year}年{d.month}月" if prec == "M" else d.isoformat()


def check_date(ctx, df=None, idx=None) -> tuple[dt.date, str]:
    """The date a bar is judged on, and how to call it in a message.

    The profile's choice (the as-of date, or the cutoff).  A form dated (填报日期/审查日期) in the year before that
    date was filled after the application was made, so the application date is no later than the form's date:
    a bar still running on the form's date was running when the person applied.
    """
    on, label = ctx.as_of, "校验基准日（申报日）"
    if ctx.policy.get("discipline.check_date", "as_of") == "cutoff" and ctx.policy.date("cutoff"):
        on, label = ctx.policy.date("cutoff"), "资历截止日"
    ref = ctx.tables.get(int(df.at[idx, "_t"])) if df is not None and "_t" in df else None
    text = getattr(ref, "meta", {}).get("fill_date") if ref is not None else None
    if text:
        canon, _ = norm_date(text)
        if canon and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", canon):
            ts = pd.Timestamp(canon if len(canon) == 10 else canon + "-01")
            latest = date_span(ts, "D" if len(canon) == 10 else "M")[1]
            if on - dt.timedelta(days=366) <= latest < on:
                return latest, "表上填报（审查）日期"
    return on, label


def verdict(start: tuple[dt.date, dt.date], months: int, on: dt.date, next_year: bool = False):
    """(barred, certain, end) for a bar of ``months`` from a date in [start[0], start[1]], judged on ``on``.

    ``end`` is computed from the earliest possible day (the 1st of the month for a date known to the month).
    """
    def end_of(d: dt.date) -> dt.date:
        return add_months(dt.date(d.year + 1, 1, 1) if next_year else d, months)

    early, late = end_of(start[0]), end_of(start[1])
    if on < start[0]:
        return False, True, early  # dated after the check date: not a bar yet (FMT008 reports a future date)
    if on < early:
        return True, True, early
    if on >= late:
        return False, True, early
    return True, False, early


def _s(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


ALL = ("applicant_roster", "ce_hours", "review_roster", "sanction_review")


# Sanctions written as free text ("2022年5月受党内警告处分") in 处分情况 / 处分种类 / 是否受过处分 cells.
TYPE_WORDS = ("撤销党内职务", "留党察看", "开除党籍", "严重警告", "记大过", "记过", "降低岗位等级", "降级", "撤职", "开除",
              "警告")
KIND_WORDS = (("党纪", ("党内", "党纪", "党籍")), ("政务", ("政务", "行政", "政纪")), ("处分", ("事业单位", "人事处分")))
_NO_SANCTION = re.compile(r"^(无|否|没有|未|不存在)")


def parse_sanction_text(text: str):
    """(kind, type, date, precision) read from free text; None where the text does not say."""
    t = text.strip()
    if not t or _NO_SANCTION.match(t):
        return None, None, None, None
    typ = next((w for w in TYPE_WORDS if w in t), None)
    kind = next((k for k, words in KIND_WORDS if any(w in t for w in words)), None)
    dates = dates_in_text(t)
    ts, prec = dates[0] if dates else (None, None)
    return kind, typ, ts, prec


def row_sanction(df, idx, ctx):
    """(kind, type, date, precision, field to report) of a row, from the sanction columns or their free text."""
    def typed(f):
        v = df.at[idx, f] if f in df else None
        return None if v is None or (isinstance(v, float) and v != v) or v is pd.NaT else v

    kind, typ = typed("sanction_kind"), typed("sanction_type")
    ts, prec = typed("sanction_date"), (df.at[idx, "sanction_date__prec"] if "sanction_date" in df else None)
    texts = [(f, _s(ctx.raw(idx, f))) for f in ("sanction_type", "has_sanction", "sanction_desc")
             if f in df and (f == "sanction_desc" or typed(f) is None)]
    for f, text in texts:
        k2, t2, d2, p2 = parse_sanction_text(text)
        kind, typ = kind or k2, typ or t2
        if ts is None and d2 is not None:
            ts, prec = d2, p2
    where = "sanction_date" if "sanction_date" in df and typed("sanction_date") is not None else \
        next((f for f, text in texts if parse_sanction_text(text)[1]), "sanction_type")
    return (kind if kind in KIND_KEYS else None), typ, ts, prec, where


@rule("DSC001", "sanction-bar", "discipline", "error",
      "{kind}{type}（{date}）影响期{months}个月，至{end}届满；{on_label}{on}仍在影响期内，不得申报（{cite}）{note}",
      kinds=ALL)
def sanction_bar(df, ctx):
    """
    检查内容：受党纪处分、政务处分或事业单位处分的，自处分决定之日起按政策配置的月数计算影响期（按日历月相加，月末对齐：2023-08-31 加6个月为2024-02-29），校验基准日（申报日）仍在影响期内的不得申报；表上写有填报（审查）日期、且早于校验基准日不满一年的，按该日期判断（申报不晚于单位审查）。处分日期只写到月的，从该月1日起算；结论取决于未写明的日子时只给警告并说明。处分类别未填、而该种类在党纪与政务中期限不同时，按较短者判为错误、较长者只给警告。处分写成一段文字的（“处分情况”列写“2022年5月受党内警告处分”），从文字中读出类别、种类和日期。

    依据：凯里2023 三(三)：警告、严重警告、撤销党内职务、留党察看、开除党籍分别1年、1年6个月、3年、4年、5年内不得申报；记过、记大过、降低岗位等级或撤职、开除分别1年、1年6个月、2年、4年内不得申报。其他地区按国家规定：中国共产党纪律处分条例（撤销党内职务24个月等）、公职人员政务处分法 第八条（警告6、记过12、记大过18、降级和撤职24个月）、事业单位工作人员处分规定（人社部发〔2023〕58号）。

    不合格示例：党纪警告，处分决定日期 2023年6月15日，2024年5月30日申报（影响期至2024-06-15）。撤销党内职务 2021-03-01，2023-08-30 申报：凯里2023 下影响期36个月（错误），国家规定24个月（已届满）。

    合格示例：党纪警告，处分决定日期 2021-04-20，2024年申报（影响期已于2022-04-20届满）。

    如何修改：影响期未满的，本年度不得申报，请撤回申报；处分日期或种类录错的，按处分决定书改正。
    """
    if not any(f in df for f in ("sanction_type", "sanction_desc", "has_sanction")):
        return
    for idx in df.index:
        if "sanction_kind" in df and df.at[idx, "sanction_kind"] == "无":
            continue
        on, on_label = check_date(ctx, df, idx)
        kind, typ, ts, prec, where = row_sanction(df, idx, ctx)
        if typ is None or ts is None:
            continue
        bars = [(k, b) for k in _kind_keys(kind) for b in [_bar(ctx.policy, k, typ)] if b is not None]
        if not bars:
            continue
        span = date_span(ts, prec)
        results = [(k, months, sev, *verdict(span, months, on)) for k, (months, sev) in bars if months > 0]
        barred = [r for r in results if r[3]]
        if not barred:
            continue
        k, months, sev, _, certain, end = max(barred, key=lambda r: r[1])
        notes = []
        if not certain:
            sev = "warning"
            notes.append(f"；处分日期只写到{'年' if prec == 'Y' else '月'}，按{span[0].isoformat()}起算，"
                         "是否届满取决于具体日期，请核对处分决定书")
        if len(barred) < len(results) or (kind is None and len({r[1] for r in results}) > 1):
            sev = "warning"
            notes.append("；处分类别未填写，按不同类别影响期不同，请补填处分类别")
        elif sev == "warning":
            notes.append("；该处分在本通知中未列为不得申报情形，请人工核对")
        cite = ctx.policy.cite(ctx.policy.get(f"discipline.clauses.{k}", ""))
        yield Hit(idx, where, {"kind": KIND_CN[k] if kind else "", "type": typ,
                               "date": written(ts, prec), "months": months, "end": end.isoformat(),
                               "on_label": on_label, "on": on.isoformat(), "cite": cite,
                               "note": "".join(notes)}, sev)


@rule("DSC002", "sanction-details-missing", "discipline", "warning",
      "是否受过处分填“是”，但{missing}为空，无法判断是否仍在影响期内，请补填", kinds=ALL, fields=("has_sanction",))
def sanction_details_missing(df, ctx):
    """
    检查内容：是否受过处分填“是”的，处分种类和处分决定日期是否都已填写。缺少任一项就无法计算影响期。

    依据：凯里2023 五(六) 要求上传《受纪律处分情况审查表》；审查表有处分的，须写明处分种类与日期（`rules.md` DISC-FORM-PRESENT）。

    不合格示例：是否受过处分“是”，处分类别“政务”，处分种类为空，处分决定日期 2022.11。

    合格示例：是否受过处分“是”，处分种类“记过”，处分决定日期 2022-11-08。

    如何修改：按处分决定书补填处分种类和处分决定日期。
    """
    for idx in df.index[df["has_sanction"] == "是"]:
        _, typ, ts, _, _ = row_sanction(df, idx, ctx)  # 处分情况 text counts too
        missing = [(f, lbl) for f, lbl, got in (("sanction_type", "处分种类", typ), ("sanction_date", "处分决定日期", ts))
                   if got is None and not _s(ctx.raw(idx, f))]  # an unreadable value is the schema's finding
        if missing:
            yield Hit(idx, missing[0][0], {"missing": "、".join(lbl for _, lbl in missing)})


@rule("DSC003", "sanction-no-period", "discipline", "warning",
      "处分种类“{value}”在{short}中没有规定影响期，请人工核对是否影响申报", kinds=ALL,
      fields=("sanction_type",))
def sanction_no_period(df, ctx):
    """
    检查内容：填写了处分种类，但所用政策配置中没有这一处分（按处分类别）的影响期，例如国家规定下的政务处分“开除”（被开除者已不在职，不应由单位推荐）。

    依据：各通知与国家规定只对所列处分规定了影响期（凯里2023 三(三)；公职人员政务处分法 第八条）。

    不合格示例：处分类别“政务”，处分种类“开除”（国家规定配置）。

    合格示例：处分类别“党纪”，处分种类“警告”。

    如何修改：人工核对该处分对申报的影响；如处分类别录错，按处分决定书改正。
    """
    for idx in df.index[df["sanction_type"].notna()]:
        kind = df.at[idx, "sanction_kind"] if "sanction_kind" in df else None
        if kind == "无":
            continue
        kind = kind if isinstance(kind, str) else None
        if bar_months(ctx.policy, kind, str(df.at[idx, "sanction_type"])) is None:
            yield Hit(idx, "sanction_type", {"short": ctx.policy.short})


@rule("CON003", "sanction-flag-vs-details", "consistency", "warning",
      "是否受过处分填“否”，但处分种类填了“{value}”，两者矛盾，请核对", kinds=ALL,
      fields=("has_sanction", "sanction_type"))
def sanction_flag_vs_details(df, ctx):
    """
    检查内容：是否受过处分填“否”，同一行却填写了处分种类，二者互相矛盾。

    依据：受纪律处分情况审查表的填写要求（凯里2023 五(六)）。

    不合格示例：是否受过处分“否”，处分种类“记过”。

    合格示例：是否受过处分“否”，处分种类空白。

    如何修改：按实际情况改正“是否受过处分”或删除误填的处分信息。
    """
    for idx in df.index[(df["has_sanction"] == "否") & df["sanction_type"].notna()]:
        yield Hit(idx, "sanction_type", {})


# ---------------------------------------------------------------------------------------------------------------
# Integrity records: exam misconduct, fraud, blacklists (free text with a date in it, or a date column)
# ---------------------------------------------------------------------------------------------------------------

_DATE_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*(?:(?:年|[.\-/])\s*(\d{1,2})\s*(?:(?:月|[.\-/])\s*(\d{1,2})\s*日?)?)?")


def dates_in_text(text: str) -> list[tuple[pd.Timestamp, str]]:
    """Dates written in free text ("2022年申报中弄虚作假", "2021.3.5认定"), normalised with norm_date."""
    out = []
    for m in _DATE_IN_TEXT.finditer(text):
        y, mo, d = m.groups()
        raw = f"{y}年" if not mo else f"{y}年{mo}月" if not d else f"{y}年{mo}月{d}日"
        canon, _ = norm_date(raw)
        if canon and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", canon):
            out.append((pd.Timestamp(canon if len(canon) == 10 else canon + ("-01" if len(canon) == 7 else "-01-01")),
                        "YMD"[min(len(canon) // 3 - 1, 2)]))
    return out


def integrity_kinds(policy, text: str) -> list[tuple[str, dict]]:
    """The policy's record kinds whose keywords occur in ``text`` (none for a 'no record' statement)."""
    t = text.strip()
    if not t or re.search(str(policy.get("integrity.clean_pattern", "(?!)")), t):
        return []
    negated = re.compile(f"(?:{policy.get('integrity.negation_pattern', '(?!)')})$")

    def said(word: str) -> bool:  # the keyword occurs at least once without a negation just before it
        return any(not negated.search(t[max(0, m.start() - 6):m.start()]) for m in re.finditer(re.escape(word), t))

    return [(name, k) for name, k in policy.get("integrity.kinds", {}, dict).items()
            if any(said(w) for w in k.get("keywords", []))]


def _record_date(df, idx, text: str):
    if "integrity_record_date" in df and pd.notna(df.at[idx, "integrity_record_date"]):
        return df.at[idx, "integrity_record_date"], df.at[idx, "integrity_record_date__prec"]
    found = dates_in_text(text)
    return max(found, key=lambda x: x[0]) if found else (None, None)


@rule("DSC004", "integrity-bar", "discipline", "error",
      "诚信记录“{value}”：{label}，{rule_text}，{end}起方可申报；{on_label}{on}仍在期限内（{cite}）{note}",
      kinds=ALL, fields=("integrity_record",))
def integrity_bar(df, ctx):
    """
    检查内容：诚信记录（失信记录、违纪违规记录）写明了考试严重违纪、申报弄虚作假、学术不端、失信黑名单等，且认定日期（“诚信记录认定日期”列，或记录文字中的日期，如“2022年申报中弄虚作假，已认定”）距校验基准日未满政策配置的期限的，不得申报。日期只写到年或月、结论取决于具体日期时只给警告。

    依据：凯里2023 三(三)：考试严重违规违纪、申报弄虚作假或学术不端的，从认定之日起延期3年申报。温州2019 一(四)1：填报虚假材料的，从评审次年起3年内不受理申报。赤峰2019 十一(一)5：记入失信黑名单，五年内不得申报。镇江2024 七(三)：记入诚信档案库，记录期3年。国家规定：人社部令第40号、人社部发〔2024〕56号（3年）。

    不合格示例：镇江2024 下，诚信记录“2022年申报中弄虚作假，已认定”，2024年申报（至2025年前不得申报）。

    合格示例：诚信记录“无不良记录”；或“2019年申报中弄虚作假”，2024年申报（3年已满）。

    如何修改：期限未满的，本年度不得申报；记录或日期有误的，按认定文件改正。
    """
    for idx in df.index[df["integrity_record"].notna()]:
        on, on_label = check_date(ctx, df, idx)
        text = str(df.at[idx, "integrity_record"])
        kinds = [(n, k) for n, k in integrity_kinds(ctx.policy, text) if int(k.get("months", 0)) > 0]
        if not kinds:
            continue
        ts, prec = _record_date(df, idx, text)
        if ts is None:
            continue  # DSC005
        span = date_span(ts, prec)
        results = []
        for name, k in kinds:
            nxt = k.get("count_from", "date") == "next_year"
            barred, certain, end = verdict(span, int(k["months"]), on, nxt)
            results.append((barred, certain, end, name, k, nxt))
        barred = [r for r in results if r[0]]
        if not barred:
            continue
        _, certain, end, name, k, nxt = max(barred, key=lambda r: r[2])
        months = int(k["months"])
        years = f"{months // 12}年" if months % 12 == 0 else f"{months}个月"
        rule_text = (f"{written(ts, prec)}认定，从次年起{years}内不得申报" if nxt
                     else f"自{written(ts, prec)}认定起{years}内不得申报")
        note = "" if certain else (f"；认定日期只写到{'年' if prec == 'Y' else '月'}，按{span[0].isoformat()}起算，"
                                   "是否届满取决于具体日期，请核对认定文件")
        cite = ctx.policy.cite(k.get("clause") or ctx.policy.get("integrity.clause", ""))
        yield Hit(idx, "integrity_record", {"label": k.get("label", name), "rule_text": rule_text,
                                            "end": end.isoformat(), "on_label": on_label, "on": on.isoformat(),
                                            "cite": cite, "note": note}, "error" if certain else "warning")


@rule("DSC005", "integrity-record-undated", "discipline", "warning",
      "诚信记录“{value}”涉及{label}，{why}，无法判断是否仍在限制期内，请人工核实（{cite}）",
      kinds=ALL, fields=("integrity_record",))
def integrity_undated(df, ctx):
    """
    检查内容：诚信记录写有考试违纪、弄虚作假、学术不端、失信黑名单等内容，但既没有“认定日期”列，记录文字中也没有日期；或所用政策对该类记录没有规定期限。这些情况无法自动判断，需人工核实。

    依据：凯里2023 三(三)、温州2019 一(四)1、赤峰2019 十一(一)5、镇江2024 七(三)：限制期从认定之日（或评审次年）起算，须知道认定日期。

    不合格示例：诚信记录“曾有考试违纪”。

    合格示例：诚信记录“2018年3月考试违纪，已认定”；或“无不良记录”。

    如何修改：在诚信记录中写明认定日期（或填写“诚信记录认定日期”列），并附认定文件。
    """
    for idx in df.index[df["integrity_record"].notna()]:
        text = str(df.at[idx, "integrity_record"])
        kinds = integrity_kinds(ctx.policy, text)
        if not kinds:
            continue
        dated = _record_date(df, idx, text)[0] is not None
        open_kinds = [k for _, k in kinds if int(k.get("months", 0)) <= 0]
        if dated and not open_kinds:
            continue
        if dated and len(open_kinds) < len(kinds):
            continue  # a dated record with a period: DSC004 judges it
        label = "、".join(dict.fromkeys(k.get("label", n) for n, k in kinds))
        clause = next((k["clause"] for _, k in kinds if k.get("clause")), ctx.policy.get("integrity.clause", ""))
        why = "但没有写明认定日期" if not dated else f"{ctx.policy.short}未规定此类记录的限制期"
        yield Hit(idx, "integrity_record", {"label": label, "why": why,
                                            "cite": ctx.policy.cite(clause)})


@rule("DSC006", "sanction-end-on-form", "discipline", "warning",
      "表上写明影响期截止日{end}，{on_label}{on}仍在影响期内，请核实是否可以申报", kinds=ALL,
      fields=("sanction_end_date",))
def sanction_end_on_form(df, ctx):
    """
    检查内容：表上填写了“影响期截止日”（影响期满时间），且校验基准日（申报日）早于该日期，而按处分种类与日期无法计算影响期（处分种类或日期未填，或所用政策未规定该处分的期限）。按处分种类能够计算的，由 DSC001 判断。

    依据：受处分期间不得申报职称评审（人社部令第40号；凯里2023 三(三)）。

    不合格示例：处分种类空白，影响期截止日 2024-06-30，2024年5月申报。

    合格示例：影响期截止日 2023-06-30，2024年申报。

    如何修改：影响期未满的，本年度不得申报；截止日录错的，按处分决定书改正，并补填处分种类与日期。
    """
    for idx in df.index[df["sanction_end_date"].notna()]:
        if "sanction_kind" in df and df.at[idx, "sanction_kind"] == "无":
            continue
        on, on_label = check_date(ctx, df, idx)
        typ = df.at[idx, "sanction_type"] if "sanction_type" in df else None
        kind = df.at[idx, "sanction_kind"] if "sanction_kind" in df else None
        dated = "sanction_date" in df and pd.notna(df.at[idx, "sanction_date"])
        if isinstance(typ, str) and dated and bar_months(ctx.policy, kind if isinstance(kind, str) else None,
                                                         typ) is not None:
            continue  # DSC001 computes the bar itself
        first, _ = date_span(df.at[idx, "sanction_end_date"], df.at[idx, "sanction_end_date__prec"])
        if on < first:
            yield Hit(idx, "sanction_end_date", {"end": written(df.at[idx, "sanction_end_date"],
                                                                df.at[idx, "sanction_end_date__prec"]),
                                                 "on_label": on_label, "on": on.isoformat()})


@rule("CON004", "sanction-end-vs-period", "consistency", "warning",
      "影响期截止日“{value}”与按{kind}{type}影响期{months}个月计算的{end}不一致（{cite}），请核对", kinds=ALL,
      fields=("sanction_type", "sanction_date", "sanction_end_date"))
def sanction_end_vs_period(df, ctx):
    """
    检查内容：表上填写的“影响期截止日”与按处分决定日期加上政策配置的影响期（月数，日历月相加、月末对齐）算出的日期不一致。只在处分类别明确、日期能确定不一致时提示。

    依据：凯里2023 三(三)；中国共产党纪律处分条例；公职人员政务处分法 第八条（各处分的影响期月数见政策配置）。

    不合格示例：党纪警告，处分决定日期 2023-06-15，影响期截止日 2023-12-15（应为 2024-06-15）。

    合格示例：党纪警告，处分决定日期 2023-06-15，影响期截止日 2024-06-15（或 2024-06-14）。

    如何修改：按处分决定书核对处分种类、日期和影响期截止日，改正录错的一项。
    """
    ok = df["sanction_type"].notna() & df["sanction_date"].notna() & df["sanction_end_date"].notna()
    for idx in df.index[ok]:
        kind = df.at[idx, "sanction_kind"] if "sanction_kind" in df else None
        if not isinstance(kind, str) or kind not in KIND_KEYS:
            continue
        typ = str(df.at[idx, "sanction_type"])
        got = _bar(ctx.policy, KIND_KEYS[kind], typ)
        if got is None or got[0] <= 0:
            continue
        start = date_span(df.at[idx, "sanction_date"], df.at[idx, "sanction_date__prec"])
        lo, hi = add_months(start[0], got[0]) - dt.timedelta(days=1), add_months(start[1], got[0])
        form = date_span(df.at[idx, "sanction_end_date"], df.at[idx, "sanction_end_date__prec"])
        if form[1] < lo or form[0] > hi:  # the day before the end counts too ("至2024年6月14日")
            yield Hit(idx, "sanction_end_date", {"kind": kind, "type": typ, "months": got[0],
                                                 "end": add_months(start[0], got[0]).isoformat(),
                                                 "cite": ctx.policy.cite(ctx.policy.get(
                                                     f"discipline.clauses.{KIND_KEYS[kind]}", ""))})
