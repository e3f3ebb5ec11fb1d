"""Template specs: which columns each official form has, read from ``specs/<kind>.toml``.

A spec names canonical fields only.  Header labels, help text, widths, types and allowed values come from the field
dictionary (:mod:`zhicheng.validators.fields`), required fields from :mod:`zhicheng.validators.kinds`, and the years
of per-year columns (``ce_hours@2022``) from the policy, so a template, the reader and the schema cannot drift apart.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from zhicheng.validators.fields import CHILD_FIELDS, FIELDS, PARENT_GROUPS, base_field, header_key, match_header
from zhicheng.validators.kinds import KIND_SPECS
from zhicheng.validators.policy import Policy

SPEC_DIR = Path(__file__).parent / "specs"
YEAR_GROUPS = {"ce_hours": "ce", "appraisal": "appraisal"}  # year-field base -> its parent group


class SpecError(Exception):
    """A spec that does not fit the field dictionary."""


@dataclass(frozen=True)
class Col:
    """One column of a template: a canonical field, its header text and, under a merged parent, the parent text."""

    field: str
    label: str
    parent: str | None = None

    @property
    def header(self) -> str:
        return f"{self.parent}/{self.label}" if self.parent else self.label


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str
    attachment: str
    sheet: str
    notes: tuple[str, ...]
    columns: tuple  # field names and group tables, as written in the TOML file

    @property
    def label(self) -> str:
        return KIND_SPECS[self.kind].label

    def expand(self, years: dict[str, list[int]]) -> list[Col]:
        """The template's columns; ``years`` gives the years of per-year groups ({"ce_hours": [2021, 2022]})."""
        cols: list[Col] = []
        for item in self.columns:
            if isinstance(item, str):
                cols.append(Col(item, FIELDS[item].label))
                continue
            group = item["group"]
            parent = item.get("parent", PARENT_GROUPS[group][0])
            if "years" in item:
                base = item["years"]
                cols.extend(Col(f"{base}@{y}", f"{y}年", parent) for y in years.get(base, []))
                continue
            labels = item.get("labels", {})
            for f in item["fields"]:
                cols.append(Col(f, labels.get(f) or child_label(group, f), parent))
        return cols


def child_label(group: str, fld: str) -> str:
    """The first spelling that the reader maps to ``fld`` under ``group``."""
    for text, target in CHILD_FIELDS[group].items():
        if target == fld:
            return text
    raise SpecError(f"field {fld} is not a child of group {group}")


def check(spec: Spec) -> None:
    """Every field exists, every header reads back to its field, the kind's required fields are all there."""
    sample = spec.expand({base: [2021] for base in YEAR_GROUPS})
    seen = set()
    for item in spec.columns:
        if isinstance(item, dict):
            group = item.get("group")
            if group not in PARENT_GROUPS:
                raise SpecError(f"{spec.kind}: unknown group {group!r}")
            parent = item.get("parent")
            if parent and header_key(parent) not in {header_key(p) for p in PARENT_GROUPS[group]}:
                raise SpecError(f"{spec.kind}: {parent!r} is not a parent header of group {group}")
            if "years" in item and YEAR_GROUPS.get(item["years"]) != group:
                raise SpecError(f"{spec.kind}: years of {item['years']!r} do not belong under group {group}")
    for col in sample:
        base_field(col.field)  # KeyError for an unknown field
        got = match_header(col.label, col.parent) if col.parent else match_header(col.label)
        if got != col.field:
            raise SpecError(f"{spec.kind}: header {col.header!r} reads back as {got!r}, not {col.field!r}")
        if col.field in seen:
            raise SpecError(f"{spec.kind}: field {col.field} twice")
        seen.add(col.field)
    missing = [f for f in KIND_SPECS[spec.kind].required_columns if f not in seen]
    if missing:
        raise SpecError(f"{spec.kind}: required fields missing: {missing}")


def load(kind: str) -> Spec:
    path = SPEC_DIR / f"{kind}.toml"
    if kind not in KIND_SPECS or not path.exists():
        raise SpecError(f"没有“{kind}”的模板；可用的有：{'、'.join(kinds())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if data.get("kind") != kind:
        raise SpecError(f"{path.name}: kind is {data.get('kind')!r}")
    spec = Spec(kind, data["title"], data.get("attachment", ""), data.get("sheet", "Sheet1"),
                tuple(data.get("notes", ())), tuple(data["columns"]))
    check(spec)
    return spec


def kinds() -> list[str]:
    """Kinds that have a spec, in the order of the kind registry."""
    return [k for k in KIND_SPECS if (SPEC_DIR / f"{k}.toml").exists()]


def policy_years(policy: Policy, base: str) -> list[int]:
    """Years of per-year columns: ``templates.<base>_years`` in the profile, else the three full years before the
    application year (the year of the profile's as-of date)."""
    given = policy.get(f"templates.{base}_years", None, list)
    if given:
        return [int(y) for y in given]
    n = int(policy.get("templates.years_back", 3, int))
    year = policy.as_of().year
    return list(range(year - n, year))
