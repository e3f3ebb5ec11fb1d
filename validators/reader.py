"""Read workbooks as people really fill them.

A sheet is searched for its table: title rows, a 填报单位/填报日期 line, one- or two-level (merged) headers, an
optional row of column numbers, data rows with cells merged down a column, and a footer (填表说明, 填表人 …).
Header text is mapped to canonical fields through :mod:`fields`; unknown columns are kept aside, not read.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from .fields import header_key, is_parent_header, match_header, squeeze
from .findings import col_letter
from .kinds import KINDS

# ---------------------------------------------------------------------------------------------------------------
# What a file is, from its first bytes
# ---------------------------------------------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Limits against zip bombs: refuse before any XML is parsed.
MAX_FILE = 256 * 1024 * 1024  # bytes on disk
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_RATIO = 200
MAX_MEMBER = 256 * 1024 * 1024
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand more than this: bounds what a lying size field can hide
PROLOG_SCAN = 4096  # an OOXML part's root element starts within its first bytes; a DTD before it is refused

Source = Path | bytes  # a file on disk, or the bytes of one (a member of a .zip archive)


class ReadError(Exception):
    """A file that cannot be read as a workbook; ``code`` is the finding to report."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def load_bytes(src: Source) -> bytes:
    if isinstance(src, (bytes, bytearray)):
        return bytes(src)
    size = Path(src).stat().st_size
    if size > MAX_FILE:
        raise ReadError("STR007", f"文件大小{size // (1024 * 1024)}MB，超过上限{MAX_FILE // (1024 * 1024)}MB，已拒绝读取")
    return Path(src).read_bytes()


def sniff(src: Source) -> str:
    """'xlsx', 'xlsm', 'xlsb', 'xls' or 'ods' from content; raises ReadError otherwise."""
    data = load_bytes(src)
    head = data[:2048]
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                check_zip(zf)
                names = set(zf.namelist())
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    if "xl/workbook.bin" in names:
                        return "xlsb"
                    return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
                if "content.xml" in names and "mimetype" in names:
                    return "ods"
                raise ReadError("STR001", "是ZIP压缩包，但不是Excel工作簿")
        except zipfile.BadZipFile as e:
            raise ReadError("STR001", f"文件已损坏（ZIP结构不完整：{e}）") from None
        except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as e:
            raise ReadError("STR001", f"文件已损坏（{type(e).__name__}: {e}）") from None
    if head.startswith(CFB_MAGIC):
        try:
            import olefile

            with olefile.OleFileIO(data) as ole:
                streams = {"/".join(s) for s in ole.listdir()}
        except Exception as e:  # noqa: BLE001 - any parse failure of a damaged OLE file
            raise ReadError("STR001", f"文件已损坏（OLE结构不完整：{e}）") from None
        if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
            raise ReadError("STR004", "工作簿已加密（设置了打开密码）")
        if "Workbook" in streams or "Book" in streams:
            if _xls_encrypted(data):
                raise ReadError("STR004", "工作簿已加密（设置了打开密码）")
            return "xls"
        raise ReadError("STR001", "是OLE复合文档，但不是Excel工作簿（可能是Word文档）")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"mime-version")):
        raise ReadError("STR001", "实为网页(HTML/XML)文件，不是真正的Excel工作簿；请用Excel打开后另存为.xlsx")
    if not head:
        raise ReadError("STR001", "文件为空（0字节）")
    raise ReadError("STR001", "不是Excel工作簿（无法识别的文件内容）")


