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

import bisect
import copy
import io
import posixpath
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lxml import etree

from ..findings import SEVERITY_ORDER, Finding, sort_key
from ..reader import check_zip, sniff
from . import SEVERITY_CN, atomic_path, clean_text

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument."
CT_WORKSHEET = CT + "spreadsheetml.worksheet+xml"
CT_COMMENTS = CT + "spreadsheetml.comments+xml"
CT_STYLES = CT + "spreadsheetml.styles+xml"
CT_VML = CT + "vmlDrawing"
CT_MAIN = {"xlsx": CT + "spreadsheetml.sheet.main+xml", "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
CT_TEMPLATE = {CT + "spreadsheetml.template.main+xml": "xlsx",
               "application/vnd.ms-excel.template.macroEnabled.main+xml": "xlsm"}

RESULT_SHEET = "校验结果"
AUTHOR = "zhicheng 校验"
FILL = {"error": "FFFFC7CE", "warning": "FFFFEB9C", "info": "FFDDEBF7"}  # light red, yellow, blue
HEADER_FILL = "FFD9D9D9"
# CT_Worksheet child order (ECMA-376 Part 1, 18.3.1.99): new children go before the first later sibling.
SHEET_ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
               "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
               "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
               "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
               "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
               "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
               "extLst")
WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                  "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
                  "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects",
                  "extLst")
STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                "tableStyles", "colors", "extLst")
CELL_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                         huge_tree=False, remove_blank_text=False)
REBUILT_FORMATS = {"xls": "旧版 .xls", "ods": "OpenDocument .ods", "xlsb": "二进制 .xlsb"}


class Unsupported(Exception):
    """The package cannot be rewritten in place; the caller rebuilds the workbook from its values."""


def q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def parse_xml(data: bytes):
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Unsupported("XML part declares a DOCTYPE")
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as e:
        raise Unsupported(f"XML part does not parse: {e}") from None


