"""The four kinds of table, with the fields each requires.

The template specs in ``workbook_templates`` list their columns from these kinds, and the schemas take their
required fields from here, so a template and its schema cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindSpec:
    name: str
    label: str  # Chinese name of the form
    required_columns: tuple[str, ...]  # a table without one of these gets STR003
    required_values: tuple[str, ...]  # a row with one of these empty gets FMT004
    key: tuple[str, ...]  # fields that identify one row (duplicates)


KIND_SPECS: dict[str, KindSpec] = {
    k.name: k
    for k in [
        KindSpec("applicant_roster", "申报人员花名册", ("name", "id_number"), ("name", "id_number"), ("id_number",)),
        KindSpec("ce_hours", "继续教育学时登记表", ("name", "id_number", "ce_year"), ("name", "id_number", "ce_year"),
                 ("id_number", "ce_year")),
        KindSpec("review_roster", "评审/资格审查花名册", ("name", "id_number"), ("name", "id_number"), ("id_number",)),
        KindSpec("sanction_review", "受纪律处分情况审查表", ("name", "id_number"), ("name", "id_number"),
                 ("id_number",)),
    ]
}

KINDS = {k: s.label for k, s in KIND_SPECS.items()}
