"""The `zhicheng validate` command: JSON contract, exit codes, a folder with bad files, the bundled examples."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, ident, save_rows
from zhicheng.cli import main

FINDING_KEYS = {"code", "category", "severity", "file", "sheet", "row", "column", "cell", "message", "value"}
CATEGORIES = {"structure", "format", "identity", "duplicate", "hours", "certificate", "discipline", "seniority",
              "eligibility", "procedure", "consistency"}


def load(out):
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_folder_with_bad_files_is_still_checked(tmp_path):
    src = tmp_path / "in"
    (src / "单位A").mkdir(parents=True)
    good = save_rows(src / "单位A" / "花名册.xlsx", ["姓名", "身份证号码", "性别"],
                     [["张三", ident(1985, 6, 12), "女"]])
    (src / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    (src / "trunc.xlsx").write_bytes(good.read_bytes()[:2000])
    (src / "notes.txt").write_text("ignored: not a spreadsheet name")
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    rc = main(["validate", str(src), "--out", str(out), "--quiet"])
    assert rc == 1
    doc = load(out)
    assert set(doc) == {"tool", "version", "policy", "as_of", "files", "findings"}
    assert doc["tool"] == "zhicheng" and doc["policy"] == "national"
    files = {f["file"]: f for f in doc["files"]}
    assert set(files) == {"单位A/花名册.xlsx", "text.xlsx", "trunc.xlsx"}
    assert files["text.xlsx"]["status"] == "unreadable" and files["trunc.xlsx"]["status"] == "unreadable"
    assert files["单位A/花名册.xlsx"]["kind"] == "applicant_roster" and files["单位A/花名册.xlsx"]["rows"] == 1
    assert len(files["单位A/花名册.xlsx"]["sha256"]) == 64
    by_file = {(f["file"], f["code"]) for f in doc["findings"]}
    assert {("text.xlsx", "STR001"), ("trunc.xlsx", "STR001"), ("单位A/花名册.xlsx", "IDN004")} <= by_file
    for f in doc["findings"]:
        assert set(f) == FINDING_KEYS and f["category"] in CATEGORIES
    # inputs untouched
    assert before == {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}


def test_exit_codes(tmp_path):
    clean = save_rows(tmp_path / "ok.xlsx", ["姓名", "身份证号码"], [["张三", ident(1985, 6, 12)]])
    assert main(["validate", str(clean), "--out", str(tmp_path / "o1"), "-q"]) == 0
    assert load(tmp_path / "o1")["files"][0]["file"] == "ok.xlsx"
    assert main(["validate", str(tmp_path / "missing.xlsx"), "--out", str(tmp_path / "o2"), "-q"]) == 2
    assert main(["validate", str(clean), "--policy", "nowhere-1999", "--out", str(tmp_path / "o3"), "-q"]) == 2


@pytest.mark.parametrize("policy", ["national", "haimen-2010", "kaili-2023", "wenzhou-2019", "chifeng-2019",
                                    "zhenjiang-2024"])
def test_policy_names_accepted_and_as_of(tmp_path, policy):
    clean = save_rows(tmp_path / "ok.xlsx", ["姓名", "身份证号码"], [["张三", ident(1985, 6, 12)]])
    rc = main(["validate", str(clean), "--policy", policy, "--as-of", "2024-01-02", "--out", str(tmp_path), "-q"])
    doc = load(tmp_path)
    assert rc == 0 and doc["policy"] == policy and doc["as_of"] == "2024-01-02"


def test_bundled_examples_show_planted_defects(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "zhicheng", "validate", str(ROOT / "examples"), "--policy",
                           "kaili-2023", "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "问题" in proc.stdout
    doc = load(out)
    found = {(f["file"], f["row"], f["code"]) for f in doc["findings"]}
    kl = "凯里市某医院_申报人员花名册.xlsx"
    for row, code in [(7, "IDN002"), (9, "IDN006"), (10, "IDN004"), (14, "DUP001"), (19, "FMT001"),
                      (22, "IDN005"), (27, "FMT003")]:
        assert (kl, row, code) in found
    assert ("海门某厂_评审通过人员花名册.xls", 8, "IDN002") in found
    assert ("温州某企业_评审对象资格审查花名册.xlsx", 18, "FMT004") in found
    assert {f["file"] for f in doc["findings"] if f["code"] == "STR001"} == {"损坏的文件.xlsx", "不是表格.xlsx"}
    clean = [f for f in doc["findings"] if f["file"] == "干净的花名册.xlsx" and f["severity"] == "error"]
    assert clean == []


def test_examples_are_reproducible(tmp_path):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import make_examples
    finally:
        sys.path.pop(0)
    made = make_examples.main(tmp_path)
    import python_calamine as pc

    for p in made:
        shipped = ROOT / "examples" / Path(p).name
        assert shipped.exists()
        if Path(p).name in ("损坏的文件.xlsx", "不是表格.xlsx"):
            continue
        a, b = pc.CalamineWorkbook.from_path(str(p)), pc.CalamineWorkbook.from_path(str(shipped))
        assert a.sheet_names == b.sheet_names
        for name in a.sheet_names:
            assert a.get_sheet_by_name(name).to_python() == b.get_sheet_by_name(name).to_python()


def test_policy_commands(capsys):
    assert main(["policy", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("national", "kaili-2023", "zhenjiang-2024"):
        assert name in out
    assert main(["policy", "show", "kaili-2023"]) == 0
    assert "national → kaili-2023" in capsys.readouterr().out


def test_malformed_user_policy_names_key(tmp_path, capsys):
    bad = tmp_path / "my.toml"
    bad.write_text('extends = "national"\ncutoff = "2023-13-45"\n', encoding="utf-8")
    clean = save_rows(tmp_path / "ok.xlsx", ["姓名", "身份证号码"], [["张三", ident(1985, 6, 12)]])
    assert main(["validate", str(clean), "--policy", str(bad), "--out", str(tmp_path), "-q"]) == 2
    err = capsys.readouterr().err
    assert "cutoff" in err and "Traceback" not in err
    broken = tmp_path / "broken.toml"
    broken.write_text("name = [unclosed\n", encoding="utf-8")
    assert main(["validate", str(clean), "--policy", str(broken), "--out", str(tmp_path), "-q"]) == 2
    assert "格式错误" in capsys.readouterr().err


def test_jobs_make_the_annotated_copies_in_the_workers(tmp_path, monkeypatch):
    """With --jobs 2 the validation workers make the copies (staged) and the outputs move them into place; only a
    copy whose file got a finding from a run-scope rule afterwards is made again, by copy workers."""
    from zhicheng.validators.outputs import annotate as ann, copies

    calls, placed = [], []
    real, real_place = copies.made_in_workers, ann.place_copy

    def spy(tasks, jobs, **kw):
        calls.append(jobs)
        return real(tasks, jobs, **kw)

    def place(staged, out_dir, display, *a, **kw):
        placed.append(display)
        return real_place(staged, out_dir, display, *a, **kw)

    monkeypatch.setattr(copies, "MIN_PARALLEL", 1)
    monkeypatch.setattr(copies, "made_in_workers", spy)
    monkeypatch.setattr(ann, "place_copy", place)
    inputs = tmp_path / "in"
    shutil.copytree(ROOT / "examples", inputs, ignore=shutil.ignore_patterns("*.py", "*.md"))
    twin = inputs / "另一单位_申报人员花名册.xlsx"  # the same people again: DUP002 in both files, found at the end
    shutil.copy(inputs / "凯里市某医院_申报人员花名册.xlsx", twin)
    out = tmp_path / "out"
    assert main(["validate", str(inputs), "--policy", "kaili-2023", "--out", str(out), "--jobs", "2", "-q"]) == 1
    doc = load(out)
    flagged = {f["file"] for f in doc["findings"]} - {r["file"] for r in doc["files"] if r["status"] == "unreadable"}
    assert {p.name for p in (out / "annotated").glob("*.xlsx")} == {Path(f).with_suffix(".xlsx").name for f in flagged}
    twins = {f["file"] for f in doc["findings"] if f["code"] == "DUP002"}
    assert twins == {twin.name, "凯里市某医院_申报人员花名册.xlsx"}
    from zhicheng.validators.engine import RUN_KEYS

    later = {f["file"] for f in doc["findings"] if f["code"] in RUN_KEYS}  # run-scope rules: found at the end
    assert twins <= later and calls == [2]
    assert set(placed) == flagged - later  # the others' staged copies lack those findings: made again
    assert not (out / copies.STAGING).exists()
    for name in twins:
        wb = openpyxl.load_workbook(out / "annotated" / name)
        assert "DUP002" in [c.value for c in wb["校验结果"]["B"]] or any(
            "DUP002" in str(c.value) for row in wb["校验结果"].iter_rows() for c in row)


def test_a_file_name_that_is_not_utf8_is_validated_and_linked(tmp_path):
    """On Linux a name is bytes: one that is not UTF-8 (an old GBK archive unpacked as is) stays a lone surrogate in
    Python.  It must reach every output: the journal and findings.json as its JSON escape, the links as its byte."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    name = os.fsdecode(b"\xb5\xa5\xb1\xed roster.xlsx")  # GBK bytes of 单表: no UTF-8 in them
    try:
        shutil.copy(ROOT / "examples" / "凯里市某医院_申报人员花名册.xlsx", inputs / name)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this filesystem does not take a name that is not UTF-8")
    out = tmp_path / "out"
    assert main(["validate", str(inputs), "--policy", "kaili-2023", "--out", str(out), "--jobs", "2", "-q"]) == 1
    doc = json.loads((out / "findings.json").read_bytes().decode("utf-8"))  # valid UTF-8 …
    assert [f["file"] for f in doc["files"]] == [name] and doc["findings"]  # … holding the same name
    assert (out / "annotated" / name).is_file()
    assert 'href="annotated/%B5%A5%B1%ED%20roster.xlsx"' in (out / "report.html").read_text(encoding="utf-8")
    link = openpyxl.load_workbook(out / "summary.xlsx")["文件"]["J2"].hyperlink
    assert link.target == "annotated\\%B5%A5%B1%ED%20roster.xlsx"


def test_the_command_exits_with_mains_code_and_frozen_objects(monkeypatch):
    """``zhicheng`` (cli.run) exits with main's code, the run's objects frozen so that shutting down skips them."""
    import gc

    from zhicheng import cli

    monkeypatch.setattr(cli, "main", lambda: 3)
    assert gc.get_freeze_count() == 0
    try:
        with pytest.raises(SystemExit) as e:
            cli.run()
        assert e.value.code == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_python_m_zhicheng_runs_the_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "zhicheng", "validate", str(ROOT / "examples" / "干净的花名册.xlsx"),
                          "--out", str(tmp_path / "o"), "--quiet", "--jobs", "0"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "o" / "findings.json").is_file()
