#!/usr/bin/env python3
"""Generate realistic, messy 职称 (professional-title) workbooks for demos and test fixtures.

Usage:  python examples/make_examples.py [OUTDIR]      (default OUTDIR: this folder)

Every ``build_*(outdir)`` writes one file and returns its Path; ``main(outdir)`` builds all
of them.  Each builder seeds its own ``random.Random``, so cell contents are identical on
every run and do not depend on the order in which builders are called.  The planted
defects are described in README.md next to this script and, machine-readably, in PLANTED.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

D = dt.date

# --------------------------------------------------------------------------- identities
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(body17: str) -> str:
    """GB 11643-1999 check character for the first 17 digits."""
    v = (12 - sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11) % 11
    return "X" if v == 10 else str(v)


def make_id(rng: random.Random, region: str, birth: dt.date, male: bool, want_x: bool | None = None) -> str:
    """18-char 居民身份证号; digit 17 is odd for men. want_x forces (or forbids) an 'X' check char."""
    while True:
        body = f"{region}{birth:%Y%m%d}{rng.randint(0, 99):02d}{rng.choice('13579' if male else '02468')}"
        check = id_check_char(body)
        if want_x is None or (check == "X") == want_x:
            return body + check


def wrong_check(idn: str) -> str:
    """Same ID with a different (wrong) check character."""
    good = id_check_char(idn[:17])
    return idn[:17] + ("1" if good != "1" else "7")


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" or c == "X" else c for c in s)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
MALE_CHARS = "伟强军磊涛斌鹏杰勇毅俊峰浩明辉刚健波宇超亮平华文海林凯志建国永忠德"
FEMALE_CHARS = "芳丽婷静敏燕霞娟艳娜玲琳慧洁颖雪梅红琴瑶蓉萍倩秀兰英春晓"


def make_name(rng: random.Random, male: bool, used: set) -> str:
    chars = MALE_CHARS if male else FEMALE_CHARS
    while True:
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used and len(set(given)) == len(given):
            used.add(name)
            return name


# --------------------------------------------------------------------------- careers
LEVELS = ["员级", "助理级", "中级", "副高级", "正高级"]
LADDERS = {  # track -> (series as written on forms, title name per level index 0..4)
    "医": ("卫生", ["医士", "医师", "主治医师", "副主任医师", "主任医师"]),
    "护": ("卫生", ["护士", "护师", "主管护师", "副主任护师", "主任护师"]),
    "药": ("卫生", ["药士", "药师", "主管药师", "副主任药师", "主任药师"]),
    "工": ("工程", ["技术员", "助理工程师", "工程师", "高级工程师", "正高级工程师"]),
    "农": ("农业", ["农业技术员", "助理农艺师", "农艺师", "高级农艺师", "农业技术推广研究员"]),
    "兽": ("农业", ["兽医技术员", "助理兽医师", "兽医师", "高级兽医师", "正高级兽医师"]),
}
EDU_AGE = {"大学专科": 21, "大学本科": 22, "硕士研究生": 25}  # typical age at graduation
FIRST_STEP = {"大学专科": 3, "大学本科": 1, "硕士研究生": 1}  # years from graduation to 助理级


def add_months(d: dt.date, n: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + n
    return D(m // 12, m % 12 + 1, min(d.day, 28))


def person(rng, used, region, track, cur_level, edu="大学本科", cur_years=(2008, 2017), male=None, want_x=None):
    """One self-consistent applicant: promoted one level at a time with at least the
    national minimum years per level, title dates after graduation, birth 1965-2000."""
    male = rng.random() < 0.5 if male is None else male
    cur = D(rng.randint(*cur_years), rng.randint(1, 12), rng.randint(1, 28))
    dates = {cur_level: cur}
    for lv in range(cur_level, 1, -1):  # walk down the ladder
        gap = 2 if (lv == 2 and edu == "硕士研究生") else (4 if lv == 2 else 5)
        dates[lv - 1] = add_months(dates[lv], -12 * (gap + rng.randint(0, 2)) - rng.randint(0, 5))
    first = dates[1]
    grad_year = first.year - FIRST_STEP[edu] - (1 if first.month < 8 else 0)
    birth = D(grad_year - EDU_AGE[edu] - rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
    assert 1965 <= birth.year <= 2000, birth
    series, titles = LADDERS[track]
    return {
        "name": make_name(rng, male, used), "male": male, "sex": "男" if male else "女",
        "birth": birth, "id": make_id(rng, region, birth, male, want_x), "edu": edu,
        "grad": D(grad_year, 7, rng.randint(1, 10)), "work": D(grad_year, 8, rng.randint(1, 28)),
        "series": series, "cur_level": cur_level, "cur_title": titles[cur_level], "cur_date": cur,
        "apply_level": cur_level + 1, "apply_title": titles[cur_level + 1],
    }


class Fmt:
    """A cell value with an explicit Excel number format."""

    def __init__(self, value, number_format):
        self.value, self.number_format = value, number_format


def fmt_date(d: dt.date, style: str):
    """Render a date the way people type it; 'cell' keeps a real Excel date."""
    y, m = d.year, d.month
    return {"dot": f"{y}.{m:02d}", "dot1": f"{y}.{m}", "dash": f"{y}-{m:02d}", "slash": f"{y}/{m}/{d.day}",
            "cn": f"{y}年{m}月", "ym": f"{y}{m:02d}", "ymd": f"{y}{m:02d}{d.day:02d}",
            "cell": Fmt(d, 'yyyy"年"m"月"')}[style]


DATE_STYLES = ["dot", "dot1", "dash", "slash", "cn", "ym", "ymd", "cell"]


# --------------------------------------------------------------------------- sheet helpers
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
NOWRAP = Alignment(horizontal="center", vertical="center")


def put(ws, row, col, value, align=CENTER):
    cell = ws.cell(row=row, column=col)
    if isinstance(value, Fmt):
        cell.value, cell.number_format = value.value, value.number_format
    else:
        cell.value = value
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    cell.border, cell.alignment = BOX, align
    return cell


def line(ws, row, text, ncols, size=11, bold=False, align=LEFT, height=None):
    """A full-width merged text line (title, 填报单位 line, footer)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    c = ws.cell(row=row, column=1, value=text)
    c.font, c.alignment = Font(size=size, bold=bold), align
    if height:
        ws.row_dimensions[row].height = height


