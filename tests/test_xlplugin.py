"""Cell functions: every ZC_* function, called with classic-shaped and Office.js-shaped arguments, gives the batch
validator's verdict for the same data (``zhicheng validate`` on a workbook holding it)."""

import datetime as dt

import pytest
from conftest import ident
from xlshapes import (AS_OF, BAD_CHECK, GOOD, GOOD2, ROSTER, ROSTER_MERGES, SHAPES, batch, classic, officejs,
                      save, sheet_values)

from zhicheng.validators import engine, policy
from zhicheng.validators.rules.discipline import bar_end
from zhicheng.validators.rules.seniority import required_years, years_held
from zhicheng.xlplugin import inputs, udfs
from zhicheng.xlplugin.udfs import (PASS, RESULT_HEADER, ZC_BAR, ZC_BAREND, ZC_CHECKROW, ZC_CHECKTABLE, ZC_HOURS,
                                    ZC_ID, ZC_IDBIRTH, ZC_IDSEX, ZC_REQYEARS, ZC_YEARS)

SHAPE_NAMES = list(SHAPES)


# ---------------------------------------------------------------------------------------------------------------
# Input normalisation
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [dt.datetime(2023, 3, 15), dt.date(2023, 3, 15), 45000, 45000.0, 45000.25,
                                 [[45000]], {"type": "FormattedNumber", "basicValue": 45000}, "2023-03-15",
                                 "2023年3月15日", "20230315"])
def test_date_from_every_integration(raw):
    assert inputs.date(raw, "日期") == dt.date(2023, 3, 15)


@pytest.mark.parametrize("raw", [None, "", "  ", 0, [[None]], [[""]], float("nan")])
def test_blank_optional_arguments(raw):
    assert inputs.date(raw, "日期") is None
    assert inputs.optional(raw) is None


def test_zero_is_a_number_but_a_blank_date():
    assert inputs.number(0, "学时") == 0.0
    assert inputs.date(0, "日期") is None


def test_bad_inputs_raise_chinese_messages():
    with pytest.raises(inputs.InputError, match="不是可识别的日期"):
        inputs.date("去年", "处分决定日期")
    with pytest.raises(inputs.InputError, match="不是四位年份"):
        inputs.year(23.5)
    with pytest.raises(inputs.InputError, match="未知的政策配置"):
        inputs.policy("no-such-profile")


def test_policy_default_comes_from_environment(monkeypatch):
    monkeypatch.setenv(inputs.POLICY_ENV, "kaili-2023")
    assert inputs.policy(None).name == "kaili-2023"
    assert inputs.policy("").name == "kaili-2023"
    assert inputs.policy("national").name == "national"


