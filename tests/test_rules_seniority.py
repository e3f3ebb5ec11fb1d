"""Seniority, certificate, eligibility and title-name rules (issue 3 part B): a failing and a passing row each,
and the cases where two profiles disagree."""

import datetime as dt

import pytest

from conftest import ident, save_rows
from zhicheng.validators import engine, policy
from zhicheng.validators.rules.seniority import judge_years, required_years, seniority_cutoff, years_held

D = dt.date
PERSON = {"name": "张伟", "id_number": ident(1985, 6, 12, 1, True)}


def check(policy_name="national", as_of=None, kind="applicant_roster", **record):
    p = policy.load(policy_name)
    return engine.check_record({**PERSON, **record}, kind, p, as_of or p.date("as_of") or D(2023, 8, 30))


def hits(findings, code):
    return [f for f in findings if f.code == code]


def errors(findings, code):
    return [f for f in findings if f.code == code and f.severity == "error"]


# ---------------------------------------------------------------------------------------------------------------
# pure functions
# ---------------------------------------------------------------------------------------------------------------


def test_years_held_counts_whole_months():
    assert years_held(D(2021, 6, 1), D(2023, 12, 31)) == 2.5
    assert years_held(D(2018, 8, 31), D(2023, 8, 15)) == pytest.approx(59 / 12)


def test_required_years_national_defaults_and_unknown_education():
    p = policy.load("national")
    assert required_years(p, "工程", "副高级", "大学本科") == 5
    assert required_years(p, "工程", "副高级", "博士研究生") == 2
    assert required_years(p, "工程", "中级", "硕士研究生") == 2
    assert required_years(p, None, "正高级", None) == 5  # the same for every education
    assert required_years(p, "工程", "副高级", None) is None  # depends on the education: no verdict
    assert required_years(p, "工程", "副高级", "大学专科") is None  # not in the table: no verdict


