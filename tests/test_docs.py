"""Docs kept true by tests: the rule catalogue, the README's commands and CI's entry point."""

from __future__ import annotations

from pathlib import Path

from jixiao.outputs.catalogue import rules_markdown
from jixiao.rules import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_rules_doc_is_current() -> None:
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert text == rules_markdown(), "docs/rules.md is stale: jixiao rules --format markdown"


def test_every_rule_code_is_documented_and_kebab_case() -> None:
    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    for code in RULES:
        assert f"`{code}`" in text
        assert code == code.lower() and " " not in code and "_" not in code


def test_readme_gives_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme
    assert (ROOT / "scripts" / "demo.sh").exists() and (ROOT / "scripts" / "test.sh").exists()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_rules_of_the_domain_document_all_exist() -> None:
    contract = {
        "budget-sum-mismatch",
        "amount-text-mismatch",
        "plan-checkpoint-missing",
        "plan-checkpoint-duplicate",
        "plan-not-cumulative",
        "plan-final-not-100",
        "plan-below-minimum",
        "level-invalid",
        "category-missing",
        "value-missing",
        "basis-missing",
        "value-mixed",
        "value-vague",
        "symbol-missing",
        "direction-suspicious",
        "percent-out-of-range",
        "unit-mismatch",
        "satisfaction-below-minimum",
        "cost-exceeds-budget",
        "cost-sum-exceeds-budget",
        "unit-cost-exceeds-budget",
        "deadline-outside-year",
        "indicator-duplicate",
        "project-code-invalid",
        "project-code-duplicate",
        "overall-part-missing",
        "overall-symbol-conflict",
        "target-below-history",
        "source-missing",
        "narrative-table-conflict",
        "template-tampered",
        "file-unreadable",
    }
    assert contract <= set(RULES)
