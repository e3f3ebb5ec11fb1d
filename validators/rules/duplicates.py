"""The same person twice: within one table, and across the workbooks of one run."""

from __future__ import annotations

from ..findings import Hit, rule
from ..kinds import KIND_SPECS

ALL = tuple(KIND_SPECS)


def _key_cols(kind: str) -> list[str]:
    return list(KIND_SPECS[kind].key)


@rule("DUP001", "duplicate-in-table", "duplicate", "error", "身份证号码“{value}”{what}在本表重复出现，与第{first}行重复",
      kinds=ALL, fields=("id_number",))
def dup_in_table(df, ctx):
    """
    检查内容：同一张表中，同一身份证号码（学时登记表为同一身份证号码的同一年度）是否出现两次以上。

    依据：花名册每人一行；学时登记表每人每年一行（`rules.md` §Y FMT-DUP）。

    不合格示例：第 8 行与第 15 行身份证号码相同。

    合格示例：每个身份证号码只出现一次。

    如何修改：删除重复的行；如果是两个人，核对并改正录错的身份证号码。
    """
    cols = [c for c in _key_cols(ctx.kind) if c in df]
    sub = df[df["id_number"].notna()]
    dup = sub[sub.duplicated(["_t", *cols], keep=False)]
    for _, group in dup.groupby(["_t", *cols], sort=False):
        first = int(group["_row"].iloc[0])
        year = group["ce_year"].iloc[0] if "ce_year" in cols else None
        what = f"（{int(year)}年度）" if year is not None and year == year else ""
        for idx in group.index[1:]:
            yield Hit(idx, "id_number", {"first": first, "what": what})


@rule("DUP002", "duplicate-across-files", "duplicate", "warning",
      "身份证号码“{value}”{what}也出现在{other}中（同类表格重复报送）", kinds=ALL, fields=("id_number", "name", "ce_year"),
      scope="run")
def dup_across_files(df, ctx):
    """
    检查内容：同一批次的不同工作簿中，同一人（身份证号码）是否出现在同类表格里，例如两个单位都把同一人列入申报人员花名册。

    依据：申报人只能由一个单位推荐、同一年度只报一次（如 凯里2023 五(三)“同一年度内……仅支持申报一个系列”）。

    不合格示例：甲单位和乙单位的申报人员花名册都有身份证号码 522601198506121234。

    合格示例：每人只出现在一个单位的花名册中。

    如何修改：与相关单位核实此人由哪个单位申报，撤回另一份中的重复行。
    """
    if "id_number" not in df:
        return
    sub = df[df["id_number"].notna()]
    for kind, part in sub.groupby("kind", sort=False):
        cols = [c for c in _key_cols(kind) if c in part]
        spread = part.groupby(cols, sort=False, dropna=False)["_file"].transform("nunique")
        part = part[spread > 1]
        for _, group in part.groupby(cols, sort=False, dropna=False):
            files = group["_file"].unique()
            year = group["ce_year"].iloc[0] if "ce_year" in cols else None
            what = f"（{int(year)}年度）" if year is not None and year == year else ""
            for idx, f in zip(group.index, group["_file"]):
                others = [o for o in files if o != f]
                yield Hit(idx, "id_number", {"other": "、".join(f"“{o}”" for o in others[:3])
                                             + ("等" if len(others) > 3 else ""), "what": what})
