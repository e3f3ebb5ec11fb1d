"""Reading messy workbooks: title rows, 填报单位 line, two-level merged headers, merged cells, footers, .xls."""

import datetime as dt
import re

import openpyxl
import pytest
import xlwt

from conftest import ident
from zhicheng.validators.engine import TableRef, table_frame
from zhicheng.validators.fields import match_header
from zhicheng.validators.policy import load
from zhicheng.validators.reader import ReadError, read_workbook, sniff

ID1 = ident(1985, 6, 12, 1, True)
ID2 = ident(1990, 3, 1, 2, False)
ID3 = ident(1986, 7, 1, 3, True)
ID4 = ident(1988, 1, 9, 4, False)


def messy_roster(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws["A1"] = "附件1-10"
    ws["A2"] = "贵州省申报专业技术职务任职资格人员花名册"
    ws.merge_cells("A2:M2")
    ws["A3"] = "填报单位（盖章）：凯里市第一人民医院            填报日期：2023年8月20日"
    ws.merge_cells("A3:M3")
    top = ["序号", "姓  名", "性别", "出生年月", "公民身份号码", "工作单位", "现专业技术资格", None, None,
           "继续教育学时", None, None, "备注说明X"]
    sub = [None] * 6 + ["资格名称", "级别", "取得时间", "2021年", "2022年", "2023年", None]
    for i, h in enumerate(top):
        ws.cell(4, i + 1, h)
    for i, h in enumerate(sub):
        if h:
            ws.cell(5, i + 1, h)
    for c in "ABCDEFM":
        ws.merge_cells(f"{c}4:{c}5")
    ws.merge_cells("G4:I4")
    ws.merge_cells("J4:L4")
    ws.append(list(range(1, 14)))  # a row of column numbers
    rows = [
        [1, "张\u3000三", "男", "2019.06", ID1, "凯里市第一人民医院", "主治医师", "中级", "2019.06", 90, "９０", "90学时"],
        [2, "李四", "女", dt.datetime(1990, 3, 1), ID2, None, "医师", "助理级", 2019.1, 90, 90, 60],
        [3, "王五", "男", "1986年7月", ID3, None, "医师", "助理级", "201906", 90, 90, 90],
        [4, "赵六", "女", "19880109", float(ID4[:15] + "000"), None, "护士", "初级", "2019/6/1", 90, 90, 90],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("F7:F10")  # 工作单位 merged down over four rows
    ws.append(["合计", None, None, None, None, None, None, None, None, 360, 360, 330])
    ws.append([])
    ws.append(["填表说明：1. 身份证号码中的X一律大写；2. 日期格式为YYYY.MM"])
    ws.merge_cells("A14:M14")
    ws.append(["填表人：张三", None, None, "审核人：李四"])
    wb.save(path)
    return path


def test_messy_roster_fields_and_values(tmp_path):
    wb = read_workbook(messy_roster(tmp_path / "m.xlsx"))
    assert wb.format == "xlsx"
    assert len(wb.tables) == 1
    t = wb.tables[0]
    assert t.kind == "applicant_roster"
    assert t.header_rows == (4, 5)
    assert t.meta["unit"] == "凯里市第一人民医院"
    assert t.meta["fill_date"] == "2023年8月20日"
    assert t.meta["title"] == "贵州省申报专业技术职务任职资格人员花名册"
    fields = {c.field: (c.header, c.letter) for c in t.columns}
    assert fields == {
        "seq": ("序号", "A"), "name": ("姓  名", "B"), "sex": ("性别", "C"), "birth_date": ("出生年月", "D"),
        "id_number": ("公民身份号码", "E"), "unit": ("工作单位", "F"),
        "cur_title": ("现专业技术资格/资格名称", "G"), "cur_title_level": ("现专业技术资格/级别", "H"),
        "cur_title_date": ("现专业技术资格/取得时间", "I"), "ce_hours@2021": ("继续教育学时/2021年", "J"),
        "ce_hours@2022": ("继续教育学时/2022年", "K"), "ce_hours@2023": ("继续教育学时/2023年", "L"),
    }
    assert t.unknown == ["备注说明X"]
    assert t.rows == [7, 8, 9, 10]  # numbering row, 合计 row and footer skipped

    ref = TableRef("m.xlsx", t.sheet, t.kind, fields, 5)
    found = []
    df = table_frame(t, 0, ref, found)
    assert df["name"].tolist() == ["张三", "李四", "王五", "赵六"]
    assert df["unit"].tolist() == ["凯里市第一人民医院"] * 4  # merged down
    assert df["birth_date"].tolist() == ["2019-06", "1990-03-01", "1986-07", "1988-01-09"]
    assert df["cur_title_date"].tolist() == ["2019-06", "2019-01", "2019-06", "2019-06-01"]
    assert df["ce_hours@2022"].tolist() == ["90", "90", "90", "90"]  # full-width ９０
    assert df["ce_hours@2023"].tolist() == ["90", "60", "90", "90"]  # "90学时"
    assert df["cur_title_level"].tolist() == ["中级", "助理级", "助理级", "初级"]
    assert df["id_number"].tolist() == [ID1, ID2, ID3, ID4[:15] + "000"]
    notes = sorted((f.code, f.cell) for f in found)
    assert notes == [("FMT002", "I8"), ("IDN006", "E10")]


@pytest.mark.parametrize("text,expected", [
    ("身份证号", "id_number"), ("身份证号码", "id_number"), ("公民身份号码", "id_number"), ("证件号码", "id_number"),
    ("＊姓名", "name"), ("出生年月\n（YYYY.MM）", "birth_date"), ("工作单位（全称）", "unit"),
    ("2022年度继续教育学时", "ce_hours@2022"), ("2021年度考核", "appraisal@2021"), ("是否破格", "is_poge"),
    ("莫名其妙", None),
])
def test_header_synonyms(text, expected):
    assert match_header(text) == expected


@pytest.mark.parametrize("parent,child,expected", [
    ("现专业技术资格", "取得时间", "cur_title_date"), ("现专业技术资格", "所属系列", "cur_series"),
    ("继续教育学时", "2021年", "ce_hours@2021"), ("近三年年度考核", "2020", "appraisal@2020"),
    ("公示时间", "起", "publicity_start"), ("公示时间", "止", "publicity_end"), ("学历", "毕业时间", "grad_date"),
    ("拟申报专业技术资格", "系列", "apply_series"),
])
def test_two_level_headers(parent, child, expected):
    assert match_header(child, parent) == expected


def test_instruction_sheet_skipped_and_second_sheet_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws["A1"] = "1. 姓名 身份证号码 工作单位 须如实填写"
    ws2 = wb.create_sheet("审查表")
    ws2.append(["序号", "姓名", "身份证号", "是否受过处分", "处分种类", "处分决定日期"])
    ws2.append([1, "张三", ID1, "是", "警告", "2023.06"])
    wb.save(tmp_path / "s.xlsx")
    out = read_workbook(tmp_path / "s.xlsx")
    assert out.skipped == ["填表说明"]
    assert [t.kind for t in out.tables] == ["sanction_review"]


def test_ce_registration_kind(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["继续教育学时审核登记表"])
    ws.append(["序号", "年度", "姓名", "身份证号", "公需科目学时", "专业科目学时", "合计"])
    ws.append([1, 2022, "张三", ID1, 30, 60, 90])
    wb.save(tmp_path / "c.xlsx")
    t = read_workbook(tmp_path / "c.xlsx").tables[0]
    assert t.kind == "ce_hours"
    assert [c.field for c in t.columns] == ["seq", "ce_year", "name", "id_number", "ce_public_hours",
                                           "ce_prof_hours", "ce_total_hours"]


def test_real_xls_with_merges(tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("评审通过人员")
    ws.write_merge(0, 0, 0, 5, "中级专业技术资格评审通过人员花名册")
    for i, h in enumerate(["序号", "姓名", "身份证号", "工作单位", "资格名称", "通过时间"]):
        ws.write(1, i, h)
    ws.write(2, 0, 1)
    ws.write(2, 1, "张三")
    ws.write(2, 2, ID1)
    ws.write_merge(2, 3, 3, 3, "海门市某厂")
    ws.write(2, 4, "工程师")
    ws.write(2, 5, "2019.10")
    ws.write(3, 0, 2)
    ws.write(3, 1, "李四")
    ws.write(3, 2, ID2)
    ws.write(3, 4, "助理工程师")
    ws.write(3, 5, "2019年10月")
    path = tmp_path / "legacy.xls"
    book.save(str(path))
    assert sniff(path) == "xls"
    t = read_workbook(path).tables[0]
    assert t.kind == "review_roster"
    assert t.rows == [3, 4]
    ref = TableRef("legacy.xls", t.sheet, t.kind, {c.field: (c.header, c.letter) for c in t.columns}, 2)
    df = table_frame(t, 0, ref, [])
    assert df["unit"].tolist() == ["海门市某厂", "海门市某厂"]
    assert df["pass_date"].tolist() == ["2019-10", "2019-10"]
    assert df["apply_title"].tolist() == ["工程师", "助理工程师"]


def test_sniff_rejects_non_workbooks(tmp_path):
    (tmp_path / "t.xlsx").write_text("这不是表格", encoding="utf-8")
    with pytest.raises(ReadError) as e:
        sniff(tmp_path / "t.xlsx")
    assert e.value.code == "STR001"
    good = messy_roster(tmp_path / "g.xlsx")
    (tmp_path / "trunc.xlsx").write_bytes(good.read_bytes()[:3000])
    with pytest.raises(ReadError) as e:
        read_workbook(tmp_path / "trunc.xlsx")
    assert e.value.code == "STR001"
    (tmp_path / "page.xls").write_text("<html><table><tr><td>姓名</td></tr></table></html>")
    with pytest.raises(ReadError, match="网页"):
        sniff(tmp_path / "page.xls")


def test_xlsx_named_xls_is_read_by_content(tmp_path, run):
    p = messy_roster(tmp_path / "m.xlsx")
    q = tmp_path / "renamed.xls"
    q.write_bytes(p.read_bytes())
    reports, findings = run(q)
    assert reports[0].kind == "applicant_roster"
    assert any(f.code == "STR008" for f in findings)


def test_context_policy_loads():
    assert load("kaili-2023").as_of() == dt.date(2023, 8, 30)


def test_value_variants_read_from_a_workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "最高学历", "是否破格", "申报级别", "毕业时间", "专业工作年限", "2022年度考核"])
    rows = [
        ["甲", ID1, "本科", "Y", "高级", 43617, "12", "合格"],
        ["乙", ID2, "大专", "N", "副高", "2019-06", "８", "优秀"],
        ["丙", ID3, "硕士", "√", "中级职称", "2019.6", 7.0, "称职"],
        ["丁", ID4, "大学本科", "×", "正高", "2019年6月1日", "10年", "基本合格"],
        ["戊", ID1, "中级工班", "有", "初级", "20190601", "3 ", "不定等次"],
        ["己", ID2, "大学专科", "无", "助理", dt.date(2019, 6, 1), "0", "优秀"],
    ]
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "v.xlsx")
    t = read_workbook(tmp_path / "v.xlsx").tables[0]
    ref = TableRef("v.xlsx", t.sheet, t.kind, {c.field: (c.header, c.letter) for c in t.columns}, 1)
    df = table_frame(t, 0, ref, [])
    assert df["edu_level"].tolist() == ["大学本科", "大学专科", "硕士研究生", "大学本科", "中专", "大学专科"]
    assert df["is_poge"].tolist() == ["是", "否", "是", "否", "是", "否"]
    assert df["apply_level"].tolist() == ["副高级", "副高级", "中级", "正高级", "初级", "助理级"]
    assert df["grad_date"].tolist() == ["2019-06-01", "2019-06", "2019-06", "2019-06-01", "2019-06-01",
                                        "2019-06-01"]
    assert df["prof_work_years"].tolist() == ["12", "8", "7", "10", "3", "0"]
    assert df["appraisal@2022"].tolist() == ["合格", "优秀", "称职", "基本合格", "不定等次", "优秀"]


