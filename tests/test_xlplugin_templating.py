"""The check column and xlwings.conf sheet that `zhicheng template build --with-udf` will add."""

import importlib
import re

import openpyxl
import pytest
from conftest import ident
from xlshapes import batch, classic

from zhicheng.validators import engine, policy
from zhicheng.xlplugin import CONF_SHEET, udf_column_formula, udfs, xlwings_conf_rows

FORMULA = re.compile(r'^=(?:(?P<ns>[A-Z]+)\.)?(?P<func>ZC_\w+)\((?P<hdr>[$A-Z0-9]+:[$A-Z0-9]+),(?P<row>[A-Z0-9]+:[A-Z0-9]+),'
                     r'"(?P<policy>[^"]*)","(?P<as_of>[^"]*)","(?P<kind>[^"]*)"\)$')


def test_formula_text():
    assert (udf_column_formula("ce_hours", "$A$4:$H$4", "A5:H5", "kaili-2023")
            == '=ZC_CHECKROW($A$4:$H$4,A5:H5,"kaili-2023","","ce_hours")')
    assert udf_column_formula("applicant_roster", "$A$3:$P$4", "A5:P5").startswith('=ZC_CHECKROW($A$3:$P$4,A5:P5,"",')
    assert udf_column_formula("review_roster", "$A$3:$P$4", "A5:P5", namespace="ZHICHENG").startswith(
        "=ZHICHENG.ZC_CHECKROW(")
    assert '"a""b"' in udf_column_formula("ce_hours", "$A$1:$B$1", "A2:B2", 'a"b')  # quotes doubled, not injected


@pytest.mark.parametrize("kind,hdr,row", [("工资表", "$A$1:$B$1", "A2:B2"), ("ce_hours", "A1:B1)+EVIL(", "A2:B2"),
                                          ("ce_hours", "$A$1:$B$1", "A2:B2;")])
def test_formula_rejects_bad_arguments(kind, hdr, row):
    with pytest.raises(ValueError):
        udf_column_formula(kind, hdr, row)


def test_conf_rows_name_the_module_with_the_functions():
    rows = xlwings_conf_rows()
    assert rows and all(isinstance(k, str) and isinstance(v, str) for k, v in rows)
    conf = dict(rows)
    module = importlib.import_module(conf["UDF Modules"])
    assert module is udfs and "ZC_CHECKROW" in module.__all__


def test_check_column_gives_the_batch_verdict_and_conf_sheet_is_ignored(tmp_path):
    """A template-like workbook with the check column and the xlwings.conf sheet: each formula, evaluated the way
    Excel would call the function, shows what `zhicheng validate` reports for its row."""
    header = ["序号", "姓名", "身份证号码", "年度", "公需科目学时", "专业科目学时", "合计学时", "审核单位"]
    rows = [
        [1, "张三", ident(1985, 6, 12, 1, True), 2023, 30, 60, 90, "人社局"],
        [2, "李四", ident(1985, 6, 12, 1, True)[:17] + "0", 2023, 30, 60, 90, "人社局"],
        [3, "王五", ident(1990, 1, 1, 2, False), 2022, 30, 60, "九十", "人社局"],
        [4, "赵六", "", 2023, 30, 60, 90, "人社局"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学时登记"
    ws.append(["继续教育学时审核登记表"])
    ws.append(["填报单位（盖章）：某单位", None, None, None, "填报日期：2023年8月1日"])
    ws.append([])
    ws.append([*header, "校验结果"])
    for i, r in enumerate(rows, start=5):
        ws.append([*r, udf_column_formula("ce_hours", "$A$4:$H$4", f"A{i}:H{i}", "kaili-2023")])
    conf = wb.create_sheet(CONF_SHEET)
    for k, v in xlwings_conf_rows():
        conf.append([k, v])
    path = tmp_path / "template.xlsx"
    wb.save(path)

    pol = policy.load("kaili-2023")
    res = engine.validate_paths([path], pol, pol.as_of())
    assert {f.sheet for f in res.findings} <= {"学时登记"}  # the conf sheet is no table
    assert [t["sheet"] for t in res.reports[0].tables] == ["学时登记"]
    expected = batch(path, "kaili-2023", pol.as_of(), keep=lambda f: f.category != "duplicate")

    ws = openpyxl.load_workbook(path)["学时登记"]
    seen = []
    for r in range(5, 5 + len(rows)):
        m = FORMULA.match(ws[f"I{r}"].value)
        assert m and m["func"] in udfs.__all__
        cells = lambda ref: [[c.value for c in line] for line in ws[ref.replace("$", "")]]  # noqa: E731
        got = getattr(udfs, m["func"])(classic(cells(m["hdr"])), classic(cells(m["row"])), m["policy"], m["as_of"],
                                       m["kind"])
        assert got == expected.get(r, udfs.PASS), r
        seen.append(got)
    assert seen[0] == udfs.PASS and "[IDN002]" in seen[1] and "[FMT006]" in seen[2] and "[FMT004]" in seen[3]
