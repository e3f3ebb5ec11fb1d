"""Workbook templates: specs read back by our reader, guidance in cells, policy parameters, LibreOffice, round trip."""

import datetime as dt
import json
import shutil
import subprocess

import openpyxl
import pytest

from conftest import ident
from zhicheng import cli
from zhicheng.validators import policy as pol
from zhicheng.validators.fields import ENUMS, FIELDS, field_label, match_header
from zhicheng.validators.idcard import check_char
from zhicheng.validators.kinds import KIND_SPECS
from zhicheng.validators.reader import TEMPLATE_META_SHEET, read_workbook
from zhicheng.validators.rules.discipline import bar_end, bar_months
from zhicheng.validators.rules.hours import required_hours
from zhicheng.validators.rules.seniority import required_years, years_held
from zhicheng.workbook_templates import builder, preview, spec
from zhicheng.workbook_templates.params import NO_REQUIREMENT

KINDS = spec.kinds()
KAILI = pol.load("kaili-2023")
AS_OF = KAILI.as_of()
CUTOFF = KAILI.date("cutoff")
needs_office = pytest.mark.skipif(preview.soffice_path() is None or shutil.which("pdftoppm") is None,
                                  reason="LibreOffice (soffice) or pdftoppm is not installed")


def id_with_x():
    """A valid ID whose check character is X."""
    seq = next(s for s in range(1, 500) if ident(1987, 5, 4, s, s % 2 == 1)[-1] == "X")
    return ident(1987, 5, 4, seq, seq % 2 == 1)


def wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


def save_template(tmp_path, kind, rows, policy=KAILI, n=12, name=None):
    lay = builder.layout(kind, policy, n)
    wb = builder.build(kind, policy, n)
    preview.fill(wb.active, lay, rows)
    path = tmp_path / (name or f"{kind}.xlsx")
    wb.save(path)
    return path, lay


# ---------------------------------------------------------------------------------------------------------------
# Specs and the reader
# ---------------------------------------------------------------------------------------------------------------


def test_every_field_label_reads_back_as_its_field():
    assert [f.name for f in FIELDS.values() if match_header(f.label) != f.name] == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("policy_name", ["national", "kaili-2023"])
def test_template_headers_read_back_as_the_spec_fields(tmp_path, kind, policy_name):
    policy = pol.load(policy_name)
    path, lay = save_template(tmp_path, kind, [], policy)
    wb = read_workbook(path)
    assert [t.sheet for t in wb.tables] == [lay.spec.sheet]  # 填表说明 and _zc_meta are not read as tables
    t = wb.tables[0]
    assert t.kind == kind
    assert [c.field for c in t.columns] == [c.field for c in lay.cols]
    assert t.unknown == [builder.CHECK_HEADER]  # the check column is never data
    assert t.rows == []  # formulas in empty rows are not data rows
    assert set(KIND_SPECS[kind].required_columns) <= {c.field for c in t.columns}
    for col in lay.cols:  # two-level headers: each child is read under its parent
        if col.parent:
            assert match_header(col.label, col.parent) == col.field
    formula = openpyxl.load_workbook(path).active[f"{lay.extra_letter(builder.CHECK_HEADER)}{lay.first_row}"].value
    assert formula.startswith("=") and len(formula) < 8192  # Excel's limit on a formula's length


def test_year_columns_follow_the_policy():
    roster = builder.layout("applicant_roster", KAILI)
    years = [c.field for c in roster.cols if c.field.startswith("ce_hours@")]
    assert years == [f"ce_hours@{y}" for y in range(AS_OF.year - 3, AS_OF.year)]
    assert [c.header for c in roster.cols if c.field == f"appraisal@{AS_OF.year - 1}"] == [f"年度考核/{AS_OF.year - 1}年"]


