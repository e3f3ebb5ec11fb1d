"""Outputs of a run, all rendered from the same list of findings (``RunResult.findings``).

``write_outputs(out, result, policy, as_of)`` writes:

- ``findings.json``: the JSON contract, every file and finding (:mod:`.jsonout`);
- ``annotated/<input's relative path>.xlsx``: a copy of each workbook with findings, flagged cells filled and
  commented, and a first sheet 校验结果 (:mod:`.annotate`);
- ``summary.xlsx``: files, findings (a filterable table), counts by rule, category and unit (:mod:`.summary`);
- ``report.html``: an overview with inline SVG charts, then each file with its findings (:mod:`.report`).

Every file is written atomically (a temporary file beside it, then a rename); inputs are only read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import traceback
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..docs import SEVERITY_CN
from ..findings import CATEGORY_CN, Finding, sort_key

STATUS_CN = {"ok": "通过", "warning": "有警告", "error": "有错误", "unreadable": "无法读取"}
NO_UNIT = "（未识别填报单位）"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

__all__ = ["write_outputs", "Outputs", "SEVERITY_CN", "STATUS_CN", "CATEGORY_CN", "atomic_path", "clean_text"]


def clean_text(text: str) -> str:
    """Text that XML (and so any xlsx cell) can hold: control characters and lone surrogates removed."""
    return _ILLEGAL_XML.sub("", text)


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@dataclass
class Outputs:
    """What ``write_outputs`` wrote."""

    summary: Path
    report: Path
    annotated: dict[str, Path] = field(default_factory=dict)  # display name -> annotated copy
    rebuilt: dict[str, str] = field(default_factory=dict)  # display name -> why the copy was rebuilt from values
    failed: dict[str, str] = field(default_factory=dict)  # display name -> why no annotated copy was made


@dataclass
class View:
    """What summary.xlsx and report.html show, computed once."""

    result: object
    policy: object
    as_of: dt.date
    outputs: Outputs
    by_file: dict[str, list[Finding]]
    findings: list[Finding]  # sorted
    groups: dict = field(default_factory=dict)  # by_category() ... once computed

    def counts(self, file: str) -> Counter:
        return Counter(f.severity for f in self.by_file.get(file, []))

    def unit_of(self) -> dict[str, str]:
        return {r.file: r.unit or NO_UNIT for r in self.result.reports}

    def by(self, key) -> list[tuple[str, Counter]]:
        """(label, severity counts) per group of findings, most findings first."""
        groups: dict[str, Counter] = defaultdict(Counter)
        for f in self.findings:
            groups[key(f)][f.severity] += 1
        return sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))

    def by_category(self):
        return self._memo("category", lambda: self.by(lambda f: CATEGORY_CN.get(f.category, f.category)))

    def by_unit(self):
        units = self.unit_of()
        return self._memo("unit", lambda: self.by(lambda f: units.get(f.file, NO_UNIT)))

    def by_rule(self):
        return self._memo("rule", lambda: self.by(lambda f: f.code))

    def _memo(self, name: str, make):
        """Each grouping is computed once for summary.xlsx and report.html together."""
        if name not in self.groups:
            self.groups[name] = make()
        return self.groups[name]


def rule_section(code: str, section: str) -> str:
    """One section (检查内容, 如何修改 ...) of a rule's documentation, as one line of text."""
    from ..docs import SECTIONS
    from ..findings import RULES

    r = RULES.get(code)
    if r is None:
        return ""
    m = re.search(rf"{section}[：:](.*?)(?=(?:{'|'.join(SECTIONS)})[：:]|\Z)", r.doc, flags=re.S)
    return " ".join(m.group(1).split()) if m else ""


def header_lines(display: str, findings: list[Finding], policy, as_of: dt.date) -> list[str]:
    from zhicheng import __version__

    sev = Counter(f.severity for f in findings)
    return [
        f"校验结果：{display}",
        f"政策：{policy.title}（{policy.name}）；校验基准日：{as_of.isoformat()}；由 zhicheng {__version__} 生成",
        f"共 {len(findings)} 条：错误 {sev['error']} 条，警告 {sev['warning']} 条，提示 {sev['info']} 条。"
        "原表中有问题的单元格已标色（红色=错误，黄色=警告，蓝色=提示）并加了批注；点击“位置”列可跳到该单元格。",
    ]


