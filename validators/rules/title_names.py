"""Title names that do not fit their level or series (资格名称 高级工程师 with 级别 中级)."""

from __future__ import annotations

from ..fields import ENUMS
from ..findings import Hit, rule
from ..titles import RANK, canonical_title, is_no_title, level_ranks, title_levels, title_series
from .career import APPLY_LEVEL, CUR_LEVEL, screen_by_values, stated_levels, text

ROSTERS = ("applicant_roster", "review_roster")
SIDES = (("cur_title", "cur_title_level", "cur_series", "现资格"), ("apply_title", "apply_level", "apply_series",
                                                                    "申报资格"))


def _levels_text(levels) -> str:
    return "或".join(sorted(levels, key=RANK.get))


@rule("CON010", "title-level-mismatch", "consistency", "error",
      "{side}名称“{value}”与级别“{level}”不符：{title}属于{levels}{soft}", kinds=ROSTERS)
def title_level_mismatch(df, ctx):
    """
    检查内容：现资格和申报资格的名称是否与所填级别一致，按系列与级别的资格名称表（`validators/titles.py`：工程 技术员/助理工程师/工程师/高级工程师/正高级工程师，卫生 医、护、药、技各序列，中小学、高校教师，会计、经济、统计、审计，农业、兽医等；“高工”即高级工程师）。初级可对应员级或助理级。名称只能按结尾认出的（如“电气工程师”）只给警告；不认识的名称不检查。

    依据：中办发〔2016〕77号（初级、中级、副高级、正高级）；national.md “Levels and series”；`rules.md` §Y FMT-TITLE-NAME。

    不合格示例：资格名称“高级工程师”，级别“中级”。

    合格示例：资格名称“工程师”，级别“中级”；资格名称“高工”，级别“副高级”。

    如何修改：核对资格证书，改正资格名称或级别中录错的一项。
    """
    df = screen_by_values(df, ctx, title_level_mismatch, (*CUR_LEVEL, *APPLY_LEVEL))
    for title_col, level_col, series_col, side in SIDES:
        if title_col not in df or level_col not in df:
            continue
        for idx in df.index:
            name, level = text(df, idx, title_col), text(df, idx, level_col)
            if not name or not level or is_no_title(name):
                continue
            series = text(df, idx, series_col)
            levels = title_levels(name, series)
            ranks = set().union(*(level_ranks(lv) for lv in stated_levels(df, idx, level_col, ctx)))
            if not levels or not ranks or any(RANK[lv] in ranks for lv in levels):
                continue
            canon, exact = canonical_title(name)
            where = f"（{series}系列）" if series in title_series(name) else ""
            yield Hit(idx, title_col, {"side": side, "level": ctx.raw(idx, level_col) or level, "title": canon + where,
                                       "levels": _levels_text(title_levels(name, series)),
                                       "soft": "" if exact else "（按名称结尾判断，请核实）"},
                      None if exact else "warning")


@rule("CON011", "title-series-mismatch", "consistency", "warning",
      "{side}名称“{value}”不属于所填系列“{series}”：{title}属于{found}系列", kinds=ROSTERS)
def title_series_mismatch(df, ctx):
    """
    检查内容：现资格和申报资格的名称是否属于所填的系列（如 系列“卫生”、资格名称“工程师”）。各地系列写法不一（如农业工程用工程系列名称），只给警告；系列或名称不认识的不检查。

    依据：national.md “Levels and series”；`rules.md` §Y FMT-TITLE-NAME。

    不合格示例：申报系列“会计”，拟申报资格“高级经济师”。

    合格示例：申报系列“经济”，拟申报资格“高级经济师”。

    如何修改：核对系列和资格名称，改正录错的一项。
    """
    df = screen_by_values(df, ctx, title_series_mismatch, ("cur_title", "cur_series", "apply_title", "apply_series"))
    known = set(ENUMS["series"].canonical())
    for title_col, _, series_col, side in SIDES:
        if title_col not in df or series_col not in df:
            continue
        for idx in df.index:
            name, series = text(df, idx, title_col), text(df, idx, series_col)
            if not name or series not in known or is_no_title(name):
                continue
            found = title_series(name)
            if found and series not in found:
                canon, _ = canonical_title(name)
                yield Hit(idx, title_col, {"side": side, "series": series, "title": canon,
                                           "found": "、".join(sorted(found))})



@rule("CON012", "title-name-unknown", "consistency", "info",
      "{side}名称“{value}”不在常见资格名称表中，未核对其级别和系列；请确认是否写的是证书上的全称", kinds=ROSTERS)
def title_unknown(df, ctx):
    """
    检查内容：现资格或申报资格的名称是否能在资格名称表（`validators/titles.py`）中找到。找不到的不报错，只提示未能核对级别和系列（可能是错别字、简称，也可能是表中未收录的系列）。

    依据：national.md “Levels and series”；`rules.md` §Y FMT-TITLE-NAME。

    不合格示例：资格名称“高级工程帅”。

    合格示例：资格名称“高级工程师”。

    如何修改：按资格证书写全称；确是表中未收录的系列，可忽略此提示。
    """
    df = screen_by_values(df, ctx, title_unknown, ("cur_title", "apply_title"))
    for title_col, _, _, side in SIDES:
        if title_col not in df:
            continue
        for idx in df.index:
            name = text(df, idx, title_col)
            if name and not is_no_title(name) and canonical_title(name)[0] is None:
                yield Hit(idx, title_col, {"side": side})
