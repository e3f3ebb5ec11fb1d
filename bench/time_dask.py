#!/usr/bin/env python3
"""Time ``zhicheng validate --engine dask --scheduler local`` against ``--jobs 2`` on the same generated rosters.

Usage:  .venv/bin/python bench/time_dask.py [--files 100] [--rows 200] [--defect-rate 0.05] [--jobs 2] [--repeat 2]

Each run is a fresh ``zhicheng validate --no-annotate --quiet`` process (wall time includes imports and, for Dask,
starting the LocalCluster); a one-file Dask run gives the fixed cost of starting the cluster.  Both runs must write
the same findings.json (files and findings), which the script checks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402

ZHICHENG = str(Path(sys.executable).with_name("zhicheng"))


def timed(args: list, out: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run([ZHICHENG, "validate", *map(str, args), "--out", str(out), "--no-annotate", "--quiet"],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr[-2000:])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--defect-rate", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhicheng-dask-bench-") as tmp:
        tmp = Path(tmp)
        paths = generate(tmp / "in", a.files, a.rows, a.defect_rate)
        dask = ["--engine", "dask", "--scheduler", "local", "--jobs", a.jobs]
        times = {"local": [], "dask": []}
        for i in range(a.repeat):
            times["local"].append(timed([tmp / "in", "--jobs", a.jobs], tmp / f"local{i}"))
            times["dask"].append(timed([tmp / "in", *dask], tmp / f"dask{i}"))
        start = timed([paths[0], *dask], tmp / "one")
        docs = [json.loads((tmp / d / "findings.json").read_text(encoding="utf-8")) for d in ("local0", "dask0")]
        same = all(docs[0][k] == docs[1][k] for k in ("files", "findings"))
    best = {k: min(v) for k, v in times.items()}
    result = {"files": a.files, "rows": a.rows, "jobs": a.jobs, "seconds": times, "best": best,
              "files_per_s": {k: round(a.files / v, 1) for k, v in best.items()},
              "dask_over_local": round(best["dask"] / best["local"], 2),
              "dask_one_file_s": round(start, 2), "same_findings": same}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
