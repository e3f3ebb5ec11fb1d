"""The example workbooks: the planted defects this part covers are found, and nothing else of ours is an error."""

import datetime as dt

import pytest

from conftest import ROOT
from zhicheng.validators import engine, policy

EX = ROOT / "examples"
OURS = ("SEN", "CRT", "ELG", "CON010", "CON011")


def ours(findings):
    return [f for f in findings if f.code.startswith(OURS)]


def validate(path, name, as_of=None):
    p = policy.load(name)
    return engine.validate_paths([path], p, as_of or p.as_of()).findings


@pytest.mark.parametrize("name", policy.builtin_names())
def test_clean_roster_has_no_errors_under_any_policy(name):
    fs = validate(EX / "干净的花名册.xlsx", name, dt.date(2023, 8, 30))
    assert [f for f in fs if f.severity == "error"] == []


def test_kaili_roster_title_name_planted():
    fs = ours(validate(EX / "凯里市某医院_申报人员花名册.xlsx", "kaili-2023"))
    errs = [(f.code, f.row) for f in fs if f.severity == "error"]
    assert errs == [("CON010", 15)]
    assert fs[0].cell.startswith("K") and "高级工程师" in fs[0].message


def test_wenzhou_roster_planted():
    fs = ours(validate(EX / "温州某企业_评审对象资格审查花名册.xlsx", "wenzhou-2019"))
    errs = sorted((f.code, f.row, f.column) for f in fs if f.severity == "error")
    assert errs == [("ELG004", 9, "社保缴纳月数"), ("ELG005", 12, "2017年度考核"), ("SEN008", 6, "破格条件")]
    # row 20 writes 高工 for 高级工程师; row 10 is a proper 破格 application: no findings of ours
    assert not [f for f in fs if f.row in (10, 20)]


@pytest.mark.parametrize("name", policy.builtin_names())
def test_other_examples_get_no_errors_of_ours(name):
    as_of = dt.date(2023, 8, 30)
    for f in ("赤峰某局_继续教育学时登记表.xlsx", "镇江某单位_受纪律处分情况审查表.xlsx", "海门某厂_评审通过人员花名册.xls",
              "某单位_混合工作簿.xlsx"):
        assert [x for x in ours(validate(EX / f, name, as_of)) if x.severity == "error"] == []
