"""Structure, format, identity and duplicate rules: a failing and a passing row for each."""

import datetime as dt

import pytest

from conftest import codes, ident, save_rows
from zhicheng.validators.engine import check_record
from zhicheng.validators.idcard import check_char, parse_id
from zhicheng.validators.normalize import norm_date, norm_enum, norm_id, norm_number
from zhicheng.validators.policy import load

AS_OF = dt.date(2023, 8, 30)
NAT = load("national")
GOOD = ident(1985, 6, 12, 1, True)


def check(**record):
    kind = record.pop("kind", "applicant_roster")
    return check_record(record, kind, NAT, AS_OF)


def got(findings):
    return sorted(f.code for f in findings)


# --- normalisation ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected,note", [
    ("2019.06", "2019-06", None), ("2019.6", "2019-06", None), ("2019-06", "2019-06", None),
    ("2019/6/1", "2019-06-01", None), ("2019年6月", "2019-06", None), ("2019年6月1日", "2019-06-01", None),
    ("201906", "2019-06", None), ("20190601", "2019-06-01", None), (201906, "2019-06", None),
    (20190601, "2019-06-01", None), (dt.datetime(2019, 6, 1), "2019-06-01", None), (43617, "2019-06-01", None),
    (2019.06, "2019-06", None), (2019.1, "2019-01", "FMT002"), (2019.12, "2019-12", None),
    ("２０１９．０６", "2019-06", None), ("2019", "2019", None), ("65.09", "1965-09", "FMT007"),
    ("2019年13月", "2019年13月", None), ("去年", "去年", None), ("", None, None), ("无", None, None),
    ("2019.07.01", "2019-07-01", None),
])
def test_dates(raw, expected, note):
    assert norm_date(raw) == (expected, note)


def test_numbers_ids_enums():
    assert norm_number("９０") == ("90", None)
    assert norm_number("90学时") == ("90", None)
    assert norm_number(" 72.5 ") == ("72.5", None)
    assert norm_number("九十") == ("九十", None)
    assert norm_id("52260119850612123x") == ("52260119850612123X", "IDN008")
    assert norm_id(5.22601198506121e17) == ("522601198506121000", "IDN006")
    assert norm_id("５２２６０１１９８５０６１２１２３４") == ("522601198506121234", None)
    assert norm_enum("本科", "edu_level") == ("大学本科", None)
    assert norm_enum("大专", "edu_level") == ("大学专科", None)
    assert norm_enum("√", "yesno") == ("是", None)
    assert norm_enum("×", "yesno") == ("否", None)
    assert norm_enum("有", "yesno") == ("是", None)
    assert norm_enum("Y", "yesno") == ("是", None)
    assert norm_enum("高级", "level") == ("副高级", None)
    assert norm_enum("未知", "sex") == ("未知", None)


def test_id_algorithm():
    # GB 11643 example number
    assert check_char("11010519491231002") == "X"
    info = parse_id("11010519491231002X")
    assert info.ok and info.birth == dt.date(1949, 12, 31) and info.sex == "女"
    assert parse_id("11010519491231002Y").problems[0][0] == "IDN001"
    assert parse_id("110105491231002").problems[0][0] == "IDN007"
    hk = "810000" + "19900101" + "001"
    assert parse_id(hk + check_char(hk)).ok  # 港澳台居民居住证: same algorithm


# --- identity rules ----------------------------------------------------------------------------------------------

def test_clean_row_has_no_findings():
    assert check(name="张三", id_number=GOOD, sex="男", birth_date="1985.06") == []