def test_unseen_layout_with_group_headers_reads_and_stays_clean(tmp_path, run):
    """A layout none of our templates or examples use: 单位名称 line, 学历情况 / 现任专业技术职务 groups."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["附件2"])
    ws.append(["2023年度专业技术资格申报人员一览表"])
    ws.append(["单位名称（盖章）：某县人民医院       填表日期：2023.7.20"])
    ws.append(["序号", "姓名", "性别", "身份证号码", "学历情况", None, None, None, "现任专业技术职务", None, "申报资格"])
    ws.append([None, None, None, None, "学历", "毕业院校", "所学专业", "毕业时间", "职务名称", "任职时间", None])
    for c in "ABCDK":
        ws.merge_cells(f"{c}4:{c}5")
    ws.merge_cells("E4:H4")
    ws.merge_cells("I4:J4")
    for i in range(1, 5):
        birth = dt.date(1980 + i, 5, i)
        ws.append([i, "病例" + "一二三四"[i - 1], "男" if i % 2 else "女", ident(birth.year, 5, i, i, bool(i % 2)),
                   "大学本科", "贵州医科大学", "临床医学", f"{birth.year + 23}.07", "主治医师", "2016.12", "副主任医师"])
    wb.save(tmp_path / "apply.xlsx")
    t = read_workbook(tmp_path / "apply.xlsx").tables[0]
    assert t.meta["unit"] == "某县人民医院" and t.unknown == []
    assert {c.field: c.header for c in t.columns}["cur_title_date"] == "现任专业技术职务/任职时间"
    assert [c.field for c in t.columns] == ["seq", "name", "sex", "id_number", "edu_level", "school", "major",
                                           "grad_date", "cur_title", "cur_title_date", "apply_title"]
    _, findings = run(tmp_path / "apply.xlsx", as_of=dt.date(2023, 12, 31))
    assert findings == []


# --- fast paths give what the general path gives ------------------------------------------------------------------

TRICKY = ["110101198506120011", "11010119850612001x", "１１０１０１１９８５０６１２００１Ｘ", "110101 19850612 0011",
          "\u3000张三\u3000", "张 三", "⑱⑱⑱⑱⑱⑱⑱⑱", "2019.06", "2019年6月", "  ", "", "a\tb", "x\u00a0y", "ID", "Ⓐ",
          "ＡＢＣ", "12345678901234", "123456789012345", "1e5", "身份证号码", "No.", "2021", "２０２１"]


def test_ascii_fast_paths_match_the_general_path():
    import re
    import unicodedata

    from zhicheng.validators import fields, normalize, reader

    for t in TRICKY:
        assert fields.squeeze(t) == re.sub(r"[\s\u3000\u00a0]+", "", unicodedata.normalize("NFKC", t)), t
        slow = unicodedata.normalize("NFKC", t).replace("\u3000", " ").strip()
        slow = re.sub(r"\s+", " ", slow) if re.search(r"\s\s|[^\S ]", slow) else slow
        assert normalize.clean_text(t) == (slow or None), t
        data = bool(re.fullmatch(r"\d{15,18}[0-9Xx]?", fields.squeeze(t)))
        assert reader._looks_like_data(t) == data, t


def test_text_without_a_letter_names_no_field():
    """The header scan skips ASCII text without a letter (numbers, IDs, dates): no synonym or year pattern could
    match it.  Every synonym key has a letter or a Chinese character, and so do the year patterns."""
    from zhicheng.validators import fields

    for key in fields._SYNONYMS:
        assert not (key.isascii() and not re.search("[a-z]", key)), key
    for text in ("2021", "110101198506120011", "2019-06-01 00:00:00", "3.5", "1", "20.5", "(1)"):
        assert match_header(text) is None
