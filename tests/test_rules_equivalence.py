"""The rules' screens (validators/rules/career.py: SCREENS) change no finding: every profile, over the example
workbooks, a generated batch with many defects and randomly mixed rosters, gives the same findings with the screens
on and off; and rows just at a screen's boundary are judged as before."""

from __future__ import annotations

import datetime as dt
import random
import sys
import zlib

import pytest
from conftest import ROOT, ident, save_rows

from zhicheng.validators import engine, policy
from zhicheng.validators.idcard import make_id
from zhicheng.validators.rules import career
from zhicheng.validators.rules.hours import required_hours, years_to_check
from zhicheng.validators.rules.seniority import seniority_cutoff
from zhicheng.validators.titles import LADDERS, SYNONYMS

PROFILES = policy.builtin_names()
EX = ROOT / "examples"


def _key(f):
    return (f.file, f.sheet or "", f.row or 0, f.code, f.column or "", f.message, f.severity, f.cell or "",
            str(f.value))


def findings(paths, name, as_of=None, screens=True, monkeypatch=None):
    p = policy.load(name)
    monkeypatch.setattr(career, "SCREENS", screens)
    res = engine.validate_paths(list(paths), p, as_of or p.as_of(), chunk_size=50)
    return list(map(_key, res.findings))


def same_both_ways(paths, name, monkeypatch, as_of=None):
    on = findings(paths, name, as_of, True, monkeypatch)
    off = findings(paths, name, as_of, False, monkeypatch)
    assert sorted(on) == sorted(off)
    assert on == off  # in the same order too
    return on


# ---------------------------------------------------------------------------------------------------------------
# Randomly mixed rosters: every column drawn from values that matter to some rule, dates near each boundary
# ---------------------------------------------------------------------------------------------------------------

HEADER = ["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位", "单位性质", "是否基层", "是否民营经济组织", "人员身份",
          "是否退休", "参加工作时间", "专业工作年限", "最高学历", "毕业时间", "专业是否对口", "现资格系列", "现专业技术资格",
          "现资格级别", "取得资格时间", "申报系列", "拟申报资格", "申报级别", "申报方式", "是否破格", "破格条件", "考试是否合格",
          "成绩有效期至", "技能等级", "技能等级取得时间", "现岗位工作起始时间"]
LONG = ["序号", "姓名", "身份证号码", "年度", "公需科目学时", "行业公需科目学时", "专业科目学时", "合计学时", "是否基层",
        "现资格级别", "取得资格时间", "工作单位"]
TITLES = sorted({n for ladders in LADDERS.values() for ladder in ladders for n in ladder if n}) + list(SYNONYMS)[:20] + [
    "高级工程帅", "工程帅", "主任医帅", "技术骨干", "电气工程师", "建筑高级工程师", "高级工程师（教授级）", "无", "暂无", "", "", "", "工 程 师"]
LEVELS = ["员级", "助理级", "初级", "中级", "副高级", "正高级", "高级", "高级职称", "初级职称", "中 级", "", "", "三级"]
SERIES = ["工程", "会计", "经济", "卫生", "中小学教师", "高校教师", "农业", "计算机技术与软件", "翻译", "通信", "", "", "建工"]
MODES = ["正常申报", "破格", "转评", "初定", "考核认定", "直接申报", "绿色通道", "基层直接申报", "非公直接申报", "", "", "",
         "特殊途径", " 转评 "]
EDU = ["博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中及以下", "本科", "", "研究生"]
YESNO = ["是", "否", "", "", "√", "有"]
UNITS = ["某某乡卫生院", "某市第一人民医院", "某科技有限公司", "镇江某厂", "某街道社区服务中心", "某局", "", "某村合作社"]


def _fmt(rng, d: dt.date):
    return rng.choice([lambda: f"{d:%Y.%m}", lambda: f"{d.year}年{d.month}月", lambda: f"{d:%Y%m%d}",
                       lambda: dt.datetime(d.year, d.month, d.day), lambda: f"{d:%Y-%m-%d}", lambda: f"{d.year}年",
                       lambda: f"{d:%Y.%m.%d}"])()


def _near(rng, base: dt.date, years: float) -> dt.date:
    """A day about ``years`` before ``base``, often exactly on it or a day either side."""
    whole = int(years)
    try:
        d = base.replace(year=base.year - whole)
    except ValueError:
        d = base.replace(year=base.year - whole, day=28)
    d -= dt.timedelta(days=int((years - whole) * 365))
    return d + dt.timedelta(days=rng.choice([-1, 0, 0, 1, rng.randint(-400, 400)]))


