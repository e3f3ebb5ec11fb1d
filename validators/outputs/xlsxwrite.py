"""A small write-only .xlsx writer for summary.xlsx: the sheet XML is built as text, in one pass.

openpyxl builds a cell object per value and serialises each through its own writer, which for a run's findings
list (tens of thousands of cells) took most of the time of all the outputs.  What summary.xlsx needs is few and
fixed: text and number cells, a handful of cell formats (bold header, fills, a link font, wrapped text), column
widths, a frozen header row, an autofilter or an Excel table, external hyperlinks and a landscape page set-up.  This
writes exactly those parts, in the form openpyxl wrote them, so the workbook shows the same in Excel, WPS and
LibreOffice.

Every text cell is an inline string: a value starting with ``=``, ``+``, ``-`` or ``@`` is never a formula.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from importlib import resources
from dataclasses import dataclass, field
from pathlib import Path

from . import atomic_path
from .xlsx import CT, NS, R_NS, col_letters, quote_sheet

PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
EXTERNAL = ' TargetMode="External"'
COMPRESS = 3  # zlib level of the parts: half the time of the default 6, as annotated copies use
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# the default font and the two fills every workbook starts with, as openpyxl writes them
DEFAULT_FONT = '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/></font>'
FONTS = {"bold": '<font><b val="1"/></font>', "link": '<font><color rgb="FF0563C1"/><u val="single"/></font>'}


CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def xml_bytes(text: str) -> bytes:
    """``clean_text(text).encode("utf-8")`` for a whole part at once: lone surrogates are dropped by the encoder,
    control characters (single bytes in UTF-8, never inside a multi-byte sequence) by ``bytes.translate``."""
    data = text.encode("utf-8", "ignore").translate(None, CONTROL_BYTES)
    if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:  # U+FFFE, U+FFFF
        data = data.replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    return data


def office_theme() -> str:
    """The default Office theme, byte for byte the one openpyxl 3.1.5 writes (openpyxl/writer/theme.py, MIT
    licence): read from a file beside the report template rather than importing openpyxl, which costs more than
    writing the whole summary."""
    return (resources.files("zhicheng.validators") / "templates" / "office-theme.xml").read_text(encoding="utf-8")


def esc(text: str) -> str:
    """Text escaped for XML content (a CR is kept as a character reference so it survives parsing)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def text_element(text: str) -> str:
    """``<t>``: with xml:space="preserve" when the text starts or ends with white space, which is otherwise
    trimmed."""
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{esc(text)}</t>'
    return f"<t>{esc(text)}</t>"


def esc_attr(text: str) -> str:
    return esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@dataclass
class Sheet:
    title: str
    head: list[str]
    rows: list[list]  # values: str, int, float or None
    widths: list[float]
    head_style: int = 0
    col_styles: dict[int, int | list[int]] = field(default_factory=dict)  # 0-based column -> style (per row)
    autofilter: bool = False
    table: str | None = None  # display name of an Excel table over head and rows
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, 0-based column) -> target


