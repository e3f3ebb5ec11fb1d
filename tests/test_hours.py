"""Continuing-education hours: required_hours by profile, HRS rules, CON001/CON002."""

import datetime as dt

import pytest

from conftest import codes, ident, save_rows
from zhicheng.validators import engine
from zhicheng.validators.policy import load
from zhicheng.validators.rules.hours import required_hours

ID1 = ident(1985, 6, 12, 1, True)
ID2 = ident(1990, 3, 1, 2, False)
KL_AS_OF = dt.date(2023, 8, 30)


def check(record, policy="national", kind="applicant_roster", as_of=KL_AS_OF):
    rec = {"name": "张三", "id_number": ID1, **record}
    return [f for f in engine.check_record(rec, kind, load(policy), as_of) if f.code[:3] in ("HRS", "CON")]


# --- required_hours: one function, every profile -----------------------------------------------------------------

def test_required_hours_kaili_table():
    kl = load("kaili-2023")
    assert required_hours(kl, 2019, "中级").total == 72
    assert required_hours(kl, 2019, "副高级").total == 72
    assert required_hours(kl, 2019, "助理级").total == 32
    assert required_hours(kl, 2018, "初级").total == 32
    assert required_hours(kl, 2020, "中级").total == 60
    r = required_hours(kl, 2022)
    assert (r.total, r.prof, r.prof_is_warning, r.clause) == (90, 60, True, "四(三)")
    g = required_hours(kl, 2022, grassroots=True)
    assert (g.total, g.prof) == (45, 30)  # 2/3 of 45 is 30 exactly, not rounded down
    assert required_hours(kl, 2023, private=True).total == 45


def test_required_hours_other_profiles():
    wz = required_hours(load("wenzhou-2019"), 2018)
    assert (wz.total, wz.prof, wz.public, wz.prof_is_warning) == (90, 60, 18, False)
    zj = load("zhenjiang-2024")
    assert required_hours(zj, 2023).severity == "error"
    assert required_hours(zj, 2021).severity == "warning"
    nat = load("national")
    r = required_hours(nat, 2020)
    assert (r.total, r.prof, r.public, r.prof_is_warning) == (90, 60, None, True)
    assert required_hours(nat, 2010).applies is False  # 25号令 took effect 2015-10-01: no minimum is invented
    assert required_hours(nat, 2021, grassroots=True).total == 90  # the national rule has no grassroots relief


# --- HRS001 -----------------------------------------------------------------------------------------------------------

def test_message_names_year_numbers_and_clause():
    got = check({"unit": "凯里市第一人民医院", "ce_hours@2022": 80}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "error")]
    assert got[0].message == "2022年度继续教育80学时，少于要求的90学时（凯里2023 四(三)）"


def test_annual_minimum_pass_and_fail():
    assert check({"unit": "凯里市第一人民医院", "ce_hours@2023": 90}, "kaili-2023") == []
    assert check({"unit": "凯里市第一人民医院", "ce_hours@2023": 89.5}, "kaili-2023")[0].code == "HRS001"


def test_grassroots_flag_and_unknown_grassroots():
    # the form says grassroots: 45 is enough
    assert check({"unit": "凯里市炉山镇卫生院", "is_grassroots": "是", "ce_hours@2023": 50}, "kaili-2023") == []
    # the form says not grassroots: 90
    got = check({"unit": "凯里市炉山镇卫生院", "is_grassroots": "否", "ce_hours@2023": 50}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "error")]
    # a township unit and no flag: the verdict depends on it, so a warning that says why
    got = check({"unit": "凯里市炉山镇卫生院", "ce_hours@2023": 50}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "warning")]
    assert "如在基层工作，要求为45学时" in got[0].message
    # below even the grassroots minimum: an error whatever the unit
    got = check({"unit": "凯里市炉山镇卫生院", "ce_hours@2023": 40}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "error")]
    # private sector by 单位性质
    assert check({"unit": "某某科技", "unit_type": "民营", "ce_hours@2023": 50}, "kaili-2023") == []


def test_kaili_2019_by_level_held_that_year():
    base = {"unit": "凯里市第一人民医院", "cur_title_level": "中级", "cur_title_date": "2015.06"}
    got = check({**base, "ce_hours@2019": 50}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "error")]
    assert "少于要求的72学时" in got[0].message
    assert check({**base, "ce_hours@2019": 72}, "kaili-2023") == []
    # title obtained in 2020: in 2019 the person held 助理级, 32 hours
    assert check({**base, "cur_title_date": "2020.06", "ce_hours@2019": 50}, "kaili-2023") == []
    # level unknown: below 72 but not below 32 is only a warning
    got = check({"unit": "凯里市第一人民医院", "ce_hours@2019": 50}, "kaili-2023")
    assert [(f.code, f.severity) for f in got] == [("HRS001", "warning")]
    assert "如当年所持职称为初级，要求为32学时" in got[0].message


def test_kaili_2020_is_60():
    assert check({"unit": "凯里市第一人民医院", "ce_hours@2020": 60}, "kaili-2023") == []
    assert check({"unit": "凯里市第一人民医院", "ce_hours@2020": 59}, "kaili-2023")[0].code == "HRS001"


def test_years_window_and_current_title():
    # chifeng: cutoff 2018-12-31, so 2019 is not checked; 2018 is
    assert check({"ce_hours@2019": 10}, "chifeng-2019", as_of=dt.date(2019, 7, 6)) == []
    assert check({"ce_hours@2018": 10}, "chifeng-2019", as_of=dt.date(2019, 7, 6))[0].code == "HRS001"
    # years before the current title was obtained are not checked
    assert check({"cur_title_date": "2022.05", "ce_hours@2021": 10, "ce_hours@2022": 95}) == []


