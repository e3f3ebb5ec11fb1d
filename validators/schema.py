"""pandera schemas, one per kind, generated from the field dictionary and the kind specs.

The models check canonical text (see :mod:`normalize`): dates and numbers must have parsed, enumerations must hold
an allowed value, required values must be present.  All rows of one kind in a chunk of files are checked in one
``validate`` call; failure cases are mapped back to findings through the provenance columns.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .fields import ENUMS, FIELDS, YEAR_FIELD, base_field
from .kinds import KIND_SPECS

DATE_RE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
NUMBER_RE = r"^[+-]?\d+(\.\d+)?$"
ID_RE = r"^(\d{17}[\dX]|\d{15})$"
USCC_RE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
YEAR_BASES = ("ce_hours", "appraisal", "ce_prof_hours", "ce_public_hours")


def distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code of each row's value, the distinct values): code -1 where the value is missing.  A chunk's 10,000 rows
    hold a few hundred distinct dates, numbers and enumeration values: checks and typing look at each once."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object)


def by_distinct(s: pd.Series, ok) -> pd.Series:
    """``ok(value)`` for every row of ``s``, called once per distinct value (True where the value is missing);
    pandas' own string checks call Python once per row."""
    codes, uniques = distinct(s)
    judged = np.fromiter((bool(ok(v)) for v in uniques), dtype=bool, count=len(uniques))
    return pd.Series(np.append(judged, True)[codes], index=s.index)  # code -1 (missing): the appended True


def str_matches(pattern: str) -> pa.Check:
    """pandera's ``Check.str_matches``, each distinct value matched once: text only, from its start."""
    rx = re.compile(pattern)
    return pa.Check(lambda s: by_distinct(s, lambda v: isinstance(v, str) and rx.match(v)),
                    name="str_matches", error=f"str_matches('{pattern}')")


def isin(allowed) -> pa.Check:
    """pandera's ``Check.isin``, each distinct value looked up once."""
    allowed = frozenset(allowed)
    return pa.Check(lambda s: by_distinct(s, allowed.__contains__), name="isin", error=f"isin({sorted(allowed)})")


def _column(name: str, required_value: bool, **kw) -> pa.Column:
    f = base_field(name)
    checks = []
    if f.type == "date":
        checks.append(str_matches(DATE_RE))
    elif f.type == "number":
        checks.append(str_matches(NUMBER_RE))
    elif f.type == "id":
        checks.append(str_matches(USCC_RE if name == "unit_uscc" else ID_RE))
    elif f.type == "enum":
        checks.append(isin(ENUMS[f.enum].canonical()))
    # no dtype: every frame is built of object columns (canonical text), and pandera 0.35 does not find numpy's
    # object dtype in its pandas registry, so checking it tried to import geopandas once per column and call (a
    # quarter of a call's instructions on a one-file chunk, by callgrind, plus a search of sys.path each time)
    return pa.Column(None, checks, nullable=not required_value, required=False, **kw)


@lru_cache(maxsize=None)
def model(kind: str) -> pa.DataFrameSchema:
    """The schema of a kind, built from the one field dictionary: every field a column that may be absent, year
    fields (``ce_hours@2022`` …) matched by a pattern.  (The object API rather than a generated DataFrameModel: a
    model's first use introspects type annotations and imports dask's pandera types when dask is installed, about
    0.4 s in every worker process.)"""
    spec = KIND_SPECS[kind]
    columns = {name: _column(name, name in spec.required_values) for name in FIELDS if name not in YEAR_BASES}
    for base in YEAR_BASES:
        pattern = rf"^{base}@\d{{4}}$"
        columns[pattern] = _column(base, False, regex=True)
    return pa.DataFrameSchema(columns, strict=False, coerce=False, name=spec.label)


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
