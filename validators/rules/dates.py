"""Dates in impossible order, and dates after the as-of date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..fields import field_label
from ..findings import Hit, rule

ALL = ("applicant_roster", "ce_hours", "review_roster", "sanction_review")

# (earlier, later, minimum years between them, Chinese reason)
ORDER = [
    ("birth_date", "grad_date", 0, "毕业时间不应早于出生"),
    ("birth_date", "work_start_date", 16, "参加工作时应已年满16周岁"),
    ("birth_date", "cur_title_date", 16, "取得现资格时应已年满16周岁"),
    ("work_start_date", "cur_title_date", 0, "取得现资格时间不应早于参加工作时间"),
    ("cur_title_date", "pass_date", 0, "评审通过时间不应早于取得现资格时间"),
    ("publicity_start", "publicity_end", 0, "公示结束日期不应早于开始日期"),
    ("sanction_date", "sanction_end_date", 0, "影响期截止日不应早于处分决定日期"),
    ("birth_date", "sanction_date", 16, "处分日期不合理"),
]
NOT_FUTURE = ("birth_date", "grad_date", "work_start_date", "cur_title_date", "sanction_date", "skill_cert_date",
              "integrity_record_date")
_RANK = {"Y": 0, "M": 1, "D": 2}


def _keys(dates: pd.Series, prec: pd.Series, rank: np.ndarray) -> np.ndarray:
    """Sortable integer keys of dates truncated to ``rank`` (0 year, 1 month, 2 day); NaT gives -1."""
    d = pd.DatetimeIndex(dates)
    y, m, dd = d.year.to_numpy(), d.month.to_numpy(), d.day.to_numpy()
    key = y * 10000 + np.where(rank >= 1, m * 100, 0) + np.where(rank >= 2, dd, 0)
    return np.where(d.isna(), -1, key)


def _rank(prec: pd.Series) -> np.ndarray:
    """_RANK of each precision, 2 (day) for anything else."""
    p = prec.to_numpy(dtype=object)
    return np.where(p == "Y", _RANK["Y"], np.where(p == "M", _RANK["M"], 2))


def definitely_before(a: pd.Series, pa: pd.Series, b: pd.Series, pb: pd.Series) -> np.ndarray:
    """Row by row: is ``a`` before ``b`` whatever the unknown parts (day, month) of either?"""
    rank = np.minimum(_rank(pa), _rank(pb))
    ka, kb = _keys(a, pa, rank), _keys(b, pb, rank)
    return (ka >= 0) & (kb >= 0) & (ka < kb)


@rule("FMT005", "date-order", "format", "error", "{column}“{value}”与{other}“{other_value}”先后矛盾：{reason}",
      kinds=ALL)
def date_order(df, ctx):
    """
    检查内容：同一行中的日期先后是否可能：出生早于毕业，参加工作、取得资格时已满 16 周岁，取得现资格不早于参加工作，公示结束不早于开始，等等。只写到年月的日期按年月比较，只有确定矛盾时才报错。

    依据：`rules.md` §Y FMT-DATE-ORDER。

    不合格示例：出生年月 1990.05，参加工作时间 2001.07（年仅 11 岁）。

    合格示例：出生年月 1990.05，参加工作时间 2012.07。

    如何修改：核对两项日期，改正录错的一项（常见为年份录错）。
    """
    for early, late, years, reason in ORDER:
        if early not in df or late not in df:
            continue
        shifted = df[early] + pd.DateOffset(years=years) if years else df[early]
        bad = definitely_before(df[late], df[f"{late}__prec"], shifted, df[f"{early}__prec"])
        for idx in df.index[bad]:
            yield Hit(idx, late, {"other": field_label(early), "other_value": ctx.raw(idx, early),
                                  "reason": reason})


@rule("FMT008", "date-after-as-of", "format", "error", "{column}“{value}”晚于校验基准日{as_of}，不可能已经发生",
      kinds=ALL)
def not_future(df, ctx):
    """
    检查内容：出生、毕业、参加工作、取得现资格、处分等已发生的日期，是否晚于校验基准日（`--as-of`，默认取政策配置的申报日期）。

    依据：`rules.md` §Y FMT-DATE-ORDER（“every date ≤ cutoff”）。

    不合格示例：基准日 2023-08-30，取得资格时间填“2032.06”。

    合格示例：取得资格时间“2022.06”。

    如何修改：核对年份，通常是数字顺序录反或录错。
    """
    as_of = pd.Series(pd.Timestamp(ctx.as_of), index=df.index)
    day = pd.Series("D", index=df.index)
    for fld in NOT_FUTURE:
        if fld not in df:
            continue
        for idx in df.index[definitely_before(as_of, day, df[fld], df[f"{fld}__prec"])]:
            yield Hit(idx, fld, {"as_of": f"{ctx.as_of:%Y-%m-%d}"})