def header(ws, row, headers):
    for col, h in enumerate(headers, 1):
        put(ws, row, col, h).font = Font(bold=True)


def data_row(ws, row, values, id_cols=()):
    for col, v in enumerate(values, 1):
        c = put(ws, row, col, v, NOWRAP)
        if col in id_cols and isinstance(v, str):
            c.number_format = "@"  # IDs are stored as text


def widths(ws, ws_widths):
    for col, w in enumerate(ws_widths, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = w


def new_workbook():
    wb = openpyxl.Workbook()
    wb.properties.creator = "职称申报单位"
    wb.properties.created = dt.datetime(2023, 8, 20, 9, 0, 0)
    return wb


def _target(outdir, name) -> Path:
    path = Path(outdir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def save(wb, outdir, name) -> Path:
    path = _target(outdir, name)
    wb.properties.modified = dt.datetime(2023, 8, 20, 9, 0, 0)
    wb.save(path)
    return path


# --------------------------------------------------------------------------- 1. 凯里 roster
KL_FILE = "凯里市某医院_申报人员花名册.xlsx"
KL_TOP = ["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位", "最高学历", "毕业时间", "参加工作时间",
          "现专业技术资格", None, None, None, "申报系列", "申报资格", "申报级别", "继续教育学时", None, None, "备注"]
KL_SUB = {10: "所属系列", 11: "资格名称", 12: "级别", 13: "取得时间", 17: "2021年", 18: "2022年", 19: "2023年"}
KL_UNITS = [("凯里市第一人民医院", 10), ("凯里市炉山镇卫生院", 8), ("凯里市开怀街道社区卫生服务中心", 7)]
KL_TRACKS = "工医护药医护医医医工医护药医医护医医护医护医药医护"  # one per data row; rows 6 and 15 are engineers


def build_kaili_roster(outdir) -> Path:
    rng = random.Random(20230820)
    used = set()
    people = []
    for i, track in enumerate(KL_TRACKS):
        level = 2 if i == 9 or rng.random() >= 0.25 else 3  # 中级 -> 副高, some 副高 -> 正高
        edu = rng.choice(["大学本科"] * 5 + ["硕士研究生", "大学专科"]) if level == 2 else "大学本科"
        if i == 0:  # hospital engineer holding 助理工程师 since 2019.10 (the ambiguous 2019.1 cell)
            p = person(rng, used, "522601", "工", 1, cur_years=(2019, 2019))
            p["cur_date"] = D(2019, 10, 15)
        else:
            p = person(rng, used, "522601", track, level, edu, want_x=True if i == 19 else None)
        p["hours"] = [rng.randint(90, 132) for _ in range(3)]
        people.append(p)

    rows = []
    for i, p in enumerate(people):
        fmt = [rng.choice(DATE_STYLES) for _ in range(4)]
        rows.append({
            "name": p["name"], "sex": p["sex"], "birth": fmt_date(p["birth"], fmt[0]), "id": p["id"],
            "edu": p["edu"], "grad": fmt_date(p["grad"], fmt[1]), "work": fmt_date(p["work"], fmt[2]),
            "series": p["series"], "title": p["cur_title"], "level": LEVELS[p["cur_level"]],
            "title_date": fmt_date(p["cur_date"], fmt[3]), "a_series": p["series"], "a_title": p["apply_title"],
            "a_level": LEVELS[p["apply_level"]], "hours": list(p["hours"]), "note": "",
        })
    # ---- planted defects and format noise (row index i is Excel row 6 + i)
    rows[0]["title_date"] = 2019.1                                      # row 6: numeric 2019.1, ambiguous
    rows[1]["id"] = wrong_check(rows[1]["id"])                         # row 7: wrong check char
    rows[3]["id"] = Fmt(int(rows[3]["id"][:15]) * 1000, "0")            # row 9: typed as a number
    rows[4]["sex"] = "女" if rows[4]["sex"] == "男" else "男"            # row 10: sex vs ID
    rows[5]["hours"][2] = 60                                           # row 11: 2023 hours < 90
    rows[6]["id"] = fullwidth(rows[6]["id"])                           # row 12: full-width digits (noise)
    rows[8] = dict(rows[2], hours=list(rows[2]["hours"]))              # row 14: duplicate of row 8
    rows[9]["title"] = "高级工程师"                                     # row 15: title does not fit 中级
    n = rows[11]["name"]
    rows[11]["name"] = n[0] + "\u3000" + n[-1]                         # row 17: U+3000 in the name (noise)
    rows[13]["title_date"] = "2019年13月"                               # row 19: unparseable date
    rows[16]["birth"] = f"{add_months(people[16]['birth'], 5):%Y.%m}"  # row 22: 出生年月 vs ID
    rows[19]["id"] = rows[19]["id"].lower()                            # row 25: lower-case x (noise)
    rows[21]["sex"] = "未知"                                            # row 27: sex not allowed
    rows[24]["hours"][1] = "９０"                                       # row 30: full-width hours (noise)
    rows[12]["note"] = "医共体派驻"
    rows[20]["note"] = "已公示无异议"

    wb = new_workbook()
    ws = wb.active
    ws.title = "花名册"
    ncol = len(KL_TOP)
    ws["A1"] = "附件1-10"
    line(ws, 2, "贵州省申报专业技术职务任职资格人员花名册", ncol, size=16, bold=True, align=CENTER, height=30)
    line(ws, 3, "填报单位（盖章）：凯里市第一人民医院            填报日期：2023年8月20日", ncol)
    for col, h in enumerate(KL_TOP, 1):  # two-level header on rows 4-5
        put(ws, 4, col, h).font = Font(bold=True)
        if col in KL_SUB:
            put(ws, 5, col, KL_SUB[col]).font = Font(bold=True)
        else:
            put(ws, 5, col, None)
            if h is not None:
                ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    ws.merge_cells("J4:M4")
    ws.merge_cells("Q4:S4")
    for i, r in enumerate(rows):
        data_row(ws, 6 + i, [i + 1, r["name"], r["sex"], r["birth"], r["id"], None, r["edu"], r["grad"], r["work"],
                             r["series"], r["title"], r["level"], r["title_date"], r["a_series"], r["a_title"],
                             r["a_level"], *r["hours"], r["note"]], id_cols=(5,))
    start = 6
    for unit, size in KL_UNITS:  # 工作单位 merged down over each unit's rows
        ws.cell(row=start, column=6, value=unit)
        ws.merge_cells(start_row=start, start_column=6, end_row=start + size - 1, end_column=6)
        start += size
    last = 5 + len(rows)  # 30
    line(ws, last + 2, "填表说明：1. 身份证号码中的X一律大写；2. 日期格式为YYYY.MM", ncol)
    ws.cell(row=last + 3, column=1, value="填表人：张三    审核人：李四    联系电话：0855-1234567")
    widths(ws, [6, 10, 6, 11, 21, 16, 11, 11, 12, 8, 12, 8, 11, 8, 12, 9, 8, 8, 8, 14])
    ws.freeze_panes = "C6"
    return save(wb, outdir, KL_FILE)


# --------------------------------------------------------------------------- 2. 温州 roster
WZ_FILE = "温州某企业_评审对象资格审查花名册.xlsx"
WZ_HEAD = ["序号", "姓名", "性别", "公民身份号码", "单位名称", "学历", "所学专业", "现任职资格", "取得资格时间",
           "拟申报资格", "申报系列", "是否破格", "破格条件", "社保缴纳月数", "2016年度考核", "2017年度考核",
           "2018年度考核", "公示开始日期", "公示结束日期", "备注"]
WZ_UNITS = ["温州瓯信电气有限公司", "温州瓯信电气有限公司研发中心", "浙江瓯信智能装备有限公司"]
WZ_MAJORS = ["电气工程及其自动化", "机械设计制造及其自动化", "自动化", "材料成型及控制工程", "电子信息工程", "工业设计"]
WZ_INSTRUCTIONS = [
    "填表说明",
    "1. 本表由申报单位汇总填写，一律使用《评审对象资格审查花名册》格式，并附电子文档。",
    "2. 身份证号码中有“X”的，一律用大写“X”。",
    "3. 取得资格时间指评定通过的时间，不是发证时间。",
    "4. 破格申报人员须在“破格条件”栏明确写明对应的破格条件条款。",
    "5. 社保缴纳月数指申报截止日前在温州缴纳社会保险的月数。",
    "6. 申报对象须在工作单位公示一周以上，请填写公示起止日期。",
]


def build_wenzhou_roster(outdir) -> Path:
    rng = random.Random(20190614)
    used = set()
    wb = new_workbook()
    info = wb.active
    info.title = "填表说明"
    for r, text in enumerate(WZ_INSTRUCTIONS, 1):
        info.cell(row=r, column=1, value=text).font = Font(bold=(r == 1), size=14 if r == 1 else 11)
    info.column_dimensions["A"].width = 90
    ws = wb.create_sheet("资格审查花名册")
    ncol = len(WZ_HEAD)
    line(ws, 1, "2019年度工程技术人员评审对象资格审查花名册", ncol, size=16, bold=True, align=CENTER, height=30)
    line(ws, 2, "填报单位（盖章）：温州瓯信电气有限公司        填报日期：2019年7月15日", ncol)
    header(ws, 3, WZ_HEAD)
    edu_spelling = {"大学本科": ["本科", "大学本科"], "大学专科": ["大专"], "硕士研究生": ["硕士"]}
    pub_start, pub_end = D(2019, 7, 1), D(2019, 7, 9)
    for i in range(20):
        row = 4 + i
        poge = i in (2, 6)  # rows 6 and 10 are 破格 applications
        edu = "大学专科" if i % 7 == 3 else ("硕士研究生" if i % 6 == 5 else "大学本科")
        level = 1 if edu == "大学专科" or i % 4 == 1 else 2  # 助理工程师 -> 工程师, 工程师 -> 高级工程师
        years = (2016, 2017) if poge else ((2008, 2014) if level == 2 else (2011, 2015))
        p = person(rng, used, rng.choice(["330302"] * 4 + ["330303", "330381"]), "工", level, edu, cur_years=years)
        work_months = (2019 - p["work"].year) * 12
        social = min(work_months, rng.randint(24, 150))
        yesno = rng.choice(["是", "√", "Y"]) if poge else rng.choice(["否", "否", "否", "×"])
        clause = "符合浙江省工程系列高级工程师破格条件第三条第（二）款" if poge else ""
        title_date = fmt_date(p["cur_date"], rng.choice(["dot", "cn", "cell", "dash"]))
        appraisals = [rng.choice(["合格", "合格", "优秀", "称职"]) for _ in range(3)]
        start, end = pub_start, Fmt(pub_end, "yyyy-mm-dd")
        name, apply_title, note = p["name"], p["apply_title"], ""
        if i == 2:
            clause, yesno = "", "√"                         # row 6: 破格 without 破格条件
        if i == 5:
            social = 2                                      # row 9: 2 months of 温州 social insurance
        if i == 8:
            appraisals[1] = "基本合格"                        # row 12: appraisal below 合格
        if i == 11:
            end = Fmt(D(2019, 7, 5), "yyyy-mm-dd")          # row 15: 公示 only 5 calendar days
            note = "补报"
        if i == 14:
            name = None                                     # row 18: 姓名 empty
        if i == 16:
            assert level == 2
            apply_title = "高工"                             # row 20: synonym, not a defect
        if i == 7:
            start = "2019.07.01"                             # text date (noise)
        data_row(ws, row, [i + 1, name, p["sex"], p["id"], WZ_UNITS[0 if i % 4 else i % 3],
                           rng.choice(edu_spelling[edu]), rng.choice(WZ_MAJORS), p["cur_title"], title_date,
                           apply_title, "工程", yesno, clause, social, *appraisals, start, end, note], id_cols=(4,))
    widths(ws, [6, 10, 6, 21, 26, 9, 20, 12, 12, 12, 9, 9, 30, 12, 12, 12, 12, 12, 12, 10])
    ws.freeze_panes = "C4"
    return save(wb, outdir, WZ_FILE)


# --------------------------------------------------------------------------- 3. 赤峰 hours register
CF_FILE = "赤峰某局_继续教育学时登记表.xlsx"
CF_HEAD = ["序号", "年度", "姓名", "身份证号", "工作单位", "现职称", "公需科目学时", "专业科目学时", "合计",
           "审核单位", "审核人", "审核日期"]
CF_UNITS = ["赤峰市红山区农牧局", "红山区农业技术推广站", "红山区动物疫病预防控制中心"]


def build_chifeng_hours(outdir) -> Path:
    rng = random.Random(20190610)
    used = set()
    wb = new_workbook()
    ws = wb.active
    ws.title = "学时登记"
    ncol = len(CF_HEAD)
    line(ws, 1, "继续教育学时审核登记表", ncol, size=16, bold=True, align=CENTER, height=30)
    line(ws, 2, "审核单位（盖章）：赤峰市红山区人力资源和社会保障局        登记日期：2019年6月20日", ncol)
    header(ws, 3, CF_HEAD)
    row = 4
    for k in range(10):
        track = "兽" if k % 4 == 3 else "农"
        p = person(rng, used, "150402", track, rng.choice([1, 2, 2, 3]), cur_years=(2008, 2013))
        unit = CF_UNITS[2] if track == "兽" else CF_UNITS[k % 2]
        for j, year in enumerate((2016, 2017, 2018)):
            public = rng.randint(24, 36)
            prof = max(60, 90 - public) + rng.randint(0, 30)
            total = public + prof
            if (k, j) == (2, 1):
                public, prof, total = 30, 60, 100          # row 11: 合计 != 公需 + 专业
            if (k, j) == (4, 2):
                public, prof, total = 20, 50, 70           # row 18: total 70 < 90
            if (k, j) == (6, 0):
                public, prof, total = 40, 50, 90           # row 22: 专业 50 < 60 (2/3 of 90)
            if (k, j) == (8, 1):
                public, prof, total = 30, 60, "90学时"      # row 29: hours typed as text
            checked = D(2019, 6, rng.randint(10, 19))
            data_row(ws, row + j, [k + 1, f"{year}年度" if k == 5 else year, p["name"], p["id"], unit,
                                   p["cur_title"], public, prof, total, "赤峰市红山区人力资源和社会保障局",
                                   "刘建华", Fmt(checked, "yyyy/m/d")], id_cols=(4,))
        for col in (1, 3, 4, 5, 6):  # 序号/姓名/身份证号/工作单位/现职称 merged down over the 3 years
            for r in (row + 1, row + 2):
                ws.cell(row=r, column=col).value = None
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 2, end_column=col)
        row += 3
    widths(ws, [6, 8, 10, 21, 26, 12, 12, 12, 8, 30, 9, 12])
    return save(wb, outdir, CF_FILE)


# --------------------------------------------------------------------------- 4. 镇江 sanction review
ZJ_FILE = "镇江某单位_受纪律处分情况审查表.xlsx"
ZJ_HEAD = ["序号", "姓名", "身份证号", "工作单位", "政治面貌", "是否受过处分", "处分类别", "处分种类", "处分决定机关",
           "处分文号", "处分决定日期", "诚信记录", "单位审查意见"]
ZJ_UNITS = ["镇江市京口区城市建设服务中心", "镇江市京口区市政设施管理所"]
PARTY_ORG = "中共镇江市京口区纪律检查委员会"
GOV_ORG = "镇江市京口区监察委员会"


def build_zhenjiang_sanctions(outdir) -> Path:
    rng = random.Random(20240313)
    used = set()
    wb = new_workbook()
    ws = wb.active
    ws.title = "审查表"
    ncol = len(ZJ_HEAD)
    line(ws, 1, "2024年度职称申报人员受纪律处分情况审查表", ncol, size=16, bold=True, align=CENTER, height=30)
    line(ws, 2, "单位（盖章）：镇江市京口区城市建设服务中心        审查日期：2024年3月20日", ncol)
    header(ws, 3, ZJ_HEAD)
    # data index -> (是否受过处分, 处分类别, 处分种类, 处分决定机关, 处分文号, 处分决定日期, 诚信记录)
    special = {
        2: ("是", "党纪", "警告", PARTY_ORG, "京纪发〔2023〕15号", "2023年6月15日", "无"),              # row 6
        4: ("是", "政务", "记过", GOV_ORG, "京监发〔2023〕8号", Fmt(D(2023, 3, 28), "yyyy-mm-dd"), "无"),  # row 8
        6: ("是", "政务", None, GOV_ORG, "京监发〔2022〕21号", "2022.11", "无"),                       # row 10
        8: ("否", None, None, None, None, None, "2022年申报中弄虚作假，已认定"),                         # row 12
        9: ("是", "党纪", "警告", PARTY_ORG, "京纪发〔2021〕6号", Fmt(D(2021, 4, 20), "yyyy-mm-dd"), "无"),  # row 13, expired
        10: ("否", None, None, None, None, None, "曾有考试违纪"),                                       # row 14
    }
    for i in range(12):
        p = person(rng, used, "321102", "工", rng.choice([1, 2, 2, 3]), cur_years=(2010, 2017))
        pol = rng.choice(["中共党员", "群众", "群众", "共青团员", "九三学社社员"])
        clean = ("否", None, None, None, None, None, rng.choice(["无", "良好", "无不良记录"]))
        has, kind, typ, org, docno, date, integrity = special.get(i, clean)
        pol = "中共党员" if kind == "党纪" else pol
        opinion = "经审查，该同志情况属实。" if has == "否" else "经审查，该同志受处分情况属实。"
        data_row(ws, 4 + i, [i + 1, p["name"], p["id"], ZJ_UNITS[i % 2], pol, has, kind, typ, org, docno, date,
                             integrity, opinion], id_cols=(3,))
    widths(ws, [6, 10, 21, 28, 12, 12, 10, 10, 30, 18, 14, 30, 28])
    return save(wb, outdir, ZJ_FILE)


# --------------------------------------------------------------------------- 5. 海门 legacy .xls
HM_FILE = "海门某厂_评审通过人员花名册.xls"
HM_HEAD = ["序号", "姓名", "性别", "出生年月", "身份证号", "工作单位", "系列", "专业", "资格名称", "级别", "评委会",
           "通过时间", "文号", "公示起始日期", "公示截止日期", "备注"]
HM_MAJORS = ["机械设计", "电气自动化", "纺织工程", "机械制造", "工业自动化"]


def build_haimen_xls(outdir) -> Path:
    import xlwt

    rng = random.Random(20190920)
    used = set()
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("评审通过人员")
    border = "borders: left thin, right thin, top thin, bottom thin; align: horiz center, vert center, wrap on"
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center, vert center")
    head = xlwt.easyxf("font: bold on; " + border)
    text = xlwt.easyxf(border, num_format_str="@")
    plain = xlwt.easyxf(border)
    date = xlwt.easyxf(border, num_format_str="YYYY-MM-DD")
    ncol = len(HM_HEAD)
    ws.write_merge(0, 0, 0, ncol - 1, "2019年度中级专业技术资格评审通过人员花名册", title)
    ws.row(0).height_mismatch = True
    ws.row(0).height = 600
    ws.write_merge(1, 1, 0, ncol - 1, "填报单位：海门市通海纺织机械厂        填报日期：2019年10月15日",
                   xlwt.easyxf("align: horiz left"))
    for col, h in enumerate(HM_HEAD):
        ws.write(2, col, h, head)
    for i in range(15):
        r = 3 + i  # Excel row 4 + i
        p = person(rng, used, "320684", "工", 1, rng.choice(["大学本科", "大学本科", "大学专科"]), cur_years=(2010, 2014))
        idn = wrong_check(p["id"]) if i == 4 else p["id"]                      # row 8: wrong check char
        passed, docno = D(2019, 9, 18), "通职称〔2019〕35号"
        pub = (D(2019, 9, 23), D(2019, 9, 27))                                 # Mon-Fri, 5 working days
        if i == 12:
            passed, docno = D(2019, 9, 26), "通职称〔2019〕41号"
            pub = (D(2019, 9, 30), D(2019, 10, 8))                             # row 16: spans National Day
        values = [(i + 1, plain), (p["name"], plain), (p["sex"], plain), (f"{p['birth']:%Y.%m}", text),
                  (idn, text), ("海门市通海纺织机械厂", plain), ("工程", plain), (rng.choice(HM_MAJORS), plain),
                  ("工程师", plain), ("中级", plain), ("南通市机械工程中级专业技术资格评审委员会", plain),
                  (passed, date), (docno, plain), (pub[0], date), (pub[1], date), ("", plain)]
        for col, (v, style) in enumerate(values):
            ws.write(r, col, v, style)
    for col, w in enumerate([6, 10, 6, 10, 21, 22, 6, 12, 10, 6, 36, 12, 18, 13, 13, 8]):
        ws.col(col).width = 256 * w
    path = _target(outdir, HM_FILE)
    wb.save(str(path))
    return path


# --------------------------------------------------------------------------- 6. mixed workbook
MIX_FILE = "某单位_混合工作簿.xlsx"
MIX_ROSTER_HEAD = ["序号", "姓名", "性别", "身份证号", "工作单位", "现专业技术资格", "拟申报资格",
                   "2021年继续教育学时", "2022年继续教育学时", "2023年继续教育学时", "备注"]
MIX_CE_HEAD = ["序号", "年度", "姓名", "身份证号", "公需科目学时", "专业科目学时", "合计", "审核单位"]
MIX_UNIT = "黔东南州城乡规划设计研究院"


def build_mixed_workbook(outdir) -> Path:
    rng = random.Random(20230801)
    used = set()
    people = [person(rng, used, "522601", "工", rng.choice([1, 2]), cur_years=(2010, 2017)) for _ in range(8)]
    split = []
    for _ in people:  # (公需, 专业) per year, total >= 90 and 专业 >= 60
        split.append([(a, rng.randint(max(60, 90 - a), 90)) for a in (rng.randint(24, 36) for _ in range(3))])
    wb = new_workbook()
    ws = wb.active
    ws.title = "申报人员"
    header(ws, 1, MIX_ROSTER_HEAD)
    for i, p in enumerate(people):
        hours = [a + b for a, b in split[i]]
        if i == 2:
            hours[1] = 120                                  # row 4: roster 2022 says 120, register says 96
            split[i][1] = (32, 64)
        data_row(ws, 2 + i, [i + 1, p["name"], p["sex"], Fmt(p["id"], "@"), MIX_UNIT, p["cur_title"],
                             p["apply_title"], *hours, ""])
    widths(ws, [6, 10, 6, 21, 28, 14, 14, 12, 12, 12, 10])
    ce = wb.create_sheet("继续教育登记")
    line(ce, 1, "专业技术人员继续教育学时登记", len(MIX_CE_HEAD), size=14, bold=True, align=CENTER)
    header(ce, 2, MIX_CE_HEAD)
    row = 3
    for i, p in enumerate(people):
        for j, year in enumerate((2021, 2022, 2023)):
            a, b = split[i][j]
            data_row(ce, row, [row - 2, year, p["name"], Fmt(p["id"], "@"), a, b, a + b,
                               "凯里市人力资源和社会保障局"])
            row += 1
    widths(ce, [6, 8, 10, 21, 12, 12, 8, 28])
    return save(wb, outdir, MIX_FILE)


# --------------------------------------------------------------------------- 8. clean roster
CLEAN_FILE = "干净的花名册.xlsx"
CLEAN_HEAD = ["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位", "最高学历", "毕业时间", "参加工作时间",
              "所属系列", "现专业技术资格", "取得资格时间", "申报系列", "申报资格", "申报级别",
              "2021年继续教育学时", "2022年继续教育学时", "2023年继续教育学时", "备注"]


def clean_workbook():
    rng = random.Random(20230830)
    used = set()
    wb = new_workbook()
    ws = wb.active
    ws.title = "花名册"
    header(ws, 1, CLEAN_HEAD)
    for i in range(10):
        level = 1 if i in (3, 7) else 2
        years = (2012, 2018) if level == 1 else (2009, 2016)
        p = person(rng, used, "522601", "工", level, "硕士研究生" if i == 5 else "大学本科", cur_years=years,
                   want_x=True if i == 4 else None)
        data_row(ws, 2 + i, [i + 1, p["name"], p["sex"], f"{p['birth']:%Y.%m}", p["id"], "凯里市建设工程质量安全监督站",
                             p["edu"], f"{p['grad']:%Y.%m}", f"{p['work']:%Y.%m}", "工程", p["cur_title"],
                             f"{p['cur_date']:%Y.%m}", "工程", p["apply_title"], LEVELS[p["apply_level"]],
                             rng.randint(90, 120), rng.randint(90, 120), rng.randint(90, 120), ""], id_cols=(5,))
    widths(ws, [6, 10, 6, 10, 21, 28, 12, 10, 12, 8, 14, 12, 8, 14, 9, 12, 12, 12, 8])
    return wb


def build_clean_roster(outdir) -> Path:
    return save(clean_workbook(), outdir, CLEAN_FILE)


# --------------------------------------------------------------------------- 7. bad files
def build_truncated(outdir) -> Path:
    buf = io.BytesIO()
    clean_workbook().save(buf)
    path = _target(outdir, "损坏的文件.xlsx")
    path.write_bytes(buf.getvalue()[:3000])  # a zip cut short: no central directory
    return path


def build_not_a_workbook(outdir) -> Path:
    path = _target(outdir, "不是表格.xlsx")
    path.write_text("这不是一个Excel文件，只是改了扩展名的文本。\n姓名,身份证号\n张三,522601198506120011\n",
                    encoding="utf-8")
    return path


BUILDERS = [build_kaili_roster, build_wenzhou_roster, build_chifeng_hours, build_zhenjiang_sanctions,
            build_haimen_xls, build_mixed_workbook, build_truncated, build_not_a_workbook, build_clean_roster]

# Planted defects: file -> [(sheet, Excel row, column header, rule id)]; "noise" rows must be read cleanly.
PLANTED = {
    KL_FILE: [("花名册", 6, "现专业技术资格/取得时间", "FMT-DATE(W)"), ("花名册", 7, "身份证号码", "ID-RIC"),
              ("花名册", 9, "身份证号码", "ID-RIC-NUMERIC"), ("花名册", 10, "性别", "ID-RIC"),
              ("花名册", 11, "继续教育学时/2023年", "HOURS-ANNUAL-KL"), ("花名册", 14, "身份证号码", "FMT-DUP"),
              ("花名册", 15, "现专业技术资格/资格名称", "FMT-TITLE-NAME"),
              ("花名册", 19, "现专业技术资格/取得时间", "FMT-DATE"), ("花名册", 22, "出生年月", "ID-RIC"),
              ("花名册", 27, "性别", "FMT-ENUM")],
    WZ_FILE: [("资格审查花名册", 6, "破格条件", "POGE-CLAUSE-WZ"), ("资格审查花名册", 9, "社保缴纳月数", "SOC-3M-WZ"),
              ("资格审查花名册", 12, "2017年度考核", "APPR-MIN-PERIOD-WZ"),
              ("资格审查花名册", 15, "公示结束日期", "PUB-UNIT-WZ"), ("资格审查花名册", 18, "姓名", "REQUIRED")],
    CF_FILE: [("学时登记", 11, "合计", "HOURS-SUM"), ("学时登记", 18, "合计", "HOURS-ANNUAL"),
              ("学时登记", 22, "专业科目学时", "HOURS-PROF-SHARE"), ("学时登记", 29, "合计", "FMT-NUMBER")],
    ZJ_FILE: [("审查表", 6, "处分决定日期", "DISC-PARTY-PERIOD"), ("审查表", 8, "处分决定日期", "DISC-GOV-PERIOD"),
              ("审查表", 10, "处分种类", "DISC-FORM-PRESENT"), ("审查表", 12, "诚信记录", "BAN-INTEGRITY-ZJ"),
              ("审查表", 14, "诚信记录", "BAN-INTEGRITY-ZJ(W)")],
    HM_FILE: [("评审通过人员", 8, "身份证号", "ID-RIC"), ("评审通过人员", 16, "公示截止日期", "PUB-WORKDAYS")],
    MIX_FILE: [("申报人员", 4, "2022年继续教育学时", "HOURS-CROSS-SHEET")],
    "损坏的文件.xlsx": [(None, None, None, "FILE-CORRUPT")],
    "不是表格.xlsx": [(None, None, None, "FILE-NOT-WORKBOOK")],
    CLEAN_FILE: [],
}


def main(outdir=None) -> list[Path]:
    outdir = Path(outdir) if outdir else Path(__file__).resolve().parent
    return [build(outdir) for build in BUILDERS]


def _summary(paths):
    from python_calamine import CalamineWorkbook

    for p in paths:
        try:
            wb = CalamineWorkbook.from_path(str(p))
            shapes = []
            for i, name in enumerate(wb.sheet_names):
                rows = wb.get_sheet_by_index(i).to_python()
                shapes.append(f"{name}: {len(rows)}x{max((len(r) for r in rows), default=0)}")
            print(f"OK   {p.name}  [{'; '.join(shapes)}]")
        except Exception as exc:  # the two bad files are expected to land here
            print(f"FAIL {p.name}  ({type(exc).__name__}: {str(exc)[:60]})")


if __name__ == "__main__":
    _summary(main(sys.argv[1] if len(sys.argv) > 1 else None))
