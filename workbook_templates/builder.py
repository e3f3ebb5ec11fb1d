"""Write an official-looking ``.xlsx`` template from a spec, the field dictionary and a policy profile.

Layout of the data sheet: 附件 number, title, 填报单位（盖章）/填报日期 line, a one-line 填写提示, one or two header rows
(merged parents), the data rows with drop-downs, validation and a native-formula check column, and a 填表人/审核人
line.  A 填表说明 sheet explains every column and holds the policy parameters the formulas read; a hidden
``_zc_meta`` sheet (and custom document properties) record kind, template version and policy for the reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from zhicheng import __version__
from zhicheng.validators.fields import ENUMS, base_field, field_label, match_header
from zhicheng.validators.kinds import KIND_SPECS
from zhicheng.validators.policy import Policy
from zhicheng.validators.reader import TEMPLATE_META_SHEET

from . import checks
from .params import Params, build_params
from .spec import Col, Spec, SpecError, load, policy_years

TEMPLATE_VERSION = "1"
INSTRUCTIONS_SHEET = "填表说明"  # the reader skips it; it also holds the parameter area
CHECK_HEADER = "自动检查"  # maps to no field, so the reader never reads the check column as data
DEFAULT_ROWS = 50
DATA_ROW_HEIGHT = 36
FIRST_ROW = 5  # first header row; rows 1-4: 附件, title, 填报单位 line, 填写提示

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(name=FONT, color="9C0006")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_MIN, DATE_MAX = dt.date(1930, 1, 1), dt.date(2100, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)
TYPE_HINT = {"date": "日期，如 2019-06-30", "number": "数字", "id": "18位，文本格式", "text": "文字"}


@dataclass(frozen=True)
class ExtraColumn:
    """A computed column after the data columns: the check column, or (issue 6) a plug-in column."""

    header: str
    width: int
    formula: Callable[["Layout", int], str]  # (layout, Excel row) -> formula
    help: str


@dataclass
class Layout:
    spec: Spec
    params: Params
    cols: list[Col]
    extras: list[ExtraColumn]
    rows: int

    @property
    def two_level(self) -> bool:
        return any(c.parent for c in self.cols)

    @property
    def header_rows(self) -> tuple[int, int]:
        return FIRST_ROW, FIRST_ROW + (1 if self.two_level else 0)

    @property
    def first_row(self) -> int:
        return self.header_rows[1] + 1

    @property
    def last_row(self) -> int:
        return self.first_row + self.rows - 1

    @property
    def width(self) -> int:
        return len(self.cols) + len(self.extras)

    @property
    def letters(self) -> dict[str, str]:
        return {c.field: get_column_letter(i + 1) for i, c in enumerate(self.cols)}

    def header_range(self) -> str:
        """The data columns' header, absolute (``$A$5:$AB$6``): for computed columns that read the header."""
        top, sub = self.header_rows
        return f"$A${top}:${get_column_letter(len(self.cols))}${sub}"

    def row_range(self, row: int) -> str:
        """One row's data cells (``A7:AB7``)."""
        return f"A{row}:{get_column_letter(len(self.cols))}{row}"

    def extra_letter(self, header: str) -> str:
        return get_column_letter(len(self.cols) + 1 + [e.header for e in self.extras].index(header))

    def cells(self, row: int) -> checks.Cells:
        return checks.Cells(self.letters, row, KIND_SPECS[self.spec.kind].required_values)


def _serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def _check_column() -> ExtraColumn:
    return ExtraColumn(CHECK_HEADER, 44, lambda lay, row: checks.check_formula(lay.cells(row))[0],
                       "由公式自动显示本行能看出的错误，请勿填写或修改；显示为空表示未发现问题")


def layout(kind: str, policy: Policy, rows: int = DEFAULT_ROWS, extras: list[ExtraColumn] | None = None) -> Layout:
    spec = load(kind)
    if rows < 1:
        raise SpecError(f"预留的数据行数应至少为1，现为{rows}")
    years = {base: policy_years(policy, base) for base in ("ce_hours", "appraisal")}
    as_of = policy.as_of().year
    params = build_params(policy, sorted(set(years["ce_hours"]) | set(range(as_of - 8, as_of + 1))))
    extra = [_check_column(), *(extras or [])]
    for e in extra:
        if match_header(e.header) is not None:
            raise ValueError(f"computed column {e.header!r} would be read as field {match_header(e.header)}")
    return Layout(spec, params, spec.expand(years), extra, rows)


