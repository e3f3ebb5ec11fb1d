"""The pipeline: read -> normalise -> schema -> rules -> findings.

Files are processed in chunks; within a chunk all rows of one kind are checked in one pandera call and one pass
of every rule, with provenance columns (``_t`` table id, ``_row`` Excel row).  What run-scope rules (duplicates
across workbooks, cross-sheet consistency) need is kept as a small frame for the whole run.
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import rules as _rules  # noqa: F401 - registers every rule
from . import schema
from .fields import ENUMS, base_field, field_label
from .findings import RULES, FileReport, Finding, Hit, make
from .ingest import FileRead, TableRef, add, plain_value, read_one, table_columns  # noqa: F401 - the stage before
from .policy import Policy
from .reader import Table
from .sources import WORKBOOK_SUFFIXES, Member, collect, read_source  # noqa: F401 - collect is part of the API

PROVENANCE = ("_t", "_row")
PRECISION = {4: "Y", 7: "M", 10: "D"}  # length of an ISO date -> what it was written to


@dataclass
class Context:
    policy: Policy
    as_of: dt.date
    kind: str = ""
    tables: dict[int, TableRef] = field(default_factory=dict)
    frame: pd.DataFrame | None = None
    memo: dict = field(default_factory=dict)  # work shared by the rules of one frame (cleared per frame)
    _cells: dict = field(default_factory=dict, repr=False)  # (frame id, column) -> (frame, {index: value})

    def raw(self, idx, fld: str):
        if self.frame is None:
            return ""
        col = f"_raw_{fld}" if f"_raw_{fld}" in self.frame else fld
        v = self.cell(idx, col) if col in self.frame else None
        return "" if v is None or (isinstance(v, float) and v != v) else v

    def cell(self, idx, col: str):
        """``frame.at[idx, col]`` without pandas' cost per call (findings are made one by one)."""
        key = (id(self.frame), col)
        got = self._cells.get(key)
        if got is None or got[0] is not self.frame:
            s = self.frame[col]
            index = s.index  # a chunk's frame is numbered 0..n-1: its values are looked up by position
            positional = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            got = self._cells[key] = (self.frame, s.tolist() if positional else dict(zip(index, s.tolist())))
        return got[1][idx]


@dataclass
class ChunkResult:
    reports: list[FileReport]
    findings: list[Finding]
    tables: dict[int, TableRef]
    cross: pd.DataFrame | None


def run_fields() -> list[str]:
    """Fields that run-scope rules read, kept for the whole run ("base@*" keeps every year field of a base)."""
    out: dict[str, None] = {}
    for r in RULES.values():
        if r.scope == "run":
            out.update(dict.fromkeys(r.fields))
    return list(out)


# ---------------------------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------------------------


def table_frame(table: Table, tid: int, ref: TableRef, findings: list[Finding]) -> pd.DataFrame:
    """One table as a frame (see :func:`table_columns`)."""
    return frame_of([table_columns(table, tid, ref, findings)])