def write_outputs(out, result, policy, as_of: dt.date, annotate: bool = True, jobs: int = 0) -> Outputs:
    """findings.json, annotated copies (unless ``annotate`` is false), summary.xlsx and report.html under ``out``.

    With ``jobs`` > 1 the annotated copies are made by that many worker processes (0 or 1: in this process), and
    summary.xlsx is written in a forked process while this one writes report.html; the copies, their names and
    every other output are the same either way.
    """
    from . import copies, jsonout, report, summary

    out = Path(out)
    outputs = Outputs(out / "summary.xlsx", out / "report.html")
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_file[f.file].append(f)
    if annotate:
        annotate_copies(out / "annotated", result, by_file, policy, as_of, outputs, jobs)
    shutil.rmtree(out / copies.STAGING, ignore_errors=True)  # staged copies not used (made again, or not annotating)
    view = View(result, policy, as_of, outputs, dict(by_file), sorted(result.findings, key=sort_key))
    join = in_background(summary.write, outputs.summary, view) if jobs > 1 else summary.write(outputs.summary, view)
    jsonout.write(out / "findings.json", view)
    report.write(outputs.report, view)
    if join:
        join()
    return outputs


def in_background(fn, *args):
    """Start ``fn(*args)`` in a forked process (which shares this one's memory) and return a function that waits for
    it; if it failed, ``fn`` runs again here so its error is raised as in a serial run.  Where forking is not safe
    (another thread runs, not Linux) ``fn`` just runs here and None is returned."""
    from ..batch import _context

    ctx = _context()
    if ctx.get_start_method() != "fork":
        fn(*args)
        return None
    proc = ctx.Process(target=fn, args=args, daemon=True)
    proc.start()

    def join():
        proc.join()
        if proc.exitcode != 0:
            fn(*args)

    return join


def annotate_copies(out: Path, result, by_file: dict[str, list[Finding]], policy, as_of: dt.date, outputs: Outputs,
                    jobs: int) -> None:
    """An annotated copy of every readable file with findings, recorded in ``outputs`` (or why it failed).

    A copy a worker staged (``result.staged``) is moved into place if it shows all of its file's findings
    (run-scope rules only add findings); every other copy is made now, in ``jobs`` worker processes when there are
    enough of them.  Copies are named in the run's order either way."""
    from ..sources import Member, read_source
    from . import annotate as ann, copies

    stage_dir = out.parent / copies.STAGING
    todo, ready = [], {}
    for rep in result.reports:
        items = by_file.get(rep.file)
        src = result.paths.get(rep.file) or getattr(result, "members", {}).get(rep.file)
        if items and rep.status != "unreadable" and src is not None:
            todo.append((rep.file, src, items))
            st = result.staged.get(rep.file)
            if st and st["findings"] == len(items) and (stage_dir / st["name"]).is_file():
                ready[rep.file] = st
    taken: set[str] = set()  # names written, decided here in the run's order whatever process made a copy

    def failed(file: str, e: BaseException | str, trace: str = "") -> None:
        if trace:
            print(trace, end="", file=sys.stderr)
        elif isinstance(e, BaseException):
            traceback.print_exc(limit=3)
        outputs.failed[file] = e if isinstance(e, str) else f"{type(e).__name__}: {e}"

    def written(file: str, done) -> None:
        outputs.annotated[file] = done.path
        if done.rebuilt:
            outputs.rebuilt[file] = done.note

    def tasks():
        for file, src, items in todo:
            if file in ready:
                continue
            try:  # a .zip member is read here: workers do not share this process's open archives
                src = read_source(src) if isinstance(src, Member) else str(src)
            except Exception as e:  # noqa: BLE001
                failed(file, e)
                continue
            yield copies.CopyTask(file, src, items, header_lines(file, items, policy, as_of))

    if jobs > 1 and len(todo) - len(ready) >= copies.MIN_PARALLEL:
        made = copies.made_in_workers(tasks(), min(jobs, len(todo) - len(ready)))
    else:
        made = ((task, copies.make_copy(task)) for task in tasks())
    pending = None
    for file, _, _ in todo:  # in the run's order: the names do not depend on which copies were staged
        try:
            if file in ready:
                st = ready[file]
                written(file, ann.place_copy(stage_dir / st["name"], out, file, st["fmt"], st["note"], taken))
                continue
            pending = pending or next(made, None)
            if pending is None or pending[0].display != file:
                continue  # its source could not be read: already reported
            task, copy = pending
            pending = None
            if copy.error:
                failed(file, copy.error, copy.trace)
                continue
            written(file, ann.save_copy(out, file, copy.fmt, copy.note, copy.data, taken))
        except Exception as e:  # noqa: BLE001 - one file's copy failing must not stop the others
            failed(file, e)
