"""Certificates a title needs first: exam passes (考评结合), the lower title, access qualifications (初定)."""

from __future__ import annotations

from ..findings import Hit, rule
from ..titles import title_series
from .career import (APPLY_LEVEL, ROUTE, cite, date_span, fmt_date, has_no_title, is_poge, level_of, mode_of, rank,
                     route_state, screen_by_values, text, val)

ROSTERS = ("applicant_roster", "review_roster")
EDU_RANK = {"高中及以下": 0, "中专": 1, "大学专科": 2, "大学本科": 3, "硕士研究生": 4, "博士研究生": 5}


def apply_series(df, idx) -> str | None:
    """申报系列, or the one series the applied-for title name belongs to."""
    s = text(df, idx, "apply_series")
    if s:
        return s
    found = title_series(text(df, idx, "apply_title"))
    return next(iter(found)) if len(found) == 1 else None


def _no_value(v) -> bool:
    return v is None or str(v).strip() in ("", "无", "否")


@rule("CRT001", "exam-review", "certificate", "error", "申报{series}系列{target}实行考评结合，{why}（{clause}）",
      kinds=ROSTERS)
def exam_review(df, ctx):
    """
    检查内容：申报实行考评结合的系列的高级资格（政策配置 certificate.exam_review 与 exam_review_levels），“考试是否合格”是否为“是”，“成绩有效期至”是否已过校验基准日。表中没有考试列的不检查；考试栏为空的给警告；只对部分人员考评结合的系列（exam_review_partial，如温州的经济、卫生）只给警告；赤峰破格申报正高级的可不参加考试（poge_exam_exempt），只给警告。

    依据：镇江2024 二(五)“成绩达到国家或省合格线并在有效期内方可申报评审高级职称”；赤峰2019 一(三)；温州2019 附件 备注栏“考评结合”；national.md “Evaluation modes”。

    不合格示例：申报系列 会计，拟申报 高级会计师，考试是否合格“否”；或成绩有效期至 2022-12-31，基准日 2024-05-30。

    合格示例：申报高级会计师，考试是否合格“是”，成绩有效期至 2026-12-31。

    如何修改：先参加并通过相应的全国（省）统一考试，在成绩有效期内申报；如已通过，填写考试年度和有效期。
    """
    policy = ctx.policy
    if "exam_pass" not in df and "exam_valid_until" not in df:
        return
    full = set(policy.get("certificate.exam_review", [], list))
    partial = set(policy.get("certificate.exam_review_partial", [], list))
    levels = policy.get("certificate.exam_review_levels", ["副高级", "正高级"], list)
    poge_exempt = policy.get("certificate.poge_exam_exempt", False, bool)
    clause = cite(policy, policy.get("certificate.exam_review_clause", "", str))
    as_of = ctx.as_of
    for idx in df.index:
        series = apply_series(df, idx)
        target, _ = level_of(df, idx, "apply", ctx)
        if series not in full | partial or target not in levels:
            continue
        soft = series in partial or (poge_exempt and target == "正高级" and is_poge(df, idx))
        base = {"series": series, "target": target, "clause": clause}
        passed = val(df, idx, "exam_pass")
        if passed == "否":
            yield Hit(idx, "exam_pass", {**base, "why": "考试未合格" + ("（部分人员或破格申报可免考，请核实）" if soft else "")},
                      "warning" if soft else None)
            continue
        span = date_span(df, idx, "exam_valid_until")
        if span is not None and span[1] < as_of:
            yield Hit(idx, "exam_valid_until", {**base, "why": f"考试成绩有效期至{fmt_date(span[0], span[2])}，"
                                                               f"早于校验基准日{as_of:%Y-%m-%d}，已过有效期"},
                      "warning" if soft else None)
            continue
        if passed is None and "exam_pass" in df and not str(ctx.raw(idx, "exam_pass")).strip():
            yield Hit(idx, "exam_pass", {**base, "why": "“考试是否合格”未填写，请核实是否已通过考试"}, "warning")


@rule("CRT002", "lower-title-missing", "certificate", "error",
      "申报{target}须先取得低一级资格，现资格{have}（{clause}）", kinds=ROSTERS, fields=("cur_title",))