# ---------------------------------------------------------------------------------------------------------------
# The data sheet
# ---------------------------------------------------------------------------------------------------------------


def _font(size=11, bold=False, color=None, name=FONT) -> Font:
    return Font(name=name, size=size, bold=bold, color=color)


def _write_top(ws, lay: Layout) -> None:
    w = lay.width
    last = get_column_letter(w)
    ws["A1"] = lay.spec.attachment
    ws["A1"].font = _font(12, True, name="黑体")
    ws["A2"] = lay.spec.title
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].font = _font(18, True, name="黑体")
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 36
    # 填报单位（盖章）：[unit] … 填报日期：[date]; the reader takes both from this line
    split = max(3, w - 5)
    ws["A3"] = "填报单位（盖章）："
    ws.merge_cells("A3:C3")
    ws.merge_cells(f"D3:{get_column_letter(split)}3")
    ws.cell(3, split + 1, "填报日期：").alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=3, start_column=split + 1, end_row=3, end_column=split + 2)
    ws.merge_cells(start_row=3, start_column=split + 3, end_row=3, end_column=w)
    for c in (4, split + 3):  # the input cells are text, so a typed date stays as written
        ws.cell(3, c).border = Border(bottom=THIN)
        ws.cell(3, c).alignment = Alignment(horizontal="left")
        ws.cell(3, c).number_format = "@"
    for c in range(1, w + 1):
        ws.cell(3, c).font = _font(11)
    ws["A4"] = (f"填写提示：红色列名为必填项；有下拉箭头的列请从列表中选择；日期请填完整日期，如 1985-06-12；身份证号码列为文本格式；"
                f"“{CHECK_HEADER}”列会标出本行能看出的错误（按“{lay.params.policy.short}”政策参数），详见“{INSTRUCTIONS_SHEET}”工作表。")
    ws.merge_cells(f"A4:{last}4")
    ws["A4"].font = _font(9, color="595959")
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[4].height = 27


def _write_headers(ws, lay: Layout) -> None:
    top, sub = lay.header_rows
    required = set(KIND_SPECS[lay.spec.kind].required_values)
    headers = [(c.parent, c.label, c.field in required) for c in lay.cols] + [(None, e.header, False) for e in lay.extras]
    i = 0
    while i < len(headers):
        parent, label, req = headers[i]
        col = i + 1
        if parent is None:
            ws.cell(top, col, label)
            if sub != top:
                ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
            i += 1
            continue
        j = i
        while j + 1 < len(headers) and headers[j + 1][0] == parent:
            j += 1
        ws.cell(top, col, parent)
        if j > i:
            ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=j + 1)
        for k in range(i, j + 1):
            ws.cell(sub, k + 1, headers[k][1])
        i = j + 1
    for r in range(top, sub + 1):
        ws.row_dimensions[r].height = 30 if sub != top else 42
        for c in range(1, lay.width + 1):
            cell = ws.cell(r, c)
            cell.border, cell.alignment, cell.fill = BOX, CENTER, HEAD_FILL
            cell.font = _font(10, True)
    for k, (parent, label, req) in enumerate(headers):
        if req:
            ws.cell(sub if parent else top, k + 1).font = _font(10, True, "C00000")


def _prompt(col: Col) -> str:
    f = base_field(col.field)
    parts = [f.help] if f.help else []
    if f.enum:
        parts.append("请从下拉列表选择：" + "、".join(f.allowed()))
    else:
        parts.append(TYPE_HINT[f.type])
    return "；".join(parts)[:250]


def _validation(col: Col, rng: str) -> DataValidation | None:
    f = base_field(col.field)
    title = field_label(col.field)[:32]
    common = dict(showInputMessage=True, showErrorMessage=True, allow_blank=True, promptTitle=title,
                  prompt=_prompt(col), errorTitle=f"{title[:26]}填写有误")
    if f.enum:
        enum = ENUMS[f.enum]
        dv = DataValidation(type="list", formula1='"' + ",".join(enum.canonical()) + '"',
                            errorStyle="stop" if enum.strict else "warning",
                            error=("只能从下拉列表中选择：" if enum.strict else "不是常见取值，确定保留请点“是”。常见取值：")
                            + "、".join(enum.canonical())[:200], **common)
    elif f.type == "date":
        dv = DataValidation(type="date", operator="between", formula1=str(_serial(DATE_MIN)),
                            formula2=str(_serial(DATE_MAX)), errorStyle="stop",
                            error="请输入有效日期，如 2019-06-30（年-月-日），不要输入 2019.06 这样的文字", **common)
    elif f.type == "number" and f.name.endswith("_year"):
        dv = DataValidation(type="whole", operator="between", formula1="1950", formula2="2100", errorStyle="stop",
                            error="请输入四位年份，如 2022", **common)
    elif f.type == "number":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", errorStyle="stop",
                            error="请输入不小于0的数字，不要带“学时”等单位", **common)
    elif f.type == "id":
        dv = DataValidation(type="textLength", operator="equal", formula1="18", errorStyle="stop",
                            error="应为18位（17位数字加1位数字或大写X）；本列为文本格式，请直接输入", **common)
    elif f.help:
        dv = DataValidation(type=None, **common)
        dv.showErrorMessage = False
    else:
        return None
    dv.add(rng)
    return dv


