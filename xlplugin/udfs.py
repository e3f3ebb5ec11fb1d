"""Excel cell functions (ZC_*): thin adapters over the batch validator's rule code.

One module serves classic xlwings UDFs (Windows Excel with the xlwings add-in), xlwings Lite and xlwings Server:
the functions are declared with ``xlwings.func``/``arg``/``ret``, which register them in whichever runtime imports
this module (and do nothing elsewhere).  Every verdict comes from
:func:`zhicheng.validators.engine.check_record`/:func:`check_tables` (the same normalisation, schema and rules as
``zhicheng validate``) and from the pure policy functions (``required_hours``, ``bar_end``, ``years_held``);
nothing here decides what is right or wrong by itself.

A verdict is "通过", or the Chinese messages of the findings with their codes in brackets, errors before warnings.
A cell never shows a traceback: a bad argument gives a short Chinese message instead.
"""

from __future__ import annotations

import functools
import logging

from xlwings import arg, func, ret

from zhicheng.validators.engine import check_record, check_tables
from zhicheng.validators.fields import base_field, is_parent_header
from zhicheng.validators.findings import SEVERITY_ORDER, Finding
from zhicheng.validators.idcard import parse_id
from zhicheng.validators.kinds import KINDS
from zhicheng.validators.normalize import norm_enum, norm_id
from zhicheng.validators.reader import Grid, find_table
from zhicheng.validators.rules.discipline import KIND_KEYS, bar_end
from zhicheng.validators.rules.seniority import required_years, years_held

from . import inputs
from .inputs import InputError

__all__ = ["ZC_ID", "ZC_IDBIRTH", "ZC_IDSEX", "ZC_HOURS", "ZC_BAREND", "ZC_BAR", "ZC_YEARS", "ZC_REQYEARS",
           "ZC_CHECKROW", "ZC_CHECKTABLE"]

log = logging.getLogger(__name__)
PASS = "通过"
RESULT_HEADER = "校验结果"
DATE_FORMAT = "yyyy-mm-dd"  # dates returned to Office.js carry this number format
MAX_CELL = 32000  # Excel holds at most 32767 characters in a cell


# ---------------------------------------------------------------------------------------------------------------
# Shared plumbing: verdict text, error cells, which batch rules exist
# ---------------------------------------------------------------------------------------------------------------


def verdict(findings: list[Finding]) -> str:
    """'通过', or the messages of the errors then the warnings, each with its code in brackets."""
    shown = sorted((f for f in findings if f.severity in ("error", "warning")),
                   key=lambda f: SEVERITY_ORDER[f.severity])
    if not shown:
        return PASS
    parts = dict.fromkeys(f"{f.message}[{f.code}]" if f.code else f.message for f in shown)
    return "；".join(parts)[:MAX_CELL]


def error_text(e: Exception) -> str:
    if isinstance(e, InputError):
        return f"参数错误：{e}"
    log.exception("cell function failed")
    return f"计算出错（{type(e).__name__}），请检查参数或联系管理员"


def guard(f):
    """Whatever goes wrong, the cell gets a short Chinese message, never a traceback."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - a cell must always show something readable
            return error_text(e)

    return wrapper


def record_value(fld: str, v):
    """A cell argument as the batch reader would hold it; Office.js's 0 for an empty cell is blank except in numbers."""
    v = inputs.scalar(v) if base_field(fld).type == "number" else inputs.optional(v)
    return None if v is None else inputs.cell(v, fld)


def record(**fields) -> dict:
    out = {}
    for k, v in fields.items():
        value = record_value(k, v)
        if value is not None:
            out[k] = value
    return out