def _id(rng, birth: dt.date, male: bool) -> str:
    num = make_id(rng.choice(["522601", "330302", "150402"]), birth, rng.randint(1, 499), male)
    r = rng.random()
    if r < 0.08:
        return num[:-1] + ("0" if num[-1] != "0" else "1")  # check character
    if r < 0.11:
        return num[:6] + num[8:17]  # 15 digits
    if r < 0.13:
        return num[:10] + "13" + num[12:]  # month 13
    if r < 0.15:
        return num[:-1] + "x"
    if r < 0.17:
        return num[:12]
    return num


def hours_years(name: str) -> list[int]:
    p = policy.load(name)
    last = years_to_check(p, p.as_of())[1]
    return [last - 3, last - 2, last - 1, last]


def fuzz_rows(rng: random.Random, name: str, n: int) -> list[list]:
    p = policy.load(name)
    as_of = p.as_of()
    cutoff = seniority_cutoff(p, as_of)
    ages = [v for v in p.get("eligibility.retire_age", {}, dict).values()] or [60]
    rows = []
    for i in range(1, n + 1):
        male = rng.random() < 0.5
        if rng.random() < 0.3:  # at a retirement or age limit
            birth = _near(rng, as_of, rng.choice([*ages, 16, 70, 71]))
        else:
            birth = dt.date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28))
        num = _id(rng, birth, male)
        shown = birth if rng.random() < 0.8 else birth + dt.timedelta(days=rng.choice([-40, -1, 1, 31, 400]))
        held = rng.choice([0.5, 1, 2, 3, 4, 5, 6, 7, 9, 12, rng.uniform(0, 15)])
        cur_date = _near(rng, cutoff, held)
        grad = _near(rng, cutoff, rng.choice([1, 3, 4, 5, 6, rng.uniform(0, 20)]))
        hours = [rng.choice([None, 0, 24, 30, 32, 45, 59.5, 60, 72, 89.99, 90, 91, 120, -5]) for _ in range(4)]
        row = [
            i, f"人{i}", rng.choice(["男", "女", "男", "女", "", "未知"]),
            _fmt(rng, shown) if rng.random() < 0.9 else None, num if rng.random() < 0.95 else None,
            rng.choice(UNITS), rng.choice(["机关", "事业", "企业", "民营", "社会组织", "", "", "国企"]),
            rng.choice(YESNO), rng.choice(YESNO), rng.choice(["公务员", "参公", "事业编制", "企业", "退休", "", "", ""]),
            rng.choice(["是", "否", "", "", ""]), _fmt(rng, _near(rng, cutoff, rng.uniform(0, 25))) if rng.random() < 0.7 else None,
            rng.choice([None, None, 0.5, 1, 2, 3, 4, 5, 6, 8, 9, 12, 13]), rng.choice(EDU),
            _fmt(rng, grad) if rng.random() < 0.85 else None, rng.choice(YESNO), rng.choice(SERIES), rng.choice(TITLES),
            rng.choice(LEVELS), _fmt(rng, cur_date) if rng.random() < 0.85 else rng.choice([None, "2019年13月"]),
            rng.choice(SERIES), rng.choice(TITLES), rng.choice(LEVELS), rng.choice(MODES), rng.choice(YESNO),
            rng.choice(["", "", "第三条", "无"]), rng.choice(YESNO),
            _fmt(rng, _near(rng, as_of, rng.choice([-2, -1, 0, 1]))) if rng.random() < 0.5 else None,
            rng.choice(["", "", "", "", "", "", "", "", "技师", "高级工", "高级技师", "技师（二级）"]),
            _fmt(rng, _near(rng, cutoff, rng.choice([1, 2, 3, 4, 5]))) if rng.random() < 0.5 else None,
            _fmt(rng, _near(rng, cutoff, rng.choice([0.5, 1, 2]))) if rng.random() < 0.4 else None,
            *hours,
        ]
        if rng.random() < 0.5:  # a plausible career: the next title up in the same series, often the normal route
            series = rng.choice(["工程", "会计", "卫生", "中小学教师", "高校教师"])
            ladder = LADDERS[series][0]
            k = rng.choice([k for k in range(4) if ladder[k] and ladder[k + 1]])
            up = k + 1 if rng.random() < 0.85 or k == 3 or not ladder[k + 2] else k + 2
            lv = ["员级", "助理级", "中级", "副高级", "正高级"]
            row[16:25] = [series, ladder[k] if rng.random() < 0.9 else rng.choice(["无", ""]),
                          rng.choice([lv[k], lv[k], "", "高级" if k >= 3 else "初级"]), row[19], series, ladder[up],
                          lv[up] if rng.random() < 0.9 else "", rng.choice(["", "", "正常申报", rng.choice(MODES)]),
                          rng.choice(["否", "", "", "是"])]
            row[28] = rng.choice(["", "", "", "", "", "技师"])
        rows.append(row)
    return rows