def lower_title(df, ctx):
    """
    检查内容：按正常途径申报中级及以上资格的，是否已取得低一级资格。现资格填“无”的报错，现资格为空的给警告。破格、绿色通道、直接申报、考核认定、初定、凭技能等级申报，以及博士申报中级的，不在此列。

    依据：《职称评审管理暂行规定》（人社部令第40号）逐级申报；镇江2024 二(一)；`rules.md` §D SEN-STEPWISE。

    不合格示例：现专业技术资格“无”，拟申报 工程师，申报方式“正常申报”。

    合格示例：现专业技术资格 助理工程师，拟申报 工程师。

    如何修改：先取得低一级资格；符合直接申报、考核认定或破格条件的，在“申报方式”中写明。
    """
    df = screen_by_values(df, ctx, lower_title, (*APPLY_LEVEL, *ROUTE, "skill_level", "edu_level", "cur_title",
                                                 "cur_title_level"))
    policy = ctx.policy
    clause = cite(policy, policy.get("certificate.lower_title_clause", "", str))
    for idx in df.index:
        target, field = level_of(df, idx, "apply", ctx)
        state = route_state(df, idx, policy)
        if target is None or (rank(target) or 0) < 2 or state == "exempt":
            continue
        if val(df, idx, "skill_level") is not None:
            continue
        if target == "中级" and text(df, idx, "edu_level") == "博士研究生":
            continue
        if has_no_title(df, idx):
            yield Hit(idx, "cur_title", {"target": target, "have": "填“无”", "clause": clause},
                      None if state == "normal" else "warning")
        elif val(df, idx, "cur_title") is None and not text(df, idx, "cur_title_level"):
            yield Hit(idx, "cur_title", {"target": target, "have": "未填写，请补填或核实", "clause": clause}, "warning")


@rule("CRT003", "init-access-qualification", "certificate", "error",
      "初定{series}专业资格须先取得行业准入资格，{why}（{clause}）", kinds=ROSTERS)
def init_access(df, ctx):
    """
    检查内容：申报方式为“初定”、系列属于须先取得行业准入资格的专业（海门配置：律师、公证、会计、新闻、出版），“准入类职业资格”是否填写。表中没有该列的给警告。

    依据：海门2010 二(二)1(3)“从事律师、公证、会计、新闻、出版等专业的人员须取得行业准入资格后，才能初定相应职称”。

    不合格示例：海门配置，申报方式“初定”，申报系列 会计，准入类职业资格为空。

    合格示例：同上，准入类职业资格“会计从业资格证”。

    如何修改：取得行业准入资格后再办理初定，并在表中写明资格名称。
    """
    policy = ctx.policy
    series_list = set(policy.get("certificate.init_access_series", [], list))
    if not series_list:
        return
    clause = cite(policy, policy.get("certificate.init_clause", "", str))
    for idx in df.index:
        series = apply_series(df, idx)
        if mode_of(df, idx) != "初定" or series not in series_list:
            continue
        if "access_qual" not in df:
            yield Hit(idx, "apply_series" if "apply_series" in df else None,
                      {"series": series, "clause": clause, "why": "表中没有“准入类职业资格”列，请核实"}, "warning")
        elif _no_value(val(df, idx, "access_qual")):
            yield Hit(idx, "access_qual", {"series": series, "clause": clause, "why": "“准入类职业资格”未填写"})


@rule("CRT004", "init-not-allowed", "certificate", "error", "不能按初定取得资格：{why}（{clause}）", kinds=ROSTERS)
def init_not_allowed(df, ctx):
    """
    检查内容：申报方式为“初定”的，系列是否在初定范围内（海门配置：卫生不在初定范围），学历是否达到初定的最低学历（海门配置：中专以上）。

    依据：海门2010 二(二)1(1)“凡取得中专以上国民教育认可的学历或学位……应按规定及时办理职称初定手续”，(3)“从事卫生专业技术的人员不在初定范围”。

    不合格示例：海门配置，申报系列 卫生，申报方式“初定”；或最高学历“高中”，申报方式“初定”。

    合格示例：海门配置，申报系列 工程，大学本科，申报方式“初定”。

    如何修改：不在初定范围的，改为参加考试或评审取得资格。
    """
    policy = ctx.policy
    excluded = set(policy.get("certificate.init_excluded_series", [], list))
    min_edu = policy.get("certificate.init_min_edu", "", str)
    if not excluded and not min_edu:
        return
    clause = cite(policy, policy.get("certificate.init_clause", "", str))
    for idx in df.index:
        if mode_of(df, idx) != "初定":
            continue
        series = apply_series(df, idx)
        edu = text(df, idx, "edu_level")
        if series in excluded:
            yield Hit(idx, "apply_series" if "apply_series" in df else "apply_title",
                      {"clause": clause, "why": f"{series}专业技术人员不在初定范围"})
        elif min_edu and edu in EDU_RANK and EDU_RANK[edu] < EDU_RANK.get(min_edu, 0):
            yield Hit(idx, "edu_level", {"clause": clause, "why": f"学历“{edu}”低于初定要求的{min_edu}以上学历"})