def _write_data(ws, lay: Layout) -> None:
    r1, r2 = lay.first_row, lay.last_row
    for r in range(r1, r2 + 1):  # room for three lines of check messages (spreadsheets do not grow rows for formulas)
        ws.row_dimensions[r].height = DATA_ROW_HEIGHT
    for i, col in enumerate(lay.cols, start=1):
        f = base_field(col.field)
        letter = get_column_letter(i)
        fmt = {"id": "@", "date": "yyyy-mm-dd"}.get(f.type, "General")
        for r in range(r1, r2 + 1):
            cell = ws.cell(r, i)
            cell.border, cell.number_format = BOX, fmt
            cell.font = _font(10)
            cell.alignment = Alignment(vertical="center", horizontal="left" if f.type == "text" else "center",
                                       wrap_text=f.type == "text")
        dv = _validation(col, f"{letter}{r1}:{letter}{r2}")
        if dv is not None:
            ws.add_data_validation(dv)
        ws.column_dimensions[letter].width = max(f.width, 6)
    for k, extra in enumerate(lay.extras):
        c = len(lay.cols) + 1 + k
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = extra.width
        for r in range(r1, r2 + 1):
            cell = ws.cell(r, c, extra.formula(lay, r))
            cell.border = BOX
            cell.font = _font(9, color="C00000")
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.add_data_validation(_note(extra, f"{letter}{r1}:{letter}{r2}"))
    _marks(ws, lay)


def _note(extra: ExtraColumn, rng: str) -> DataValidation:
    dv = DataValidation(type=None, showInputMessage=True, promptTitle=extra.header[:32], prompt=extra.help[:250])
    dv.add(rng)
    return dv


def _marks(ws, lay: Layout) -> None:
    """Conditional formatting: the check cell when it says something, and each cell its message is about."""
    r1, r2 = lay.first_row, lay.last_row
    chk = lay.extra_letter(CHECK_HEADER)
    ws.conditional_formatting.add(f"{chk}{r1}:{chk}{r2}",
                                  FormulaRule(formula=[f"LEN(${chk}{r1})>0"], fill=BAD_FILL, font=BAD_FONT))
    _, about = checks.check_formula(lay.cells(r1))
    letters = lay.letters
    for fld in about:
        x = letters[fld]
        ws.conditional_formatting.add(f"{x}{r1}:{x}{r2}", FormulaRule(
            formula=[f'ISNUMBER(FIND("{checks.tag(fld)}",${chk}{r1}))'], fill=BAD_FILL))


