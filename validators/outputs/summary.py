"""summary.xlsx: one sheet per view of the run (files, findings as a filterable table, counts by rule, category and
unit).  Every text cell is written as text: a value starting with ``=``, ``+``, ``-``, ``@``, tab or CR never
becomes a formula.

The workbook is written part by part straight into the zip (:class:`Book`), rows in batches: memory stays flat
however many findings there are, and the 5,000 findings of 300 files take a fraction of what XlsxWriter took."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote
import zipfile

from lxml import etree

from ..findings import RULES
from ..kinds import KINDS
from . import CATEGORY_CN, SEVERITY_CN, STATUS_CN, View, atomic_path, rule_section
from .xlsx import CT, CT_STYLES, CT_WORKSHEET, NS, R_NS, REL, Styles, col_letters, esc, quote_sheet, to_bytes

HEAD_FILL = "FFD9D9D9"
STATUS_FILL = {"error": "FFFFC7CE", "unreadable": "FFFFC7CE", "warning": "FFFFEB9C", "ok": "FFC6EFCE",
               "info": "FFDDEBF7"}
URL_ESCAPES = {"%": "%25", '"': "%22", " ": "%20", "<": "%3c", ">": "%3e", "[": "%5b", "]": "%5d", "^": "%5e",
               "`": "%60", "{": "%7b", "}": "%7d", "#": "%23"}
MAX_LINKS, MAX_URL = 65_530, 2_079  # Excel's limits: links a sheet, characters a link
MAX_ROWS = 1_048_576  # Excel's rows a sheet: past it, one last row says how many rows were left out
BATCH = 2_000  # rows joined per write: a run of 100,000 findings never holds its sheet in memory


def url(target: str) -> str:
    """A relative link's target as Excel writes one: escaped ("#" and "%" included, an undecodable byte of a file
    name as its own escape "%FF"), with "\\" between folders."""
    return "".join(URL_ESCAPES.get(ch) or _byte_escape(ch) for ch in target).replace("/", "\\")


def _byte_escape(ch: str) -> str:
    """A lone surrogate (an undecodable byte of a file name, as Python keeps it) as that byte's escape: "%FF"."""
    return quote(ch, errors="surrogateescape") if "\udc80" <= ch <= "\udcff" else ch


class Link(NamedTuple):
    """A cell linking to a relative path (shown as the path)."""

    target: str
    style: int


def write(path: Path, view: View) -> None:
    """summary.xlsx, written to a temporary file beside ``path`` that then replaces it."""
    from zhicheng import __version__

    with atomic_path(path) as tmp:
        book = Book(tmp, f"zhicheng {__version__}")
        try:
            add_sheets(book, path, view, __version__)
        finally:
            book.close()


