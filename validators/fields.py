"""The field dictionary: one source for canonical fields, header synonyms, types, allowed values and help text.

The reader maps header text to these fields, the schemas check values against them and the template builder
writes headers, drop-downs and help text from them, so a template and its schema cannot drift apart.

Some fields repeat by year (``ce_hours@2022``, ``appraisal@2021``): they are "year fields", written with an ``@``
and a four-digit year, and share the definition of their base field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# ---------------------------------------------------------------------------------------------------------------
# Allowed values (enumerations).  Each maps a canonical value to its accepted spellings.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enum:
    name: str
    values: dict[str, tuple[str, ...]]  # canonical -> synonyms
    strict: bool = True  # False: the list is open-ended, an unknown value is a warning only

    def canonical(self) -> list[str]:
        return list(self.values)

    def lookup(self) -> dict[str, str]:
        """Accepted spelling (squeezed, lower-case) -> canonical value; built once per enumeration."""
        return _LOOKUPS.get(self.name) or _LOOKUPS.setdefault(self.name, {
            squeeze(s).lower(): canon for canon, syns in self.values.items() for s in (canon, *syns)})


_LOOKUPS: dict[str, dict[str, str]] = {}

ENUMS: dict[str, Enum] = {
    e.name: e
    for e in [
        Enum("sex", {"男": ("男性", "m", "male"), "女": ("女性", "f", "female")}),
        Enum(
            "yesno",
            {
                "是": ("y", "yes", "√", "✓", "✔", "有", "true", "1", "对", "已", "已经"),
                "否": ("n", "no", "×", "✗", "✘", "x", "无", "false", "0", "没有", "未", "不是"),
            },
        ),
        Enum(
            "edu_level",
            {
                "博士研究生": ("博士", "研究生（博士）", "博士研究生毕业", "研究生博士"),
                "硕士研究生": ("硕士", "研究生", "研究生（硕士）", "硕士研究生毕业", "研究生硕士", "第二学士"),
                "大学本科": ("本科", "大学", "本科毕业", "大学本科毕业", "技师班", "预备技师班", "预备技师"),
                "大学专科": ("专科", "大专", "大学专科毕业", "高职", "高级工班"),
                "中专": ("中等专业学校", "中技", "中职", "职高", "中专毕业", "中级工班", "技校"),
                "高中及以下": ("高中", "初中", "高中以下"),
            },
        ),
        Enum(
            "level",
            {
                "员级": ("员级职称", "技术员级"),
                "助理级": ("助理", "初级（助理级）"),
                "初级": ("初级职称",),
                "中级": ("中级职称", "中职"),
                "副高级": ("副高", "高级", "副高级职称", "高级职称", "副高职"),
                "正高级": ("正高", "正高级职称", "正高职"),
            },
        ),
        Enum(
            "series",
            {
                "工程": ("工程技术", "建设工程", "工程系列"),
                "会计": ("会计系列",),
                "经济": ("经济系列", "人力资源管理", "知识产权", "农业经济"),
                "审计": (),
                "统计": (),
                "中小学教师": ("中小学", "中小学教师系列", "教师"),
                "高校教师": ("高等学校教师", "高等学校"),
                "中等职业学校教师": ("中职教师",),
                "技工院校教师": (),
                "卫生": ("卫生技术", "医疗卫生", "卫生系列", "医药卫生"),
                "档案": (),
                "图书资料": ("图书", "图书馆"),
                "群众文化": ("群文",),
                "文物博物": ("文博",),
                "自然科学研究": ("科学研究", "科研"),
                "农业": ("农业技术", "农技"),
                "实验技术": ("实验",),
                "新闻": (),
                "出版": (),
                "律师": (),
                "公证": ("公证员",),
                "翻译": ("外语翻译",),
                "计算机技术与软件": ("计算机", "计算机软件"),
                "艺术": (),
                "工艺美术": (),
                "体育": ("体育教练",),
                "播音主持": ("播音",),
                "船舶": (),
                "通信": (),
                "社会工作": (),
            },
            strict=False,
        ),
        Enum(
            "appraisal",
            {
                "优秀": (),
                "良好": (),
                "合格": (),
                "称职": (),
                "基本合格": (),
                "基本称职": (),
                "不合格": (),
                "不称职": (),
                "不定等次": ("未定等次",),
                "未参加": ("未参加考核", "未考核"),
            },
        ),
        Enum(
            "sanction_kind",
            {
                "党纪": ("党纪处分", "党内处分", "纪律处分"),
                "政务": ("政务处分", "行政处分"),
                "处分": ("事业单位处分", "单位处分", "人事处分"),
                "无": ("没有", "/", "-"),
            },
        ),
        Enum(
            "sanction_type",
            {
                "警告": (),
                "严重警告": (),
                "撤销党内职务": (),
                "留党察看": (),
                "开除党籍": (),
                "记过": (),
                "记大过": (),
                "降级": (),
                "撤职": (),
                "降低岗位等级": ("降低岗位等级或撤职",),
                "开除": (),
            },
        ),
        Enum(
            "staff_category",
            {
                "公务员": ("行政编制", "公务员编制"),
                "参公": ("参照公务员法管理", "参公管理", "参公人员"),
                "事业编制": ("事业", "事业单位", "事业人员", "事业编"),
                "企业": ("企业人员", "企业职工"),
                "自由职业": ("自由职业者",),
                "退休": ("离退休", "已退休", "退休人员"),
                "其他": (),
            },
            strict=False,
        ),
        Enum(
            "apply_mode",
            {
                "正常申报": ("正常", "晋升", "评审", "正常晋升"),
                "破格": ("破格申报", "破格晋升"),
                "转评": ("转系列", "转评申报"),
                "初定": ("初次认定", "初定申报"),
                "考核认定": ("认定", "直接认定"),
                "直接申报": ("直接申报评审", "直接评审"),
                "绿色通道": ("绿色通道申报",),
                "基层直接申报": ("基层直评",),
            },
            strict=False,
        ),
        Enum(
            "unit_type",
            {
                "机关": ("行政机关", "党政机关"),
                "事业": ("事业单位",),
                "企业": ("国有企业", "国企"),
                "民营": ("民营企业", "私营企业", "非公企业", "非公", "民营经济组织"),
                "社会组织": ("民办非企业", "社团"),
            },
            strict=False,
        ),
    ]
}

# ---------------------------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------------------------

TYPES = ("text", "id", "date", "number", "enum")


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # the canonical Chinese header, as written in our templates
    type: str = "text"
    synonyms: tuple[str, ...] = ()
    enum: str | None = None
    help: str = ""
    width: int = 12

    def allowed(self) -> list[str]:
        return ENUMS[self.enum].canonical() if self.enum else []


def _f(name, label, type="text", synonyms=(), enum=None, help="", width=12):
    return Field(name, label, type, tuple(synonyms), enum, help, width)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        _f("seq", "序号", synonyms=["编号", "序"], width=6),
        _f("name", "姓名", synonyms=["申报人", "申报人姓名", "人员姓名", "申报人员姓名", "申请人"], width=10,
           help="与身份证一致，不要加空格"),
        _f("sex", "性别", "enum", enum="sex", width=6, help="男 或 女"),
        _f("birth_date", "出生年月", "date", ["出生日期", "出生年月日", "出生时间"], width=10,
           help="如 1985.06 或 1985年6月，须与身份证号一致"),
        _f("id_number", "身份证号码", "id",
           ["身份证号", "公民身份号码", "证件号码", "身份证", "居民身份证号码", "身份证件号码", "身份号码", "证件号",
            "居民身份证号"], width=21,
           help="18位，末位X须大写；本列为文本格式，切勿以数字录入"),
        _f("ethnicity", "民族", width=8),
        _f("political", "政治面貌", width=10),
        _f("unit", "工作单位", synonyms=["单位名称", "推荐单位", "单位", "所在单位", "工作单位名称", "申报单位", "现工作单位"],
           width=24, help="填写全称，与公章一致"),
        _f("unit_uscc", "统一社会信用代码", "id", ["单位统一社会信用代码", "单位代码", "社会信用代码"], width=20),
        _f("dept_post", "所在部门及岗位", synonyms=["现岗位", "部门", "所在部门", "岗位", "工作岗位", "所在岗位"], width=14),
        _f("unit_type", "单位性质", "enum", ["单位类型", "单位类别"], enum="unit_type", width=10),
        _f("unit_level", "单位级别", synonyms=["单位层级"], width=10),
        _f("is_grassroots", "是否基层", "enum", ["是否在基层工作", "基层", "是否基层单位", "是否乡镇基层"], enum="yesno",
           width=8),
        _f("is_private", "是否民营经济组织", "enum", ["是否民营", "是否非公", "民营经济组织"], enum="yesno", width=8),
        _f("staff_category", "人员身份", "enum", ["个人身份性质", "身份", "人员类别", "编制类型", "编制性质", "人员性质", "身份类别"],
           enum="staff_category", width=10),
        _f("retired", "是否退休", "enum", ["是否离退休", "离退休"], enum="yesno", width=8),
        _f("work_start_date", "参加工作时间", "date", ["参加工作年月", "参加工作日期", "工作时间"], width=10),
        _f("prof_work_years", "专业工作年限", "number",
           ["从事专业技术工作年限", "专业技术工作年限", "专业年限", "从事本专业年限", "工作年限"], width=8),
        _f("edu_level", "最高学历", "enum", ["学历", "参评学历", "最高学历情况", "文化程度", "学历层次"], enum="edu_level",
           width=12),
        _f("degree", "学位", synonyms=["最高学位"], width=8),
        _f("school", "毕业院校", synonyms=["毕业学校", "毕业院校及专业"], width=18),
        _f("major", "所学专业", synonyms=["专业", "毕业专业", "学习专业"], width=14),
        _f("grad_date", "毕业时间", "date", ["毕业年月", "毕业日期", "毕业时间（年月）"], width=10),
        _f("edu_mode", "学习形式", synonyms=["学历性质", "全日制或非全日制"], width=10),
        _f("work_major", "从事专业", synonyms=["现从事专业", "从事专业技术工作", "现从事专业技术工作"], width=14),
        _f("major_match", "专业是否对口", "enum", ["专业是否一致", "是否对口", "所学专业与从事专业是否一致"], enum="yesno", width=8),
        _f("cur_series", "现资格系列", "enum", ["现职称系列", "现所属系列", "现专业技术资格系列"], enum="series", width=10),
        _f("cur_title", "现专业技术资格", synonyms=[
            "现专业技术资格名称", "现任职资格", "现职称", "现任专业技术职务", "现专业技术职务", "现有职称", "现任职称",
            "现资格名称", "现专业技术职务资格", "现职称名称"], width=14,
           help="资格名称写全称，如 工程师；无职称填“无”"),
        _f("cur_title_level", "现资格级别", "enum", ["现职称级别", "现专业技术资格级别", "现专业技术职务级别"], enum="level",
           width=8),
        _f("cur_title_date", "取得资格时间", "date", [
            "现职称取得时间", "取得时间", "现任职资格取得时间", "资格取得时间", "评定时间", "取得现职称时间",
            "现专业技术资格取得时间", "任职资格时间", "取得现资格时间"], width=10,
           help="评定通过的时间，不是发证时间"),
        _f("cur_title_cert_no", "资格证书编号", synonyms=["现资格证书编号", "职称证书编号"], width=16),
        _f("appoint_title", "现聘任专业技术职务", synonyms=["聘任职务", "现聘职务", "聘任专业技术职务"], width=14),
        _f("appoint_date", "聘任时间", "date", ["现聘任时间", "聘任日期"], width=10),
        _f("apply_series", "申报系列", "enum", ["拟申报系列", "申报职称系列", "评审系列", "系列"], enum="series", width=10),
        _f("apply_title", "拟申报资格", synonyms=[
            "申报资格", "拟申报专业技术职务", "申报职称", "拟评职称", "拟申报职称", "申报资格名称", "拟评专业技术资格",
            "申报专业技术资格", "拟申报资格名称", "资格名称", "评审通过资格", "拟评资格", "拟申报职务"], width=14),
        _f("apply_level", "申报级别", "enum", ["拟申报级别", "拟评级别", "申报层级", "申报职称级别", "级别", "申报评审级别", "拟评审级别"], enum="level",
           width=8),
        _f("apply_major", "申报专业", synonyms=["拟申报专业", "拟评专业", "评审专业"], width=14),
        _f("committee", "评委会", synonyms=["评审委员会", "拟送评委会", "评委会名称"], width=18),
        _f("apply_mode", "申报方式", "enum", ["申报类型", "评审方式", "申报途径", "申报类别", "评审类别"],
           enum="apply_mode", width=10),
        _f("is_poge", "是否破格", "enum", ["破格", "是否破格申报"], enum="yesno", width=8),
        _f("poge_clause", "破格条件", synonyms=["破格条件条款", "破格依据", "破格条款"], width=18),
        _f("exam_pass", "考试是否合格", "enum", ["资格考试成绩合格", "考试成绩是否合格", "考试合格", "是否考试合格"],
           enum="yesno", width=8),
        _f("exam_year", "考试年度", "number", ["考试合格年度", "考试年份"], width=8),
        _f("exam_valid_until", "成绩有效期至", "date", ["考试成绩有效期", "成绩有效期"], width=10),
        _f("access_qual", "准入类职业资格", synonyms=["职业资格", "准入资格", "执业资格", "行业准入资格"], width=16),
        _f("skill_level", "技能等级", synonyms=["职业技能等级", "技能等级证书"], width=10),
        _f("skill_cert_date", "技能等级取得时间", "date", ["技能证书取得时间"], width=10),
        _f("social_ins_months", "社保缴纳月数", "number", ["社保月数", "本地社保缴纳月数", "在温社保缴纳月数", "社保缴费月数"],
           width=8),
        _f("appraisal", "年度考核", "enum", ["考核结果", "年度考核结果", "考核等次"], enum="appraisal", width=8),
        _f("ce_year", "年度", "number", ["学时年度", "继续教育年度", "年份", "培训年度"], width=8),
        _f("ce_public_hours", "公需科目学时", "number", ["公需科目", "公需学时", "公共科目学时", "一般公需科目学时",
                                                     "公需课学时", "公需", "公需课", "公需课时"], width=8),
        _f("ce_prof_hours", "专业科目学时", "number", ["专业科目", "专业学时", "专业课学时", "专业科目学时数", "专业课", "专业课时"], width=8),
        _f("ce_total_hours", "合计学时", "number", ["合计", "总学时", "学时合计", "学时小计", "累计学时", "继续教育学时合计"],
           width=8),
        _f("ce_hours", "继续教育学时", "number", ["继续教育", "学时"], width=8,
           help="当年继续教育总学时"),
        _f("ce_verifier", "审核单位", synonyms=["学时审核单位", "验证单位", "审核部门"], width=16),
        _f("ce_reviewer", "审核人", synonyms=["验证人"], width=8),
        _f("ce_review_date", "审核日期", "date", ["验证日期", "审核时间"], width=10),
        _f("has_sanction", "是否受过处分", "enum", ["是否受处分", "有无处分", "是否受到处分", "受处分情况", "是否有处分"],
           enum="yesno", width=8),
        _f("sanction_kind", "处分类别", "enum", ["处分类型", "处分性质"], enum="sanction_kind", width=8),
        _f("sanction_type", "处分种类", "enum", ["处分名称", "处分", "受何种处分"], enum="sanction_type", width=10),
        _f("sanction_org", "处分决定机关", synonyms=["处分机关", "作出处分机关"], width=16),
        _f("sanction_doc_no", "处分文号", synonyms=["处分决定文号"], width=14),
        _f("sanction_date", "处分决定日期", "date", ["处分时间", "处分日期", "受处分时间", "处分决定时间"], width=10),
        _f("sanction_end_date", "影响期截止日", "date", ["影响期截止日期", "处分期满时间", "影响期满"], width=10),
        _f("integrity_record", "诚信记录", synonyms=["失信记录", "诚信情况", "违纪违规记录", "不良记录", "诚信档案记录"],
           width=20, help="如有考试违纪、弄虚作假等记录，写明认定日期"),
        _f("integrity_record_date", "诚信记录认定日期", "date", ["失信认定日期", "认定日期"], width=10),
        _f("review_opinion", "单位审查意见", synonyms=["审查意见", "单位意见", "审核意见"], width=16),
        _f("pass_date", "评审通过时间", "date", ["通过时间", "评审时间", "取得资格日期", "评审通过日期"], width=10),
        _f("doc_no", "文号", synonyms=["批准文号", "发文文号", "评审文号"], width=14),
        _f("cert_no", "证书编号", synonyms=["资格证书号", "证书号"], width=16),
        _f("publicity_start", "公示开始日期", "date", ["公示起始日期", "公示开始时间", "公示起始时间", "公示起", "公示开始"],
           width=11),
        _f("publicity_end", "公示结束日期", "date", ["公示截止日期", "公示结束时间", "公示截止时间", "公示止", "公示结束"],
           width=11),
        _f("publicity_result", "公示结果", synonyms=["公示情况", "有无异议"], width=10),
        _f("remarks", "备注", synonyms=["说明"], width=14),
        # issue3a: 温州 counts 行业公需 + 一般公需 together (一般公需 is read as ce_public_hours)
        _f("ce_public_industry_hours", "行业公需科目学时", "number", ["行业公需", "行业公需学时", "行业公需课学时",
                                                              "行业公需科目"], width=8),
        # issue3a: a 公示 period in one cell ("2019.09.23-2019.09.27"), and sanctions written as free text
        _f("publicity_period", "公示起止时间", synonyms=["公示起止日期", "公示时间", "公示期", "公示日期", "公示期间"],
           width=22, help="如 2019.09.23-2019.09.27"),
        _f("sanction_desc", "处分情况", synonyms=["受纪律处分情况", "纪律处分情况", "处分情况说明", "违纪违规情况"],
           width=20, help="如 2022年5月受党内警告处分；无处分填“无”"),
        # issue3b: 转评 (series transfer) counts from the start in the new post
        _f("new_post_date", "现岗位工作起始时间", "date", ["新岗位工作时间", "现岗位工作时间", "转岗时间", "调入新岗位时间",
                                                  "现岗位起始时间"], width=10,
           help="转评（转系列）人员填写到新岗位工作的时间"),
    ]
}

YEAR_FIELD = re.compile(r"^(?P<base>[a-z_]+)@(?P<year>\d{4})$")


def base_field(name: str) -> Field:
    """The definition of a field, including year fields such as ``ce_hours@2022``."""
    m = YEAR_FIELD.match(name)
    return FIELDS[m.group("base") if m else name]


def field_year(name: str) -> int | None:
    m = YEAR_FIELD.match(name)
    return int(m.group("year")) if m else None


def field_label(name: str) -> str:
    year = field_year(name)
    f = base_field(name)
    return f"{year}年{f.label}" if year else f.label


# ---------------------------------------------------------------------------------------------------------------
# Header text -> field
# ---------------------------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_DECOR = re.compile(r"[*＊※★☆:：\"'“”‘’]")
_PARENS = re.compile(r"[（(][^（）()]*[）)]")


def squeeze(text: object) -> str:
    """NFKC (full-width to half-width), drop every kind of space."""
    t = str(text)
    if t.isascii() and t.isalnum():  # (an ID, a number: NFKC leaves ASCII as it is, and there is no space)
        return t
    return _SPACES.sub("", unicodedata.normalize("NFKC", t))


def header_key(text: object) -> str:
    """The normalised form of a header cell used for look-ups."""
    return _DECOR.sub("", squeeze(text)).lower()


# Parent headers of two-level header blocks, and what their children mean under them.
PARENT_GROUPS: dict[str, tuple[str, ...]] = {
    "cur": ("现专业技术资格", "现专业技术职务", "现任专业技术职务", "现职称", "现任职资格", "现有专业技术资格",
            "现专业技术职务任职资格", "现职称情况", "现任职称", "专业技术资格", "现专业技术资格情况", "现资格"),
    "apply": ("申报专业技术资格", "拟申报专业技术资格", "拟申报专业技术职务", "申报情况", "拟申报职称", "申报职称",
              "拟评专业技术资格", "申报资格", "拟申报资格", "申报专业技术职务"),
    "edu": ("学历", "最高学历", "学历情况", "最高学历情况", "学历学位", "学历（学位）", "第一学历", "毕业情况"),
    "ce": ("继续教育学时", "继续教育", "继续教育情况", "继续教育完成情况", "学时", "继续教育学时完成情况",
           "近三年继续教育学时", "学时情况"),
    "appraisal": ("年度考核", "近三年年度考核", "年度考核情况", "近三年考核结果", "年度考核结果", "考核情况",
                  "近三年年度考核结果", "任现职以来年度考核"),
    "publicity": ("公示", "公示时间", "公示期", "公示日期", "公示起止时间", "公示情况", "公示起止日期"),
    "sanction": ("处分情况", "受处分情况", "纪律处分情况", "处分", "受纪律处分情况"),
    "exam": ("资格考试", "考试情况", "考试成绩", "资格考试成绩"),
    "skill": ("职业技能等级", "技能等级", "高技能人才"),
}

CHILD_FIELDS: dict[str, dict[str, str]] = {
    "cur": {"系列": "cur_series", "所属系列": "cur_series", "资格名称": "cur_title", "名称": "cur_title",
            "职称": "cur_title", "职务": "cur_title", "级别": "cur_title_level", "等级": "cur_title_level",
            "层级": "cur_title_level", "取得时间": "cur_title_date", "时间": "cur_title_date",
            "评定时间": "cur_title_date", "取得日期": "cur_title_date", "评审通过时间": "cur_title_date",
            "任职时间": "cur_title_date", "任职资格时间": "cur_title_date", "职务名称": "cur_title",
            "资格时间": "cur_title_date", "聘任时间": "appoint_date",
            "证书编号": "cur_title_cert_no", "专业": "work_major"},
    "apply": {"系列": "apply_series", "所属系列": "apply_series", "资格名称": "apply_title", "名称": "apply_title",
              "职称": "apply_title", "资格": "apply_title", "级别": "apply_level", "层级": "apply_level",
              "专业": "apply_major", "评委会": "committee", "方式": "apply_mode", "类型": "apply_mode"},
    "edu": {"学历": "edu_level", "层次": "edu_level", "学位": "degree", "毕业院校": "school", "学校": "school",
            "院校": "school", "专业": "major", "所学专业": "major", "毕业时间": "grad_date", "时间": "grad_date",
            "毕业年月": "grad_date", "形式": "edu_mode", "学习形式": "edu_mode"},
    "ce": {"公需": "ce_public_hours", "公需科目": "ce_public_hours", "公需科目学时": "ce_public_hours",
           "专业": "ce_prof_hours", "专业科目": "ce_prof_hours", "专业科目学时": "ce_prof_hours",
           "合计": "ce_total_hours", "总学时": "ce_total_hours", "小计": "ce_total_hours", "年度": "ce_year"},
    "appraisal": {},
    "publicity": {"开始": "publicity_start", "起": "publicity_start", "起始": "publicity_start",
                  "开始日期": "publicity_start", "起始日期": "publicity_start", "开始时间": "publicity_start",
                  "起始时间": "publicity_start", "结束": "publicity_end", "止": "publicity_end",
                  "截止": "publicity_end", "结束日期": "publicity_end", "截止日期": "publicity_end",
                  "结束时间": "publicity_end", "截止时间": "publicity_end", "结果": "publicity_result"},
    "sanction": {"类别": "sanction_kind", "种类": "sanction_type", "名称": "sanction_type", "时间": "sanction_date",
                 "日期": "sanction_date", "决定日期": "sanction_date", "机关": "sanction_org",
                 "决定机关": "sanction_org", "文号": "sanction_doc_no", "有无": "has_sanction"},
    "exam": {"是否合格": "exam_pass", "合格": "exam_pass", "年度": "exam_year", "有效期": "exam_valid_until",
             "有效期至": "exam_valid_until"},
    "skill": {"等级": "skill_level", "取得时间": "skill_cert_date"},
}

# Per-year columns, with or without a parent: "2022年", "2022年度继续教育学时", "2021年度考核".
_YEAR = r"(?P<year>(?:19|20)\d{2})年?度?"
YEAR_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"^{_YEAR}(继续教育)?(学时|学时数|完成学时|继续教育)(合计)?$"), "ce_hours"),
    (re.compile(rf"^继续教育(学时)?{_YEAR}$"), "ce_hours"),
    (re.compile(rf"^{_YEAR}(年度)?(考核|考核结果|考核等次|考核情况)$"), "appraisal"),
]
_BARE_YEAR = re.compile(rf"^{_YEAR}$")

_SYNONYMS: dict[str, str] = {}
for _fld in FIELDS.values():
    for _s in (_fld.label, *_fld.synonyms):
        _SYNONYMS.setdefault(header_key(_s), _fld.name)
_COMBINED = re.compile(r"[及和与、/]|以及")
_LONG_SYNONYMS: dict[int, list[str]] = {}  # length -> synonyms of 4 or more characters of that length, in order
for _s in _SYNONYMS:
    if len(_s) >= 4:
        _LONG_SYNONYMS.setdefault(len(_s), []).append(_s)
_PARENT_OF: dict[str, str] = {header_key(p): g for g, ps in PARENT_GROUPS.items() for p in ps}
_CHILD: dict[str, dict[str, str]] = {g: {header_key(k): v for k, v in m.items()} for g, m in CHILD_FIELDS.items()}


def _lookup(key: str) -> str | None:
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    for pattern, base in YEAR_PATTERNS:
        m = pattern.match(key)
        if m:
            return f"{base}@{m.group('year')}"
    # a longer header that contains a distinctive synonym: "申报人身份证号码（18位）", "现工作单位全称"
    if _COMBINED.search(key):  # "现职称及取得时间" holds two facts: reading it as one would misjudge its values
        return None
    for n in range(len(key), max(4, len(key) - 4) - 1, -1):  # the longest synonym within 4 characters of the key
        for s in _LONG_SYNONYMS.get(n, ()):
            if s in key:
                return _SYNONYMS[s]
    return None


@lru_cache(maxsize=4096)
def match_header(text: object, parent: object = None) -> str | None:
    """Map one header cell (and the parent header above it, for two-level headers) to a canonical field."""
    key = header_key(text) if text not in (None, "") else ""
    pkey = header_key(parent) if parent not in (None, "") else ""
    stripped = _PARENS.sub("", key)
    pstripped = _PARENS.sub("", pkey)
    if pkey and key and pkey != key:
        group = _PARENT_OF.get(pkey) or _PARENT_OF.get(pstripped)
        if group:
            m = _BARE_YEAR.match(stripped)
            if m and group in ("ce", "appraisal"):
                return f"{'ce_hours' if group == 'ce' else 'appraisal'}@{m.group('year')}"
            for k in (key, stripped):
                if k in _CHILD[group]:
                    return _CHILD[group][k]
        for k in (pkey + key, pstripped + stripped):
            hit = _lookup(k)
            if hit:
                return hit
    for k in (key, stripped) if key else (pkey, pstripped):
        hit = _lookup(k)
        if hit:
            return hit
    return None


@lru_cache(maxsize=4096)
def is_parent_header(text: object) -> bool:
    key = header_key(text)
    return key in _PARENT_OF or _PARENS.sub("", key) in _PARENT_OF