def _write_bottom(ws, lay: Layout) -> int:
    r = lay.last_row + 1
    w = lay.width
    third = max(1, w // 3)
    for c, text in ((1, "填表人："), (third + 1, "审核人："), (2 * third + 1, "联系电话：")):
        ws.cell(r, c, text).font = _font(11)
    ws.row_dimensions[r].height = 24
    return r


def _page_setup(ws, lay: Layout, bottom: int) -> None:
    top, sub = lay.header_rows
    ws.freeze_panes = f"C{lay.first_row}"
    ws.print_title_rows = f"{top}:{sub}"
    ws.print_area = f"A1:{get_column_letter(lay.width)}{bottom}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.8
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.oddFooter.left.text = f"模板 {lay.spec.kind} v{TEMPLATE_VERSION}（政策参数：{lay.params.policy.short}）"
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8


# ---------------------------------------------------------------------------------------------------------------
# 填表说明 and the parameter area
# ---------------------------------------------------------------------------------------------------------------


def _section(ws, r: int, text: str) -> int:
    ws.cell(r, 1, text).font = _font(12, True, name="黑体")
    return r + 1


def _table(ws, r: int, header: list[str], rows: list[list]) -> tuple[int, int]:
    """Write a bordered table; returns (first data row, last data row)."""
    for k, h in enumerate(header, start=1):
        cell = ws.cell(r, k, h)
        cell.font, cell.fill, cell.border, cell.alignment = _font(10, True), HEAD_FILL, BOX, CENTER
    first = r + 1
    for i, values in enumerate(rows or [["—"] + [None] * (len(header) - 1)]):
        for k, v in enumerate(values, start=1):
            cell = ws.cell(first + i, k, v)
            cell.font, cell.border = _font(10), BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
    return first, first + max(len(rows), 1) - 1


def _name(wb, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")


def write_instructions(wb, lay: Layout) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    spec, p, pol = lay.spec, lay.params, lay.params.policy
    for letter, width in zip("ABCDEF", (12, 26, 10, 12, 56, 44)):
        ws.column_dimensions[letter].width = width
    ws["A1"] = f"{spec.title} 填表说明"
    ws["A1"].font = _font(16, True, name="黑体")
    ws["A2"] = (f"本表由 zhicheng {__version__} 生成（模板 {spec.kind}，版本 {TEMPLATE_VERSION}），"
                f"按政策配置“{pol.title}”（{pol.name}）设置检查参数。")
    r = _section(ws, 4, "一、填写要求")
    general = [*spec.notes,
               "有下拉箭头的列只能从列表中选择；日期列请输入完整日期（如 2019-06-30）；数字列不要带“学时”等单位。",
               "身份证号码列已设为文本格式，请直接输入18位号码，末位X大写；不要从其他表格带格式粘贴。",
               "请勿修改、删除或移动表头和列；行数不够时，在表格最后一行之前插入整行。",
               f"“{CHECK_HEADER}”列由公式自动生成，只能看出本行的错误；报送前请用 zhicheng validate 做完整校验。"]
    for i, text in enumerate(general, start=1):
        ws.cell(r, 1, f"{i}. {text}").font = _font(10)
        r += 1
    r = _section(ws, r + 1, "二、各列说明")
    required = set(KIND_SPECS[spec.kind].required_values)
    rows = []
    for k, col in enumerate(lay.cols, start=1):
        f = base_field(col.field)
        fmt = "、".join(f.allowed()) if f.enum else TYPE_HINT[f.type]
        rows.append([get_column_letter(k), col.header.replace("/", "—"), "是" if col.field in required else "",
                     field_label(col.field), f.help or "", fmt])
    for e in lay.extras:
        rows.append([lay.extra_letter(e.header), e.header, "", "", e.help, "公式"])
    _, r = _table(ws, r, ["列", "列名", "必填", "字段", "填写要求", "可选值或格式"], rows)
    r = _section(ws, r + 2, f"三、“{CHECK_HEADER}”列检查的内容")
    for i, text in enumerate(checks.describe(lay.cells(lay.first_row), p), start=1):
        ws.cell(r, 1, f"{i}. {text}").font = _font(10)
        r += 1
    r = _section(ws, r + 1, "四、校验参数（按政策配置生成，公式引用本区域，请勿修改）")
    ws.cell(r, 1, "政策配置").font = _font(10, True)
    ws.cell(r, 2, f"{pol.name}：{pol.title}")
    ws.cell(r + 1, 1, "校验基准日").font = _font(10, True)
    ws.cell(r + 1, 2, p.as_of if p.as_of else "=TODAY()").number_format = "yyyy-mm-dd"
    ws.cell(r + 1, 5, "事项发生在此日期之前才算数；处分影响期按此日期判断" + ("" if p.as_of else "（政策未规定，取打开表格当天）"))
    ws.cell(r + 2, 1, "资历截止日").font = _font(10, True)
    ws.cell(r + 2, 2, p.cutoff if p.cutoff else "=B" + str(r + 1)).number_format = "yyyy-mm-dd"
    ws.cell(r + 2, 5, "任职年限计算到此日期" + ("" if p.cutoff else "（政策未规定，同校验基准日）"))
    ws.cell(r + 3, 1, "模板版本").font = _font(10, True)
    ws.cell(r + 3, 2, f"{spec.kind} v{TEMPLATE_VERSION}")
    _name(wb, checks.ASOF, ws.title, f"$B${r + 1}")
    _name(wb, checks.CUTOFF, ws.title, f"$B${r + 2}")
    r += 5
    ws.cell(r, 1, "继续教育学时要求").font = _font(10, True)
    a, b = _table(ws, r + 1, ["键", "年度", "基层", "民营经济组织", "总学时", "其中专业科目"], [list(h) for h in p.hours])
    _name(wb, checks.CE_KEY, ws.title, f"$A${a}:$A${b}")
    _name(wb, checks.CE_TOTAL, ws.title, f"$E${a}:$E${b}")
    _name(wb, checks.CE_PROF, ws.title, f"$F${a}:$F${b}")
    r = b + 2
    ws.cell(r, 1, "处分影响期（月）").font = _font(10, True)
    a, b = _table(ws, r + 1, ["键", "处分类别", "处分种类", "月数"], [list(x) for x in p.bars])
    _name(wb, checks.BAR_KEY, ws.title, f"$A${a}:$A${b}")
    _name(wb, checks.BAR_MONTHS, ws.title, f"$D${a}:$D${b}")
    r = b + 2
    ws.cell(r, 1, "任现职年限要求（年）").font = _font(10, True)
    a, b = _table(ws, r + 1, ["键", "系列", "申报级别", "学历", "年限"], [list(x) for x in p.seniority])
    _name(wb, checks.SEN_KEY, ws.title, f"$A${a}:$A${b}")
    _name(wb, checks.SEN_YEARS, ws.title, f"$E${a}:$E${b}")
    ws.protection.sheet = True  # read-only without a password: a handler cannot change the parameters by accident
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_meta(wb, lay: Layout) -> None:
    """What the reader needs to recognise a filled template: kind, version, policy, sheet and header rows."""
    pol = lay.params.policy
    meta = {
        "kind": lay.spec.kind,
        "template_version": TEMPLATE_VERSION,
        "policy": pol.name,
        "policy_title": pol.title,
        "sheet": lay.spec.sheet,
        "header_rows": "{}-{}".format(*lay.header_rows),
        "first_row": str(lay.first_row),
        "columns": ";".join(f"{x}={f}" for f, x in lay.letters.items()),
        "generator": f"zhicheng {__version__}",
    }
    ws = wb.create_sheet(TEMPLATE_META_SHEET)
    for k, v in meta.items():
        ws.append([k, v])
    ws.sheet_state = "hidden"
    for k in ("kind", "template_version", "policy"):
        wb.custom_doc_props.append(StringProperty(name=f"zhicheng.{k}", value=meta[k]))


# ---------------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------------


def build(kind: str, policy: Policy, rows: int = DEFAULT_ROWS, extras: list[ExtraColumn] | None = None) -> Workbook:
    lay = layout(kind, policy, rows, extras)
    wb = Workbook()
    ws = wb.active
    ws.title = lay.spec.sheet
    _write_top(ws, lay)
    _write_headers(ws, lay)
    _write_data(ws, lay)
    _page_setup(ws, lay, _write_bottom(ws, lay))
    write_instructions(wb, lay)
    write_meta(wb, lay)
    wb.properties.title = lay.spec.title
    wb.properties.creator = f"zhicheng {__version__}"
    wb.active = 0
    return wb


def default_name(kind: str, policy: Policy) -> str:
    return f"{load(kind).title}_{policy.name}.xlsx"


def udf_extras(kind: str, policy: Policy) -> list[ExtraColumn]:
    """The optional plug-in column (issue 6): ``=ZC_CHECKROW(header, row, policy, "", kind)`` on every row."""
    from zhicheng.validators.policy import builtin_names
    from zhicheng.xlplugin.templating import udf_column_formula

    name = policy.name if policy.name in builtin_names() else None  # a user's file path is not portable
    return [ExtraColumn("插件检查", 40, lambda lay, row: udf_column_formula(kind, lay.header_range(),
                                                                           lay.row_range(row), name),
                        "需安装 xlwings 插件（见 docs/excel.md）：与批量校验相同的完整检查；未安装插件时显示 #NAME?")]


def add_xlwings_conf(wb: Workbook) -> None:
    """The ``xlwings.conf`` sheet naming the UDF module, for the classic xlwings add-in."""
    from zhicheng.xlplugin.templating import CONF_SHEET, xlwings_conf_rows

    ws = wb.create_sheet(CONF_SHEET)
    for key, value in xlwings_conf_rows():
        ws.append([key, value])
    ws.sheet_state = "hidden"


def save(kind: str, policy: Policy, out: Path | None = None, rows: int = DEFAULT_ROWS, with_udf: bool = False) -> Path:
    out = Path(out) if out else Path(default_name(kind, policy))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = build(kind, policy, rows, udf_extras(kind, policy) if with_udf else None)
    if with_udf:
        add_xlwings_conf(wb)
    from zhicheng.validators.outputs import atomic_path

    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
