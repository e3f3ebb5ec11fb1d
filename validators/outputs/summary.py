"""summary.xlsx: one sheet per view of the run (files, findings as a filterable table, counts by rule, category and
unit).  Every text cell is written as text: a value starting with ``=``, ``+``, ``-``, ``@``, tab or CR never
becomes a formula."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import xlsxwriter

from ..findings import RULES
from ..kinds import KINDS
from . import CATEGORY_CN, SEVERITY_CN, STATUS_CN, View, atomic_path, clean_text, rule_section

HEAD_FILL = "#D9D9D9"
STATUS_FILL = {"error": "#FFC7CE", "unreadable": "#FFC7CE", "warning": "#FFEB9C", "ok": "#C6EFCE", "info": "#DDEBF7"}
LINK_FONT = "#0563C1"
# Text is only ever text: no formulas, numbers or links made from what a string looks like.  constant_memory: each
# row goes to a temporary file once the next row starts, so 100,000 findings cost no more memory than 100 (rows are
# written in order, links included; 问题清单 gets an autofilter, since XlsxWriter 3.3.1 has no tables in this mode).
OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
           "constant_memory": True}
URL_ESCAPES = {"%": "%25", '"': "%22", " ": "%20", "<": "%3c", ">": "%3e", "[": "%5b", "]": "%5d", "^": "%5e",
               "`": "%60", "{": "%7b", "}": "%7d", "#": "%23"}


def url(target: str) -> str:
    """An ``external:`` link to a relative path.  XlsxWriter escapes a path (space as %20 ...) but reads ``#`` as the
    start of a place inside the file, and leaves a path alone that already holds an escape ("100%41.xlsx"), so the
    path is escaped here, "#" and "%" included.  XlsxWriter writes the "/" as "\\"."""
    return "external:" + "".join(URL_ESCAPES.get(ch) or _byte_escape(ch) for ch in target)


def _byte_escape(ch: str) -> str:
    """A lone surrogate (an undecodable byte of a file name, as Python keeps it) as that byte's escape: "%FF"."""
    return quote(ch, errors="surrogateescape") if "\udc80" <= ch <= "\udcff" else ch


class Link(NamedTuple):
    """A cell linking to a relative path (shown as the path)."""

    target: str
    fmt: object


def put(ws, row: int, col: int, value, fmt=None) -> None:
    """One cell: text always as text (control characters and lone surrogates removed), numbers as numbers."""
    if isinstance(value, Link):
        text = clean_text(value.target)
        if ws.write_url(row, col, url(value.target), value.fmt, text) >= 0:
            return
        value = text  # past Excel's limits (2,079 characters, 65,530 links a sheet): the path as text
    if isinstance(value, str) and value:
        value = clean_text(value)
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)  # no cell at all unless it has a format
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def sheet(wb, title: str, head: list[str], rows, widths: list[int], filter_rows: bool = True,
          formats: dict | None = None):
    """A sheet of one view: a bold header row, frozen, filterable.  ``rows``: lists of at most ``len(head)``
    values, written in order (constant_memory); ``formats``: a 0-based column -> its cell format, or a function of
    the row's index giving it."""
    ws = wb.add_worksheet(title)
    for c, w in enumerate(widths):
        ws.set_column_pixels(c, c, w * 7)  # stored as w characters, as before (set_column(w) adds 5 px of padding)
    head_fmt = wb.add_format({"bold": True, "pattern": 1, "bg_color": HEAD_FILL})
    for c, h in enumerate(head):
        put(ws, 0, c, h, head_fmt)
    formats = formats or {}
    per_row = [callable(formats.get(c)) for c in range(len(head))]
    n = 0
    for n, values in enumerate(rows, 1):
        for c, v in enumerate(values):
            fmt = formats.get(c)
            put(ws, n, c, v, fmt(n - 1) if per_row[c] else fmt)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.75, right=0.75, top=1, bottom=1)  # the margins openpyxl wrote (XlsxWriter's: 0.7, 0.75)
    if filter_rows and n:
        ws.autofilter(0, 0, n, len(head) - 1)
    return ws


def count_rows(groups, extra=lambda label: []) -> list[list]:
    return [[label, *extra(label), n["error"], n["warning"], n["info"], sum(n.values())] for label, n in groups]


def write(path: Path, view: View) -> None:
    """summary.xlsx, written to a temporary file beside ``path`` that then replaces it."""
    from zhicheng import __version__

    with atomic_path(path) as tmp, xlsxwriter.Workbook(str(tmp), OPTIONS) as wb:
        wb.set_properties({"author": f"zhicheng {__version__}"})
        add_sheets(wb, path, view, __version__)


