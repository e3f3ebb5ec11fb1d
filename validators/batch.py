"""Running a batch: worker processes with limits, a journal in OUT, resume.

Files are grouped into chunks (``engine.process_chunk``: one pandera call per kind per chunk).  A chunk runs in a
long-lived worker process that has a memory limit (RLIMIT_AS) and a deadline per file; a worker that crashes
(python-calamine aborts the process on some sheets), runs out of memory or time, or raises, costs only that chunk:
its files are re-run one by one, and the file that fails alone gets STR005.  The batch goes on.

Every finished file becomes one line of the journal (``OUT/journal.jsonl``): its key (display name, sha256, policy,
as-of date, tool fingerprint), report, findings, tables and the rows run-scope rules need.  The result of a run is
always assembled from the journal, whether the lines were written now or by an interrupted run (``resume``), so
both give the same findings; cross-file rules then run in this process over the journal's rows.

Workers are forked from this process on Linux when it runs no other thread (they start at once, the pipeline
already imported); otherwise from a fork server, or spawned where there is none, so a script that calls
``validate_paths(jobs=N)`` needs the usual ``if __name__ == "__main__":`` guard of multiprocessing.

With ``scheduler`` (``--engine dask --scheduler ADDRESS|local``) the chunks run as tasks on a Dask distributed
cluster instead (``_run_dask``): this process reads each file's bytes and sends them with the task, so workers need
no shared filesystem; a task returns the chunk's journal lines, so the journal, resume, cross-file rules and outputs
stay here and are the same as in a local run.  See docs/deployment.md.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

import pandas as pd

from . import engine, fastjson, preread
from .findings import FileReport, Finding, make
from .policy import Policy
from .reader import ReadError
from .sources import Blob, Member, read_source

try:
    import resource
except ImportError:  # Windows: no RLIMIT_AS; the timeout still applies
    resource = None

JOURNAL = "journal.jsonl"
TABLE_FIELDS = tuple(engine.TableRef.__dataclass_fields__)
DEFAULT_TIMEOUT = 120.0  # seconds for one file to be read (and for a chunk's checks, plus CHECK_SECONDS a file)
CHECK_SECONDS = 2.0
DEFAULT_MEMORY = preread.DEFAULT_MEMORY  # address space of one worker
CHUNK_BYTES = 16 * 1024 * 1024  # a chunk closes at this many input bytes …
MAX_CHUNK = 50  # … or files
MIN_CHUNK = 8  # a chunk has a fixed cost (one pandera call, the rules' column screens): about 25 ms


def tool_fingerprint() -> str:
    """The version plus a digest of the code: a journal line is reused only by the code that wrote it."""
    from zhicheng import __version__

    h = hashlib.sha256()
    for p in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(p.name.encode() + p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def policy_id(policy: Policy) -> str:
    data = json.dumps(policy.data, sort_keys=True, default=str, ensure_ascii=False)
    return f"{policy.name}:{hashlib.sha256(data.encode()).hexdigest()[:12]}"


# ---------------------------------------------------------------------------------------------------------------
# Journal lines
# ---------------------------------------------------------------------------------------------------------------


def _plain_columns(cross: pd.DataFrame) -> dict[str, list]:
    """The run-scope rows as JSON-ready column lists (missing values None, times in ISO form), converted once."""
    out = {}
    for c in cross.columns:
        s = cross[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        out[c] = s.astype(object).where(s.notna(), None).tolist()
    return out


def _cross_part(dtypes: dict[str, str], plain: dict[str, list], rows: list[int], tids: list[int],
                tables: dict) -> dict | None:
    """One file's run-scope rows (positions ``rows`` of the chunk's frame, whose column types are ``dtypes``), its
    table ids renumbered from 0."""
    if not rows:
        return None
    local = {t: i for i, t in enumerate(tids)}
    own = {f for t in tids for f in tables[t].columns}
    data = {}
    for c, values in plain.items():
        got = [values[i] for i in rows]
        if c == "_t":
            data[c] = [local[t] for t in got]
        elif c in ("_row", "kind") or c in own or any(v is not None for v in got):
            data[c] = got
    return {"dtypes": {c: dtypes[c] for c in data}, "data": data}


def _table_dict(ref: engine.TableRef) -> dict:
    return {k: getattr(ref, k) for k in TABLE_FIELDS}  # serialised at once: no copy needed


def file_findings(chunk: engine.ChunkResult) -> dict[str, list[Finding]]:
    """Each file's findings in the order its journal line keeps them: the order they were made in, grouped by
    sheet in workbook order (kinds are checked in the order the chunk met them: that must not show)."""
    by_file: dict[str, list[Finding]] = {}
    for f in chunk.findings:
        by_file.setdefault(f.file, []).append(f)
    for rep in chunk.reports:
        if rep.file in by_file:
            tids = [t for t, ref in chunk.tables.items() if ref.file == rep.file]
            sheets = {chunk.tables[t].sheet: i for i, t in reversed(list(enumerate(tids)))}
            by_file[rep.file].sort(key=lambda f: -1 if f.sheet is None else sheets.get(f.sheet, -1))
    return by_file


def chunk_lines(chunk: engine.ChunkResult, key: dict, copies: dict[str, dict] | None = None,
                found: dict[str, list[Finding]] | None = None) -> list[bytes]:
    """One journal line (UTF-8 JSON) a file of the chunk; ``copies``: the annotated copies staged for its files (a
    file's ``copy``, see :func:`.outputs.copies.stage`)."""
    found = file_findings(chunk) if found is None else found
    lines = []
    plain = _plain_columns(chunk.cross) if chunk.cross is not None else {}
    dtypes = {c: str(t) for c, t in chunk.cross.dtypes.items()} if chunk.cross is not None else {}
    rows_of: dict[int, list[int]] = {}
    for i, t in enumerate(plain.get("_t", ())):
        rows_of.setdefault(t, []).append(i)
    for rep in chunk.reports:
        tids = [t for t, ref in chunk.tables.items() if ref.file == rep.file]
        record = {
            "key": {**key, "file": rep.file, "sha256": rep.sha256},
            "report": rep.to_dict(),
            "findings": [f.to_dict() for f in found.get(rep.file, ())],
            "tables": [_table_dict(chunk.tables[t]) for t in tids],
            "cross": _cross_part(dtypes, plain, sorted(i for t in tids for i in rows_of.get(t, ())), tids,
                                 chunk.tables),
        }
        if copies and rep.file in copies:
            record["copy"] = copies[rep.file]
        lines.append(fastjson.dumpb(record))
    return lines


def _finish_chunk(items: list, chunk: engine.ChunkResult, key: dict, stage: Path | None, policy: Policy,
                  as_of: dt.date) -> list[bytes]:
    """The chunk's journal lines, after staging the annotated copies of its files with findings (``stage``)."""
    found = file_findings(chunk)
    copies = {}
    if stage is not None:
        from .outputs.copies import stage as stage_copies

        copies = stage_copies(items, chunk.reports, found, stage, policy, as_of)
    return chunk_lines(chunk, key, copies, found)


def failure_line(display: str, src, reason: str, key: dict) -> bytes:
    sha = _file_key(src)
    rep = FileReport(display, sha256=sha, status="unreadable")
    finding = make("STR005", file=display, reason=reason)
    return fastjson.dumpb({"key": {**key, "file": display, "sha256": sha}, "report": rep.to_dict(),
                           "findings": [finding.to_dict()], "tables": [], "cross": None})


class Journal:
    """Append-only JSON lines (UTF-8 bytes), in OUT or (without OUT) in memory."""

    def __init__(self, path: Path | None, resume: bool):
        self.path = path
        self.mem: list[bytes] = []
        self.count = 0
        self.fh = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            data = path.read_bytes()
            keep = data.rfind(b"\n") + 1  # a line cut by a kill is dropped
            if keep < len(data):
                with open(path, "r+b") as fh:
                    fh.truncate(keep)
            self.count = data[:keep].count(b"\n")
        else:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(b"")
            tmp.replace(path)
        self.fh = open(path, "ab")

    def append(self, lines: list[bytes]) -> list[int]:
        first = self.count
        self.count += len(lines)
        if self.fh is None:
            self.mem.extend(lines)
        else:
            self.fh.write(b"".join(line + b"\n" for line in lines))
            self.fh.flush()
        return list(range(first, self.count))

    def __iter__(self):
        if self.path is None:
            yield from enumerate(self.mem)
            return
        if self.fh:
            self.fh.flush()
        with open(self.path, "rb") as fh:
            yield from enumerate(fh)

    def close(self):
        if self.fh:
            self.fh.close()
            self.fh = None


def _records(journal: Journal, wanted: dict[int, str]):
    for i, line in journal:
        if i in wanted:
            yield wanted[i], fastjson.loads(line)


# ---------------------------------------------------------------------------------------------------------------
# Workers
# ---------------------------------------------------------------------------------------------------------------


STEP = 1 << 20  # a worker's heartbeat: task id * STEP + the file it is at (len(items): the checks)


def _worker_main(conn, beat, policy: Policy, as_of: dt.date, key: dict, memory: int | None, stage: Path | None,
                 log: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when a batch stops
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
    if memory and resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # A chunk's objects die with it and hardly any form cycles (about ten a chunk): the collector runs once after
    # each chunk instead of some thirty times during it (3 % of a worker's time, measured)
    gc.disable()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if msg is None:
            return
        task_id, items, staged, ready = msg
        try:
            # the heartbeat is a number in shared memory (no message, no wake-up of the parent a file)
            chunk = engine.process_chunk(items, policy, as_of, lambda i: setattr(beat, "value", task_id * STEP + i),
                                         preread.loader(ready))
            conn.send(("done", task_id, _finish_chunk(items, chunk, key, stage if staged else None, policy, as_of)))
        except BaseException as e:  # noqa: BLE001 - reported as the chunk's failure; the parent isolates files
            try:
                conn.send(("error", task_id, f"{type(e).__name__}: {e}"[:300]))
            except Exception:  # noqa: BLE001
                return
        finally:
            chunk = None
            gc.collect()


def _context():
    """Fork where it is safe (Linux, no other Python thread): a worker then starts in milliseconds with the
    pipeline already imported.  Otherwise a fork server (one import, then forks) or spawn."""
    methods = mp.get_all_start_methods()
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in methods:  # fresh workers fork from a server that has imported the pipeline once
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["zhicheng.validators.batch"])
        return ctx
    return mp.get_context("spawn")


@dataclass
class Task:
    items: list  # [(source, display name)]
    stage: bool = True  # stage annotated copies (not when a failed chunk's files are re-run one by one)


class Worker:
    def __init__(self, ctx, args, log: Path):
        self.log = log
        self.conn, child = ctx.Pipe()
        self.beat = ctx.RawValue("q", -1)  # (one aligned 64-bit word: read and written whole)
        self.seen = -1
        self.proc = ctx.Process(target=_worker_main, args=(child, self.beat, *args, str(log)), daemon=True)
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.task_id = 0
        self.current = 0  # the file of the task being read (len(items): the checks)
        self.deadline = 0.0
        self.log_mark = 0

    def give(self, task: Task, task_id: int, timeout: float, ready: dict[str, Path]):
        if not self.proc.is_alive():  # died while idle (e.g. the system's OOM killer): not this task's fault
            raise OSError("worker gone")
        self.task, self.task_id, self.current = task, task_id, 0
        self.deadline = time.monotonic() + timeout
        self.log_mark = self.log.stat().st_size if self.log.exists() else 0
        self.conn.send((task_id, task.items, task.stage, preread.results_for(task.items, ready)))

    def stop(self, kill: bool = False):
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()

    def crash_reason(self) -> str:
        code = self.proc.exitcode
        detail = ""
        try:
            with open(self.log, "rb") as fh:
                fh.seek(self.log_mark)
                text = fh.read(20000).decode("utf-8", "replace")
            detail = next((ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith(" ")), "")
        except OSError:
            pass
        if code is not None and code < 0:
            try:
                what = signal.Signals(-code).name
            except ValueError:
                what = f"信号{-code}"
        else:
            what = f"退出码{code}"
        memory = "memory allocation" in detail or "MemoryError" in detail
        head = "读取进程内存超限后终止" if memory else "读取进程异常终止"
        return f"{head}（{what}{'：' + detail[:200] if detail else ''}）"


# ---------------------------------------------------------------------------------------------------------------
# A run
# ---------------------------------------------------------------------------------------------------------------


def _chunks(items: list, jobs: int, chunk_size: int, max_bytes: int = CHUNK_BYTES) -> list[Task]:
    """Guided chunking: full chunks while plenty is left, then each chunk a ``jobs``-th of what is left, so the
    workers finish together; a remainder under MIN_CHUNK joins the last chunk (a chunk has a fixed cost) once every
    worker has one.  For 300 files and 2 jobs: 50, 50, 50, 50, 50, 25, 13, 12.  A chunk also closes at
    ``max_bytes`` of input."""
    cap = max(1, min(chunk_size, MAX_CHUNK))
    tasks, i = [], 0
    while i < len(items):
        left = len(items) - i
        want = min(cap, max(MIN_CHUNK, -(-left // max(1, jobs))))
        if left - want < MIN_CHUNK and left <= cap and len(tasks) >= jobs:  # (every worker has a chunk already)
            want = left
        cur, size = [], 0
        while i < len(items) and len(cur) < want and size < max_bytes:
            src = items[i][0]
            size += 0 if isinstance(src, Member) else _size(src)
            cur.append(items[i])
            i += 1
        tasks.append(Task(cur))
    return tasks


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _file_key(src) -> str | None:
    if not isinstance(src, Member) and not os.path.isfile(src):  # a pipe or device would block the parent
        return None
    try:
        return hashlib.sha256(read_source(src)).hexdigest()
    except Exception:  # noqa: BLE001 - unreadable now: checked again
        return None


def run(items: list, policy: Policy, as_of: dt.date, *, jobs: int = 0, out: Path | None = None,
        resume: bool = False, chunk_size: int = MAX_CHUNK, progress=None, timeout: float = DEFAULT_TIMEOUT,
        memory: int | None = DEFAULT_MEMORY, scheduler=None, stage: bool = False,
        ahead: preread.Preread | None = None) -> engine.RunResult:
    """``scheduler``: None for local workers; a Dask scheduler address, ``"local"`` (a LocalCluster of ``jobs``
    worker processes) or a ``distributed.Client`` to run the per-file stage on a Dask cluster.

    ``stage``: local workers also make the annotated copy of each file with findings while they hold its
    findings, under ``OUT/``:data:`.outputs.copies.STAGING` (``RunResult.staged``); the outputs then only move
    them into place.  Not on a Dask cluster, whose workers need not share OUT.

    ``ahead``: a reader started before the imports (:func:`.preread.start`), stopped here; the files it has
    read are not read again."""
    key = {"policy": policy_id(policy), "as_of": as_of.isoformat(), "tool": tool_fingerprint()}
    journal = Journal(Path(out) / JOURNAL if out is not None else None, resume)
    wanted: dict[int, str] = {}  # journal line -> display name
    todo = items
    try:
        if resume and journal.count:
            want = {d: {**key, "file": d, "sha256": _file_key(src)} for src, d in items}
            last: dict[str, int] = {}
            for i, line in journal:
                try:
                    k = fastjson.loads(line)["key"]
                except (ValueError, KeyError, TypeError):
                    continue
                if k.get("sha256") and want.get(k.get("file")) == k:
                    last[k["file"]] = i
            wanted.update((i, d) for d, i in last.items())
            done = set(last)
            todo = [it for it in items if it[1] not in done]
            if progress and done:
                progress(len(done))

        first = FirstPass()
        for display, rec in _records(journal, wanted):  # lines of an earlier run (resume)
            first.add(display, rec)

        def finished(lines: list[bytes], displays: list[str]):
            for i, d, line in zip(journal.append(lines), displays, lines):
                wanted[i] = d
                first.add(d, fastjson.loads(line))
            if progress:
                progress(len(lines))

        ready = ahead.stop() if ahead is not None else {}  # (its files are read by now, or by the workers)
        if scheduler is not None and todo:  # (nothing left after a resume: no cluster to start)
            with dask_client(scheduler, jobs) as client:
                workers = max(1, len(client.scheduler_info()["workers"]))
                tasks = _chunks(todo, workers, chunk_size, DASK_CHUNK_BYTES)
                _run_dask(tasks, policy, as_of, key, finished, client, timeout=timeout, memory=memory)
            return _assemble(journal, wanted, items, policy, as_of, len(items) - len(todo), first)
        tasks = _chunks(todo, jobs, chunk_size)
        staging = None
        if stage and out is not None:  # annotated copies made beside the checks (see outputs.copies.stage)
            from .outputs import annotate, copies  # noqa: F401 - imported once, before the workers fork

            staging = Path(out) / copies.STAGING
            staging.mkdir(parents=True, exist_ok=True)
        if jobs <= 0:
            _run_here(tasks, policy, as_of, key, finished, staging, ready)
        else:
            _run_pool(tasks, policy, as_of, key, finished, jobs, timeout, memory, staging, ready)
        return _assemble(journal, wanted, items, policy, as_of, len(items) - len(todo), first)
    finally:
        journal.close()


def _fail(task: Task, reason: str, key: dict, finished, queue: deque | None, culprit: int | None = None):
    """A chunk failed: re-run its files one by one; a file that fails alone gets STR005.  A ``culprit`` (the file
    a worker was reading when it hung) gets STR005 at once instead of a second wait."""
    rest = task.items
    if culprit is not None and len(rest) > 1:
        src, d = rest[culprit]
        finished([failure_line(d, src, reason, key)], [d])
        rest = rest[:culprit] + rest[culprit + 1:]
    if len(rest) > 1 and queue is not None:
        queue.extendleft(Task([it], stage=False) for it in reversed(rest))
        return
    for src, d in rest:
        finished([failure_line(d, src, reason, key)], [d])


def _run_here(tasks: list[Task], policy, as_of, key, finished, stage: Path | None,
              ready: dict[str, Path] | None = None):
    queue = deque(tasks)
    while queue:
        task = queue.popleft()
        try:
            chunk = engine.process_chunk(task.items, policy, as_of,
                                         ready=preread.loader(preread.results_for(task.items, ready)))
            lines = _finish_chunk(task.items, chunk, key, stage if task.stage else None, policy, as_of)
        except Exception as e:  # noqa: BLE001 - same isolation as in a worker
            _fail(task, f"{type(e).__name__}: {e}", key, finished, queue)
            continue
        finished(lines, [d for _, d in task.items])


def _run_pool(tasks: list[Task], policy, as_of, key, finished, jobs: int, timeout: float, memory,
              stage: Path | None, ready: dict[str, Path] | None = None):
    ctx = _context()
    if ctx.get_start_method() == "fork":
        # what is imported now lives as long as the process: out of the collector's way, so a forked worker's
        # collections neither scan it nor copy its pages (first chunk about 13 % faster, measured); given back to
        # the collector when the pool ends
        gc.freeze()
    queue = deque(tasks)
    workers: list[Worker] = []
    logdir = Path(tempfile.mkdtemp(prefix="zhicheng-workers-"))
    serial = lost = 0
    done: deque = deque()  # chunks finished: journaled once their workers have their next chunk (they never wait)

    def journal_done():
        while done:
            finished(*done.popleft())

    try:
        while queue or any(w.task for w in workers):
            for w in [w for w in workers if w.task is None] + [None] * (jobs - len(workers)):
                if not queue:
                    break
                if w is None:
                    w = Worker(ctx, (policy, as_of, key, memory, stage), logdir / f"worker-{serial}.log")
                    workers.append(w)
                serial += 1
                task = queue.popleft()
                try:
                    w.give(task, serial, timeout, ready)
                    lost = 0
                except OSError:  # died while idle: replace it
                    w.task = None
                    w.stop(kill=True)
                    workers.remove(w)
                    queue.appendleft(task)
                    lost += 1
                    if lost > 3 * jobs:  # workers die before any work: the tool itself cannot run here
                        raise RuntimeError("工作进程无法启动（可改用 --jobs 0 在本进程内校验）") from None
            journal_done()
            busy = [w for w in workers if w.task]
            if not busy:
                continue
            wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=min(wait_for, 1.0))
            for w in busy:
                reason, kill, culprit = None, True, None
                beat = w.beat.value
                if beat != w.seen:  # it has moved on to another file (or to the checks) since the last look
                    w.seen = beat
                    task_id, at = divmod(beat, STEP)
                    if task_id == w.task_id:
                        n, w.current = len(w.task.items), at
                        w.deadline = time.monotonic() + timeout + (CHECK_SECONDS * n if at >= n else 0)
                try:
                    while w.task and w.conn.poll():
                        kind, task_id, payload = w.conn.recv()
                        if task_id != w.task_id:
                            continue
                        if kind == "done":
                            task, w.task = w.task, None
                            done.append((payload, [d for _, d in task.items]))
                        elif kind == "error":
                            reason, kill = f"程序错误：{payload}", False
                            break
                except (EOFError, OSError):
                    w.proc.join(2)
                    reason = w.crash_reason()
                if w.task and reason is None:
                    if not w.proc.is_alive():
                        w.proc.join()
                        reason = w.crash_reason()
                    elif time.monotonic() > w.deadline:
                        reason = f"处理超时（超过{timeout:g}秒），已终止"
                        culprit = w.current if w.current < len(w.task.items) else None
                if w.task and reason:
                    task, w.task = w.task, None
                    if kill:
                        w.stop(kill=True)
                        workers.remove(w)
                    _fail(task, reason, key, finished, queue, culprit)
    finally:
        try:
            journal_done()  # (also when interrupted: what finished is kept for --resume)
        finally:
            for w in workers:
                w.stop(kill=bool(w.task))
            shutil.rmtree(logdir, ignore_errors=True)
            gc.unfreeze()


# ---------------------------------------------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------------------------------------------

DASK_CHUNK_BYTES = 8 * 1024 * 1024  # the bytes travel inside the task: below distributed's large-graph warning
KILLED = "读取进程异常终止（Dask 工作进程退出）"
DASK_WAVE = 2  # chunks in flight per Dask worker: memory stays bounded whatever the number of files


class EngineError(RuntimeError):
    """The cluster cannot run the batch (no dask installed, no workers, a different zhicheng on the workers)."""


class ToolMismatch(Exception):
    """Raised on a worker whose zhicheng code differs from the client's: its lines would carry a wrong key."""


_REMOTE = {"tool": None, "limited": False}


def _dask_chunk(items: list, policy: Policy, as_of: dt.date, key: dict, memory: int | None) -> list[bytes]:
    """One chunk on a Dask worker: the same ``process_chunk`` as a local worker, returning the journal lines."""
    if _REMOTE["tool"] is None:
        _REMOTE["tool"] = tool_fingerprint()
    if _REMOTE["tool"] != key["tool"]:
        raise ToolMismatch(f"工作节点上的 zhicheng 版本为 {_REMOTE['tool']}，与本机 {key['tool']} 不同")
    if memory and resource is not None and not _REMOTE["limited"]:
        _REMOTE["limited"] = True  # a hostile file fails with MemoryError instead of filling the machine
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft > memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    return chunk_lines(engine.process_chunk(items, policy, as_of), key)


def _blob(src, display: str) -> Blob:
    """The file's bytes, read here; a failed read travels as the error the worker will raise."""
    name = src.name if isinstance(src, (Member, Path)) else display
    if not isinstance(src, Member) and not os.path.isfile(src):  # a pipe or device would block this process
        return Blob(name, error=("STR005", "不是普通文件（管道、设备等），未读取"))
    try:
        return Blob(name, read_source(src))
    except ReadError as e:
        return Blob(name, error=(e.code, e.reason))
    except Exception as e:  # noqa: BLE001 - as read_file reports it
        return Blob(name, error=("STR005", f"{type(e).__name__}: {e}"))


class dask_client:
    """``with dask_client(scheduler, jobs) as client``: connect to a scheduler, or start a LocalCluster."""

    def __init__(self, scheduler, jobs: int = 0):
        self.scheduler, self.jobs = scheduler, jobs
        self.client = self.cluster = None

    def __enter__(self):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineError("未安装 Dask：请先安装 pip install 'zhicheng[dask]'，或去掉 --engine dask 在本机校验") from None
        if not isinstance(self.scheduler, str):
            return self.scheduler  # a Client the caller owns
        try:
            if self.scheduler == "local":
                n = self.jobs if self.jobs > 0 else preread.cpus()
                # a task whose worker dies is retried once elsewhere, then reported to us: we isolate its files;
                # one task at a time on a worker, so a file that kills its worker takes no other chunk with it
                with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                                      "distributed.scheduler.worker-saturation": 1.0}):
                    self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                dashboard_address=None, silence_logs=50,  # we report
                                                env={"RUST_BACKTRACE": "0"})  # a calamine abort: one line
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler)  # distributed.comm.timeouts.connect (30 s)
            self.client.wait_for_workers(1, timeout=60)
        except (OSError, TimeoutError) as e:
            self.__exit__(None, None, None)
            raise EngineError(f"无法连接 Dask 调度器 {self.scheduler}，或集群中没有工作节点（{type(e).__name__}: {e}）") from None
        return self.client

    def __exit__(self, *exc):
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: BLE001 - closing after a failure
                    pass
        return False


