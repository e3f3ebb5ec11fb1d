"""Generate N realistic roster submissions (title rows, 填报单位 line, two-level header, footer, some defects)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

from zhicheng.validators.idcard import make_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
REGIONS = ["522601", "330302", "150402", "321102", "320684", "110105"]
LADDER = [("助理工程师", "助理级"), ("工程师", "中级"), ("高级工程师", "副高级")]
TOP = ["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位", "所在部门及岗位", "最高学历", "所学专业",
       "毕业时间", "参加工作时间", "专业工作年限", "现专业技术资格", None, None, None, "申报系列", "拟申报资格",
       "申报级别", "申报专业", "继续教育学时", None, None, "是否破格", "联系电话", "备注"]
SUB = [None] * 12 + ["所属系列", "资格名称", "级别", "取得时间"] + [None] * 4 + ["2021年", "2022年", "2023年"] + [None] * 3
DATE_STYLES = [lambda d: f"{d:%Y.%m}", lambda d: f"{d.year}年{d.month}月", lambda d: f"{d:%Y%m}", lambda d: d]


def person(rng: random.Random, i: int, defect: bool) -> list:
    birth = dt.date(rng.randint(1970, 1995), rng.randint(1, 12), rng.randint(1, 28))
    male = rng.random() < 0.5
    ident = make_id(rng.choice(REGIONS), birth, rng.randint(1, 499), male)
    grad = dt.date(birth.year + 22, 7, 1)
    step = rng.randint(0, 1)
    title, level = LADDER[step]
    title_date = dt.date(min(grad.year + 5 + step * 5, 2018), rng.randint(1, 12), 1)
    apply_title, apply_level = LADDER[step + 1]
    hours = [90, 90, 90]
    sex = "男" if male else "女"
    style = rng.choice(DATE_STYLES)
    if defect:
        kind = rng.randint(0, 3)
        if kind == 0:
            ident = ident[:-1] + ("0" if ident[-1] != "0" else "1")
        elif kind == 1:
            sex = "女" if male else "男"
        elif kind == 2:
            hours[2] = 60
        else:
            title_date = "2019年13月"
    return [i, rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))), sex,
            style(birth), ident, None, "技术部", rng.choice(["大学本科", "本科", "硕士研究生"]), "机械工程",
            style(grad), style(dt.date(grad.year, 8, 1)), 2023 - grad.year, "工程", title, level,
            style(title_date) if isinstance(title_date, dt.date) else title_date, "工程", apply_title, apply_level,
            "机械", *hours, "否", f"138{rng.randint(10000000, 99999999)}", None]


def write_roster(path: Path, rows: int, defect_rate: float, seed: int) -> int:
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    unit = f"某市第{seed % 97 + 1}工程技术研究院"
    ws.append(["附件1"])
    ws.append(["2023年度专业技术职务任职资格申报人员花名册"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(TOP))
    ws.append([f"填报单位（盖章）：{unit}            填报日期：2023年8月20日"])
    ws.append(TOP)
    ws.append(SUB)
    for c, (a, b) in enumerate(zip(TOP, SUB), start=1):
        if a and not b:
            ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    ws.merge_cells(start_row=4, start_column=13, end_row=4, end_column=16)
    ws.merge_cells(start_row=4, start_column=21, end_row=4, end_column=23)
    defects = 0
    for i in range(1, rows + 1):
        d = rng.random() < defect_rate
        defects += d
        row = person(rng, i, d)
        ws.append(row)
        ws.cell(ws.max_row, 5).number_format = "@"
    ws.cell(6, 6, unit)
    ws.merge_cells(start_row=6, start_column=6, end_row=5 + rows, end_column=6)
    ws.append([])
    ws.append(["填表说明：身份证号码中的X一律大写；日期写到年月。"])
    ws.append(["填表人：", None, None, "审核人：", None, None, "联系电话："])
    wb.save(path)
    return defects


def generate(folder: Path, files: int, rows: int, defect_rate: float) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(files):
        p = folder / f"unit_{n:05d}.xlsx"
        if not p.exists():
            write_roster(p, rows, defect_rate, seed=n)
        paths.append(p)
    return paths
