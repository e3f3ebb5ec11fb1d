"""``--engine dask``: the per-file stage on a Dask LocalCluster gives the findings of a local run."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hostile
from conftest import ROOT, ident
from zhicheng import cli

pytest.importorskip("distributed")

ZHICHENG = str(Path(sys.executable).with_name("zhicheng"))


def validate(*args):
    return subprocess.run([ZHICHENG, "validate", *map(str, args), "--quiet", "--no-annotate"],
                          capture_output=True, text=True, timeout=150)


def test_local_cluster_gives_the_findings_of_a_local_run(tmp_path):
    src = tmp_path / "收件箱"
    for i in range(4):
        hostile.quick_roster(src / "各单位" / f"单位{i}.xlsx", 4, start=10 * i + 1)
    hostile.roster(src / "重复.xlsx", 2, start=11)  # the same people as 单位1: a cross-file rule (DUP002)
    for name in ("凯里市某医院_申报人员花名册.xlsx", "损坏的文件.xlsx", "海门某厂_评审通过人员花名册.xls"):
        shutil.copy(ROOT / "examples" / name, src / name)
    hostile.encrypted(src / "加密.xlsx")
    hostile.corner_cells(src / "最后一格.xlsx")  # python-calamine aborts the process: a worker dies
    member = hostile.roster(tmp_path / "m.xlsx", 3, extra=[[9, "重复", "男", ident(1981, 2, 2, 2), "某单位"]] * 2)
    with zipfile.ZipFile(src / "报送材料.zip", "w") as z:  # members travel to the workers as bytes
        z.write(member, "某单位/花名册.xlsx")

    here = validate(src, "--out", tmp_path / "local", "--jobs", "2")
    dask = validate(src, "--out", tmp_path / "dask", "--engine", "dask", "--scheduler", "local", "--jobs", "2")
    assert here.returncode == dask.returncode == 1, dask.stderr[-3000:]
    a, b = (json.loads((tmp_path / d / "findings.json").read_text(encoding="utf-8")) for d in ("local", "dask"))
    assert len(a["files"]) == 11 and a["files"] == b["files"]

    def plain(doc):  # the crash is reported in the words of each engine; everything else is identical
        return [{**f, "message": f["code"]} if f["file"] == "最后一格.xlsx" else f for f in doc["findings"]]

    assert plain(a) == plain(b)
    codes = {f["code"] for f in b["findings"]}
    assert {"STR001", "STR004", "STR005", "DUP001", "DUP002", "IDN002"} <= codes
    crash = [f for f in b["findings"] if f["file"] == "最后一格.xlsx"]
    assert [f["code"] for f in crash] == ["STR005"] and "Dask" in crash[0]["message"]
    assert {f["file"] for f in b["findings"]} >= {"报送材料.zip/某单位/花名册.xlsx", "重复.xlsx"}

    again = validate(src, "--out", tmp_path / "dask", "--engine", "dask", "--scheduler", "local", "--jobs", "2",
                     "--resume")  # every file comes from the journal
    assert again.returncode == 1
    assert json.loads((tmp_path / "dask" / "findings.json").read_text(encoding="utf-8"))["findings"] == b["findings"]


def test_without_dask_the_error_is_clear(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    hostile.quick_roster(tmp_path / "a.xlsx")
    code = cli.main(["validate", str(tmp_path / "a.xlsx"), "--out", str(tmp_path / "out"), "--engine", "dask"])
    assert code == 2
    assert "需要安装 Dask" in capsys.readouterr().err


def test_unreachable_scheduler_is_exit_2(tmp_path):
    hostile.quick_roster(tmp_path / "a.xlsx")
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    proc = subprocess.run([ZHICHENG, "validate", tmp_path / "a.xlsx", "--out", tmp_path / "out", "--engine", "dask",
                           "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2 and "无法连接 Dask 调度器" in proc.stderr