def test_grid_shapes():
    assert inputs.grid("x") == [["x"]]
    assert inputs.grid(["a", "b"]) == [["a", "b"]]  # classic xlwings: one row as a 1-D list
    assert inputs.grid([["a", ""], ["b"]]) == [["a", None], ["b", None]]
    assert inputs.row([["a"], ["b"]]) == ["a", "b"]
    assert inputs.grid((("a", None), ("b", 1.0))) == [["a", None], ["b", 1.0]]  # classic xlwings, raw
    assert inputs.scalar({"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}) is None


def test_office_rich_values_in_a_row_read_like_plain_ones():
    header = [ROSTER[1], ROSTER[2]]
    plain = officejs([ROSTER[5]])
    rich = [list(plain[0])]
    rich[0][7] = {"type": "FormattedNumber", "basicValue": plain[0][7], "numberFormat": "yyyy/m/d"}
    rich[0][9] = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    plain[0][9] = ""
    assert "[FMT008]" in ZC_CHECKROW(officejs(header), plain, "", serial_of(AS_OF))
    assert ZC_CHECKROW(officejs(header), rich, "", serial_of(AS_OF)) == ZC_CHECKROW(officejs(header), plain, "",
                                                                                    serial_of(AS_OF))


def serial_of(day):
    return officejs(day)


# ---------------------------------------------------------------------------------------------------------------
# ZC_ID, ZC_IDBIRTH, ZC_IDSEX
# ---------------------------------------------------------------------------------------------------------------

WITH_X = next(i for i in (ident(1988, 8, 8, s, True) for s in range(200)) if i.endswith("X"))
ID_CASES = [GOOD, BAD_CHECK, GOOD[:6] + GOOD[8:17], WITH_X[:17] + "x", "52260119851312123X", "123456",
            ident(2015, 1, 1, 3, True), int(GOOD2)]


@pytest.fixture(scope="module")
def id_sheet(tmp_path_factory):
    path = tmp_path_factory.mktemp("ids") / "ids.xlsx"
    rows = [["姓名", "身份证号码"]] + [[f"人员{i}", v] for i, v in enumerate(ID_CASES)]
    save(path, rows)
    return path, sheet_values(path), batch(path, "national", AS_OF)


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_id_matches_batch(id_sheet, shape):
    path, values, expected = id_sheet
    to = SHAPES[shape]
    seen = set()
    for i, (_, raw) in enumerate(values[1:], start=2):
        got = ZC_ID(to(raw), to(""), to(AS_OF))
        assert got == expected.get(i, PASS), (i, raw)
        seen.add(got == PASS)
    assert seen == {True, False}  # the cases include good and bad numbers
    assert "[IDN002]" in expected[3] and "[IDN006]" in expected[len(ID_CASES) + 1]


def test_zc_id_blank_and_as_of():
    assert ZC_ID(None) == "" and ZC_ID("") == ""
    young = ident(2010, 1, 1, 4, True)
    assert "[IDN003]" in ZC_ID(young, "national", dt.datetime(2023, 1, 1))
    assert ZC_ID(young, "national", dt.datetime(2030, 1, 1)) == PASS


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_idbirth_idsex(shape):
    to = SHAPES[shape]
    assert ZC_IDBIRTH(to(GOOD)) == dt.date(1985, 6, 12)
    assert ZC_IDSEX(to(GOOD)) == "男" and ZC_IDSEX(to(GOOD2)) == "女"
    assert ZC_IDSEX(to("")) == ""
    assert ZC_IDBIRTH(to(float(GOOD))).startswith("参数错误")  # a number has lost its last digits
    assert ZC_IDSEX("123").startswith("参数错误")


# ---------------------------------------------------------------------------------------------------------------
# Whole rows and whole tables against `zhicheng validate`
# ---------------------------------------------------------------------------------------------------------------

HOURS = [
    ["序号", "姓名", "身份证号码", "年度", "公需科目学时", "专业科目学时", "合计学时", "审核单位"],
    [1, "张三", GOOD, 2023, 30, 60, 90, "凯里市人社局"],
    [2, "李四", GOOD2, 2023, 10, 20, 30, "凯里市人社局"],
    [3, "王五", ident(1979, 2, 2, 5, True), "2022年", 50, 40, 90, ""],
    [4, "赵六", ident(1981, 4, 4, 6, False), 2023, "三十", 60, "九十", "凯里市人社局"],
    [5, "张三", GOOD, 2023, 30, 60, 90, "凯里市人社局"],
]

SANCTIONS = [
    ["序号", "姓名", "身份证号码", "是否受过处分", "处分类别", "处分种类", "处分决定日期"],
    [1, "张三", GOOD, "是", "党纪", "严重警告", dt.datetime(2023, 3, 15)],
    [2, "李四", GOOD2, "是", "政务处分", "警告", "2020.01"],
    [3, "王五", ident(1979, 2, 2, 5, True), "是", "处分", "记过", dt.datetime(2024, 1, 1)],
    [4, "赵六", ident(1981, 4, 4, 6, False), "否", None, None, None],
    [5, "孙八", ident(1975, 5, 5, 7, True), "是", "党纪", "罚款", "2022.05"],
]

# table name -> rows, merged ranges, the rows (0-based slice) of its header
TABLES = {"roster": (ROSTER, ROSTER_MERGES, slice(1, 3)), "hours": (HOURS, (), slice(0, 1)),
          "sanctions": (SANCTIONS, (), slice(0, 1))}


@pytest.fixture(scope="module", params=[(t, p) for t in TABLES for p in ("national", "kaili-2023")],
                ids=lambda tp: f"{tp[0]}-{tp[1]}")
def table_case(request, tmp_path_factory):
    name, pol = request.param
    rows, merges, header = TABLES[name]
    path = save(tmp_path_factory.mktemp(name) / f"{name}.xlsx", rows, merges)
    return path, sheet_values(path), pol, header


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_checktable_matches_batch(table_case, shape):
    path, values, pol, _ = table_case
    expected = batch(path, pol, AS_OF)
    assert any(v != PASS for v in expected.values())  # every table has defects
    to = SHAPES[shape]
    got = ZC_CHECKTABLE(to(values), to(pol), to(AS_OF))
    assert len(got) == len(values) and all(len(r) == 1 for r in got)
    res = engine.validate_paths([path], policy.load(pol), AS_OF)
    data_rows = {r for t in res.reports[0].tables for r in range(t["header_row"] + 1, len(values) + 1)}
    for i, (cell,) in enumerate(got, start=1):
        if i in expected:
            assert cell == expected[i], i
        elif all(v in (None, "") for v in values[i - 1]):
            assert cell == "", i
        elif i in data_rows:
            assert cell == PASS, i
    assert RESULT_HEADER in [c for (c,) in got]


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_checkrow_matches_batch(table_case, shape):
    """One row at a time: the same verdict, less what needs other rows (duplicates)."""
    path, values, pol, header_slice = table_case
    expected = batch(path, pol, AS_OF, keep=lambda f: f.category != "duplicate")
    to = SHAPES[shape]
    header = values[header_slice]
    checked = 0
    for i in range(header_slice.stop, len(values)):
        got = ZC_CHECKROW(to(header), to([values[i]]), to(pol), to(AS_OF))
        if all(v in (None, "") for v in values[i]):
            assert got == ""
            continue
        assert got == expected.get(i + 1, PASS), (i + 1, got)
        checked += 1
    assert checked >= 4


def test_checkrow_default_policy_and_as_of_from_profile():
    header = HOURS[0]
    row = [1, "少年", ident(2007, 9, 1, 8, True), 2023, 30, 60, 90, "凯里市人社局"]  # 15 on 2023-08-30, not today
    pol = policy.load("kaili-2023")
    want = udfs.verdict(engine.check_tables([_table(header, row)], pol, pol.as_of()))
    assert "[IDN003]" in want
    assert ZC_CHECKROW([header], [row], "kaili-2023") == want
    assert ZC_CHECKROW([header], [row], "kaili-2023", dt.datetime(2030, 1, 1)) == PASS


def _table(header, row):
    from zhicheng.validators.fields import match_header
    from zhicheng.validators.reader import Column, Table

    cols = [Column(j, match_header(h), h) for j, h in enumerate(header) if match_header(h)]
    return Table("", "ce_hours", (1, 1), cols, [2], [[row[c.index] for c in cols]])


def test_checktable_kind_argument_and_errors():
    plain = [["姓名", "身份证号码"], ["张三", GOOD]]
    assert ZC_CHECKTABLE(plain, "", "", "受纪律处分情况审查表")[1] == [PASS]
    assert ZC_CHECKTABLE(plain, "", "", "工资表")[0][0].startswith("参数错误：未知的表格类型")
    assert ZC_CHECKTABLE([["甲", "乙"], [1, 2]])[0][0].startswith("参数错误：表头无法识别")
    assert ZC_CHECKROW([["姓名", "身份证号码"]], [[None, ""]]) == ""


# ---------------------------------------------------------------------------------------------------------------
# ZC_HOURS and ZC_BAR: the batch findings for the same data, plus the policy functions until the batch rules exist
# ---------------------------------------------------------------------------------------------------------------


def _row_findings(path, pol, row, as_of=AS_OF):
    res = engine.validate_paths([path], policy.load(pol), as_of)
    return [f for f in res.findings if f.row == row and f.severity in ("error", "warning")
            and f.category not in ("duplicate", "structure")]


@pytest.mark.parametrize("pol", ["national", "kaili-2023", "wenzhou-2019"])
@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_hours_matches_batch(tmp_path, pol, shape):
    path = save(tmp_path / "h.xlsx", HOURS)
    values = sheet_values(path)
    to = SHAPES[shape]
    policy.load(pol)
    for i in range(1, len(values)):
        _, _, _, year, public, prof, total, _ = values[i]
        got = ZC_HOURS(to(year), to(total), to(prof), to(public), to(pol), to(AS_OF))
        found = _row_findings(path, pol, i + 1)
        for f in found:  # whatever the batch says about this row's hours, the cell says too
            assert f"{f.message}[{f.code}]" in got, (i, got)
        assert got == udfs.verdict(found), (i, got)


def test_zc_hours_messages_and_errors():
    assert "[FMT006]" in ZC_HOURS(2023, "九十")
    assert ZC_HOURS("", 90).startswith("参数错误：请填写年度")
    assert ZC_HOURS(2023, 120, 100, 20) == PASS
    assert "少于要求的90学时" in ZC_HOURS(2023, 45, policy="national", as_of=dt.date(2024, 3, 1))
    assert "[HRS002]" in ZC_HOURS(2023, 90, 50, 40, policy="national", as_of=dt.date(2024, 3, 1))


@pytest.mark.parametrize("pol", ["national", "kaili-2023"])
@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_bar_matches_batch(tmp_path, pol, shape):
    path = save(tmp_path / "s.xlsx", SANCTIONS)
    values = sheet_values(path)
    to = SHAPES[shape]
    policy.load(pol)
    for i in range(1, len(values)):
        _, _, _, _, kind, type_, date = values[i]
        got = ZC_BAR(to(kind), to(type_), to(date), to(pol), to(AS_OF))
        if type_ is None:
            assert got == ""
            continue
        found = _row_findings(path, pol, i + 1)
        for f in found:
            assert f"{f.message}[{f.code}]" in got, (i, got)
        assert got == udfs.verdict(found), (i, got)


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_barend_is_bar_end(shape):
    to = SHAPES[shape]
    for pol in ("national", "kaili-2023"):
        p = policy.load(pol)
        for kind, type_, day in [("党纪", "警告", dt.date(2023, 1, 31)), ("政务处分", "记过", dt.date(2022, 8, 31)),
                                 ("", "记过", dt.date(2020, 2, 29)), ("党纪", "留党察看", dt.date(2019, 6, 15))]:
            k = {"政务处分": "政务", "": None}.get(kind, kind)
            assert ZC_BAREND(to(kind), to(type_), to(day), to(pol)) == bar_end(p, k, type_, day)
    assert ZC_BAREND("党纪", "警告", dt.datetime(2023, 1, 31)) == dt.date(2024, 1, 31)
    assert ZC_BAREND("党纪", "罚款", dt.datetime(2023, 1, 31)).startswith("参数错误")
    assert ZC_BAREND("党纪", "警告", "").startswith("参数错误：请填写处分决定日期")
    assert ZC_BAREND("", "", "") == ""


# ---------------------------------------------------------------------------------------------------------------
# ZC_YEARS, ZC_REQYEARS
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_zc_years_is_years_held(shape):
    to = SHAPES[shape]
    kl = policy.load("kaili-2023")
    start = dt.date(2018, 6, 1)
    assert ZC_YEARS(to(start), to(""), to("kaili-2023")) == round(years_held(start, kl.date("cutoff")), 2) == 5.5
    assert ZC_YEARS(to(start), to(dt.date(2023, 5, 31))) == round(years_held(start, dt.date(2023, 5, 31)), 2)
    assert ZC_YEARS(to("2018.06"), to(dt.date(2023, 6, 1))) == 5.0
    assert ZC_YEARS(to(""), to(dt.date(2023, 6, 1))) == ""
    assert ZC_YEARS(to(dt.date(2024, 1, 1)), to(dt.date(2023, 6, 1))).startswith("参数错误")


def test_zc_reqyears_is_required_years():
    p = policy.load("national")
    assert ZC_REQYEARS("副高", "本科") == required_years(p, None, "副高级", "大学本科") == 5.0
    assert ZC_REQYEARS("中级", "硕士") == required_years(p, None, "中级", "硕士研究生")
    assert ZC_REQYEARS("", "本科") == ""
    assert ZC_REQYEARS("副高级", "中专").startswith("参数错误")


# ---------------------------------------------------------------------------------------------------------------
# A cell never shows a traceback
# ---------------------------------------------------------------------------------------------------------------


def test_internal_errors_become_a_short_chinese_message(monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("internal detail\nTraceback (most recent call last)")

    monkeypatch.setattr(udfs, "check_record", boom)
    monkeypatch.setattr(udfs, "check_tables", boom)
    for got in (ZC_ID(GOOD), ZC_HOURS(2023, 90), ZC_BAR("党纪", "警告", 45000),
                ZC_CHECKROW([HOURS[0]], [HOURS[1]]), ZC_CHECKTABLE(HOURS)):
        assert got.startswith("计算出错（RuntimeError）") and "Traceback" not in got and "\n" not in got


def test_every_function_is_declared_for_xlwings():
    import inspect

    for name in udfs.__all__:
        f = getattr(udfs, name)
        params = inspect.signature(f).parameters.values()
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params), name  # xlwings takes no *args/**kwargs
        assert f.__doc__ and any("\u4e00" <= ch <= "\u9fff" for ch in f.__doc__), name  # shown in Excel


def test_shapes_differ():
    # the helpers really produce the two shapes the functions must accept
    assert classic([[dt.date(2023, 3, 15), 60, ""]]) == [[dt.datetime(2023, 3, 15), 60.0, None]]
    assert officejs([[dt.date(2023, 3, 15), 60.0, None]]) == [[45000, 60, ""]]