def frame_of(parts: list[dict[str, list]]) -> pd.DataFrame:
    """One object frame from tables' column lists; a column a table lacks is missing (None) on its rows."""
    if len(parts) == 1:
        return pd.DataFrame(parts[0], dtype=object)
    names = list(dict.fromkeys(c for p in parts for c in p))
    data = {}
    for c in names:
        col: list = []
        for p in parts:
            got = p.get(c)
            col.extend(got if got is not None else [None] * len(p["_row"]))
        data[c] = col
    return pd.DataFrame(data, dtype=object)


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical text -> typed columns for the rules; values the schema rejected become missing.  Dates and numbers
    are parsed once per distinct value (a chunk's 10,000 rows hold a few hundred)."""
    out = {"_t": df["_t"].astype("int64"), "_row": df["_row"].astype("int64")}
    for col in df.columns:
        if col.startswith("_"):
            continue
        f = base_field(col)
        s = df[col]
        if f.type == "date":
            codes, u = schema.distinct(s)
            text = u.where(u.astype(str).str.fullmatch(schema.DATE_RE), None)
            out[col] = spread(pd.to_datetime(text, format="ISO8601", errors="coerce"), codes, s.index)
            prec = text.str.len().map(PRECISION)  # YYYY, YYYY-MM, YYYY-MM-DD
            out[f"{col}__prec"] = spread(prec.astype(object).where(prec.notna(), None), codes, s.index)
        elif f.type == "number":
            codes, u = schema.distinct(s)
            out[col] = spread(pd.to_numeric(u, errors="coerce"), codes, s.index)
        elif f.type == "id":  # an ID stored as a number has lost digits (IDN006): no further checks on it
            raw = df[f"_raw_{col}"] if f"_raw_{col}" in df else None
            if raw is None:
                out[col] = s
            else:
                numeric = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw]
                out[col] = s.where(~np.array(numeric, dtype=bool), None)
        elif f.type == "enum" and ENUMS[f.enum].strict:
            out[col] = s.where(s.isin(ENUMS[f.enum].canonical()), None)
        else:
            out[col] = s
    return pd.DataFrame(out, index=df.index)


def spread(values: pd.Series, codes: np.ndarray, index) -> pd.Series:
    """Per-distinct-value results back on every row; rows with code -1 are missing (None in an object column)."""
    if values.dtype == object:  # stays object (pandas would infer str from text), None where missing
        arr = np.empty(len(values) + 1, dtype=object)
        arr[:-1] = values.to_numpy()
        arr[-1] = None
        return pd.Series(arr[codes], index=index, dtype=object)  # code -1 takes the last: None
    return pd.Series(pd.api.extensions.take(values.array, codes, allow_fill=True), index=index)


# ---------------------------------------------------------------------------------------------------------------
# Findings from hits
# ---------------------------------------------------------------------------------------------------------------


def hit_finding(code: str, hit: Hit, ctx: Context):
    """The finding for a hit on a row of ``ctx.frame``."""
    tid = int(ctx.cell(hit.index, "_t"))
    row = int(ctx.cell(hit.index, "_row"))
    ref = ctx.tables[tid]
    header, letter = ref.columns.get(hit.field, (field_label(hit.field) if hit.field else None, None))
    params = dict(hit.params)
    value = params.pop("value", None)
    if value is None and hit.field:
        value = ctx.raw(hit.index, hit.field)
    return make(code, file=ref.file, sheet=ref.sheet, row=row, column=header,
                cell=f"{letter}{row}" if letter else None, value=plain_value(value), severity=hit.severity, **params)


def run_rules(kind: str, frame: pd.DataFrame, ctx: Context, scope: str) -> list[Finding]:
    """Every enabled rule of ``scope`` for ``kind`` over one frame; a crashing rule becomes STR006 per file."""
    out: list[Finding] = []
    ctx.kind = kind
    ctx.memo = {}
    for r in RULES.values():
        if r.scope != scope or r.func is None or (r.kinds and kind not in r.kinds and scope == "rows"):
            continue
        if not ctx.policy.enabled(r.code) or any(f not in frame for f in r.requires):
            continue
        try:
            out.extend(hit_finding(r.code, h, ctx) for h in r.func(frame, ctx))
        except Exception as e:  # noqa: BLE001 - a bug in one rule must not stop the batch
            reason = f"{type(e).__name__}: {e}"
            traceback.print_exc(limit=3)
            files = sorted({ctx.tables[int(t)].file for t in frame["_t"].unique()})
            out.extend(make("STR006", file=f, rule=r.code, reason=reason) for f in files)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Chunks of files
# ---------------------------------------------------------------------------------------------------------------


