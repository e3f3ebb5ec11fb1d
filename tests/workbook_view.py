"""What a user sees of a workbook, read back with openpyxl: for comparing two writers' output cell by cell."""

from __future__ import annotations

from urllib.parse import unquote

import openpyxl
from openpyxl.utils import get_column_letter


def link(target: str | None) -> str | None:
    """A relative link's path: "a/b.xlsx" and "a\\b.xlsx" (XlsxWriter writes the separators as Excel does, "\\";
    LibreOffice reads them as "/"), percent-escaped or not, are the same link."""
    return unquote(target).replace("\\", "/") if target else target


def default_one(n):
    """fitToWidth and fitToHeight are 1 when absent (ECMA-376)."""
    return 1 if n is None else n


def describe(path) -> dict:
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "active": wb.active.title,
           "names": sorted((n, v.attr_text) for ws in wb for n, v in ws.defined_names.items())}
    for ws in wb:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (
                    c.value, c.data_type if c.value is not None else None,
                    c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fill_type else None,
                    bool(c.font.b), c.font.color.rgb if c.font.color is not None and c.font.color.type == "rgb" else None,
                    c.font.u, bool(c.alignment.wrap_text), c.alignment.vertical,
                    link(c.hyperlink.target) if c.hyperlink else None, c.number_format)
        out[ws.title] = {
            "cells": cells, "dimensions": ws.dimensions, "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "tables": {t.displayName: (t.ref, t.tableStyleInfo.name, t.tableStyleInfo.showRowStripes,
                                       [c.name for c in t.tableColumns]) for t in ws.tables.values()},
            # a <col> may cover several columns of the same width
            "widths": {get_column_letter(i): d.width for d in ws.column_dimensions.values() if d.customWidth
                       for i in range(d.min, d.max + 1)},
            "page": (ws.page_setup.orientation, default_one(ws.page_setup.fitToWidth),
                     default_one(ws.page_setup.fitToHeight),
                     ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None),
        }
    return out
