"""The native-formula check column: what a spreadsheet formula can see while the handler types.

Only functions that Excel, WPS and LibreOffice all have are used (LEN, MID, MOD, SUMPRODUCT, INDEX, MATCH, IF,
IFERROR, EXACT, DATE, TEXT …); policy numbers are looked up by defined name in the parameter area the builder
writes from :mod:`params`.  Every message starts with 【column】 so that conditional formatting can mark that
column's cell by looking for the tag in the check cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from zhicheng.validators.fields import field_label
from zhicheng.validators.idcard import CHECK, WEIGHTS

from .params import Params

# Defined names of the parameter area (see builder.write_params).
ASOF, CUTOFF = "ZC_ASOF", "ZC_CUTOFF"
CE_KEY, CE_TOTAL, CE_PROF = "ZC_CE_KEY", "ZC_CE_TOTAL", "ZC_CE_PROF"
BAR_KEY, BAR_MONTHS = "ZC_BAR_KEY", "ZC_BAR_MONTHS"
SEN_KEY, SEN_YEARS = "ZC_SEN_KEY", "ZC_SEN_YEARS"

_POS = "{" + ",".join(str(i) for i in range(1, 18)) + "}"
_W = "{" + ",".join(map(str, WEIGHTS)) + "}"


def tag(fld: str) -> str:
    return f"【{field_label(fld)}】"


def q(text: str) -> str:
    """A string literal in a formula."""
    return '"' + text.replace('"', '""') + '"'


class Cells:
    """Cell references of one data row: ``c["id_number"]`` -> ``"E6"``; ``span`` is the row's data cells."""

    def __init__(self, letters: dict[str, str], row: int, required: tuple[str, ...] = ()):
        self.letters, self.row = letters, row
        self.required = [f for f in required if f in letters]
        cols = sorted(letters.values(), key=lambda x: (len(x), x))
        self.span = f"{cols[0]}{row}:{cols[-1]}{row}" if cols else ""

    def __contains__(self, fld: str) -> bool:
        return fld in self.letters

    def __getitem__(self, fld: str) -> str:
        return f"{self.letters[fld]}{self.row}"

    def years(self, base: str) -> list[tuple[int, str]]:
        return sorted((int(f.split("@")[1]), f) for f in self.letters if f.startswith(base + "@"))


Part = tuple[str, str]  # (field the message is about, formula expression giving the message or "")


@dataclass(frozen=True)
class Check:
    name: str
    applies: Callable[[Cells], bool]
    parts: Callable[[Cells], list[Part]]
    describe: Callable[[Cells, Params], list[str]]


# --- required values ------------------------------------------------------------------------------------------

def _required_parts(c: Cells) -> list[Part]:
    return [(f, f'IF(AND(COUNTA({c.span})>0,{c[f]}=""),"{tag(f)}为必填项；","")') for f in c.required]


def _required_describe(c: Cells, p: Params) -> list[str]:
    return ["必填项：" + "、".join(field_label(f) for f in c.required) + "（本行已填其他内容时检查）"]


# --- identity (GB 11643) ------------------------------------------------------------------------------------------

def _id_parts(c: Cells) -> list[Part]:
    i = c["id_number"]
    expected = f'MID("{CHECK}",MOD(SUMPRODUCT(MID({i},{_POS},1)*{_W}),11)+1,1)'
    birth = f"DATE(MID({i},7,4),MID({i},11,2),MID({i},13,2))"
    t = tag("id_number")
    parts = [
        ("id_number", f'IF(AND(LEN({i})>0,LEN({i})<>18),"{t}应为18位，现为"&LEN({i})&"位；","")'),
        ("id_number", f'IF(LEN({i})<>18,"",IF(ISERROR(SUMPRODUCT(--MID({i},{_POS},1))),"{t}前17位应全为数字；",'
                      f'IF(EXACT({expected},RIGHT({i},1)),"",IF(EXACT({expected},UPPER(RIGHT({i},1))),'
                      f'"{t}末位x应为大写X；","{t}校验码错误：按前17位末位应为"&{expected}&"，请逐位核对；"))))'),
        ("id_number", f'IF(LEN({i})<>18,"",IF(OR(MONTH({birth})<>--MID({i},11,2),DAY({birth})<>--MID({i},13,2)),'
                      f'"{t}第7-14位不是有效的出生日期；",""))'),
    ]
    if "sex" in c:
        s = c["sex"]
        parts.append(("sex", f'IF(OR(LEN({i})<>18,{s}=""),"",IF({s}<>IF(MOD(MID({i},17,1),2)=1,"男","女"),'
                             f'"{tag("sex")}与身份证号码第17位不符；",""))'))
    if "birth_date" in c:
        b = c["birth_date"]
        parts.append(("birth_date", f'IF(OR(LEN({i})<>18,NOT(ISNUMBER({b}))),"",IF(INT({b})<>{birth},'
                                    f'"{tag("birth_date")}与身份证号码不符，应为"&TEXT({birth},"yyyy-mm-dd")&"；",""))'))
    return parts