def add_sheets(wb, path: Path, view: View, version: str) -> None:
    res, out = view.result, view.outputs
    fill = {status: wb.add_format({"pattern": 1, "bg_color": colour}) for status, colour in STATUS_FILL.items()}
    white = wb.add_format({"pattern": 1, "bg_color": "#FFFFFF"})

    # 文件
    link_fmt = wb.add_format({"font_color": LINK_FONT, "underline": 1})

    def file_row(rep):
        n = view.counts(rep.file)
        copy = out.annotated.get(rep.file)  # a link to the annotated copy, relative to summary.xlsx
        note = out.rebuilt.get(rep.file) or (f"未能生成：{out.failed[rep.file]}" if rep.file in out.failed else "")
        link = Link(copy.relative_to(path.parent).as_posix(), link_fmt) if copy else ""
        return [rep.file, STATUS_CN.get(rep.status, rep.status), KINDS.get(rep.kind, "") if rep.kind else "",
                rep.sheet or "", rep.unit or "", rep.rows, n["error"], n["warning"], n["info"], link, note]

    sheet(wb, "文件", ["文件", "状态", "表格类型", "工作表", "填报单位", "数据行数", "错误", "警告", "提示",
                      "标注副本", "备注"], map(file_row, res.reports), [40, 10, 20, 16, 30, 9, 7, 7, 7, 40, 40],
          formats={1: lambda i: fill.get(res.reports[i].status, white)})

    # 问题清单: filterable
    head = ["文件", "工作表", "单元格", "行", "列名", "级别", "规则代码", "类别", "问题说明", "填写的值", "填报单位"]
    units = view.unit_of()
    findings = view.findings
    rows = ([f.file, f.sheet or "", f.cell or "", f.row, f.column or "", SEVERITY_CN[f.severity], f.code,
             CATEGORY_CN.get(f.category, f.category), f.message, "" if f.value is None else str(f.value),
             units.get(f.file, "")] for f in findings)  # one row at a time
    widths = [36, 14, 8, 6, 22, 6, 9, 12, 70, 22, 28]
    if findings:
        sheet(wb, "问题清单", head, rows, widths,
              formats={5: lambda i: fill[findings[i].severity], 8: wb.add_format({"text_wrap": True, "valign": "top"})})
    else:
        sheet(wb, "问题清单", head, [["没有发现问题。"]], widths, filter_rows=False)

    for title, head, rows, widths in count_views(view):
        sheet(wb, title, head, rows, widths)
    sheet(wb, "说明", ["项目", "内容"], info_rows(view, version), [14, 80])


def count_views(view: View) -> list[tuple[str, list[str], list[list], list[int]]]:
    """(sheet, header, rows, widths) of the counts by rule, by category and by unit."""
    res = view.result
    units = view.unit_of()
    files_per_unit = Counter(units.values())
    statuses: dict[str, Counter] = {}
    for rep in res.reports:
        statuses.setdefault(units[rep.file], Counter())[rep.status] += 1
    unit_rows = count_rows(view.by_unit(), lambda u: [files_per_unit[u], statuses[u]["ok"]])
    seen = {r[0] for r in unit_rows}
    unit_rows += [[u, files_per_unit[u], statuses[u]["ok"], 0, 0, 0, 0] for u in sorted(files_per_unit) if u not in seen]
    return [
        ("按规则", ["规则代码", "类别", "检查内容", "如何修改", "错误", "警告", "提示", "合计"],
         count_rows(view.by_rule(), lambda code: [CATEGORY_CN.get(RULES[code].category, ""),
                                                  rule_section(code, "检查内容"), rule_section(code, "如何修改")]),
         [10, 12, 60, 60, 7, 7, 7, 7]),
        ("按类别", ["类别", "错误", "警告", "提示", "合计"], count_rows(view.by_category()), [16, 8, 8, 8, 8]),
        ("按单位", ["填报单位", "文件数", "通过的文件", "错误", "警告", "提示", "合计"], unit_rows,
         [36, 8, 10, 8, 8, 8, 8]),
    ]


def info_rows(view: View, version: str) -> list[list]:
    """The 说明 sheet: policy, as-of date, counts, where the copies are."""
    res, out = view.result, view.outputs
    sev = Counter(f.severity for f in view.findings)
    status = Counter(r.status for r in res.reports)
    return [["政策", f"{view.policy.title}（{view.policy.name}）"], ["校验基准日", view.as_of.isoformat()],
            ["文件数", len(res.reports)],
            ["文件状态", "，".join(f"{STATUS_CN.get(k, k)} {v}" for k, v in sorted(status.items()))],
            ["问题数", f"{len(view.findings)}（错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}）"],
            ["标注副本", f"{len(out.annotated)} 个，位于 annotated 文件夹" if out.annotated else "未生成"],
            ["工具", f"zhicheng {version}"]]