class Book:
    """Just enough of a workbook for summary.xlsx, written part by part into the zip as it goes: sheets of a
    bold, frozen, filterable header row and rows of text (always inline text: never a formula), numbers and links
    to files.  The cell formats come from :class:`.xlsx.Styles`, as the annotated copies' do."""

    def __init__(self, path: Path, author: str):
        self.zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.author = author
        self.styles = Styles(etree.fromstring(BASE_STYLES))
        self.head = self.styles.xf(0, fill=HEAD_FILL, font=self.styles.font(bold=True))
        self.sheets: list[tuple[str, str | None]] = []  # (title, filter range)

    def fill(self, rgb: str) -> int:
        return self.styles.xf(0, fill=rgb)

    def sheet(self, title: str, head: list[str], rows, widths: list[int], filter_rows: bool = True,
              formats: dict | None = None) -> None:
        """One sheet: ``rows`` are lists of at most ``len(head)`` values, written in order; ``formats``: a 0-based
        column -> its cell format, or a function of the row's index giving it."""
        n_sheet = len(self.sheets) + 1
        letters = [col_letters(c) for c in range(1, len(head) + 1)]
        formats = formats or {}
        fixed = [None if callable(formats.get(c)) else formats.get(c) for c in range(len(head))]
        per_row = [(c, formats[c]) for c in range(len(head)) if callable(formats.get(c))]
        links: list[tuple[str, str]] = []  # (cell, target)
        selected = 'tabSelected="1" ' if n_sheet == 1 else ""

        def cell(ref: str, v, style) -> str:
            if type(v) is Link:
                if len(links) < MAX_LINKS and len(target := url(v.target)) <= MAX_URL:
                    links.append((ref, target))
                    style = v.style
                v = v.target
            sa = f' s="{style}"' if style else ""
            if v is None or v == "":
                return f'<c r="{ref}"{sa}/>' if style else ""
            if isinstance(v, str):
                return f'<c r="{ref}"{sa} t="inlineStr"><is><t xml:space="preserve">{esc(v)}</t></is></c>'
            if isinstance(v, bool):
                return f'<c r="{ref}"{sa} t="b"><v>{int(v)}</v></c>'
            return f'<c r="{ref}"{sa}><v>{v}</v></c>'

        with self.zf.open(f"xl/worksheets/sheet{n_sheet}.xml", "w") as fh:
            fh.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" '
                      f'xmlns:r="{R_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView '
                      f'{selected}workbookViewId="0"><pane ySplit="1" '
                      'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                      'activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                      '<cols>' + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                         for i, w in enumerate(widths, 1)) + '</cols><sheetData>').encode())
            out = ['<row r="1">' + "".join(cell(f"{x}1", h, self.head) for x, h in zip(letters, head)) + "</row>"]
            n = 0
            rows = iter(rows)
            for n, values in enumerate(rows, 1):
                r = n + 1
                if r == MAX_ROWS:  # the sheet's last row: how many rows are left out
                    note = (f"另有 {1 + sum(1 for _ in rows)} 行未列出：超过了 Excel 每个工作表 {MAX_ROWS} 行的上限。"
                            "完整的清单见 findings.json。")
                    out.append(f'<row r="{r}">{cell(f"A{r}", note, None)}</row>')
                    break
                styles = fixed
                if per_row:
                    styles = list(fixed)
                    for c, fmt in per_row:
                        styles[c] = fmt(n - 1)
                out.append(f'<row r="{r}">' + "".join(cell(f"{x}{r}", v, st) for x, v, st in zip(letters, values, styles))
                           + "</row>")
                if len(out) >= BATCH:
                    fh.write("".join(out).encode())
                    out.clear()
            last = f"{letters[-1]}{n + 1}"
            out.append("</sheetData>")
            ref = f"A1:{last}" if filter_rows and n else None
            if ref:
                out.append(f'<autoFilter ref="{ref}"/>')
            if links:
                out.append("<hyperlinks>" + "".join(f'<hyperlink ref="{c}" r:id="rId{i}"/>'
                                                    for i, (c, _) in enumerate(links, 1)) + "</hyperlinks>")
            out.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                       '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
            fh.write("".join(out).encode())
        if links:
            self.zf.writestr(f"xl/worksheets/_rels/sheet{n_sheet}.xml.rels", RELS.format("".join(
                f'<Relationship Id="rId{i}" Type="{REL}hyperlink" Target="{esc(t, True)}" '
                'TargetMode="External"/>' for i, (_, t) in enumerate(links, 1))))
        self.sheets.append((title, f"{quote_sheet(title)}!$A$1:${letters[-1]}${n + 1}" if ref else None))

    def close(self) -> None:
        """The parts that list the sheets, then the zip's directory."""
        zf, sheets = self.zf, self.sheets
        try:
            overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT_WORKSHEET}"/>'
                                for i in range(1, len(sheets) + 1))
            zf.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides))
            zf.writestr("_rels/.rels", RELS.format(
                f'<Relationship Id="rId1" Type="{REL}officeDocument" Target="xl/workbook.xml"/>'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
                'metadata/core-properties" Target="docProps/core.xml"/>'))
            zf.writestr("docProps/core.xml", CORE.format(esc(self.author)))
            zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(
                "".join(f'<Relationship Id="rId{i}" Type="{REL}worksheet" Target="worksheets/sheet{i}.xml"/>'
                        for i in range(1, len(sheets) + 1))
                + f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}styles" Target="styles.xml"/>'))
            zf.writestr("xl/styles.xml", to_bytes(self.styles.root))
            names = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                            f"{esc(ref)}</definedName>" for i, (_, ref) in enumerate(sheets) if ref)
            zf.writestr("xl/workbook.xml", (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}" '
                f'xmlns:r="{R_NS}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
                + "".join(f'<sheet name="{esc(t, True)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, (t, _) in enumerate(sheets, 1))
                + "</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"))
        finally:
            zf.close()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                 'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                 f'xml"/><Override PartName="/xl/workbook.xml" ContentType="{CT}spreadsheetml.sheet.main+xml"/>'
                 f'<Override PartName="/xl/styles.xml" ContentType="{CT_STYLES}"/><Override '
                 'PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties'
                 '+xml"/>{}</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships">{}</Relationships>')
CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<dc:creator>{}</dc:creator></cp:coreProperties>')
BASE_STYLES = (f'<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
               '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
               'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
               '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
               'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
               'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
               '</cellStyles></styleSheet>')


def add_sheets(book: Book, path: Path, view: View, version: str) -> None:
    res, out = view.result, view.outputs
    fill = {status: book.fill(colour) for status, colour in STATUS_FILL.items()}
    white = book.fill("FFFFFFFF")

    # 文件
    link_style = book.styles.xf(0, font=book.styles.font(link=True))

    def file_row(rep):
        n = view.counts(rep.file)
        copy = out.annotated.get(rep.file)  # a link to the annotated copy, relative to summary.xlsx
        note = out.rebuilt.get(rep.file) or (f"未能生成：{out.failed[rep.file]}" if rep.file in out.failed else "")
        link = Link(copy.relative_to(path.parent).as_posix(), link_style) if copy else ""
        return [rep.file, STATUS_CN.get(rep.status, rep.status), KINDS.get(rep.kind, "") if rep.kind else "",
                rep.sheet or "", rep.unit or "", rep.rows, n["error"], n["warning"], n["info"], link, note]

    book.sheet("文件", ["文件", "状态", "表格类型", "工作表", "填报单位", "数据行数", "错误", "警告", "提示",
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
        book.sheet("问题清单", head, rows, widths,
                   formats={5: lambda i: fill[findings[i].severity], 8: book.styles.xf(0, wrap=True)})
    else:
        book.sheet("问题清单", head, [["没有发现问题。"]], widths, filter_rows=False)

    for title, head, rows, widths in count_views(view):
        book.sheet(title, head, rows, widths)
    book.sheet("说明", ["项目", "内容"], info_rows(view, version), [14, 80])


def count_rows(groups, extra=lambda label: []) -> list[list]:
    return [[label, *extra(label), n["error"], n["warning"], n["info"], sum(n.values())] for label, n in groups]


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
