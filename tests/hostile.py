"""Builders for hostile and broken inputs, generated in the tests (no committed binaries).

``raw_xlsx`` writes a minimal workbook part by part, so a test can put exactly the XML it needs into a sheet or the
shared strings (a DTD, a formula without a value, 5,000 sheets …).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from conftest import ident

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
HEADER = ["序号", "姓名", "性别", "身份证号码", "工作单位"]


def rows(n: int = 3, start: int = 1) -> list[list]:
    out = []
    for i in range(start, start + n):
        male = i % 2 == 1
        out.append([i, f"张{'一二三四五六七八九十'[i % 10]}{i}", "男" if male else "女",
                    ident(1980 + i % 20, 1 + i % 12, 1 + i % 27, i % 999 + 1, male), "某单位"])
    return out


def roster(path: Path, n: int = 3, start: int = 1, extra: list[list] | None = None) -> Path:
    """A clean roster written by openpyxl (IDs as text cells)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows(n, start) + (extra or []):
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "@"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def quick_roster(path: Path, n: int = 3, start: int = 1) -> Path:
    """The same roster as ``roster`` written part by part (ten times faster: for tests that need many files)."""
    return raw_xlsx(path, [("Sheet1", sheet_xml([HEADER] + rows(n, start)))])


def _cell(ref: str, v) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    if isinstance(v, tuple):  # ("f", formula, cached value or None)
        _, formula, cached = v
        val = f"<v>{cached}</v>" if cached is not None else ""
        return f'<c r="{ref}"><f>{escape(formula)}</f>{val}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def sheet_xml(data: list[list], raw_cells: str = "") -> str:
    out = []
    for r, row in enumerate(data, 1):
        cells = "".join(_cell(f"{openpyxl.utils.get_column_letter(j + 1)}{r}", v) for j, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    return f'{XML_DECL}<worksheet xmlns="{MAIN}"><sheetData>{"".join(out)}{raw_cells}</sheetData></worksheet>'


def raw_xlsx(path: Path, sheets: list[tuple[str, str]], shared_strings: str | None = None,
             extra: dict[str, bytes] | None = None) -> Path:
    """A workbook from sheet XML texts [(name, xml)]; optional sharedStrings.xml text and extra parts."""
    ct = [f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>']
    wb = [f'{XML_DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>']
    rels = [f'{XML_DECL}<Relationships xmlns="{PKG}">']
    parts = {}
    for i, (name, xml) in enumerate(sheets, 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                  f'officedocument.spreadsheetml.worksheet+xml"/>')
        wb.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared_strings is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = shared_strings
    ct.append("</Types>")
    wb.append("</sheets></workbook>")
    rels.append("</Relationships>")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "".join(ct))
        z.writestr("_rels/.rels", f'{XML_DECL}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                                  f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", "".join(wb))
        z.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
        for name, xml in parts.items():
            z.writestr(name, xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def billion_laughs(path: Path) -> Path:
    """Shared strings with nested entity definitions: 10^9 'lol's if a parser expanded them."""
    dtd = '<!DOCTYPE sst [\n<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10}">\n' for i in range(1, 10)) + "]>\n"
    strings = ["姓名", "身份证号码", "&lol9;", ident(1985, 6, 12)]
    sst = (f'{XML_DECL}{dtd}<sst xmlns="{MAIN}" count="4" uniqueCount="4">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    data = f'{XML_DECL}<worksheet xmlns="{MAIN}"><sheetData>' + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{a}</v></c><c r="B{r}" t="s"><v>{b}</v></c></row>'
        for r, (a, b) in enumerate([(0, 1), (2, 3)], 1)) + "</sheetData></worksheet>"
    return raw_xlsx(path, [("Sheet1", data)], sst)


def corner_cells(path: Path, last: str = "XFD1048576") -> Path:
    """A roster plus one cell far away: python-calamine allocates the whole rectangle (calamine #693)."""
    data = [HEADER] + rows(2)
    return raw_xlsx(path, [("Sheet1", sheet_xml(data, f'<row r="{last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                                                      f'<c r="{last}" t="inlineStr"><is><t>x</t></is></c></row>'))])


def ratio_bomb(path: Path, mb: int = 50) -> Path:
    """A workbook whose sheet inflates from ~50 KB to ``mb`` MB of zeros."""
    roster(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (mb * 1024 * 1024))
    return path


def lying_bomb(path: Path, mb: int = 300) -> Path:
    """A size lie: a member declares 1 KB (local header and central directory) but inflates to ``mb`` MB."""
    roster(path)
    name = "xl/media/fake.bin"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as fh:
            for _ in range(mb):
                fh.write(bytes(1 << 20))
        local = info.header_offset
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, local + 22, 1024)  # local header: uncompressed size
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos + 1)) > 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + n] == name.encode():
            struct.pack_into("<I", data, pos + 24, 1024)  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    return path


def encrypted(path: Path) -> Path:
    import msoffcrypto.format.ooxml

    plain = roster(path.with_name(f"plain-{path.name}"))
    with open(plain, "rb") as fh, open(path, "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("123456", out)
    plain.unlink()
    return path


def many_sheets(path: Path, n: int = 5000) -> Path:
    small = sheet_xml([HEADER] + rows(1))
    return raw_xlsx(path, [(f"表{i}", small) for i in range(n)])
