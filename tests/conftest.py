import datetime as dt
from pathlib import Path

import pytest

from zhicheng.validators import engine, policy
from zhicheng.validators.idcard import make_id

ROOT = Path(__file__).resolve().parent.parent


def ident(y, m, d, seq=1, male=True, region="522601"):
    return make_id(region, dt.date(y, m, d), seq, male)


@pytest.fixture
def run(tmp_path):
    """Validate paths with a policy; returns (reports, findings)."""

    def _run(*paths, policy_name="national", as_of=dt.date(2023, 8, 30)):
        res = engine.validate_paths(list(paths), policy.load(policy_name), as_of)
        return res.reports, res.findings

    return _run


def codes(findings, code=None):
    return [f for f in findings if code is None or f.code == code]


def save_rows(path, header, rows, title=None, sheet="Sheet1"):
    """A one-table workbook: optional title row, header, rows (long digit strings kept as text)."""
    from xlshapes import save

    return save(path, ([[title]] if title else []) + [list(header)] + [list(r) for r in rows], sheet=sheet)


@pytest.fixture
def roster(tmp_path):
    """Write a simple single-level roster; returns its path."""

    def _roster(rows, header=("序号", "姓名", "性别", "出生年月", "身份证号码", "工作单位"), name="r.xlsx"):
        return save_rows(tmp_path / name, list(header), rows)

    return _roster
