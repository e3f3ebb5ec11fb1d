"""Read and normalise: one workbook's tables as canonical column lists, with the findings reading makes.

This stage needs neither pandas nor pandera, so it can run before they are imported (see :mod:`.preread`).  A file
is read into a :class:`FileRead` whose table ids are its own; :func:`add` gives its tables the ids of the chunk it
joins.  Every file of a run goes through both, whether read by a worker or ahead of it, so the results are the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import codes  # noqa: F401 - registers the codes reading makes (STR, FMT002, FMT007, IDN006, IDN008)
from .fields import FIELDS, base_field
from .findings import FileReport, Finding, col_letter, make
from .kinds import KIND_SPECS, KINDS
from .normalize import excel_digits, normaliser
from .reader import ReadError, Table, read_workbook
from .sources import Member, read_source


@dataclass
class TableRef:
    """What a finding needs to know about the table a row came from."""

    file: str
    sheet: str
    kind: str
    columns: dict[str, tuple[str, str]]  # field -> (header as written, column letter)
    header_row: int
    meta: dict = field(default_factory=dict)  # the reader's title, unit, fill_date (填报/审查日期)



@dataclass
class FileRead:
    """A file read and normalised: its report, the findings reading made, and each table with its columns (None
    for a table without rows); the columns' ``_t`` is set by :func:`add`."""

    rep: FileReport
    findings: list[Finding] = field(default_factory=list)
    tables: list[tuple[TableRef, dict[str, list] | None]] = field(default_factory=list)


def table_columns(table: Table, tid: int, ref: TableRef, findings: list[Finding]) -> dict[str, list]:
    """Canonical text per field, raw values beside it, provenance, as column lists; normaliser notes become
    findings.  Each distinct value of a column is normalised once."""
    n = len(table.rows)
    data: dict[str, list] = {"_t": [tid] * n, "_row": list(table.rows)}
    by_col = list(zip(*table.values)) if n else [()] * len(table.columns)
    for col, raws in zip(table.columns, by_col):
        fld = col.field
        # a value is its own key, except that True and 1 (False and 0) are equal but normalise differently
        keys = list(zip(map(type, raws), raws)) if bool in set(map(type, raws)) else raws
        known = _norm_memo(fld)  # None for names, IDs, phones: distinct values, normalised once each here
        fn = normaliser(fld)
        norm = fn if keys is raws else lambda k: fn(k[1])
        if known is None:
            memo = {k: norm(k) for k in set(keys)}
        else:
            memo = {k: known[k] if k in known else known.setdefault(k, norm(k)) for k in set(keys)}
        data[fld] = [memo[k][0] for k in keys]
        data[f"_raw_{fld}"] = raws
        if any(note for _, note in memo.values()):
            for r, k, v in zip(table.rows, keys, raws):
                c, note = memo[k]
                if note:
                    findings.append(make(note, file=ref.file, sheet=ref.sheet, row=r, column=col.header,
                                         cell=f"{col.letter}{r}", value=plain_value(v), parsed=c if c else ""))
    return data


_NORM: dict[tuple, dict] = {}  # normaliser -> {raw value (or (type, value)): (canonical, note)}, across chunks
_NORM_MAX = 50_000  # entries per normaliser (a few MB): memory stays bounded whatever the batch
_SHARED = ("date", "number", "enum")  # values that repeat across workbooks; names, IDs, phones do not


def _norm_memo(fld: str) -> dict | None:
    f = base_field(fld)
    if f.type not in _SHARED:
        return None
    key = (f.type, f.enum)
    memo = _NORM.get(key)
    if memo is None or len(memo) > _NORM_MAX:
        memo = _NORM[key] = {}
    return memo


def plain_value(v):
    """A cell value as a finding shows it: a whole float as the integer Excel shows, a date as ISO text."""
    if isinstance(v, float) and v.is_integer():
        return int(excel_digits(v))
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def read_one(path: Path | Member, display: str) -> FileRead:
    """Read, find the tables, normalise; whatever a file does, a :class:`FileRead` (an unreadable file: STR005 or
    the reader's code)."""
    rep = FileReport(display)
    out = FileRead(rep)
    findings = out.findings
    try:
        data = read_source(path)
        rep.sha256 = hashlib.sha256(data).hexdigest()
        wb = read_workbook(data)
    except ReadError as e:
        findings.append(make(e.code, file=display, reason=e.reason))
        rep.status = "unreadable"
        return out
    except Exception as e:  # noqa: BLE001 - whatever a hostile file does, the batch goes on
        findings.append(make("STR005", file=display, reason=f"{type(e).__name__}: {e}"))
        rep.status = "unreadable"
        return out
    ext = path.suffix.lower().lstrip(".")
    if ext in ("xlsx", "xlsm", "xls", "ods") and ext != wb.format and {ext, wb.format} != {"xlsx", "xlsm"}:
        findings.append(make("STR008", file=display, ext=f".{ext}", actual=f".{wb.format}"))
    if not wb.tables:
        findings.append(make("STR002", file=display))
        return out
    for table in wb.tables:
        ref = TableRef(display, table.sheet, table.kind,
                       {c.field: (c.header, c.letter) for c in table.columns}, table.header_rows[1], table.meta)
        rep.tables.append({"kind": table.kind, "sheet": table.sheet, "rows": len(table.rows),
                           "header_row": table.header_rows[1], **{k: v for k, v in table.meta.items()}})
        rep.unit = rep.unit or table.meta.get("unit")
        spec = KIND_SPECS[table.kind]
        missing = [f for f in spec.required_columns if table.column(f) is None]
        if missing:
            findings.append(make("STR003", file=display, sheet=table.sheet, row=table.header_rows[1],
                                 kind=KINDS[table.kind], missing="、".join(FIELDS[m].label for m in missing)))
        for r, c, formula in table.formulas:
            header = next((col.header for col in table.columns if col.index == c), None)
            findings.append(make("STR010", file=display, sheet=table.sheet, row=r, column=header,
                                 cell=f"{col_letter(c)}{r}", value=f"={formula}" if formula else "（共享公式）"))
        if not table.rows:
            findings.append(make("STR009", file=display, sheet=table.sheet, row=table.header_rows[1]))
            out.tables.append((ref, None))
            continue
        out.tables.append((ref, table_columns(table, -1, ref, findings)))
    main = max(rep.tables, key=lambda t: t["rows"])
    rep.kind, rep.sheet = main["kind"], main["sheet"]
    rep.rows = sum(t["rows"] for t in rep.tables)
    return out


def add(read: FileRead, tables: dict[int, TableRef], findings: list[Finding], frames: dict[str, list]) -> FileReport:
    """Join a file read to a chunk: its tables get the chunk's next ids, its columns go to their kind's frame."""
    findings.extend(read.findings)
    for ref, columns in read.tables:
        tid = len(tables)
        tables[tid] = ref
        if columns is not None:
            columns["_t"] = [tid] * len(columns["_row"])
            frames.setdefault(ref.kind, []).append(columns)
    return read.rep