def _run_dask(tasks: list[Task], policy, as_of, key, finished, client, *, timeout: float = DEFAULT_TIMEOUT,
              memory: int | None = DEFAULT_MEMORY):
    """Chunks as Dask tasks, a few per worker at a time.  A task that fails (its worker died, an exception, no
    answer within the deadline) costs only its chunk: the files are re-run one by one (``_fail``)."""
    from distributed import as_completed

    queue = deque(tasks)
    running: dict = {}  # future -> (task, deadline)
    second: set[str] = set()  # files run alone a second time after their worker died
    done = as_completed()
    window, counted = DASK_WAVE, 0.0
    try:
        while queue or running:
            if queue and time.monotonic() - counted > 2:  # workers may join or leave during the batch
                window, counted = DASK_WAVE * max(1, len(client.scheduler_info()["workers"])), time.monotonic()
            while queue and len(running) < window:
                task = queue.popleft()
                payload, size = [], 0
                for src, d in task.items:
                    blob = _blob(src, d)
                    if payload and size + len(blob.data) > DASK_CHUNK_BYTES:  # zip members are sized only now
                        queue.appendleft(Task(task.items[len(payload):]))
                        task = Task(task.items[:len(payload)])
                        break
                    payload.append((blob, d))
                    size += len(blob.data)
                fut = client.submit(_dask_chunk, payload, policy, as_of, key, memory, pure=False)
                # waiting behind the chunks already on the worker, then reading and checking its own files
                running[fut] = (task, time.monotonic() + 2 * timeout + CHECK_SECONDS * len(task.items))
                done.add(fut)
            ready = done.next_batch(block=False) if done.has_ready() else []
            if not ready:
                now = time.monotonic()
                late = [f for f, (_, deadline) in running.items() if now > deadline]
                for fut in late:
                    task, _ = running.pop(fut)
                    _restart_worker_of(client, fut)
                    fut.cancel()
                    _fail(task, f"处理超时（超过{timeout:g}秒），已终止", key, finished, queue)
                if not late:
                    time.sleep(0.02)
                continue
            for fut in ready:
                if fut not in running:  # already given up on (late)
                    continue
                task, deadline = running.pop(fut)
                if fut.status == "finished":
                    try:
                        lines = fut.result(timeout=2 * timeout)
                    except Exception as e:  # noqa: BLE001 - lost on the way: isolate as any failure
                        _fail(task, f"程序错误：{type(e).__name__}: {e}"[:300], key, finished, queue)
                    else:
                        finished(lines, [d for _, d in task.items])
                    continue
                if fut.status not in ("error", "cancelled"):  # its result died with a worker: Dask computes it again
                    running[fut] = (task, deadline + timeout)
                    done.add(fut)
                    continue
                reason = _dask_reason(fut)
                killed = reason == KILLED
                if killed and len(task.items) == 1 and task.items[0][1] not in second:
                    # alone and still killed: it may have waited on the worker another file killed; once more
                    second.add(task.items[0][1])
                    queue.appendleft(task)
                    continue
                _fail(task, reason, key, finished, queue)
    finally:
        for fut in running:
            fut.cancel()


