"""Identity rules: ID numbers (GB 11643), birth date and sex against the ID."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import Hit, rule
from ..idcard import age_on, parse_id
from .career import id_screen, narrow

ALL = ("applicant_roster", "ce_hours", "review_roster", "sanction_review")


def _ids(df: pd.DataFrame):
    """(index, IdInfo) for rows with a well-formed ID (format errors are the schema's IDN001)."""
    for idx, num in df["id_number"].items():
        if isinstance(num, str):
            yield idx, parse_id(num)


@rule("IDN002", "id-check-char", "identity", "error",
      "身份证号码“{value}”校验码错误：按前17位计算末位应为{expected}，实际为{found}；请按原件核对号码",
      kinds=ALL, fields=("id_number",))
def id_check_char(df, ctx):
    """
    检查内容：身份证号码第 18 位校验码是否与前 17 位按 GB 11643 算法算出的一致。录错任何一位数字，校验码几乎都会对不上。

    依据：GB 11643-1999《公民身份号码》（加权系数 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2，模 11）。

    不合格示例：“522601198506121235”（按前 17 位应为 4）。

    合格示例：“522601198506121234”。

    如何修改：对照身份证原件逐位核对，通常是中间某一位录错，而不是最后一位。
    """
    ids = id_screen(df, ctx)
    for idx, info in _ids(narrow(df, ids.is_str & ~ids.plain)):  # screen: a plain ID has no problem
        for code, params in info.problems:
            if code == "IDN002":
                yield Hit(idx, "id_number", params)


@rule("IDN003", "id-birth-invalid", "identity", "error", "身份证号码“{value}”中的出生日期{birth}{why}",
      kinds=ALL, fields=("id_number",))
def id_birth(df, ctx):
    """
    检查内容：身份证号码第 7–14 位的出生日期是否为真实日期，且按此计算的年龄在合理范围内（默认 16–70 周岁，以校验基准日计，政策配置 identity.min_age / max_age）。

    依据：GB 11643-1999；`rules.md` §Y ID-RIC（年龄 16–70）。

    不合格示例：“522601198513121234”（13 月）；出生于 2015 年的申报人。

    合格示例：出生日期 19850612，基准日年满 38 周岁。

    如何修改：对照身份证原件核对出生日期部分。
    """
    lo = ctx.policy.get("identity.min_age", 16)
    hi = ctx.policy.get("identity.max_age", 70)
    ids = id_screen(df, ctx)
    years = ctx.as_of.year - ids.year  # screen: the age is this or one less
    for idx, info in _ids(narrow(df, ids.is_str & (~ids.plain | (years - 1 < lo) | (years > hi)))):
        for code, params in info.problems:
            if code == "IDN003":
                yield Hit(idx, "id_number", params)
        if info.birth is not None:
            age = age_on(info.birth, ctx.as_of)
            if not lo <= age <= hi:
                yield Hit(idx, "id_number", {"birth": f"{info.birth:%Y年%m月%d日}",
                                             "why": f"对应年龄{age}周岁，不在{lo}–{hi}周岁的合理范围内"},
                          "warning")


@rule("IDN004", "id-sex-mismatch", "identity", "error",
      "性别“{value}”与身份证号码不符：按身份证号码第17位应为{expected}",
      kinds=ALL, fields=("id_number", "sex"))
def id_sex(df, ctx):
    """
    检查内容：“性别”与身份证号码第 17 位（奇数为男，偶数为女）是否一致。

    依据：GB 11643-1999 顺序码规定。

    不合格示例：身份证号码“522601198506121234”（第17位为3，男），性别填“女”。

    合格示例：同一号码，性别填“男”。

    如何修改：核对性别或身份证号码，改正录错的一项。
    """
    ids = id_screen(df, ctx)
    given = df["sex"].to_numpy(dtype=object)
    # screen: a plain ID's sex differs from a 男 or 女 written
    df = narrow(df, ids.is_str & ((given == "男") | (given == "女")) & (~ids.plain | ((given == "男") != ids.male)))
    sex = df["sex"]
    for idx, info in _ids(df):
        s = sex.get(idx)
        if info.sex and s in ("男", "女") and s != info.sex:
            yield Hit(idx, "sex", {"expected": info.sex})


@rule("IDN005", "id-birth-mismatch", "identity", "error",
      "出生年月“{value}”与身份证号码不符：按身份证号码应为{expected}",
      kinds=ALL, fields=("id_number", "birth_date"))
def id_birth_match(df, ctx):
    """
    检查内容：“出生年月”（或出生日期）与身份证号码中的出生日期是否一致；只写到年月的，只比较年月。

    依据：GB 11643-1999；`rules.md` §Y ID-RIC。

    不合格示例：身份证号码出生日期为 1985-06-12，出生年月填“1986.06”。

    合格示例：出生年月填“1985.06”或“1985年6月”。

    如何修改：以身份证为准改正出生年月；如身份证号码录错，改正号码。
    """
    ids = id_screen(df, ctx)
    d = df["birth_date"].dt
    year, month, day = (x.to_numpy(dtype=float, na_value=np.nan) for x in (d.year, d.month, d.day))
    p = df["birth_date__prec"].to_numpy(dtype=object) if "birth_date__prec" in df else np.full(len(df), "D")
    # screen: a plain ID whose birth date differs from the one written, to the precision written (the same test)
    differs = (year != ids.year) | ((p != "Y") & (month != ids.month)) | ((p == "D") & (day != ids.day))
    df = narrow(df, ids.is_str & ~np.isnan(year) & (~ids.plain | differs))
    birth = df["birth_date"]
    prec = df.get("birth_date__prec")
    for idx, info in _ids(df):
        b = birth.get(idx)
        if info.birth is None or b is None or pd.isna(b):
            continue
        p = prec.get(idx) if prec is not None else "D"
        same = (b.year == info.birth.year and (p == "Y" or b.month == info.birth.month)
                and (p != "D" or b.day == info.birth.day))
        if not same:
            expected = f"{info.birth:%Y.%m}" if p != "D" else f"{info.birth:%Y-%m-%d}"
            yield Hit(idx, "birth_date", {"expected": expected})


@rule("IDN007", "id-legacy-15", "identity", "warning", "身份证号码“{value}”是15位旧号码，请填写18位号码",
      kinds=ALL, fields=("id_number",))
def id_legacy(df, ctx):
    """
    检查内容：是否填写了 15 位的第一代身份证号码。

    依据：GB 11643-1999 已用 18 位号码取代 15 位号码；`rules.md` §Y ID-RIC-15。

    不合格示例：“522601850612123”。

    合格示例：“522601198506121234”。

    如何修改：按第二代身份证填写 18 位号码。
    """
    ids = id_screen(df, ctx)
    for idx, info in _ids(narrow(df, ids.is_str & ~ids.plain)):  # screen: a plain ID is not a 15-digit one
        if any(code == "IDN007" for code, _ in info.problems):
            yield Hit(idx, "id_number", {})
