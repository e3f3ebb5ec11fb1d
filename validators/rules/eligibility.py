"""Who may apply at all: civil servants and retirees, 以考代评 titles, social insurance, annual appraisals, one
series and one committee per year (the last two across every workbook of a run)."""

from __future__ import annotations

from ..fields import field_year
from ..findings import Hit, rule
from .career import APPLY_LEVEL, cite, id_screen, level_of, mode_of, narrow, screen_by_values, text, val
from .certificate import apply_series
from .seniority import required_years, seniority_cutoff

ROSTERS = ("applicant_roster", "review_roster")


@rule("ELG001", "civil-servant", "eligibility", "error", "人员身份为“{value}”：{why}（{clause}）", kinds=ROSTERS,
      fields=("staff_category",))
def civil_servant(df, ctx):
    """
    检查内容：人员身份为公务员或参照公务员法管理人员（参公）的，不得参加职称评审（政策配置 eligibility.excluded_staff）。赤峰、镇江、温州配置报错；国家默认与海门配置给警告（海门按苏人通〔2004〕24号执行，且允许国家机关工作人员在建设工程、经济、会计等系列办理初定）。

    依据：赤峰2019 三(二)“公务员（含参照公务员法管理的事业单位人员）和退休人员不得参加职称评审”；镇江2024 一(三)；温州2019 一(一)“企事业单位在职在岗专业技术人员”；海门2010 二(一)1(3)、二(二)1(2)。

    不合格示例：赤峰配置，人员身份“参公”，申报工程师。

    合格示例：人员身份“事业编制”或“企业”。

    如何修改：公务员及参公人员不申报职称评审；身份填错的，改正人员身份。
    """
    policy = ctx.policy
    excluded = set(policy.get("eligibility.excluded_staff", [], list))
    severity = policy.get("eligibility.excluded_staff_severity", "error", str)
    init_ok = set(policy.get("eligibility.civil_init_series", [], list))
    clause = cite(policy, policy.get("eligibility.excluded_staff_clause", "", str))
    df = screen_by_values(df, ctx, civil_servant, ("staff_category", "apply_mode", "apply_series", "apply_title"))
    for idx in df.index:
        if text(df, idx, "staff_category") not in excluded:
            continue
        if mode_of(df, idx) == "初定" and apply_series(df, idx) in init_ok:
            continue
        yield Hit(idx, "staff_category", {"clause": clause, "why": "公务员（含参公人员）不得参加职称评审"},
                  severity if severity in ("error", "warning", "info") else None)


@rule("ELG002", "retiree", "eligibility", "error", "{what}：退休人员不得申报职称评审（{clause}）", kinds=ROSTERS)
def retiree(df, ctx):
    """
    检查内容：“是否退休”为“是”或人员身份为“退休”的，不得申报职称评审。海门配置只给警告（按苏人通〔2004〕24号执行）。

    依据：《职称评审管理暂行规定》（人社部令第40号）；赤峰2019 三(二)；镇江2024 一(三)“离退休人员不得申报职称评审或考核认定”。

    不合格示例：是否退休“是”。

    合格示例：是否退休“否”。

    如何修改：退休人员不申报；填错的改正。
    """
    policy = ctx.policy
    severity = policy.get("eligibility.retiree_severity", "error", str)
    clause = cite(policy, policy.get("eligibility.retiree_clause", "", str))
    df = screen_by_values(df, ctx, retiree, ("retired", "staff_category"))
    for idx in df.index:
        if val(df, idx, "retired") == "是":
            yield Hit(idx, "retired", {"what": "是否退休为“是”", "clause": clause}, severity)
        elif text(df, idx, "staff_category") == "退休":
            yield Hit(idx, "staff_category", {"what": "人员身份为“退休”", "clause": clause}, severity)


@rule("ELG009", "retirement-age", "eligibility", "warning",
      "按身份证号码，{sex}性申报人在{as_of}已满{age}周岁，达到法定退休年龄{limit}周岁，请核实是否已退休（{clause}）",
      kinds=ROSTERS, fields=("id_number",))
