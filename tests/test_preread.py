"""Reading a run's first files while the command imports the checks (validators.preread)."""

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

import hostile
from conftest import ROOT, ident
from zhicheng.validators import batch, ingest, policy, preread, sources

AS_OF = dt.date(2023, 8, 30)
NATIONAL = policy.load("national")


def ended(pre, seconds=60.0):
    """Wait for the reader to finish (or die) by itself."""
    deadline = time.monotonic() + seconds
    while not pre.poll():
        assert time.monotonic() < deadline, "the reader did not end"
        time.sleep(0.02)


def journal(out: Path) -> dict[str, dict]:
    """The journal's lines by file (workers finish chunks in any order; a chunk's columns, and so the order of
    keys in a line, depend on which files share it)."""
    lines = [json.loads(line) for line in (out / batch.JOURNAL).read_text(encoding="utf-8").splitlines()]
    return {rec["key"]["file"]: rec for rec in lines}


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    """The bundled examples (two of them unreadable, one .xls, a workbook of several tables), a roster without
    rows, a formula without a value, and a .zip archive of two rosters."""
    sys.path.insert(0, str(ROOT / "examples"))
    import make_examples

    src = tmp_path_factory.mktemp("submissions")
    make_examples.main(src)
    hostile.roster(src / "空表.xlsx", 0)
    data = [hostile.HEADER, *hostile.rows(2), [3, "王五", ("f", 'IF(1,"男","女")', None), ident(1986, 7, 1, 3), "某单位"]]
    hostile.raw_xlsx(src / "公式.xlsx", [("花名册", hostile.sheet_xml(data))])
    with zipfile.ZipFile(src / "打包.zip", "w") as zf:
        for i in range(2):
            hostile.roster(src / f"z{i}.xlsx", 4, start=50 + 10 * i)
            zf.write(src / f"z{i}.xlsx", f"单位{i}/花名册.xlsx")
            (src / f"z{i}.xlsx").unlink()
    return src


def test_files_read_ahead_give_the_same_journal(submissions, tmp_path):
    items = sources.collect([submissions])
    assert len(items) == 13
    pre = preread.start(items)
    assert pre is not None
    ended(pre)
    ready = pre.stop()
    assert set(ready) == {d for _, d in items}  # every file read ahead, the unreadable ones too
    first = preread.load(ready[items[0][1]])
    assert isinstance(first, ingest.FileRead) and first.rep.file == items[0][1]
    try:
        batch.run(items, NATIONAL, AS_OF, jobs=2, chunk_size=3, out=tmp_path / "ahead", ahead=pre)
    finally:
        pre.close()
    assert not pre.folder.exists()
    plain = batch.run(items, NATIONAL, AS_OF, jobs=2, chunk_size=3, out=tmp_path / "plain")
    assert journal(tmp_path / "ahead") == journal(tmp_path / "plain")
    codes = {f.code for f in plain.findings}
    assert {"STR001", "STR009", "STR010"} <= codes
    # in this process too (--jobs 0)
    again = preread.start(items)
    ended(again)
    with again:
        batch.run(items, NATIONAL, AS_OF, jobs=0, out=tmp_path / "here", ahead=again)
    assert journal(tmp_path / "here") == journal(tmp_path / "plain")


def test_workers_take_what_the_reader_left(tmp_path):
    """A worker uses the reader's result instead of reading the file: shown by altering a result."""
    hostile.roster(tmp_path / "a.xlsx", 3)
    hostile.roster(tmp_path / "b.xlsx", 5, start=20)
    items = sources.collect([tmp_path])
    with preread.start(items) as pre:
        ended(pre)
        ready = pre.stop()
        read = preread.load(ready["a.xlsx"])
        assert read.rep.rows == 3
        read.rep.unit = "读取进程留下的结果"
        ready["a.xlsx"].write_bytes(pickle.dumps(read))
        res = batch.run(items, NATIONAL, AS_OF, jobs=2, ahead=pre)
    units = {r.file: r.unit for r in res.reports}
    assert units["a.xlsx"] == "读取进程留下的结果" and units["b.xlsx"] != units["a.xlsx"]


def test_a_damaged_or_missing_result_is_read_again(tmp_path):
    hostile.roster(tmp_path / "a.xlsx", 3)
    hostile.roster(tmp_path / "b.xlsx", 4, start=20)
    items = sources.collect([tmp_path])
    plain = batch.run(items, NATIONAL, AS_OF, jobs=2, out=tmp_path / "plain")
    with preread.start(items) as pre:
        ended(pre)
        ready = pre.stop()
        ready["a.xlsx"].write_bytes(b"\x80\x05garbage")
        ready["b.xlsx"].unlink()
        assert preread.load(ready["a.xlsx"]) is None and preread.load(ready["b.xlsx"]) is None
        batch.run(items, NATIONAL, AS_OF, jobs=2, out=tmp_path / "ahead", ahead=pre)
    assert journal(tmp_path / "ahead") == journal(tmp_path / "plain")
    assert {r.file: r.rows for r in plain.reports} == {"a.xlsx": 3, "b.xlsx": 4}


