"""pandera models, one per kind, generated from the field dictionary and the kind specs.

The models check canonical text (see :mod:`normalize`): dates and numbers must have parsed, enumerations must hold
an allowed value, required values must be present.  All rows of one kind in a chunk of files are checked in one
``validate`` call; failure cases are mapped back to findings through the provenance columns.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .fields import ENUMS, FIELDS, YEAR_FIELD, base_field
from .kinds import KIND_SPECS

DATE_RE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
NUMBER_RE = r"^[+-]?\d+(\.\d+)?$"
ID_RE = r"^(\d{17}[\dX]|\d{15})$"
USCC_RE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
YEAR_BASES = ("ce_hours", "appraisal", "ce_prof_hours", "ce_public_hours")


def _field_kwargs(name: str, required_value: bool) -> dict:
    f = base_field(name)
    kw: dict = {"nullable": not required_value, "required": False}
    if f.type == "date":
        kw["str_matches"] = DATE_RE
    elif f.type == "number":
        kw["str_matches"] = NUMBER_RE
    elif f.type == "id":
        kw["str_matches"] = USCC_RE if name == "unit_uscc" else ID_RE
    elif f.type == "enum":
        kw["isin"] = ENUMS[f.enum].canonical()
    return kw


@lru_cache(maxsize=None)
def model(kind: str) -> type[pa.DataFrameModel]:
    """The DataFrameModel for a kind, built from the one field dictionary."""
    spec = KIND_SPECS[kind]
    ann, ns = {}, {}
    for name in FIELDS:
        if name in YEAR_BASES:
            continue
        ann[name] = Series[object]
        ns[name] = pa.Field(**_field_kwargs(name, name in spec.required_values))
    for base in YEAR_BASES:
        attr = f"{base}_by_year"
        ann[attr] = Series[object]
        ns[attr] = pa.Field(alias=rf"^{base}@\d{{4}}$", regex=True, **_field_kwargs(base, False))

    class Config:
        strict = False
        coerce = False
        name = spec.label

    ns["__annotations__"] = ann
    ns["Config"] = Config
    return type(f"{kind.title().replace('_', '')}Model", (pa.DataFrameModel,), ns)


def check_code(column: str, check: str) -> str:
    """The finding code for a pandera check on a column."""
    if check == "not_nullable":
        return "FMT004"
    f = base_field(column)
    if check.startswith("str_matches"):
        return {"date": "FMT001", "number": "FMT006", "id": "IDN001"}.get(f.type, "FMT003")
    if check.startswith("isin"):
        return "FMT003" if ENUMS[f.enum].strict else "FMT009"
    return "FMT003"


def validate(kind: str, frame: pd.DataFrame) -> list[tuple[object, str, str]]:
    """Check one kind's frame; returns (index, column, code) for every failing cell."""
    try:
        model(kind).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
        out = []
        for col, check, idx in zip(fc["column"], fc["check"], fc["index"]):
            if idx is None or pd.isna(idx) or col is None or not (col in FIELDS or YEAR_FIELD.match(str(col))):
                continue
            out.append((idx, col, check_code(col, str(check))))
        return out
    return []
