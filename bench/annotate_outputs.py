#!/usr/bin/env python3
"""Time the annotated copies against copying the files and against openpyxl (load, fill, comment, save).

Usage:  python bench/annotate_outputs.py [--files 300] [--rows 200] [--defects 20] [--naive 30] [--out DIR]

Generates roster workbooks (26 columns, a title line, borders, IDs as text) with ``--defects`` wrong cells each,
validates them with ``zhicheng`` (national policy), then times per file: ``shutil.copy`` (the floor), the zip
rewrite of :mod:`zhicheng.validators.outputs.annotate`, and, on ``--naive`` files, an openpyxl load-fill-comment-save
of the same cells.  Prints milliseconds per file and writes ``annotate_bench.json`` in ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Border, PatternFill, Side

from zhicheng.validators import engine, policy
from zhicheng.validators.findings import sort_key
from zhicheng.validators.idcard import make_id
from zhicheng.validators.outputs import annotate as ann, header_lines

HEAD = ["序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位", "最高学历", "毕业时间", "参加工作时间", "所属系列",
        "现专业技术资格", "取得资格时间", "申报系列", "申报资格", "申报级别", "2021年继续教育学时", "2022年继续教育学时",
        "2023年继续教育学时", "联系电话", "备注", "民族", "政治面貌", "专业", "毕业院校", "现聘岗位", "聘任时间"]


def make_file(path: Path, rows: int, defects: int, rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["专业技术人员申报花名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    ws.append(HEAD)
    bad = set(rng.sample(range(rows), min(defects, rows)))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for i in range(rows):
        male = rng.random() < 0.5
        birth = dt.date(rng.randint(1965, 1985), rng.randint(1, 12), rng.randint(1, 28))
        idn = make_id(rng.choice(("522601", "520102", "320684", "330302")), birth, rng.randint(1, 499), male)
        sex = "男" if male else "女"
        if i in bad:
            kind = rng.randrange(3)
            if kind == 0:
                idn = idn[:17] + ("1" if idn[17] != "1" else "2")
            elif kind == 1:
                sex = "女" if male else "男"
            else:
                sex = "未知"
        ws.append([i + 1, f"人员{i}", sex, f"{birth:%Y.%m}", idn, "凯里市第一人民医院", "大学本科", "2008.07", "2008.08",
                   "卫生", "主治医师", "2016.12", "卫生", "副主任医师", "副高级", 96, 100, 92, "13800000000", "",
                   "汉族", "群众", "临床医学", "贵州医科大学", "医师", "2017.01"])
        for c in range(1, len(HEAD) + 1):
            ws.cell(row=i + 3, column=c).border = box
        ws.cell(row=i + 3, column=5).number_format = "@"
    wb.save(path)


def naive(src: Path, dst: Path, findings) -> None:
    """What one would write with openpyxl: load, fill and comment the cells, save (drops unknown parts)."""
    wb = openpyxl.load_workbook(src)
    fill = {"error": PatternFill("solid", fgColor="FFFFC7CE"), "warning": PatternFill("solid", fgColor="FFFFEB9C"),
            "info": PatternFill("solid", fgColor="FFDDEBF7")}
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell:
            c = wb[f.sheet][f.cell]
            c.fill = fill[f.severity]
            c.comment = Comment(f"{f.code} {f.message}", "zhicheng")
    wb.save(dst)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--defects", type=int, default=20)
    ap.add_argument("--naive", type=int, default=30, help="files timed with openpyxl (slow)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    base = Path(args.out or tempfile.mkdtemp(prefix="annotate-bench-"))
    inputs = base / "in"
    inputs.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    paths = [inputs / f"f{i:04d}.xlsx" for i in range(args.files)]
    stamp = inputs / f".made-{args.files}-{args.rows}-{args.defects}"
    if not stamp.exists():  # every file its own people: copies would all be duplicates of each other
        for p in paths:
            make_file(p, args.rows, args.defects, rng)
        stamp.touch()
    pol = policy.load("national")
    as_of = dt.date(2023, 8, 30)
    t0 = time.perf_counter()
    result = engine.validate_paths([inputs], pol, as_of)
    validate_s = time.perf_counter() - t0
    by_file = {}
    for f in result.findings:
        by_file.setdefault(f.file, []).append(f)
    cells = [sum(1 for f in fs if f.cell) for fs in by_file.values()]

    copy_dir, ann_dir, naive_dir = base / "copy", base / "annotated", base / "naive"
    copy_dir.mkdir(exist_ok=True)
    naive_dir.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for p in paths:
        shutil.copy(p, copy_dir / p.name)
    copy_ms = (time.perf_counter() - t0) * 1000 / len(paths)

    per, cpu = [], 0.0
    for rep in result.reports:
        fs = sorted(by_file.get(rep.file, []), key=sort_key)
        if not fs:
            continue
        t, c = time.perf_counter(), time.process_time()
        ann.annotate_file(result.paths[rep.file], ann_dir, rep.file, fs, header_lines(rep.file, fs, pol, as_of))
        per.append((time.perf_counter() - t) * 1000)
        cpu += time.process_time() - c

    naive_ms, naive_cpu = [], 0.0
    for rep in result.reports[: args.naive]:
        fs = by_file.get(rep.file, [])
        t, c = time.perf_counter(), time.process_time()
        naive(result.paths[rep.file], naive_dir / Path(rep.file).name, fs)
        naive_ms.append((time.perf_counter() - t) * 1000)
        naive_cpu += time.process_time() - c

    size_kb = statistics.mean(p.stat().st_size for p in paths) / 1024
    out = {
        "files": len(paths), "rows": args.rows, "columns": len(HEAD), "mean_size_kb": round(size_kb, 1),
        "findings_per_file": round(statistics.mean(cells), 1) if cells else 0,
        "validate_ms_per_file": round(validate_s * 1000 / len(paths), 2),
        "copy_ms_per_file": round(copy_ms, 2),
        "annotate_ms_per_file": round(statistics.mean(per), 2) if per else None,
        "annotate_ms_median": round(statistics.median(per), 2) if per else None,
        "annotate_ms_p95": round(sorted(per)[int(0.95 * (len(per) - 1))], 2) if per else None,
        "annotate_cpu_ms_per_file": round(cpu * 1000 / len(per), 2) if per else None,
        "openpyxl_ms_per_file": round(statistics.mean(naive_ms), 2) if naive_ms else None,
        "openpyxl_cpu_ms_per_file": round(naive_cpu * 1000 / len(naive_ms), 2) if naive_ms else None,
        "annotated_files": len(per),
        "python": sys.version.split()[0],
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    if per and naive_ms:
        out["speedup_vs_openpyxl"] = round(out["openpyxl_ms_per_file"] / out["annotate_ms_per_file"], 1)
        out["cpu_speedup_vs_openpyxl"] = round(out["openpyxl_cpu_ms_per_file"] / out["annotate_cpu_ms_per_file"], 1)
    (base / "annotate_bench.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    for k, v in out.items():
        print(f"{k:24} {v}")
    print(f"written to {base / 'annotate_bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