def retirement_age(df, ctx):
    """
    检查内容：没有标明退休的申报人，按身份证号码计算的年龄在校验基准日是否已达到法定退休年龄（政策配置 eligibility.retire_age：男60、女55周岁）。只给警告：高级专家可延迟退休，2025年起退休年龄逐步提高。

    依据：退休人员不得申报职称评审（人社部令第40号；赤峰2019 三(二)；镇江2024 一(三)）；`rules.md` §G ELIG-CIVIL-RETIREE“birth_date with sex for a statutory-retirement plausibility check (W only)”。

    不合格示例：基准日 2023-08-30，身份证号码显示 1962 年出生的男性，是否退休为空。

    合格示例：1975 年出生的申报人。

    如何修改：核实是否已退休；已退休的不申报，延迟退休的在备注中说明。
    """
    from ..idcard import age_on, parse_id

    policy = ctx.policy
    limits = policy.get("eligibility.retire_age", {}, dict)
    if not limits:
        return
    clause = cite(policy, policy.get("eligibility.retiree_clause", "", str))
    ids = id_screen(df, ctx)
    youngest = min((v for v in limits.values() if v), default=0)
    df = narrow(df, ids.is_str & (~ids.plain | (ctx.as_of.year - ids.year >= youngest)))  # screen: age <= that
    for idx in df.index:
        num = val(df, idx, "id_number")
        if not isinstance(num, str) or val(df, idx, "retired") == "是" or text(df, idx, "staff_category") == "退休":
            continue
        info = parse_id(num)
        limit = limits.get(info.sex or "")
        if info.birth is None or not limit:
            continue
        age = age_on(info.birth, ctx.as_of)
        if age >= limit:
            yield Hit(idx, "id_number", {"sex": info.sex, "as_of": f"{ctx.as_of:%Y-%m-%d}", "age": age,
                                         "limit": limit, "clause": clause})


@rule("ELG003", "exam-only", "eligibility", "error",
      "{series}系列{target}实行以考代评，考试合格即取得资格，不能通过评审{how}取得（{clause}）", kinds=ROSTERS)
def exam_only(df, ctx):
    """
    检查内容：申报的系列和级别是否实行以考代评（全国统一考试，考试合格即取得资格，不再评审或认定；政策配置 eligibility.exam_only）。国家默认：经济、会计、统计、审计、卫生、船舶、翻译、出版、通信的初级、中级，计算机技术与软件的初、中、高级；赤峰另将计算机、翻译各级均列为以考代评。通知本身写明的系列（eligibility.exam_only_stated：镇江的10个专业，赤峰的计算机、翻译）报错，只按国家默认判断的给警告（各地做法有差异，如基层卫生）。海门配置中“初定”不受此限。

    依据：镇江2024 二(五)“考试成绩合格即取得相应层级职称，不再进行相应层级职称评审或认定”、二(六)；赤峰2019 一(四)；national.md “Evaluation modes”。

    不合格示例：申报系列 会计，拟申报 会计师（中级），列入申报评审花名册。

    合格示例：申报系列 会计，拟申报 高级会计师（考评结合，另查考试成绩）。

    如何修改：中、初级资格请报名参加全国统一考试；不要列入评审花名册。
    """
    policy = ctx.policy
    table = policy.get("eligibility.exam_only", {}, dict)
    exempt = set(policy.get("eligibility.exam_only_exempt_modes", [], list))
    stated = set(policy.get("eligibility.exam_only_stated", [], list))
    clause = cite(policy, policy.get("eligibility.exam_only_clause", "", str))
    df = screen_by_values(df, ctx, exam_only, (*APPLY_LEVEL, "apply_mode"))
    for idx in df.index:
        series = apply_series(df, idx)
        target, field = level_of(df, idx, "apply", ctx)
        mode = mode_of(df, idx)
        if series not in table or target not in table[series] or mode in exempt:
            continue
        how = "或认定" if mode in ("初定", "考核认定") else ""
        yield Hit(idx, field, {"series": series, "target": target, "how": how, "clause": clause},
                  None if series in stated else "warning")


@rule("ELG004", "social-insurance", "eligibility", "error",
      "社保缴纳{value}个月，少于要求的{required}个月（{clause}）", kinds=ROSTERS, fields=("social_ins_months",))
def social_insurance(df, ctx):
    """
    检查内容：申报截止日前在本地缴纳社会保险的月数是否达到政策要求（温州配置：至少3个月；其他配置不检查）。

    依据：温州2019 一(二)4“申报对象在申报截止日之前需至少有3个月的在温社保缴纳记录”。

    不合格示例：温州配置，社保缴纳月数 2。

    合格示例：社保缴纳月数 36。

    如何修改：核对社保缴纳记录；不足3个月的，待满后再申报。
    """
    policy = ctx.policy
    need = policy.get("eligibility.checks.social_ins_min_months", 0, (int, float))
    if not need:
        return
    clause = cite(policy, policy.get("eligibility.checks.social_ins_clause", "", str))
    col = df["social_ins_months"]
    for idx in df.index[col.notna() & (col < need)]:
        yield Hit(idx, "social_ins_months", {"required": int(need) if float(need).is_integer() else need,
                                             "clause": clause})