def _id_describe(c: Cells, p: Params) -> list[str]:
    out = ["身份证号码：长度是否为18位、前17位是否全为数字、第18位校验码是否正确（GB 11643）、出生日期是否有效"]
    if "sex" in c:
        out.append("性别：是否与身份证号码第17位一致（奇数为男，偶数为女）")
    if "birth_date" in c:
        out.append("出生年月：是否与身份证号码中的出生日期一致")
    return out


# --- continuing-education hours -------------------------------------------------------------------------------

def _hours_key(c: Cells, year: str) -> str:
    g = f'IF({c["is_grassroots"]}="是",1,0)' if "is_grassroots" in c else "0"
    v = f'IF({c["is_private"]}="是",1,0)' if "is_private" in c else "0"
    return f'{year}&"|"&{g}&"|"&{v}'


def _lookup(values: str, keys: str, key: str) -> str:
    return f"INDEX({values},MATCH({key},{keys},0))"


def _hours_row_parts(c: Cells) -> list[Part]:
    y = c["ce_year"]
    key = _hours_key(c, y)
    req, preq = _lookup(CE_TOTAL, CE_KEY, key), _lookup(CE_PROF, CE_KEY, key)
    given = [c[f] for f in ("ce_total_hours", "ce_public_hours", "ce_prof_hours") if f in c]
    if "ce_total_hours" in c:
        t = c["ce_total_hours"]
        parts = [c[f] for f in ("ce_public_hours", "ce_prof_hours") if f in c]
        total = f'IF(ISNUMBER({t}),{t},{"+".join(f"N({x})" for x in parts) or 0})'
        target = "ce_total_hours"
    else:
        total = "+".join(f"N({x})" for x in given)
        target = "ce_public_hours"
    any_given = "OR(" + ",".join(f"ISNUMBER({x})" for x in given) + ")"
    out = [(target, f'IF(AND(ISNUMBER({y}),{any_given}),IF(ISNA(MATCH({key},{CE_KEY},0)),'
                    f'"{tag("ce_year")}"&{y}&"年不在本模板的学时参数表中，请人工核对；",'
                    f'IF({total}<{req},"{tag(target)}"&{total}&"学时，少于"&{y}&"年要求的"&{req}&"学时；","")),"")')]
    if "ce_prof_hours" in c:
        pr = c["ce_prof_hours"]
        out.append(("ce_prof_hours", f'IF(AND(ISNUMBER({y}),ISNUMBER({pr})),IF(AND(ISNUMBER({preq}),{pr}<{preq}),'
                                     f'"{tag("ce_prof_hours")}"&{pr}&"学时，少于要求的"&ROUND({preq},1)&"学时；",""),"")'))
    return out


def _hours_year_parts(c: Cells) -> list[Part]:
    out = []
    for year, fld in c.years("ce_hours"):
        h = c[fld]
        req = _lookup(CE_TOTAL, CE_KEY, _hours_key(c, str(year)))
        out.append((fld, f'IF(ISNUMBER({h}),IF({h}<{req},"{tag(fld)}"&{h}&"学时，少于要求的"&{req}&"学时；",""),"")'))
    return out


def _hours_describe(c: Cells, p: Params) -> list[str]:
    years = [y for y, _ in c.years("ce_hours")] or sorted({h[1] for h in p.hours})
    lines = []
    for y in years:
        rows = {(h[2], h[3]): h for h in p.hours if h[1] == y}
        normal, low = rows.get(("否", "否")), rows.get(("是", "是"))
        if not normal or not normal[4]:  # no requirement for that year
            continue
        text = f"{y}年继续教育不少于{normal[4]}学时"
        if normal[5] != "无" and "ce_prof_hours" in c:
            text += f"（其中专业科目不少于{normal[5]}学时）"
        if low and low[4] != normal[4]:
            text += f"，基层或民营经济组织不少于{low[4]}学时"
        lines.append(text)
    return ["继续教育学时：" + "；".join(lines)] if lines else []


# --- sanctions ----------------------------------------------------------------------------------------------------

