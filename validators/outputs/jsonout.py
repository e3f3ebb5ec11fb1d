"""findings.json: the JSON contract (tool, version, policy, as-of date, files, findings in ``sort_key`` order)."""

from __future__ import annotations

from pathlib import Path

from ..fastjson import dumps as dump
from . import View, atomic_path


def write(path: Path, view: View) -> None:
    """Written one record at a time (atomically): a run of 100k findings never holds the whole document in memory."""
    from zhicheng import __version__

    head = {"tool": "zhicheng", "version": __version__, "policy": view.policy.name, "as_of": view.as_of.isoformat()}
    # a lone surrogate (an undecodable byte of a file name) is written as its JSON escape "\udcff": valid UTF-8,
    # and it reads back as the same string
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
        fh.write("{\n" + "".join(f" {dump(k)}: {dump(v)},\n" for k, v in head.items()))
        for name, records in (("files", view.result.reports), ("findings", view.findings)):
            fh.write(f" {dump(name)}: [")
            for i, r in enumerate(records):
                fh.write(("," if i else "") + "\n  " + dump(r.to_dict()))
            fh.write("\n ]" + (",\n" if name == "files" else "\n"))
        fh.write("}\n")
