"""Sanction bars (DSC001-003, CON003) and integrity records (DSC004-005)."""

import datetime as dt

import pandas as pd
import pytest

from conftest import ident
from zhicheng.validators import engine
from zhicheng.validators.policy import load
from zhicheng.validators.rules.discipline import add_months, bar_end, bar_months, dates_in_text

ID1 = ident(1980, 6, 12, 1, True)
D_ZJ = dt.date(2024, 5, 30)


def check(record, policy="national", as_of=dt.date(2023, 8, 30)):
    rec = {"name": "张三", "id_number": ID1, **record}
    found = engine.check_record(rec, "sanction_review", load(policy), as_of)
    return [f for f in found if f.code[:3] in ("DSC", "CON")]


def sanction(kind, typ, date, flag="是"):
    return {"has_sanction": flag, "sanction_kind": kind, "sanction_type": typ, "sanction_date": date}


# --- the shared functions ----------------------------------------------------------------------------------------

def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 6, 15), 12) == dt.date(2024, 6, 15)


def test_bar_months_by_profile():
    kl, nat = load("kaili-2023"), load("national")
    assert bar_months(kl, "党纪", "撤销党内职务") == 36
    assert bar_months(nat, "党纪", "撤销党内职务") == 24
    assert bar_months(kl, "政务", "开除") == 48 and bar_months(nat, "政务", "开除") is None
    assert bar_months(kl, "政务", "警告") == 6  # listed as a warning only under kaili
    assert bar_months(nat, "处分", "警告") == 0  # 事业单位警告 does not bar
    assert bar_months(nat, None, "严重警告") == 18
    assert bar_end(kl, "党纪", "留党察看", dt.date(2020, 8, 31)) == dt.date(2024, 8, 31)
    assert bar_end(nat, "政务", "不存在的处分", dt.date(2020, 1, 1)) is None


# --- DSC001 -------------------------------------------------------------------------------------------------------

def test_revocation_36_months_kaili_24_national():
    rec = sanction("党纪", "撤销党内职务", "2021-03-01")
    got = check(rec, "kaili-2023")
    assert [(f.code, f.severity, f.column) for f in got] == [("DSC001", "error", "处分决定日期")]
    assert "影响期36个月，至2024-03-01届满" in got[0].message and "凯里2023 三(三)" in got[0].message
    assert check(rec, "national") == []  # 24 months ended 2023-03-01


def test_party_warning_pass_and_fail():
    assert [f.code for f in check(sanction("党纪", "警告", "2023-06-15"))] == ["DSC001"]
    assert check(sanction("党纪", "警告", "2022-06-15")) == []
    # the last day of the bar: barred while the check date is before the end
    assert check(sanction("党纪", "警告", "2022-08-30")) == []
    assert [f.code for f in check(sanction("党纪", "警告", "2022-08-31"))] == ["DSC001"]


def test_month_precision_warns_when_the_day_decides():
    got = check(sanction("党纪", "警告", "2022.08"), as_of=dt.date(2023, 8, 15))
    assert [(f.code, f.severity) for f in got] == [("DSC001", "warning")]
    assert "只写到月" in got[0].message and "2022-08-01起算" in got[0].message
    # known to the month, barred whatever the day: an error
    got = check(sanction("党纪", "警告", "2022.10"), as_of=dt.date(2023, 8, 15))
    assert [(f.code, f.severity) for f in got] == [("DSC001", "error")]


def test_gov_warning_kaili_warning_national_error():
    rec = sanction("政务", "警告", "2023-05-01")
    assert [(f.code, f.severity) for f in check(rec, "kaili-2023")] == [("DSC001", "warning")]
    assert [(f.code, f.severity) for f in check(rec, "national")] == [("DSC001", "error")]


def test_unknown_kind_uses_both_tables():
    rec = {"has_sanction": "是", "sanction_type": "警告", "sanction_date": "2023-01-10"}
    # 党纪警告 12 months barred, 政务警告 6 months not: only a warning asking for the kind
    got = check(rec)
    assert [(f.code, f.severity) for f in got] == [("DSC001", "warning")]
    assert "处分类别未填写" in got[0].message


