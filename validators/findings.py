"""Typed findings and the rule registry.

Every check, whether it lives in the reader, the schema or a policy rule, is registered here with a stable code,
a category, a severity and a Chinese message template.  Codes are never reused: a retired rule keeps its code and
is marked ``retired``.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple

CATEGORIES = (
    "structure", "format", "identity", "duplicate", "hours", "certificate",
    "discipline", "seniority", "eligibility", "procedure", "consistency",
)
SEVERITIES = ("error", "warning", "info")
PREFIX = {
    "structure": "STR", "format": "FMT", "identity": "IDN", "duplicate": "DUP", "hours": "HRS",
    "certificate": "CRT", "discipline": "DSC", "seniority": "SEN", "eligibility": "ELG",
    "procedure": "PRC", "consistency": "CON",
}
CATEGORY_CN = {
    "structure": "表格结构", "format": "填写格式", "identity": "身份信息", "duplicate": "重复", "hours": "继续教育学时",
    "certificate": "证书", "discipline": "纪律处分", "seniority": "任职年限", "eligibility": "申报条件",
    "procedure": "程序", "consistency": "前后一致",
}


@dataclass(slots=True)
class Finding:
    code: str
    category: str
    severity: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None
    message: str
    value: Any = None

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        """From ``to_dict``'s output; the short repeated texts are shared, not copied (100k findings in memory)."""
        d = dict(d)
        for k in _SHARED_TEXT:
            v = d.get(k)
            if isinstance(v, str):
                d[k] = sys.intern(v)
        return cls(**d)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in FINDING_FIELDS}  # (dataclasses.asdict deep-copies: slow on 100k)
        v = d["value"]
        if v is not None and not isinstance(v, (str, int, float, bool)):
            d["value"] = str(v)
        elif isinstance(v, int) and not -(2 ** 63) <= v < 2 ** 63:
            d["value"] = str(v)  # beyond 64 bits: JSON readers (orjson among them) would make it a float
        return d


FINDING_FIELDS = tuple(Finding.__dataclass_fields__)
_SHARED_TEXT = ("code", "category", "severity", "file", "sheet", "column")


class Hit(NamedTuple):
    """What a rule function yields: a row of its frame, the field it concerns, and the message parameters."""

    index: Any  # index label in the frame the rule was given
    field: str | None
    params: dict
    severity: str | None = None  # overrides the rule's default severity (e.g. a verdict that depends on the day)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    message: str  # str.format template; {value} is the raw cell value
    scope: str  # "file" (reader), "schema" (pandera), "rows" (one kind's frame), "run" (all rows of a run)
    kinds: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # fields the rule reads; a run-scope rule's fields are kept for the whole run
    # the rule runs only on frames that have all of these (rows scope: all its fields; run scope: the first)
    func: Callable | None = None
    policy: str | None = None  # the policy key that switches it on/off and carries its numbers
    doc: str = ""
    retired: bool = False

    @property
    def requires(self) -> tuple[str, ...]:
        fields = tuple(f for f in self.fields if "*" not in f)
        return fields if self.scope == "rows" else fields[:1]

    def render(self, params: dict) -> str:
        try:
            return self.message.format(**params)
        except (KeyError, IndexError, ValueError):
            return self.message


RULES: dict[str, Rule] = {}


def register(code: str, name: str, category: str, severity: str, message: str, *, scope: str,
             kinds: Iterable[str] = (), fields: Iterable[str] = (), func: Callable | None = None,
             policy: str | None = None, doc: str = "") -> Rule:
    if code in RULES:
        raise ValueError(f"rule code {code} registered twice")
    if category not in CATEGORIES or severity not in SEVERITIES:
        raise ValueError(f"{code}: bad category or severity")
    if not code.startswith(PREFIX[category]):
        raise ValueError(f"{code}: a {category} rule's code starts with {PREFIX[category]}")
    r = Rule(code, name, category, severity, message, scope, tuple(kinds), tuple(fields), func, policy,
             inspect.cleandoc(doc or (func.__doc__ if func else "") or ""))
    RULES[code] = r
    return r


def rule(code: str, name: str, category: str, severity: str, message: str, *, kinds: Iterable[str] = (),
         fields: Iterable[str] = (), scope: str = "rows", policy: str | None = None):
    """Decorator for a rule function ``func(frame, ctx) -> Iterable[Hit]``."""

    def deco(func):
        register(code, name, category, severity, message, scope=scope, kinds=kinds, fields=fields, func=func,
                 policy=policy)
        return func

    return deco


def make(code: str, *, file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
         cell: str | None = None, value: Any = None, severity: str | None = None, **params) -> Finding:
    """A finding of a registered rule, its message rendered from ``params`` (plus ``value``)."""
    r = RULES[code]
    params.setdefault("value", "" if value is None else value)
    params.setdefault("column", column or "")
    params.setdefault("sheet", sheet or "")
    return Finding(code, r.category, severity or r.severity, file, sheet, row, column, cell, r.render(params),
                   value)


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def sort_key(f: Finding):
    return (f.file, f.sheet or "", f.row or 0, f.cell or "", SEVERITY_ORDER[f.severity], f.code)


@dataclass
class FileReport:
    """One input file: what was read and its status."""

    file: str
    sha256: str | None = None
    kind: str | None = None
    sheet: str | None = None
    rows: int = 0
    status: str = "ok"  # ok | warning | error | unreadable
    tables: list[dict] = field(default_factory=list)
    unit: str | None = None

    def to_dict(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "kind": self.kind, "sheet": self.sheet,
                "rows": self.rows, "status": self.status, "tables": self.tables, "unit": self.unit}
