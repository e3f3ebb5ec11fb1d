"""Benchmark: the naive approach, zhicheng with 1 and 2 jobs, and the parsing floor, on the same generated files.

    python -m bench --files 300 --rows 200 --defect-rate 0.05 --out bench-out
    python -m bench --files 500 --memory-scale 10 --skip-naive   # also peak memory on 5,000 against 500 files
    python -m bench --repeat 3                                     # three rounds, medians

Prints files/s, rows/s, peak memory and the ratios, and writes them to OUT/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .generate import generate

HERE = Path(__file__).resolve().parent

# Each measurement runs in a fresh process so peak memory and import costs are its own.
NAIVE = r"""
import sys, time, resource, glob
t0 = time.perf_counter()
import pandas as pd, pandera.pandas as pa
from pandera.typing import Series

class Roster(pa.DataFrameModel):
    姓名: Series[str] = pa.Field(nullable=False)
    性别: Series[str] = pa.Field(isin=["男", "女"])
    身份证号码: Series[str] = pa.Field(str_matches=r"^\d{17}[\dX]$")
    class Config:
        strict = False
        coerce = True

rows = errors = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.xlsx")):
    df = pd.read_excel(path, engine="openpyxl", header=3, skipfooter=2, dtype=str)
    df = df.iloc[1:]  # the second header row
    rows += len(df)
    try:
        Roster.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        errors += len(e.failure_cases)
print(time.perf_counter() - t0, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

FLOOR = r"""
import sys, time, resource, glob, zipfile, xml.parsers.expat
t0 = time.perf_counter()
n = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.xlsx")):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                p = xml.parsers.expat.ParserCreate()  # tokenises in C, no handlers: no per-cell Python
                p.Parse(z.read(name), True)
                n += 1
print(time.perf_counter() - t0, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# The same pure-Python work pinned to each CPU in turn: on a shared VM the CPUs' speeds differ and drift (seen here:
# one loop took 67 ms on one CPU while the other took 147 ms at the same time), which no ratio can correct for.
CPU_PROBE = r"""
import os, sys, time
speeds = []
for cpu in sorted(os.sched_getaffinity(0)):
    os.sched_setaffinity(0, {cpu})
    t = time.process_time()
    d = {}
    for i in range(300_000):
        d[i % 50_000] = str(i)
    speeds.append(round((time.process_time() - t) * 1000, 1))
print(" ".join(map(str, speeds)), 0, 0)
"""

# Allocation-heavy work (a dict of 150,000 small lists: tens of MB, past the caches, as validating is) timed alone on
# one CPU, then started at once on every CPU: the speed-up the CPUs give together, the ceiling of --jobs N against
# --jobs 1.  Both probes run at the start of each round: a change of speed within a round goes unseen.
PARALLEL_PROBE = r"""
import os, time
def work():
    t = time.perf_counter()
    d = {}
    for i in range(150_000):
        d[str(i)] = [i, str(i * 7)]
    return (time.perf_counter() - t) * 1000
cpus = sorted(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpus[0]})
alone = work()
r, w = os.pipe()
go_r, go_w = os.pipe()
pids = []
for cpu in cpus:
    pid = os.fork()
    if pid == 0:
        os.sched_setaffinity(0, {cpu})
        os.read(go_r, 1)
        os.write(w, f"{work():.1f}\n".encode())
        os._exit(0)
    pids.append(pid)
os.write(go_w, b"x" * len(cpus))
for pid in pids:
    os.waitpid(pid, 0)
os.close(w)
got = b""
while chunk := os.read(r, 4096):
    got += chunk