def test_required_years_series_override(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('extends = "national"\nname = "mine"\n[seniority.years."卫生"."副高级"]\n"大学本科" = 7\n',
                 encoding="utf-8")
    p = policy.load(str(f))
    assert required_years(p, "卫生", "副高级", "大学本科") == 7
    assert required_years(p, "工程", "副高级", "大学本科") == 5


def test_cutoff_follows_the_profile_and_moves_with_the_year():
    kl, cf, nat = policy.load("kaili-2023"), policy.load("chifeng-2019"), policy.load("national")
    assert seniority_cutoff(kl, D(2023, 8, 30)) == D(2023, 12, 31)
    assert seniority_cutoff(cf, D(2019, 7, 6)) == D(2018, 12, 31)  # end of the previous year
    assert seniority_cutoff(cf, D(2023, 8, 30)) == D(2022, 12, 31)  # same convention, another year
    assert seniority_cutoff(nat, D(2023, 8, 30)) == D(2023, 12, 31)  # no cutoff: the end of the as-of year


def test_cutoff_as_of_date_when_configured(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('extends = "national"\nname = "mine"\n[seniority]\ndefault_cutoff = "as_of"\n', encoding="utf-8")
    assert seniority_cutoff(policy.load(str(f)), D(2023, 8, 30)) == D(2023, 8, 30)


def test_judge_years_month_precision():
    # 2018.08 to 2023-08-15: 5.0 years from the 1st, 4.9 from the 31st -> depends on the day
    v = judge_years(D(2018, 8, 1), D(2018, 8, 31), "M", D(2023, 8, 15), 5)
    assert v.severity == "warning" and v.held == 5 and "只写到月" in v.note
    assert judge_years(D(2018, 8, 1), D(2018, 8, 31), "M", D(2023, 12, 31), 5).severity is None
    assert judge_years(D(2019, 8, 1), D(2019, 8, 31), "M", D(2023, 12, 31), 5).severity == "error"


# ---------------------------------------------------------------------------------------------------------------
# consistency: title names
# ---------------------------------------------------------------------------------------------------------------


def test_con010_title_does_not_fit_level():
    bad = check(cur_title="高级工程师", cur_title_level="中级")
    assert [f.severity for f in hits(bad, "CON010")] == ["error"]
    assert "副高级" in hits(bad, "CON010")[0].message
    assert not hits(check(cur_title="工程师", cur_title_level="中级"), "CON010")
    assert not hits(check(apply_title="高工", apply_level="副高级"), "CON010")
    assert hits(check(apply_title="主治医师", apply_level="副高级"), "CON010")


def test_con010_name_matched_by_ending_only_warns_and_unknown_is_silent():
    assert [f.severity for f in hits(check(cur_title="电气高级工程师", cur_title_level="中级"), "CON010")] == ["warning"]
    assert not hits(check(cur_title="注册安全工程兵", cur_title_level="中级"), "CON010")


def test_con011_title_outside_series():
    bad = hits(check(apply_series="会计", apply_title="高级经济师"), "CON011")
    assert [f.severity for f in bad] == ["warning"] and "经济" in bad[0].message
    assert not hits(check(apply_series="经济", apply_title="高级经济师"), "CON011")


# ---------------------------------------------------------------------------------------------------------------
# seniority
# ---------------------------------------------------------------------------------------------------------------

ENGINEER = dict(edu_level="本科", cur_series="工程", cur_title="工程师", apply_series="工程", apply_title="高级工程师")


def test_sen001_skip_level():
    bad = check(cur_title="助理工程师", apply_title="高级工程师")
    assert errors(bad, "SEN001")
    assert not hits(check(cur_title="工程师", apply_title="高级工程师"), "SEN001")
    assert not hits(check(cur_title="助理工程师", apply_title="高级工程师", is_poge="是", poge_clause="第三条"), "SEN001")
    assert not hits(check(cur_title="助理工程师", apply_title="高级工程师", apply_mode="绿色通道"), "SEN001")


def test_sen001_same_level_warns():
    assert [f.severity for f in hits(check(cur_title="工程师", apply_title="工程师"), "SEN001")] == ["warning"]
    assert not hits(check(cur_title="工程师", apply_title="经济师", apply_mode="转评"), "SEN001")


def test_sen002_years_in_title_message():
    bad = errors(check("kaili-2023", **ENGINEER, cur_title_date="2021.06"), "SEN002")
    assert len(bad) == 1
    assert "任现职2.5年，少于申报副高级（大学本科）要求的5年（国家规定 人社部发〔2019〕16号）" in bad[0].message
    assert "2023-12-31" in bad[0].message and bad[0].column == "取得资格时间"
    assert not hits(check("kaili-2023", **ENGINEER, cur_title_date="2017.06"), "SEN002")


def test_sen002_depends_on_the_day_warns(tmp_path):
    f = tmp_path / "mid.toml"
    f.write_text('extends = "national"\nname = "mid"\nas_of = "2023-08-15"\ncutoff = "2023-08-15"\n', encoding="utf-8")
    mid = str(f)
    found = hits(check(mid, **ENGINEER, cur_title_date="2018.08"), "SEN002")
    assert [x.severity for x in found] == ["warning"] and "只写到月" in found[0].message
    assert not hits(check(mid, **ENGINEER, cur_title_date="2018-08-10"), "SEN002")
    assert errors(check(mid, **ENGINEER, cur_title_date="2018-08-20"), "SEN002")


def test_sen002_missing_data_is_silent_and_poge_is_exempt():
    assert not hits(check("kaili-2023", **{**ENGINEER, "edu_level": None}, cur_title_date="2021.06"), "SEN002")
    assert not hits(check("kaili-2023", **ENGINEER), "SEN002")
    assert not hits(check("kaili-2023", **ENGINEER, cur_title_date="2021.06", is_poge="是"), "SEN002")


def test_sen002_assistant_level_counts_from_graduation():
    row = dict(edu_level="大学专科", apply_series="工程", apply_title="助理工程师", cur_title="无")
    assert errors(check("kaili-2023", **row, grad_date="2022.07"), "SEN002")
    assert not hits(check("kaili-2023", **row, grad_date="2019.07"), "SEN002")


def test_sen002_profiles_disagree_on_major_mismatch():
    # 凯里2023 一(二)2: a different major adds 2 years (a warning: it may have been served at the first promotion)
    row = dict(**ENGINEER, cur_title_date="2018.06", major_match="否")
    kl = hits(check("kaili-2023", **row), "SEN002")
    assert [f.severity for f in kl] == ["warning"] and "7年" in kl[0].message and "凯里2023 一(二)2" in kl[0].message
    assert not hits(check("national", as_of=D(2023, 12, 31), **row), "SEN002")


def test_sen002_profiles_disagree_on_cutoff():
    row = dict(**ENGINEER, cur_title_date="2018.09")
    # 凯里: counted to 2023-12-31 (5.3 years); 镇江 judged in 2023: counted to the end of the year before (4.3 years)
    assert not hits(check("kaili-2023", as_of=D(2023, 8, 30), **row), "SEN002")
    assert errors(check("zhenjiang-2024", as_of=D(2023, 8, 30), **row), "SEN002")


def test_sen003_assessment_of_graduates_chifeng():
    row = dict(edu_level="大学本科", apply_mode="考核认定", apply_series="工程", apply_title="助理工程师")
    bad = errors(check("chifeng-2019", **row, grad_date="2018.07"), "SEN003")
    assert bad and "1年" in bad[0].message and "赤峰2019 十三" in bad[0].message
    assert not hits(check("chifeng-2019", **row, grad_date="2017.07"), "SEN003")
    # grassroots: one year less
    assert not hits(check("chifeng-2019", **row, grad_date="2018.07", is_grassroots="是"), "SEN003")
    # 博士 directly to 中级
    phd = dict(edu_level="博士", apply_mode="考核认定", apply_title="工程师", grad_date="2018.07")
    assert not hits(check("chifeng-2019", **phd), "SEN003")
    # the national profile has no such route: silent
    assert not hits(check("national", **row, grad_date="2023.07"), "SEN003")


def test_sen003_grassroots_direct_route_kaili():
    row = dict(edu_level="大学本科", apply_mode="基层直接申报", apply_title="工程师", apply_series="工程")
    assert errors(check("kaili-2023", **row, prof_work_years=3), "SEN003")
    assert not hits(check("kaili-2023", **row, prof_work_years=5), "SEN003")
    # 赤峰 asks only 2 years of a 本科 graduate: the two profiles disagree
    assert not hits(check("chifeng-2019", **row, prof_work_years=3), "SEN003")


def test_sen004_route_does_not_lead_there():
    assert errors(check("kaili-2023", edu_level="本科", apply_mode="基层直接申报", apply_title="高级工程师"), "SEN004")
    assert not hits(check("kaili-2023", edu_level="本科", apply_mode="基层直接申报", apply_title="工程师"), "SEN004")
    warn = hits(check("kaili-2023", edu_level="高中", apply_mode="基层直接申报", apply_title="工程师"), "SEN004")
    assert [f.severity for f in warn] == ["warning"]
    # 赤峰 六(三): 本科 12 years to 高级, not for 考评结合 series
    row = dict(edu_level="本科", apply_mode="直接申报", is_private="是", prof_work_years=13)
    assert errors(check("chifeng-2019", **row, apply_series="会计", apply_title="高级会计师"), "SEN004")
    assert not hits(check("chifeng-2019", **row, apply_series="工程", apply_title="高级工程师"), "SEN004")
    off = hits(check("chifeng-2019", **{**row, "is_private": "否"}, apply_title="高级工程师"), "SEN004")
    assert [f.severity for f in off] == ["warning"]


def test_sen005_skill_route_chifeng():
    row = dict(skill_level="技师", apply_series="工程")
    assert errors(check("chifeng-2019", **row, apply_title="高级工程师", skill_cert_date="2010.05"), "SEN005")
    assert not hits(check("chifeng-2019", **row, apply_title="工程师", skill_cert_date="2015.05"), "SEN005")
    assert errors(check("chifeng-2019", **row, apply_title="工程师", skill_cert_date="2017.05"), "SEN005")
    assert not hits(check("national", **row, apply_title="高级工程师", skill_cert_date="2010.05"), "SEN005")


def test_sen006_transfer():
    row = dict(apply_mode="转评", cur_title="工程师")
    assert errors(check("kaili-2023", **row, apply_title="高级经济师"), "SEN006")
    assert errors(check("kaili-2023", **row, apply_title="经济师", new_post_date="2023.05"), "SEN006")
    assert not hits(check("kaili-2023", **row, apply_title="经济师", new_post_date="2022.03"), "SEN006")


def test_sen007_promotion_in_another_series():
    row = dict(cur_series="工程", cur_title="工程师", apply_title="高级经济师")
    assert [f.severity for f in hits(check(**row, apply_series="经济"), "SEN007")] == ["warning"]
    assert not hits(check(**{**row, "apply_title": "高级工程师"}, apply_series="工程"), "SEN007")


def test_sen008_poge_clause_wenzhou_only():
    row = dict(is_poge="√", poge_clause="", apply_title="高级工程师")
    assert errors(check("wenzhou-2019", **row), "SEN008")
    assert not hits(check("wenzhou-2019", **{**row, "poge_clause": "破格条件第三条第（二）款"}), "SEN008")
    assert not hits(check("national", **row), "SEN008")


# ---------------------------------------------------------------------------------------------------------------
# certificate
# ---------------------------------------------------------------------------------------------------------------

ACCOUNTANT = dict(apply_series="会计", apply_title="高级会计师")


def test_crt001_exam_review():
    assert errors(check("zhenjiang-2024", **ACCOUNTANT, exam_pass="否"), "CRT001")
    assert not hits(check("zhenjiang-2024", **ACCOUNTANT, exam_pass="是", exam_valid_until="2026-12-31"), "CRT001")
    late = errors(check("zhenjiang-2024", **ACCOUNTANT, exam_pass="是", exam_valid_until="2022-12-31"), "CRT001")
    assert late and "已过有效期" in late[0].message
    assert [f.severity for f in hits(check("zhenjiang-2024", **ACCOUNTANT, exam_pass=""), "CRT001")] == ["warning"]
    # no exam column at all: nothing to judge
    assert not hits(check("zhenjiang-2024", **ACCOUNTANT), "CRT001")


def test_crt001_profiles_disagree_on_series():
    health = dict(apply_series="卫生", apply_title="副主任医师", exam_pass="否")
    assert errors(check("chifeng-2019", **health), "CRT001")  # 赤峰 一(三) lists 卫生
    assert not hits(check("zhenjiang-2024", **health), "CRT001")
    # 温州: 经济 only for some applicants -> warning
    eco = dict(apply_series="经济", apply_title="高级经济师", exam_pass="否")
    assert [f.severity for f in hits(check("wenzhou-2019", **eco), "CRT001")] == ["warning"]


def test_crt002_promotion_without_lower_title():
    assert errors(check(cur_title="无", apply_title="工程师"), "CRT002")
    assert not hits(check(cur_title="助理工程师", apply_title="工程师"), "CRT002")
    assert [f.severity for f in hits(check(cur_title="", apply_title="工程师"), "CRT002")] == ["warning"]
    assert not hits(check(cur_title="无", apply_title="工程师", edu_level="博士"), "CRT002")
    assert not hits(check(cur_title="无", apply_title="工程师", apply_mode="考核认定"), "CRT002")


def test_crt003_init_needs_access_qualification_haimen():
    row = dict(apply_mode="初定", apply_series="会计", apply_title="助理会计师")
    assert errors(check("haimen-2010", as_of=D(2010, 9, 30), **row, access_qual=""), "CRT003")
    assert not hits(check("haimen-2010", as_of=D(2010, 9, 30), **row, access_qual="会计从业资格证"), "CRT003")
    assert not hits(check("national", **row, access_qual=""), "CRT003")


def test_crt004_init_not_allowed_haimen():
    assert errors(check("haimen-2010", as_of=D(2010, 9, 30), apply_mode="初定", apply_series="卫生",
                        apply_title="医师"), "CRT004")
    assert errors(check("haimen-2010", as_of=D(2010, 9, 30), apply_mode="初定", apply_series="工程",
                        apply_title="技术员", edu_level="高中"), "CRT004")
    assert not hits(check("haimen-2010", as_of=D(2010, 9, 30), apply_mode="初定", apply_series="工程",
                          apply_title="助理工程师", edu_level="本科"), "CRT004")


# ---------------------------------------------------------------------------------------------------------------
# eligibility
# ---------------------------------------------------------------------------------------------------------------


def test_elg001_civil_servants_profiles_disagree():
    assert errors(check("chifeng-2019", staff_category="参照公务员法管理"), "ELG001")
    assert [f.severity for f in hits(check("national", staff_category="公务员"), "ELG001")] == ["warning"]
    assert not hits(check("chifeng-2019", staff_category="企业"), "ELG001")
    # 海门 lets civil servants in listed series get 初定
    assert not hits(check("haimen-2010", as_of=D(2010, 9, 30), staff_category="公务员", apply_mode="初定",
                          apply_series="工程", apply_title="助理工程师"), "ELG001")


def test_elg002_retirees():
    assert errors(check("zhenjiang-2024", retired="是"), "ELG002")
    assert [f.severity for f in hits(check("haimen-2010", as_of=D(2010, 9, 30), retired="是"), "ELG002")] == ["warning"]
    assert not hits(check("zhenjiang-2024", retired="否"), "ELG002")


def test_elg003_exam_only_titles():
    assert errors(check("zhenjiang-2024", apply_series="会计", apply_title="会计师"), "ELG003")
    assert not hits(check("zhenjiang-2024", apply_series="会计", apply_title="高级会计师"), "ELG003")
    # 赤峰 一(四): 翻译 at every level; national: only 初/中级
    assert errors(check("chifeng-2019", apply_series="翻译", apply_title="一级翻译"), "ELG003")
    assert not hits(check("national", apply_series="翻译", apply_title="一级翻译"), "ELG003")
    # 卫生 中级: stated by 镇江 (error), a national default elsewhere (warning)
    nurse = dict(apply_series="卫生", apply_title="主管护师")
    assert errors(check("zhenjiang-2024", **nurse), "ELG003")
    assert [f.severity for f in hits(check("kaili-2023", **nurse), "ELG003")] == ["warning"]


def test_elg004_social_insurance_wenzhou():
    assert errors(check("wenzhou-2019", social_ins_months=2), "ELG004")
    assert not hits(check("wenzhou-2019", social_ins_months=3), "ELG004")
    assert not hits(check("national", social_ins_months=2), "ELG004")


def test_elg005_appraisal_wenzhou():
    row = dict(**ENGINEER, cur_title_date="2012.06")
    wz = dict(policy_name="wenzhou-2019", as_of=D(2019, 8, 31))
    bad = errors(check(**wz, **row, **{"appraisal@2017": "基本合格", "appraisal@2018": "合格"}), "ELG005")
    assert len(bad) == 1 and bad[0].column == "2017年年度考核" and "最低5年" in bad[0].message
    assert not hits(check(**wz, **row, **{"appraisal@2017": "合格", "appraisal@2018": "优秀"}), "ELG005")
    assert [f.severity for f in hits(check(**wz, **row, **{"appraisal@2017": "不定等次"}), "ELG005")] == ["warning"]
    assert not hits(check(**wz, **row, **{"appraisal@2013": "不合格"}), "ELG005")  # before the 5-year window
    assert not hits(check("national", as_of=D(2019, 8, 31), **row, **{"appraisal@2017": "不合格"}), "ELG005")


def _two_rosters(tmp_path, second_series, second_committee, level="中级"):
    head = ["序号", "姓名", "身份证号码", "工作单位", "申报系列", "拟申报资格", "申报级别", "评委会"]
    who = ident(1985, 6, 12, 1, True)
    a = save_rows(tmp_path / "甲.xlsx", head, [[1, "张伟", who, "甲单位", "工程", "工程师", level, "建设工程中级评委会"]])
    title = "经济师" if second_series == "经济" else "工程师"
    b = save_rows(tmp_path / "乙.xlsx", head, [[1, "张伟", who, "乙单位", second_series, title, level, second_committee]])
    return a, b


def test_elg006_one_series_per_year_kaili(tmp_path, run):
    a, b = _two_rosters(tmp_path, "经济", "经济中级评委会")
    _, fs = run(a, b, policy_name="kaili-2023")
    bad = errors(fs, "ELG006")
    assert {f.file for f in bad} == {"甲.xlsx", "乙.xlsx"} and "凯里2023 五(三)" in bad[0].message
    _, fs = run(a, b, policy_name="national")
    assert not hits(fs, "ELG006")
    a, b = _two_rosters(tmp_path, "工程", "建设工程中级评委会")
    _, fs = run(a, b, policy_name="kaili-2023")
    assert not hits(fs, "ELG006")


def test_elg007_one_committee_per_level_zhenjiang(tmp_path, run):
    a, b = _two_rosters(tmp_path, "工程", "机械工程中级评委会")
    _, fs = run(a, b, policy_name="zhenjiang-2024", as_of=D(2024, 5, 30))
    assert len(errors(fs, "ELG007")) == 2
    _, fs = run(a, b, policy_name="kaili-2023")
    assert not hits(fs, "ELG007")
    a, b = _two_rosters(tmp_path, "工程", "建设工程中级评委会")
    _, fs = run(a, b, policy_name="zhenjiang-2024", as_of=D(2024, 5, 30))
    assert not hits(fs, "ELG007")


def test_elg008_one_committee_per_unit_zhenjiang(tmp_path, run):
    head = ["序号", "姓名", "身份证号码", "工作单位", "申报系列", "拟申报资格", "申报级别", "评委会"]
    rows = [[1, "张伟", ident(1985, 6, 12, 1, True), "甲单位", "工程", "工程师", "中级", "建设工程中级评委会"],
            [2, "李芳", ident(1987, 3, 2, 2, False), "甲单位", "工程", "工程师", "中级", "机械工程中级评委会"]]
    path = save_rows(tmp_path / "甲.xlsx", head, rows)
    _, fs = run(path, policy_name="zhenjiang-2024", as_of=D(2024, 5, 30))
    assert [f.severity for f in hits(fs, "ELG008")] == ["warning", "warning"]
    rows[1][7] = "建设工程中级评委会"
    path = save_rows(tmp_path / "甲.xlsx", head, rows)
    _, fs = run(path, policy_name="zhenjiang-2024", as_of=D(2024, 5, 30))
    assert not hits(fs, "ELG008")


# ---------------------------------------------------------------------------------------------------------------
# policy files
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, key", [
    ('[seniority.years.default."中级"]\n"大学本科" = "四"\n', "seniority.years.default.中级.大学本科"),
    ('[seniority.years.default."特级"]\n"大学本科" = 4\n', "seniority.years.default"),
    ('[[seniority.routes]]\nmode = "直接申报"\ntarget = "中级"\nyears = { "本科" = 4 }\n', "seniority.routes[0].years.本科"),
    ('[eligibility]\nretiree_severity = "fatal"\n', "eligibility.retiree_severity"),
    ('[eligibility.exam_only]\n"会计" = ["中级", "顶级"]\n', "eligibility.exam_only.会计"),
    ('[certificate]\nexam_review = "会计"\n', "certificate.exam_review"),
])
def test_malformed_sections_name_the_key(tmp_path, body, key):
    f = tmp_path / "bad.toml"
    f.write_text('extends = "national"\nname = "bad"\n' + body, encoding="utf-8")
    with pytest.raises(policy.PolicyError) as e:
        policy.load(str(f))
    assert key in str(e.value)