def test_window_years_from_a_user_profile(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text('extends = "national"\nshort = "本地"\ncutoff = "2023-12-31"\n[hours]\nwindow_years = 1\n',
                 encoding="utf-8")
    pol = load(str(p))
    got = engine.check_record({"name": "张三", "id_number": ID1, "ce_hours@2022": 10, "ce_hours@2023": 10},
                              "applicant_roster", pol, KL_AS_OF)
    assert [f.column for f in codes(got, "HRS001")] == ["2023年继续教育学时"]


def test_zhenjiang_older_years_are_warnings():
    got = check({"ce_hours@2022": 70, "ce_hours@2023": 70}, "zhenjiang-2024", as_of=dt.date(2024, 5, 30))
    assert sorted((f.column, f.severity) for f in got) == [("2022年继续教育学时", "warning"),
                                                          ("2023年继续教育学时", "error")]


# --- long registration: HRS002, HRS003, CON001 -------------------------------------------------------------------

def reg(year, public, prof, total):
    return {"ce_year": year, "ce_public_hours": public, "ce_prof_hours": prof, "ce_total_hours": total}


def test_prof_share_national_warning_wenzhou_error():
    got = check(reg(2018, 40, 50, 90), kind="ce_hours")
    assert [(f.code, f.severity) for f in got] == [("HRS002", "warning")]
    assert got[0].message.startswith("2018年度专业科目50学时，少于要求的60学时（人社部令第25号 第八条）")
    got = check(reg(2018, 40, 50, 90), "wenzhou-2019", kind="ce_hours", as_of=dt.date(2019, 8, 31))
    assert [(f.code, f.severity) for f in got] == [("HRS002", "error")]
    assert check(reg(2018, 30, 60, 90), "wenzhou-2019", kind="ce_hours", as_of=dt.date(2019, 8, 31)) == []


def test_public_minimum_wenzhou():
    got = check(reg(2018, 12, 80, 92), "wenzhou-2019", kind="ce_hours", as_of=dt.date(2019, 8, 31))
    assert [(f.code, f.severity, f.column) for f in got] == [("HRS003", "error", "公需科目学时")]
    assert "少于要求的18学时（温州2019 一(二)2）" in got[0].message
    assert check(reg(2018, 12, 80, 92), kind="ce_hours") == []  # no national 公需 minimum


def test_sum_mismatch():
    got = check(reg(2017, 30, 60, 100), kind="ce_hours")
    assert [(f.code, f.column) for f in got] == [("CON001", "合计学时")]
    assert got[0].message == "2017年度公需30学时＋专业60学时＝90学时，与合计100学时不符"
    assert check(reg(2017, 30, 60, 90), kind="ce_hours") == []


def test_total_from_parts_when_total_missing():
    got = check({"ce_year": 2021, "ce_public_hours": 20, "ce_prof_hours": 40}, kind="ce_hours")
    assert [f.code for f in got] == ["HRS001", "HRS002"]


# --- CON002: roster against registration, across workbooks -------------------------------------------------------

def _files(tmp_path, roster_hours):
    r = save_rows(tmp_path / "roster.xlsx", ["序号", "姓名", "身份证号码", "2022年继续教育学时"],
                  [[1, "张三", ID1, roster_hours], [2, "李四", ID2, 95]], title="申报人员花名册")
    c = save_rows(tmp_path / "hours.xlsx", ["年度", "姓名", "身份证号码", "公需科目学时", "专业科目学时", "合计"],
                  [[2022, "张三", ID1, 32, 64, 96], [2022, "李四", ID2, 30, 65, 95]], title="继续教育学时登记表")
    return r, c


def test_roster_vs_registration_across_workbooks(tmp_path):
    r, c = _files(tmp_path, 120)
    res = engine.validate_paths([r, c], load("national"), KL_AS_OF)
    got = codes(res.findings, "CON002")
    assert [(f.file, f.row, f.column) for f in got] == [("roster.xlsx", 3, "2022年继续教育学时")]
    assert "120学时" in got[0].message and "96" in got[0].message and "hours.xlsx" in got[0].message


def test_roster_matches_registration(tmp_path):
    r, c = _files(tmp_path, 96)
    res = engine.validate_paths([r, c], load("national"), KL_AS_OF)
    assert codes(res.findings, "CON002") == []


@pytest.mark.parametrize("policy", ["national", "kaili-2023", "wenzhou-2019", "zhenjiang-2024"])
def test_clean_hours_no_findings(policy):
    assert check({"unit": "凯里市第一人民医院", "ce_hours@2021": 96, "ce_hours@2022": 100}, policy) == []


def test_industry_and_general_public_hours_add_up():
    wz, y = "wenzhou-2019", dt.date(2019, 8, 31)
    rec = {"ce_year": 2018, "ce_public_hours": 10, "ce_public_industry_hours": 10, "ce_prof_hours": 70,
           "ce_total_hours": 90}
    assert check(rec, wz, kind="ce_hours", as_of=y) == []
    got = check({**rec, "ce_public_industry_hours": 5, "ce_prof_hours": 75}, wz, kind="ce_hours", as_of=y)
    assert [f.code for f in got] == ["HRS003"] and "公需科目15学时" in got[0].message
    got = check({**rec, "ce_total_hours": 95}, wz, kind="ce_hours", as_of=y)
    assert [f.code for f in got] == ["CON001"]