def _dask_reason(fut) -> str:
    try:
        exc = fut.exception(timeout=5)
    except Exception as e:  # noqa: BLE001 - cancelled (e.g. its data was lost with a worker)
        exc = e
    name = type(exc).__name__
    if name == "ToolMismatch":
        raise EngineError(f"{exc}：各工作节点须安装与本机相同版本的 zhicheng") from None
    if name == "KilledWorker":
        return KILLED
    if isinstance(exc, MemoryError):
        return "读取进程内存超限后终止（MemoryError）"
    return f"程序错误：{name}: {exc}"[:300]


def _restart_worker_of(client, fut):
    """A task that does not answer: restart the worker running it (the thread cannot be stopped otherwise)."""
    try:
        busy = [w for w, keys in client.processing().items() if fut.key in keys]
        if busy:
            client.restart_workers(busy, timeout=30, raise_for_error=False)
    except Exception:  # noqa: BLE001 - a worker without a nanny cannot be restarted: it stays busy
        pass


class FirstPass:
    """Pass one over a run's journal lines, made as they are written (while the workers go on): the reports, the
    findings, the staged copies and only a compact key per row (a hash of its ID number, a unit's committees)."""

    def __init__(self):
        self.reports: dict[str, FileReport] = {}
        self.findings: dict[str, list[Finding]] = {}
        self.staged: dict[str, dict] = {}
        self.keys = engine.RunKeys()

    def add(self, display: str, rec: dict) -> None:
        self.reports[display] = FileReport(**rec["report"])
        if "copy" in rec:
            self.staged[display] = rec["copy"]
        self.findings[display] = [Finding.from_dict(f) for f in rec["findings"]]
        if rec["cross"]:
            self.keys.add(display, rec["cross"]["data"])


