"""Contracts that silently break when someone forgets a step: the rule registry and the template.

* every rule module under src/jixiao/rules/ is imported when the registry is (a module nobody
  imports declares rules that never run), every ``define(...)`` code is registered, and every
  registered code is documented in docs/rules.md;
* the template layout's fingerprint is pinned: workbooks already handed out are read by it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from jixiao.template.layout import fingerprint

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"
RULES_DIR = SRC / "rules"

PINNED_FINGERPRINT = "492a423fe6f1f36a"
BUMP = (
    "the template layout changed: bump TEMPLATE_VERSION in src/jixiao/template/layout.py, "
    "regenerate workbook_templates with `jixiao template --all -o workbook_templates`, "
    "then update this pinned value"
)


@cache
def registry_in_a_fresh_interpreter() -> dict[str, list[str]]:
    """What ``import jixiao.rules`` alone loads and registers (this test process has imported
    much more, which would hide a module the registry forgot)."""
    script = (
        "import json, sys\n"
        "import jixiao.rules\n"
        "print(json.dumps({'codes': list(jixiao.rules.RULES),"
        " 'modules': sorted(m for m in sys.modules if m.startswith('jixiao.rules.'))}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def define_calls(path: Path) -> list[tuple[str, int]]:
    """The rule codes of every ``define("code", ...)`` call in a source file, with lines."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name != "define":
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno}: define() without a literal code")
        found.append((first.value, node.lineno))
    return found


def all_define_calls() -> dict[str, list[str]]:
    """code → where it is defined, over every source file of the package."""
    where: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for code, line in define_calls(path):
            where.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{line}")
    return where


def rule_modules() -> list[str]:
    """The modules under src/jixiao/rules/."""
    return sorted(f"jixiao.rules.{p.stem}" for p in RULES_DIR.glob("*.py") if p.stem != "__init__")


def test_the_source_scan_finds_the_rules() -> None:
    where = all_define_calls()
    assert len(where) >= 40
    assert any(w.startswith("src/jixiao/rules/plan.py:") for w in where["plan-final-not-100"])
    assert "budget-sum-mismatch" in [c for c, _ in define_calls(RULES_DIR / "money.py")]


def test_every_rule_module_is_imported_by_the_registry() -> None:
    loaded = set(registry_in_a_fresh_interpreter()["modules"])
    missing = [m for m in rule_modules() if m not in loaded]
    assert missing == [], f"not imported by src/jixiao/rules/__init__.py: {missing}"


def test_every_defined_code_is_registered_once() -> None:
    registered = registry_in_a_fresh_interpreter()["codes"]
    where = all_define_calls()
    assert sorted(c for c in where if c not in registered) == [], {
        c: w for c, w in where.items() if c not in registered
    }
    assert {c: w for c, w in where.items() if len(w) > 1} == {}
    assert [c for c, n in Counter(registered).items() if n > 1] == []
    assert sorted(registered) == sorted(where), "a rule registered without a define() call"


def test_every_registered_code_is_documented() -> None:
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    registered = registry_in_a_fresh_interpreter()["codes"]
    missing = [code for code in registered if f"`{code}`" not in text]
    assert missing == [], f"docs/rules.md lacks {missing}: jixiao rules --format markdown"


def test_the_template_fingerprint_is_pinned() -> None:
    assert fingerprint() == PINNED_FINGERPRINT, BUMP


def test_the_profile_schema_names_the_model_checkpoints() -> None:
    """The checkpoints are defined once (jixiao.model.CHECKPOINTS); the profile schema, which is
    data and cannot import them, must list exactly those."""
    import json
    from importlib import resources

    from jixiao.model import CHECKPOINTS

    schema = json.loads(
        resources.files("jixiao.schema").joinpath("profile.schema.json").read_text("utf-8")
    )
    text = json.dumps(schema, ensure_ascii=False)
    enums = [e for e in _enums(schema) if set(e) & set(CHECKPOINTS)]
    assert enums == [list(CHECKPOINTS)], text


def _enums(node: object) -> list[list[object]]:
    if isinstance(node, dict):
        found = [node["enum"]] if isinstance(node.get("enum"), list) else []
        return found + [e for value in node.values() for e in _enums(value)]
    if isinstance(node, list):
        return [e for value in node for e in _enums(value)]
    return []