def fmt_hours(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------------------------


@func
@arg("id", doc="身份证号码（单元格或文本）")
@arg("policy", doc="政策配置名，如 kaili-2023；留空用默认配置")
@arg("as_of", doc="校验基准日；留空用政策配置的申报日期")
@guard
def ZC_ID(id, policy=None, as_of=None):
    """身份证号码校验（长度、校验码、出生日期、以数字录入等），与批量校验结果一致。"""
    if inputs.optional(id) is None:
        return ""
    pol = inputs.policy(policy)
    rec = record(id_number=id)
    return verdict(check_record(rec, "applicant_roster", pol, inputs.as_of(as_of, pol)))


def _id_info(id):
    if inputs.optional(id) is None:
        return None
    number, _ = norm_id(inputs.scalar(id))
    info = parse_id(number or "")
    if any(code == "IDN001" for code, _ in info.problems):
        raise InputError(f"身份证号码“{number}”位数不对")
    if isinstance(inputs.scalar(id), (int, float)):
        raise InputError("身份证号码以数字录入，后几位已丢失，请改为文本")
    return info


@func
@arg("id", doc="身份证号码")
@ret(date_format=DATE_FORMAT)
@guard
def ZC_IDBIRTH(id):
    """按身份证号码得出的出生日期。"""
    info = _id_info(id)
    if info is None:
        return ""
    if info.birth is None:
        raise InputError("身份证号码中的出生日期无效")
    return info.birth


@func
@arg("id", doc="身份证号码")
@guard
def ZC_IDSEX(id):
    """按身份证号码第17位得出的性别（男/女）。"""
    info = _id_info(id)
    return "" if info is None else info.sex or ""


# ---------------------------------------------------------------------------------------------------------------
# Continuing-education hours
# ---------------------------------------------------------------------------------------------------------------


@func
@arg("year", doc="年度，如 2023")
@arg("total", doc="合计学时")
@arg("prof", doc="专业科目学时（可留空）")
@arg("public", doc="公需科目学时（可留空）")
@arg("policy", doc="政策配置名；留空用默认配置")
@arg("as_of", doc="校验基准日；留空用政策配置的申报日期")
@arg("level", doc="当年职称级别（初级/中级/副高级…，可留空）")
@arg("grassroots", doc="是否在基层工作（是/否，可留空）")
@arg("private", doc="是否在民营经济组织工作（是/否，可留空）")
@guard
def ZC_HOURS(year, total, prof=None, public=None, policy=None, as_of=None, level=None, grassroots=None, private=None):
    """一个人一个年度的继续教育学时是否达到政策要求。"""
    pol = inputs.policy(policy)
    day = inputs.as_of(as_of, pol)
    y = inputs.year(year)
    rec = record(ce_year=y, ce_total_hours=total, ce_prof_hours=prof, ce_public_hours=public, cur_title_level=level,
                 is_grassroots=grassroots, is_private=private)
    return verdict(check_record(rec, "ce_hours", pol, day))


# ---------------------------------------------------------------------------------------------------------------
# Sanctions
# ---------------------------------------------------------------------------------------------------------------


def _sanction(kind, type):
    k = inputs.text(kind)
    t = inputs.text(type)
    k = norm_enum(k, "sanction_kind")[0] if k else None
    t = norm_enum(t, "sanction_type")[0] if t else None
    return (k if k in KIND_KEYS else None), t


@func
@arg("kind", doc="处分类别：党纪/政务/处分（可留空）")
@arg("type", doc="处分种类，如 警告、记过")
@arg("date", doc="处分决定日期")
@arg("policy", doc="政策配置名；留空用默认配置")
@ret(date_format=DATE_FORMAT)
@guard
def ZC_BAREND(kind, type, date, policy=None):
    """处分影响期的截止日（按政策配置的月数，自处分决定日期起算）。"""
    k, t = _sanction(kind, type)
    if t is None:
        return ""
    day = inputs.date(date, "处分决定日期")
    if day is None:
        raise InputError("请填写处分决定日期")
    pol = inputs.policy(policy)
    end = bar_end(pol, k, t, day)
    if end is None:
        raise InputError(f"{pol.short}未规定“{k or ''}{t}”处分的影响期")
    return end


@func
@arg("kind", doc="处分类别：党纪/政务/处分（可留空）")
@arg("type", doc="处分种类，如 警告、记过")
@arg("date", doc="处分决定日期")
@arg("policy", doc="政策配置名；留空用默认配置")
@arg("as_of", doc="校验基准日；留空用政策配置的申报日期")
@guard
def ZC_BAR(kind, type, date, policy=None, as_of=None):
    """在校验基准日，该处分是否仍在影响期内（影响期内不得申报）。"""
    if inputs.optional(type) is None:
        return ""
    pol = inputs.policy(policy)
    day = inputs.as_of(as_of, pol)
    rec = record(has_sanction="是", sanction_kind=kind, sanction_type=type, sanction_date=date)
    return verdict(check_record(rec, "sanction_review", pol, day))


# ---------------------------------------------------------------------------------------------------------------
# Seniority
# ---------------------------------------------------------------------------------------------------------------


@func
@arg("start", doc="取得现资格时间")
@arg("cutoff", doc="年限计算截止日；留空用政策配置的截止日")
@arg("policy", doc="政策配置名；留空用默认配置")
@guard
def ZC_YEARS(start, cutoff=None, policy=None):
    """从取得现资格到截止日的任职年限（按整月计，单位：年）。"""
    begin = inputs.date(start, "取得资格时间")
    if begin is None:
        return ""
    pol = inputs.policy(policy)
    end = inputs.date(cutoff, "截止日") or pol.date("cutoff") or pol.as_of()
    if end < begin:
        raise InputError(f"取得资格时间{begin:%Y-%m-%d}晚于截止日{end:%Y-%m-%d}")
    return round(years_held(begin, end), 2)


@func
@arg("level", doc="拟申报级别：中级/副高级/正高级")
@arg("edu", doc="最高学历")
@arg("series", doc="申报系列（可留空）")
@arg("policy", doc="政策配置名；留空用默认配置")
@guard
def ZC_REQYEARS(level, edu, series=None, policy=None):
    """申报该级别需要在下一级职称上任职的年限。"""
    lv, ed, se = inputs.text(level), inputs.text(edu), inputs.text(series)
    if not lv:
        return ""
    lv = norm_enum(lv, "level")[0]
    ed = norm_enum(ed, "edu_level")[0] if ed else None
    years = required_years(inputs.policy(policy), norm_enum(se, "series")[0] if se else None, lv, ed)
    if years is None:
        raise InputError(f"政策配置未规定“{ed or ''}”申报{lv}的任职年限")
    return years


# ---------------------------------------------------------------------------------------------------------------
# Whole rows and whole tables
# ---------------------------------------------------------------------------------------------------------------


def _fill_merges(g: list[list]) -> list[list]:
    """A range arrives without its merged cells (only the top-left cell of a merge has a value); a file gives the
    reader every cell of a merge.  Refill the usual merges of a two-level header so the reader sees what it sees in a
    file: a group name (现专业技术资格 …) across its sub-columns, and the single-level labels down into the sub row."""
    for p in range(min(len(g) - 1, 10)):
        top, sub = g[p], g[p + 1]
        groups = [c for c, v in enumerate(top) if not inputs.is_blank(v) and is_parent_header(v)
                  and c + 1 < len(top) and inputs.is_blank(top[c + 1]) and not inputs.is_blank(sub[c + 1])]
        if not groups:
            continue
        top, sub = list(top), list(sub)
        for c in groups:
            for j in range(c + 1, len(top)):
                if not inputs.is_blank(top[j]) or inputs.is_blank(sub[j]):
                    break
                top[j] = top[c]
        for c, v in enumerate(top):
            if inputs.is_blank(sub[c]) and not inputs.is_blank(v):
                sub[c] = v
        return [*g[:p], top, sub, *g[p + 2:]]
    return g


def _kind(v) -> str | None:
    t = inputs.text(v)
    if not t:
        return None
    for k, label in KINDS.items():
        if t in (k, label) or t in label:
            return k
    raise InputError(f"未知的表格类型“{t}”，可用：{'、'.join(KINDS.values())}")


def check_grid(values, policy=None, as_of=None, kind=None) -> list[str]:
    """One verdict per row of ``values`` (header and data rows as the sheet shows them), from ``check_tables``.

    The reader finds the header and the data rows exactly as in a file; header rows get "校验结果" (the first) or
    "", rows the batch would not read (blank, numbering, footer) get "".
    """
    g = _fill_merges(inputs.grid(values))
    table = find_table(Grid([list(r) for r in g], (0, 0), []), "")
    if table is None:
        raise InputError("表头无法识别：至少需要两个可识别的列名（如 姓名、身份证号码）")
    table.values = [tuple(inputs.cell(v, c.field) for v, c in zip(vals, table.columns)) for vals in table.values]
    table.kind = _kind(kind) or table.kind
    if table.kind is None:
        raise InputError("无法判断表格类型，请在最后一个参数写明，如“继续教育学时登记表”")
    pol = inputs.policy(policy)
    findings = check_tables([table], pol, inputs.as_of(as_of, pol))
    by_row: dict[int, list[Finding]] = {r: [] for r in table.rows}
    general = []
    for f in findings:
        (by_row[f.row] if f.row in by_row else general).append(f)
    out = []
    for i in range(len(g)):
        r = i + 1  # the reader numbers rows from 1
        if r == table.header_rows[0]:
            out.append(RESULT_HEADER)
        elif r in by_row:
            out.append(verdict(by_row[r] + general))
        else:
            out.append("")
    return out


@func
@arg("header_row", "raw", doc="表头所在行（一行，或两级表头的两行），如 $A$3:$K$4")
@arg("data_row", "raw", doc="要校验的数据行，如 A5:K5")
@arg("policy", doc="政策配置名；留空用默认配置")
@arg("as_of", doc="校验基准日；留空用政策配置的申报日期")
@arg("kind", doc="表格类型（可留空，按表头自动判断）")
@guard
def ZC_CHECKROW(header_row, data_row, policy=None, as_of=None, kind=None):
    """按表头整行校验一条记录，结果与批量校验该行一致。"""
    data = inputs.row(data_row)
    if all(v is None for v in data):
        return ""
    header = inputs.grid(header_row)
    return check_grid([*header, data], policy, as_of, kind)[-1]


@func
@arg("table", "raw", doc="含表头的整张表，如 A3:K200")  # raw: inputs.grid cleans it (xlwings' cleaning is slow)
@arg("policy", doc="政策配置名；留空用默认配置")
@arg("as_of", doc="校验基准日；留空用政策配置的申报日期")
@arg("kind", doc="表格类型（可留空，按表头自动判断）")
@guard
def ZC_CHECKTABLE(table, policy=None, as_of=None, kind=None):
    """一次校验整张表，每行溢出一个结果（与所选区域逐行对齐，表头行显示“校验结果”）。"""
    try:
        return [[v] for v in check_grid(table, policy, as_of, kind)]
    except InputError as e:
        return [[error_text(e)]]