def test_check_date_cutoff_option(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('extends = "national"\ncutoff = "2023-12-31"\n[discipline]\ncheck_date = "cutoff"\n',
                 encoding="utf-8")
    rec = {"name": "张三", "id_number": ID1, **sanction("政务", "记过", "2023-03-28")}
    got = engine.check_record(rec, "sanction_review", load(str(p)), dt.date(2024, 5, 30))
    assert [f.code for f in got if f.code.startswith("DSC")] == ["DSC001"]
    got = engine.check_record(rec, "sanction_review", load("national"), dt.date(2024, 5, 30))
    assert [f.code for f in got if f.code.startswith("DSC")] == []


# --- DSC002, DSC003, CON003 -------------------------------------------------------------------------------------

def test_yes_without_type_or_date_warns():
    got = check({"has_sanction": "是", "sanction_kind": "政务", "sanction_date": "2022.11"})
    assert [(f.code, f.severity, f.column) for f in got] == [("DSC002", "warning", "处分种类")]
    got = check({"has_sanction": "是", "sanction_kind": "政务", "sanction_type": "记过"})
    assert [(f.code, f.column) for f in got] == [("DSC002", "处分决定日期")]
    assert check({"has_sanction": "否"}) == []


def test_sanction_without_period():
    got = check(sanction("政务", "开除", "2020-01-01"))
    assert [(f.code, f.severity) for f in got] == [("DSC003", "warning")]
    # kaili lists 开除 with 48 months: still barred on 2023-08-30
    assert [(f.code, f.severity) for f in check(sanction("政务", "开除", "2020-01-01"), "kaili-2023")] == [
        ("DSC001", "error")]


def test_no_with_type_is_inconsistent():
    got = check({"has_sanction": "否", "sanction_type": "记过"})
    assert [f.code for f in got] == ["CON003"]


# --- integrity records ---------------------------------------------------------------------------------------------

def test_dates_in_text():
    assert dates_in_text("2022年申报中弄虚作假，已认定") == [(pd.Timestamp("2022-01-01"), "Y")]
    assert dates_in_text("2021.3.5认定考试违纪") == [(pd.Timestamp("2021-03-05"), "D")]
    assert dates_in_text("2020年7月被认定") == [(pd.Timestamp("2020-07-01"), "M")]
    assert dates_in_text("曾有考试违纪") == []


def test_fraud_record_from_text():
    rec = {"integrity_record": "2022年申报中弄虚作假，已认定"}
    got = check(rec, "zhenjiang-2024", as_of=dt.date(2024, 5, 30))
    assert [(f.code, f.severity, f.column) for f in got] == [("DSC004", "error", "诚信记录")]
    assert "镇江2024 七(三)" in got[0].message and "2025-01-01" in got[0].message
    assert check(rec, "zhenjiang-2024", as_of=dt.date(2026, 1, 1)) == []
    # a year-only date whose verdict depends on the unknown day: warning
    got = check(rec, "zhenjiang-2024", as_of=dt.date(2025, 6, 1))
    assert [(f.code, f.severity) for f in got] == [("DSC004", "warning")]


def test_wenzhou_counts_from_next_year():
    rec = {"integrity_record": "2019年6月评审中填报虚假材料", "integrity_record_date": "2019-06-20"}
    got = check(rec, "wenzhou-2019", as_of=dt.date(2022, 12, 31))
    assert [(f.code, f.severity) for f in got] == [("DSC004", "error")]
    assert "从次年起3年内" in got[0].message and "2023-01-01" in got[0].message
    assert check(rec, "kaili-2023", as_of=dt.date(2022, 12, 31)) == []  # kaili: 3 years from 2019-06-20


def test_chifeng_blacklist_five_years():
    rec = {"integrity_record": "2017年8月弄虚作假取得职称被撤销，记入失信黑名单"}
    got = check(rec, "chifeng-2019", as_of=dt.date(2021, 7, 6))
    assert [(f.code, f.severity) for f in got] == [("DSC004", "error")]
    assert "5年内" in got[0].message
    assert check(rec, "national", as_of=dt.date(2021, 7, 6)) == []  # 3 years ended 2020-08


def test_undated_record_warns_and_clean_statements_pass():
    got = check({"integrity_record": "曾有考试违纪"}, "zhenjiang-2024", as_of=dt.date(2024, 5, 30))
    assert [(f.code, f.severity) for f in got] == [("DSC005", "warning")]
    for clean in ("无", "无不良记录", "良好", "未发现弄虚作假行为", "无考试违纪记录", "经查无弄虚作假行为",
                  "经审核，未发现考试违纪违规情况", "本人承诺：如有弄虚作假，愿承担一切责任"):
        assert check({"integrity_record": clean}, "zhenjiang-2024") == [], clean


def test_negated_and_affirmed_in_one_text():
    got = check({"integrity_record": "经查无学术不端，但2023年3月认定申报中弄虚作假"}, "zhenjiang-2024",
                as_of=D_ZJ)
    assert [(f.code, f.severity) for f in got] == [("DSC004", "error")]


def test_exam_misconduct_dated_kaili_bar_national_human_check():
    rec = {"integrity_record": "2022年5月资格考试作弊，已认定"}
    got = check(rec, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("DSC004", "error")]
    got = check(rec, "national")
    assert [(f.code, f.severity) for f in got] == [("DSC005", "warning")]
    assert "未规定" in got[0].message


@pytest.mark.parametrize("policy", ["national", "haimen-2010", "kaili-2023", "wenzhou-2019", "chifeng-2019",
                                    "zhenjiang-2024"])
def test_clean_rows_no_findings(policy):
    assert check({"has_sanction": "否", "integrity_record": "无不良记录"}, policy) == []
    assert check(sanction("党纪", "警告", "2015-04-20"), policy) == []


def test_end_date_on_form():
    # no type: the form's own end date decides, as a warning
    got = check({"has_sanction": "是", "sanction_kind": "政务", "sanction_type": "记过",
                 "sanction_end_date": "2024-03-27"})
    assert ("DSC006", "warning") in [(f.code, f.severity) for f in got]
    assert check({"has_sanction": "否", "sanction_end_date": "2022-03-27"}) == []
    # the form's end date disagrees with the computed period
    rec = sanction("党纪", "警告", "2021-06-15")
    got = check({**rec, "sanction_end_date": "2021-12-15"})
    assert [(f.code, f.severity) for f in got] == [("CON004", "warning")]
    assert "2022-06-15" in got[0].message
    assert check({**rec, "sanction_end_date": "2022-06-14"}) == []
    assert check({**rec, "sanction_end_date": "2022.06"}) == []


def test_sanction_written_as_free_text(tmp_path):
    from conftest import save_rows

    path = save_rows(tmp_path / "s.xlsx", ["序号", "姓名", "身份证号码", "处分情况"],
                     [[1, "张三", ID1, "2023年6月15日受党内警告处分"], [2, "李四", ident(1982, 3, 4, 2, False), "无"],
                      [3, "王五", ident(1983, 3, 4, 3, True), "2021年4月受行政记过处分"]],
                     title="职称申报人员受纪律处分情况审查表")
    res = engine.validate_paths([path], load("national"), D_ZJ)
    got = [(f.row, f.code, f.severity, f.column) for f in res.findings if f.code.startswith("DSC")]
    assert got == [(3, "DSC001", "error", "处分情况")]
    assert "党纪警告（2023-06-15）" in [f for f in res.findings if f.code == "DSC001"][0].message


def test_parse_sanction_text():
    from zhicheng.validators.rules.discipline import parse_sanction_text

    assert parse_sanction_text("2022年5月受党内严重警告处分")[:2] == ("党纪", "严重警告")
    assert parse_sanction_text("行政记大过（2020.3）")[:2] == ("政务", "记大过")
    assert parse_sanction_text("无处分") == (None, None, None, None)
    assert parse_sanction_text("未受过任何处分")[1] is None


def test_yes_with_details_in_free_text_is_complete():
    rec = {"has_sanction": "是", "sanction_desc": "2015年3月受党内警告处分"}
    assert check(rec) == []
    got = check({"has_sanction": "是", "sanction_desc": "受党内警告处分"})
    assert [(f.code, f.column) for f in got] == [("DSC002", "处分决定日期")]