@rule("ELG005", "appraisal", "eligibility", "error", "{year}年度考核为“{value}”，{why}（{clause}）", kinds=ROSTERS)
def appraisal(df, ctx):
    """
    检查内容：晋升所需最低年限内各年度的年度考核是否为合格（或称职）以上（温州配置 eligibility.checks.appraisal_required）。表中按年份列出的考核（如“2017年度考核”）中，落在资历截止日之前最低年限内的年份为“基本合格”“不合格”“不称职”的报错；“不定等次”“未参加”给警告。最低年限无法确定时（如缺学历），不合格的年份只给警告；只有一列“年度考核”、未写年度的，不合格只给警告。

    依据：温州2019 一(二)3“要求申报对象在晋升级别最低年限内的年度考核为合格（或称职）以上”。

    不合格示例：温州配置，申报高级工程师（本科，最低5年），2017年度考核“基本合格”。

    合格示例：2015–2019年度考核均为“合格”“称职”或“优秀”。

    如何修改：核对考核结果；确有不合格年度的，不符合申报条件。
    """
    policy = ctx.policy
    if not policy.get("eligibility.checks.appraisal_required", False, bool):
        return
    cols = sorted((c for c in df.columns if field_year(c) and c.startswith("appraisal@")), key=field_year)
    if not cols and "appraisal" not in df:
        return
    good = set(policy.get("eligibility.checks.appraisal_pass", [], list))
    bad = set(policy.get("eligibility.checks.appraisal_fail", [], list))
    clause = cite(policy, policy.get("eligibility.checks.appraisal_clause", "", str))
    last_year = seniority_cutoff(policy, ctx.as_of).year
    for idx in df.index:
        plain = val(df, idx, "appraisal")  # one 年度考核 column without a year: a warning only
        if plain is not None and plain not in good:
            yield Hit(idx, "appraisal", {"year": "", "clause": clause,
                                         "why": "表中未写明年度；晋升所需最低年限内的年度考核须为合格（或称职）以上，"
                                                "请核实"}, "warning")
        target, _ = level_of(df, idx, "apply", ctx)
        series = text(df, idx, "apply_series") or text(df, idx, "cur_series")
        need = required_years(policy, series, target, text(df, idx, "edu_level")) if target else None
        for c in cols:
            v, year = val(df, idx, c), field_year(c)
            if v is None or v in good:
                continue
            inside = need is not None and need > 0 and last_year - need < year <= last_year
            if need is not None and not inside:
                continue
            span = f"申报{target}的最低{need:g}年内" if need else "任职期间"
            if v in bad:
                yield Hit(idx, c, {"year": year, "clause": clause,
                                   "why": f"{span}的年度考核须为合格（或称职）以上"},
                          None if need else "warning")
            else:
                yield Hit(idx, c, {"year": year, "clause": clause,
                                   "why": f"{span}的年度考核须为合格（或称职）以上，请核实该年度情况"}, "warning")


# --------------------------------------------------------------------------------------------------------------
# Across the workbooks of a run
# --------------------------------------------------------------------------------------------------------------


def _roster_rows(df):
    return df[df["kind"].isin(ROSTERS) & df["id_number"].notna()] if "id_number" in df else df.iloc[0:0]


def _where(df, idx) -> str:
    return f"“{df.at[idx, '_file']}”第{int(df.at[idx, '_row'])}行"


@rule("ELG006", "one-series-per-year", "eligibility", "error",
      "同一年度只能申报一个系列（专业）：此人还在{other}申报“{other_series}”系列（{clause}）",
      kinds=ROSTERS, fields=("id_number", "apply_series", "apply_title"), scope="run")
