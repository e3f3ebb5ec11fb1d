"""公示 periods and deadlines (PRC), working days, policy profiles (validation, CLI), and the example workbooks."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ident
from zhicheng.validators import engine
from zhicheng.validators.policy import PolicyError, builtin_names, load
from zhicheng.validators.workdays import UnknownCalendarYear, weekdays, working_days

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ID1 = ident(1987, 11, 23, 1, True)
D = dt.date


def check(record, policy="national", kind="review_roster", as_of=D(2019, 10, 15)):
    rec = {"name": "张三", "id_number": ID1, **record}
    return [f for f in engine.check_record(rec, kind, load(policy), as_of) if f.code.startswith("PRC")]


# --- working days -------------------------------------------------------------------------------------------------

def test_working_days_official_calendar():
    assert working_days(D(2019, 9, 30), D(2019, 10, 8)) == 2  # National Day; a weekday count says 7
    assert weekdays(D(2019, 9, 30), D(2019, 10, 8)) == 7
    assert working_days(D(2019, 9, 23), D(2019, 9, 27)) == 5
    assert working_days(D(2019, 9, 29), D(2019, 9, 29)) == 1  # a Sunday that was a 调休 working day
    assert working_days(D(2019, 9, 27), D(2019, 9, 23)) == 0


def test_working_days_unknown_year_raises_specific_error():
    with pytest.raises(UnknownCalendarYear) as e:
        working_days(D(2031, 1, 6), D(2031, 1, 10))
    assert e.value.year == 2031 and "2031年" in str(e.value)


# --- PRC001, PRC002 ---------------------------------------------------------------------------------------------

def test_publicity_working_days():
    got = check({"publicity_start": "2019-09-30", "publicity_end": "2019-10-08"})
    assert [(f.code, f.severity, f.column) for f in got] == [("PRC001", "error", "公示结束日期")]
    assert got[0].message.startswith("公示期2019-09-30至2019-10-08共2个工作日，少于要求的5个工作日")
    assert check({"publicity_start": "2019-09-23", "publicity_end": "2019-09-27"}) == []


def test_publicity_wenzhou_calendar_week():
    got = check({"publicity_start": "2019-07-01", "publicity_end": "2019-07-05"}, "wenzhou-2019")
    assert [(f.code, f.severity) for f in got] == [("PRC001", "error")]
    assert "共5个日历日，少于要求的7个日历日（温州2019 一(三)）" in got[0].message
    assert check({"publicity_start": "2019-07-01", "publicity_end": "2019-07-09"}, "wenzhou-2019") == []
    # the same 5 days are 5 working days: enough under zhenjiang
    assert check({"publicity_start": "2019-07-01", "publicity_end": "2019-07-05"}, "zhenjiang-2024") == []


def test_publicity_unknown_calendar_year_is_a_warning():
    got = check({"publicity_start": "2031-01-06", "publicity_end": "2031-01-10"}, as_of=D(2031, 2, 1))
    assert [(f.code, f.severity) for f in got] == [("PRC002", "warning")]
    assert "2031年" in got[0].message and "计为5天" in got[0].message


def test_publicity_to_the_month_not_counted():
    assert check({"publicity_start": "2019.09", "publicity_end": "2019.10"}) == []


# --- PRC003 -------------------------------------------------------------------------------------------------------

def test_deadline_kaili_ce_registration():
    rec = {"ce_year": 2022, "ce_total_hours": 96, "ce_review_date": "2023-08-15"}
    got = check(rec, "kaili-2023", kind="ce_hours", as_of=D(2023, 8, 30))
    assert [(f.code, f.severity, f.column) for f in got] == [("PRC003", "warning", "审核日期")]
    assert "晚于继续教育学时审核登记截止日期2023-08-10（凯里2023 四(三)）" in got[0].message
    rec["ce_review_date"] = "2023-08-05"
    assert check(rec, "kaili-2023", kind="ce_hours", as_of=D(2023, 8, 30)) == []
    rec["ce_review_date"] = "2022-09-05"  # another year: the 2023 deadline does not apply
    assert check(rec, "kaili-2023", kind="ce_hours", as_of=D(2023, 8, 30)) == []


def test_deadline_only_for_listed_levels():
    rec = {"apply_level": "中级", "pass_date": "2019-12-10"}
    assert [f.code for f in check(rec, "chifeng-2019", as_of=D(2019, 12, 31))] == ["PRC003"]
    rec["apply_level"] = "副高级"
    assert check(rec, "chifeng-2019", as_of=D(2019, 12, 31)) == []


# --- policy profiles ----------------------------------------------------------------------------------------------

def test_every_builtin_profile_loads_with_its_sections():
    assert builtin_names()[0] == "national" and len(builtin_names()) == 6
    for name in builtin_names():
        p = load(name)
        for key in ("hours.table", "discipline.party", "integrity.kinds", "procedure.publicity_min"):
            assert p.get(key) is not None, (name, key)


@pytest.mark.parametrize("body,key", [
    ('[[hours.table]]\ntotal = "九十"\n', "hours.table 第1项.total"),
    ('[[hours.table]]\ntotal = 90\nprof_share = [3, 2]\n', "hours.table 第1项.prof_share"),
    ('[[hours.table]]\nfrom = 2020\n', "hours.table 第1项"),
    ('[[hours.table]]\ntotal = 90\nseverity = "fatal"\n', "hours.table 第1项.severity"),
    ('[hours]\nwindow_years = -1\n', "hours.window_years"),
    ('[hours]\ngrassroots_pattern = "(乡"\n', "hours.grassroots_pattern"),
    ('[discipline.party]\n"警告" = "一年"\n', "discipline.party.警告"),
    ('[discipline.gov]\n"警告" = { months = 6, severity = "maybe" }\n', "discipline.gov.警告.severity"),
    ('[discipline]\ncheck_date = "today"\n', "discipline.check_date"),
    ('[integrity.kinds.x]\nmonths = 36\n', "integrity.kinds.x.keywords"),
    ('[integrity.kinds.fraud]\ncount_from = "later"\n', "integrity.kinds.fraud.count_from"),
    ('[procedure]\npublicity_unit = "weeks"\n', "procedure.publicity_unit"),
    ('[[procedure.deadlines]]\nfield = "name"\nto = "2023-01-01"\n', "procedure.deadlines 第1项.field"),
    ('[[procedure.deadlines]]\nfield = "pass_date"\nto = "2023-13-01"\n', "procedure.deadlines 第1项.to"),
])
def test_malformed_values_name_the_key(tmp_path, body, key):
    p = tmp_path / "bad.toml"
    p.write_text('extends = "national"\n' + body, encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load(str(p))
    assert key in str(e.value)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "zhicheng", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_policy_list_and_show(tmp_path):
    out = cli("policy", "list")
    assert out.returncode == 0
    for name in builtin_names():
        assert name in out.stdout
    out = cli("policy", "show", "kaili-2023")
    assert out.returncode == 0 and "national → kaili-2023" in out.stdout
    data = json.loads(out.stdout.split("\n", 1)[1])
    assert data["discipline"]["party"]["撤销党内职务"] == 36 and data["hours"]["table"][1]["total"] == 60
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "national"\n[procedure]\npublicity_min = "五天"\n', encoding="utf-8")
    out = cli("policy", "show", str(bad))
    assert out.returncode == 2 and "procedure.publicity_min" in out.stderr and "Traceback" not in out.stderr
    out = cli("validate", str(EXAMPLES / "干净的花名册.xlsx"), "--policy", str(bad), "--out", str(tmp_path / "o"))
    assert out.returncode == 2 and "procedure.publicity_min" in out.stderr and "Traceback" not in out.stderr


# --- the example workbooks --------------------------------------------------------------------------------------

MY_PREFIXES = ("HRS", "CON", "DSC", "PRC")


def run_examples(policy, as_of=None):
    pol = load(policy)
    res = engine.validate_paths([EXAMPLES], pol, as_of or pol.as_of())
    return [f for f in res.findings if f.code.startswith(MY_PREFIXES)]


def hits(findings, file_part):
    return {(f.row, f.code, f.severity) for f in findings if file_part in f.file}


@pytest.mark.parametrize("policy", builtin_names())
def test_clean_roster_has_no_error_under_any_policy(policy):
    pol = load(policy)
    for as_of in (D(2023, 8, 30), D(2024, 5, 30)):
        res = engine.validate_paths([EXAMPLES / "干净的花名册.xlsx"], pol, as_of)
        assert [f for f in res.findings if f.severity == "error"] == [], (policy, as_of)
    # on the profile's own date (海门 2010 predates the roster's 2013 dates: FMT008) none of this branch's rules fire
    res = engine.validate_paths([EXAMPLES / "干净的花名册.xlsx"], pol, pol.as_of())
    assert [f for f in res.findings if f.code.startswith(MY_PREFIXES)] == []


def test_examples_kaili():
    got = run_examples("kaili-2023")
    assert hits(got, "凯里") == {(11, "HRS001", "error"), (15, "CON010", "error")}  # CON010: title vs level
    assert hits(got, "混合") == {(4, "CON002", "error")}


def test_examples_chifeng_hours_registration():
    got = hits(run_examples("chifeng-2019"), "赤峰")
    assert got == {(11, "CON001", "error"), (18, "HRS001", "error"), (18, "HRS002", "warning"),
                   (22, "HRS002", "warning")}


def test_examples_zhenjiang_sanctions():
    # the form's 审查日期 2024-03-20 precedes the profile's date 2024-05-30: the person applied by then, when the
    # 政务记过 of row 8 (ends 2024-03-28) was still running; row 13 (2021) never is
    findings = run_examples("zhenjiang-2024")
    got = hits(findings, "镇江")
    assert got == {(6, "DSC001", "error"), (8, "DSC001", "error"), (10, "DSC002", "warning"),
                   (12, "DSC004", "error"), (14, "DSC005", "warning")}
    row8 = next(f for f in findings if "镇江" in f.file and f.row == 8)
    assert "表上填报（审查）日期2024-03-20仍在影响期内" in row8.message
    # a form date more than a year before the as-of date is not used
    got = hits(run_examples("zhenjiang-2024", D(2025, 6, 1)), "镇江")
    assert not any(r in (6, 8, 13) for r, _, _ in got)


def test_examples_publicity():
    assert hits(run_examples("haimen-2010"), "海门") == {(16, "PRC001", "error")}
    assert hits(run_examples("zhenjiang-2024"), "海门") == {(16, "PRC001", "error")}
    assert hits(run_examples("wenzhou-2019"), "温州") == {(15, "PRC001", "error")}


def test_publicity_period_in_one_cell(tmp_path):
    from conftest import save_rows

    path = save_rows(tmp_path / "pass.xlsx", ["序号", "姓名", "身份证号码", "评审通过时间", "公示起止时间"],
                     [[1, "张三", ID1, "2019-09-26", "2019.09.30-2019.10.08"],
                      [2, "李四", ident(1988, 1, 2, 2, False), "2019-09-18", "2019年9月23日至27日"]],
                     title="2019年度评审通过人员花名册")
    res = engine.validate_paths([path], load("national"), D(2019, 10, 15))
    got = [(f.row, f.code, f.column) for f in res.findings if f.code.startswith("PRC")]
    assert got == [(3, "PRC001", "公示起止时间")]


def test_parse_period_forms():
    from zhicheng.validators.rules.procedure import parse_period

    assert parse_period("2019.09.23-2019.09.27") == (D(2019, 9, 23), D(2019, 9, 27))
    assert parse_period("2019年9月23日至27日") == (D(2019, 9, 23), D(2019, 9, 27))
    assert parse_period("2019-09-23-2019-09-27") == (D(2019, 9, 23), D(2019, 9, 27))
    assert parse_period("2019.12.30~2020.1.3") == (D(2019, 12, 30), D(2020, 1, 3))
    assert parse_period("2019年9月") is None and parse_period("已公示") is None