def test_level_written_as_gaoji_covers_both_senior_levels():
    # "高级" on many forms means 副高级 or 正高级: 正高级工程师 fits it, and the title decides the level
    assert not hits(check(apply_title="正高级工程师", apply_level="高级"), "CON010")
    assert hits(check(apply_title="工程师", apply_level="高级"), "CON010")
    fs = check(cur_title="高级工程师", cur_title_level="高级", apply_title="正高级工程师", apply_level="高级")
    assert not hits(fs, "SEN001")


def test_sen002_kaili_late_review_years_warn_instead():
    # 硕士: 助理工程师 held 2 years for 工程师. Dated 2022-03: 1.8 years to 2023-12-31, but a 2021 review finished
    # late may count from 2021-12-31 (凯里2023 五(二)): a warning under kaili-2023, an error elsewhere.
    row = dict(edu_level="硕士", cur_title="助理工程师", cur_title_date="2022-03-10", apply_title="工程师")
    kl = hits(check("kaili-2023", **row), "SEN002")
    assert [f.severity for f in kl] == ["warning"] and "凯里2023 五(二)" in kl[0].message
    assert errors(check("national", as_of=D(2023, 12, 31), **row), "SEN002")


def test_unknown_route_only_warns():
    fs = check(cur_title="助理工程师", apply_title="高级工程师", apply_mode="人才引进特殊评审")
    assert [f.severity for f in hits(fs, "SEN001")] == ["warning"]
    assert [f.severity for f in hits(check(cur_title="无", apply_title="工程师", apply_mode="人才引进特殊评审"),
                                     "CRT002")] == ["warning"]


