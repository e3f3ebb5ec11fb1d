"""Annotated copies: the submitted workbook with every flagged cell coloured and commented, and a first sheet
校验结果 listing the findings with links to their cells.

An ``.xlsx``/``.xlsm`` is rewritten inside its zip: every member is copied unchanged except the parts that must
change (the flagged sheets' XML, ``xl/styles.xml``, the comments and VML parts, ``workbook.xml`` and its rels,
``[Content_Types].xml``, ``docProps/app.xml``), so images, charts, defined names and parts no library understands
survive, at close to copy speed.  Workbooks that cannot be rewritten that way (``.xls``, ``.ods``, ``.xlsb``, or an
unusual package) are rebuilt as ``.xlsx`` from the cell values python-calamine reads, say so in 校验结果, and are then
annotated by the same zip rewrite.

XML is parsed with lxml without DTDs, entities or network access; a part with a DOCTYPE is refused.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..findings import SEVERITY_ORDER, Finding, sort_key
from ..reader import sniff
from . import SEVERITY_CN, atomic_path, clean_text
from .xlsx import (APP_NS, CT, CT_COMMENTS, CT_STYLES, CT_VML, CT_WORKSHEET, NS, R_NS, TAB_SELECTED, VT_NS,
                   WORKBOOK_ORDER, Package, Styles, TreeSheet, Unsupported, col_letters, esc, insert_ordered,
                   open_sheet, parse_xml, q, quote_sheet, split_ref)

CT_MAIN = {"xlsx": CT + "spreadsheetml.sheet.main+xml", "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
CT_TEMPLATE = {CT + "spreadsheetml.template.main+xml": "xlsx",
               "application/vnd.ms-excel.template.macroEnabled.main+xml": "xlsm"}

RESULT_SHEET = "校验结果"
AUTHOR = "zhicheng 校验"
FILL = {"error": "FFFFC7CE", "warning": "FFFFEB9C", "info": "FFDDEBF7"}  # light red, yellow, blue
HEADER_FILL = "FFD9D9D9"
REBUILT_FORMATS = {"xls": "旧版 .xls", "ods": "OpenDocument .ods", "xlsb": "二进制 .xlsb"}


def out_name(display: str, fmt: str, keep_ext: bool = False) -> str:
    """Relative output path of an annotated copy: the input's path with the extension of what is written."""
    parts = [p for p in re.split(r"[\\/]+", display) if p not in ("", ".", "..")] or ["workbook"]
    stem = parts[-1]
    base, dot, _ = stem.rpartition(".")
    if dot and base and not keep_ext:
        stem = base
    parts[-1] = stem + (".xlsm" if fmt == "xlsm" else ".xlsx")
    return "/".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Comments
# ---------------------------------------------------------------------------------------------------------------

VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
            '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout>\n')
VML_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
                 '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>\n')
VML_SHAPE = ('<v:shape id="_x0000_s{sid}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
             'margin-top:2pt;width:{w}pt;height:{h}pt;z-index:{z};visibility:hidden" fillcolor="#ffffe1" '
             'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
             '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
             '</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
             '<x:Anchor>{c1}, 15, {r1}, 2, {c2}, 15, {r2}, 4</x:Anchor><x:AutoFill>False</x:AutoFill>'
             '<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>\n')


