"""Project-level promises: namespace, rule registry, generated docs."""

import subprocess
import sys
from pathlib import Path

from zhicheng.validators.docs import render_all
from zhicheng.validators.findings import PREFIX, RULES

ROOT = Path(__file__).resolve().parent.parent


def test_pypi_validators_installed_beside_ours(tmp_path):
    # run outside the repository so nothing but the installed packages can be imported
    code = ("import validators, zhicheng.validators.engine as e; "
            "assert validators.email('a@example.com') is True; "
            "assert 'site-packages' in validators.__file__; print(e.__name__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "zhicheng.validators.engine"


def test_every_rule_is_documented_and_well_formed():
    for code, r in RULES.items():
        assert code.startswith(PREFIX[r.category])
        for section in ("检查内容", "依据", "不合格示例", "合格示例", "如何修改"):
            assert section in r.doc, f"{code} doc lacks {section}"


def test_docs_are_current():
    docs = ROOT / "docs" / "rules"
    for name, text in render_all().items():
        assert (docs / name).read_text(encoding="utf-8") == text, f"docs/rules/{name} is stale: zhicheng rules docs"