@pytest.mark.parametrize("record,expected", [
    ({"id_number": GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")}, ["IDN002"]),
    ({"id_number": "52260119851312123" + check_char("52260119851312123")}, ["IDN003"]),
    ({"id_number": GOOD, "sex": "女"}, ["IDN004"]),
    ({"id_number": GOOD, "birth_date": "1986.06"}, ["IDN005"]),
    ({"id_number": GOOD, "birth_date": "1985年6月"}, []),
    ({"id_number": GOOD, "birth_date": "19850613"}, ["IDN005"]),
    ({"id_number": "522601850612123"}, ["IDN007"]),
    ({"id_number": "5226011985061212"}, ["IDN001"]),
    ({"id_number": float(GOOD[:15] + "000")}, ["IDN006"]),
])
def test_identity(record, expected):
    assert got(check(name="张三", **record)) == expected


def test_lower_case_x_is_a_warning():
    body = next(b for b in (f"52260119850612{i:03d}" for i in range(1000)) if check_char(b) == "X")
    assert check(name="李", id_number=body + "X") == []
    fs = check(name="李", id_number=body + "x")
    assert [(f.code, f.severity) for f in fs] == [("IDN008", "warning")]


def test_implausible_age_is_a_warning():
    kid = ident(2015, 1, 1)
    fs = check(name="王", id_number=kid)
    assert [(f.code, f.severity) for f in fs] == [("IDN003", "warning")]


# --- format rules ------------------------------------------------------------------------------------------------

def test_format_rules():
    assert got(check(name="张三", id_number=GOOD, cur_title_date="2019年13月")) == ["FMT001"]
    assert got(check(name="张三", id_number=GOOD, sex="未知")) == ["FMT003"]
    assert got(check(name=None, id_number=GOOD)) == ["FMT004"]
    assert got(check(name="张三", id_number=GOOD, prof_work_years="很多")) == ["FMT006"]
    assert got(check(name="张三", id_number=GOOD, apply_series="工成")) == ["FMT009"]
    assert got(check(name="张三", id_number=GOOD, apply_series="工程技术")) == []


def test_date_order_and_future():
    assert got(check(name="张三", id_number=GOOD, birth_date="1985.06", work_start_date="1999.07")) == ["FMT005"]
    assert got(check(name="张三", id_number=GOOD, birth_date="1985.06", work_start_date="2007.07")) == []
    # month precision: same month sixteen years later is not a contradiction
    assert got(check(name="张三", id_number=GOOD, birth_date="1985.06", work_start_date="2001.06")) == []
    assert got(check(name="张三", id_number=GOOD, publicity_start="2023-07-10", publicity_end="2023-07-03",
                     kind="review_roster")) == ["FMT005"]
    assert got(check(name="张三", id_number=GOOD, cur_title_date="2032.06")) == ["FMT008"]
    assert got(check(name="张三", id_number=GOOD, cur_title_date="2023.08")) == []  # as-of 2023-08-30


def test_message_names_column_value_and_cell(tmp_path, run):
    p = save_rows(tmp_path / "a.xlsx", ["序号", "姓名", "性别", "公民身份号码"],
                  [[1, "张三", "女", GOOD]])
    _, fs = run(p)
    (f,) = fs
    assert (f.code, f.sheet, f.row, f.column, f.cell, f.value) == ("IDN004", "Sheet1", 2, "性别", "C2", "女")
    assert f.message == "性别“女”与身份证号码不符：按身份证号码第17位应为男"


# --- structure and duplicates ------------------------------------------------------------------------------------

def test_missing_required_column_is_listed_by_name(tmp_path, run):
    p = save_rows(tmp_path / "a.xlsx", ["序号", "姓名", "工作单位", "申报系列", "拟申报资格"],
                  [[1, "张三", "某单位", "工程", "工程师"]])
    _, fs = run(p)
    assert [(f.code, f.message) for f in fs] == [("STR003", "申报人员花名册缺少必需的列：身份证号码")]


def test_no_table(tmp_path, run):
    p = save_rows(tmp_path / "a.xlsx", ["随便写写", "没有表头"], [["一", "二"]])
    reports, fs = run(p)
    assert got(fs) == ["STR002"]


def test_duplicates_in_table_and_across_files(tmp_path, run):
    other = ident(1990, 1, 1, 7, False)
    a = save_rows(tmp_path / "a.xlsx", ["姓名", "身份证号码"], [["张三", GOOD], ["李四", other], ["张三", GOOD]])
    b = save_rows(tmp_path / "b.xlsx", ["姓名", "身份证号码"], [["李四", other]])
    _, fs = run(a, b)
    dup1 = codes(fs, "DUP001")
    assert [(f.file, f.row) for f in dup1] == [("a.xlsx", 4)]
    assert "与第2行重复" in dup1[0].message
    dup2 = sorted((f.file, f.row) for f in codes(fs, "DUP002"))
    assert dup2 == [("a.xlsx", 3), ("b.xlsx", 2)]


def test_ce_hours_duplicate_key_includes_year(tmp_path, run):
    p = save_rows(tmp_path / "c.xlsx", ["年度", "姓名", "身份证号", "合计"],
                  [[2021, "张三", GOOD, 90], [2022, "张三", GOOD, 90], [2022, "张三", GOOD, 90]])
    _, fs = run(p)
    assert [(f.code, f.row) for f in fs if f.code.startswith("DUP")] == [("DUP001", 4)]


def test_a_finding_comes_back_from_its_dict_with_repeated_texts_shared():
    import json

    from zhicheng.validators.findings import Finding, make

    made = [make("IDN001", file="单位甲.xlsx", sheet="花名册", row=5 + i, column="身份证号码", cell=f"D{5 + i}",
                 value=12345, length=5) for i in range(2)]
    made.append(make("STR002", file="单位甲.xlsx"))  # no sheet, row, column or value
    back = [Finding.from_dict(json.loads(json.dumps(f.to_dict(), ensure_ascii=False))) for f in made]
    assert back == made
    assert back[0].file is back[1].file and back[0].sheet is back[1].sheet and back[0].column is back[1].column
    assert back[0].code is back[1].code


def test_a_journal_line_reads_back_as_written_even_what_orjson_refuses():
    from zhicheng.validators import fastjson
    from zhicheng.validators.findings import Finding, make

    big = make("IDN001", file="a.xlsx", sheet="表", row=3, column="身份证号码", cell="C3", value=10 ** 25, length=26)
    assert big.to_dict()["value"] == "10000000000000000000000000"  # not 1e+25 after a round trip
    record = {"findings": [big.to_dict()], "meta": {"fill_date": dt.date(2023, 8, 30), "at": dt.datetime(2023, 8, 30, 9)},
              "name": "单位\udcff.xlsx", 3: "a key that is a number"}
    line = fastjson.dumpb(record)  # the lone surrogate goes through the json module, written as its JSON escape
    assert line == fastjson.dumps(record).encode("utf-8", "backslashreplace")
    back = fastjson.loads(line)
    assert back["meta"] == {"fill_date": "2023-08-30", "at": "2023-08-30 09:00:00"}  # str(), as json's default=str
    assert back["name"] == "单位\udcff.xlsx" and back["3"] == "a key that is a number"
    assert Finding.from_dict(back["findings"][0]).value == "10000000000000000000000000"
    assert fastjson.loads('{"x": NaN}')["x"] != fastjson.loads('{"x": NaN}')["x"]  # NaN, read by the json module
    plain = {"a": [1, 2.5, None, True], "b": "中文"}
    assert fastjson.loads(fastjson.dumps(plain)) == plain and "中文" in fastjson.dumps(plain)
    assert fastjson.dumpb(plain) == fastjson.dumps(plain).encode() and fastjson.loads(fastjson.dumpb(plain)) == plain


def test_schema_check_searches_no_optional_module_per_column(tmp_path, monkeypatch):
    """pandera 0.35 does not find numpy's object dtype in its registry and then tries to import geopandas, a
    search of every path entry, per column checked for a dtype: the schema leaves the dtype out (the frames are
    object columns by construction) and still reports a bad value."""
    import builtins

    import hostile
    from zhicheng.validators import engine, ingest, schema

    path = hostile.roster(tmp_path / "a.xlsx", 5, extra=[[6, "赵六", "男", "11010119850612001", "某单位"]])
    ctx = engine.Context(load("national"), AS_OF)
    frames: dict = {}
    ingest.add(ingest.read_one(path, "a.xlsx"), ctx.tables, [], frames)
    [(kind, parts)] = frames.items()
    frame = engine.frame_of(parts)
    schema.validate(kind, frame)  # (pandera's first call imports what it needs once)
    failed = []
    real = builtins.__import__

    def counting(name, *args, **kw):
        try:
            return real(name, *args, **kw)
        except ImportError:
            failed.append(name)
            raise

    monkeypatch.setattr(builtins, "__import__", counting)
    got = schema.validate(kind, frame)
    monkeypatch.undo()
    assert len(frame.columns) > 10 and len(failed) <= 1  # (one inside pandera's own container check)
    assert [(frame.at[i, "_row"], col, code) for i, col, code in got] == [(7, "id_number", "IDN001")]
