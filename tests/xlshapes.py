"""Test helpers: cell values shaped as each xlwings integration delivers them, and the batch validator's verdicts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import openpyxl
from conftest import ident

from zhicheng.validators import engine, policy
from zhicheng.xlplugin.udfs import verdict

EPOCH = dt.datetime(1899, 12, 30)


def classic(v):
    """Classic xlwings (COM): datetime for dates, float for numbers, None for blanks."""
    if isinstance(v, list):
        return [classic(x) for x in v]
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v


def officejs(v, blank=""):
    """Office.js (xlwings Server / Lite): serial numbers for dates, ints for whole numbers, "" for blanks in a range,
    "" or 0 for a single empty cell passed as an argument."""
    if isinstance(v, list):
        return [officejs(x) for x in v]
    if v is None or v == "":
        return blank
    if isinstance(v, dt.date):
        d = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        serial = (d - EPOCH).total_seconds() / 86400
        return int(serial) if serial.is_integer() else serial
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, int) and abs(v) > 10**15:  # Excel keeps 15 significant digits
        return int(float(f"{v:.15g}"))
    return v


SHAPES = {"classic": classic, "officejs": officejs, "officejs0": lambda v: officejs(v, blank=0)}


def save(path: Path, rows: list[list], merges=(), sheet="Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.isdigit() and len(c.value) >= 15:
                c.number_format = "@"
    wb.save(path)
    return path


def sheet_values(path: Path) -> list[list]:
    """The cell values of the first sheet, as Excel hands a range to a function (merged cells: top-left only)."""
    ws = openpyxl.load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def batch(path: Path, policy_name: str, as_of: dt.date, keep=lambda f: True) -> dict[int, str]:
    """``zhicheng validate`` on the file: the verdict text of each row that has findings."""
    res = engine.validate_paths([path], policy.load(policy_name), as_of)
    rows = defaultdict(list)
    for f in res.findings:
        if keep(f):
            rows[f.row].append(f)
    return {r: verdict(fs) for r, fs in rows.items()}


# Shared test data: a roster with a title row and a two-level header, and defects the batch validator reports.
AS_OF = dt.date(2023, 8, 30)
GOOD = ident(1985, 6, 12, 1, True)
GOOD2 = ident(1990, 3, 5, 2, False)
BAD_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")

ROSTER = [
    ["某单位申报人员花名册"],
    ["序号", "姓名", "性别", "出生年月", "身份证号码", "现专业技术资格", None, None, "参加工作时间", "工作单位"],
    [None, None, None, None, None, "资格名称", "级别", "取得时间", None, None],
    [1, "张三", "男", "1985.06", GOOD, "工程师", "中级", dt.datetime(2015, 12, 1), dt.datetime(2008, 7, 1), "某单位"],
    [2, "李四", "男", dt.datetime(1984, 11, 14), BAD_CHECK, "工程师", "中级", "2016.1", "2009.07", "某单位"],
    [3, "王五", "男", "1990.03", GOOD2, "助理工程师", "初级", dt.datetime(2032, 6, 1), 2012, "某单位"],
    [None, None, None, None, None, None, None, None, None, None],
    [5, "赵六", "女", 198506, GOOD, "工程师", "正高", "2018年6月", "2008.07", "某单位"],
    [6, "钱七", "男", "1986.13", "52260119860101123", "工程师", "中级级", "", "", ""],
]
ROSTER_MERGES = ["A1:J1", "F2:H2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "I2:I3", "J2:J3"]
