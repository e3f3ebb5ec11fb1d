"""What a user sees of a workbook, read back with openpyxl: for comparing two writers' output cell by cell."""

from __future__ import annotations

import openpyxl


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
                    c.hyperlink.target if c.hyperlink else None, c.number_format)
        out[ws.title] = {
            "cells": cells, "dimensions": ws.dimensions, "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "tables": {t.displayName: (t.ref, t.tableStyleInfo.name, t.tableStyleInfo.showRowStripes,
                                       [c.name for c in t.tableColumns]) for t in ws.tables.values()},
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "page": (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                     ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None),
        }
    return out
