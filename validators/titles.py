"""Title names (资格名称) by series and level, with common short forms.

One table for the rules, the templates and the cell functions: ``title_level("高工") == "副高级"``,
``title_series("主治医师") == {"卫生"}``.  Levels: 员级 < 助理级 < 中级 < 副高级 < 正高级 (初级 = 员级 or 助理级;
中办发〔2016〕77号).  Sources: national.md "Levels and series", the seed notices, 卫生/兽医/教师 ladders.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LEVELS = ("员级", "助理级", "中级", "副高级", "正高级")
RANK = {lv: i for i, lv in enumerate(LEVELS)}
# ranks a stated level may stand for: 初级 is 员级 or 助理级
LEVEL_RANKS = {**{lv: frozenset({i}) for lv, i in RANK.items()}, "初级": frozenset({0, 1})}

# series -> ladders; each ladder lists the names from 员级 to 正高级 (None: no title at that level)
LADDERS: dict[str, list[tuple]] = {
    "工程": [("技术员", "助理工程师", "工程师", "高级工程师", "正高级工程师")],
    "会计": [("会计员", "助理会计师", "会计师", "高级会计师", "正高级会计师")],
    "经济": [("经济员", "助理经济师", "经济师", "高级经济师", "正高级经济师")],
    "统计": [("统计员", "助理统计师", "统计师", "高级统计师", "正高级统计师")],
    "审计": [("审计员", "助理审计师", "审计师", "高级审计师", "正高级审计师")],
    "中小学教师": [("三级教师", "二级教师", "一级教师", "高级教师", "正高级教师"),
               # before the 2015 reform (人社部发〔2015〕79号): 中学高级 = 副高, 小学高级 = 中级
               ("中学三级教师", "中学二级教师", "中学一级教师", "中学高级教师", None),
               ("小学三级教师", "小学一级教师", "小学高级教师", None, None),
               ("小学二级教师", None, None, None, None)],
    "高校教师": [(None, "助教", "讲师", "副教授", "教授")],
    "中等职业学校教师": [(None, "助理讲师", "讲师", "高级讲师", "正高级讲师"),
                 ("三级实习指导教师", "二级实习指导教师", "一级实习指导教师", "高级实习指导教师", "正高级实习指导教师")],
    "技工院校教师": [(None, "助理讲师", "讲师", "高级讲师", "正高级讲师"),
               (None, "二级实习指导教师", "一级实习指导教师", "高级实习指导教师", "正高级实习指导教师"),
               (None, "助理实习指导师", "实习指导师", "高级实习指导师", "正高级实习指导师")],
    "卫生": [("医士", "医师", "主治医师", "副主任医师", "主任医师"),
           ("中医士", "中医师", "主治中医师", "副主任中医师", "主任中医师"),
           (None, None, "主管医师", None, None),  # 公共卫生
           ("护士", "护师", "主管护师", "副主任护师", "主任护师"),
           ("药士", "药师", "主管药师", "副主任药师", "主任药师"),
           ("中药士", "中药师", "主管中药师", "副主任中药师", "主任中药师"),
           ("技士", "技师", "主管技师", "副主任技师", "主任技师")],
    "档案": [("管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员")],
    "图书资料": [("管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员")],
    "群众文化": [("管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员")],
    "文物博物": [("文博管理员", "助理馆员", "馆员", "副研究馆员", "研究馆员")],
    "自然科学研究": [(None, "研究实习员", "助理研究员", "副研究员", "研究员")],
    "农业": [("农业技术员", "助理农艺师", "农艺师", "高级农艺师", "农业技术推广研究员"),
           (None, None, None, None, "正高级农艺师"),
           ("畜牧技术员", "助理畜牧师", "畜牧师", "高级畜牧师", "正高级畜牧师"),
           ("兽医技术员", "助理兽医师", "兽医师", "高级兽医师", "正高级兽医师")],
    "实验技术": [("实验员", "助理实验师", "实验师", "高级实验师", "正高级实验师")],
    "新闻": [(None, "助理记者", "记者", "主任记者", "高级记者"),
           (None, "助理编辑", "编辑", "主任编辑", "高级编辑")],
    "出版": [(None, "助理编辑", "编辑", "副编审", "编审"),
           (None, "助理校对", "一级校对", "副编审", None)],
    "律师": [(None, "四级律师", "三级律师", "二级律师", "一级律师")],
    "公证": [(None, "四级公证员", "三级公证员", "二级公证员", "一级公证员")],
    "翻译": [(None, "三级翻译", "二级翻译", "一级翻译", "译审")],
    "计算机技术与软件": [(None, "程序员", "软件设计师", "系统分析师", None),
                 (None, "网络管理员", "网络工程师", "网络规划设计师", None),
                 (None, None, "系统集成项目管理工程师", "信息系统项目管理师", None),
                 (None, None, None, "系统架构设计师", None)],
    "工艺美术": [("工艺美术员", "助理工艺美术师", "工艺美术师", "高级工艺美术师", "正高级工艺美术师")],
    "体育": [("三级教练", "二级教练", "一级教练", "高级教练", "国家级教练")],
    "电影放映": [(None, None, "技师", "主任技师", None)],  # 温州2019 附件 第9行
    "社会工作": [(None, "助理社会工作师", "社会工作师", "高级社会工作师", "正高级社会工作师")],
    "通信": [("技术员", "助理工程师", "工程师", "高级工程师", "正高级工程师")],
    "艺术": [(None, "三级美术师", "二级美术师", "一级美术师", None),
           (None, "三级演员", "二级演员", "一级演员", None),
           (None, "三级演奏员", "二级演奏员", "一级演奏员", None)],
}

# short or older spellings -> the full name
SYNONYMS = {
    "高工": "高级工程师", "助工": "助理工程师", "正高工": "正高级工程师", "教授级高工": "正高级工程师",
    "教授级高级工程师": "正高级工程师", "研究员级高级工程师": "正高级工程师", "正高级工程技术人员": "正高级工程师",
    "中级工程师": "工程师", "初级工程师": "助理工程师", "副高级工程师": "高级工程师",
    "高级会计": "高级会计师", "中级会计师": "会计师", "初级会计师": "助理会计师", "高会": "高级会计师",
    "中级经济师": "经济师", "初级经济师": "助理经济师", "高级经济": "高级经济师",
    "中级统计师": "统计师", "初级统计师": "助理统计师", "中级审计师": "审计师", "初级审计师": "助理审计师",
    "主治": "主治医师", "副主任": "副主任医师", "执业医师": "医师", "执业助理医师": "医士", "主管检验技师": "主管技师",
    "检验技师": "技师", "检验士": "技士", "高级讲师(中专)": "高级讲师", "研究馆员(正高)": "研究馆员",
    "中学高级": "中学高级教师", "中学一级": "中学一级教师", "中学二级": "中学二级教师",
    "小学高级": "小学高级教师", "小学一级": "小学一级教师", "小学二级": "小学二级教师",
    "一级实习指导": "一级实习指导教师", "高级实习指导": "高级实习指导教师",
    "二级教练员": "二级教练", "一级教练员": "一级教练", "高级教练员": "高级教练", "国家级教练员": "国家级教练",
}

_PARENS = re.compile(r"[（(][^（）()]*[）)]")
_SPACE = re.compile(r"[\s\u3000]+")
_LEVELISH = set("高正副助理主任管治级初中一二三四")  # a prefix with these is part of the title, not a major


def _key(name: object) -> str:
    t = _SPACE.sub("", unicodedata.normalize("NFKC", str(name or "")))
    return _PARENS.sub("", t)


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, set[str]]]:
    """title name -> {series: {levels}}"""
    out: dict[str, dict[str, set[str]]] = {}
    for series, ladders in LADDERS.items():
        for ladder in ladders:
            for level, name in zip(LEVELS, ladder):
                if name:
                    out.setdefault(name, {}).setdefault(series, set()).add(level)
    return out


@lru_cache(maxsize=1)
def _by_length() -> list[str]:
    return sorted(_table(), key=len, reverse=True)


def canonical_title(name: object) -> tuple[str | None, bool]:
    """(full title name, exact) for a written name; exact is False for a name matched by its ending only
    ("电气工程师" -> 工程师).  (None, False) for an unknown name."""
    return _canonical(str(name or ""))


@lru_cache(maxsize=4096)
def _canonical(name: str) -> tuple[str | None, bool]:
    key = _key(name)
    if not key:
        return None, False
    table = _table()
    key = SYNONYMS.get(key, key)
    if key.startswith("高级") and f"正{key}" in table and re.search(r"教授级|研究员级|正高", name):
        return f"正{key}", True  # 高级工程师（教授级）, 高级会计师（正高级）
    if key in table:
        return key, True
    raw = SYNONYMS.get(_SPACE.sub("", unicodedata.normalize("NFKC", str(name))))
    if raw in table:
        return raw, True
    for n in _by_length():  # the longest known ending first: "建筑高级工程师" is not "工程师"
        if len(key) > len(n) >= 2 and key.endswith(n):
            prefix = key[: -len(n)]
            if set(prefix) & _LEVELISH:
                return None, False
            return n, False
    return None, False


def title_series(name: object) -> set[str]:
    """The series a title name belongs to (empty for an unknown name)."""
    canon, _ = canonical_title(name)
    return set(_table().get(canon, {})) if canon else set()


def title_levels(name: object, series: str | None = None) -> set[str]:
    """Every level a title name can stand for (within ``series`` when the name is known there)."""
    canon, _ = canonical_title(name)
    if not canon:
        return set()
    by_series = _table()[canon]
    if series in by_series:
        return set(by_series[series])
    return set().union(*by_series.values())


def title_level(name: object, series: str | None = None) -> str | None:
    """The level of a title name, or None when it is unknown or ambiguous (技师: 卫生 助理级, 电影放映 中级)."""
    levels = title_levels(name, series)
    return next(iter(levels)) if len(levels) == 1 else None


def level_ranks(level: str | None) -> frozenset[int]:
    """Ranks a stated level stands for (初级: 员级 or 助理级); empty for an unknown level."""
    return LEVEL_RANKS.get(level or "", frozenset())


def fits_level(name: object, level: str, series: str | None = None) -> bool | None:
    """Does a title name fit a stated level?  None when the name (or level) is unknown."""
    levels = title_levels(name, series)
    ranks = level_ranks(level)
    if not levels or not ranks:
        return None
    return any(RANK[lv] in ranks for lv in levels)


def is_no_title(value: object) -> bool:
    """A cell that says the person holds no title ("无", "无职称", "暂无")."""
    return _key(value) in {"无", "无职称", "暂无", "未评", "没有", "无资格", "/", "-", "—"}
