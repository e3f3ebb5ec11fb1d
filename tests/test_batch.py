"""A batch survives any file: hostile inputs, worker crashes and timeouts, zip archives, journal and resume."""

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import hostile
from conftest import ROOT, ident
from zhicheng.validators import batch, engine, policy
from zhicheng.validators.reader import ReadError, read_workbook, sniff

AS_OF = dt.date(2023, 8, 30)
ZHICHENG = str(Path(sys.executable).with_name("zhicheng"))


def validate(*paths, **kw):
    return engine.validate_paths(list(paths), policy.load("national"), AS_OF, **kw)


def by_file(result):
    out = {}
    for f in result.findings:
        out.setdefault(f.file, []).append(f)
    return out


def comparable(result):
    """Reports and findings as plain data, independent of the order files finished in."""
    reports = sorted(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True) for r in result.reports)
    findings = sorted(json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True) for f in result.findings)
    return reports, findings


def cli(*args, **kw):
    return subprocess.run([ZHICHENG, "validate", *map(str, args)], capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "examples"))
    import make_examples

    out = tmp_path_factory.mktemp("examples")
    make_examples.main(out)
    shutil.copy(out / "某单位_混合工作簿.xlsx", out / "副本_混合工作簿.xlsx")  # cross-file duplicates (DUP002)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Sniffing and the reader
# ---------------------------------------------------------------------------------------------------------------


def test_text_renamed_and_truncated_zip(tmp_path):
    (tmp_path / "text.xlsx").write_text("姓名,身份证号码\n张三,1\n", encoding="utf-8")
    good = hostile.roster(tmp_path / "good.xlsx")
    (tmp_path / "cut.xlsx").write_bytes(good.read_bytes()[:1500])
    (tmp_path / "empty.xlsx").write_bytes(b"")
    res = validate(tmp_path)
    codes = {f.file: f.code for f in res.findings if f.file != "good.xlsx"}
    assert codes == {"text.xlsx": "STR001", "cut.xlsx": "STR001", "empty.xlsx": "STR001"}
    assert {r.file: r.status for r in res.reports}["good.xlsx"] == "ok"


def test_encrypted_workbook(tmp_path):
    res = validate(hostile.encrypted(tmp_path / "加密.xlsx"))
    assert [(f.code, f.severity) for f in res.findings] == [("STR004", "error")]
    assert "加密" in res.findings[0].message
    assert res.reports[0].status == "unreadable"


def test_zip_bombs_refused_in_milliseconds(tmp_path):
    for path, words in ((hostile.ratio_bomb(tmp_path / "ratio.xlsx"), "压缩比"),
                        (hostile.lying_bomb(tmp_path / "lie.xlsx"), "声明的大小")):
        t = time.perf_counter()
        with pytest.raises(ReadError) as e:
            sniff(path)
        assert time.perf_counter() - t < 0.5
        assert e.value.code == "STR007" and words in e.value.reason


def test_declared_size_and_member_count_limits(tmp_path, monkeypatch):
    from zhicheng.validators import reader

    path = hostile.roster(tmp_path / "r.xlsx")
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 2000)
    with pytest.raises(ReadError, match="体积异常巨大"):
        sniff(path)
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 512 * 1024 * 1024)
    monkeypatch.setattr(reader, "MAX_MEMBERS", 5)
    with pytest.raises(ReadError, match="文件数"):
        sniff(path)


