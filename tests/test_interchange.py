"""The interchange JSON: schema-valid, and model → JSON → model loses nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, build, good
from jixiao.model import Location
from jixiao.profiles import ProfileError, builtin_names, load_profile
from jixiao.readers.interchange import (
    load_submission,
    parse_submission,
    submission_schema,
    submission_to_json,
)


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_seed_round_trip(number: str) -> None:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None and findings == []
    exported = submission_to_json(submission)
    jsonschema.Draft202012Validator(submission_schema()).validate(exported)
    again, findings = parse_submission(
        json.dumps(exported, ensure_ascii=False), submission.source.file or ""
    )
    assert again == submission


def test_amounts_stay_exact() -> None:
    data = good()
    data["projects"][0].update(budget=1616387.84, fiscal=1616387.84)
    exported = submission_to_json(build(data))
    assert json.dumps(exported["projects"][0]["budget"]) == "1616387.84"
    assert build(data).projects[0].budget == Decimal("1616387.84")


def test_locations_are_kept() -> None:
    submission, _ = load_submission(FIXTURES / "seed-001.json")
    assert submission is not None
    first = submission.projects[0].indicators[0]
    assert first.source == Location(file="001-tianjin-beichen-court.txt", line=first.source.line)
    assert first.source.line is not None


def test_schema_is_draft_2020_12_and_valid() -> None:
    schema = submission_schema()
    jsonschema.Draft202012Validator.check_schema(schema)


def test_builtin_profiles_load() -> None:
    assert builtin_names() == ["central-2021", "hebei", "national", "tianjin"]
    for name in builtin_names():
        profile = load_profile(name)
        assert profile.framework and profile.vague_words
    tianjin = load_profile("tianjin")
    assert (
        not tianjin.requires_project_code and tianjin.framework == load_profile("hebei").framework
    )
    assert "成本指标" in load_profile("central-2021").framework


def test_level_normalisation() -> None:
    hebei = load_profile("hebei")
    assert hebei.normalize_level("效果指标") == "效益指标"
    assert hebei.normalize_level("连续性指标") == "可持续影响指标"
    assert hebei.normalize_level("社会效益指 标") == "社会效益指标"
    assert hebei.normalize_level("数量") == "数量指标"
    assert hebei.normalize_level("群众满意度") == "服务对象满意度指标"
    assert hebei.normalize_level("  ") is None


def test_user_profile_extends_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "city.json"
    path.write_text(
        json.dumps(
            {
                "name": "city",
                "extends": "hebei",
                "thresholds": {"min_satisfaction": 85},
                "vague_words": ["尽力"],
            }
        ),
        "utf-8",
    )
    profile = load_profile(str(path))
    assert profile.min_satisfaction == Decimal(85) and profile.vague_words == ("尽力",)
    assert profile.requires_basis and profile.framework == load_profile("hebei").framework


@pytest.mark.parametrize(
    "content",
    [
        "{",
        '{"name": "Bad Name"}',
        '{"name": "x"}',
        '{"name": "x", "extends": "x2"}',
    ],
)
def test_bad_profiles_raise_profile_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content, "utf-8")
    with pytest.raises(ProfileError):
        load_profile(str(path))


def test_profile_cycles_are_refused(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"name": "a", "extends": str(b)}), "utf-8")
    b.write_text(json.dumps({"name": "b", "extends": str(a)}), "utf-8")
    with pytest.raises(ProfileError, match="循环"):
        load_profile(str(a))