def to_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def insert_ordered(parent, child, order: tuple[str, ...]):
    """Insert ``child`` into ``parent`` where the schema's sequence ``order`` puts it."""
    name = etree.QName(child).localname
    rank = order.index(name)
    for i, el in enumerate(parent):
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in order and order.index(local) > rank:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def col_index(letters: str) -> int:
    """'A' -> 1, 'AB' -> 28."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(index: int) -> str:
    s = ""
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def split_ref(ref: str) -> tuple[int, int] | None:
    m = CELL_REF.match(ref or "")
    return (int(m.group(2)), col_index(m.group(1))) if m else None


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


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
# The package
# ---------------------------------------------------------------------------------------------------------------


class Package:
    """A zip package read once; changed and added parts are kept here until written."""

    def __init__(self, source):
        self.zf = zipfile.ZipFile(source)
        self.infos = self.zf.infolist()
        check_zip(self.infos)
        self.by_lower = {i.filename.lower(): i.filename for i in self.infos}
        self.trees: dict[str, object] = {}  # parsed parts that will be written back
        self.raw: dict[str, bytes] = {}  # changed or new parts given as bytes
        self.added: list[str] = []

    def name(self, part: str) -> str | None:
        return self.by_lower.get(part.lower())

    def exists(self, part: str) -> bool:
        return self.name(part) is not None or part in self.trees or part in self.raw

    def read(self, part: str) -> bytes:
        if part in self.raw:
            return self.raw[part]
        real = self.name(part)
        if real is None:
            raise KeyError(part)
        return self.zf.read(real)

    def xml(self, part: str):
        """The parsed part, kept for writing back (so call it only for parts that will change)."""
        real = self.name(part) or part
        if real not in self.trees:
            self.trees[real] = parse_xml(self.read(real))
        return self.trees[real]

    def put_xml(self, part: str, root):
        real = self.name(part) or part
        if not self.exists(real):
            self.added.append(real)
        self.trees[real] = root

    def put(self, part: str, data: bytes):
        real = self.name(part) or part
        if not self.exists(real):
            self.added.append(real)
        self.raw[real] = data

    def unique(self, pattern: str) -> str:
        """The first free name ``pattern.format(n)`` for n = 1, 2, ..."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    # relationships -------------------------------------------------------------------------------------------

    @staticmethod
    def rels_name(part: str) -> str:
        d, b = posixpath.split(part)
        return posixpath.join(d, "_rels", b + ".rels")

    def rels(self, part: str, create: bool = False):
        name = self.rels_name(part)
        if (self.name(name) or name) in self.trees:
            return self.trees[self.name(name) or name]
        if self.exists(name):
            return self.xml(name) if create else parse_xml(self.read(name))
        if not create:
            return None
        root = etree.Element(q("Relationships", PKG_REL), nsmap={None: PKG_REL})
        self.put_xml(name, root)
        return root

    @staticmethod
    def resolve(source: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))

    def targets(self, part: str, rel_type: str | None = None) -> dict[str, str]:
        """rId -> resolved target part of ``part``'s internal relationships (of one type if given)."""
        root = self.rels(part)
        out = {}
        if root is None:
            return out
        for r in root:
            if r.get("TargetMode") == "External" or (rel_type and r.get("Type") != REL + rel_type):
                continue
            out[r.get("Id")] = self.resolve(part, r.get("Target", ""))
        return out

    def add_rel(self, part: str, rel_type: str, target: str) -> str:
        root = self.rels(part, create=True)
        ids = {r.get("Id") for r in root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        rel = etree.SubElement(root, q("Relationship", PKG_REL))
        rel.set("Id", rid)
        rel.set("Type", REL + rel_type)
        rel.set("Target", posixpath.relpath(target, posixpath.dirname(part) or "."))
        return rid

    # content types -------------------------------------------------------------------------------------------

    def content_types(self):
        return self.xml("[Content_Types].xml")

    def override(self, part: str, ctype: str):
        root = self.content_types()
        for el in root.findall(q("Override", CT_NS)):
            if el.get("PartName", "").lower() == "/" + part.lower():
                el.set("ContentType", ctype)
                return
        etree.SubElement(root, q("Override", CT_NS), PartName="/" + part, ContentType=ctype)

    def default(self, ext: str, ctype: str):
        root = self.content_types()
        if any(el.get("Extension", "").lower() == ext for el in root.findall(q("Default", CT_NS))):
            return
        el = etree.Element(q("Default", CT_NS), Extension=ext, ContentType=ctype)
        root.insert(0, el)

    def part_type(self, part: str) -> str | None:
        root = parse_xml(self.read("[Content_Types].xml")) if "[Content_Types].xml" not in self.trees \
            else self.trees["[Content_Types].xml"]
        for el in root.findall(q("Override", CT_NS)):
            if el.get("PartName", "").lower() == "/" + part.lower():
                return el.get("ContentType")
        return None

    # writing -------------------------------------------------------------------------------------------------

    def write(self, fh):
        changed = {**{k: to_bytes(v) for k, v in self.trees.items()}, **self.raw}
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as out:
            for info in self.infos:
                data = changed.pop(info.filename, None)
                zi = zipfile.ZipInfo(info.filename, info.date_time)
                zi.compress_type = info.compress_type if data is None else zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                out.writestr(zi, self.zf.read(info) if data is None else data)
            for name in self.added:
                if name in changed:
                    zi = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                    zi.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(zi, changed.pop(name))


# ---------------------------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------------------------


class Styles:
    """Appends fills, fonts and cell formats to ``xl/styles.xml``; an existing format is never changed."""

    def __init__(self, root):
        self.root = root
        self.fonts = self._section("fonts")
        self.fills = self._section("fills")
        self.xfs = self._section("cellXfs")
        if len(self.fonts) == 0:
            f = etree.SubElement(self.fonts, q("font"))
            etree.SubElement(f, q("sz"), val="11")
        if len(self.fills) == 0:  # the two fills every workbook starts with
            for pattern in ("none", "gray125"):
                etree.SubElement(etree.SubElement(self.fills, q("fill")), q("patternFill"), patternType=pattern)
        if len(self.xfs) == 0:
            etree.SubElement(self.xfs, q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0")
        self._fill_ids: dict[str, int] = {}
        self._font_ids: dict[tuple, int] = {}
        self._xf_ids: dict[tuple, int] = {}

    def _section(self, name: str):
        el = self.root.find(q(name))
        if el is None:
            el = insert_ordered(self.root, etree.Element(q(name)), STYLES_ORDER)
        return el

    def _count(self):
        for el in (self.fonts, self.fills, self.xfs):
            el.set("count", str(len(el)))

    def fill(self, rgb: str) -> int:
        if rgb not in self._fill_ids:
            f = etree.SubElement(self.fills, q("fill"))
            p = etree.SubElement(f, q("patternFill"), patternType="solid")
            etree.SubElement(p, q("fgColor"), rgb=rgb)
            etree.SubElement(p, q("bgColor"), indexed="64")
            self._fill_ids[rgb] = len(self.fills) - 1
            self._count()
        return self._fill_ids[rgb]

    def font(self, bold=False, size=None, link=False) -> int:
        """A copy of the default font, bold / sized / in link style."""
        key = (bold, size, link)
        if key not in self._font_ids:
            f = copy.deepcopy(self.fonts[0])
            for child in list(f):
                name = etree.QName(child).localname
                if (name == "b" and bold) or (name == "sz" and size) or (name in ("u", "color") and link):
                    f.remove(child)
            if bold:
                f.insert(0, etree.Element(q("b")))
            if link:
                f.insert(0, etree.Element(q("u")))
                f.append(etree.Element(q("color"), rgb="FF0563C1"))
            if size:
                f.append(etree.Element(q("sz"), val=str(size)))
            self.fonts.append(f)
            self._font_ids[key] = len(self.fonts) - 1
            self._count()
        return self._font_ids[key]

    def xf(self, base: int, fill: str | None = None, font: int | None = None, wrap: bool = False) -> int:
        """Index of a cell format cloned from ``base`` with a fill, a font and/or wrapped text."""
        if not 0 <= base < len(self.xfs):
            base = 0
        key = (base, fill, font, wrap)
        if key not in self._xf_ids:
            x = copy.deepcopy(self.xfs[base])
            if fill:
                x.set("fillId", str(self.fill(fill)))
                x.set("applyFill", "1")
            if font is not None:
                x.set("fontId", str(font))
                x.set("applyFont", "1")
            if wrap:
                al = x.find(q("alignment"))
                if al is None:
                    al = etree.Element(q("alignment"))
                    x.insert(0, al)
                al.set("wrapText", "1")
                al.set("vertical", "top")
                x.set("applyAlignment", "1")
            self.xfs.append(x)
            self._xf_ids[key] = len(self.xfs) - 1
            self._count()
        return self._xf_ids[key]


# ---------------------------------------------------------------------------------------------------------------
# A worksheet's cells
# ---------------------------------------------------------------------------------------------------------------


class TreeSheet:
    """A worksheet parsed with lxml: find or create ``<c>`` elements, keeping rows and cells in order.

    The general way, used when :class:`FastSheet` cannot be (rows or cells without an ``r`` reference).
    """

    def __init__(self, data: bytes):
        self.root = root = parse_xml(data)
        self.data = root.find(q("sheetData"))
        if self.data is None:
            self.data = insert_ordered(root, etree.Element(q("sheetData")), SHEET_ORDER)
        self.rows: dict[int, object] = {}
        last = 0
        for row in self.data.iterfind(q("row")):
            r = int(row.get("r") or last + 1)
            row.set("r", str(r))
            last = r
            self.rows[r] = row
        self.row_keys = sorted(self.rows)
        self.merges = []
        mc = root.find(q("mergeCells"))
        if mc is not None:
            self.merges = [m for m in (parse_range(el.get("ref") or "") for el in mc.iterfind(q("mergeCell"))) if m]
        self.col_styles = []
        cols = root.find(q("cols"))
        if cols is not None:
            self.col_styles = col_styles(cols.iterfind(q("col")), lambda el, k: el.get(k))

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        return anchor(self.merges, r, c)

    def _row(self, r: int):
        row = self.rows.get(r)
        if row is None:
            row = etree.Element(q("row"), r=str(r))
            i = bisect.bisect(self.row_keys, r)
            if i < len(self.row_keys):
                self.rows[self.row_keys[i]].addprevious(row)
            else:
                self.data.append(row)
            self.row_keys.insert(i, r)
            self.rows[r] = row
        return row

    def _cell(self, r: int, c: int):
        """(cell element, style index it shows now)."""
        row = self._row(r)
        before = None
        col = 0
        for el in row.iterfind(q("c")):
            pos = split_ref(el.get("r") or "")
            col = pos[1] if pos else col + 1
            if not pos:
                el.set("r", f"{col_letters(col)}{r}")
            if col == c:
                return el, int(el.get("s", "0") or 0)
            if col > c:
                before = el
                break
        new = etree.Element(q("c"), r=f"{col_letters(c)}{r}")
        if before is not None:
            before.addprevious(new)
        else:
            row.append(new)
        row.attrib.pop("spans", None)  # an optional hint that may no longer cover the row
        return new, empty_cell_style(row.get("s"), row.get("customFormat"), self.col_styles, c)

    def restyle(self, edits: dict[tuple[int, int], Callable[[int], int]]):
        """Give each cell (created if missing) the style ``edit(style it has now)``."""
        for (r, c), edit in edits.items():
            el, base = self._cell(r, c)
            el.set("s", str(edit(base)))

    def legacy_rid(self) -> str | None:
        ld = self.root.find(q("legacyDrawing"))
        return None if ld is None else ld.get(q("id", R_NS))

    def set_legacy(self, rid: str):
        ld = self.root.find(q("legacyDrawing"))
        if ld is None:
            ld = insert_ordered(self.root, etree.Element(q("legacyDrawing"), nsmap={"r": R_NS}), SHEET_ORDER)
        ld.set(q("id", R_NS), rid)

    def clear_tab_selected(self):
        for sv in self.root.iterfind(f"{q('sheetViews')}/{q('sheetView')}"):
            sv.attrib.pop("tabSelected", None)

    def to_bytes(self) -> bytes:
        return to_bytes(self.root)


_NAME = rb"(?:([A-Za-z_][\w.-]*):)?"
ROOT_TAG = re.compile(rb"<" + _NAME + rb"worksheet\b[^>]*>")
COL_TAG = re.compile(rb"<" + _NAME + rb"col\b[^>]*>")
MERGE_TAG = re.compile(rb"<" + _NAME + rb"mergeCell\b[^>]*\bref=\"([^\"]*)\"")
ATTR = re.compile(rb'\s([\w:]+)="([^"]*)"')
TAB_SELECTED = re.compile(rb'\stabSelected="(?:1|true)"')
R_ATTR = re.compile(rb'\sr="([^"]*)"')
S_ATTR = re.compile(rb'\ss="([0-9]*)"')
PLAIN_TAG = re.compile(rb'<[\w:.-]+(?:\s+[\w:.-]+="[^"<]*")*\s*/?>\Z')  # double quotes, no spaces around =


def elements(data: bytes, name: bytes, start: int, stop: int, whole: bool = True):
    """(start, end, start tag) of each ``<name ...>`` element in data[start:stop], found with bytes.find.

    With ``whole`` the end is past the element's closing tag (rows and cells do not nest)."""
    opening, closing = b"<" + name, b"</" + name + b">"
    pos = data.find(opening, start, stop)
    while pos >= 0:
        nxt = data[pos + len(opening):pos + len(opening) + 1]
        if nxt in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            gt = data.find(b">", pos, stop)
            if gt < 0:
                raise Unsupported("unterminated tag")
            tag = data[pos:gt + 1]
            end = gt + 1
            if whole and not tag.endswith(b"/>"):
                close = data.find(closing, end, stop)
                if close < 0:
                    raise Unsupported("element not closed")
                end = close + len(closing)
            yield pos, end, tag
            pos = end
        else:
            pos += 1
        pos = data.find(opening, pos, stop)


def attrs(tag: bytes) -> dict[str, str]:
    return {k.decode(): v.decode("utf-8", "replace") for k, v in ATTR.findall(tag)}


class FastSheet:
    """A worksheet edited as bytes: only the rows that change are touched, the rest is copied as it is.

    Parsing a 200-row sheet with lxml and writing it back costs more than everything else an annotated copy needs;
    this finds rows and cells by their ``r`` references instead.  Raises :class:`Unsupported` for a sheet it cannot
    read that way (the caller uses :class:`TreeSheet`).
    """

    def __init__(self, data: bytes):
        self.data = data
        decl = re.match(rb'<\?xml[^>]*encoding="([^"]*)"', data)
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (decl and decl.group(1).lower() not in (b"utf-8", b"utf8")):
            raise Unsupported("not UTF-8")
        m = ROOT_TAG.search(data)
        if m is None or m.group(0).endswith(b"/>"):
            raise Unsupported("no worksheet root")
        self.prefix = m.group(1) + b":" if m.group(1) else b""
        self.root_end = m.end()
        p = re.escape(self.prefix)
        sd = re.search(rb"<" + p + rb"sheetData\b[^>]*?(/?)>", data)
        if sd is None or len(re.findall(rb"<" + p + rb"sheetData\b", data)) != 1:
            raise Unsupported("no single sheetData")
        self.sd_open = sd  # the start tag
        if sd.group(1):
            self.sd_close_start = self.sd_end = sd.end()
        else:
            close = data.find(b"</" + self.prefix + b"sheetData>", sd.end())
            if close < 0:
                raise Unsupported("sheetData not closed")
            self.sd_close_start, self.sd_end = close, close + len(b"</" + self.prefix + b"sheetData>")
        self.rows: dict[int, tuple[int, int, bytes]] = {}  # r -> (start, end, start tag)
        for start, end, tag in elements(data, self.prefix + b"row", sd.end(), self.sd_close_start):
            r = R_ATTR.search(tag)
            if r is None:
                raise Unsupported("row without r")
            self.rows[int(r.group(1))] = (start, end, tag)
        self.row_keys = sorted(self.rows)
        if self.row_keys != list(self.rows):
            raise Unsupported("rows out of order")
        tail = data[self.sd_end:]
        self.merges = [m for m in (parse_range(x.group(2).decode()) for x in MERGE_TAG.finditer(tail)) if m]
        head = data[self.root_end:self.sd_open.start()]
        self.col_styles = col_styles((attrs(t.group(0)) for t in COL_TAG.finditer(head)), dict.get)
        self.new_rows: dict[int, bytes] = {}  # r -> replacement bytes of that row (or a new row)
        self.legacy: str | None = None
        self.clear_tabs = False

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        return anchor(self.merges, r, c)

    def restyle(self, edits: dict[tuple[int, int], Callable[[int], int]]):
        by_row: dict[int, dict[int, Callable[[int], int]]] = defaultdict(dict)
        for (r, c), edit in edits.items():
            by_row[r][c] = edit
        p = self.prefix
        for r, cols in by_row.items():
            if r in self.rows:
                start, end, tag = self.rows[r]
                body = self.data[start + len(tag):end] if not tag.endswith(b"/>") else b"</" + p + b"row>"
            else:
                tag, body = b"<" + p + b'row r="' + str(r).encode() + b'">', b"</" + p + b"row>"
            if not PLAIN_TAG.match(tag):
                raise Unsupported("unusual row tag")
            row_attrs = attrs(tag)
            quick = self._quick(body, r, cols)
            if quick is not None:  # every flagged cell exists: rewrite just their start tags
                self.new_rows[r] = tag + quick
                continue
            cells = []  # (col, start, end of start tag, start tag) in body
            for c0, _, ctag in elements(body, p + b"c", 0, len(body), whole=False):
                ref = R_ATTR.search(ctag)
                pos = split_ref(ref.group(1).decode()) if ref else None
                if pos is None:
                    raise Unsupported("cell without r")
                cells.append((pos[1], c0, c0 + len(ctag), ctag))
            out, last, inserted = [], 0, False
            pending = sorted(cols.items())
            for col, s0, s1, ctag in cells:
                while pending and pending[0][0] < col:  # a missing cell goes before the next one
                    c, edit = pending.pop(0)
                    out += [body[last:s0], self._new_cell(r, c, edit(self._empty_style(row_attrs, c)))]
                    last, inserted = s0, True
                if pending and pending[0][0] == col:
                    _, edit = pending.pop(0)
                    if not PLAIN_TAG.match(ctag):
                        raise Unsupported("unusual cell tag")
                    out += [body[last:s0], self._set_style(ctag, edit)]
                    last = s1
            close = body.rfind(b"</" + p + b"row>")
            for c, edit in pending:
                out += [body[last:close], self._new_cell(r, c, edit(self._empty_style(row_attrs, c)))]
                last, inserted = close, True
            out.append(body[last:])
            if inserted:  # spans is an optional hint that may no longer cover the row
                tag = re.sub(rb'\sspans="[^"]*"', b"", tag)
            if tag.endswith(b"/>"):
                tag = tag[:-2].rstrip() + b">"
            self.new_rows[r] = tag + b"".join(out)

    def _quick(self, body: bytes, r: int, cols: dict[int, Callable[[int], int]]) -> bytes | None:
        """The row body with each flagged cell's style changed, found by its reference; None if one is missing."""
        opening = b"<" + self.prefix + b"c"
        spans = []
        for c, edit in cols.items():
            at = body.find(b' r="' + f"{col_letters(c)}{r}".encode() + b'"')
            lt = body.rfind(b"<", 0, at) if at >= 0 else -1
            gt = body.find(b">", at) if at >= 0 else -1
            if lt < 0 or gt < 0 or body[lt:at] != opening or body.find(b' r="', at + 1, gt) >= 0:
                return None
            ctag = body[lt:gt + 1]
            if not PLAIN_TAG.match(ctag):
                return None
            spans.append((lt, gt + 1, self._set_style(ctag, edit)))
        spans.sort()
        out, last = [], 0
        for a, b, new in spans:
            out += [body[last:a], new]
            last = b
        out.append(body[last:])
        return b"".join(out)

    def _set_style(self, ctag: bytes, edit: Callable[[int], int]) -> bytes:
        m = S_ATTR.search(ctag)
        new_s = str(edit(int(m.group(1) or 0) if m else 0)).encode()
        if m:
            return ctag[:m.start(1)] + new_s + ctag[m.end(1):]
        n = len(self.prefix) + 2
        return ctag[:n] + b' s="' + new_s + b'"' + ctag[n:]

    def _empty_style(self, row_attrs: dict, c: int) -> int:
        return empty_cell_style(row_attrs.get("s"), row_attrs.get("customFormat"), self.col_styles, c)

    def _new_cell(self, r: int, c: int, style: int) -> bytes:
        return b"<" + self.prefix + b'c r="' + f"{col_letters(c)}{r}".encode() + b'" s="' + str(style).encode() + b'"/>'

    def legacy_rid(self) -> str | None:
        m = re.search(rb"<" + re.escape(self.prefix) + rb'legacyDrawing\b[^>]*?\s[\w.-]+:id="([^"]*)"',
                      self.data[self.sd_end:])
        return m.group(1).decode() if m else None

    def set_legacy(self, rid: str):
        self.legacy = rid

    def clear_tab_selected(self):
        self.clear_tabs = True

    def to_bytes(self) -> bytes:
        d = self.data
        head = d[:self.sd_open.start()]
        if self.clear_tabs:
            head = TAB_SELECTED.sub(b"", head)
        parts = [head]
        if self.sd_open.group(1):  # <sheetData/>
            parts.append(self.sd_open.group(0)[:-2].rstrip() + b">" if self.new_rows else self.sd_open.group(0))
        else:
            parts.append(d[self.sd_open.start():self.sd_open.end()])
        pos = self.sd_open.end()
        for r in sorted(self.new_rows):
            if r in self.rows:
                start, end, _ = self.rows[r]
            else:  # a new row goes before the next existing one
                i = bisect.bisect(self.row_keys, r)
                start = end = self.rows[self.row_keys[i]][0] if i < len(self.row_keys) else self.sd_close_start
            parts += [d[pos:start], self.new_rows[r]]
            pos = end
        parts.append(d[pos:self.sd_close_start])
        if self.sd_open.group(1) and self.new_rows:
            parts.append(b"</" + self.prefix + b"sheetData>")
        else:
            parts.append(d[self.sd_close_start:self.sd_end])
        tail = d[self.sd_end:]
        if self.legacy is not None:
            tail = self._tail_with_legacy(tail)
        return b"".join(parts) + tail

    def _tail_with_legacy(self, tail: bytes) -> bytes:
        """The elements after sheetData, parsed on their own (with the root's namespaces) to place legacyDrawing."""
        mini = TreeSheet(ROOT_TAG.search(self.data).group(0) + tail)
        mini.data.getparent().remove(mini.data)  # the sheetData TreeSheet adds when there is none
        mini.set_legacy(self.legacy)
        out = etree.tostring(mini.root)
        return out[out.index(b">") + 1:]


def open_sheet(data: bytes):
    try:
        return FastSheet(data)
    except Unsupported:
        return TreeSheet(data)


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    a, _, b = ref.partition(":")
    p1, p2 = split_ref(a), split_ref(b or a)
    return (p1[0], p1[1], p2[0], p2[1]) if p1 and p2 else None


def anchor(merges, r: int, c: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (r, c): the one that shows."""
    for r1, c1, r2, c2 in merges:
        if r1 <= r <= r2 and c1 <= c <= c2:
            return r1, c1
    return r, c


def col_styles(cols, get) -> list[tuple[int, int, int]]:
    out = []
    for c in cols:
        try:
            out.append((int(get(c, "min")), int(get(c, "max")), int(get(c, "style") or 0)))
        except (TypeError, ValueError):
            continue
    return out


def empty_cell_style(row_s, row_custom, cols, c: int) -> int:
    """The format a cell that is not written shows: its row's if the row has one, else its column's."""
    if row_custom in ("1", "true") and (row_s or "").isdigit():
        return int(row_s)
    return next((s for lo, hi, s in cols if lo <= c <= hi), 0)


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
            t.text = piece
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


def text_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count twice."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def esc(text: str, attr: bool = False) -> str:
    """XML-escaped text (CR kept as a character reference so it survives parsing)."""
    text = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def result_sheet(findings: list[Finding], lines: list[str], sheets: set[str], styles: Styles) -> tuple[bytes, str]:
    """The worksheet XML of 校验结果: inline strings only, so no text written can become a formula."""
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
    return "".join(out).encode("utf-8"), f"{quote_sheet(RESULT_SHEET)}!$A${first}:$H${last}"


def add_result_sheet(pkg: Package, wb_part: str, wb_root, findings, lines, sheets, styles: Styles,
                     sheet_parts: dict[str, str], edited: dict) -> str:
    """Insert 校验结果 as the first sheet, opened on load; returns the name it got."""
    names = {s.lower() for s in sheets}
    name = RESULT_SHEET
    n = 2
    while name.lower() in names:
        name, n = f"{RESULT_SHEET}({n})", n + 1
    global_name = name
    xml, filter_ref = result_sheet(findings, lines, set(sheets), styles)
    if name != RESULT_SHEET:
        filter_ref = filter_ref.replace(quote_sheet(RESULT_SHEET), quote_sheet(name))
    part = pkg.unique("xl/worksheets/sheet{}.xml")
    pkg.put(part, xml)
    pkg.override(part, CT_WORKSHEET)
    rid = pkg.add_rel(wb_part, "worksheet", part)

    sheets_el = wb_root.find(q("sheets"))
    ids = [int(s.get("sheetId", "0")) for s in sheets_el if s.get("sheetId", "0").isdigit()]
    el = etree.Element(q("sheet"), nsmap={"r": R_NS})
    el.set("name", global_name)
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
                pkg.put(sheet_part, re.sub(rb'\stabSelected="(?:1|true)"', b"", data))
    app_titles(pkg, global_name)
    return global_name


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


def rebuild_xlsx(src: Path) -> bytes:
    """A plain .xlsx holding the values (and merged ranges) python-calamine reads from any workbook format."""
    import openpyxl
    import python_calamine as pc

    out = openpyxl.Workbook()
    out.remove(out.active)
    with open(src, "rb") as fh:
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


def annotate_file(src: Path, out_dir: Path, display: str, findings: list[Finding], lines: list[str],
                  taken: set[str] | None = None) -> Annotated:
    """Write the annotated copy of ``src`` under ``out_dir``; ``src`` is only read.

    ``taken`` holds the (lower-case) relative names already written in this run: ``a.xls`` beside ``a.xlsx``
    becomes ``a.xls.xlsx``.
    """
    fmt = sniff(src)
    note = ""
    pkg = None
    if fmt in ("xlsx", "xlsm"):
        try:
            pkg, fmt = annotate_package(src, findings, lines)
        except Exception as e:  # noqa: BLE001 - whatever stops the rewrite, the values still make a copy
            note = f"说明：原文件结构特殊，无法直接在原文件上标注（{type(e).__name__}），本副本按单元格的值重新生成，原有格式未保留。"
            pkg = None
    else:
        note = (f"说明：原文件为{REBUILT_FORMATS.get(fmt, fmt)}格式，本副本按单元格的值重新生成为 .xlsx，"
                "原有格式（字体、边框、列宽等）未保留；请在原文件中修改。")
    if pkg is None:
        pkg, _ = annotate_package(io.BytesIO(rebuild_xlsx(src)), findings, lines[:1] + [note] + lines[1:])
        fmt = "xlsx"
    rel = out_name(display, fmt)
    if taken is not None:
        if rel.lower() in taken:
            rel = out_name(display, fmt, keep_ext=True)
        taken.add(rel.lower())
    dst = out_dir / rel
    try:
        with atomic_path(dst) as tmp, open(tmp, "wb") as fh:
            pkg.write(fh)
    finally:
        pkg.zf.close()
    return Annotated(dst, bool(note), note)
