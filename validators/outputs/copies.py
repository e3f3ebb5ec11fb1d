"""Annotated copies of a run: staged by the validation workers, or made in the calling process or spread over
worker processes.

A local run stages the copies (:func:`stage`): the worker that checked a chunk makes the copy of each of its files
with findings at once, writes it under ``OUT/``:data:`STAGING` and notes it in the file's journal line.  The outputs
then move each staged copy into place (:func:`.outputs.annotate_copies`), unless a run-scope rule (a duplicate in
another file ...) added findings to its file since: that copy, and any copy not staged, is made again as below.

Either way the copies come back in the order of the run's files and are named and written by the caller, so the
names (``taken``: ``a.xls`` beside ``a.xlsx`` becomes ``a.xls.xlsx``) and the bytes written do not depend on
which worker finished first.  A worker builds a copy in memory (:func:`.annotate.annotate_bytes`) and sends its
bytes back; a copy that fails, or whose worker dies, is reported with its reason and the others go on.
"""

from __future__ import annotations

import traceback
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator

STAGING = ".annotated-staging"  # under OUT: copies made by the workers, until the outputs move them into place
MIN_PARALLEL = 8  # fewer copies than this are made in-process: starting workers would cost more than it saves
AHEAD = 4  # copies submitted per worker beyond the one being written: bounds the bytes held in memory


@dataclass
class CopyTask:
    display: str  # the file's name in the run
    src: object  # its path, or the bytes of a .zip member
    findings: list
    lines: list[str]  # the header lines of 校验结果


@dataclass
class Made:
    """What became of one task: the copy's format, note and bytes, or why there is none."""

    fmt: str = ""
    note: str = ""
    data: bytes = b""
    error: str = ""  # "Type: message" when no copy was made
    trace: str = ""


def make_copy(task: CopyTask) -> Made:
    """Build one copy (in a worker or in-process); an exception becomes ``Made.error``."""
    from . import annotate as ann

    try:
        src = task.src if isinstance(task.src, bytes) else Path(task.src)
        fmt, note, data = ann.annotate_bytes(src, task.findings, task.lines)
        return Made(fmt, note, data)
    except Exception as e:  # noqa: BLE001 - one file's copy failing must not stop the others
        return Made(error=f"{type(e).__name__}: {e}", trace=traceback.format_exc(limit=3))


def stage(items: list, reports: list, found: dict[str, list], stage_dir: Path, policy, as_of) -> dict[str, dict]:
    """Make and write under ``stage_dir`` the annotated copy of each readable file of a chunk with findings
    (``found``: the file's findings in journal order); returns display name -> ``{"name", "fmt", "note",
    "findings"}``, ``findings`` being how many findings the copy shows.  The file is read again (from the page
    cache).  A copy that fails is not staged: the outputs make it again and report why it failed."""
    import hashlib

    from ..findings import Finding
    from ..sources import Member, read_source
    from . import atomic_path, header_lines

    src_of = {d: s for s, d in items}
    staged = {}
    for rep in reports:
        own = found.get(rep.file)
        if not own or rep.status == "unreadable" or rep.file not in src_of:
            continue
        own = [Finding.from_dict(f.to_dict()) for f in own]  # as the journal gives them back
        try:
            src = src_of[rep.file]
            src = read_source(src) if isinstance(src, Member) else str(src)
        except Exception:  # noqa: BLE001 - made (or reported) by the outputs
            continue
        made = make_copy(CopyTask(rep.file, src, own, header_lines(rep.file, own, policy, as_of)))
        if made.error:
            continue
        name = f"{hashlib.sha1(rep.file.encode('utf-8', 'surrogatepass')).hexdigest()}.{made.fmt}"
        try:
            with atomic_path(stage_dir / name) as tmp:
                tmp.write_bytes(made.data)
        except OSError:  # (a full disk …) the chunk's findings still count; the outputs try the copy again
            continue
        staged[rep.file] = {"name": name, "fmt": made.fmt, "note": made.note, "findings": len(own)}
    return staged


def context():
    """The validation workers' start method: fork when it is safe (nothing is imported again and the run's
    findings are shared copy-on-write), else a fork server or spawn."""
    from ..batch import _context

    return _context()


def made_in_workers(tasks: Iterable[CopyTask], jobs: int, work: Callable[[CopyTask], Made] = make_copy
                    ) -> Iterator[tuple[CopyTask, Made]]:
    """(task, what became of it) for every task, in order, built by ``jobs`` worker processes.

    Tasks are taken from ``tasks`` only as workers get free, a few ahead, so their sources are not all held in
    memory at once.  A worker that dies (the system's OOM killer, a crash in a native library) breaks the pool: the
    copies left unfinished are made again one at a time in a fresh worker, and one that kills that worker too is
    reported as failed.  If no worker can be started at all, the copies are made in this process.
    """
    pending = iter(tasks)
    back: list[CopyTask] = []  # a task taken but not submitted
    rest: list[tuple[CopyTask, Made | None]] | None = None  # after a break: each task with its copy if made
    ctx = context()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        window: deque = deque()
        try:
            while True:
                while len(window) < jobs * (AHEAD + 1):
                    task = back.pop() if back else next(pending, None)
                    if task is None:
                        break
                    try:
                        future = pool.submit(work, task)
                    except (OSError, BrokenProcessPool):  # workers cannot start, or the pool broke meanwhile
                        back.append(task)
                        break
                    window.append((task, future))
                if not window:  # all done, or nothing could be submitted
                    rest = [(t, None) for t in back]
                    break
                task, future = window.popleft()
                try:
                    made = future.result()
                except BrokenProcessPool:
                    rest = [(task, None)] + [(t, done(f)) for t, f in window] + [(t, None) for t in back]
                    window.clear()
                    break
                yield task, made
        finally:
            for _, future in window:
                future.cancel()
    yield from made_one_by_one(chain(rest or [], ((t, None) for t in pending)), ctx, work)


def done(future) -> Made | None:
    """The result of a future that finished before its pool broke; None if it did not."""
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return None


def made_one_by_one(rest: Iterable[tuple[CopyTask, Made | None]], ctx, work: Callable[[CopyTask], Made]
                    ) -> Iterator[tuple[CopyTask, Made]]:
    pool = None
    try:
        for task, made in rest:
            if made is not None:
                yield task, made
                continue
            if pool is None:
                try:
                    pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
                    future = pool.submit(work, task)
                except OSError:  # no worker can start here: make it in this process
                    pool = None
                    yield task, work(task)
                    continue
            else:
                future = pool.submit(work, task)
            try:
                yield task, future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = None
                yield task, Made(error="BrokenProcessPool: 生成标注副本的工作进程意外退出")
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