def process_chunk(items: list[tuple[Path | Member, str]], policy: Policy, as_of: dt.date,
                  on_file=None, ready=None) -> ChunkResult:
    """Read, normalise, schema-check and rule-check a chunk of files (``on_file(i)`` before file i, then
    ``on_file(len(items))`` before the checks: a worker's heartbeat).  ``ready(i)``: file i already read (a
    :class:`.ingest.FileRead`, see :mod:`.preread`), or None to read it here."""
    ctx = Context(policy, as_of)
    findings: list[Finding] = []
    frames: dict[str, list[dict[str, list]]] = {}
    reports = []
    for i, (p, d) in enumerate(items):
        if on_file:
            on_file(i)
        got = ready(i) if ready else None
        reports.append(add(got if got is not None else read_one(p, d), ctx.tables, findings, frames))
    if on_file:
        on_file(len(items))
    return check_frames(frames, ctx, reports, findings)


def check_frames(frames: dict[str, list[dict[str, list]]], ctx: Context, reports: list[FileReport],
                 findings: list[Finding]) -> ChunkResult:
    """Schema and row rules over every kind's tables (one frame and one pandera call per kind)."""
    keep = run_fields()
    cross = []
    for kind, parts in frames.items():
        df = frame_of(parts)
        ctx.frame = df
        for idx, col, code in schema.validate(kind, df):
            if col not in ctx.tables[int(ctx.cell(idx, "_t"))].columns:
                continue
            f = base_field(col)
            allowed = "、".join(ENUMS[f.enum].canonical()[:12]) if f.enum else ""
            findings.append(hit_finding(code, Hit(idx, col, {"allowed": allowed}), ctx))
        t = typed(df)
        findings.extend(run_rules(kind, t, ctx, "rows"))
        years = [x for x in t.columns if "@" in x and f"{x.split('@')[0]}@*" in keep]  # e.g. "ce_hours@*"
        c = t[[x for x in ("_t", "_row", *keep, *years) if x in t]].copy()
        c["kind"] = kind
        cross.append(c)
    cross_df = pd.concat(cross, ignore_index=True) if cross else None
    return ChunkResult(reports, findings, ctx.tables, cross_df)


def check_tables(tables: list[Table], policy: Policy, as_of: dt.date, file: str = "") -> list[Finding]:
    """Check tables already in memory (cell functions, templates): the same pipeline as for files."""
    ctx = Context(policy, as_of)
    findings: list[Finding] = []
    frames: dict[str, list[dict[str, list]]] = {}
    for table in tables:
        tid = len(ctx.tables)
        ref = TableRef(file, table.sheet, table.kind, {c.field: (c.header, c.letter) for c in table.columns},
                       table.header_rows[1], table.meta)
        ctx.tables[tid] = ref
        if table.rows:
            frames.setdefault(table.kind, []).append(table_columns(table, tid, ref, findings))
    chunk = check_frames(frames, ctx, [], findings)
    return chunk.findings + run_cross([chunk], policy, as_of)


def check_record(record: dict, kind: str, policy: Policy, as_of: dt.date) -> list[Finding]:
    """Check one row given as {field: raw value}; e.g. {"ce_year": 2023, "ce_total_hours": 60}."""
    from .reader import Column

    cols = [Column(i, f, field_label(f)) for i, f in enumerate(record)]
    table = Table("", kind, (1, 1), cols, [2], [tuple(record.values())])
    return check_tables([table], policy, as_of)


# ---------------------------------------------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    reports: list[FileReport]
    findings: list[Finding]
    paths: dict[str, Path] = field(default_factory=dict)  # display name -> input file
    members: dict[str, Member] = field(default_factory=dict)  # display name -> workbook inside a .zip archive
    resumed: int = 0  # files taken from the journal of an earlier run
    staged: dict[str, dict] = field(default_factory=dict)  # display name -> its annotated copy made by a worker


def run_cross(chunks: list[ChunkResult], policy: Policy, as_of: dt.date) -> list[Finding]:
    """Run-scope rules over the rows of every chunk (table ids re-numbered to be unique)."""
    ctx = Context(policy, as_of)
    parts = []
    for ch in chunks:
        if ch.cross is None:
            continue
        offset = len(ctx.tables)
        for tid, ref in ch.tables.items():
            ctx.tables[tid + offset] = ref
        part = ch.cross.copy()
        part["_t"] = part["_t"] + offset
        parts.append(part)
    if not parts:
        return []
    df = pd.concat(parts, ignore_index=True)
    df["_file"] = [ctx.tables[int(t)].file for t in df["_t"]]
    ctx.frame = df
    return run_rules("", df, ctx, "run")


