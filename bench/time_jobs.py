#!/usr/bin/env python3
"""Time ``zhicheng validate --jobs 1`` against ``--jobs 2`` on generated roster workbooks; report peak memory.

Usage:  .venv/bin/python bench/time_jobs.py [--files 300] [--rows 200] [--defects 0.02] [--repeat 1] [--keep DIR]
                                           [--annotate]

Each file is an applicant roster (header + ROWS rows, 26 columns: the clean example's 19 plus 7 unmapped ones) built
from ``examples/make_examples.py``'s person generator; DEFECTS of the rows get a wrong ID check digit.  Peak memory
is the largest sum of resident memory over the zhicheng process and its workers, sampled every 20 ms from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples"))

import openpyxl  # noqa: E402

import make_examples as mx  # noqa: E402

EXTRA = ["联系电话", "籍贯", "民族", "政治面貌", "现任职务", "专业工作年限", "说明"]


def generate(out: Path, files: int, rows: int, defects: float) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    paths = []
    for n in range(files):
        used: set = set()
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("花名册")
        ws.append(mx.CLEAN_HEAD + EXTRA)
        for i in range(rows):
            level = rng.choice((1, 2))
            p = mx.person(rng, used, "522601", rng.choice("医护药工农"), level,
                          cur_years=(2012, 2018) if level == 1 else (2009, 2016))
            idn = mx.wrong_check(p["id"]) if rng.random() < defects else p["id"]
            ws.append([i + 1, p["name"], p["sex"], f"{p['birth']:%Y.%m}", idn, f"单位{n:04d}", p["edu"],
                       f"{p['grad']:%Y.%m}", f"{p['work']:%Y.%m}", "工程", p["cur_title"], f"{p['cur_date']:%Y.%m}",
                       "工程", p["apply_title"], mx.LEVELS[p["apply_level"]], 90, 96, 120, "",
                       f"13{rng.randint(100000000, 999999999)}", "贵州凯里", "汉族", "群众", "技术员", 8, ""])
        path = out / f"单位{n:04d}_申报人员花名册.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    parent, rss = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parent[int(d)] = int(fields[1])
            rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total = 0
    for pid in rss:
        p = pid
        while p and p != root:
            p = parent.get(p, 0)
        if p == root:
            total += rss[pid]
    return total


def timed(cmd: list[str]) -> tuple[float, int, int]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss(proc.pid))
            time.sleep(0.02)

    th = threading.Thread(target=sample)
    th.start()
    proc.wait()
    th.join()
    return time.perf_counter() - t, peak[0], proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--defects", type=float, default=0.02)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--keep", type=Path, default=None, help="generate into (and reuse) this folder")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    ap.add_argument("--annotate", action="store_true", help="also write annotated copies (default: --no-annotate)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zhicheng-bench-"))
    src = args.keep or tmp / "in"
    if not (src.exists() and len(list(src.glob("*.xlsx"))) == args.files):
        t = time.perf_counter()
        generate(src, args.files, args.rows, args.defects)
        print(f"generated {args.files} files x {args.rows} rows in {time.perf_counter() - t:.1f} s")
    exe = str(Path(sys.executable).with_name("zhicheng"))
    figures = {"files": args.files, "rows": args.rows}
    for jobs in (1, 2):
        best = None
        for r in range(args.repeat):
            cmd = [exe, "validate", str(src), "--out", str(tmp / f"out{jobs}-{r}"), "--quiet", "--jobs", str(jobs)]
            cmd += [] if args.annotate else ["--no-annotate"]
            secs, peak, rc = timed(cmd)
            assert rc in (0, 1), f"exit {rc}"
            if best is None or secs < best[0]:
                best = (secs, peak)
        secs, peak = best
        figures[f"jobs{jobs}"] = {"seconds": round(secs, 2), "files_per_s": round(args.files / secs, 1),
                                  "rows_per_s": round(args.files * args.rows / secs), "peak_rss_mb": peak >> 20}
        print(f"--jobs {jobs}: {secs:6.2f} s  {args.files / secs:6.1f} files/s  "
              f"{args.files * args.rows / secs:8.0f} rows/s  peak RSS {peak >> 20} MB (all processes)")
    ratio = figures["jobs1"]["seconds"] / figures["jobs2"]["seconds"]
    figures["speedup_2_vs_1"] = round(ratio, 2)
    print(f"--jobs 2 is {ratio:.2f}x --jobs 1")
    a = json.loads((tmp / "out1-0" / "findings.json").read_text(encoding="utf-8"))
    b = json.loads((tmp / "out2-0" / "findings.json").read_text(encoding="utf-8"))
    print("same findings.json for 1 and 2 jobs:", a == b, f"({len(a['findings'])} findings)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
