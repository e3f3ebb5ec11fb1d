"""What ``zhicheng validate`` shows in the terminal: a progress bar while a batch runs, then a summary table.

The progress bar goes to stderr (and only to a terminal), the summary to stdout; ``--quiet`` shows neither.
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

STATUS_LABELS = {"ok": "合格", "warning": "有警告", "error": "有错误", "unreadable": "无法读取"}
SHOW_FILES = 30


@contextlib.contextmanager
def progress(total: int, quiet: bool = False):
    """Yields ``advance(n)``: n more files finished."""
    if quiet or total < 2 or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    bar = Progress(TextColumn("校验中"), BarColumn(), MofNCompleteColumn(), TextColumn("个文件"),
                   TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(), console=Console(stderr=True),
                   transient=True, auto_refresh=False)  # no refresh thread: workers can be forked safely
    with bar:
        task = bar.add_task("validate", total=total)

        def advance(n):
            bar.advance(task, n)
            bar.refresh()

        yield advance


def summary(result, policy, as_of, out, written: list[str]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from zhicheng.validators.findings import RULES

    console = Console(highlight=False, markup=False, emoji=False,  # file names are not markup
                      width=None if sys.stdout.isatty() else 160, soft_wrap=True)
    sev = Counter(f.severity for f in result.findings)
    status = Counter(r.status for r in result.reports)
    console.print(f"政策：{policy.title}（{policy.name}），校验基准日 {as_of}")
    resumed = f"（其中 {result.resumed} 个沿用输出文件夹中上次校验的结果）" if getattr(result, "resumed", 0) else ""
    console.print(f"文件 {len(result.reports)} 个{resumed}：" + "，".join(
        f"{STATUS_LABELS.get(k, k)} {status[k]}" for k in STATUS_LABELS if status[k]))
    console.print(f"问题 {len(result.findings)} 条：错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}")
    by_code = Counter(f.code for f in result.findings)
    if by_code:
        t = Table(box=box.SIMPLE, title="问题最多的规则")
        t.add_column("代码")
        t.add_column("规则")
        t.add_column("条数", justify="right")
        for code, n in by_code.most_common(10):
            t.add_row(code, RULES[code].name, str(n))
        console.print(t)
    bad = [r for r in result.reports if r.status in ("unreadable", "error")]
    if bad:
        first = {}
        for f in result.findings:
            if f.severity == "error":
                first.setdefault(f.file, f)
        t = Table(box=box.SIMPLE, title="需要退回修改的文件")
        t.add_column("文件", overflow="fold")
        t.add_column("状态", no_wrap=True)
        t.add_column("第一个错误", overflow="fold")
        for r in sorted(bad, key=lambda r: (r.status != "unreadable", r.file))[:SHOW_FILES]:
            f = first.get(r.file)
            t.add_row(r.file, STATUS_LABELS[r.status], _short(f"{f.code} {f.message}") if f else "")
        console.print(t)
        if len(bad) > SHOW_FILES:
            see = "summary.xlsx" if "summary.xlsx" in written else "findings.json"
            console.print(f"……另有 {len(bad) - SHOW_FILES} 个文件，完整列表见 {Path(out) / see}")
    console.print(f"结果已写入 {out}：{'、'.join(written)}")


def _short(text: str, width: int = 36) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
