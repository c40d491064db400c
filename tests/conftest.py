"""Shared builders: a clean, realistic submission (seed 000) to break one rule at a time."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from jixiao.findings import Finding
from jixiao.model import NOWHERE, Submission
from jixiao.profiles import load_profile
from jixiao.readers.interchange import parse_submission
from jixiao.validate import validate_submission
from libreoffice import lo  # noqa: F401  (session fixture: LibreOffice headless)

# Property tests are deterministic: the same examples on every run and every machine (no example
# database, no wall-clock deadline), so a red run can be reproduced and a green one means green.
settings.register_profile("jixiao", derandomize=True, database=None, deadline=None)
settings.load_profile("jixiao")


@pytest.fixture(autouse=True)
def _own_result_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets an empty result cache of its own (validate and consolidate use one by
    default): nothing is written to the user's cache folder, no test sees another's results."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "documents"
"""The published seed documents (text extractions), kept in the repository byte for byte."""
OTHER_DOCUMENTS = SEEDS / "other"
"""More published documents (101-106) that no transcription covers yet."""


def seed_document(number: str, folder: Path = SEEDS) -> Path:
    """The published text of seed ``number`` (``"004"`` → ``004-*.txt``).

    A missing document fails the test: the fixtures are part of the repository, so a test that
    needs one must never silently skip on a fresh clone.
    """
    found = sorted(folder.glob(f"{number}-*.txt"))
    if len(found) != 1:
        where = folder.relative_to(Path(__file__).parent)
        pytest.fail(
            f"test fixture missing: expected exactly one tests/{where}/{number}-*.txt, "
            f"found {len(found)}; the seed documents are committed with the tests",
            pytrace=False,
        )
    return found[0]


def row(
    level1: str, level2: str, level3: str, value: str, basis: str = "历史经验"
) -> dict[str, Any]:
    """One indicator row as the interchange JSON has it."""
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "description": level3,
        "value": value,
        "basis": basis,
    }


GOOD_PROJECT: dict[str, Any] = {
    "number": 1,
    "code": "13010023P00005810001E",
    "name": "专项项目",
    "budget": 1111.00,
    "fiscal": 1078.34,
    "other": 32.66,
    "purpose": "用于满足我院办公办案需求。",
    "plan": [
        {"checkpoint": c, "percent": p}
        for c, p in (("3月底", 25), ("6月底", 50), ("10月底", 75), ("12月底", 100))
    ],
    "goal": "1.通过经费的使用，促进各项案件的顺利进行，提升办案质量。",
    "indicators": [
        row("产出指标", "数量指标", "办理案件数", "≥500 件"),
        row("产出指标", "质量指标", "案件审结率", "≥90%"),
        row("产出指标", "时效指标", "办理案件及时率", "≥90%"),
        row("产出指标", "成本指标", "预算控制数", "≤1111 万元", "年初预算"),
        row("效益指标", "社会效益指标", "政策建议采纳率", "≥80%", "实际情况"),
        row("满意度指标", "服务对象满意度指标", "人民群众满意度", "≥90%", "实际情况"),
    ],
}

GOOD_OVERALL_ROW: dict[str, Any] = {
    "duty_no": "1",
    "duty": "案件审判",
    "duty_goal": "依法审判各类案件",
    "indicator": "中院结案数",
    "symbol": "≥",
    "unit": "件",
    "target": "≥6800",
    "planned": "≥6800",
    "standard": "≥6800",
    "standard_source": "年度工作计划",
    "history_avg": "6600",
    "last_year": "6740",
    "history_source": "全流程网上办案系统",
    "activity": "审理案件",
    "budget_project": "办案经费",
    "office": "民事审判庭",
}

GOOD: dict[str, Any] = {
    "format": "jixiao-submission",
    "version": 1,
    "unit": {
        "code": "615001",
        "name": "石家庄高新技术产业开发区人民法院本级",
        "year": 2024,
        "money_unit": "万元",
        "profile": "hebei",
    },
    "projects": [GOOD_PROJECT],
    "department": {
        "overall_goal": "依法审判法律规定由我院管辖的各类案件，提升审判质效。",
        "blocks": [
            {
                "title": "案件审判",
                "goal": "依法惩治刑事犯罪，维护社会稳定。",
                "indicators": [
                    {"level3": "案件结案率", "value": "≥85%"},
                    {"level3": "平均案件审理天数", "value": "≤70天"},
                ],
            }
        ],
        "measures": [{"title": "完善制度建设", "text": "严格执行党组议事决策规则。"}],
        "overall_table": [GOOD_OVERALL_ROW],
    },
}


def good() -> dict[str, Any]:
    """A deep copy of the clean submission, to be broken by one test."""
    return copy.deepcopy(GOOD)


def build(data: dict[str, Any]) -> Submission:
    """The model of interchange data, failing the test on schema errors."""
    submission, findings = parse_submission(json.dumps(data, ensure_ascii=False), "test.json")
    assert submission is not None, [f.message for f in findings]
    return submission


def run(data: dict[str, Any], profile: str | None = None) -> list[Finding]:
    """Validate interchange data with a profile (default: the data's own)."""
    submission = build(data)
    return validate_submission(submission, load_profile(profile) if profile else None)


def without_locations(obj: Any) -> Any:
    """The same model with every source location (and template info) blanked."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(obj):
            value = getattr(obj, field.name)
            if field.name == "source":
                changes[field.name] = NOWHERE
            elif field.name in ("sources", "template"):
                changes[field.name] = {}
            else:
                changes[field.name] = without_locations(value)
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, tuple):
        return tuple(without_locations(x) for x in obj)
    return obj


def codes(findings: list[Finding]) -> set[str]:
    """The rule codes of some findings."""
    return {f.code for f in findings}


@pytest.fixture
def seed_json() -> Any:
    """Load a seed fixture by number: ``seed_json("001")``."""
    return lambda number: json.loads((FIXTURES / f"seed-{number}.json").read_text("utf-8"))
