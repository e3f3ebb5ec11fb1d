"""Policy profiles: every number and list a rule needs, one TOML file per notice.

A profile may ``extends`` another (regional profiles extend ``national``); tables are merged key by key, the
child's values win.  ``--policy`` takes a built-in name or a path to a user's own TOML file.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

POLICY_DIR = Path(__file__).parent / "policies"
_MISSING = object()


class PolicyError(Exception):
    """A profile that cannot be used; the message names the file and the key."""


def builtin_names() -> list[str]:
    names = sorted(p.stem for p in POLICY_DIR.glob("*.toml"))
    return ["national"] + [n for n in names if n != "national"]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read(ref: str, seen: tuple[str, ...] = ()) -> tuple[dict, list[str]]:
    path = Path(ref)
    if not (path.suffix == ".toml" and path.exists()):
        path = POLICY_DIR / f"{ref}.toml"
        if not path.exists():
            raise PolicyError(f"未知的政策配置“{ref}”；内置配置有：{'、'.join(builtin_names())}，也可给出 .toml 文件路径")
    key = str(path.resolve())
    if key in seen:
        raise PolicyError(f"政策配置 {path.name} 的 extends 形成了循环")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"政策配置 {path.name} 格式错误：{e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"政策配置 {path.name} 无法读取：{e}") from None
    chain = [path.stem]
    parent = data.get("extends")
    if parent:
        if not isinstance(parent, str):
            raise PolicyError(f"政策配置 {path.name} 的键 extends 应为配置名称（文本）")
        base, parents = _read(parent if "/" not in parent else str(path.parent / parent), seen + (key,))
        data = _merge(base, {k: v for k, v in data.items() if k != "extends"})
        chain = parents + chain
    return data, chain


def _date(value, key: str, source: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"政策配置 {source} 的键 {key} 应为日期 YYYY-MM-DD，现为“{value}”") from None


@dataclass
class Policy:
    name: str
    data: dict
    chain: list[str]

    @property
    def title(self) -> str:
        return str(self.data.get("title", self.name))

    @property
    def short(self) -> str:
        """Short citation used in messages, e.g. 凯里2023."""
        return str(self.data.get("short", self.title))

    def get(self, key: str, default=_MISSING, kind: type | tuple | None = None):
        """A dotted key, e.g. ``hours.annual_min``.  Missing without a default, or of the wrong type: PolicyError."""
        node = self.data
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                if default is _MISSING:
                    raise PolicyError(f"政策配置 {self.name} 缺少键 {key}")
                return default
        if kind is not None and not isinstance(node, kind) or (kind in (int, float, (int, float)) and isinstance(node, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise PolicyError(f"政策配置 {self.name} 的键 {key} 类型应为 {names}，现为“{node!r}”")
        return node

    def date(self, key: str, default=None) -> dt.date | None:
        return _date(self.get(key, default), key, self.name)

    def cite(self, clause: str) -> str:
        """A clause as cited in messages: “凯里2023 四(三)”; a clause naming its own document is cited as is."""
        clause = str(clause or "").strip()
        if any(w in clause for w in ("令", "法", "条例", "规定", "办法", "〔")):
            return clause
        return f"{self.short} {clause}".strip()

    def enabled(self, code: str) -> bool:
        return code not in set(self.get("rules.disabled", [], list))

    def as_of(self, override: dt.date | None = None) -> dt.date:
        return override or self.date("as_of") or dt.date.today()


def load(ref: str = "national") -> Policy:
    data, chain = _read(ref)
    name = str(data.get("name") or chain[-1])
    p = Policy(name, data, chain)
    validate_policy(p)
    return p


def validate_policy(p: Policy) -> None:
    """Fail early, naming the key, instead of inside a rule."""
    p.date("as_of")
    p.date("cutoff")
    p.get("rules.disabled", [], list)
    for k in ("identity.min_age", "identity.max_age"):
        p.get(k, 0, (int, float))
    _validate_hours(p)
    _validate_discipline(p)
    _validate_integrity(p)
    _validate_procedure(p)
    validate_issue3b(p)


# --- issue3a: hours, discipline, integrity, procedure -----------------------------------------------------------

def _bad(p: Policy, key: str, want: str, got) -> PolicyError:
    return PolicyError(f"政策配置 {p.name} 的键 {key} 应为{want}，现为“{got!r}”")


def _number(p: Policy, key: str, v, *, integer: bool = False) -> None:
    if not (isinstance(v, int if integer else (int, float)) and not isinstance(v, bool) and v >= 0):
        raise _bad(p, key, "非负整数" if integer else "非负数字", v)


def _pattern(p: Policy, key: str) -> None:
    import re

    v = p.get(key, "", str)
    try:
        re.compile(v)
    except re.error as e:
        raise PolicyError(f"政策配置 {p.name} 的键 {key} 不是有效的正则表达式：{e}") from None


def _validate_hours(p: Policy) -> None:
    p.get("hours.clause", "", str)
    _number(p, "hours.window_years", p.get("hours.window_years", 0), integer=True)
    p.get("hours.since_current_title", True, bool)
    _pattern(p, "hours.grassroots_pattern")
    _pattern(p, "hours.private_pattern")
    for i, e in enumerate(p.get("hours.table", [], list), 1):
        key = f"hours.table 第{i}项"
        if not isinstance(e, dict):
            raise _bad(p, key, "表（含 total 等键）", e)
        known = {"from", "to", "total", "by_level", "grassroots", "private", "prof", "prof_share", "prof_is_warning",
                 "public", "severity", "clause"}
        for k in e:
            if k not in known:
                raise PolicyError(f"政策配置 {p.name} 的键 {key} 含未知的键 {k}；可用的键：{'、'.join(sorted(known))}")
        for k in ("from", "to"):
            if k in e:
                _number(p, f"{key}.{k}", e[k], integer=True)
        if "total" not in e and "by_level" not in e:
            raise PolicyError(f"政策配置 {p.name} 的键 {key} 须有 total 或 by_level")
        for k in ("total", "grassroots", "private", "prof", "public"):
            if k in e:
                _number(p, f"{key}.{k}", e[k])
        if "by_level" in e:
            if not isinstance(e["by_level"], dict) or not e["by_level"]:
                raise _bad(p, f"{key}.by_level", "级别到学时数的表", e["by_level"])
            for lv, n in e["by_level"].items():
                _number(p, f"{key}.by_level.{lv}", n)
        if "prof_share" in e:
            s = e["prof_share"]
            if not (isinstance(s, list) and len(s) == 2 and all(isinstance(x, int) and not isinstance(x, bool) and x > 0
                                                                for x in s) and s[0] <= s[1]):
                raise _bad(p, f"{key}.prof_share", "[分子, 分母]，如 [2, 3]", s)
        if "prof_is_warning" in e and not isinstance(e["prof_is_warning"], bool):
            raise _bad(p, f"{key}.prof_is_warning", "true 或 false", e["prof_is_warning"])
        if e.get("severity", "error") not in ("error", "warning"):
            raise _bad(p, f"{key}.severity", "\"error\" 或 \"warning\"", e["severity"])
        if not isinstance(e.get("clause", ""), str):
            raise _bad(p, f"{key}.clause", "文本", e["clause"])


def _validate_discipline(p: Policy) -> None:
    if p.get("discipline.check_date", "as_of", str) not in ("as_of", "cutoff"):
        raise _bad(p, "discipline.check_date", "\"as_of\" 或 \"cutoff\"", p.get("discipline.check_date"))
    for kind in ("party", "gov", "unit"):
        p.get(f"discipline.clauses.{kind}", "", str)
        for typ, v in p.get(f"discipline.{kind}", {}, dict).items():
            key = f"discipline.{kind}.{typ}"
            if isinstance(v, dict):
                _number(p, f"{key}.months", v.get("months"), integer=True)
                if v.get("severity", "error") not in ("error", "warning"):
                    raise _bad(p, f"{key}.severity", "\"error\" 或 \"warning\"", v.get("severity"))
            else:
                _number(p, key, v, integer=True)


def _validate_integrity(p: Policy) -> None:
    p.get("integrity.clause", "", str)
    _pattern(p, "integrity.clean_pattern")
    _pattern(p, "integrity.negation_pattern")
    for name, k in p.get("integrity.kinds", {}, dict).items():
        key = f"integrity.kinds.{name}"
        if not isinstance(k, dict):
            raise _bad(p, key, "表", k)
        kw = k.get("keywords")
        if not (isinstance(kw, list) and kw and all(isinstance(x, str) and x for x in kw)):
            raise _bad(p, f"{key}.keywords", "非空的文本列表", kw)
        for s in ("label", "clause"):
            if not isinstance(k.get(s, ""), str):
                raise _bad(p, f"{key}.{s}", "文本", k.get(s))
        if "months" in k:
            _number(p, f"{key}.months", k["months"], integer=True)
        if k.get("count_from", "date") not in ("date", "next_year"):
            raise _bad(p, f"{key}.count_from", "\"date\" 或 \"next_year\"", k.get("count_from"))


def _validate_procedure(p: Policy) -> None:
    _number(p, "procedure.publicity_min", p.get("procedure.publicity_min", 5), integer=True)
    if p.get("procedure.publicity_unit", "workdays", str) not in ("workdays", "calendar"):
        raise _bad(p, "procedure.publicity_unit", "\"workdays\" 或 \"calendar\"", p.get("procedure.publicity_unit"))
    p.get("procedure.publicity_inclusive", True, bool)
    p.get("procedure.publicity_clause", "", str)
    from .fields import FIELDS

    for i, d in enumerate(p.get("procedure.deadlines", [], list), 1):
        key = f"procedure.deadlines 第{i}项"
        if not isinstance(d, dict):
            raise _bad(p, key, "表（含 field、to 等键）", d)
        f = d.get("field")
        if f not in FIELDS or FIELDS[f].type != "date":
            raise _bad(p, f"{key}.field", "日期类字段名（如 pass_date）", f)
        if "from" not in d and "to" not in d:
            raise PolicyError(f"政策配置 {p.name} 的键 {key} 须有 from 或 to")
        for k in ("from", "to"):
            if k in d:
                _date(d[k], f"{key}.{k}", p.name)
        if not isinstance(d.get("levels", []), list):
            raise _bad(p, f"{key}.levels", "级别列表", d.get("levels"))
        if d.get("severity", "warning") not in ("error", "warning"):
            raise _bad(p, f"{key}.severity", "\"error\" 或 \"warning\"", d.get("severity"))


# --- seniority, certificate and eligibility sections (issue3b) -------------------------------------------------

_LEVEL_NAMES = ("员级", "助理级", "初级", "中级", "副高级", "正高级")
_SEVERITIES = ("error", "warning", "info")
_STR_LISTS = ("seniority.from_graduation", "seniority.exempt_modes", "seniority.mismatch_exempt_series",
              "certificate.exam_review", "certificate.exam_review_partial", "certificate.init_access_series",
              "certificate.init_excluded_series", "eligibility.excluded_staff", "eligibility.civil_init_series",
              "eligibility.exam_only_exempt_modes", "eligibility.exam_only_stated", "eligibility.checks.appraisal_pass",
              "eligibility.checks.appraisal_fail")
_NUMBERS = ("seniority.mismatch_extra_years", "seniority.transfer_years", "eligibility.checks.social_ins_min_months")
_BOOLS = ("seniority.poge_clause_required", "certificate.poge_exam_exempt", "eligibility.checks.appraisal_required",
          "eligibility.checks.one_series_per_year", "eligibility.checks.one_committee_per_level")


def _fail(p: Policy, key: str, what: str):
    raise PolicyError(f"政策配置 {p.name} 的键 {key} {what}")


def _years_table(p: Policy, key: str, table) -> None:
    """{education or "*": years}"""
    from .fields import ENUMS

    edus = set(ENUMS["edu_level"].canonical()) | {"*"}
    if not isinstance(table, dict):
        _fail(p, key, "应为“学历 = 年数”的表")
    for edu, years in table.items():
        if edu not in edus:
            _fail(p, f"{key}.{edu}", f"的学历应为 {'、'.join(sorted(edus))} 之一")
        if isinstance(years, bool) or not isinstance(years, (int, float)) or years < 0:
            _fail(p, f"{key}.{edu}", f"应为不小于0的年数，现为“{years!r}”")


def _level(p: Policy, key: str, value) -> None:
    if value not in _LEVEL_NAMES:
        _fail(p, key, f"应为级别 {'、'.join(_LEVEL_NAMES)} 之一，现为“{value!r}”")


def validate_issue3b(p: Policy) -> None:
    for k in _STR_LISTS:
        v = p.get(k, [], list)
        if not all(isinstance(x, str) for x in v):
            _fail(p, k, "应为文本列表")
    for k in _NUMBERS:
        if p.get(k, 0, (int, float)) < 0:
            _fail(p, k, "不能为负数")
    for k in _BOOLS:
        p.get(k, False, bool)
    if p.get("seniority.default_cutoff", "year_end", str) not in ("year_end", "as_of"):
        _fail(p, "seniority.default_cutoff", "应为 year_end（申报当年12月31日）或 as_of（校验基准日）")
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in p.get("seniority.late_review_years", [], list)):
        _fail(p, "seniority.late_review_years", "应为年份（整数）列表")
    for lv in p.get("certificate.exam_review_levels", [], list):
        _level(p, "certificate.exam_review_levels", lv)
    edu = p.get("certificate.init_min_edu", "", str)
    if edu and edu not in ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中及以下"):
        _fail(p, "certificate.init_min_edu", f"应为学历名称，现为“{edu}”")
    for k in ("eligibility.excluded_staff_severity", "eligibility.retiree_severity"):
        if p.get(k, "error", str) not in _SEVERITIES:
            _fail(p, k, "应为 error、warning 或 info")
    for sex, age in p.get("eligibility.retire_age", {}, dict).items():
        if sex not in ("男", "女") or isinstance(age, bool) or not isinstance(age, (int, float)):
            _fail(p, f"eligibility.retire_age.{sex}", "应为 男/女 = 周岁")
    for series, levels in p.get("eligibility.exam_only", {}, dict).items():
        if not isinstance(levels, list):
            _fail(p, f"eligibility.exam_only.{series}", "应为级别列表")
        for lv in levels:
            _level(p, f"eligibility.exam_only.{series}", lv)
    for series, by_level in p.get("seniority.years", {}, dict).items():
        if not isinstance(by_level, dict):
            _fail(p, f"seniority.years.{series}", "应为“级别 = 学历年数表”的表")
        for lv, table in by_level.items():
            _level(p, f"seniority.years.{series}", lv)
            _years_table(p, f"seniority.years.{series}.{lv}", table)
    for i, route in enumerate(p.get("seniority.routes", [], list)):
        key = f"seniority.routes[{i}]"
        if not isinstance(route, dict) or not isinstance(route.get("mode"), str):
            _fail(p, key, "应为含 mode（申报方式）的表")
        _level(p, f"{key}.target", route.get("target"))
        _years_table(p, f"{key}.years", route.get("years"))
        if route.get("basis", "work") not in ("work", "graduation"):
            _fail(p, f"{key}.basis", "应为 work 或 graduation")
        if route.get("severity", "error") not in _SEVERITIES:
            _fail(p, f"{key}.severity", "应为 error、warning 或 info")
        if route.get("when", "") not in ("", "private", "grassroots"):
            _fail(p, f"{key}.when", "应为 private、grassroots 或留空")
        less = route.get("grassroots_less", 0)
        if isinstance(less, bool) or not isinstance(less, (int, float)) or less < 0:
            _fail(p, f"{key}.grassroots_less", "应为不小于0的年数")
    for name, entry in p.get("seniority.skill", {}, dict).items():
        if name in ("series", "clause"):
            continue
        key = f"seniority.skill.{name}"
        if not isinstance(entry, dict):
            _fail(p, key, "应为 { target = 级别, years = 年数 }")
        _level(p, f"{key}.target", entry.get("target"))
        years = entry.get("years")
        if isinstance(years, bool) or not isinstance(years, (int, float)) or years < 0:
            _fail(p, f"{key}.years", "应为不小于0的年数")
