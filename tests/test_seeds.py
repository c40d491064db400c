"""The real published examples: their known problems (RULES.md, last section) are found, exactly."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import FIXTURES, OTHER_DOCUMENTS, SEEDS, seed_document
from jixiao.findings import Finding, Severity
from jixiao.readers.interchange import load_submission
from jixiao.validate import validate_submission

sys.path.insert(0, str(FIXTURES))
from regenerate_expected import expected_findings


def findings_of(number: str) -> list[Finding]:
    submission, problems = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None and problems == []
    return validate_submission(submission)


def at(findings: list[Finding], code: str, line: int) -> list[Finding]:
    return [f for f in findings if f.code == code and f.line == line]


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_findings_equal_the_reviewed_expected_list(number: str) -> None:
    expected = json.loads((FIXTURES / f"seed-{number}.expected.json").read_text("utf-8"))
    assert expected_findings(FIXTURES / f"seed-{number}.json") == expected


def test_000_known_problems() -> None:
    findings = findings_of("000")
    (mixed,) = [f for f in findings if f.code == "value-mixed"]
    assert mixed.line == 127 and "较上一年提高" in mixed.message  # ≥90 较上一年提高
    assert at(findings, "unit-missing", 30)  # 平均案件审理天数 ≤ 70 为优
    (note,) = [f for f in findings if f.code == "value-note"]  # every "≥85% 为优": one remark
    assert "为优" in note.hint and "（共 30 处：第30行、" in note.message
    # 政府采购覆盖率 appears in 分项 (七) and (八): each 分项 is its own list, so no duplicate
    assert [f for f in findings if f.code == "indicator-duplicate"] == []
    assert not [f for f in findings if f.project_name and f.code != "value-mixed"]


def test_001_known_problems() -> None:
    findings = findings_of("001")
    (cost_sum,) = [f for f in findings if f.code == "cost-sum-exceeds-budget"]
    assert cost_sum.message == "3 项成本指标合计 806.728万元，超过预算数 806.72万元"
    (mixed_unit,) = [f for f in findings if f.code == "money-unit-mixed"]
    assert "折合 413.728万元" in mixed_unit.message
    assert "cost-exceeds-budget" not in {f.code for f in findings}
    deadlines = [f for f in findings if f.code == "deadline-outside-year"]
    assert len(deadlines) == 2 and all(f.severity is Severity.ERROR for f in deadlines)
    assert len([f for f in findings if f.code == "unit-ambiguous"]) == 2  # ≤62万, ≤59万
    vague = {f.message.split("“")[1].split("”")[0] for f in findings if f.code == "value-vague"}
    assert vague == {"持续保障", "稳步提升", "逐步完成", "有力提升", "持续提升", "不断改善"}
    (mismatch,) = [f for f in findings if f.code == "level-mismatch"]
    assert "社会评价" in mismatch.message and "经济效益指标" in mismatch.message
    (same_name,) = [f for f in findings if f.code == "project-name-duplicate"]
    assert same_name.severity is Severity.INFO  # kept apart, never merged by name


def test_002_known_problems() -> None:
    findings = findings_of("002")
    gaps = [f.message for f in findings if f.code == "overall-sequence-gap"]
    assert gaps == ["职责序号从 11 跳到 13（缺 12）", "职责序号从 24 跳到 26（缺 25）"]
    (shifted,) = [f for f in findings if f.code == "overall-column-shifted"]
    assert "中院年度开展司法巡查" in shifted.message
    notation = [f for f in findings if f.code == "overall-unit-conflict"]
    assert notation and all(f.severity is Severity.INFO for f in notation)
    missing_source = [f for f in findings if f.code == "source-missing"]
    assert len(missing_source) >= 23  # every 标准值来源 is empty
    looser = [f for f in findings if f.code == "target-below-history"]
    assert any("中院结案数" in f.message and "6740" in f.message for f in looser)
    assert len(looser) > len(findings_of("002")) // 4  # most targets are looser than history
    assert not [f for f in findings if f.severity is Severity.ERROR]


def test_004_known_problems() -> None:
    findings = findings_of("004")
    (cost,) = [f for f in findings if f.code == "cost-exceeds-budget"]
    assert cost.project_name == "人民调解" and "8000元" in cost.message and "3000元" in cost.message
    by_15 = {f.code for f in findings if f.project_name == "刑事安置帮教"}
    assert {"direction-suspicious", "unit-mismatch", "symbol-missing"} <= by_15
    conflicts = [f.message for f in findings if f.code == "narrative-table-conflict"]
    assert any("30%/60%/80%/100%" in m and "20%/50%/80%/100%" in m for m in conflicts)
    assert any("30%/60%/80%/100%" in m and "20%/40%/60%/100%" in m for m in conflicts)
    assert any(">=200" in m and "≥180件" in m for m in conflicts)
    aliases = [f.message for f in findings if f.code == "level-alias"]
    assert any("效果指标" in m for m in aliases) and any("连续性指标" in m for m in aliases)
    assert len(aliases) == len({m.split("处理")[0] for m in aliases})  # each alias once
    assert not [f for f in findings if f.code == "indicator-duplicate"]
    # 群众参与者满意度 is a variant of a 满意度 label, not a wrong level (issue 12) …
    assert not [f for f in findings if f.code == "level-invalid" and "不属于" in f.message]
    # … but a 分项 that names its levels names all three (review14): 满意度指标-社会公众投诉率
    # lacks its 二级 in five 分项, 满意度指标-群众满意度-（…） its 三级 in three
    unnamed = [(f.code, f.message) for f in findings if f.project_name is None]
    assert unnamed.count(("level-invalid", "二级指标“”为空（社会公众投诉率）")) == 5
    assert unnamed.count(("value-missing", "三级指标（群众满意度数量占总数的比例）为空")) == 3
    projects = {f.project_name for f in findings if f.project_name}
    assert "残疾人保障金" in projects  # 设备购置成本 in a project that buys no equipment
    assert {f.code for f in findings if f.project_name == "残疾人保障金"} == {"text-copied"}


def test_seed_lines_point_at_the_published_text() -> None:
    lines = seed_document("004").read_text("utf-8").splitlines()
    (cost,) = [f for f in findings_of("004") if f.code == "cost-exceeds-budget"]
    assert cost.line is not None and "≤8000元" in lines[cost.line - 1]


def test_every_transcription_has_its_published_document_in_the_repository() -> None:
    numbers = sorted(p.name[5:8] for p in FIXTURES.glob("seed-???.json"))
    assert numbers == ["000", "001", "002", "004"]
    for number in numbers:
        document = seed_document(number)
        assert SEEDS in document.parents and document.stat().st_size > 1000
    others = sorted(p.name[:3] for p in OTHER_DOCUMENTS.glob("*.txt"))
    assert others == ["101", "102", "103", "104", "105", "106"]


def test_a_missing_document_fails_instead_of_skipping() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"fixture missing.*999-\*\.txt"):
        seed_document("999")
