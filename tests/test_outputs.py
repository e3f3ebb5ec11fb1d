"""Batch outputs: annotated copies (zip rewrite), summary.xlsx, report.html, and the real programs opening them."""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName

from conftest import ident
from zhicheng.validators import engine, policy
from zhicheng.validators.findings import make
from zhicheng.validators.outputs import annotate as ann, write_outputs, xlsx
from zhicheng.validators.outputs.xlsx import SHEET_ORDER

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2023, 8, 30)
INJECTIONS = ["=1+2", "+1+2", "-1+2", "@SUM(1,2)", "\t=1+2", "\r=1+2"]
RED, YELLOW = "FFFFC7CE", "FFFFEB9C"
SOFFICE = shutil.which("soffice")
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 30, 30)).save(path)
    return path


def rich_workbook(path: Path) -> Path:
    """A roster with an image, merged ranges, existing comments, defined names and a second sheet."""
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Border, Font, Side

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.merge_cells("A1:F1")
    ws["A1"] = "申报人员花名册"
    ws["A1"].font = Font(bold=True, size=16)
    ws.append(["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位"])
    thin = Side(style="thin")
    for i in range(6):
        ws.append([i + 1, f"人员{i}", "男", "1985.06", ident(1985, 6, 12, seq=2 * i + 1), "某医院"])
        for c in range(1, 7):
            ws.cell(row=3 + i, column=c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells("F3:F8")
    ws["C5"].number_format = "@"
    ws["B3"].comment = Comment("原有批注：姓名请与身份证一致", "审核人")
    ws["A8"].comment = Comment("与问题无关的批注", "审核人")
    ws.add_image(Image(png(path.with_suffix(".png"))), "H2")
    ws.print_area = "A1:F8"
    wb.defined_names["单位名称"] = DefinedName("单位名称", attr_text="'花名册'!$F$3")
    other = wb.create_sheet("说明页")
    other["A1"] = "本页没有问题"
    wb.save(path)
    return path


def rich_findings(file: str):
    return [
        make("FMT003", file=file, sheet="花名册", row=3, column="性别", cell="C3", value=INJECTIONS[0], allowed="男、女"),
        make("IDN002", file=file, sheet="花名册", row=4, column="身份证号码", cell="E4", value="x", expected="1", found="2"),
        make("FMT002", file=file, sheet="花名册", row=5, column="出生年月", cell="D5", value="1985.1", parsed="1985-01"),
        make("FMT004", file=file, sheet="花名册", row=3, column="姓名", cell="B3", value=INJECTIONS[1]),
        make("FMT003", file=file, sheet="花名册", row=5, column="工作单位", cell="F5", value=INJECTIONS[2], allowed="a"),
        make("FMT003", file=file, sheet="花名册", row=12, column="性别", cell="C12", value=INJECTIONS[3], allowed="a"),
        make("FMT003", file=file, sheet="花名册", row=6, column="性别", cell="C6", value=INJECTIONS[4], allowed="a"),
        make("FMT003", file=file, sheet="花名册", row=7, column="性别", cell="C7", value=INJECTIONS[5], allowed="a"),
        make("STR003", file=file, sheet="花名册", row=2, kind="申报人员花名册", missing="现专业技术资格"),
        make("STR008", file=file, ext=".xls", actual=".xlsx"),
    ]


@pytest.fixture(params=["bytes", "tree"])
def annotated(request, tmp_path, monkeypatch):
    """The rich workbook annotated, once with the byte-level sheet editor and once with the lxml one."""
    if request.param == "tree":
        monkeypatch.setattr(ann, "open_sheet", xlsx.TreeSheet)
    (tmp_path / "in" / "单位").mkdir(parents=True)
    src = rich_workbook(tmp_path / "in" / "单位" / "rich.xlsx")
    before = sha(src)
    findings = rich_findings("单位/rich.xlsx")
    done = ann.annotate_file(src, tmp_path / "out", "单位/rich.xlsx", findings, ["校验结果：单位/rich.xlsx", "第二行"])
    assert sha(src) == before  # the input is only read
    return src, done, findings


def test_every_other_part_is_kept_byte_for_byte(annotated):
    src, done, _ = annotated
    assert done.path.name == "rich.xlsx" and done.path.parent.name == "单位" and not done.rebuilt
    old, new = members(src), members(done.path)
    assert set(old) <= set(new)
    changed = {n for n in old if old[n] != new[n]}
    # the flagged sheet, styles, the workbook's sheet list, content types and the comment parts merged into
    assert changed <= {"xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "[Content_Types].xml", "docProps/app.xml", "xl/comments/comment1.xml",
                       "xl/drawings/commentsDrawing1.vml"}, changed
    for kept in ("xl/media/image1.png", "xl/drawings/drawing1.xml", "xl/worksheets/sheet2.xml",
                 "xl/worksheets/_rels/sheet1.xml.rels", "xl/theme/theme1.xml"):
        assert old[kept] == new[kept], kept
    assert set(new) - set(old) == {"xl/worksheets/sheet3.xml"}  # 校验结果
    assert not list(done.path.parent.glob(".*tmp"))


def test_flagged_cells_are_filled_and_commented(annotated):
    src, done, _ = annotated
    orig = openpyxl.load_workbook(src)["花名册"]
    wb = openpyxl.load_workbook(done.path)
    ws = wb["花名册"]
    assert ws["C3"].fill.fgColor.rgb == RED and ws["E4"].fill.fgColor.rgb == RED
    assert ws["D5"].fill.fgColor.rgb == YELLOW  # a warning has its own colour
    assert ws["C4"].fill.fill_type is None  # unflagged cells untouched
    for ref in ("C3", "E4", "D5"):  # the rest of each cell's format is kept
        assert ws[ref].border.left.style == "thin" and ws[ref].number_format == orig[ref].number_format
    assert ws["C5"].number_format == "@"
    assert "FMT003" in ws["C3"].comment.text and "性别" in ws["C3"].comment.text
    assert "IDN002" in ws["E4"].comment.text and "【警告 FMT002】" in ws["D5"].comment.text
    # an existing comment keeps its text and gets ours appended; an unrelated one is unchanged
    assert ws["B3"].comment.text.startswith("原有批注：姓名请与身份证一致") and "FMT004" in ws["B3"].comment.text
    assert ws["A8"].comment.text == "与问题无关的批注"
    # F5 lies inside the merged F3:F8: the visible anchor F3 carries the mark, naming F5
    assert ws["F3"].fill.fgColor.rgb == RED and "F5：" in ws["F3"].comment.text
    # C12 did not exist: it is created
    assert ws["C12"].fill.fgColor.rgb == RED and "@SUM(1,2)" in ws["C12"].comment.text
    assert ws.merged_cells.ranges and {str(r) for r in ws.merged_cells.ranges} == {"A1:F1", "F3:F8"}
    assert len(ws._images) == 1
    assert ws.print_area == "'花名册'!$A$1:$F$8"  # a sheet-local name follows its sheet
    assert wb.defined_names["单位名称"].attr_text == "'花名册'!$F$3"
    assert wb["说明页"]["A1"].value == "本页没有问题"


def test_result_sheet_first_with_links_and_text_values(annotated):
    _, done, findings = annotated
    wb = openpyxl.load_workbook(done.path)
    assert wb.sheetnames == ["校验结果", "花名册", "说明页"]
    assert wb.active.title == "校验结果"
    ws = wb["校验结果"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    rows = list(ws.iter_rows(min_row=head + 1, values_only=False))
    assert len(rows) == len(findings)
    links = {}
    for row in rows:
        code, where, value = row[2].value, row[4], row[7]
        if where.hyperlink is not None:
            links[(code, where.value)] = where.hyperlink.location
        if value.value in INJECTIONS:
            assert value.data_type == "s"  # stored as text, never a formula
    assert links[("IDN002", "E4")] == "'花名册'!E4"
    assert links[("FMT003", "C12")] == "'花名册'!C12"
    assert links[("STR003", "第2行")] == "'花名册'!A2"
    assert all(loc.split("!")[0].strip("'") in wb.sheetnames for loc in links.values())
    assert set(INJECTIONS) <= {r[7].value for r in rows}
    # only the results sheet is selected, so the workbook is not opened in group mode
    xml = members(done.path)
    assert b"tabSelected" not in xml["xl/worksheets/sheet1.xml"]
    assert b'tabSelected="1"' in xml["xl/worksheets/sheet3.xml"]


def test_sheet_children_stay_in_schema_order(annotated):
    _, done, _ = annotated
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml"):
        root = etree.fromstring(members(done.path)[name])
        ranks = [SHEET_ORDER.index(el.tag.replace(ns, "")) for el in root if el.tag.startswith(ns)]
        assert ranks == sorted(ranks), name
        rows = [int(r.get("r")) for r in root.iter(f"{ns}row")]
        assert rows == sorted(rows)


def test_new_comments_part_when_sheet_has_none(tmp_path):
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["姓名", "身份证号码"])
    ws.append(["张三", "1"])
    # elements that sit around legacyDrawing in the schema's order
    for r, row in enumerate([["甲", "乙"], [1, 2]], 10):
        for c, v in enumerate(row, 4):
            ws.cell(row=r, column=c, value=v)
    ws.add_table(Table(displayName="T1", ref="D10:E11"))
    ws.conditional_formatting.add("A2:A5", CellIsRule(operator="equal", formula=['"x"'], fill=PatternFill("solid")))
    dv = DataValidation(type="list", formula1='"男,女"')
    dv.add("C2:C5")
    ws.add_data_validation(dv)
    ws["A5"].hyperlink = "https://example.com"
    src = tmp_path / "plain.xlsx"
    wb.save(src)
    f = make("IDN001", file="plain.xlsx", sheet="表", row=2, column="身份证号码", cell="B2", value="1")
    done = ann.annotate_file(src, tmp_path / "o", "plain.xlsx", [f], ["校验结果"])
    back = openpyxl.load_workbook(done.path)["表"]
    assert back["B2"].fill.fgColor.rgb == RED and "IDN001" in back["B2"].comment.text
    m = members(done.path)
    assert "xl/comments1.xml" in m and any(n.endswith(".vml") for n in m)
    assert b"legacyDrawing" in m["xl/worksheets/sheet1.xml"]
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    tags = [el.tag.replace(ns, "") for el in etree.fromstring(m["xl/worksheets/sheet1.xml"])]
    assert tags.index("legacyDrawing") == tags.index("tableParts") - 1
    assert [SHEET_ORDER.index(t) for t in tags] == sorted(SHEET_ORDER.index(t) for t in tags)
    assert back.tables["T1"].ref == "D10:E11" and back.data_validations.dataValidation
    # annotating the copy again: a second results sheet with its own name, the first comment kept
    again = ann.annotate_file(done.path, tmp_path / "o2", "plain.xlsx", [f], ["校验结果"])
    wb2 = openpyxl.load_workbook(again.path)
    assert wb2.sheetnames == ["校验结果(2)", "校验结果", "表"] and wb2.active.title == "校验结果(2)"
    assert wb2["表"]["B2"].comment.text.count("IDN001") == 2


@pytest.mark.parametrize("drop_refs", [False, True])
def test_missing_rows_cells_and_refs(tmp_path, drop_refs):
    """A row gap is filled in order; a sheet whose rows and cells carry no r= (allowed) goes the lxml way."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    for r in (1, 2, 3, 4, 6, 7):
        for c, letter in enumerate("abc", 1):
            ws.cell(row=r, column=c, value=f"{letter}{r}")
    src = tmp_path / "gap.xlsx"
    wb.save(src)
    if drop_refs:
        import re

        old = members(src)
        sheet = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", old["xl/worksheets/sheet1.xml"])
        sheet = re.sub(rb'<row r="\d+"', b"<row", sheet)
        # without references rows are consecutive: write the gap as an empty row
        sheet = sheet.replace(b'</row><row><c t="inlineStr"><is><t>a6', b'</row><row/><row><c t="inlineStr"><is><t>a6')
        with zipfile.ZipFile(src, "w") as z:
            for n, d in old.items():
                z.writestr(n, sheet if n == "xl/worksheets/sheet1.xml" else d)
        with pytest.raises(xlsx.Unsupported):
            xlsx.FastSheet(sheet)
    fs = [make("FMT004", file="gap.xlsx", sheet="表", row=r, column="x", cell=ref, value="")
          for r, ref in ((5, "B5"), (2, "B2"), (6, "C6"), (9, "D9"))]
    done = ann.annotate_file(src, tmp_path / "o", "gap.xlsx", fs, ["x"])
    back = openpyxl.load_workbook(done.path)["表"]
    for ref in ("B5", "B2", "C6", "D9"):
        assert back[ref].fill.fgColor.rgb == RED and "FMT004" in back[ref].comment.text, ref
    assert [back.cell(row=r, column=1).value for r in range(1, 8)] == ["a1", "a2", "a3", "a4", None, "a6", "a7"]
    assert back["C6"].value == "c6" and back["B2"].value == "b2" and back["A5"].fill.fill_type is None
    root = etree.fromstring(members(done.path)["xl/worksheets/sheet1.xml"])
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    refs = [c.get("r") for c in root.iter(f"{ns}c")]
    if not drop_refs:
        assert refs == sorted(refs, key=lambda x: xlsx.split_ref(x))


def test_unusual_cell_tags_go_the_lxml_way(tmp_path):
    """Single quotes and spaces around = are legal XML; the byte editor leaves such tags to lxml."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["姓名", "身份证号码"])
    ws.append(["张三", "1"])
    src = tmp_path / "q.xlsx"
    wb.save(src)
    old = members(src)
    sheet = old["xl/worksheets/sheet1.xml"].replace(b'<c r="B2"', b"<c r = 'B2' s='0'")
    with zipfile.ZipFile(src, "w") as z:
        for n, d in old.items():
            z.writestr(n, sheet if n == "xl/worksheets/sheet1.xml" else d)
    f = make("IDN001", file="q.xlsx", sheet="表", row=2, column="身份证号码", cell="B2", value="1")
    done = ann.annotate_file(src, tmp_path / "o", "q.xlsx", [f], ["x"])
    assert not done.rebuilt
    back = openpyxl.load_workbook(done.path)["表"]
    assert back["B2"].fill.fgColor.rgb == RED and back["B2"].value == "1"


def test_xls_is_rebuilt_as_xlsx_and_says_so(tmp_path):
    src = EXAMPLES / "海门某厂_评审通过人员花名册.xls"
    f = make("IDN002", file=src.name, sheet="评审通过人员", row=8, column="身份证号", cell="E8", value="3206",
             expected="7", found="1")
    inj = make("FMT003", file=src.name, sheet="评审通过人员", row=9, column="性别", cell="C9", value="=1+2", allowed="男")
    done = ann.annotate_file(src, tmp_path / "o", src.name, [f, inj], ["校验结果：x", "政策"])
    assert done.rebuilt and done.path.name == "海门某厂_评审通过人员花名册.xlsx"
    wb = openpyxl.load_workbook(done.path)
    assert wb.sheetnames[0] == "校验结果"
    assert "重新生成" in wb["校验结果"]["A2"].value
    ws = wb["评审通过人员"]
    assert ws["E8"].fill.fgColor.rgb == RED and "IDN002" in ws["E8"].comment.text
    assert ws["B8"].value and "A1:P1" in {str(r) for r in ws.merged_cells.ranges}


def test_rebuilt_copy_keeps_formula_like_text_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, v in enumerate(INJECTIONS[:4], 1):
        ws.cell(row=r, column=1).value = v
        ws.cell(row=r, column=1).data_type = "s"
    ws["B1"] = 5
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(io.BytesIO(ann.rebuild_xlsx(tmp_path / "t.xlsx"))).active
    assert [back.cell(row=r, column=1).value for r in range(1, 5)] == INJECTIONS[:4]
    assert all(back.cell(row=r, column=1).data_type == "s" for r in range(1, 5)) and back["B1"].value == 5


def test_out_names_stay_inside_out_and_do_not_collide(tmp_path):
    assert ann.out_name("a/b/c.xls", "xlsx") == "a/b/c.xlsx"
    assert ann.out_name("../../etc/x.xlsm", "xlsm") == "etc/x.xlsm"
    assert ann.out_name("a.xls", "xlsx", keep_ext=True) == "a.xls.xlsx"
    src = rich_workbook(tmp_path / "r.xlsx")
    taken: set[str] = set()
    f = rich_findings("r.xlsx")[:1]
    one = ann.annotate_file(src, tmp_path / "o", "r.xlsx", f, ["x"], taken)
    two = ann.annotate_file(src, tmp_path / "o", "r.xls", f, ["x"], taken)
    assert one.path.name == "r.xlsx" and two.path.name == "r.xls.xlsx"


# ---------------------------------------------------------------------------------------------------------------
# A whole run: summary.xlsx and report.html
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    base = tmp_path_factory.mktemp("run")
    inputs = base / "in"
    shutil.copytree(EXAMPLES, inputs, ignore=shutil.ignore_patterns("*.py", "*.md"))
    (inputs / "单位").mkdir()
    rich_workbook(inputs / "单位" / "rich.xlsx")
    (inputs / "单位" / "rich.png").unlink()
    before = {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    pol = policy.load("kaili-2023")
    result = engine.validate_paths([inputs], pol, AS_OF)
    # a formula-like value and markup in a report
    result.findings.append(make("FMT003", file="单位/rich.xlsx", sheet="花名册", row=3, column="性别", cell="C3",
                                value="=HYPERLINK(\"http://x\")", allowed="<script>alert(1)</script>"))
    out = base / "out"
    outputs = write_outputs(out, result, pol, AS_OF)
    assert before == {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    return out, outputs, result


def test_summary_views(run_out):
    out, outputs, result = run_out
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["文件", "问题清单", "按规则", "按类别", "按单位", "说明"]
    files = {r[0]: r for r in wb["文件"].iter_rows(min_row=2, values_only=True)}
    assert files["损坏的文件.xlsx"][1] == "无法读取" and files["干净的花名册.xlsx"][1] == "通过"
    assert files["凯里市某医院_申报人员花名册.xlsx"][9] == "annotated/凯里市某医院_申报人员花名册.xlsx"
    assert files["干净的花名册.xlsx"][9] is None  # no findings, no copy
    ws = wb["问题清单"]
    assert ws.auto_filter.ref == f"A1:K{len(result.findings) + 1}" and ws.freeze_panes == "A2"
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=HYPERLINK(\"http://x\")"]
    assert cells and all(c.data_type == "s" for c in cells)
    by_cat = {r[0]: r[-1] for r in wb["按类别"].iter_rows(min_row=2, values_only=True)}
    assert sum(by_cat.values()) == len(result.findings) and by_cat["身份信息"] >= 5
    by_unit = {r[0]: r for r in wb["按单位"].iter_rows(min_row=2, values_only=True)}
    assert by_unit["凯里市第一人民医院"][-1] == sum(1 for f in result.findings if f.file.startswith("凯里"))
    by_rule = {r[0]: r for r in wb["按规则"].iter_rows(min_row=2, values_only=True)}
    assert "GB 11643" in by_rule["IDN002"][2]


def test_report_html(run_out):
    out, outputs, result = run_out
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") == 2 and "http://" not in html.replace("http://www.w3.org/2000/svg", "").replace(
        'HYPERLINK(&#34;http://x', "")
    assert "凯里市第一人民医院" in html and 'href="annotated/' in html
    for f in result.findings:
        assert f.code in html
    assert html.count('class="file"') == len({f.file for f in result.findings})  # clean files: in the table only
    assert "干净的花名册.xlsx" in html
    readable = {r.file for r in result.reports if r.status != "unreadable"}
    assert set(outputs.annotated) == {f.file for f in result.findings} & readable  # every file with findings
    assert {"凯里市某医院_申报人员花名册.xlsx", "海门某厂_评审通过人员花名册.xls", "单位/rich.xlsx"} <= set(outputs.annotated)
    assert outputs.rebuilt.keys() == {"海门某厂_评审通过人员花名册.xls"}


def test_one_failed_copy_does_not_stop_the_others(tmp_path, monkeypatch):
    pol = policy.load("kaili-2023")
    result = engine.validate_paths([EXAMPLES], pol, AS_OF)
    real = ann.annotate_bytes

    def flaky(src, *args, **kw):
        if src.name.startswith("温州"):
            raise MemoryError("boom")
        return real(src, *args, **kw)

    monkeypatch.setattr(ann, "annotate_bytes", flaky)
    outputs = write_outputs(tmp_path, result, pol, AS_OF)
    readable = {r.file for r in result.reports if r.status != "unreadable"}
    flagged = {f.file for f in result.findings} & readable
    assert set(outputs.failed) == {"温州某企业_评审对象资格审查花名册.xlsx"}
    assert set(outputs.annotated) == flagged - set(outputs.failed)
    assert "未能生成标注副本：MemoryError: boom" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_control_characters_and_lone_surrogates_do_not_break_outputs(tmp_path):
    src = rich_workbook(tmp_path / "r.xlsx")
    bad = "a\x01b\udcffc"  # a control character from a cell, an undecodable byte from a file name
    f = make("FMT003", file="r.xlsx", sheet="花名册", row=3, column="性别", cell="C3", value=bad, allowed=bad)
    result = engine.RunResult([engine.FileReport("r.xlsx", kind="applicant_roster", status="error", unit=bad)], [f],
                              {"r.xlsx": src})
    outputs = write_outputs(tmp_path / "out", result, policy.load("national"), AS_OF)
    assert not outputs.failed and not outputs.rebuilt
    ws = openpyxl.load_workbook(outputs.annotated["r.xlsx"])["花名册"]
    assert "abc" in ws["C3"].comment.text
    assert "abc" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["问题清单"]["J2"].value == "abc"
    doc = json.loads((tmp_path / "out" / "findings.json").read_bytes().decode("utf-8"))  # valid UTF-8
    assert doc["findings"][0]["value"] == bad and doc["files"][0]["unit"] == bad  # and the very same text


def test_clean_run(tmp_path):
    pol = policy.load("national")
    result = engine.validate_paths([EXAMPLES / "干净的花名册.xlsx"], pol, AS_OF)
    assert result.findings == []
    outputs = write_outputs(tmp_path, result, pol, AS_OF)
    assert outputs.annotated == {} and not (tmp_path / "annotated").exists()
    assert "全部文件都没有发现问题" in (tmp_path / "report.html").read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert wb["问题清单"]["A2"].value == "没有发现问题。" and not wb["问题清单"].tables
    assert [r[1] for r in wb["文件"].iter_rows(min_row=2, values_only=True)] == ["通过"]


# ---------------------------------------------------------------------------------------------------------------
# The real programs
# ---------------------------------------------------------------------------------------------------------------


def soffice(tmp: Path, fmt: str, files: list[Path], outdir: Path):
    profile = tmp / "lo-profile"
    cmd = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", fmt,
           "--outdir", str(outdir), *map(str, files)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_every_output(run_out, tmp_path):
    out, outputs, _ = run_out
    files = [*outputs.annotated.values(), out / "summary.xlsx"]
    pdf = tmp_path / "pdf"
    proc = soffice(tmp_path, "pdf", files, pdf)
    for f in files:
        p = pdf / (f.stem + ".pdf")
        assert p.exists() and p.stat().st_size > 5000, (f, proc.stdout, proc.stderr)
    # LibreOffice reads 校验结果 (the first sheet) with formula-like values as text, not as formulas
    csvdir = tmp_path / "csv"
    proc = soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76", [outputs.annotated["单位/rich.xlsx"]], csvdir)
    text = (csvdir / "rich.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(r and r[0] == "序号" for r in rows), text[:500]
    assert any(r and r[-1] == '=HYPERLINK("http://x")' for r in rows), text  # not evaluated


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_fills_comments_and_image(tmp_path):
    """LibreOffice opens the rewritten package and sees what we wrote: saved again by it, everything is there."""
    src = rich_workbook(tmp_path / "rich.xlsx")
    done = ann.annotate_file(src, tmp_path / "o", "rich.xlsx", rich_findings("rich.xlsx"), ["校验结果", "x"])
    soffice(tmp_path, "xlsx", [done.path], tmp_path / "lo")
    wb = openpyxl.load_workbook(tmp_path / "lo" / "rich.xlsx")
    assert wb.sheetnames == ["校验结果", "花名册", "说明页"]
    ws = wb["花名册"]
    assert ws["E4"].fill.fgColor.rgb == RED and ws["D5"].fill.fgColor.rgb == YELLOW
    assert "IDN002" in ws["E4"].comment.text and "FMT003" in ws["C12"].comment.text
    assert ws["B3"].comment.text.startswith("原有批注") and "FMT004" in ws["B3"].comment.text
    assert ws["A8"].comment.text == "与问题无关的批注" and len(ws._images) == 1
    cells = {c.value: c.data_type for row in wb["校验结果"].iter_rows() for c in row if c.value in INJECTIONS}
    assert {"=1+2", "@SUM(1,2)", "+1+2", "-1+2"} <= set(cells) and set(cells.values()) == {"s"}  # still text


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_written_workbook_is_annotated_in_place(tmp_path):
    """Another writer's XML (shared strings, its own styles): rewritten in place, and LibreOffice opens the copy."""
    src = tmp_path / "lo"
    soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", [EXAMPLES / "海门某厂_评审通过人员花名册.xls"], src)
    book = src / "海门某厂_评审通过人员花名册.xlsx"
    assert book.exists()
    pol = policy.load("haimen-2010")
    result = engine.validate_paths([src], pol, AS_OF)
    outputs = write_outputs(tmp_path / "out", result, pol, AS_OF)
    copy = outputs.annotated[book.name]
    assert not outputs.rebuilt  # rewritten in place, not rebuilt from values
    ws = openpyxl.load_workbook(copy)["评审通过人员"]
    assert ws["E8"].fill.fgColor.rgb == RED and "IDN002" in ws["E8"].comment.text
    assert ws["E8"].border.left.style == "thin"  # the cell's own format is kept
    old, new = members(book), members(copy)
    assert old["xl/sharedStrings.xml"] == new["xl/sharedStrings.xml"]
    soffice(tmp_path, "pdf", [copy], tmp_path / "pdf")
    assert (tmp_path / "pdf" / (copy.stem + ".pdf")).stat().st_size > 5000


def test_app_properties_list_the_new_sheet(tmp_path):
    """docProps/app.xml as Excel writes it: the worksheet count and names include 校验结果."""
    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.active.append(["姓名", "身份证号码"])
    wb.active.append(["张三", "1"])
    plain = tmp_path / "p.xlsx"
    wb.save(plain)
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/'
           'officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
           'docPropsVTypes"><Application>Microsoft Excel</Application><HeadingPairs><vt:vector size="2" '
           'baseType="variant"><vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4>'
           '</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="1" baseType="lpstr">'
           '<vt:lpstr>表</vt:lpstr></vt:vector></TitlesOfParts></Properties>').encode()
    src = tmp_path / "a.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w") as zout:
        for n in zin.namelist():
            zout.writestr(n, app if n == "docProps/app.xml" else zin.read(n))
    f = make("IDN001", file="a.xlsx", sheet="表", row=2, column="身份证号码", cell="B2", value="1")
    done = ann.annotate_file(src, tmp_path / "o", "a.xlsx", [f], ["x"])
    text = members(done.path)["docProps/app.xml"].decode()
    assert "<vt:i4>2</vt:i4>" in text and '<vt:vector size="2" baseType="lpstr"><vt:lpstr>校验结果</vt:lpstr>' in text


def test_xlsm_keeps_its_macros_and_extension(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.active.append(["姓名", "身份证号码"])
    wb.active.append(["张三", "1"])
    plain = tmp_path / "p.xlsx"
    wb.save(plain)
    src = tmp_path / "m.xlsm"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w") as zout:
        for n in zin.namelist():
            data = zin.read(n)
            if n == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"x").replace(
                    b"application/vnd.openxmlformats-officedocument.x", b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            zout.writestr(n, data)
        zout.writestr("xl/vbaProject.bin", b"\x00macro bytes")
    f = make("IDN001", file="m.xlsm", sheet="表", row=2, column="身份证号码", cell="B2", value="1")
    done = ann.annotate_file(src, tmp_path / "o", "m.xlsm", [f], ["x"])
    assert done.path.name == "m.xlsm" and not done.rebuilt
    m = members(done.path)
    assert m["xl/vbaProject.bin"] == b"\x00macro bytes" and b"macroEnabled.main+xml" in m["[Content_Types].xml"]


@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")
def test_chromium_renders_report(run_out, tmp_path):
    from PIL import Image, ImageStat

    out, _, _ = run_out
    shot = tmp_path / "report.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chr'}",
           f"--screenshot={shot}", "--window-size=1280,2000", (out / "report.html").as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 30_000, proc.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 50  # not blank
    assert max(ImageStat.Stat(img).stddev) > 20
    # the bars of the charts are drawn: the error colour is present
    assert any(abs(r - 0xD9) < 6 and abs(g - 0x53) < 6 and abs(b - 0x4F) < 6 for _, (r, g, b) in (colours or []))


def test_cli_writes_all_outputs(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "zhicheng", "validate", str(EXAMPLES), "--policy", "kaili-2023", "--out", str(out),
           "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert {p.name for p in out.iterdir()} == {"findings.json", "summary.xlsx", "report.html", "annotated",
                                               "journal.jsonl"}
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    flagged = {f["file"] for f in doc["findings"]} - {r["file"] for r in doc["files"] if r["status"] == "unreadable"}
    assert {p.name for p in (out / "annotated").glob("*.xlsx")} == {Path(f).with_suffix(".xlsx").name for f in flagged}
    out2 = tmp_path / "out2"
    proc = subprocess.run(cmd[:-3] + ["--out", str(out2), "--no-annotate"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and not (out2 / "annotated").exists() and (out2 / "report.html").exists()


# ---------------------------------------------------------------------------------------------------------------
# summary.xlsx against the openpyxl writer it replaced; annotated copies made by worker processes
# ---------------------------------------------------------------------------------------------------------------


def view_of(result, outputs, pol=None):
    from collections import defaultdict

    from zhicheng.validators.findings import sort_key
    from zhicheng.validators.outputs import View

    by_file = defaultdict(list)
    for f in result.findings:
        by_file[f.file].append(f)
    return View(result, pol or policy.load("kaili-2023"), AS_OF, outputs, dict(by_file),
                sorted(result.findings, key=sort_key))


@pytest.mark.parametrize("case", ["run", "failed copy", "clean"])
def test_summary_shows_what_the_openpyxl_writer_showed(run_out, tmp_path, case):
    """Every sheet, value, type, fill, font, wrap, link, frozen pane, filter, table, width and page setting."""
    import summary_reference
    from workbook_view import describe

    from zhicheng.validators.outputs import Outputs, summary

    out, outputs, result = run_out
    if case == "clean":
        result = engine.validate_paths([EXAMPLES / "干净的花名册.xlsx"], policy.load("kaili-2023"), AS_OF)
    mine = Outputs(tmp_path / "summary.xlsx", tmp_path / "report.html")
    if case != "clean":
        mine.annotated = {k: tmp_path / v.relative_to(out) for k, v in outputs.annotated.items()}
        mine.rebuilt = dict(outputs.rebuilt)
    if case == "failed copy":
        mine.failed["单位/rich.xlsx"] = "MemoryError: boom"
        del mine.annotated["单位/rich.xlsx"]
    view = view_of(result, mine)
    summary_reference.write(tmp_path / "old.xlsx", view)
    summary.write(tmp_path / "summary.xlsx", view)
    old, new = describe(tmp_path / "old.xlsx"), describe(tmp_path / "summary.xlsx")
    assert old.keys() == new.keys()
    for key in old:
        assert old[key] == new[key], key
    assert any(c[9] for c in new["文件"]["cells"].values()) == (case != "clean")  # links were compared
    assert new["问题清单"]["tables"] == {}
    assert new["问题清单"]["filter"] == (None if case == "clean" else f"A1:K{len(result.findings) + 1}")


def test_summary_text_is_never_a_formula_and_bad_characters_go(tmp_path):
    from openpyxl.utils.escape import unescape

    from zhicheng.validators.outputs import Outputs, summary

    src = rich_workbook(tmp_path / "r.xlsx")
    values = INJECTIONS + [" lead and trail ", "a\x01b\udcffc\ufffe", "<b>&amp;</b>", "多行\n文本"]
    findings = [make("FMT003", file="r.xlsx", sheet="花名册", row=3 + i, column="性别", cell=f"C{3 + i}", value=v,
                     allowed="男") for i, v in enumerate(values)]
    result = engine.RunResult([engine.FileReport("r.xlsx", kind="applicant_roster", status="error", unit="=单位")],
                              findings, {"r.xlsx": src})
    summary.write(tmp_path / "s.xlsx", view_of(result, Outputs(tmp_path / "s.xlsx", tmp_path / "r.html")))
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["问题清单"]
    got = [ws.cell(row=r, column=10) for r in range(2, 2 + len(values))]
    assert all(c.data_type == "s" for c in got)
    # a CR is stored as Excel's escape "_x000D_", which Excel, LibreOffice and calamine read back as CR; openpyxl
    # 3.1.5 leaves the escape as it is
    assert sorted(unescape(c.value) for c in got) == sorted(
        INJECTIONS + [" lead and trail ", "abc", "<b>&amp;</b>", "多行\n文本"])
    assert ws["K2"].value == "=单位" and ws["K2"].data_type == "s"


def test_summary_past_excels_row_limit_says_how_many_rows_are_left_out(tmp_path, monkeypatch):
    """A sheet never passes Excel's 1,048,576 rows (a file past it does not open): the last row says how many rows
    were left out and where they are (the limit is lowered here to 4 rows)."""
    from zhicheng.validators.outputs import Outputs, summary

    findings = [make("FMT003", file="r.xlsx", sheet="花名册", row=3 + i, column="性别", cell=f"C{3 + i}", value="x",
                     allowed="男") for i in range(7)]
    result = engine.RunResult([engine.FileReport("r.xlsx", kind="applicant_roster", status="error")], findings,
                              {"r.xlsx": tmp_path / "r.xlsx"})
    monkeypatch.setattr(summary, "MAX_ROWS", 4)
    summary.write(tmp_path / "s.xlsx", view_of(result, Outputs(tmp_path / "s.xlsx", tmp_path / "r.html")))
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["问题清单"]
    assert ws.max_row == 4
    assert [ws.cell(row=r, column=4).value for r in (2, 3)] == [3, 4]  # the first two findings, in order
    assert ws["A4"].value.startswith("另有 5 行未列出") and "findings.json" in ws["A4"].value


def test_summary_links_to_copies_whatever_their_names(tmp_path):
    """"#", "%" and spaces in a copy's path are part of the file's name, not a place inside it or an escape."""
    from workbook_view import link

    from zhicheng.validators.outputs import Outputs, summary

    names = ["第#1组.xlsx", "a b 100%41.xlsx", "子/目 录/表.xlsx"]
    result = engine.RunResult([engine.FileReport(n, kind="applicant_roster", status="error") for n in names], [], {})
    mine = Outputs(tmp_path / "summary.xlsx", tmp_path / "report.html")
    mine.annotated = {n: tmp_path / "annotated" / n for n in names}
    summary.write(mine.summary, view_of(result, mine))
    ws = openpyxl.load_workbook(mine.summary)["文件"]
    assert [(c.value, link(c.hyperlink.target), c.hyperlink.location) for c in ws["J"][1:]] == [
        (f"annotated/{n}", f"annotated/{n}", None) for n in names]


def flagged_inputs(tmp_path) -> Path:
    """The examples, the rich workbook, an .xlsx beside the .xls of the same name (a clash of copy names) and a
    .zip with a workbook inside."""
    inputs = tmp_path / "in"
    shutil.copytree(EXAMPLES, inputs, ignore=shutil.ignore_patterns("*.py", "*.md"))
    (inputs / "单位").mkdir()
    rich_workbook(inputs / "单位" / "rich.xlsx")
    (inputs / "单位" / "rich.png").unlink()
    shutil.copy(EXAMPLES / "凯里市某医院_申报人员花名册.xlsx", inputs / "海门某厂_评审通过人员花名册.xlsx")
    with zipfile.ZipFile(inputs / "报送.zip", "w") as z:
        z.write(EXAMPLES / "温州某企业_评审对象资格审查花名册.xlsx", "某局/花名册.xlsx")
    return inputs


def test_copies_made_by_workers_are_the_same_as_in_process(tmp_path, monkeypatch):
    from zhicheng.validators.outputs import copies

    monkeypatch.setattr(copies, "MIN_PARALLEL", 2)
    monkeypatch.setattr(copies, "AHEAD", 0)  # a small window: tasks are taken as workers get free
    inputs = flagged_inputs(tmp_path)
    before = {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    pol = policy.load("kaili-2023")
    result = engine.validate_paths([inputs], pol, AS_OF)
    runs = {}
    for jobs in (0, 2):
        out = tmp_path / f"out{jobs}"
        outputs = write_outputs(out, result, pol, AS_OF, jobs=jobs)
        runs[jobs] = (out, outputs, {p.relative_to(out).as_posix(): p.read_bytes()
                                     for p in (out / "annotated").rglob("*") if p.is_file()})
    assert before == {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    (out0, serial, files0), (out2, parallel, files2) = runs[0], runs[2]
    assert len(files0) == 8 and files0.keys() == files2.keys()
    # the .xls came first and took the plain name
    assert {"annotated/海门某厂_评审通过人员花名册.xlsx", "annotated/海门某厂_评审通过人员花名册.xlsx.xlsx",
            "annotated/报送.zip/某局/花名册.xlsx"} <= files0.keys()
    rebuilt = {f"annotated/{ann.out_name(k, 'xlsx')}" for k in serial.rebuilt}
    assert rebuilt == {"annotated/海门某厂_评审通过人员花名册.xlsx"}
    for name in files0:
        if name not in rebuilt:
            assert files0[name] == files2[name], name  # byte for byte
        else:  # made from the values by openpyxl, which stamps the time of day into the zip and core.xml
            old, new = (members(o / name) for o in (out0, out2))
            assert old.keys() == new.keys(), name
            assert all(old[k] == new[k] for k in old if k != "docProps/core.xml"), name
    assert ({k: v.relative_to(out0) for k, v in serial.annotated.items()}
            == {k: v.relative_to(out2) for k, v in parallel.annotated.items()})
    assert list(serial.annotated) == list(parallel.annotated)
    assert serial.rebuilt == parallel.rebuilt and serial.failed == parallel.failed == {}
    from workbook_view import describe

    assert describe(out0 / "summary.xlsx") == describe(out2 / "summary.xlsx")
    html = [(o / "report.html").read_text(encoding="utf-8").split("生成时间")[1][20:] for o in (out0, out2)]
    assert html[0] == html[1]


@pytest.mark.parametrize("jobs", [0, 2])
def test_copies_staged_by_the_validation_workers_are_the_copies_of_the_final_findings(tmp_path, jobs):
    """Staged copies (made beside the checks) are byte for byte the copies made afterwards from the run's findings,
    also where a run-scope rule added findings to a file after its copy was staged (the copy is made again)."""
    from zhicheng.validators.engine import RUN_KEYS
    from zhicheng.validators.outputs import copies

    inputs = flagged_inputs(tmp_path)
    before = {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    pol = policy.load("kaili-2023")
    plain = engine.validate_paths([inputs], pol, AS_OF)
    reference = write_outputs(tmp_path / "ref", plain, pol, AS_OF)
    out = tmp_path / "staged"
    staged = engine.validate_paths([inputs], pol, AS_OF, jobs=jobs, out=out, stage=True)
    assert [f.to_dict() for f in staged.findings] == [f.to_dict() for f in plain.findings]
    later = {f.file for f in staged.findings if f.code in RUN_KEYS}
    early = {f.file for f in staged.findings if f.code not in RUN_KEYS}
    assert later - early and set(staged.staged) == early & set(reference.annotated)  # copies staged …
    assert sorted((out / copies.STAGING).iterdir())
    outputs = write_outputs(out, staged, pol, AS_OF, jobs=jobs)
    assert not (out / copies.STAGING).exists()  # … and moved into place, or made again
    assert before == {p: sha(p) for p in inputs.rglob("*") if p.is_file()}
    assert list(outputs.annotated) == list(reference.annotated) and outputs.failed == reference.failed == {}
    assert outputs.rebuilt == reference.rebuilt
    for file, path in reference.annotated.items():
        mine = outputs.annotated[file]
        assert mine.relative_to(out) == path.relative_to(tmp_path / "ref")
        if file in reference.rebuilt:  # openpyxl stamps the time of day into the zip and core.xml
            old, new = members(path), members(mine)
            assert old.keys() == new.keys() and all(old[k] == new[k] for k in old if k != "docProps/core.xml")
        else:
            assert path.read_bytes() == mine.read_bytes(), file


def test_a_worker_dying_while_it_stages_copies_costs_no_finding_and_no_copy(tmp_path, monkeypatch):
    """The chunk is re-run file by file without staging; its files' copies are made afterwards, like any other."""
    import multiprocessing as mp

    from copy_workers import crash_staging_of

    from zhicheng.validators import batch
    from zhicheng.validators.outputs import copies

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("the crashing stage is patched in this process: workers must be forked")
    monkeypatch.setattr(batch, "_context", lambda: mp.get_context("fork"))
    inputs = flagged_inputs(tmp_path)
    pol = policy.load("kaili-2023")
    plain = engine.validate_paths([inputs], pol, AS_OF)
    victim = "温州某企业_评审对象资格审查花名册.xlsx"
    monkeypatch.setattr(copies, "stage", crash_staging_of(victim))
    out = tmp_path / "out"
    result = engine.validate_paths([inputs], pol, AS_OF, jobs=2, out=out, stage=True, chunk_size=4)
    assert [f.to_dict() for f in result.findings] == [f.to_dict() for f in plain.findings]  # no STR005
    assert victim not in result.staged and result.staged  # the other chunks staged theirs
    outputs = write_outputs(out, result, pol, AS_OF, jobs=2)
    reference = write_outputs(tmp_path / "ref", plain, pol, AS_OF)
    assert list(outputs.annotated) == list(reference.annotated) and outputs.failed == {}
    assert outputs.annotated[victim].read_bytes() == reference.annotated[victim].read_bytes()


def test_a_copy_that_cannot_be_staged_costs_no_finding(tmp_path, monkeypatch):
    """Writing a staged copy fails (a full disk): the chunk's findings stand and the outputs make the copy."""
    from contextlib import contextmanager

    import zhicheng.validators.outputs as outputs_pkg

    @contextmanager
    def disk_full(path):
        raise OSError(28, "No space left on device")
        yield

    inputs = flagged_inputs(tmp_path)
    pol = policy.load("kaili-2023")
    plain = engine.validate_paths([inputs], pol, AS_OF)
    calls = []
    real = engine.process_chunk
    with monkeypatch.context() as m:
        m.setattr(outputs_pkg, "atomic_path", disk_full)
        m.setattr(engine, "process_chunk", lambda items, *a, **k: calls.append(len(items)) or real(items, *a, **k))
        result = engine.validate_paths([inputs], pol, AS_OF, jobs=0, out=tmp_path / "out", stage=True)
    assert [f.to_dict() for f in result.findings] == [f.to_dict() for f in plain.findings] and result.staged == {}
    assert sum(calls) == len(result.reports)  # every file checked once: no chunk re-run file by file as if it failed
    outputs = write_outputs(tmp_path / "out", result, pol, AS_OF)
    reference = write_outputs(tmp_path / "ref", plain, pol, AS_OF)
    assert list(outputs.annotated) == list(reference.annotated) and outputs.failed == {}


def test_a_staged_copy_is_only_used_while_its_file_has_the_same_findings(tmp_path):
    """A resumed run reuses the copies its journal names; one that went missing is made again."""
    from zhicheng.validators.outputs import copies

    inputs = flagged_inputs(tmp_path)
    pol = policy.load("kaili-2023")
    out = tmp_path / "out"
    first = engine.validate_paths([inputs], pol, AS_OF, jobs=0, out=out, stage=True)
    gone = next(iter(first.staged))
    (out / copies.STAGING / first.staged[gone]["name"]).unlink()
    again = engine.validate_paths([inputs], pol, AS_OF, jobs=0, out=out, stage=True, resume=True)
    assert again.resumed == len(again.reports) and again.staged == first.staged
    outputs = write_outputs(out, again, pol, AS_OF)
    reference = write_outputs(tmp_path / "ref", engine.validate_paths([inputs], pol, AS_OF), pol, AS_OF)
    assert list(outputs.annotated) == list(reference.annotated)
    assert outputs.annotated[gone].read_bytes() == reference.annotated[gone].read_bytes()


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_copy_failing_in_a_worker_is_reported_and_the_others_are_written(tmp_path, monkeypatch, capfd, start):
    import multiprocessing as mp

    from zhicheng.validators.outputs import copies

    if start not in mp.get_all_start_methods():
        pytest.skip(f"no {start} start method here")
    monkeypatch.setattr(copies, "MIN_PARALLEL", 2)
    monkeypatch.setattr(copies, "context", lambda: mp.get_context(start))
    src = rich_workbook(tmp_path / "r.xlsx")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook" * 10)
    names = ["a.xlsx", "bad.xlsx", "b.xlsx", "c.xlsx"]
    reports = [engine.FileReport(n, kind="applicant_roster", status="error") for n in names]
    findings = [make("FMT004", file=n, sheet="花名册", row=3, column="姓名", cell="B3", value="x") for n in names]
    result = engine.RunResult(reports, findings, {n: bad if n == "bad.xlsx" else src for n in names})
    outputs = write_outputs(tmp_path / "out", result, policy.load("national"), AS_OF, jobs=2)
    assert list(outputs.failed) == ["bad.xlsx"] and outputs.failed["bad.xlsx"].split(":")[0] in (
        "ReadError", "BadZipFile")
    assert list(outputs.annotated) == ["a.xlsx", "b.xlsx", "c.xlsx"]
    for n in ("a.xlsx", "b.xlsx", "c.xlsx"):
        assert openpyxl.load_workbook(tmp_path / "out" / "annotated" / n).sheetnames[0] == "校验结果"
    assert "Traceback" in capfd.readouterr().err  # the worker's traceback is shown, as in-process
    wb = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    notes = {r[0]: r[10] for r in wb["文件"].iter_rows(min_row=2, values_only=True)}
    assert notes["bad.xlsx"].startswith("未能生成：") and notes["a.xlsx"] is None


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_worker_that_dies_loses_only_its_own_copy(tmp_path, monkeypatch, start):
    import multiprocessing as mp

    from copy_workers import crash_on_second

    from zhicheng.validators.outputs import copies

    if start not in mp.get_all_start_methods():
        pytest.skip(f"no {start} start method here")
    monkeypatch.setattr(copies, "context", lambda: mp.get_context(start))
    src = str(rich_workbook(tmp_path / "r.xlsx"))
    f = rich_findings("r.xlsx")[:2]
    names = ["first", "second", "third", "fourth", "fifth"]
    tasks = [copies.CopyTask(n, src, f, ["校验结果"]) for n in names]
    made = list(copies.made_in_workers(iter(tasks), 2, work=crash_on_second))
    assert [t.display for t, _ in made] == names  # in order, every one
    results = {t.display: m for t, m in made}
    assert results["second"].error.startswith("BrokenProcessPool") and not results["second"].data
    serial = copies.make_copy(tasks[0])
    for n in ("first", "third", "fourth", "fifth"):
        assert not results[n].error and results[n].data == serial.data


def test_report_lists_at_most_so_many_findings_per_file(run_out, tmp_path, monkeypatch):
    from zhicheng.validators.outputs import Outputs, report

    assert report.detail_limit([5, 10, 300]) == 200
    assert report.detail_limit([50] * 1000, total=20_000) == 20
    assert report.detail_limit([10, 1, 100], per_file=50, total=30) == 19  # 10 + 1 + 19
    assert report.detail_limit([5] * 100, total=10) == 1
    _, outputs, result = run_out
    counts = {}
    for f in result.findings:
        counts[f.file] = counts.get(f.file, 0) + 1
    big = max(counts, key=counts.get)
    monkeypatch.setattr(report, "DETAIL_PER_FILE", 3)
    mine = Outputs(tmp_path / "summary.xlsx", tmp_path / "report.html")
    report.write(mine.report, view_of(result, mine))
    html = mine.report.read_text(encoding="utf-8")
    assert "问题较多：下面每个文件最多列出 3 条问题" in html
    assert f"本文件共 {counts[big]} 条问题，这里只列出前 3 条" in html
    assert html.count("这里只列出前") == sum(1 for n in counts.values() if n > 3)
    assert html.count('<td class="sev">') == sum(min(n, 3) for n in counts.values())
    full = (run_out[0] / "report.html").read_text(encoding="utf-8")  # the same run, not capped
    assert "问题较多" not in full and full.count('<td class="sev">') == len(result.findings)



def test_summary_written_in_the_background_is_the_same_and_a_failure_surfaces(tmp_path, monkeypatch):
    from zhicheng.validators import outputs as outs
    from zhicheng.validators.outputs import summary

    def write(path, text):
        path.write_text(text, encoding="utf-8")

    join = outs.in_background(write, tmp_path / "a.txt", "甲")
    assert join is None or join() is None
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "甲"

    calls = []

    def flaky(path, view):  # fails in the forked process, works when run again here
        calls.append(os.getpid())
        if len(calls) == 1 and os.getpid() != parent:
            raise RuntimeError("boom")
        path.write_text("ok", encoding="utf-8")

    parent = os.getpid()
    monkeypatch.setattr(summary, "write", flaky)
    join = outs.in_background(summary.write, tmp_path / "s.txt", None)
    if join is not None:  # forked: the child's list is its own, so this process runs it once more itself
        join()
        assert (tmp_path / "s.txt").read_text(encoding="utf-8") == "ok" and calls == [parent]