def test_elg009_retirement_age_warns():
    old = {"id_number": ident(1962, 3, 1, 5, True)}
    fs = engine.check_record({**PERSON, **old}, "applicant_roster", policy.load("national"), D(2023, 8, 30))
    assert [f.severity for f in hits(fs, "ELG009")] == ["warning"] and "61周岁" in hits(fs, "ELG009")[0].message
    assert not hits(check(), "ELG009")
    fs = engine.check_record({**PERSON, **old, "retired": "是"}, "applicant_roster", policy.load("national"),
                             D(2023, 8, 30))
    assert not hits(fs, "ELG009") and errors(fs, "ELG002")


def test_con012_unknown_title_is_only_info():
    assert [f.severity for f in hits(check(cur_title="高级工程帅", cur_title_level="中级"), "CON012")] == ["info"]
    assert not hits(check(cur_title="高级工程师", cur_title_level="副高级"), "CON012")
    assert not hits(check(cur_title="无"), "CON012")


def test_elg005_appraisal_without_year_only_warns():
    wz = dict(policy_name="wenzhou-2019", as_of=D(2019, 8, 31))
    assert [f.severity for f in hits(check(**wz, appraisal="基本合格"), "ELG005")] == ["warning"]
    assert not hits(check(**wz, appraisal="优秀"), "ELG005")