def _sanction_parts(c: Cells) -> list[Part]:
    t, d = c["sanction_type"], c["sanction_date"]
    kind = c["sanction_kind"] if "sanction_kind" in c else '""'
    m = _lookup(BAR_MONTHS, BAR_KEY, f'{kind}&"|"&{t}')
    end = f"MIN(DATE(YEAR({d}),MONTH({d})+{m},DAY({d})),DATE(YEAR({d}),MONTH({d})+{m}+1,0))"
    out = [("sanction_date", f'IF(AND(ISNUMBER({d}),{t}<>""),IF({ASOF}<{end},"{tag("sanction_date")}"&{t}&"影响期"&{m}'
                             f'&"个月，至"&TEXT({end},"yyyy-mm-dd")&"止，基准日"&TEXT({ASOF},"yyyy-mm-dd")'
                             f'&"仍在影响期内，不得申报；",""),"")')]
    if "has_sanction" in c:
        h = c["has_sanction"]
        out.append(("sanction_type", f'IF(AND({h}="是",OR({t}="",NOT(ISNUMBER({d})))),'
                                     f'"{tag("sanction_type")}已填受过处分，请填写处分种类和决定日期；","")'))
        out.append(("has_sanction", f'IF(AND({h}="否",{t}<>""),"{tag("has_sanction")}填“否”但填写了处分种类；","")'))
    return out


def _sanction_describe(c: Cells, p: Params) -> list[str]:
    by_kind: dict[str, list[str]] = {}
    for _, kind, typ, months in p.bars:
        if not kind.startswith("（"):
            by_kind.setdefault(kind, []).append(f"{typ}{months}个月")
    detail = "；".join(f"{k}：{'、'.join(v)}" for k, v in by_kind.items())
    return [f"处分影响期：自处分决定日期起算，校验基准日仍在影响期内的标出（{detail}）"]


# --- seniority ----------------------------------------------------------------------------------------------------

def _seniority_parts(c: Cells) -> list[Part]:
    d, lvl = c["cur_title_date"], c["apply_level"]
    edu = c["edu_level"] if "edu_level" in c else '""'
    series = c["apply_series"] if "apply_series" in c else '""'
    sep = q("|")
    own = _lookup(SEN_YEARS, SEN_KEY, f"{series}&{sep}&{lvl}&{sep}&{edu}")
    req = f"IFERROR({own},{_lookup(SEN_YEARS, SEN_KEY, f'{sep}&{lvl}&{sep}&{edu}')})"
    held = f"((YEAR({CUTOFF})-YEAR({d}))*12+MONTH({CUTOFF})-MONTH({d})-(DAY({CUTOFF})<DAY({d})))/12"
    return [("cur_title_date", f'IF(AND(ISNUMBER({d}),{lvl}<>""),IF(AND(ISNUMBER({req}),{held}<{req}),'
                               f'"{tag("cur_title_date")}至"&TEXT({CUTOFF},"yyyy-mm-dd")&"任现职"&ROUND({held},1)'
                               f'&"年，申报"&{lvl}&"需满"&{req}&"年；",""),"")')]


def _seniority_describe(c: Cells, p: Params) -> list[str]:
    rows = [f"{lvl}（{edu}）{yrs}年" for _, series, lvl, edu, yrs in p.seniority if series == "（各系列）"
            and edu != "（未填学历）"]
    return ["任职年限：取得现资格时间至资历截止日的年限，是否达到申报级别的要求（" + "、".join(rows) + "）"]


# --- dates --------------------------------------------------------------------------------------------------------

def _publicity_parts(c: Cells) -> list[Part]:
    a, b = c["publicity_start"], c["publicity_end"]
    return [("publicity_end", f'IF(AND(ISNUMBER({a}),ISNUMBER({b})),IF({b}<{a},'
                              f'"{tag("publicity_end")}早于{field_label("publicity_start")}；",""),"")')]


CHECKS: list[Check] = [
    Check("required", lambda c: bool(c.required), _required_parts, _required_describe),
    Check("identity", lambda c: "id_number" in c, _id_parts, _id_describe),
    Check("hours_rows", lambda c: "ce_year" in c and any(f in c for f in ("ce_total_hours", "ce_public_hours",
                                                                          "ce_prof_hours")),
          _hours_row_parts, _hours_describe),
    Check("hours_years", lambda c: bool(c.years("ce_hours")), _hours_year_parts, _hours_describe),
    Check("sanction", lambda c: "sanction_type" in c and "sanction_date" in c, _sanction_parts, _sanction_describe),
    Check("seniority", lambda c: "cur_title_date" in c and "apply_level" in c, _seniority_parts, _seniority_describe),
    Check("publicity", lambda c: "publicity_start" in c and "publicity_end" in c, _publicity_parts,
          lambda c, p: [f"公示时间：{field_label('publicity_end')}是否早于{field_label('publicity_start')}"]),
]


def check_formula(c: Cells) -> tuple[str, list[str]]:
    """The check-column formula for one row, and the fields its messages can be about."""
    parts = [p for k in CHECKS if k.applies(c) for p in k.parts(c)]
    formula = "=" + "&".join(f'IFERROR({expr},"")' for _, expr in parts)
    return formula, list(dict.fromkeys(f for f, _ in parts))


def describe(c: Cells, params: Params) -> list[str]:
    return [line for k in CHECKS if k.applies(c) for line in k.describe(c, params)]