def test_spec_that_does_not_read_back_is_refused():
    bad = spec.Spec("applicant_roster", "t", "", "s", (), ("name", "id_number",
                    {"group": "cur", "fields": ["cur_title"], "labels": {"cur_title": "身份证号码"}}))
    with pytest.raises(spec.SpecError, match="reads back"):
        spec.check(bad)
    with pytest.raises(spec.SpecError, match="required"):
        spec.check(spec.Spec("ce_hours", "t", "", "s", (), ("name", "id_number")))


def test_kind_comes_from_the_meta_sheet(tmp_path):
    path, lay = save_template(tmp_path, "review_roster", [{"name": "张三", "id_number": ident(1985, 6, 12)}])
    assert read_workbook(path).tables[0].kind == "review_roster"
    wb = openpyxl.load_workbook(path)
    meta = wb[TEMPLATE_META_SHEET]
    assert meta.sheet_state == "hidden"
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["kind"] == "review_roster"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["zhicheng.kind"] == "review_roster" and props["zhicheng.policy"] == "kaili-2023"
    for row in meta.iter_rows():
        if row[0].value == "kind":
            row[1].value = "sanction_review"  # the meta sheet wins over what the columns suggest
    wb.save(path)
    assert read_workbook(path).tables[0].kind == "sanction_review"
    del wb[TEMPLATE_META_SHEET]
    wb.save(path)
    assert read_workbook(path).tables[0].kind == "review_roster"  # guessed from the columns again


def test_extra_computed_columns_come_after_the_check_column(tmp_path):
    plug = builder.ExtraColumn("插件检查", 20, lambda lay, r: f"=COUNTA({lay.row_range(r)})&\"{lay.header_range()}\"",
                               "插件函数的结果")
    lay = builder.layout("ce_hours", KAILI, 3, [plug])
    wb = builder.build("ce_hours", KAILI, 3, [plug])
    ws = wb.active
    top, sub = lay.header_rows
    last = openpyxl.utils.get_column_letter(len(lay.cols))
    assert ws.cell(top, len(lay.cols) + 1).value == builder.CHECK_HEADER
    assert ws.cell(top, len(lay.cols) + 2).value == "插件检查"
    assert ws[f"{lay.extra_letter('插件检查')}{lay.first_row}"].value == (
        f'=COUNTA(A{lay.first_row}:{last}{lay.first_row})&"$A${top}:${last}${sub}"')
    wb.save(tmp_path / "p.xlsx")
    assert read_workbook(tmp_path / "p.xlsx").tables[0].unknown == [builder.CHECK_HEADER, "插件检查"]
    with pytest.raises(ValueError, match="would be read as field"):
        builder.layout("ce_hours", KAILI, 3, [builder.ExtraColumn("备注", 10, lambda lay, r: "", "")])


# ---------------------------------------------------------------------------------------------------------------
# Guidance in the cells
# ---------------------------------------------------------------------------------------------------------------


def _validations(ws):
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0]] = dv
    return out