# Run-scope rules compare rows that share a key: an ID number (DUP002, ELG006, ELG007, CON002) or a unit whose
# rows name different committees (ELG008).  A row that shares no key with another row cannot be reported on, so
# a run keeps a compact key per row and loads only the rows that share one.  A new run-scope rule must say here
# what it groups rows by (tests/test_batch.py checks every run-scope rule is listed).
RUN_KEYS = {"DUP002": "id_number", "ELG006": "id_number", "ELG007": "id_number", "CON002": "id_number",
            "ELG008": "unit+committee"}


def _unit_key(v) -> str:
    return str(v).strip()


class RunKeys:
    """Pass one over a run's files: a 64-bit hash of each row's ID number, and each unit's committees."""

    def __init__(self):
        import array

        self.ids = array.array("q")
        self.spans: dict[str, tuple[int, int]] = {}  # file -> its range in ids
        self.committees: dict[str, set] = {}
        self.with_committee: set[str] = set()

    def add(self, file: str, data: dict[str, list]) -> None:
        start = len(self.ids)
        self.ids.extend([hash(v) for v in data.get("id_number", ()) if v is not None])
        self.spans[file] = (start, len(self.ids))
        if "committee" in data and "unit" in data:
            for u, c in zip(data["unit"], data["committee"]):
                if c is not None and u is not None:
                    self.committees.setdefault(_unit_key(u), set()).add(_unit_key(c))
                    self.with_committee.add(file)

    def screen(self) -> "RunScreen":
        import numpy as np

        ids = np.frombuffer(self.ids, dtype=np.int64) if len(self.ids) else np.zeros(0, np.int64)
        values, counts = np.unique(ids, return_counts=True)
        shared = values[counts > 1]
        units = {u for u, cs in self.committees.items() if len(cs) > 1}
        seen = np.concatenate([[0], np.cumsum(np.isin(ids, shared))])  # shared IDs among a file's first k rows
        files = {f for f, (a, b) in self.spans.items() if seen[b] > seen[a]}
        if units:
            files |= self.with_committee
        return RunScreen(set(shared.tolist()), units, files)


@dataclass
class RunScreen:
    """Pass two: the rows of a file that share a key with another row of the run."""

    ids: set[int]
    units: set[str]
    files: set[str]
    everything: bool = False  # no screen (tests compare against it)

    def rows(self, data: dict[str, list]) -> list[int]:
        if self.everything:
            return list(range(len(data["_row"])))
        ids = data.get("id_number") or [None] * len(data["_row"])
        units = data.get("unit") if self.units and "committee" in data else None
        out = []
        for i, v in enumerate(ids):
            if v is not None and hash(v) in self.ids:
                out.append(i)
            elif units is not None and data["committee"][i] is not None and units[i] is not None \
                    and _unit_key(units[i]) in self.units:
                out.append(i)
        return out


def status_of(rep: FileReport, findings: list[Finding]) -> str:
    if rep.status == "unreadable":
        return rep.status
    sev = {f.severity for f in findings}
    return "error" if "error" in sev else "warning" if "warning" in sev else "ok"


def validate_paths(paths, policy: Policy, as_of: dt.date, chunk_size: int = 50, progress=None, *, jobs: int = 0,
                   out: Path | None = None, resume: bool = False, **limits) -> RunResult:
    """Validate files, folders and .zip archives.  ``jobs=0`` runs in this process; ``jobs>=1`` uses that many
    worker processes with memory and time limits (see :mod:`batch`).  With ``out`` a journal is kept there, and
    ``resume`` skips files it already holds."""
    from . import batch

    return batch.run(collect(paths, exclude=out), policy, as_of, jobs=jobs, out=out, resume=resume,
                     chunk_size=chunk_size, progress=progress, **limits)