def vml_shape(sid: int, r: int, c: int, text: str, z: int) -> str:
    lines = sum(1 + len(line) // 22 for line in text.split("\n"))
    height = min(12 + 13 * lines, 300)
    rows = min(2 + lines, 24)
    return VML_SHAPE.format(sid=sid, w=200, h=height, z=z, c1=c, r1=max(r - 2, 0), c2=c + 3, r2=max(r - 2, 0) + rows,
                            row=r - 1, col=c - 1)


def add_comments(pkg: Package, sheet_part: str, sheet, notes: dict[tuple[int, int], str], vml_blocks: set[int]):
    """Comments (merged with the sheet's existing ones) plus their VML shapes and relationships."""
    comments_part = next(iter(pkg.targets(sheet_part, "comments").values()), None)
    if comments_part and pkg.exists(comments_part):
        croot = pkg.xml(comments_part)
    else:
        comments_part = pkg.unique("xl/comments{}.xml")
        croot = etree.Element(q("comments"), nsmap={None: NS})
        pkg.put_xml(comments_part, croot)
        pkg.add_rel(sheet_part, "comments", comments_part)
    pkg.override(comments_part, CT_COMMENTS)
    authors = croot.find(q("authors"))
    if authors is None:
        authors = etree.Element(q("authors"))
        croot.insert(0, authors)
    names = [a.text or "" for a in authors.iterfind(q("author"))]
    if AUTHOR not in names:
        etree.SubElement(authors, q("author")).text = AUTHOR
        names.append(AUTHOR)
    author_id = str(names.index(AUTHOR))
    clist = croot.find(q("commentList"))
    if clist is None:
        clist = etree.Element(q("commentList"))
        authors.addnext(clist)
    existing = {}
    for cm in clist.iterfind(q("comment")):
        pos = split_ref(cm.get("ref") or "")
        if pos:
            existing[pos] = cm
    new_cells = []
    for (r, c), text in notes.items():
        cm = existing.get((r, c))
        if cm is None:
            cm = etree.SubElement(clist, q("comment"), ref=f"{col_letters(c)}{r}", authorId=author_id)
            etree.SubElement(cm, q("text"))
            new_cells.append((r, c, text))
            lead = ""
        else:
            lead = "\n"
        body = cm.find(q("text"))
        if body is None:
            body = etree.SubElement(cm, q("text"))
        plain = body.find(q("t"))
        if plain is not None:  # a plain-text comment becomes one run so ours can follow it
            run = etree.Element(q("r"))
            body.replace(plain, run)
            run.append(plain)
        for bold, piece in ((True, lead + AUTHOR + "：\n"), (False, text)):
            run = etree.SubElement(body, q("r"))
            pr = etree.SubElement(run, q("rPr"))
            if bold:
                etree.SubElement(pr, q("b"))
            etree.SubElement(pr, q("sz"), val="9")
            t = etree.SubElement(run, q("t"))
            t.text = clean_text(piece)
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    ordered = sorted(clist, key=lambda el: split_ref(el.get("ref") or "") or (0, 0))
    clist[:] = ordered

    # VML: add shapes for the new comments to the sheet's legacy drawing, or make one
    rid = sheet.legacy_rid()
    vml_part = pkg.targets(sheet_part).get(rid) if rid else None
    if vml_part and pkg.exists(vml_part):
        text = pkg.read(vml_part).decode("utf-8", "replace")
        end = text.rfind("</xml>")
        if end < 0 or "urn:schemas-microsoft-com:vml" not in text:
            raise Unsupported("legacy drawing is not VML")
        ids = [int(x) for x in re.findall(r"_x0000_s(\d+)", text)]
        sid = max(ids, default=1024 * max(vml_blocks | {1})) + 1
        extra = "" if "_x0000_t202" in text else VML_SHAPETYPE
        shapes = "".join(vml_shape(sid + i, r, c, t, i + 1 + len(ids)) for i, (r, c, t) in enumerate(new_cells))
        pkg.put(vml_part, (text[:end] + extra + shapes + text[end:]).encode("utf-8"))
    else:  # no drawing yet (or a dangling reference, which is replaced)
        cells = [(r, c, notes.get((r, c), "")) for r, c in (split_ref(el.get("ref")) for el in clist)]
        block = max(vml_blocks, default=0) + 1
        n_blocks = len(cells) // 1000 + 1
        blocks = list(range(block, block + n_blocks))
        vml_blocks.update(blocks)
        shapes = "".join(vml_shape(block * 1024 + 1 + i + (i // 1000) * 24, r, c, t, i + 1)
                         for i, (r, c, t) in enumerate(cells))
        vml_part = pkg.unique("xl/drawings/vmlDrawing{}.vml")
        pkg.put(vml_part, (VML_HEAD.format(blocks=",".join(map(str, blocks))) + VML_SHAPETYPE + shapes
                           + "</xml>").encode("utf-8"))
        sheet.set_legacy(pkg.add_rel(sheet_part, "vmlDrawing", vml_part))
    pkg.default("vml", CT_VML)


def vml_blocks_in(pkg: Package) -> set[int]:
    blocks = set()
    for info in pkg.infos:
        if info.filename.lower().endswith(".vml"):
            m = re.search(rb'idmap[^>]*data="([0-9, ]+)"', pkg.read(info.filename))
            if m:
                blocks.update(int(x) for x in m.group(1).replace(b" ", b"").split(b",") if x)
    return blocks


# ---------------------------------------------------------------------------------------------------------------
# The 校验结果 sheet
# ---------------------------------------------------------------------------------------------------------------

HEAD = ("序号", "级别", "规则代码", "工作表", "位置", "列名", "问题说明", "填写的值")
WIDTHS = (6, 7, 10, 16, 9, 22, 70, 24)


def link_target(f: Finding, sheets: set[str]) -> str | None:
    if not f.sheet or f.sheet not in sheets:
        return None
    cell = f.cell if f.cell and split_ref(f.cell) else f"A{f.row}" if f.row else "A1"
    return f"{quote_sheet(f.sheet)}!{cell}"


WIDE = re.compile("[\u2e80-\U0010ffff]")


def text_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count twice."""
    return len(text) + len(WIDE.findall(text))


def result_sheet(name: str, findings: list[Finding], lines: list[str], sheets: set[str],
                 styles: Styles) -> tuple[bytes, str]:
    """The XML of the sheet 校验结果 (inline strings only, so no text written can become a formula), and the
    range its filter covers."""
    title = styles.xf(0, font=styles.font(bold=True, size=14))
    head = styles.xf(0, fill=HEADER_FILL, font=styles.font(bold=True))
    link = styles.xf(0, font=styles.font(link=True), wrap=True)
    wrap = styles.xf(0, wrap=True)  # wrapped and top-aligned, like every cell of a finding's row
    sev = {s: styles.xf(0, fill=rgb, wrap=True) for s, rgb in FILL.items()}
    first = len(lines) + 2  # the header row
    last = first + max(len(findings), 1)
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS}" xmlns:r="{R_NS}">'
           '<sheetPr><tabColor rgb="FFC00000"/><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:H{last}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
           f'<pane ySplit="{first}" topLeftCell="A{first + 1}" activePane="bottomLeft" state="frozen"/>'
           f'<selection pane="bottomLeft" activeCell="A{first + 1}" sqref="A{first + 1}"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>']
    out += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(WIDTHS, 1)]
    out.append("</cols><sheetData>")

    def cell(ref: str, value, style=None) -> str:
        s = f' s="{style}"' if style is not None else ""
        if isinstance(value, int) and not isinstance(value, bool):
            return f'<c r="{ref}"{s}><v>{value}</v></c>'
        if value in (None, ""):
            return f'<c r="{ref}"{s}/>'
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{esc(str(value))}</t></is></c>'

    for i, text in enumerate(lines, 1):
        out.append(f'<row r="{i}">{cell(f"A{i}", text, title if i == 1 else None)}</row>')
    out.append(f'<row r="{first}">' + "".join(cell(f"{col_letters(c)}{first}", h, head) for c, h in enumerate(HEAD, 1))
               + "</row>")
    if not findings:
        out.append(f'<row r="{first + 1}">{cell(f"A{first + 1}", "没有发现问题。")}</row>')
    links = []
    for n, f in enumerate(findings, 1):
        r = first + n
        target = link_target(f, sheets)
        shown = f.cell or (f"第{f.row}行" if f.row else "")
        lines_needed = -(-text_width(f.message) // (WIDTHS[6] - 2))
        height = f' ht="{15 * lines_needed + 1}" customHeight="1"' if lines_needed > 1 else ""
        out.append(f'<row r="{r}"{height}>' + cell(f"A{r}", n, wrap) + cell(f"B{r}", SEVERITY_CN[f.severity], sev[f.severity])
                   + cell(f"C{r}", f.code, wrap) + cell(f"D{r}", f.sheet or "（整个文件）", wrap)
                   + cell(f"E{r}", shown, link if target else wrap) + cell(f"F{r}", f.column or "", wrap)
                   + cell(f"G{r}", f.message, wrap) + cell(f"H{r}", "" if f.value is None else str(f.value), wrap)
                   + "</row>")
        if target:
            links.append(f'<hyperlink ref="E{r}" location="{esc(target, True)}" display="{esc(shown or "A1", True)}"/>')
    out.append(f'</sheetData><autoFilter ref="A{first}:H{last}"/>')
    if links:
        out.append("<hyperlinks>" + "".join(links) + "</hyperlinks>")
    out.append('<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
               '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
    return "".join(out).encode("utf-8"), f"{quote_sheet(name)}!$A${first}:$H${last}"


def add_result_sheet(pkg: Package, wb_part: str, wb_root, findings, lines, sheets, styles: Styles,
                     sheet_parts: dict[str, str], edited: dict) -> str:
    """Insert 校验结果 as the first sheet, opened on load; returns the name it got."""
    names = {s.lower() for s in sheets}
    name = RESULT_SHEET
    n = 2
    while name.lower() in names:
        name, n = f"{RESULT_SHEET}({n})", n + 1
    xml, filter_ref = result_sheet(name, findings, lines, set(sheets), styles)
    part = pkg.unique("xl/worksheets/sheet{}.xml")
    pkg.put(part, xml)
    pkg.override(part, CT_WORKSHEET)
    rid = pkg.add_rel(wb_part, "worksheet", part)

    sheets_el = wb_root.find(q("sheets"))
    ids = [int(s.get("sheetId", "0")) for s in sheets_el if s.get("sheetId", "0").isdigit()]
    el = etree.Element(q("sheet"), nsmap={"r": R_NS})
    el.set("name", name)
    el.set("sheetId", str(max(ids, default=0) + 1))
    el.set(q("id", R_NS), rid)
    sheets_el.insert(0, el)
    # sheet-local defined names count sheets by position: every one moves up by one
    dn = wb_root.find(q("definedNames"))
    if dn is None:
        dn = insert_ordered(wb_root, etree.Element(q("definedNames")), WORKBOOK_ORDER)
    for d in dn.iterfind(q("definedName")):
        if (d.get("localSheetId") or "").isdigit():
            d.set("localSheetId", str(int(d.get("localSheetId")) + 1))
    fdb = etree.SubElement(dn, q("definedName"), name="_xlnm._FilterDatabase", localSheetId="0", hidden="1")
    fdb.text = filter_ref
    # open on 校验结果: it is the active tab and no other sheet stays selected
    views = wb_root.find(q("bookViews"))
    if views is None:
        views = insert_ordered(wb_root, etree.Element(q("bookViews")), WORKBOOK_ORDER)
    view = views.find(q("workbookView"))
    if view is None:
        view = etree.SubElement(views, q("workbookView"))
    view.set("activeTab", "0")
    view.set("firstSheet", "0")
    for sheet_part in sheet_parts.values():
        if sheet_part in edited:
            edited[sheet_part].clear_tab_selected()
        elif pkg.exists(sheet_part):
            data = pkg.read(sheet_part)
            if b"tabSelected" in data:
                pkg.put(sheet_part, TAB_SELECTED.sub(b"", data))
    app_titles(pkg, name)
    return name


def app_titles(pkg: Package, name: str):
    """List the new sheet in docProps/app.xml when that part has the usual worksheet list."""
    part = "docProps/app.xml"
    if not pkg.exists(part):
        return
    try:
        root = parse_xml(pkg.read(part))
    except Unsupported:
        return
    pairs = root.find(f"{q('HeadingPairs', APP_NS)}/{q('vector', VT_NS)}")
    titles = root.find(f"{q('TitlesOfParts', APP_NS)}/{q('vector', VT_NS)}")
    if pairs is None or titles is None or len(pairs) < 2:
        return
    label = pairs[0].find(q("lpstr", VT_NS))
    count = pairs[1].find(q("i4", VT_NS))
    if label is None or count is None or (label.text or "") not in ("Worksheets", "工作表"):
        return
    count.text = str(int(count.text or 0) + 1)
    t = etree.Element(q("lpstr", VT_NS))
    t.text = name
    titles.insert(0, t)
    titles.set("size", str(len(titles)))
    pkg.put_xml(part, root)


# ---------------------------------------------------------------------------------------------------------------
# Annotating one workbook
# ---------------------------------------------------------------------------------------------------------------


def comment_text(items: list[tuple[Finding, str]]) -> str:
    lines = []
    for f, shown in items:
        where = f"{f.cell}：" if f.cell and f.cell != shown else ""
        lines.append(f"【{SEVERITY_CN[f.severity]} {f.code}】{where}{f.message}")
    return "\n".join(lines)


def annotate_package(source, findings: list[Finding], lines: list[str]) -> tuple[Package, str]:
    """Apply fills, comments and 校验结果 to the package read from ``source``; returns it and its format."""
    pkg = Package(source)
    if not pkg.exists("[Content_Types].xml"):
        raise Unsupported("no [Content_Types].xml")
    wb_part = next(iter(pkg.targets("", "officeDocument").values()), None) or "xl/workbook.xml"
    if not pkg.exists(wb_part):
        raise Unsupported("no workbook part")
    wb_root = pkg.xml(wb_part)
    rels = pkg.targets(wb_part)
    sheets_el = wb_root.find(q("sheets"))
    if sheets_el is None:
        raise Unsupported("workbook lists no sheets")
    sheet_parts = {}
    for s in sheets_el:
        target = rels.get(s.get(q("id", R_NS)))
        if target:
            sheet_parts[s.get("name", "")] = target
    worksheets = {n: p for n, p in sheet_parts.items() if pkg.part_type(p) in (CT_WORKSHEET, None)
                  and pkg.exists(p)}
    # styles
    styles_part = next(iter(pkg.targets(wb_part, "styles").values()), None)
    if styles_part and pkg.exists(styles_part):
        styles = Styles(pkg.xml(styles_part))
    else:
        styles_part = posixpath.join(posixpath.dirname(wb_part), "styles.xml")
        root = etree.Element(q("styleSheet"), nsmap={None: NS})
        pkg.put_xml(styles_part, root)
        pkg.add_rel(wb_part, "styles", styles_part)
        pkg.override(styles_part, CT_STYLES)
        styles = Styles(root)

    by_sheet: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in worksheets and f.cell and split_ref(f.cell):
            by_sheet[f.sheet].append(f)
    blocks = vml_blocks_in(pkg) if by_sheet else set()
    edited = {}
    for sheet, items in by_sheet.items():
        part = worksheets[sheet]
        data = pkg.read(part)
        ws = open_sheet(data)
        per_cell: dict[tuple[int, int], list[tuple[Finding, str]]] = defaultdict(list)
        for f in sorted(items, key=sort_key):
            r, c = ws.anchor(*split_ref(f.cell))
            per_cell[(r, c)].append((f, f"{col_letters(c)}{r}"))
        fills = {}
        for rc, group in per_cell.items():
            worst = min((f.severity for f, _ in group), key=SEVERITY_ORDER.get)
            fills[rc] = lambda base, rgb=FILL[worst]: styles.xf(base, fill=rgb)
        try:
            ws.restyle(fills)
        except Unsupported:  # a tag the byte editor does not rewrite: lxml does
            ws = TreeSheet(data)
            ws.restyle(fills)
        edited[part] = ws
        add_comments(pkg, part, ws, {rc: comment_text(g) for rc, g in per_cell.items()}, blocks)

    add_result_sheet(pkg, wb_part, wb_root, sorted(findings, key=sort_key), lines, list(sheet_parts), styles,
                     sheet_parts, edited)
    for part, ws in edited.items():
        pkg.put(part, ws.to_bytes())
    main_type = pkg.part_type(wb_part) or ""
    fmt = "xlsm" if "macroEnabled" in main_type or pkg.exists("xl/vbaProject.bin") else "xlsx"
    if main_type in CT_TEMPLATE:  # a template's copy is a workbook
        pkg.override(wb_part, CT_MAIN[CT_TEMPLATE[main_type]])
    return pkg, fmt


@dataclass
class Annotated:
    path: Path  # the copy written
    rebuilt: bool  # made from the cell values, not the original package
    note: str = ""


def rebuild_xlsx(src: Path | bytes) -> bytes:
    """A plain .xlsx holding the values (and merged ranges) python-calamine reads from any workbook format."""
    import openpyxl
    import python_calamine as pc

    out = openpyxl.Workbook()
    out.remove(out.active)
    with io.BytesIO(src) if isinstance(src, bytes) else open(src, "rb") as fh:
        wb = pc.CalamineWorkbook.from_filelike(fh)
    try:
        for name in wb.sheet_names:
            ws = out.create_sheet(title=name[:31])
            try:
                sheet = wb.get_sheet_by_name(name)
                rows = sheet.to_python()
            except Exception:  # noqa: BLE001 - a chart sheet or an unreadable one stays empty
                continue
            r0, c0 = sheet.start or (0, 0)
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    cell = ws.cell(row=r0 + i + 1, column=c0 + j + 1)
                    if isinstance(v, str):
                        cell.value = clean_text(v)
                        cell.data_type = "s"  # a value that looks like a formula stays text
                    else:
                        cell.value = v
            try:
                for (ra, ca), (rb, cb) in sheet.merged_cell_ranges or []:
                    ws.merge_cells(start_row=ra + 1, start_column=ca + 1, end_row=rb + 1, end_column=cb + 1)
            except Exception:  # noqa: BLE001 - merged ranges are not available for every format
                pass
    finally:
        wb.close()
    if not out.sheetnames:
        out.create_sheet("Sheet1")
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def annotate_bytes(src: Path | bytes, findings: list[Finding], lines: list[str]) -> tuple[str, str, bytes]:
    """The annotated copy of ``src`` (a file, or the bytes of a .zip member), built in memory: (format written,
    the note saying why it was rebuilt from the values or "", its bytes).  ``src`` is only read; nothing is written,
    so this can run in a worker process while the caller names and writes the copies in a fixed order."""
    fmt = sniff(src)
    note = ""
    pkg = None
    if fmt in ("xlsx", "xlsm"):
        try:
            pkg, fmt = annotate_package(io.BytesIO(src) if isinstance(src, bytes) else src, findings, lines)
        except Exception as e:  # noqa: BLE001 - whatever stops the rewrite, the values still make a copy
            note = f"说明：原文件结构特殊，无法直接在原文件上标注（{type(e).__name__}），本副本按单元格的值重新生成，原有格式未保留。"
            pkg = None
    else:
        note = (f"说明：原文件为{REBUILT_FORMATS.get(fmt, fmt)}格式，本副本按单元格的值重新生成为 .xlsx，"
                "原有格式（字体、边框、列宽等）未保留；请在原文件中修改。")
    if pkg is None:
        pkg, _ = annotate_package(io.BytesIO(rebuild_xlsx(src)), findings, lines[:1] + [note] + lines[1:])
        fmt = "xlsx"
    buf = io.BytesIO()
    try:
        pkg.write(buf)
    finally:
        pkg.zf.close()
    return fmt, note, buf.getvalue()


def save_copy(out_dir: Path, display: str, fmt: str, note: str, data: bytes, taken: set[str] | None = None) -> Annotated:
    """Write a copy made by :func:`annotate_bytes` under ``out_dir``, atomically.

    ``taken`` holds the (lower-case) relative names already written in this run: ``a.xls`` beside ``a.xlsx``
    becomes ``a.xls.xlsx``.
    """
    dst = copy_path(out_dir, display, fmt, taken)
    with atomic_path(dst) as tmp:
        tmp.write_bytes(data)
    return Annotated(dst, bool(note), note)


def copy_path(out_dir: Path, display: str, fmt: str, taken: set[str] | None = None) -> Path:
    """Where the copy of ``display`` goes; ``taken``: see :func:`save_copy`."""
    rel = out_name(display, fmt)
    if taken is not None:
        if rel.lower() in taken:
            rel = out_name(display, fmt, keep_ext=True)
        taken.add(rel.lower())
    return out_dir / rel


def place_copy(staged: Path, out_dir: Path, display: str, fmt: str, note: str, taken: set[str] | None = None
               ) -> Annotated:
    """Move a copy staged by a worker (:func:`.copies.stage`) to its place under ``out_dir``, in one rename."""
    dst = copy_path(out_dir, display, fmt, taken)
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, dst)
    return Annotated(dst, bool(note), note)


def annotate_file(src: Path | bytes, out_dir: Path, display: str, findings: list[Finding], lines: list[str],
                  taken: set[str] | None = None) -> Annotated:
    """Write the annotated copy of ``src`` (a file, or the bytes of a .zip member) under ``out_dir``; ``src`` is
    only read.  ``taken``: see :func:`save_copy`."""
    return save_copy(out_dir, display, *annotate_bytes(src, findings, lines), taken)
