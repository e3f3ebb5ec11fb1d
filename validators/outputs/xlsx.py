"""Just enough of the OOXML package format to edit a workbook in place.

:class:`Package` reads a zip once and writes it back with only the changed parts replaced; :class:`Styles` appends
cell formats; :class:`FastSheet` edits a worksheet as bytes (only the rows that change are touched) and
:class:`TreeSheet` does the same with lxml for sheets the byte editor does not handle.

XML is parsed with lxml without DTDs, entities or network access; a part with a DOCTYPE is refused.
"""

from __future__ import annotations

import bisect
import copy
import posixpath
import re
import zipfile
from collections import defaultdict
from typing import Callable

from lxml import etree

from ..reader import check_zip
from . import clean_text

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


class Unsupported(Exception):
    """The package cannot be rewritten in place; the caller rebuilds the workbook from its values."""


# what esc changes: text without any of these (most cell texts) is returned as it is, after one search
_ESCAPED = re.compile('[&<>\r"\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def esc(text: str, attr: bool = False) -> str:
    """XML-escaped text (CR kept as a character reference so it survives parsing)."""
    if not _ESCAPED.search(text):
        return text
    text = clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


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
        n = 0
        for start, end, tag in elements(data, self.prefix + b"row", sd.end(), self.sd_close_start):
            r = R_ATTR.search(tag)
            if r is None or not r.group(1).isdigit():
                raise Unsupported("row without r")
            self.rows[int(r.group(1))] = (start, end, tag)
            n += 1
        self.row_keys = sorted(self.rows)
        if self.row_keys != list(self.rows) or n != len(self.rows):
            raise Unsupported("rows out of order or repeated")
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
