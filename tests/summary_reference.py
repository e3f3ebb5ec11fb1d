"""The openpyxl writer of summary.xlsx that validators/outputs/summary.py replaced, kept verbatim as the reference
its output is compared with (tests/test_outputs.py).

summary.xlsx: one sheet per view of the run (files, findings as a filterable table, counts by rule, category and
unit).  Every text cell is written as text: a value starting with ``=``, ``+``, ``-``, ``@``, tab or CR never
becomes a formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhicheng.validators.kinds import KINDS
from zhicheng.validators.outputs import (CATEGORY_CN, SEVERITY_CN, STATUS_CN, View, atomic_path, clean_text)

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="FFD9D9D9")
STATUS_FILL = {"error": "FFFFC7CE", "unreadable": "FFFFC7CE", "warning": "FFFFEB9C", "ok": "FFC6EFCE",
               "info": "FFDDEBF7"}
WRAP = Alignment(wrap_text=True, vertical="top")


def put(ws, row: int, col: int, value):
    """Write one cell; text is always stored as text (never a formula)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def sheet(wb, title: str, head: list[str], rows: list[list], widths: list[int], filter_rows: bool = True):
    """A sheet of one view: a bold header row, frozen; filterable unless an Excel table will cover it."""
    ws = wb.create_sheet(title)
    for c, h in enumerate(head, 1):
        cell = put(ws, 1, c, h)
        cell.font, cell.fill = BOLD, HEAD_FILL
    for r, values in enumerate(rows, 2):
        for c, v in enumerate(values, 1):
            put(ws, r, c, v)
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if filter_rows and rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(rows) + 1}"
    return ws


def count_rows(groups, extra=lambda label: []) -> list[list]:
    return [[label, *extra(label), n["error"], n["warning"], n["info"], sum(n.values())] for label, n in groups]


def write(path: Path, view: View) -> None:
    res, out = view.result, view.outputs
    wb = Workbook()
    wb.remove(wb.active)

    # 文件
    rows = []
    for rep in res.reports:
        n = view.counts(rep.file)
        copy = out.annotated.get(rep.file)
        note = out.rebuilt.get(rep.file) or (f"未能生成：{out.failed[rep.file]}" if rep.file in out.failed else "")
        rows.append([rep.file, STATUS_CN.get(rep.status, rep.status), KINDS.get(rep.kind, "") if rep.kind else "",
                     rep.sheet or "", rep.unit or "", rep.rows, n["error"], n["warning"], n["info"],
                     copy.relative_to(path.parent).as_posix() if copy else "", note])
    ws = sheet(wb, "文件", ["文件", "状态", "表格类型", "工作表", "填报单位", "数据行数", "错误", "警告", "提示",
                           "标注副本", "备注"], rows, [40, 10, 20, 16, 30, 9, 7, 7, 7, 40, 40])
    for r, rep in enumerate(res.reports, 2):
        ws.cell(row=r, column=2).fill = PatternFill("solid", fgColor=STATUS_FILL.get(rep.status, "FFFFFFFF"))
        link = ws.cell(row=r, column=10)
        if link.value:
            link.hyperlink = link.value
            link.font = Font(color="FF0563C1", underline="single")

    # 问题清单: filterable
    head = ["文件", "工作表", "单元格", "行", "列名", "级别", "规则代码", "类别", "问题说明", "填写的值", "填报单位"]
    units = view.unit_of()
    rows = [[f.file, f.sheet or "", f.cell or "", f.row, f.column or "", SEVERITY_CN[f.severity], f.code,
             CATEGORY_CN.get(f.category, f.category), f.message, "" if f.value is None else str(f.value),
             units.get(f.file, "")] for f in view.findings]
    ws = sheet(wb, "问题清单", head, rows, [36, 14, 8, 6, 22, 6, 9, 12, 70, 22, 28], filter_rows=bool(rows))
    for r, f in enumerate(view.findings, 2):
        ws.cell(row=r, column=6).fill = PatternFill("solid", fgColor=STATUS_FILL[f.severity])
        ws.cell(row=r, column=9).alignment = WRAP
    if not rows:
        put(ws, 2, 1, "没有发现问题。")

    # 按规则 / 按类别 / 按单位, 说明: the rows are the writer's (what is counted is not what this compares)
    from zhicheng import __version__
    from zhicheng.validators.outputs.summary import count_views, info_rows

    for title, head, rows, widths in count_views(view):
        sheet(wb, title, head, rows, widths)
    sheet(wb, "说明", ["项目", "内容"], info_rows(view, __version__), [14, 80])
    with atomic_path(path) as tmp:
        wb.save(tmp)
