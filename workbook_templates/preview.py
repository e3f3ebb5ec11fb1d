"""Open templates in LibreOffice headless: recalculate, print to PDF, render a page to PNG.

Used by the tests and to regenerate the pictures in ``docs/templates/``::

    python -m zhicheng.workbook_templates.preview docs/templates --policy kaili-2023
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from zhicheng.validators import policy as pol
from zhicheng.validators.idcard import make_id

from . import builder, spec


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(paths: list[Path], fmt: str, outdir: Path, profile: Path, timeout: int = 180) -> list[Path]:
    """Convert workbooks with LibreOffice headless (``fmt``: "xlsx" recalculates, "pdf" prints); a private
    profile directory keeps parallel runs apart.  Raises CalledProcessError when soffice fails."""
    exe = soffice_path()
    if exe is None:
        raise FileNotFoundError("soffice")
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=timeout)
    out = [outdir / f"{Path(p).stem}.{fmt}" for p in paths]
    missing = [str(p) for p in out if not p.exists()]
    if missing:
        raise FileNotFoundError(f"LibreOffice wrote nothing for {missing}")
    return out


def first_page_png(pdf: Path, png: Path, dpi: int = 60) -> Path:
    """Render page 1 of a PDF with pdftoppm."""
    stem = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True, timeout=60)
    return png


def fill(ws, lay: builder.Layout, rows: list[dict]) -> None:
    """Write rows given as {field: value} into a template's data area."""
    letters = lay.letters
    for i, row in enumerate(rows):
        for fld, value in row.items():
            ws[f"{letters[fld]}{lay.first_row + i}"] = value


def sample_rows(kind: str) -> list[dict]:
    """A few rows for the pictures: good ones and some the check column marks."""
    a = make_id("522601", dt.date(1985, 6, 12), 1, True)
    b = make_id("522601", dt.date(1990, 3, 1), 2, False)
    bad = b[:-1] + ("1" if b[-1] != "1" else "2")
    unit = "凯里市第一人民医院"
    if kind == "applicant_roster":
        base = dict(unit=unit, work_start_date=dt.date(2008, 7, 1), edu_level="大学本科", school="贵州医科大学",
                    major="临床医学", grad_date=dt.date(2008, 7, 1), cur_series="卫生", cur_title="主治医师",
                    cur_title_level="中级", apply_series="卫生", apply_major="内科", apply_title="副主任医师",
                    apply_level="副高级", is_grassroots="否", is_private="否")
        return [dict(base, seq=1, name="张三", sex="男", birth_date=dt.date(1985, 6, 12), id_number=a,
                     cur_title_date=dt.date(2017, 12, 1), **{f"ce_hours@{y}": 90 for y in (2020, 2021, 2022)},
                     **{f"appraisal@{y}": "合格" for y in (2020, 2021, 2022)}),
                dict(base, seq=2, name="李四", sex="男", birth_date=dt.date(1990, 3, 1), id_number=bad,
                     cur_title_date=dt.date(2020, 12, 1), **{"ce_hours@2021": 90, "ce_hours@2022": 60})]
    if kind == "ce_hours":
        base = dict(name="张三", id_number=a, unit=unit, cur_title="主治医师", ce_verifier="凯里市卫生健康局",
                    ce_reviewer="王审", ce_review_date=dt.date(2023, 8, 1), is_grassroots="否", is_private="否")
        return [dict(base, seq=1, ce_year=2021, ce_public_hours=30, ce_prof_hours=60, ce_total_hours=90),
                dict(base, seq=2, ce_year=2022, ce_public_hours=30, ce_prof_hours=40, ce_total_hours=70),
                dict(base, seq=3, name="李四", id_number=bad, ce_year=2022, ce_public_hours=30, ce_prof_hours=60,
                     ce_total_hours=90)]
    if kind == "review_roster":
        base = dict(unit=unit, apply_series="卫生", apply_major="内科", apply_title="副主任医师", apply_level="副高级",
                    committee="黔东南州卫生高级评委会", publicity_result="无异议")
        return [dict(base, seq=1, name="张三", sex="男", birth_date=dt.date(1985, 6, 12), id_number=a,
                     publicity_start=dt.date(2023, 9, 4), publicity_end=dt.date(2023, 9, 8)),
                dict(base, seq=2, name="李四", sex="女", birth_date=dt.date(1990, 3, 2), id_number=b,
                     publicity_start=dt.date(2023, 9, 8), publicity_end=dt.date(2023, 9, 4))]
    if kind == "sanction_review":
        base = dict(unit=unit, political="中共党员", review_opinion="属实")
        return [dict(base, seq=1, name="张三", sex="男", id_number=a, has_sanction="否"),
                dict(base, seq=2, name="李四", sex="女", id_number=b, has_sanction="是", sanction_kind="党纪",
                     sanction_type="严重警告", sanction_org="中共凯里市纪委", sanction_doc_no="凯纪发〔2022〕5号",
                     sanction_date=dt.date(2022, 10, 1))]
    return []


def render_docs(outdir: Path, policy_name: str = "kaili-2023", rows: int = 12, dpi: int = 80) -> list[Path]:
    """One PNG per kind: page 1 of a template with a few sample rows, as LibreOffice prints it."""
    policy = pol.load(policy_name)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        books = []
        for kind in spec.kinds():
            lay = builder.layout(kind, policy, rows)
            wb = builder.build(kind, policy, rows)
            fill(wb.active, lay, sample_rows(kind))
            wb.save(tmp / f"{kind}.xlsx")
            books.append(tmp / f"{kind}.xlsx")
        pdfs = convert(books, "pdf", tmp / "pdf", tmp / "profile")
        return [first_page_png(pdf, outdir / f"{pdf.stem}.png", dpi) for pdf in pdfs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="render page 1 of every template to PNG")
    ap.add_argument("outdir", nargs="?", default="docs/templates")
    ap.add_argument("--policy", default="kaili-2023")
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)
    for p in render_docs(Path(args.outdir), args.policy, dpi=args.dpi):
        print(p, p.stat().st_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