def test_a_reader_that_dies_on_a_hostile_file_costs_nothing(tmp_path):
    hostile.roster(tmp_path / "a.xlsx", 3)
    hostile.corner_cells(tmp_path / "b_corner.xlsx")  # calamine aborts the process that reads it
    hostile.roster(tmp_path / "c.xlsx", 3, start=10)
    items = sources.collect([tmp_path])
    with preread.start(items) as pre:
        ended(pre)
        assert set(pre.stop()) == {"a.xlsx"}  # what it finished before the file that killed it
        res = batch.run(items, NATIONAL, AS_OF, jobs=2, ahead=pre)
    assert {r.file: r.status for r in res.reports} == {"a.xlsx": "ok", "b_corner.xlsx": "unreadable",
                                                     "c.xlsx": "ok"}
    assert [f.code for f in res.findings if f.file == "b_corner.xlsx"] == ["STR005"]


def test_a_killed_reader_leaves_only_whole_results(tmp_path):
    for i in range(40):
        hostile.roster(tmp_path / f"{i:02d}.xlsx", 30, start=100 * i)
    items = sources.collect([tmp_path])
    pre = preread.start(items)
    try:
        deadline = time.monotonic() + 60
        while not (pre.folder / "2.pkl").exists():  # stopped while it reads: some done, one half-written at most
            assert time.monotonic() < deadline
            time.sleep(0.005)
        ready = pre.stop()
        assert 3 <= len(ready) < 40
        assert list(ready) == [d for _, d in items[:len(ready)]]  # read in the run's order
        assert all(isinstance(preread.load(p), ingest.FileRead) for p in ready.values())
    finally:
        pre.close()
    assert not pre.folder.exists()


def test_no_reader_where_it_cannot_help(tmp_path, monkeypatch):
    items = [(tmp_path / "a.xlsx", "a.xlsx")]
    assert preread.start([]) is None
    monkeypatch.setattr(preread, "cpus", lambda: 1)  # one CPU: nothing to overlap with the imports
    assert preread.start(items) is None
    monkeypatch.undo()
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert preread.start(items) is None  # forking beside another thread is not safe
    finally:
        stop.set()
        t.join()


def test_the_command_reads_ahead_with_two_jobs_and_cleans_up(tmp_path, submissions):
    """End to end: a reader starts (its folder appears in TMPDIR), the findings equal a --jobs 1 run, and no
    folder is left behind."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    probe = ("import sys, zhicheng.validators.preread as p; s = p.Preread.stop\n"
             "def stop(self):\n r = s(self); print('READY', len(r), file=sys.stderr); return r\n"
             "p.Preread.stop = stop\nfrom zhicheng import cli; sys.argv[0] = 'zhicheng'; cli.run()\n")
    env = {**os.environ, "TMPDIR": str(tmp)}
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        proc = subprocess.run([sys.executable, "-c", probe, "validate", str(submissions), "--out", str(out),
                               "--jobs", jobs, "--quiet", "--no-annotate"], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 1, proc.stderr
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        runs[jobs] = (proc.stderr, (doc["files"], doc["findings"]))
    assert "READY" not in runs["1"][0]  # one job: no reader
    ready = [int(line.split()[1]) for line in runs["2"][0].splitlines() if line.startswith("READY")]
    assert ready and 1 <= ready[0] <= 13  # (a file read in the half second the imports take, at least)
    assert runs["2"][1] == runs["1"][1]
    assert not any(tmp.glob("zhicheng-read-*"))
    shutil.rmtree(tmp)


def test_the_reader_dies_with_the_command(tmp_path):
    """A command killed outright (no clean-up runs) takes its reader with it, even one stuck on a file."""
    fifo = tmp_path / "stalled.xlsx"
    os.mkfifo(fifo)  # reading blocks forever: the reader cannot end by itself
    script = ("import os, signal, sys, time\nfrom pathlib import Path\nfrom zhicheng.validators import preread\n"
              "pre = preread.start([(Path(sys.argv[1]), 'stalled.xlsx')])\nprint(pre.pid, flush=True)\n"
              "time.sleep(1)\nos.kill(os.getpid(), signal.SIGKILL)\n")  # (the reader is waiting on the file by then)
    proc = subprocess.run([sys.executable, "-c", script, str(fifo)], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "TMPDIR": str(tmp_path)})  # (a reader left alive would hold stdout open)
    pid = int(proc.stdout.split()[0])

    def alive() -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] not in "ZX"
        except (FileNotFoundError, IndexError):
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive()
    assert not list(tmp_path.glob("zhicheng-read-*"))  # and it removed its folder
