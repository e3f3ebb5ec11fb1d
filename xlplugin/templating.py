"""What the template builder needs to add an optional check column (``zhicheng template build --with-udf``).

The plain templates stay plugin-free; with the flag, a template gains a column whose formula calls
:func:`zhicheng.xlplugin.udfs.ZC_CHECKROW` on its row, and an ``xlwings.conf`` sheet that tells the classic xlwings
add-in which module holds the functions.
"""

from __future__ import annotations

import re

from zhicheng.validators.kinds import KINDS

UDF_MODULE = "zhicheng.xlplugin.udfs"
CONF_SHEET = "xlwings.conf"  # the sheet name classic xlwings reads its settings from
_RANGE = re.compile(r"^(?:'[^']+'!|[A-Za-z0-9_.]+!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def udf_column_formula(kind: str, header_range: str, row_range: str, policy: str | None = None,
                       namespace: str = "") -> str:
    """The check-column formula for one data row, e.g. ``=ZC_CHECKROW($A$4:$K$5,A6:K6,"","","ce_hours")``.

    ``header_range`` is the template's header (one row, or both rows of a two-level header), absolute so the formula
    can be filled down; ``row_range`` the row to check.  ``policy`` (a profile name) is written into the formula,
    blank means the profile default.  ``namespace`` is the prefix the Office.js integrations add ("ZHICHENG." under
    our xlwings Server); classic xlwings, which the ``xlwings.conf`` sheet is for, has none.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    for r in (header_range, row_range):
        if not _RANGE.match(r):
            raise ValueError(f"not a cell range: {r!r}")
    prefix = f"{namespace.rstrip('.')}." if namespace else ""
    return (f"={prefix}ZC_CHECKROW({header_range},{row_range},{_quote(policy or '')},{_quote('')},"
            f"{_quote(kind)})")


def xlwings_conf_rows() -> list[tuple[str, str]]:
    """Rows (column A key, column B value) of the ``xlwings.conf`` sheet naming the UDF module."""
    return [("UDF Modules", UDF_MODULE)]