def one_series(df, ctx):
    """
    检查内容：同一批次的全部花名册中，同一身份证号码是否申报了两个以上不同的系列（凯里配置 eligibility.checks.one_series_per_year）。

    依据：凯里2023 五(三)“同一年度内，系统仅支持申报人申报一个系列（专业）的职称”。

    不合格示例：甲单位花名册中此人申报 工程 系列，乙单位花名册中申报 经济 系列。

    合格示例：此人只申报一个系列。

    如何修改：与申报人确认本年度申报的系列，撤回另一份。
    """
    policy = ctx.policy
    if not policy.get("eligibility.checks.one_series_per_year", False, bool):
        return
    clause = cite(policy, policy.get("eligibility.checks.one_series_clause", "", str))
    sub = _roster_rows(df)
    if sub.empty:
        return
    series = {idx: apply_series(sub, idx) for idx in sub.index}
    for _, group in sub.groupby("id_number", sort=False):
        known = [(i, series[i]) for i in group.index if series[i]]
        if len({s for _, s in known}) < 2:
            continue
        for i, s in known:
            j, other = next((j, t) for j, t in known if t != s)
            yield Hit(i, "apply_series" if "apply_series" in sub else "apply_title",
                      {"other": _where(sub, j), "other_series": other, "clause": clause})


@rule("ELG007", "one-committee-per-level", "eligibility", "error",
      "同一年度同一层级只能向一个评审委员会申请：此人申报{target}还报送了{other}的“{other_committee}”（{clause}）",
      kinds=ROSTERS, fields=("id_number", "apply_level", "apply_title", "apply_series", "committee", "unit"),
      scope="run")
def one_committee(df, ctx):
    """
    检查内容：同一批次的全部花名册中，同一身份证号码在同一申报级别是否报送了两个以上不同的评审委员会（镇江配置 eligibility.checks.one_committee_per_level）。

    依据：镇江2024 四“申报人同一年度同一职称层级原则上只能向一个评审委员会提出申请”。

    不合格示例：此人申报中级，一份花名册报“镇江市建设工程中级评委会”，另一份报“镇江市机械工程中级评委会”。

    合格示例：此人申报中级只报一个评委会。

    如何修改：与申报人确认报送的评委会，撤回另一份。
    """
    yield from _committees(df, ctx, by_unit=False)


@rule("ELG008", "one-committee-per-unit", "eligibility", "warning",
      "同一单位申报同一系列同一层级的人员应报送同一评委会：{unit}申报{series}{target}的人员分别报送了“{committee}”和“{other_committee}”（{clause}）",
      kinds=ROSTERS, fields=("unit", "apply_level", "apply_title", "apply_series", "committee"), scope="run")
def one_committee_unit(df, ctx):
    """
    检查内容：同一单位申报相同系列（专业）、相同层级的人员，是否报送了不同的评审委员会（镇江配置 eligibility.checks.one_committee_per_level）。“原则上”的要求，只给警告。

    依据：镇江2024 四“同一单位申报相同职称系列（专业）相同层级的人员应统一报送同一评委会，不得多头报送”。

    不合格示例：同一单位两名申报建设工程中级的人员，分别报送两个评委会。

    合格示例：同一单位同系列同层级的人员报送同一评委会。

    如何修改：统一报送同一评委会。
    """
    yield from _committees(df, ctx, by_unit=True)


def _committees(df, ctx, by_unit: bool):
    policy = ctx.policy
    if not policy.get("eligibility.checks.one_committee_per_level", False, bool) or "committee" not in df:
        return
    clause = cite(policy, policy.get("eligibility.checks.one_committee_clause", "", str))
    sub = _roster_rows(df) if not by_unit else df[df["kind"].isin(ROSTERS)]
    sub = sub[sub["committee"].notna()]
    if sub.empty or (by_unit and "unit" not in sub):
        return
    level = {idx: level_of(sub, idx, "apply", ctx)[0] for idx in sub.index}
    series = {idx: apply_series(sub, idx) for idx in sub.index}
    keys = {}
    for idx in sub.index:
        if level[idx] is None:
            continue
        if by_unit:
            unit = text(sub, idx, "unit")
            if unit and series[idx]:
                keys.setdefault((unit, series[idx], level[idx]), []).append(idx)
        else:
            keys.setdefault((sub.at[idx, "id_number"], level[idx]), []).append(idx)
    for key, rows in keys.items():
        committees = {text(sub, i, "committee") for i in rows}
        if len(committees) < 2:
            continue
        for i in rows:
            mine = text(sub, i, "committee")
            j = next(j for j in rows if text(sub, j, "committee") != mine)
            params = {"target": level[i], "other": _where(sub, j), "committee": mine,
                      "other_committee": text(sub, j, "committee"), "clause": clause}
            if by_unit:
                params.update(unit=key[0], series=key[1])
            yield Hit(i, "committee", params)
