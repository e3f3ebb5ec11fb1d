"""The benchmark command a user runs (python -m bench): it measures what it says and writes bench.json."""

import json
import os
import subprocess
import sys

from conftest import ROOT


def test_bench_runs_rounds_and_reports_median_ratios(tmp_path):
    out = tmp_path / "b"
    proc = subprocess.run([sys.executable, "-m", "bench", "--files", "3", "--rows", "6", "--repeat", "2",
                           "--memory-scale", "2", "--defect-rate", "1", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    res = doc["results"]
    assert doc["rounds"] == 2 and len(list((out / "data_3x6").glob("*.xlsx"))) == 3
    if hasattr(os, "sched_setaffinity"):  # one figure per CPU, per round
        assert [len(r) for r in doc["cpu_probe_ms"]] == [len(os.sched_getaffinity(0))] * 2
        assert all(ms > 0 for r in doc["cpu_probe_ms"] for ms in r)
        for par in doc["parallel_probe"]:  # alone, then on every CPU at once
            assert par["alone_ms"] > 0 and len(par["together_ms"]) == len(os.sched_getaffinity(0))
            assert par["speed_up"] == round(len(par["together_ms"]) * par["alone_ms"] / max(par["together_ms"]), 2)
        assert len(doc["parallel_probe"]) == 2
    for name in ("parsing_floor", "naive_pandas_pandera", "zhicheng_jobs1", "zhicheng_jobs2",
                 "zhicheng_jobs2_annotated"):
        runs = res[name]["runs"]
        assert len(runs) == 2 and abs(res[name]["seconds"] - (runs[0] + runs[1]) / 2) < 0.002  # the median
        assert res[name]["peak_rss_mb"] > 0
    j1, j2 = res["zhicheng_jobs1"]["runs"], res["zhicheng_jobs2"]["runs"]
    expected = sorted(a / b for a, b in zip(j1, j2))
    assert abs(doc["ratios"]["jobs2_vs_jobs1"] - (expected[0] + expected[1]) / 2) < 0.02
    assert "zhicheng_jobs2_6_files" in res and doc["ratios"]["peak_memory_2x_files"] > 0
    # the annotated run made copies; the runs without them made none
    assert list((out / "zc_j2_annotated" / "annotated").glob("*.xlsx"))
    assert not (out / "zc_j2" / "annotated").exists()


def test_an_uneven_machine_is_named_in_the_output(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ sits beside the package, as `python -m bench` finds it
    from bench.__main__ import probe_warning

    assert probe_warning([]) is None
    assert probe_warning([[80.0, 82.0], [84.0, 79.0]]) is None  # within 25 %
    warning = probe_warning([[91.0, 83.0], [75.0, 43.0]])  # seen here: one CPU twice as fast for a while
    assert warning and "43-91 ms" in warning
