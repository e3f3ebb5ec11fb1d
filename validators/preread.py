"""Reading a run's first files while the command imports the checks.

``zhicheng validate`` spends its first half second importing pandas and pandera (the schema and rule stages),
while the machine's other cores have nothing to do.  Reading and normalising (:mod:`.ingest`) need neither, so with
``--jobs`` 2 or more the command forks a reader before those imports (:func:`start`): it reads the run's files in
order and leaves each :class:`.ingest.FileRead` in a private folder.  When the workers start, the reader is killed
(:meth:`Preread.stop`; a file it was halfway through is simply read by a worker) and the files it finished go to
the workers with their chunks, which skip reading them (``engine.process_chunk(ready=…)``).

A file is read by the same code either way, so the findings are the same (tested).  The reader's lead is all it
can cost: if it dies on a hostile file, or its folder cannot be written, the workers read those files themselves
and isolate the bad one as usual.  It runs with the workers' memory limit, ends with the command however that ends
(a command killed outright takes it along, and it removes its folder), and never runs on a single-CPU machine
(nothing to overlap), without ``fork``, or when another thread runs.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

try:
    import resource
except ImportError:  # Windows
    resource = None

DEFAULT_MEMORY = 3 * 1024 ** 3  # address space of a worker process (and of the reader)
MAX_FILES = 200  # at most this many files are read ahead …
MAX_BYTES = 64 * 1024 * 1024  # … or this many bytes of results written


def cpus() -> int:
    """The CPUs this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def start(items: list, memory: int | None = DEFAULT_MEMORY) -> Preread | None:
    """Fork the reader for ``items`` (the run's files, in the order the chunks take them), or None where it cannot
    help or is not safe.  Call it before importing pandas: the reader only needs what is imported already."""
    if (not items or not sys.platform.startswith("linux") or cpus() < 2 or threading.active_count() != 1
            or not hasattr(os, "fork")):
        return None
    try:
        return Preread(items[:MAX_FILES], memory)
    except OSError:  # no temporary folder, no process: the workers read everything
        return None


class Preread:
    def __init__(self, items: list, memory: int | None):
        from . import ingest  # noqa: F401 - imported before the fork, not once in the reader and again here

        self.items = items
        self.folder = Path(tempfile.mkdtemp(prefix="zhicheng-read-"))
        self.pid: int | None = None
        self.ready: dict[str, Path] = {}
        self.stopped = False
        try:
            pid = os.fork()
        except OSError:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        if pid == 0:  # the reader
            code = 1
            try:
                _reader(items, self.folder, memory)
                code = 0
            finally:
                os._exit(code)
        self.pid = pid

    def poll(self) -> bool:
        """Has the reader ended by itself (read all it was given, or died)?"""
        if self.pid is not None and os.waitpid(self.pid, os.WNOHANG)[0]:
            self.pid = None
        return self.pid is None

    def stop(self) -> dict[str, Path]:
        """Kill the reader; the files it finished: display name -> its result (see :func:`load`)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)  # (not reaped yet: the pid is still the reader's)
            os.waitpid(self.pid, 0)
            self.pid = None
        if not self.stopped:
            self.stopped = True
            for i, (_, display) in enumerate(self.items):
                path = self.folder / f"{i}.pkl"
                if path.is_file():
                    self.ready[display] = path
        return self.ready

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _reader(items: list, folder: Path, memory: int | None) -> None:
    from .ingest import read_one

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    parent = os.getppid()

    def orphaned(*_):  # the command ended without stopping the reader (killed): nobody else will remove the folder
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(1)

    signal.signal(signal.SIGTERM, orphaned)
    try:  # SIGTERM when the command ends, however it ends (PR_SET_PDEATHSIG)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except Exception:  # noqa: BLE001 - not Linux's libc: it stops after MAX_FILES anyway
        pass
    if os.getppid() != parent:  # (the command ended before the line above)
        orphaned()
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 2)  # a reader that dies on a file says nothing: a worker reads it again and reports it
    os.close(fd)
    faulthandler.disable()  # (nor does Python's crash dump, where it is on)
    if memory and resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    gc.disable()  # reading makes hardly any cycles; the process ends (killed) soon
    written = 0
    for i, (src, display) in enumerate(items):
        data = pickle.dumps(read_one(src, display), protocol=pickle.HIGHEST_PROTOCOL)
        tmp = folder / f"{i}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / f"{i}.pkl")  # a result is there whole or not at all
        written += len(data)
        if written > MAX_BYTES:
            return


def results_for(items: list, ready: dict[str, Path]) -> list[Path | None] | None:
    """The results the reader left for a chunk's files (None for a file it did not finish), or None if none."""
    paths = [ready.get(d) for _, d in items] if ready else []
    return paths if any(paths) else None


def loader(paths: list[Path | None] | None):
    """``engine.process_chunk``'s ``ready`` for a chunk with these results (see :func:`results_for`)."""
    return (lambda i: load(paths[i])) if paths else None


def load(path: Path | str | None):
    """A file's :class:`.ingest.FileRead` left by the reader, or None (then the worker reads the file)."""
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - gone or damaged: read the file instead
        return None