def test_billion_laughs_refused_and_never_expanded(tmp_path):
    path = hostile.billion_laughs(tmp_path / "lol.xlsx")
    t = time.perf_counter()
    res = validate(path)
    assert time.perf_counter() - t < 2
    assert [f.code for f in res.findings] == ["STR007"] and "实体声明" in res.findings[0].message
    # python-calamine itself, without our check, must not expand entities (in a child with a memory cap)
    code = ("import resource, sys, python_calamine as pc\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "try:\n"
            "    rows = pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
            "    print(max(len(str(v)) for r in rows for v in r))\n"
            "except Exception as e:\n"
            "    print('refused', type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("refused") or int(out.stdout) < 100, out.stdout


def test_formula_without_cached_value_is_str010(tmp_path):
    data = [hostile.HEADER + ["学时"],
            [1, "张三", "男", ident(1985, 6, 12), "某单位", ("f", "SUM(1,2)", None)],
            [2, "李四", "女", ident(1990, 3, 1, 2, False), "某单位", ("f", "SUM(1,2)", 3)],
            [3, "王五", ("f", 'IF(1,"男","女")', None), ident(1986, 7, 1, 3), "某单位", 90]]
    path = hostile.raw_xlsx(tmp_path / "f.xlsx", [("花名册", hostile.sheet_xml(data))])
    t = read_workbook(path).tables[0]
    assert t.formulas == [(2, 5, "SUM(1,2)"), (4, 2, 'IF(1,"男","女")')]
    res = validate(path)
    got = sorted((f.code, f.cell, f.value) for f in res.findings if f.code == "STR010")
    assert got == [("STR010", "C4", '=IF(1,"男","女")'), ("STR010", "F2", "=SUM(1,2)")]
    assert all(f.severity == "warning" for f in res.findings if f.code == "STR010")


def test_openpyxl_formulas_are_found_and_clean_file_has_none(tmp_path):
    clean = hostile.roster(tmp_path / "clean.xlsx")
    assert read_workbook(clean).tables[0].formulas == []
    wb = openpyxl.load_workbook(clean)
    wb.active["E3"] = "=A1&\"单位\""
    wb.save(tmp_path / "formula.xlsx")
    t = read_workbook(tmp_path / "formula.xlsx").tables[0]
    assert t.formulas == [(3, 4, 'A1&"单位"')]


def test_xlsm_is_read(tmp_path):
    path = hostile.roster(tmp_path / "宏.xlsm")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro project")
    assert sniff(path) == "xlsm"
    res = validate(path)
    assert res.reports[0].kind == "applicant_roster" and res.reports[0].rows == 3
    assert res.findings == []


def test_many_sheets(tmp_path):
    path = hostile.many_sheets(tmp_path / "5000.xlsx", 5000)
    t = time.perf_counter()
    res = validate(path, jobs=1)
    assert time.perf_counter() - t < 60
    rep = res.reports[0]
    assert rep.status == "ok" and len(rep.tables) == 5000 and rep.rows == 5000


def test_formula_injection_value_stays_text(tmp_path):
    evil = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    evil2 = "@SUM(1+1)*cmd|' /C calc'!A0"
    path = hostile.roster(tmp_path / "注入.xlsx", extra=[[9, "赵六", evil2, evil, "某单位"]])
    out = tmp_path / "out"
    proc = cli(path, "--out", out, "--quiet", "--jobs", "0")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    values = {f["value"] for f in doc["findings"]}
    assert evil in values and evil2 in values
    assert any(evil in f["message"] for f in doc["findings"])


# ---------------------------------------------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------------------------------------------


def test_workers_give_the_same_results_as_in_process(examples):
    here = validate(examples, chunk_size=50)
    pooled = validate(examples, jobs=2, chunk_size=2)
    assert comparable(here) == comparable(pooled)
    assert {f.code for f in here.findings} >= {"DUP001", "DUP002", "IDN002", "STR001"}
    assert [r.file for r in here.reports] == [r.file for r in pooled.reports]


def test_calamine_abort_is_one_finding_and_the_batch_goes_on(tmp_path):
    hostile.roster(tmp_path / "a.xlsx", 3)
    hostile.corner_cells(tmp_path / "b_corner.xlsx")
    hostile.roster(tmp_path / "c.xlsx", 3, start=10)
    res = validate(tmp_path, jobs=2, chunk_size=3)
    status = {r.file: r.status for r in res.reports}
    assert status == {"a.xlsx": "ok", "b_corner.xlsx": "unreadable", "c.xlsx": "ok"}
    [f] = by_file(res)["b_corner.xlsx"]
    assert f.code == "STR005" and "内存" in f.message


def test_memory_limit_applies_to_workers(tmp_path):
    # 16384 x 10000 cells: about 4 GB as a dense range; a 1.5 GB worker refuses at once instead of filling it
    path = hostile.corner_cells(tmp_path / "wide.xlsx", "XFD10000")
    t = time.perf_counter()
    res = validate(path, jobs=1, memory=1536 * 1024 ** 2)
    assert time.perf_counter() - t < 30
    assert [f.code for f in res.findings] == ["STR005"] and "内存" in res.findings[0].message


def test_timeout_is_a_finding(tmp_path):
    fifo = tmp_path / "stalled.xlsx"
    os.mkfifo(fifo)  # reading blocks forever, like a file on a share that stopped answering
    items = [(hostile.quick_roster(tmp_path / f"g{i}.xlsx", 2, 10 * i + 1), f"g{i}.xlsx") for i in range(8)]
    items.insert(4, (fifo, "stalled.xlsx"))  # chunks of 3: the stalled file is the second of the second chunk
    batch.run(items[:1], policy.load("national"), AS_OF, jobs=1)  # the fork server is up: only the batch is timed
    t = time.perf_counter()
    res = batch.run(items, policy.load("national"), AS_OF, jobs=1, chunk_size=3, timeout=5)
    assert time.perf_counter() - t < 9.5  # the file being read when time ran out is not waited for twice
    status = {r.file: r.status for r in res.reports}
    assert status == {**{f"g{i}.xlsx": "ok" for i in range(8)}, "stalled.xlsx": "unreadable"}
    assert [f.code for f in res.findings] == ["STR005"] and "超时" in res.findings[0].message


def test_a_failing_chunk_is_rerun_file_by_file(tmp_path, monkeypatch):
    for i in range(4):
        hostile.roster(tmp_path / f"r{i}.xlsx", 2, start=10 * i + 1)
    real = engine.check_frames

    def flaky(frames, ctx, reports, findings):
        if any(r.file == "r2.xlsx" for r in reports):
            raise RuntimeError("schema backend bug")
        return real(frames, ctx, reports, findings)

    monkeypatch.setattr(engine, "check_frames", flaky)
    res = validate(tmp_path, chunk_size=4)
    status = {r.file: r.status for r in res.reports}
    assert status == {"r0.xlsx": "ok", "r1.xlsx": "ok", "r2.xlsx": "unreadable", "r3.xlsx": "ok"}
    [f] = res.findings
    assert f.file == "r2.xlsx" and f.code == "STR005" and "schema backend bug" in f.message


# ---------------------------------------------------------------------------------------------------------------
# Zip archives
# ---------------------------------------------------------------------------------------------------------------


class GbkName(zipfile.ZipInfo):
    """A member name stored as GBK bytes without the UTF-8 flag, as Chinese Windows archivers write it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp437"), self.flag_bits


def test_zip_archive_members_are_read_in_place(tmp_path):
    src = tmp_path / "src"
    a = hostile.roster(src / "a.xlsx", 2)
    b = hostile.roster(src / "b.xlsx", 2, extra=[[9, "重复", "男", ident(1981, 2, 2, 2), "某单位"]] * 2)
    archive = tmp_path / "in" / "报送材料.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.write(a, "某局/花名册.xlsx")
        z.writestr(zipfile.ZipInfo("../../../escape.xlsx"), b.read_bytes())
        z.writestr(zipfile.ZipInfo("/abs/C:/b.xlsx"), b.read_bytes())
        z.writestr("说明.txt", "不是表格")
        z.writestr("__MACOSX/._花名册.xlsx", b"junk")
        z.writestr("inner.zip", b"PK\x05\x06" + bytes(18))
        z.writestr(GbkName("单位二/表.xlsx".encode("gbk").decode("cp437")), a.read_bytes())
    before = sorted(p for p in tmp_path.rglob("*"))
    res = validate(tmp_path / "in", jobs=1)
    assert sorted(p for p in tmp_path.rglob("*")) == before  # nothing extracted anywhere
    files = [r.file for r in res.reports]
    assert files == ["报送材料.zip/某局/花名册.xlsx", "报送材料.zip/escape.xlsx", "报送材料.zip/abs/b.xlsx",
                     "报送材料.zip/inner.zip", "报送材料.zip/单位二/表.xlsx"]
    status = {r.file: r.status for r in res.reports}
    # the same people twice across members: a warning (DUP002), nothing else
    assert status["报送材料.zip/某局/花名册.xlsx"] == "warning" and status["报送材料.zip/单位二/表.xlsx"] == "warning"
    assert status["报送材料.zip/inner.zip"] == "unreadable"
    dup = [f for f in res.findings if f.code == "DUP001"]
    assert {f.file for f in dup} == {"报送材料.zip/escape.xlsx", "报送材料.zip/abs/b.xlsx"}
    assert set(res.members) == set(files) and res.paths == {}
    # DUP002 across members: the two copies of a.xlsx
    assert {f.file for f in res.findings if f.code == "DUP002"} >= {"报送材料.zip/某局/花名册.xlsx",
                                                                    "报送材料.zip/单位二/表.xlsx"}


def test_zip_members_get_annotated_copies(tmp_path):
    bad = hostile.roster(tmp_path / "src" / "b.xlsx", 2, extra=[[9, "王五", "男", "52260119850612123", "某单位"]])
    archive = tmp_path / "in" / "报送.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as z:
        z.write(bad, "某局/花名册.xlsx")
        z.writestr(zipfile.ZipInfo("../../逃逸.xlsx"), bad.read_bytes())
    out = tmp_path / "out"
    proc = cli(tmp_path / "in", "--out", out, "--quiet", "--jobs", "1")
    assert proc.returncode == 1, proc.stderr
    copies = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert copies == ["annotated/报送.zip/某局/花名册.xlsx", "annotated/报送.zip/逃逸.xlsx", "summary.xlsx"]
    assert not (tmp_path / "逃逸.xlsx").exists()
    wb = openpyxl.load_workbook(out / "annotated" / "报送.zip" / "某局" / "花名册.xlsx")
    assert wb.sheetnames[0] == "校验结果" and wb["Sheet"]["D4"].comment is not None


def test_output_folder_inside_the_input_is_not_read(tmp_path):
    hostile.roster(tmp_path / "a.xlsx")
    out = tmp_path / "结果"
    hostile.roster(out / "annotated" / "a.xlsx")  # what an earlier run left there
    res = validate(tmp_path, out=out)
    assert [r.file for r in res.reports] == ["a.xlsx"]


def test_bad_archives_are_reported_as_files(tmp_path):
    (tmp_path / "cut.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    with zipfile.ZipFile(tmp_path / "scans.zip", "w") as z:
        z.writestr("证书.jpg", b"\xff\xd8 not a workbook")
    hostile.ratio_bomb(tmp_path / "src.xlsx")
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xlsx", bytes(64 * 1024 * 1024))  # the archive itself inflates 1000x
    res = validate(tmp_path)
    # the folder's photo archive is not a submission; named on the command line it is reported
    assert {(r.file, r.status) for r in res.reports} == {("cut.zip", "unreadable"), ("bomb.zip", "unreadable"),
                                                         ("src.xlsx", "unreadable")}
    assert {f.file: f.code for f in res.findings} == {"cut.zip": "STR001", "bomb.zip": "STR007", "src.xlsx": "STR007"}
    res = validate(tmp_path / "scans.zip")
    assert [(f.file, f.code) for f in res.findings] == [("scans.zip", "STR001")]


# ---------------------------------------------------------------------------------------------------------------
# Journal and resume
# ---------------------------------------------------------------------------------------------------------------


def test_journal_drops_a_cut_line_and_resume_reuses_matching_lines(tmp_path, examples):
    out = tmp_path / "out"
    first = validate(examples, out=out)
    lines = (out / batch.JOURNAL).read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(first.reports)
    keep = lines[:3]
    (out / batch.JOURNAL).write_text("\n".join(keep) + "\n" + lines[3][:40], encoding="utf-8")
    again = validate(examples, out=out, resume=True)
    assert again.resumed == 3
    assert comparable(again) == comparable(first)
    lines2 = (out / batch.JOURNAL).read_text(encoding="utf-8").splitlines()
    assert len(lines2) == len(first.reports) and lines2[:3] == keep
    # another policy or as-of date reuses nothing
    other = engine.validate_paths([examples], policy.load("kaili-2023"), AS_OF, out=out, resume=True)
    assert other.resumed == 0


def complete_lines(journal):
    out = []
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


def test_killed_run_resumed_gives_the_same_findings(tmp_path):
    src = tmp_path / "in"
    for i in range(60):
        hostile.quick_roster(src / f"单位{i:03d}.xlsx", 10, start=(i * 7) % 300 + 1)
    hostile.corner_cells(src / "单位050_坏.xlsx")
    full = tmp_path / "full"
    assert cli(src, "--out", full, "--jobs", "2", "--quiet").returncode == 1

    out = tmp_path / "killed"
    # one worker: a core stays free for this loop, which would otherwise be starved until the run is over
    proc = subprocess.Popen([ZHICHENG, "validate", str(src), "--out", str(out), "--jobs", "1", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / batch.JOURNAL
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if journal.exists() and journal.stat().st_size > 0:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(complete_lines(journal))
    assert 0 < done < 61, "the run was not killed midway"
    assert not (out / "findings.json").exists()

    resumed = cli(src, "--out", out, "--jobs", "2", "--resume")
    assert resumed.returncode == 1, resumed.stderr
    assert f"其中 {done} 个" in resumed.stdout
    a = json.loads((full / "findings.json").read_text(encoding="utf-8"))
    b = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert a == b
    assert len(complete_lines(journal)) == 61  # nothing checked twice


# ---------------------------------------------------------------------------------------------------------------
# End to end
# ---------------------------------------------------------------------------------------------------------------


def test_twenty_mixed_workbooks_four_hostile(tmp_path, examples):
    src = tmp_path / "batch"
    src.mkdir()
    for p in sorted(examples.glob("*.xls*")):
        shutil.copy(p, src / p.name)  # 10 examples, two of them broken
    for i in range(6):
        hostile.roster(src / "各单位" / f"单位{i}.xlsx", 5, start=100 + 10 * i)
    hostile.corner_cells(src / "各单位" / "最后一格.xlsx")
    hostile.ratio_bomb(src / "压缩炸弹.xlsx")
    hostile.encrypted(src / "加密.xlsx")
    hostile.billion_laughs(src / "实体炸弹.xlsx")
    files = [p for p in src.rglob("*") if p.is_file()]
    assert len(files) == 20
    out = tmp_path / "out"
    proc = cli(src, "--out", out, "--jobs", "2", timeout=300)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    status = {f["file"]: f["status"] for f in doc["files"]}
    assert len(status) == 20
    codes = {}
    for f in doc["findings"]:
        codes.setdefault(f["file"], set()).add(f["code"])
    assert codes["各单位/最后一格.xlsx"] == {"STR005"}
    assert codes["压缩炸弹.xlsx"] == {"STR007"}
    assert codes["加密.xlsx"] == {"STR004"}
    assert codes["实体炸弹.xlsx"] == {"STR007"}
    assert codes["损坏的文件.xlsx"] == {"STR001"} and codes["不是表格.xlsx"] == {"STR001"}
    for name in ("各单位/最后一格.xlsx", "压缩炸弹.xlsx", "加密.xlsx", "实体炸弹.xlsx", "损坏的文件.xlsx"):
        assert status[name] == "unreadable"
        assert name in proc.stdout  # listed in the terminal summary
    assert all(status[f"各单位/单位{i}.xlsx"] == "ok" for i in range(6))
    assert status["干净的花名册.xlsx"] == "ok"
    assert status["凯里市某医院_申报人员花名册.xlsx"] == "error"


# --- run-scope rules see only rows that share a key ------------------------------------------------------------


def test_every_run_scope_rule_says_what_it_groups_rows_by():
    from zhicheng.validators.findings import RULES

    run_rules = {code for code, r in RULES.items() if r.scope == "run" and not r.retired}
    assert run_rules == set(engine.RUN_KEYS)


def _all_rows(self):
    """A screen that lets every row through: what the run-scope rules would see without one."""
    return engine.RunScreen({hash(None)}, set(), set(self.spans), everything=True)


@pytest.mark.parametrize("profile,as_of", [("zhenjiang-2024", dt.date(2024, 5, 30)), ("kaili-2023", AS_OF)])
def test_screened_run_rows_give_the_same_findings(tmp_path, monkeypatch, profile, as_of):
    from conftest import save_rows

    src = tmp_path / "in"
    src.mkdir()
    for p in (ROOT / "examples").iterdir():
        if p.suffix in (".xlsx", ".xls"):
            shutil.copy(p, src / p.name)
    shutil.copy(src / "某单位_混合工作簿.xlsx", src / "副本_混合工作簿.xlsx")  # DUP002, CON002 across files
    head = ["序号", "姓名", "身份证号码", "工作单位", "申报系列", "拟申报资格", "申报级别", "评委会"]
    who = ident(1985, 6, 12, 1, True)
    save_rows(src / "甲.xlsx", head, [[1, "张伟", who, "甲单位", "工程", "工程师", "中级", "建设工程中级评委会"],
                                      [2, "李芳", ident(1987, 3, 2, 2, False), "甲单位 ", "工程", "工程师", "中级",
                                       "机械工程中级评委会"]])  # ELG008: one unit written two ways
    save_rows(src / "乙.xlsx", head, [[1, "张伟", who, "乙单位", "经济", "经济师", "中级", "经济中级评委会"]])  # ELG006/7
    pol = policy.load(profile)
    screened = engine.validate_paths([src], pol, as_of)
    codes = {f.code for f in screened.findings}
    assert {"DUP002", "CON002"} <= codes
    assert ({"ELG006"} if profile == "kaili-2023" else {"ELG007", "ELG008"}) <= codes
    monkeypatch.setattr(engine.RunKeys, "screen", _all_rows)
    everything = engine.validate_paths([src], pol, as_of)
    assert comparable(screened) == comparable(everything)


def test_run_screen_keeps_only_rows_that_share_a_key():
    keys = engine.RunKeys()
    a = {"_row": [3, 4, 5], "id_number": ["1", "2", None], "unit": ["甲", "甲", "乙"], "committee": [None, None, None]}
    b = {"_row": [3, 4], "id_number": ["2", "9"]}
    c = {"_row": [3, 4], "id_number": ["7", "8"], "unit": ["丙", " 丙"], "committee": ["一评委会", "二评委会"]}
    for f, d in (("a", a), ("b", b), ("c", c)):
        keys.add(f, d)
    screen = keys.screen()
    assert screen.files == {"a", "b", "c"}
    assert (screen.rows(a), screen.rows(b), screen.rows(c)) == ([1], [0], [0, 1])
    c["committee"] = ["一评委会", "一评委会"]
    keys = engine.RunKeys()
    for f, d in (("b", b), ("c", c)):
        keys.add(f, d)
    assert keys.screen().files == set()  # nothing shared: the run-scope rules get no rows


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_workers_fork_only_when_no_other_thread_runs():
    import threading

    assert batch._context().get_start_method() == "fork"  # instant start, pipeline already imported
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:  # forking beside another thread could copy a lock it holds: a fork server instead
        assert batch._context().get_start_method() in ("forkserver", "spawn")
    finally:
        stop.set()
        t.join()


def test_chunks_shrink_towards_the_end_and_a_small_remainder_joins_the_last(tmp_path):
    def sizes(n, jobs, cap=batch.MAX_CHUNK):
        tasks = batch._chunks([(tmp_path / f"{i}.xlsx", f"{i}.xlsx") for i in range(n)], jobs, cap)
        assert [d for t in tasks for _, d in t.items] == [f"{i}.xlsx" for i in range(n)]  # each once, in order
        return [len(t.items) for t in tasks]

    assert sizes(300, 2) == [50, 50, 50, 50, 50, 25, 13, 12]  # no chunk of 2 at the end: 8 fixed costs, not 13
    assert sizes(300, 1) == [50] * 6
    assert sizes(15, 2) == [8, 7]  # both workers get a chunk before a remainder is merged
    assert sizes(3, 2) == [3]
    assert sizes(7, 2, cap=3) == [3, 3, 1]  # a smaller --chunk-size is never exceeded
    assert max(sizes(5000, 4)) == batch.MAX_CHUNK


def test_a_chunk_closes_at_its_byte_budget(tmp_path):
    items = []
    for i in range(6):
        p = tmp_path / f"{i}.xlsx"
        p.write_bytes(b"x" * 1000)
        items.append((p, p.name))
    assert [len(t.items) for t in batch._chunks(items, 1, 50, max_bytes=2500)] == [3, 3]


def test_a_chunk_longer_than_the_timeout_is_not_stopped_while_its_files_move_on(tmp_path, monkeypatch):
    """The deadline is per file: the worker's heartbeat (a number in shared memory) moves it on with every file."""
    from zhicheng.validators import ingest

    real = ingest.read_one

    def slow(path, display):
        time.sleep(0.6)
        return real(path, display)

    monkeypatch.setattr(engine, "read_one", slow)  # the workers are forked from this process: they read slowly too
    items = [(hostile.quick_roster(tmp_path / f"s{i}.xlsx", 2, 10 * i + 1), f"s{i}.xlsx") for i in range(4)]
    t = time.perf_counter()
    res = batch.run(items, policy.load("national"), AS_OF, jobs=1, chunk_size=4, timeout=1.5)
    assert time.perf_counter() - t > 2.4  # one chunk of four files, longer than the timeout
    assert {r.status for r in res.reports} == {"ok"} and not [f for f in res.findings if f.code == "STR005"]
