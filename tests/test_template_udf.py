"""Templates with the optional plug-in column (issue 6): formula per row, xlwings.conf sheet, reader unaffected."""

import openpyxl

from conftest import ident
from zhicheng.cli import main
from zhicheng.validators.reader import read_workbook
from zhicheng.xlplugin.templating import UDF_MODULE


def test_with_udf_adds_column_and_conf(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", "build", "applicant_roster", "--policy", "kaili-2023", "--out", str(out), "--rows", "3",
                 "--with-udf"]) == 0
    wb = openpyxl.load_workbook(out)
    conf = wb["xlwings.conf"]
    assert conf.sheet_state == "hidden" and (conf["A1"].value, conf["B1"].value) == ("UDF Modules", UDF_MODULE)
    ws = wb.worksheets[0]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "ZC_CHECKROW" in c.value]
    assert len(formulas) == 3
    assert all(f.startswith("=ZC_CHECKROW($A$") and '"kaili-2023"' in f and '"applicant_roster"' in f for f in formulas)
    plain = tmp_path / "plain.xlsx"
    assert main(["template", "build", "applicant_roster", "--policy", "kaili-2023", "--out", str(plain)]) == 0
    assert "xlwings.conf" not in openpyxl.load_workbook(plain).sheetnames

    # fill one row and check the reader sees the same columns as in the plain template
    t_udf, t_plain = read_workbook(out).tables[0], read_workbook(plain).tables[0]
    assert [c.field for c in t_udf.columns] == [c.field for c in t_plain.columns]
    first = t_udf.header_rows[1] + 1
    name_col = next(c.index for c in t_udf.columns if c.field == "name") + 1
    id_col = next(c.index for c in t_udf.columns if c.field == "id_number") + 1
    ws.cell(first, name_col, "张三")
    ws.cell(first, id_col, ident(1985, 6, 12))
    wb.save(out)
    t = read_workbook(out).tables[0]
    assert t.rows == [first]