def test_cells_carry_drop_downs_validation_and_formats(tmp_path):
    path, lay = save_template(tmp_path, "applicant_roster", [])
    ws = openpyxl.load_workbook(path)[lay.spec.sheet]
    L, r = lay.letters, lay.first_row
    dvs = _validations(ws)
    assert ws[f"{L['id_number']}{r}"].number_format == "@"
    assert dvs[f"{L['id_number']}{r}"].type == "textLength" and dvs[f"{L['id_number']}{r}"].formula1 == "18"
    for fld in ("sex", "edu_level", "apply_series", "apply_level", "is_grassroots", f"appraisal@{AS_OF.year - 1}"):
        dv = dvs[f"{L[fld]}{r}"]
        enum = ENUMS[FIELDS[fld.split("@")[0]].enum]
        assert dv.type == "list" and dv.formula1 == '"' + ",".join(enum.canonical()) + '"'
        assert dv.errorStyle == ("stop" if enum.strict else "warning")
        assert dv.showInputMessage and dv.prompt and dv.error
    assert dvs[f"{L['birth_date']}{r}"].type == "date"
    assert ws[f"{L['birth_date']}{r}"].number_format == "yyyy-mm-dd"
    assert dvs[f"{L[f'ce_hours@{AS_OF.year - 1}']}{r}"].type == "decimal"
    assert FIELDS["id_number"].help in dvs[f"{L['id_number']}{r}"].prompt  # help text from the field dictionary
    # header, merged parents, print setup, footer
    top, sub = lay.header_rows
    merged = {str(m) for m in ws.merged_cells.ranges}
    cur = [i for i, c in enumerate(lay.cols, 1) if c.parent == "现专业技术资格"]
    assert f"{openpyxl.utils.get_column_letter(cur[0])}{top}:{openpyxl.utils.get_column_letter(cur[-1])}{top}" in merged
    assert f"A{top}:A{sub}" in merged
    assert ws["A2"].value == lay.spec.title and ws["A1"].value == lay.spec.attachment
    assert ws["A3"].value.startswith("填报单位（盖章）")
    assert ws.freeze_panes == f"C{lay.first_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.print_title_rows == f"${top}:${sub}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    footer = [c.value for c in ws[lay.last_row + 1] if c.value]
    assert footer == ["填表人：", "审核人：", "联系电话："]
    chk = lay.extra_letter(builder.CHECK_HEADER)
    assert ws[f"{chk}{r}"].value.startswith("=")
    cf = {str(rng.sqref): rng.rules for rng in ws.conditional_formatting}
    assert f"{chk}{r}:{chk}{lay.last_row}" in cf
    assert "【身份证号码】" in cf[f"{L['id_number']}{r}:{L['id_number']}{lay.last_row}"][0].formula[0]


