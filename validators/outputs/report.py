"""report.html: an overview with bar charts (inline SVG made here: no script, no CDN, works offline), then each
file with its findings.  Rendered by jinja2 with autoescaping from ``validators/templates/report.html.j2``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, namedtuple
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from ..findings import RULES, sort_key
from ..kinds import KINDS
from . import CATEGORY_CN, SEVERITY_CN, STATUS_CN, View, atomic_path, clean_text, rule_section

SEVERITY_COLOUR = {"error": "#d9534f", "warning": "#f0ad4e", "info": "#5b9bd5"}
SEVERITIES = ("error", "warning", "info")
BAR_H, GAP, LABEL_W, CHART_W, COUNT_W = 22, 8, 190, 640, 60
# The findings listed under each file: at most DETAIL_PER_FILE, and fewer for every file when the run has so many
# that the page would pass DETAIL_TOTAL rows (a browser slows down with tens of thousands of rows).  Every finding
# is still in summary.xlsx, findings.json and the annotated copies.
DETAIL_PER_FILE, DETAIL_TOTAL = 200, 20_000


def detail_limit(counts: list[int], per_file: int | None = None, total: int | None = None) -> int:
    """The most findings listed for any one file: the largest limit up to ``per_file`` that keeps the rows of all
    files within ``total`` (at least 1)."""
    per_file = DETAIL_PER_FILE if per_file is None else per_file
    total = DETAIL_TOTAL if total is None else total
    lo, hi = 1, per_file
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(min(n, mid) for n in counts) <= total:
            lo = mid
        else:
            hi = mid - 1
    return lo


def bar_chart(groups: list[tuple[str, Counter]], limit: int = 15) -> dict:
    """Geometry of a horizontal stacked bar chart (one bar per group, segments by severity)."""
    shown = groups[:limit]
    rest = groups[limit:]
    if rest:
        other = Counter()
        for _, n in rest:
            other.update(n)
        shown = shown + [(f"其他 {len(rest)} 项", other)]
    top = max((sum(n.values()) for _, n in shown), default=0) or 1
    span = CHART_W - LABEL_W - COUNT_W
    bars = []
    for i, (label, n) in enumerate(shown):
        y = i * (BAR_H + GAP)
        x = LABEL_W
        segs = []
        for s in SEVERITIES:
            if n[s]:
                w = max(n[s] / top * span, 2)
                segs.append({"x": round(x, 1), "w": round(w, 1), "colour": SEVERITY_COLOUR[s],
                             "title": f"{label}：{SEVERITY_CN[s]} {n[s]} 条"})
                x += w
        short = label if len(label) <= 14 else label[:13] + "…"
        bars.append({"y": y, "label": short, "full": label, "total": sum(n.values()), "segs": segs,
                     "end": round(x + 6, 1)})
    return {"bars": bars, "width": CHART_W, "height": max(len(bars) * (BAR_H + GAP), BAR_H), "bar_h": BAR_H,
            "label_w": LABEL_W}


# One finding as the template lists it: attributes, which jinja2 reads at once (a dict's keys it tries as
# attributes first, raising and catching an AttributeError for every field of every row).
Row = namedtuple("Row", "sev sev_cn code sheet where column message value")


def environment() -> Environment:
    return Environment(loader=PackageLoader("zhicheng.validators", "templates"),
                       autoescape=select_autoescape(["html", "j2"], default=True), trim_blocks=True,
                       lstrip_blocks=True)


def write(path: Path, view: View) -> None:
    from zhicheng import __version__

    res, out = view.result, view.outputs
    units = view.unit_of()
    limit = detail_limit([len(v) for v in view.by_file.values()])
    files = []
    for i, rep in enumerate(res.reports):
        copy = out.annotated.get(rep.file)
        listed = sorted(view.by_file.get(rep.file, []), key=sort_key)
        shown = listed[:limit]
        more = ""
        if len(listed) > len(shown):
            more = (f"本文件共 {len(listed)} 条问题，这里只列出前 {len(shown)} 条；全部问题见"
                    + ("标注副本、" if copy else "") + "summary.xlsx 的“问题清单”工作表或 findings.json。")
        files.append({
            "anchor": f"f{i + 1}", "name": rep.file, "status": rep.status,
            "status_cn": STATUS_CN.get(rep.status, rep.status), "unit": units[rep.file],
            "kind": KINDS.get(rep.kind, "") if rep.kind else "", "sheet": rep.sheet or "", "rows": rep.rows,
            "counts": view.counts(rep.file),
            # (an undecodable byte of the name, kept as a lone surrogate, goes back to that byte: "%FF")
            "copy_href": quote(copy.relative_to(path.parent).as_posix(), errors="surrogateescape") if copy else None,
            "note": out.rebuilt.get(rep.file) or (f"未能生成标注副本：{out.failed[rep.file]}"
                                                   if rep.file in out.failed else ""),
            "findings": [Row(f.severity, SEVERITY_CN[f.severity], f.code, f.sheet or "",
                             f.cell or (f"第{f.row}行" if f.row else ""), f.column or "", f.message,
                             "" if f.value is None else str(f.value)) for f in shown],
            "more": more,
        })
    codes = sorted({f.code for f in view.findings})
    rules = [{"code": c, "category": CATEGORY_CN.get(RULES[c].category, ""), "what": rule_section(c, "检查内容"),
              "fix": rule_section(c, "如何修改")} for c in codes if c in RULES]
    sev = Counter(f.severity for f in view.findings)
    status = Counter(r.status for r in res.reports)
    html = environment().get_template("report.html.j2").render(
        policy=view.policy, as_of=view.as_of.isoformat(), version=__version__,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), files=files, rules=rules,
        total=len(view.findings), sev=sev, status=status, status_cn=STATUS_CN, sev_cn=SEVERITY_CN,
        colours=SEVERITY_COLOUR, severities=SEVERITIES,
        by_category=bar_chart(view.by_category()), by_unit=bar_chart(view.by_unit()),
        annotated=len(out.annotated), limit=limit if any(f["more"] for f in files) else None)
    with atomic_path(path) as tmp:
        tmp.write_bytes(clean_text(html).encode("utf-8"))
