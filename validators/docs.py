"""Rule documentation pages, generated from each rule's docstring (one page per code, plus an index)."""

from __future__ import annotations

import re
from pathlib import Path

from . import rules as _rules  # noqa: F401 - registers every rule
from .findings import RULES, Rule

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
SECTIONS = ("检查内容", "依据", "不合格示例", "合格示例", "如何修改")


def page(r: Rule) -> str:
    body = r.doc.strip()
    for s in SECTIONS:
        body = re.sub(rf"^{s}[：:]", f"## {s}\n\n", body, flags=re.M)
    return (f"# {r.code} {r.name}\n\n"
            f"- 类别：`{r.category}`\n- 默认级别：{SEVERITY_CN[r.severity]}（`{r.severity}`）\n"
            f"- 适用表格：{'、'.join(r.kinds) if r.kinds else '全部'}\n"
            f"- 提示语模板：`{r.message}`\n\n{body}\n")


def render_all() -> dict[str, str]:
    pages = {f"{r.code}.md": page(r) for r in RULES.values()}
    lines = ["# 规则一览\n", "本目录由 `zhicheng rules docs` 根据规则代码中的说明自动生成，请勿手工修改。\n",
             "| 代码 | 名称 | 类别 | 级别 |", "|---|---|---|---|"]
    for r in sorted(RULES.values(), key=lambda r: r.code):
        lines.append(f"| [{r.code}]({r.code}.md) | {r.name} | {r.category} | {SEVERITY_CN[r.severity]} |")
    pages["README.md"] = "\n".join(lines) + "\n"
    return pages


def write_docs(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_all().items():
        p = out / name
        p.write_text(text, encoding="utf-8")
        written.append(p)
    return written