def test_instructions_sheet_explains_every_column(tmp_path):
    path, lay = save_template(tmp_path, "sanction_review", [])
    ws = openpyxl.load_workbook(path)[builder.INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for note in lay.spec.notes:
        assert note in text
    for col in lay.cols:
        assert col.header.replace("/", "—") in text
    assert "、".join(ENUMS["sanction_type"].canonical()) in text
    assert KAILI.title in text
    assert ws.protection.sheet


# ---------------------------------------------------------------------------------------------------------------
# Policy numbers in the parameter area
# ---------------------------------------------------------------------------------------------------------------


def _named(wb, name):
    dn = wb.defined_names[name]
    (sheet, ref), = list(dn.destinations)
    cells = wb[sheet][ref.replace("$", "")]
    if not isinstance(cells, tuple):
        return cells.value
    return [row[0].value for row in cells]


def test_parameter_area_holds_the_profile_numbers(tmp_path):
    custom = tmp_path / "my.toml"
    custom.write_text('name = "my"\nextends = "national"\nas_of = "2021-05-01"\ncutoff = "2020-12-31"\n'
                      '[discipline.party]\n"警告" = 30\n'
                      '[templates]\nce_hours_years = [2017, 2019]\n', encoding="utf-8")
    for policy in (KAILI, pol.load(str(custom))):
        path, lay = save_template(tmp_path, "applicant_roster", [], policy, name=f"{policy.name}.xlsx")
        wb = openpyxl.load_workbook(path)
        assert _named(wb, "ZC_ASOF").date() == policy.date("as_of")
        assert _named(wb, "ZC_CUTOFF").date() == policy.date("cutoff")
        keys, totals, profs = (_named(wb, n) for n in ("ZC_CE_KEY", "ZC_CE_TOTAL", "ZC_CE_PROF"))
        for key, total, prof in zip(keys, totals, profs):
            year, g, v = key.split("|")
            req = required_hours(policy, int(year), grassroots=g == "1", private=v == "1")
            assert total == pytest.approx(req.total, rel=1e-12)
            assert prof == (NO_REQUIREMENT if req.prof is None else pytest.approx(req.prof, rel=1e-12))
        years = policy.get("templates.ce_hours_years", None) or range(AS_OF.year - 3, AS_OF.year)
        assert {f"{y}|0|0" for y in years} <= set(keys)
        assert [c.field for c in lay.cols if c.field.startswith("ce_hours@")] == [f"ce_hours@{y}" for y in years]
        bars = dict(zip(_named(wb, "ZC_BAR_KEY"), _named(wb, "ZC_BAR_MONTHS")))
        assert bars["党纪|警告"] == bar_months(policy, "党纪", "警告")
        assert bars["|记过"] == bar_months(policy, None, "记过")
        sen = dict(zip(_named(wb, "ZC_SEN_KEY"), _named(wb, "ZC_SEN_YEARS")))
        assert sen["|副高级|大学本科"] == required_years(policy, None, "副高级", "大学本科")
    assert bars["党纪|警告"] == 30  # the custom profile's number, not the national 12


def test_national_template_takes_the_day_it_is_opened(tmp_path):
    path, _ = save_template(tmp_path, "sanction_review", [], pol.load("national"))
    wb = openpyxl.load_workbook(path)
    assert _named(wb, "ZC_ASOF") == "=TODAY()"


# ---------------------------------------------------------------------------------------------------------------
# LibreOffice: converts, recalculates the check column, prints title, headers and guidance
# ---------------------------------------------------------------------------------------------------------------

GOOD = ident(1985, 6, 12, 1, True)
FEMALE = ident(1990, 3, 1, 2, False)


def _num(x):
    return f"{x:g}"


def sample_rows():
    """Per kind: rows and, per row, the texts the check cell must contain ([] = must be empty)."""
    x_id = id_with_x()
    hours_year = AS_OF.year - 1
    req = required_hours(KAILI, hours_year)
    low = required_hours(KAILI, hours_year, grassroots=True)
    held = years_held(dt.date(2020, 12, 1), CUTOFF)
    need = required_years(KAILI, "卫生", "副高级", "大学本科")
    roster = [
        ({"name": "张三", "sex": "男", "birth_date": dt.date(1985, 6, 12), "id_number": GOOD,
          "cur_title_date": dt.date(2015, 6, 1), "apply_level": "副高级", "edu_level": "大学本科",
          f"ce_hours@{hours_year}": req.total}, []),
        ({"name": "李四", "id_number": wrong_check(GOOD)}, [f"校验码错误：按前17位末位应为{check_char(GOOD[:17])}"]),
        ({"name": "王五", "id_number": GOOD[:15]}, ["【身份证号码】应为18位，现为15位"]),
        ({"name": "赵六", "id_number": x_id[:17] + "x"}, ["末位x应为大写X"]),
        ({"name": "孙七", "id_number": "52260119851312" + "0012"}, ["不是有效的出生日期"]),
        ({"name": "周八", "sex": "男", "birth_date": dt.date(1990, 3, 2), "id_number": FEMALE},
         ["【性别】与身份证号码第17位不符", "【出生年月】与身份证号码不符，应为1990-03-01"]),
        ({"name": "吴九", "id_number": x_id, f"ce_hours@{hours_year}": req.total - 30},
         [f"【{hours_year}年继续教育学时】{_num(req.total - 30)}学时，少于要求的{_num(req.total)}学时"]),
        ({"name": "郑十", "id_number": GOOD, "is_grassroots": "是", f"ce_hours@{hours_year}": 50},
         [f"少于要求的{_num(low.total)}学时"] if 50 < low.total else []),
        ({"name": "钱一", "id_number": GOOD, "cur_title_date": dt.date(2020, 12, 1), "apply_series": "卫生",
          "apply_level": "副高级", "edu_level": "大学本科"},
         [f"任现职{_num(round(held, 1))}年，申报副高级需满{_num(need)}年"] if held < need else []),
        ({"unit": "某单位", "sex": "男"}, ["【姓名】为必填项", "【身份证号码】为必填项"]),
    ]
    ce = [
        ({"name": "张三", "id_number": GOOD, "ce_year": hours_year, "ce_public_hours": req.total - req.prof,
          "ce_prof_hours": req.prof, "ce_total_hours": req.total}, []),
        ({"name": "张三", "id_number": GOOD, "ce_year": hours_year, "ce_public_hours": 30, "ce_prof_hours": 10,
          "ce_total_hours": 40}, [f"【合计学时】40学时，少于{hours_year}年要求的{_num(req.total)}学时",
                                  f"【专业科目学时】10学时，少于要求的{_num(round(req.prof, 1))}学时"]),
        ({"name": "张三", "id_number": GOOD, "ce_year": hours_year, "ce_public_hours": 20, "ce_prof_hours": 20},
         [f"【合计学时】40学时，少于{hours_year}年要求的{_num(req.total)}学时"]),  # total from the parts
        ({"name": "张三", "id_number": GOOD, "ce_year": 1990, "ce_total_hours": 90}, ["1990年不在本模板的学时参数表中"]),
    ]
    months = bar_months(KAILI, "党纪", "严重警告")
    end = bar_end(KAILI, "党纪", "严重警告", dt.date(2022, 8, 31))
    gov = bar_months(KAILI, None, "记过")
    sanction = [
        ({"name": "张三", "id_number": GOOD, "has_sanction": "否"}, []),
        ({"name": "李四", "id_number": GOOD, "has_sanction": "是", "sanction_kind": "党纪", "sanction_type": "严重警告",
          "sanction_date": dt.date(2022, 8, 31)},
         [f"【处分决定日期】严重警告影响期{months}个月，至{end:%Y-%m-%d}止"] if AS_OF < end else []),
        ({"name": "王五", "id_number": GOOD, "has_sanction": "是", "sanction_type": "记过",
          "sanction_date": dt.date(2015, 1, 1)}, []),
        ({"name": "赵六", "id_number": GOOD, "has_sanction": "是", "sanction_type": "记过",
          "sanction_date": AS_OF - dt.timedelta(days=30)}, [f"记过影响期{gov}个月"]),
        ({"name": "孙七", "id_number": GOOD, "has_sanction": "是"}, ["请填写处分种类和决定日期"]),
        ({"name": "周八", "id_number": GOOD, "has_sanction": "否", "sanction_type": "警告"}, ["填“否”但填写了处分种类"]),
    ]
    review = [
        ({"name": "张三", "sex": "男", "id_number": GOOD, "publicity_start": dt.date(2023, 9, 4),
          "publicity_end": dt.date(2023, 9, 8)}, []),
        ({"name": "李四", "sex": "女", "id_number": FEMALE, "publicity_start": dt.date(2023, 9, 8),
          "publicity_end": dt.date(2023, 9, 4)}, ["【公示结束日期】早于公示开始日期"]),
    ]
    return {"applicant_roster": roster, "ce_hours": ce, "sanction_review": sanction, "review_roster": review}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Every kind filled with sample rows, recalculated (xlsx) and printed (pdf) by LibreOffice."""
    if preview.soffice_path() is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (soffice) or pdftoppm is not installed")
    tmp = tmp_path_factory.mktemp("office")
    samples = sample_rows()
    books, lays = [], {}
    for kind in KINDS:
        path, lays[kind] = save_template(tmp, kind, [r for r, _ in samples[kind]], n=len(samples[kind]) + 2)
        books.append(path)
    xlsx = preview.convert(books, "xlsx", tmp / "recalc", tmp / "profile")
    pdf = preview.convert(books, "pdf", tmp / "pdf", tmp / "profile")
    return {"samples": samples, "lays": lays, "xlsx": dict(zip(KINDS, xlsx)), "pdf": dict(zip(KINDS, pdf)),
            "tmp": tmp}


@needs_office
@pytest.mark.parametrize("kind", KINDS)
def test_check_formulas_recalculate_in_libreoffice(office, kind):
    lay = office["lays"][kind]
    ws = openpyxl.load_workbook(office["xlsx"][kind], data_only=True)[lay.spec.sheet]
    chk = lay.extra_letter(builder.CHECK_HEADER)
    rows = office["samples"][kind]
    for i, (row, expected) in enumerate(rows):
        got = ws[f"{chk}{lay.first_row + i}"].value or ""
        if not expected:
            assert got == "", f"row {i}: {got}"
        for text in expected:
            assert text in got, f"row {i}: {text!r} not in {got!r}"
        assert "#" not in got and "Err" not in got
    for r in range(lay.first_row + len(rows), lay.last_row + 1):  # empty rows stay empty
        assert not ws[f"{chk}{r}"].value


@needs_office
@pytest.mark.parametrize("kind", KINDS)
def test_first_page_shows_title_headers_and_guidance(office, kind):
    lay, pdf = office["lays"][kind], office["pdf"][kind]
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.replace(" ", "").replace("\n", "")
    assert lay.spec.title in text and "填报单位（盖章）" in text and "填写提示" in text and builder.CHECK_HEADER in text
    for col in lay.cols:
        assert col.label.replace(" ", "") in text or len(col.label) > 4  # long labels wrap inside the cell
        if col.parent:
            assert col.parent in text
    assert "【" in text  # a check message is printed
    png = preview.first_page_png(pdf, office["tmp"] / f"{kind}.png", 60)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


@needs_office
def test_saved_by_libreoffice_validates_like_written(office, tmp_path):
    """A handler saves the template in an office program: check-column values are cached, findings do not change."""
    for kind in KINDS:
        lay = office["lays"][kind]
        _, a = _findings(office["tmp"] / f"{kind}.xlsx", tmp_path / f"a-{kind}")
        _, b = _findings(office["xlsx"][kind], tmp_path / f"b-{kind}")
        assert b["files"][0]["kind"] == kind and b["files"][0]["rows"] == a["files"][0]["rows"]
        assert norm(a, lay.first_row) == norm(b, lay.first_row)


def test_docs_pictures_are_committed_and_small():
    docs = preview.Path(__file__).resolve().parent.parent / "docs" / "templates"
    for kind in KINDS:
        png = docs / f"{kind}.png"
        assert png.exists() and png.stat().st_size < 200_000


# ---------------------------------------------------------------------------------------------------------------
# Round trip: fill a template, run zhicheng validate
# ---------------------------------------------------------------------------------------------------------------

ROUND_TRIP = [  # (row, codes of the identity/format findings expected on that row)
    ({"name": "张三", "sex": "男", "birth_date": dt.date(1985, 6, 12), "id_number": GOOD, "unit": "某医院",
      "cur_title_date": dt.date(2015, 6, 1), "apply_level": "副高级"}, set()),
    ({"name": "李四", "id_number": wrong_check(ident(1986, 1, 2, 3)), "unit": "某医院"}, {"IDN002"}),
    ({"name": "王五", "id_number": ident(1987, 2, 3, 4)[:15] + "1", "unit": "某医院"}, {"IDN001"}),
    ({"name": "赵六", "id_number": id_with_x()[:17] + "x", "unit": "某医院"}, {"IDN008"}),
    ({"name": "孙七", "sex": "男", "id_number": ident(1990, 3, 1, 2, False), "unit": "某医院"}, {"IDN004"}),
    ({"name": "周八", "birth_date": dt.date(1988, 1, 2), "id_number": ident(1988, 1, 9, 5), "unit": "某医院"},
     {"IDN005"}),
    ({"id_number": ident(1989, 4, 5, 6), "unit": "某医院", "sex": "男"}, {"FMT004"}),
    ({"name": "吴九", "id_number": ident(1984, 4, 4, 7), "unit": "某医院", "sex": "未知"}, {"FMT003"}),
]
CHECKED = ("identity", "format", "structure", "duplicate")


def norm(doc, first):
    """Findings comparable across forms: code, severity, row within the data, column letter, value."""
    return sorted((f["code"], f["severity"], f["row"] - first if f["row"] else None,
                   f["cell"].rstrip("0123456789") if f["cell"] else None,
                   json.dumps(f["value"], ensure_ascii=False)) for f in doc["findings"])


def _findings(path, out, policy="kaili-2023"):
    code = cli.main(["validate", str(path), "--policy", policy, "--out", str(out), "--quiet"])
    return code, json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_round_trip_filled_template_validates(tmp_path):
    path, lay = save_template(tmp_path, "applicant_roster", [r for r, _ in ROUND_TRIP])
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["D3"] = "凯里市第一人民医院"  # the 填报单位 line
    date_label = next(c for c in ws[3] if c.value == "填报日期：")
    ws.cell(3, date_label.column + 2, "2023年8月20日")
    wb.save(path)
    code, doc = _findings(path, tmp_path / "out")
    assert doc["files"][0]["unit"] == "凯里市第一人民医院"
    assert doc["files"][0]["tables"][0]["fill_date"] == "2023年8月20日"
    assert code == cli.EXIT_FINDINGS
    assert doc["files"][0]["kind"] == "applicant_roster" and doc["files"][0]["rows"] == len(ROUND_TRIP)
    assert doc["files"][0]["tables"][0]["template"] == f"applicant_roster v{builder.TEMPLATE_VERSION}"
    got = {(f["row"] - lay.first_row, f["code"]) for f in doc["findings"] if f["category"] in CHECKED}
    want = {(i, code) for i, (_, exp) in enumerate(ROUND_TRIP) for code in exp}
    assert got == want
    sev = {f["code"]: f["severity"] for f in doc["findings"]}
    assert sev["IDN008"] == "warning" and sev["IDN001"] == "error"


@pytest.mark.parametrize("kind", KINDS)
def test_template_and_hand_made_form_give_the_same_findings(tmp_path, kind):
    rows = [r for r, _ in sample_rows()[kind]] + [{"name": "重复", "id_number": GOOD}]
    path, lay = save_template(tmp_path, kind, rows)
    hand = openpyxl.Workbook()
    ws = hand.active
    ws.append([lay.spec.title])
    ws.append([field_label(c.field) for c in lay.cols])  # one header row, the dictionary's labels, no template
    for row in rows:
        ws.append([row.get(c.field) for c in lay.cols])
    for r in ws.iter_rows(min_row=3):
        r[[c.field for c in lay.cols].index("id_number")].number_format = "@"
    hand.save(tmp_path / "hand.xlsx")

    _, a = _findings(path, tmp_path / "a")
    _, b = _findings(tmp_path / "hand.xlsx", tmp_path / "b")
    assert a["files"][0]["kind"] == b["files"][0]["kind"] == kind
    assert norm(a, lay.first_row) == norm(b, 3)
    assert any(f["code"] == "DUP001" for f in a["findings"])  # not vacuous: the forms do have findings


# ---------------------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------------------


def test_cli_template_list_and_build(tmp_path, capsys):
    assert cli.main(["template", "list"]) == cli.EXIT_OK
    listed = capsys.readouterr().out
    for kind in KINDS:
        assert kind in listed and spec.load(kind).title in listed
    out = tmp_path / "t" / "学时.xlsx"
    assert cli.main(["template", "build", "ce_hours", "--policy", "kaili-2023", "--out", str(out), "--rows", "7"]) == 0
    wb = read_workbook(out)
    assert wb.tables[0].kind == "ce_hours"
    lay = builder.layout("ce_hours", KAILI, 7)
    assert openpyxl.load_workbook(out).active.cell(lay.last_row + 1, 1).value == "填表人："
    assert cli.main(["template", "build", "no_such_form", "--out", str(tmp_path / "x.xlsx")]) == cli.EXIT_FAILED
    assert "没有“no_such_form”的模板" in capsys.readouterr().err
    assert cli.main(["template", "build", "ce_hours", "--policy", "nowhere"]) == cli.EXIT_FAILED