def fuzz_long(rng: random.Random, n: int) -> list[list]:
    rows = []
    for i in range(1, n + 1):
        prof, pub, ind = (rng.choice([None, 0, 10, 12, 18, 20, 30, 60, 60.5, 64, 90]) for _ in range(3))
        total = rng.choice([None, 90, 96, 45, 72, 32, 60, (prof or 0) + (pub or 0) + (ind or 0)])
        year = rng.choice([*range(2015, 2027), "2022年", None])
        rows.append([i, f"人{i}", ident(1980 + i % 20, 1 + i % 12, 1 + i % 28, seq=i), year, pub, ind, prof, total, rng.choice(YESNO),
                     rng.choice(LEVELS), _fmt(rng, dt.date(rng.randint(2012, 2025), rng.randint(1, 12), 1)),
                     rng.choice(UNITS)])
    return rows


@pytest.fixture(scope="module")
def defects(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    return generate(tmp_path_factory.mktemp("defects"), files=3, rows=80, defect_rate=0.5)


@pytest.mark.parametrize("name", PROFILES)
def test_examples_same_with_and_without_screens(name, monkeypatch):
    paths = sorted(p for p in EX.iterdir() if p.suffix in (".xlsx", ".xls"))
    assert len(paths) >= 5
    assert same_both_ways(paths, name, monkeypatch)
    same_both_ways(paths, name, monkeypatch, dt.date(2023, 8, 30))


@pytest.mark.parametrize("name", PROFILES)
def test_generated_batch_same_with_and_without_screens(name, defects, monkeypatch):
    assert same_both_ways(defects, name, monkeypatch)


@pytest.mark.parametrize("name", PROFILES)
def test_mixed_rosters_same_with_and_without_screens(name, tmp_path, monkeypatch):
    rng = random.Random(zlib.crc32(name.encode()))
    header = HEADER + [f"{y}年继续教育学时" for y in hours_years(name)]
    paths = [save_rows(tmp_path / f"r{k}.xlsx", header, fuzz_rows(rng, name, 150)) for k in range(3)]
    paths.append(save_rows(tmp_path / "long.xlsx", LONG, fuzz_long(rng, 150)))
    got = same_both_ways(paths, name, monkeypatch)
    codes = {k[3] for k in got}
    # the data reaches the screened rules (haimen-2010 has no hours minimum)
    p = policy.load(name)
    assert ("HRS001" in codes) == required_hours(p, hours_years(name)[-1]).applies
    assert {"IDN002", "IDN005", "SEN001", "SEN002", "CRT002", "CON010", "CON011", "CON012", "ELG009"} <= codes


# ---------------------------------------------------------------------------------------------------------------
# Rows at a screen's boundary
# ---------------------------------------------------------------------------------------------------------------

AS_OF = dt.date(2023, 8, 30)


def table_findings(rows: list[dict], name: str, screens: bool, monkeypatch, kind="applicant_roster", as_of=AS_OF):
    from zhicheng.validators.fields import field_label
    from zhicheng.validators.reader import Column, Table

    fields = list(dict.fromkeys(k for r in rows for k in r))
    cols = [Column(i, f, field_label(f)) for i, f in enumerate(fields)]
    table = Table("表", kind, (1, 1), cols, list(range(2, 2 + len(rows))), [[r.get(f) for f in fields] for r in rows])
    monkeypatch.setattr(career, "SCREENS", screens)
    return sorted((f.row, f.code, f.severity, f.message) for f in engine.check_tables([table], policy.load(name), as_of))


def verdicts(rows, name, code, monkeypatch, **kw) -> dict[int, str]:
    """{Excel row: severity} of one rule's findings, after checking that screens on and off agree on everything."""
    on = table_findings(rows, name, True, monkeypatch, **kw)
    assert on == table_findings(rows, name, False, monkeypatch, **kw)
    return {row: sev for row, c, sev, _ in on if c == code}


def test_hours_at_the_minimum(monkeypatch):
    rows = [{"ce_hours@2023": h, "ce_prof_hours@2023": p, "ce_public_hours@2023": 30} for h, p in
            [(90, 60), (89.99, 60), (90.0, 59.99), (91, 61), (None, 60)]]
    assert verdicts(rows, "national", "HRS001", monkeypatch) == {3: "error"}  # row 6: 60 + 30 = 90, given apart
    assert verdicts(rows, "national", "HRS002", monkeypatch) == {4: "warning"}
    # 凯里: 2019 by level (72 中级, 32 初级), 2021 on 45 in grassroots units
    kaili = [{"cur_title_level": lv, "cur_title_date": "2015.06", "is_grassroots": g, "unit": u, "ce_hours@2019": h19,
              "ce_hours@2021": h21} for lv, g, u, h19, h21 in
             [("中级", "否", "某局", 72, 90), ("中级", "否", "某局", 71.5, 89.5), ("初级", "是", "某局", 32, 45),
              ("初级", "是", "某局", 31, 44.5), (None, None, "某乡卫生院", 32, 45), ("中级", "否", "某局", 72, 90)]]
    assert verdicts(kaili, "kaili-2023", "HRS001", monkeypatch) == {3: "error", 5: "error", 6: "warning"}


def test_hours_sum_at_the_tolerance(monkeypatch):
    rows = [{"ce_year": 2022, "ce_public_hours": 30, "ce_prof_hours": 60, "ce_total_hours": t} for t in
            (90, 90.0000005, 90.00001, 89, None)]
    assert verdicts(rows, "national", "CON001", monkeypatch, kind="ce_hours") == {4: "error", 5: "error"}


def test_seniority_at_the_required_years(monkeypatch):
    base = {"edu_level": "大学本科", "cur_series": "工程", "cur_title": "工程师", "cur_title_level": "中级",
            "apply_series": "工程", "apply_title": "高级工程师", "apply_level": "副高级"}
    dates = ["2018-12-31", "2019-01-01", "2018.12", "2019.01", "2018年", "2019年", "2013.06"]
    rows = [{**base, "cur_title_date": d} for d in dates]
    assert verdicts(rows, "national", "SEN002", monkeypatch) == {3: "error", 5: "error", 7: "error"}
    # 凯里: 2 more years when 专业是否对口 is 否 (a warning), 12-31 of a late review year
    rows = [{**base, "cur_title_date": d, "major_match": m} for d, m in
            [("2016-12-31", "否"), ("2017-01-01", "否"), ("2018.12", "是"), ("2022-03-01", "是")]]
    assert verdicts(rows, "kaili-2023", "SEN002", monkeypatch) == {3: "warning", 5: "error"}


def test_retirement_and_age_limits(monkeypatch):
    people = [(dt.date(1963, 8, 30), True), (dt.date(1963, 8, 31), True), (dt.date(1968, 8, 30), False),
              (dt.date(1968, 8, 31), False), (dt.date(2007, 8, 30), True), (dt.date(2007, 8, 31), True),
              (dt.date(1952, 8, 31), False), (dt.date(1952, 8, 30), False)]
    rows = [{"sex": "男" if m else "女", "id_number": ident(b.year, b.month, b.day, seq=i, male=m)}
            for i, (b, m) in enumerate(people)]
    assert verdicts(rows, "national", "ELG009", monkeypatch) == {2: "warning", 4: "warning", 8: "warning",
                                                                 9: "warning"}
    assert verdicts(rows, "national", "IDN003", monkeypatch) == {7: "warning", 9: "warning"}


def test_id_against_birth_and_sex(monkeypatch):
    num = ident(1985, 6, 12, male=True)
    rows = [{"id_number": num, "sex": s, "birth_date": b} for s, b in
            [("男", "1985.06"), ("女", "1985.06"), ("男", "1985-06-13"), ("男", "1985年"), ("男", "1985.07"),
             ("男", "1985-06-12"), ("", None)]]
    rows += [{"id_number": n, "sex": "男", "birth_date": "1985.06"} for n in
             (num[:-1] + ("0" if num[-1] != "0" else "1"), num[:6] + num[8:17], num[:10] + "13" + num[12:])]
    assert verdicts(rows, "national", "IDN004", monkeypatch) == {3: "error"}
    assert verdicts(rows, "national", "IDN005", monkeypatch) == {4: "error", 6: "error"}
    assert verdicts(rows, "national", "IDN002", monkeypatch) == {9: "error", 11: "error"}  # 11: digits changed
    assert verdicts(rows, "national", "IDN007", monkeypatch) == {10: "warning"}
    assert verdicts(rows, "national", "IDN003", monkeypatch) == {11: "error"}


def test_title_rules_on_repeated_values(monkeypatch):
    rows = [{"cur_series": "工程", "cur_title": t, "cur_title_level": lv, "apply_series": s, "apply_title": a,
             "apply_level": al, "apply_mode": mode} for t, lv, s, a, al, mode in
            [("工程师", "中级", "工程", "高级工程师", "副高级", None)] * 3
            + [("助理工程师", "助理级", "工程", "高级工程师", "副高级", None)] * 2
            + [("助理工程师", "助理级", "工程", "高级工程师", "副高级", "破格"), ("高级工程师", "中级", "会计", "高级会计师", "高级", None),
               ("无", None, "工程", "工程师", "中级", "正常申报"), ("工程帅", "中级", "工程", "高级工程师", "副高级", None)]]
    assert verdicts(rows, "national", "SEN001", monkeypatch) == {5: "error", 6: "error"}
    assert set(verdicts(rows, "national", "CON010", monkeypatch)) == {8}
    assert set(verdicts(rows, "national", "CRT002", monkeypatch)) == {9}
    assert set(verdicts(rows, "national", "CON012", monkeypatch)) == {10}