def check_zip(zf: zipfile.ZipFile | list, max_total: int | None = None, xml: bool = True) -> None:
    """Refuse zip bombs from the central directory alone: member count, declared sizes, ratios.

    A member whose compressed size could hide more than the limits allow (a size field can lie) is inflated once,
    bounded by its declared size, so a lie shows as a CRC error.  With ``xml`` (a workbook), every XML part's prolog
    is read and a DTD (entity declarations: "billion laughs") refused; ``xml=False`` checks an archive of
    submissions, which may also use bzip2 or LZMA.  Given only a list of ZipInfo, the central directory checks run.
    """
    max_total = max_total or MAX_UNCOMPRESSED
    methods = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # all Excel, WPS and LibreOffice write
    if not xml:  # an archive of submissions may come from any zip tool; its members are read in a worker
        methods += (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
    infos = zf if isinstance(zf, list) else zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError("STR007", f"压缩包内文件数{len(infos)}过多，疑似恶意文件，已拒绝读取")
    total = worst = 0
    for i in infos:
        if i.compress_type not in methods:
            raise ReadError("STR001", f"压缩包使用了不支持的压缩方式（{i.compress_type}）")
        total += i.file_size
        if i.file_size > MAX_MEMBER or total > max_total:
            raise ReadError("STR007", "解压后体积异常巨大，疑似“压缩炸弹”，已拒绝读取")
        if i.compress_size and i.file_size > 1024 * 1024 and i.file_size / i.compress_size > MAX_RATIO:
            raise ReadError("STR007", f"压缩比异常（{i.file_size // max(i.compress_size, 1)}倍），疑似“压缩炸弹”，已拒绝读取")
        if i.compress_type == zipfile.ZIP_DEFLATED and not isinstance(zf, list):
            bound = i.compress_size * DEFLATE_MAX_RATIO
            if bound > MAX_MEMBER or worst + bound > max_total:
                _verify_size(zf, i)
            else:
                worst += bound
    if xml and not isinstance(zf, list):
        for i in infos:
            name = i.filename.lower()  # customXml parts are never parsed: a DTD there does no harm
            if name.endswith((".xml", ".rels", ".vml")) and i.file_size and not name.startswith("customxml/"):
                _check_prolog(zf, i)


def _verify_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with zf.open(info) as fh:  # zipfile stops at the declared size and checks the CRC
            while fh.read(1 << 20):
                pass
    except zipfile.BadZipFile:
        raise ReadError("STR007", f"压缩包成员“{info.filename}”声明的大小与实际不符，疑似“压缩炸弹”，已拒绝读取") from None


ROOT_START = re.compile(rb"<[A-Za-z_]")


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with zf.open(info) as fh:
        head = fh.read(PROLOG_SCAN)
    m = ROOT_START.search(head)
    prolog = (head[:m.start()] if m else head).upper()
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise ReadError("STR007", f"“{info.filename}”含有XML实体声明（DTD），疑似“XML炸弹”攻击，已拒绝读取")
    if m is None and len(head) == PROLOG_SCAN:
        raise ReadError("STR007", f"“{info.filename}”开头异常（{PROLOG_SCAN}字节内没有XML元素），已拒绝读取")


def _xls_encrypted(data: bytes) -> bool:
    try:
        import msoffcrypto

        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # noqa: BLE001 - msoffcrypto does not know every variant; calamine will tell
        return False


# ---------------------------------------------------------------------------------------------------------------
# Formulas without cached values (programs that write formulas but never calculate them)
# ---------------------------------------------------------------------------------------------------------------

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
F_TAG = re.compile(rb"<" + _NS + rb"f[\s>/]")
CELL = re.compile(rb"<" + _NS + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _NS + rb"c>)", re.S)
CELL_REF = re.compile(rb"\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
F_TEXT = re.compile(rb"<" + _NS + rb"f\b[^>]*?(?:/>|>(.*?)</" + _NS + rb"f>)", re.S)
V_VALUE = re.compile(rb"<" + _NS + rb"(?:v>[^<]|is>)")
MAX_FORMULA_FINDINGS = 200


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    from defusedxml import ElementTree as ET

    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - without them no formula scan; the values read stay as they are
        return {}
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            t = target.get(rid, "")
            if t:
                out[el.get("name", "")] = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
    return out


def formula_cells(zf: zipfile.ZipFile, part: str) -> list[tuple[int, int, str]]:
    """(Excel row, 0-based column, formula) of cells with a formula and no cached value (one inflate and a few
    substring searches when there is no formula at all)."""
    try:
        xml = zf.read(part)  # bounded: check_zip has limited every member's size
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
        return []
    if not (b"<f" in xml or b":f" in xml) or not F_TAG.search(xml):  # substring tests first: 2-3x faster
        return []
    out = []
    for m in CELL.finditer(xml):
        inner = m.group(2) or b""
        if not F_TAG.search(inner) or V_VALUE.search(inner):
            continue
        ref = CELL_REF.search(m.group(1))
        if not ref:
            continue
        f = F_TEXT.search(inner)
        text = html.unescape((f.group(1) or b"").decode("utf-8", "replace") if f else "")  # &amp; &#21333; …
        out.append((int(ref.group(2)), col_index(ref.group(1).decode()), text))
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# ---------------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Column:
    index: int  # 0-based sheet column
    field: str
    header: str  # as written, "现专业技术资格/取得时间" for two-level headers

    @property
    def letter(self) -> str:
        return col_letter(self.index)


@dataclass
class Table:
    sheet: str
    kind: str | None
    header_rows: tuple[int, int]  # first and last Excel row of the header
    columns: list[Column]
    rows: list[int]  # Excel row numbers of the data rows
    values: list[tuple]  # raw values, one tuple per data row, aligned with ``columns``
    meta: dict = field(default_factory=dict)  # title, unit, fill_date
    unknown: list[str] = field(default_factory=list)  # header texts that map to no field
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (row, col, formula) without a cached value

    def column(self, fld: str) -> Column | None:
        for c in self.columns:
            if c.field == fld:
                return c
        return None


FOOTER_PREFIXES = tuple(
    header_key(p)
    for p in ("填表说明", "说明：", "注：", "注:", "备注：", "填表人", "审核人", "负责人", "联系电话", "单位负责人", "经办人",
              "制表人", "制表", "填报人", "主管部门意见", "单位意见", "以下空白", "以下无数据", "审核意见", "单位（盖章）")
)
SUBTOTAL = {"合计", "小计", "总计"}
INSTRUCTION_SHEETS = ("填表说明", "说明", "填报说明", "使用说明", "instructions", "readme")
TEMPLATE_META_SHEET = "_zc_meta"  # hidden sheet of our templates: key/value rows (kind, template_version, sheet …)
UNIT_LINE = re.compile(r"(?:(?:填报|填表|申报|推荐|报送)单位|单位名称|^单位)[（(]?(?:盖章|公章)?[）)]?[:：]?\s*(?P<unit>.*?)\s*(?=(?:填报|填表)日期|(?:填报|填表)时间|联系人|$)")
DATE_LINE = re.compile(r"(?:填报|填表|审查|审核|登记)(?:日期|时间)[:：]?\s*(?P<date>[0-9０-９年月日.\-/ ]+)")
MAX_HEADER_SCAN = 40
HEADER_LOOKAHEAD = 4  # rows looked at past a clear header (a second header row, a row of column numbers)
META_WORDS = re.compile(r"填报|填表|盖章|公章|日期：|花名册|登记表|审查表|汇总表|一览表|附件")


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v) -> str:
    if _is_blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class Grid:
    """A sheet's used area with merged ranges filled in."""

    def __init__(self, rows: list[list], origin: tuple[int, int], merges):
        self.r0, self.c0 = origin
        self.rows = rows
        self.height = len(rows)
        self.width = max((len(r) for r in rows), default=0)
        self.merges = []  # (r1, c1, r2, c2) absolute, clipped to the area
        for (ra, ca), (rb, cb) in merges or ():
            ra, ca = max(ra, self.r0), max(ca, self.c0)
            rb, cb = min(rb, self.r0 + self.height - 1), min(cb, self.c0 + self.width - 1)
            if ra > rb or ca > cb or (ra == rb and ca == cb):
                continue
            self.merges.append((ra, ca, rb, cb))
            top = self.get(ra, ca)
            for r in range(ra, rb + 1):
                row = self.rows[r - self.r0]
                if len(row) < self.width:
                    row.extend([""] * (self.width - len(row)))
                for c in range(ca, cb + 1):
                    if (r, c) != (ra, ca):
                        row[c - self.c0] = top

    def get(self, r: int, c: int):
        rr, cc = r - self.r0, c - self.c0
        if 0 <= rr < self.height and 0 <= cc < len(self.rows[rr]):
            return self.rows[rr][cc]
        return ""

    def row(self, r: int) -> list:
        return self.rows[r - self.r0]

    def hmerged(self, r: int, c: int) -> bool:
        """Is (r, c) inside a merge that spans several columns?"""
        return any(ra <= r <= rb and ca <= c <= cb and cb > ca for ra, ca, rb, cb in self.merges)


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _row_fields(grid: Grid, r: int) -> set[str]:
    found = set()
    for v in grid.row(r):  # (cells past the row's end are blank)
        t = v.strip() if v.__class__ is str else _text(v)
        # ASCII text without a letter (a number, an ID, a date) names no field: every synonym and year pattern has a
        # letter or a Chinese character, and NFKC leaves ASCII as it is (tested)
        if t and len(t) <= 40 and not (t.isascii() and not _ASCII_LETTER.search(t)):
            f = match_header(t)
            if f and f != "seq":
                found.add(f)
    return found


_ID_LIKE = re.compile(r"\d{15,18}[0-9Xx]?")


def _looks_like_data(v) -> bool:
    if v.__class__ is str and v.isascii() and len(v) < 15:  # (NFKC leaves ASCII as it is; squeezing only shortens)
        return False
    return bool(_ID_LIKE.fullmatch(squeeze(_text(v)))) or isinstance(v, (dt.date, dt.datetime))


def _header_pair(grid: Grid, top: int, sub: int | None) -> tuple[list[Column], list[str]]:
    cols, unknown, seen = [], [], set()
    for c in range(grid.c0, grid.c0 + grid.width):
        parent = _text(grid.get(top, c))
        child = _text(grid.get(sub, c)) if sub is not None else ""
        if sub is not None and _looks_like_data(grid.get(sub, c)):
            child = ""
        if child and child != parent:
            fld = match_header(child, parent)
            written = f"{parent}/{child}" if parent else child
        else:
            fld = match_header(parent) if parent else None
            written = parent
        if not written:
            continue
        if fld and fld not in seen:
            seen.add(fld)
            cols.append(Column(c, fld, written))
        else:
            unknown.append(written)
    return cols, unknown


def _is_sub_header(grid: Grid, top: int, sub: int) -> bool:
    if sub >= grid.r0 + grid.height:
        return False
    values = [grid.get(sub, c) for c in range(grid.c0, grid.c0 + grid.width)]
    if any(_looks_like_data(v) for v in values):
        return False
    hits = 0
    for c in range(grid.c0, grid.c0 + grid.width):
        parent, child = _text(grid.get(top, c)), _text(grid.get(sub, c))
        if child and child != parent and _parent_like(grid, top, c, parent) and match_header(child, parent):
            hits += 1
    return hits > 0


def _parent_like(grid: Grid, r: int, c: int, text: str) -> bool:
    """A cell that can head a group of columns: a known group name, or a short merged label (not a title line)."""
    if is_parent_header(text):
        return True
    if len(text) > 16 or META_WORDS.search(text):
        return False
    span = max((cb - ca + 1 for ra, ca, rb, cb in grid.merges if ra <= r <= rb and ca <= c <= cb), default=1)
    return 1 < span <= max(2, 0.6 * grid.width)


def _numbering_row(values: list) -> bool:
    """A row of column numbers under the header (1, 2, 3 … or (1), (2) …)."""
    nums = []
    for v in values:
        t = squeeze(_text(v)).strip("()（）")
        if t:
            if not t.isdigit():
                return False
            nums.append(int(t))
    return len(nums) >= 3 and nums == sorted(nums) and nums[0] <= 1 and len(set(nums)) == len(nums)


def find_table(grid: Grid, sheet: str) -> Table | None:
    if not grid.height or not grid.width:
        return None
    last = grid.r0 + min(grid.height, MAX_HEADER_SCAN)
    best, best_score = None, 1
    for r in range(grid.r0, last):
        if best is not None and best_score >= 3 and r > best + HEADER_LOOKAHEAD:
            break  # a clear header with rows below it: the rest is data
        score = len(_row_fields(grid, r))
        if score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    # two-level header: the best row may be the parent row or the child row
    candidates = [(best, None)]
    if _is_sub_header(grid, best, best + 1):
        candidates.append((best, best + 1))
    if best > grid.r0 and _is_sub_header(grid, best - 1, best):
        candidates.append((best - 1, best))
    scored = []
    for top, sub in candidates:
        cols, unknown = _header_pair(grid, top, sub)
        scored.append((len(cols), sub is not None, top, sub, cols, unknown))
    scored.sort(key=lambda t: (t[0], not t[1]), reverse=True)  # a tie goes to the single-level reading
    _, _, top, sub, cols, unknown = scored[0]
    if len(cols) < 2:
        return None
    header_end = sub if sub is not None else top

    meta = _meta(grid, top)
    first = header_end + 1
    seq_col = next((c.index for c in cols if c.field == "seq"), None)
    rows, values = [], []
    offs = [c.index - grid.c0 for c in cols]
    pick, reach = itemgetter(*offs), max(offs) + 1  # (two columns at least: a tuple)
    counted = [j for j, c in enumerate(cols) if c.index != seq_col]  # a row needs two values besides 序号
    for r in range(first, grid.r0 + grid.height):
        raw = grid.row(r)
        if r == first and _numbering_row(raw):
            continue
        for lead in raw:  # the first value that is not blank
            if lead is not None and not (isinstance(lead, str) and not lead.strip()):
                break
        else:
            continue
        if lead.__class__ is str:  # (a row led by a number, e.g. its 序号, is neither a footer nor a 合计 row)
            lead = _text(lead)
            lk = header_key(lead)
            if lk.startswith(FOOTER_PREFIXES) or (len(lead) > 40 and not any(_looks_like_data(v) for v in raw)):
                meta.update(_footer_meta(grid, r))
                break
            if lk in SUBTOTAL:
                continue
        vals = pick(raw) if len(raw) >= reach else tuple(raw[k] if k < len(raw) else "" for k in offs)
        filled = 0
        for j in counted:
            v = vals[j]
            if v is not None and not (isinstance(v, str) and not v.strip()):  # (_is_blank, inlined: 50,000 calls)
                filled += 1
                if filled == 2:
                    break
        if filled < 2:
            continue
        rows.append(r + 1)
        values.append(vals)
    kind = classify({c.field for c in cols}, meta.get("title", "") + sheet)
    if kind is None:
        return None
    return Table(sheet, kind, (top + 1, header_end + 1), cols, rows, values, meta, unknown)


def _meta(grid: Grid, header_top: int) -> dict:
    meta: dict = {}
    for r in range(grid.r0, header_top):
        texts = [_text(v) for v in grid.row(r)]
        seen, line = set(), []
        for t in texts:  # merged cells repeat their text: keep it once
            if t and t not in seen:
                seen.add(t)
                line.append(t)
        joined = " ".join(line)
        if not joined:
            continue
        m = UNIT_LINE.search(joined)
        if m and _unit_name(m.group("unit")):
            meta["unit"] = _unit_name(m.group("unit"))
        d = DATE_LINE.search(joined)
        if d and d.group("date").strip():
            meta["fill_date"] = d.group("date").strip()
        if not m and not d and "title" not in meta and len(joined) >= 6 and not re.fullmatch(r"附件?\s*[\d\-－]+", joined):
            meta["title"] = joined
        elif not m and not d and "title" in meta and "附件" not in joined and len(joined) >= 6 and "单位" not in joined:
            meta.setdefault("subtitle", joined)
    return meta


def _unit_name(text: str) -> str:
    return re.sub(r"[（(](?:盖章|公章|章)[）)]", "", text).strip(" _：:")


def _footer_meta(grid: Grid, start: int) -> dict:
    meta = {}
    for r in range(start, min(start + 15, grid.r0 + grid.height)):
        joined = " ".join(dict.fromkeys(_text(v) for v in grid.row(r) if _text(v)))
        m = UNIT_LINE.search(joined)
        if m and _unit_name(m.group("unit")):
            meta.setdefault("unit", _unit_name(m.group("unit")))
    return meta


# ---------------------------------------------------------------------------------------------------------------
# Kinds
# ---------------------------------------------------------------------------------------------------------------

def classify(fields: set[str], title: str) -> str | None:
    """The kind of a table from its fields (and title words as a tie-breaker)."""
    base = {f.split("@")[0] for f in fields}
    score = {k: 0.0 for k in KINDS}
    if "ce_year" in base and base & {"ce_total_hours", "ce_prof_hours", "ce_public_hours", "ce_hours"}:
        score["ce_hours"] += 5
    score["ce_hours"] += len(base & {"ce_public_hours", "ce_prof_hours", "ce_total_hours", "ce_verifier"})
    score["sanction_review"] += 2 * len(base & {"has_sanction", "sanction_type", "sanction_kind", "sanction_date",
                                                "sanction_org", "sanction_doc_no", "integrity_record"})
    score["review_roster"] += 2 * len(base & {"pass_date", "doc_no", "cert_no", "publicity_start", "publicity_end"})
    score["applicant_roster"] += len(base & {"apply_series", "apply_title", "apply_level", "apply_major",
                                            "cur_title", "cur_title_date", "cur_series", "ce_hours",
                                            "appraisal", "edu_level", "grad_date", "is_poge"})
    t = squeeze(title)
    for words, kind in (("评审通过", "review_roster"), ("资格审查", "review_roster"), ("通过人员", "review_roster"),
                        ("学时", "ce_hours"), ("继续教育", "ce_hours"), ("处分", "sanction_review"),
                        ("申报人员", "applicant_roster"), ("申报", "applicant_roster")):
        if words in t:
            score[kind] += 3
            break
    kind, best = max(score.items(), key=lambda kv: kv[1])
    if best <= 0:  # a plain list of people: read it as a roster
        return "applicant_roster" if base & {"name", "id_number"} else None
    return kind


# ---------------------------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Workbook:
    format: str
    tables: list[Table]
    sheets: list[str]
    skipped: list[str]  # instruction or empty sheets


def read_workbook(src: Source) -> Workbook:
    """Read every sheet's table; raises ReadError for what is not a readable workbook.  Macros are never run."""
    data = load_bytes(src)
    fmt = sniff(data)
    import python_calamine as pc

    try:  # from the bytes, so calamine too goes by content and not by the extension
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - calamine raises several error types for damaged files
        raise ReadError("STR001", f"文件无法解析（{type(e).__name__}: {e}）") from None
    # the package and its sheet name -> part: opened when a table first has empty cells (only they can hide formulas)
    zf = parts = None
    tables, skipped = [], []
    try:
        for meta in wb.sheets_metadata:
            name = meta.name
            if "chart" in str(meta.typ).lower():
                continue
            if squeeze(name).lower().startswith(INSTRUCTION_SHEETS) or name.startswith("_zc"):
                skipped.append(name)
                continue
            try:
                sheet = wb.get_sheet_by_name(name)
                rows = sheet.to_python()
            except Exception as e:  # noqa: BLE001 - a sheet calamine cannot parse (bad XML, unknown entity …)
                raise ReadError("STR001", f"工作表“{name}”无法解析（{type(e).__name__}: {e}）") from None
            if not rows:
                skipped.append(name)
                continue
            try:
                merges = sheet.merged_cell_ranges or []
            except Exception:  # noqa: BLE001 - merged ranges are not available for every format
                merges = []
            grid = Grid([list(r) for r in rows], sheet.start or (0, 0), merges)
            table = find_table(grid, name)
            if table is None:
                skipped.append(name)
                continue
            _apply_template(table, _template_meta(wb))
            if table.kind is None:  # no kind: not one of the tables this tool checks
                skipped.append(name)
                continue
            if fmt in ("xlsx", "xlsm") and _has_blanks(table):  # only empty cells can be formulas without values
                zf = zipfile.ZipFile(io.BytesIO(data)) if zf is None else zf
                parts = sheet_parts(zf) if parts is None else parts
                if name in parts:
                    table.formulas = _table_formulas(table, formula_cells(zf, parts[name]))
            tables.append(table)
    finally:
        wb.close()
        if zf:
            zf.close()
    return Workbook(fmt, tables, list(wb.sheet_names), skipped)


FREE_TEXT = ("remarks",)  # an empty 备注 says nothing; it alone does not call for a formula scan


def _has_blanks(table: Table) -> bool:
    if not table.rows:
        return True
    skip = [j for j, c in enumerate(table.columns) if c.field in FREE_TEXT]
    for row in table.values:
        n = row.count("") + row.count(None)  # C-level counts: cheap on wide tables
        if n and n > sum(1 for j in skip if row[j] == "" or row[j] is None):
            return True
    return False


def _table_formulas(table: Table, cells: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Formula cells below the header in the table's columns (those whose empty value the checks would see)."""
    cols = {c.index for c in table.columns}
    inside = [(r, c, f) for r, c, f in cells if r > table.header_rows[1] and c in cols]
    return sorted(inside)[:MAX_FORMULA_FINDINGS]


def _apply_template(table: Table, template: dict) -> None:
    """A table on the data sheet of one of our templates takes its kind from the meta sheet: no guessing."""
    if template.get("sheet") == table.sheet and template.get("kind") in KINDS:
        table.kind = template["kind"]
        table.meta["template"] = f"{template['kind']} v{template.get('template_version', '')}"


def _template_meta(wb) -> dict:
    """Key/value rows of a template's hidden meta sheet ({} for any other workbook)."""
    if TEMPLATE_META_SHEET not in wb.sheet_names:
        return {}
    rows = wb.get_sheet_by_name(TEMPLATE_META_SHEET).to_python()
    return {_text(r[0]): _text(r[1]) for r in rows if len(r) >= 2 and _text(r[0])}


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)