class Workbook:
    """Sheets of one header row and data rows, with cell formats made by :meth:`style`."""

    def __init__(self):
        self.sheets: list[Sheet] = []
        self.fonts = [DEFAULT_FONT]
        self.fills = ['<fill><patternFill/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
        self.xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>']
        self._ids: dict[tuple, int] = {}

    def style(self, font: str | None = None, fill: str | None = None, wrap: bool = False) -> int:
        """The index of a cell format: ``font`` "bold" or "link", a solid ``fill`` (ARGB), wrapped and top-aligned
        text."""
        key = (font, fill, wrap)
        if key not in self._ids:
            font_id = 0
            if font:
                xml = FONTS[font]
                if xml not in self.fonts:
                    self.fonts.append(xml)
                font_id = self.fonts.index(xml)
            fill_id = 0
            if fill:
                xml = f'<fill><patternFill patternType="solid"><fgColor rgb="{fill}"/></patternFill></fill>'
                if xml not in self.fills:
                    self.fills.append(xml)
                fill_id = self.fills.index(xml)
            attrs = f'numFmtId="0" fontId="{font_id}" fillId="{fill_id}" borderId="0"'
            if wrap:
                self.xfs.append(f'<xf {attrs} applyAlignment="1" pivotButton="0" quotePrefix="0" xfId="0">'
                                '<alignment vertical="top" wrapText="1"/></xf>')
            else:
                self.xfs.append(f'<xf {attrs} pivotButton="0" quotePrefix="0" xfId="0"/>')
            self._ids[key] = len(self.xfs) - 1
        return self._ids[key]

    def add(self, sheet: Sheet) -> Sheet:
        self.sheets.append(sheet)
        return sheet

    # parts -----------------------------------------------------------------------------------------------------

    def _styles(self) -> str:
        return (f'{DECL}<styleSheet xmlns="{NS}"><numFmts count="0"/>'
                f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
                f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>'
                '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
                '</styleSheet>')

    @staticmethod
    def _sheet_xml(sheet: Sheet, table_rid: str | None, link_rids: dict[tuple[int, int], str]) -> str:
        ncols = max([len(sheet.head), *(len(r) for r in sheet.rows)]) or 1
        letters = [col_letters(c) for c in range(1, ncols + 1)]
        last_row = len(sheet.rows) + 1
        out = [f'{DECL}<worksheet xmlns="{NS}" xmlns:r="{R_NS}"><sheetPr><outlinePr summaryBelow="1" '
               f'summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{letters[-1]}{last_row}"/>'
               '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
               'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
               '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>']
        out += [f'<col width="{w}" customWidth="1" min="{c}" max="{c}"/>' for c, w in enumerate(sheet.widths, 1)]
        out.append('</cols><sheetData><row r="1">')
        hs = f' s="{sheet.head_style}"' if sheet.head_style else ""
        out += [f'<c r="{letters[c]}1"{hs} t="inlineStr"><is>{text_element(h)}</is></c>'
                for c, h in enumerate(sheet.head)]
        out.append("</row>")
        texts: dict[str, str] = {}  # value -> its escaped inline string (file names, units, codes repeat)
        styles = [sheet.col_styles.get(c) for c in range(ncols)]
        per_row = [isinstance(s, list) for s in styles]
        fixed = [f' s="{s}"' if isinstance(s, int) and s else "" for s in styles]
        for i, values in enumerate(sheet.rows):
            r = i + 2
            rs = str(r)
            out.append(f'<row r="{rs}">')
            for c, v in enumerate(values):
                if per_row[c]:
                    s = styles[c][i]
                    s = f' s="{s}"' if s else ""
                else:
                    s = fixed[c]
                if v is None or v == "":
                    if s:
                        out.append(f'<c r="{letters[c]}{rs}"{s}/>')
                elif isinstance(v, str):
                    t = texts.get(v)
                    if t is None:
                        t = texts[v] = f' t="inlineStr"><is>{text_element(v)}</is></c>'
                    out.append(f'<c r="{letters[c]}{rs}"{s}{t}')
                elif isinstance(v, bool):
                    out.append(f'<c r="{letters[c]}{rs}"{s} t="b"><v>{int(v)}</v></c>')
                else:
                    out.append(f'<c r="{letters[c]}{rs}"{s} t="n"><v>{v}</v></c>')
            out.append("</row>")
        out.append("</sheetData>")
        if sheet.autofilter and sheet.rows:
            out.append(f'<autoFilter ref="A1:{letters[len(sheet.head) - 1]}{last_row}"/>')
        if link_rids:
            out.append("<hyperlinks>")
            out += [f'<hyperlink ref="{letters[c]}{i + 2}" r:id="{rid}"/>' for (i, c), rid in link_rids.items()]
            out.append("</hyperlinks>")
        out.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
                   '<pageSetup orientation="landscape" fitToHeight="0" fitToWidth="1"/>')
        if table_rid:
            out.append(f'<tableParts count="1"><tablePart r:id="{table_rid}"/></tableParts>')
        out.append("</worksheet>")
        return "".join(out)

    @staticmethod
    def _table_xml(sheet: Sheet, n: int) -> str:
        ref = f"A1:{col_letters(len(sheet.head))}{len(sheet.rows) + 1}"
        cols = "".join(f'<tableColumn id="{i}" name="{esc_attr(h)}"/>' for i, h in enumerate(sheet.head, 1))
        return (f'{DECL}<table xmlns="{NS}" id="{n}" name="{sheet.table}" displayName="{sheet.table}" ref="{ref}" '
                f'headerRowCount="1"><autoFilter ref="{ref}"/><tableColumns count="{len(sheet.head)}">{cols}'
                '</tableColumns><tableStyleInfo name="TableStyleLight9" showRowStripes="1"/></table>')

    @staticmethod
    def _rels(rels: list[tuple[str, str, bool]]) -> str:
        """Relationships: (type, target, external) numbered rId1, rId2 ..."""
        body = "".join(f'<Relationship Id="rId{i}" Type="{t if t.startswith("http") else REL + t}" '
                       f'Target="{esc_attr(target)}"{EXTERNAL if ext else ""}/>'
                       for i, (t, target, ext) in enumerate(rels, 1))
        return f'{DECL}<Relationships xmlns="{PKG_REL}">{body}</Relationships>'

    def save(self, path: Path, creator: str = "zhicheng") -> None:
        """Write the workbook to ``path`` atomically."""
        parts: dict[str, str] = {}
        types = {"/xl/workbook.xml": CT + "spreadsheetml.sheet.main+xml", "/xl/styles.xml": CT + "spreadsheetml.styles+xml",
                 "/xl/theme/theme1.xml": CT + "theme+xml",
                 "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
                 "/docProps/app.xml": CT + "extended-properties+xml"}
        sheets_xml, names = [], []
        tables = 0
        for n, sheet in enumerate(self.sheets, 1):
            rels: list[tuple[str, str, bool]] = []
            link_rids = {}
            for key, target in sheet.links.items():
                rels.append(("hyperlink", target, True))
                link_rids[key] = f"rId{len(rels)}"
            table_rid = None
            if sheet.table:
                tables += 1
                parts[f"xl/tables/table{tables}.xml"] = self._table_xml(sheet, tables)
                types[f"/xl/tables/table{tables}.xml"] = CT + "spreadsheetml.table+xml"
                rels.append(("table", f"/xl/tables/table{tables}.xml", False))
                table_rid = f"rId{len(rels)}"
            parts[f"xl/worksheets/sheet{n}.xml"] = self._sheet_xml(sheet, table_rid, link_rids)
            types[f"/xl/worksheets/sheet{n}.xml"] = CT + "spreadsheetml.worksheet+xml"
            if rels:
                parts[f"xl/worksheets/_rels/sheet{n}.xml.rels"] = self._rels(rels)
            sheets_xml.append(f'<sheet name="{esc_attr(sheet.title)}" sheetId="{n}" state="visible" r:id="rId{n}"/>')
            if sheet.autofilter and sheet.rows:
                ref = f"{quote_sheet(sheet.title)}!$A$1:${col_letters(len(sheet.head))}${len(sheet.rows) + 1}"
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n - 1}" hidden="1">'
                             f"{esc(ref)}</definedName>")
        parts["xl/workbook.xml"] = (
            f'{DECL}<workbook xmlns="{NS}" xmlns:r="{R_NS}"><workbookPr/><bookViews><workbookView visibility="visible" '
            'minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" '
            'firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews>'
            f'<sheets>{"".join(sheets_xml)}</sheets>'
            + (f'<definedNames>{"".join(names)}</definedNames>' if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
        n = len(self.sheets)
        parts["xl/_rels/workbook.xml.rels"] = self._rels(
            [("worksheet", f"/xl/worksheets/sheet{i}.xml", False) for i in range(1, n + 1)]
            + [("styles", "styles.xml", False), ("theme", "theme/theme1.xml", False)])
        parts["xl/styles.xml"] = self._styles()
        parts["xl/theme/theme1.xml"] = office_theme()
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts["docProps/core.xml"] = (
            f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{esc(creator)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')
        parts["docProps/app.xml"] = (
            f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>{esc(creator)}</Application></Properties>")
        parts["_rels/.rels"] = self._rels([
            ("officeDocument", "xl/workbook.xml", False),
            (PKG_REL + "/metadata/core-properties", "docProps/core.xml", False),
            ("extended-properties", "docProps/app.xml", False)])
        overrides = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in types.items())
        content_types = (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')
        order = ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "xl/workbook.xml",
                 "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/theme/theme1.xml"]
        order += sorted(p for p in parts if p not in order)
        parts["[Content_Types].xml"] = content_types
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS) as z:
            for name in order:
                # text only XML can hold: control characters and lone surrogates are dropped, in one pass per part
                z.writestr(name, xml_bytes(parts[name]))