print(f"{alone:.1f}", *got.decode().split())
"""

RUN = r"""
import sys, time, resource, subprocess
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 0)
print(time.perf_counter() - t0, rc, peak)
"""


def measure(code: str, *args: str) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    seconds, extra, peak_kb = out.stdout.split()[-3:]
    return float(seconds), float(extra), int(peak_kb)


def cpu_probe() -> list[float]:
    """Milliseconds of the same loop on each CPU, or [] where a process cannot be pinned (not Linux)."""
    if not hasattr(os, "sched_setaffinity"):
        return []
    out = subprocess.run([sys.executable, "-c", CPU_PROBE], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()[:-2]]


def parallel_probe() -> dict | None:
    """``alone_ms`` on one CPU, ``together_ms`` on each CPU at once, and ``speed_up`` = CPUs × alone / slowest
    together; None where processes cannot be pinned."""
    if not hasattr(os, "sched_setaffinity") or not hasattr(os, "fork"):
        return None
    out = subprocess.run([sys.executable, "-c", PARALLEL_PROBE], capture_output=True, text=True, check=True)
    alone, *together = (float(x) for x in out.stdout.split())
    return {"alone_ms": alone, "together_ms": together,
            "speed_up": round(len(together) * alone / max(together), 2) if together else None}


UNEVEN = 1.25  # the slowest probe against the fastest, beyond which the machine's speed is called uneven


def probe_warning(cpu_ms: list[list[float]]) -> str | None:
    """A warning when the CPU probes differ by more than UNEVEN (between the CPUs or between rounds): ratios of
    timings taken at different moments then carry that error."""
    values = [ms for r in cpu_ms for ms in r]
    if not values or max(values) <= UNEVEN * min(values):
        return None
    return (f"warning: the same work took {min(values):.0f}-{max(values):.0f} ms on this machine's CPUs during the "
            "run (cpu_probe_ms); its speed was uneven, so the ratios carry that error: use --repeat and compare "
            "with a quieter run")


def byte_compile() -> None:
    """Write the .pyc files of zhicheng's modules, as ``pip install`` does for an installed package (and Python on
    a first run).  Without them (an editable install under PYTHONDONTWRITEBYTECODE, as on our build machines) every
    measured run compiled some 40 modules from source first: about 55 ms a run."""
    import compileall
    import importlib.util

    for name in ("zhicheng", "zhicheng.validators", "zhicheng.xlplugin", "zhicheng.workbook_templates"):
        spec = importlib.util.find_spec(name)
        for root in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(root, quiet=1)


def zhicheng(folder: Path, out: Path, jobs: int, annotate: bool) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "zhicheng", "validate", str(folder), "--out", str(out), "--quiet",
           "--jobs", str(jobs)]
    if not annotate:
        cmd.append("--no-annotate")
    seconds, rc, peak = measure(RUN, *cmd)
    if rc not in (0, 1):
        raise SystemExit(f"zhicheng exited {int(rc)}: {' '.join(cmd)}")
    return seconds, peak


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--defect-rate", type=float, default=0.05)
    ap.add_argument("--out", default="bench-out")
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow naive approach")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="measure N rounds; report medians (a shared machine's speed drifts between runs)")
    ap.add_argument("--memory-scale", type=int, default=0, metavar="K",
                    help="also compare peak memory of `--jobs 2` on FILES and on K×FILES files (generates them)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    data = out / f"data_{args.files}x{args.rows}"
    t = time.perf_counter()
    generate(data, args.files, args.rows, args.defect_rate)
    print(f"{args.files} files × {args.rows} rows in {data} ({time.perf_counter() - t:.1f} s to generate)")
    byte_compile()
    results: dict[str, dict] = {}
    runs: dict[str, list[tuple[float, int]]] = {}  # name -> (seconds, peak KB) of every round

    def record(name, seconds, peak_kb, files=args.files):
        runs.setdefault(name, []).append((seconds, peak_kb))
        seconds = statistics.median(s for s, _ in runs[name])
        peak_kb = max(p for _, p in runs[name])
        results[name] = {"seconds": round(seconds, 3), "files_per_s": round(files / seconds, 1),
                         "rows_per_s": round(files * args.rows / seconds), "peak_rss_mb": round(peak_kb / 1024, 1)}
        if len(runs[name]) > 1:
            results[name]["runs"] = [round(s, 3) for s, _ in runs[name]]
        print(f"{name:28} {runs[name][-1][0]:8.2f} s {files / runs[name][-1][0]:8.1f} files/s "
              f"{round(files * args.rows / runs[name][-1][0]):9d} rows/s {runs[name][-1][1] / 1024:7.1f} MB")

    cpu_ms: list[list[float]] = []  # per round: the probe's milliseconds on each CPU
    parallel: list[dict] = []  # per round: parallel_probe()

    for round_ in range(args.repeat):  # rounds interleave the measurements: a slow minute touches all of them
        if args.repeat > 1:
            print(f"round {round_ + 1} of {args.repeat}")
        probe = cpu_probe()
        if probe:
            cpu_ms.append(probe)
            print(f"{'cpu_probe':28} {' '.join(f'{ms:.0f}' for ms in probe)} ms (the same work on each CPU)")
        par = parallel_probe()
        if par:
            parallel.append(par)
            print(f"{'parallel_probe':28} alone {par['alone_ms']:.0f} ms, together "
                  f"{'/'.join(f'{ms:.0f}' for ms in par['together_ms'])} ms: {len(par['together_ms'])} CPUs give "
                  f"{par['speed_up']}× (the ceiling of --jobs {len(par['together_ms'])} against --jobs 1)")
        s, _, peak = measure(FLOOR, str(data))
        record("parsing_floor", s, peak)
        if not args.skip_naive:
            s, _, peak = measure(NAIVE, str(data))
            record("naive_pandas_pandera", s, peak)
        for jobs in (1, 2):
            s, peak = zhicheng(data, out / f"zc_j{jobs}", jobs, annotate=False)
            record(f"zhicheng_jobs{jobs}", s, peak)
        s, peak = zhicheng(data, out / "zc_j2_annotated", 2, annotate=True)
        record("zhicheng_jobs2_annotated", s, peak)

    def ratio(a, b):
        """Median over the rounds of time(b) / time(a), each round's two measurements minutes apart at most."""
        if a not in runs or b not in runs:
            return None
        return round(statistics.median(tb / ta for (ta, _), (tb, _) in zip(runs[a], runs[b])), 2)

    if args.memory_scale > 1:
        big = args.files * args.memory_scale
        many = out / f"data_{big}x{args.rows}"
        t = time.perf_counter()
        generate(many, big, args.rows, args.defect_rate)  # the first FILES of them are the files above
        print(f"{big} files × {args.rows} rows in {many} ({time.perf_counter() - t:.1f} s to generate)")
        s, peak = zhicheng(many, out / "zc_j2_many", 2, annotate=False)
        record(f"zhicheng_jobs2_{big}_files", s, peak, big)
    ratios = {
        "jobs2_vs_naive": ratio("zhicheng_jobs2", "naive_pandas_pandera"),
        "jobs2_vs_floor": ratio("parsing_floor", "zhicheng_jobs2"),
        "annotated_jobs2_vs_naive": ratio("zhicheng_jobs2_annotated", "naive_pandas_pandera"),
        "jobs2_vs_jobs1": ratio("zhicheng_jobs2", "zhicheng_jobs1"),
    }
    if args.memory_scale > 1:
        big = results[f"zhicheng_jobs2_{args.files * args.memory_scale}_files"]
        ratios[f"peak_memory_{args.memory_scale}x_files"] = round(
            big["peak_rss_mb"] / results["zhicheng_jobs2"]["peak_rss_mb"], 2)
    print("ratios (speed-up = naive time / zhicheng time; floor ratio = zhicheng time / floor time):")
    for k, v in ratios.items():
        print(f"  {k:26} {v}")
    warning = probe_warning(cpu_ms)
    if warning:
        print(warning)
    doc = {"files": args.files, "rows": args.rows, "defect_rate": args.defect_rate, "rounds": args.repeat,
           "cpus": os.cpu_count(),
           "python": platform.python_version(), "cpu_probe_ms": cpu_ms, "uneven_cpus": bool(warning),
           "parallel_probe": parallel, "results": results, "ratios": ratios}
    (out / "bench.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    print(f"written {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