def _assemble(journal: Journal, wanted: dict[int, str], items: list, policy: Policy, as_of: dt.date,
              resumed: int, first: FirstPass) -> engine.RunResult:
    """Reports and findings of the run from its journal lines; run-scope rules over the rows they carry.

    Memory stays small whatever the number of files: the first pass (``first``) kept the reports, the findings and
    only a compact key per row; a second pass loads the rows that share a key with another row
    (:class:`engine.RunKeys`, :class:`engine.RunScreen`), the only rows a run-scope rule can report on."""
    reports, findings, staged = first.reports, first.findings, first.staged
    screen = first.keys.screen()
    parts: dict[str, tuple[list, dict]] = {}
    if screen.files:
        for display, rec in _records(journal, {i: d for i, d in wanted.items() if d in screen.files}):
            part = rec["cross"]
            rows = screen.rows(part["data"])
            if rows:  # only those rows are kept
                data = {c: [values[i] for i in rows] for c, values in part["data"].items()}
                parts[display] = (rec["tables"], {"dtypes": part["dtypes"], "data": data})
    tables: dict[int, engine.TableRef] = {}
    columns: dict[str, list] = {}
    dtypes: dict[str, str] = {}
    n = 0
    for _, display in items:  # rows in input order, whatever order the files finished in
        if display not in parts:
            continue
        recs, part = parts.pop(display)
        offset = len(tables)
        for t in recs:
            t["columns"] = {k: tuple(v) for k, v in t["columns"].items()}
            tables[len(tables)] = engine.TableRef(**t)
        for c, values in part["data"].items():
            col = columns.setdefault(c, [])
            col.extend([None] * (n - len(col)))
            col.extend([v + offset for v in values] if c == "_t" else values)
            dtypes.setdefault(c, part["dtypes"][c])
        n += len(part["data"]["_row"])
    cross = []
    if n:
        for col in columns.values():
            col.extend([None] * (n - len(col)))
        df = pd.DataFrame({c: _typed_column(v, dtypes[c]) for c, v in columns.items()})
        cross = engine.run_cross([engine.ChunkResult([], [], tables, df)], policy, as_of)
    ordered = [d for _, d in items if d in reports]
    for f in cross:
        findings.setdefault(f.file, []).append(f)
    out_reports, out_findings = [], []
    for d in ordered:
        rep = reports[d]
        rep.status = engine.status_of(rep, findings.get(d, []))
        out_reports.append(rep)
        out_findings.extend(findings.get(d, []))
    return engine.RunResult(out_reports, out_findings,
                            {d: s for s, d in items if not isinstance(s, Member)},
                            {d: s for s, d in items if isinstance(s, Member)}, resumed, staged)


def _typed_column(values: list, dtype: str):
    if dtype.startswith("datetime64"):
        return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").astype(dtype)
    if dtype in ("object", "str", "string") or dtype == "bool" and None in values:
        return pd.Series(values, dtype=object)
    if dtype.startswith(("int", "uint")) and None in values:  # as pd.concat does: a gap makes it float
        dtype = "float64"
    return pd.Series(values, dtype=object).astype(dtype)
