"""Every rule fires on a realistic bad row and stays quiet on the clean submission."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import GOOD_OVERALL_ROW, GOOD_PROJECT, codes, good, row, run
from jixiao.findings import Severity
from jixiao.profiles import ProfileError, load_profile
from jixiao.rules import RULES
from jixiao.rules.files import FILE_RULES

Data = dict[str, Any]


def project(data: Data) -> Data:
    return data["projects"][0]


def indicators(data: Data) -> list[Data]:
    return project(data)["indicators"]


def set_value(index: int, value: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        indicators(data)[index]["value"] = value

    return mutate


def replace_row(index: int, new_row: Data) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        indicators(data)[index] = new_row

    return mutate


def set_plan(*percents: float | None) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        labels = ("3月底", "6月底", "10月底", "12月底")
        project(data)["plan"] = [
            {"checkpoint": c, "percent": p} for c, p in zip(labels, percents, strict=True)
        ]

    return mutate


def overall(**changes: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data["department"]["overall_table"][0].update(changes)

    return mutate


def second_project(**changes: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data["projects"].append({**json.loads(json.dumps(GOOD_PROJECT)), "number": 2, **changes})

    return mutate


def in_yuan(data: Data) -> None:
    data["unit"]["money_unit"] = "元"
    project(data).update(budget=3000.00, fiscal=3000.00, other=None)
    indicators(data)[3] = row("产出指标", "成本指标", "补贴发放总额", "≤3000元", "年初预算")


def unit_cost_at_budget(data: Data) -> None:
    in_yuan(data)
    indicators(data)[3] = row("产出指标", "成本指标", "人均补贴标准", "≤3000元", "补贴标准")


def two_costs(data: Data) -> None:
    # two parts: 预算控制数 would name the whole cost, which is not added to its parts
    indicators(data)[3] = row("产出指标", "成本指标", "办案业务费", "≤600万元", "年初预算")
    indicators(data).append(row("产出指标", "成本指标", "设备购置费", "≤600万元", "市场询价"))


def plan_duplicate(data: Data) -> None:
    project(data)["plan"].append({"checkpoint": "6月底", "percent": 60})


def plan_text(data: Data) -> None:
    project(data)["plan"][1] = {"checkpoint": "6月底", "percent": None, "text": "过半"}


def drop_level1(level1: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        project(data)["indicators"] = [i for i in indicators(data) if i["level1"] != level1]

    return mutate


def no_measures(data: Data) -> None:
    data["department"]["measures"] = []


def narrative_plan(data: Data) -> None:
    data["department"]["blocks"].append(
        {
            "title": "专项项目",
            "goal": "资金累计支出进度分别达到30%、60%、80%、100%。",
            "plan": [
                {"checkpoint": c, "percent": p}
                for c, p in (("3月底", 30), ("6月底", 60), ("10月底", 80), ("12月底", 100))
            ],
        }
    )


def narrative_value(data: Data) -> None:
    data["department"]["blocks"].append(
        {"title": "专项项目", "indicators": [{"level3": "办理案件数", "value": ">=600"}]}
    )


def nothing_filled(data: Data) -> None:
    data["projects"] = []
    data.pop("department", None)


def sequence_gap(data: Data) -> None:
    data["department"]["overall_table"].append(
        {
            **GOOD_OVERALL_ROW,
            "duty_no": "3",
            "indicator": "中院收结比",
            "unit": "%",
            "target": "≥99%",
            "planned": "≥99%",
            "standard": "≥99%",
            "history_avg": "98%",
            "last_year": "98.5%",
        }
    )


def purchase(data: Data) -> None:
    project(data).update(name="购置执法执勤车辆3辆", purpose="购置执法执勤车辆3辆，保障执法需要。")
    indicators(data)[0] = row("产出指标", "数量指标", "购置车辆数量", "≥1辆", "采购计划")


def copied_goal(data: Data) -> None:
    second_project(
        code="13010023P00005810002E", name="物业管理费", budget=20, fiscal=20, other=None
    )(data)


def copied_subject(data: Data) -> None:
    project(data)["goal"] = "1.保障书记员工资按时足额发放，提升办案质量。"


def old_goal(data: Data) -> None:
    project(data)["goal"] = "1.2023年办理各类案件5000件，审结率达到90%。"


def words_only_block(data: Data) -> None:
    data["department"]["blocks"][0]["indicators"] = [
        {"level3": "审判质效", "value": "达到全市法院中等以上"}
    ]


def with_min_plan(tmp_path: Path) -> str:
    path = tmp_path / "my.json"
    path.write_text(
        json.dumps(
            {
                "name": "my-city",
                "extends": "hebei",
                "thresholds": {"min_plan": {"3月底": 30, "6月底": 60, "10月底": 80, "12月底": 100}},
            }
        ),
        "utf-8",
    )
    return str(path)


CASES: list[tuple[str, Callable[[Data], None]]] = [
    ("budget-sum-mismatch", lambda d: project(d).update(fiscal=1000.00)),
    (
        "amount-text-mismatch",
        lambda d: project(d).update(purpose="项目预算资金额为 1000 万元，用于办案。"),
    ),
    ("plan-checkpoint-missing", set_plan(25, 50, None, 100)),
    ("plan-checkpoint-missing", lambda d: project(d).update(plan=[])),
    ("plan-checkpoint-duplicate", plan_duplicate),
    ("plan-value-invalid", plan_text),
    ("plan-not-cumulative", set_plan(25, 50, 40, 100)),
    ("plan-not-cumulative", set_plan(25, 50, 75, 120)),
    ("plan-final-not-100", set_plan(25, 50, 75, 90)),
    ("level-invalid", replace_row(4, row("效益指标", "数量指标", "政策建议采纳率", "≥80%"))),
    ("level-invalid", replace_row(4, row("效率指标", "社会效益指标", "政策建议采纳率", "≥80%"))),
    ("level-alias", replace_row(4, row("效果指标", "社会效益指标", "政策建议采纳率", "≥80%"))),
    ("level-mismatch", replace_row(4, row("效益指标", "经济效益指标", "社会评价", "≥80%"))),
    ("category-missing", drop_level1("效益指标")),
    ("category-missing", drop_level1("满意度指标")),
    ("value-missing", set_value(0, "")),
    ("value-missing", lambda d: indicators(d)[0].update(level3=None)),
    ("basis-missing", lambda d: indicators(d)[0].update(basis="")),
    ("value-mixed", set_value(2, "≥90 较上一年提高")),
    ("value-note", set_value(1, "≥90% 为优")),
    ("value-vague", set_value(4, "持续提升")),
    ("symbol-missing", set_value(1, "90%")),
    ("value-punctuation", set_value(0, ",=500件")),
    ("direction-suspicious", set_value(5, "≤90%")),
    ("direction-suspicious", set_value(3, "≥1111万元")),
    ("percent-out-of-range", set_value(1, "≥100%")),
    ("percent-out-of-range", set_value(1, "=120%")),
    ("unit-mismatch", replace_row(1, row("产出指标", "质量指标", "走访慰问率", ">5次"))),
    ("unit-mismatch", replace_row(0, row("产出指标", "数量指标", "办理案件数", "≥95%"))),
    ("unit-missing", set_value(0, ">=500")),
    ("unit-ambiguous", set_value(3, "≤62万")),
    ("satisfaction-below-minimum", set_value(5, "≥60%")),
    ("satisfaction-below-minimum", set_value(5, "≥9分")),
    ("satisfaction-below-minimum", set_value(5, "≥0.9")),
    ("amount-negative", lambda d: project(d).update(budget=-1111.0, fiscal=-1078.34, other=-32.66)),
    ("cost-exceeds-budget", set_value(3, "≤1200万元")),
    ("cost-exceeds-budget", set_value(3, "≤12000000元")),
    ("cost-zero", set_value(3, "=0万元")),
    ("cost-sum-exceeds-budget", two_costs),
    ("unit-cost-exceeds-budget", unit_cost_at_budget),
    ("money-unit-mixed", set_value(3, "≤4137280元")),
    ("deadline-outside-year", set_value(2, "2023年底前")),
    ("deadline-outside-year", set_value(2, "2025年6月底前")),
    ("indicator-duplicate", lambda d: indicators(d).append(dict(indicators(d)[0]))),
    ("project-code-invalid", lambda d: project(d).update(code="13010023P0000581")),
    ("project-code-invalid", lambda d: project(d).update(code=None)),
    ("project-code-duplicate", second_project(name="办案业务费")),
    (
        "project-name-duplicate",
        second_project(code="13010023P00005810002E", budget=20, fiscal=20, other=None),
    ),
    ("overall-part-missing", no_measures),
    ("submission-empty", nothing_filled),
    ("narrative-table-conflict", narrative_plan),
    ("narrative-table-conflict", narrative_value),
    ("overall-symbol-conflict", overall(symbol="≤")),
    ("overall-unit-conflict", overall(unit="次", target="≥6800件")),
    ("overall-sequence-gap", sequence_gap),
    ("overall-column-shifted", overall(history_source="2")),
    ("target-below-history", overall(target="≥6700")),
    ("source-missing", overall(history_source=None)),
    ("source-missing", overall(standard_source=None)),
    ("quantity-text-mismatch", purchase),
    ("text-copied", copied_goal),
    ("text-copied", copied_subject),
    ("goal-year-mismatch", old_goal),
    ("block-unquantified", words_only_block),
    ("value-vague", words_only_block),
]


def test_clean_submission_has_no_findings() -> None:
    assert run(good()) == []


@pytest.mark.parametrize(
    ("code", "mutate"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)]
)
def test_rule_fires_on_bad_row(code: str, mutate: Callable[[Data], None]) -> None:
    data = good()
    mutate(data)
    findings = run(data)
    assert code in codes(findings), [(f.code, f.message) for f in findings]
    finding = next(f for f in findings if f.code == code)
    assert finding.message and finding.hint
    assert finding.severity in RULES[code].severities


def test_plan_below_minimum_only_with_a_profile_minimum(tmp_path: Path) -> None:
    profile = with_min_plan(tmp_path)
    assert "plan-below-minimum" not in codes(run(good()))
    findings = run(good(), profile)
    below = [f for f in findings if f.code == "plan-below-minimum"]
    assert [f.message for f in below] == [
        "资金支出计划 3月底 为 25%，低于要求的 30%",
        "资金支出计划 6月底 为 50%，低于要求的 60%",
        "资金支出计划 10月底 为 75%，低于要求的 80%",
    ]
    data = good()
    set_plan(30, 60, 80, 100)(data)
    assert "plan-below-minimum" not in codes(run(data, profile))


def test_every_declared_rule_has_a_firing_case() -> None:
    tested = {code for code, _ in CASES} | {"plan-below-minimum"}
    # The rules of the other provinces' layouts (rules/layouts.py): tests/test_other_formats.py
    tested |= {
        "weight-sum",
        "qualitative-value-missing",
        "name-placeholder",
        "name-value-mismatch",
        "name-is-value",
        "serial-date",
        "value-format-lost",
        "rollup-mismatch",
        "department-split-mismatch",
    }
    # Rules judged by what a table states, whatever its layout: tests/test_rules_other_layouts.py
    tested |= {"cost-parts-exceed-total"}
    # Reader rules are tested in test_cli/test_workbook, cross-file rules in test_consolidate.
    # (the reading rules of rules/files.py: tests/test_reader_findings.py, test_workbook.py)
    reader_rules = {rule.code for rule in FILE_RULES} | {
        "submission-duplicate",
        "template-version-mixed",
        "year-mixed",  # tests/test_consolidate.py
        "import-unparsed",
        "import-cleaned",
        "import-split",
        "import-not-carried",  # tests/test_import_split.py
        "weight-invalid",  # the 申报表 reader: tests/test_application_template.py
        "amount-invalid",
    }
    assert set(RULES) - reader_rules <= tested


def test_category_missing_severity_depends_on_category() -> None:
    data = good()
    drop_level1("效益指标")(data)
    drop_level1("满意度指标")(data)
    found = {f.message: f.severity for f in run(data) if f.code == "category-missing"}
    assert found == {"项目缺少效益指标": Severity.ERROR, "项目缺少满意度指标": Severity.WARNING}


def test_deadline_before_year_is_error_after_is_warning() -> None:
    for value, severity in (("2023年底前", Severity.ERROR), ("2025年底前", Severity.WARNING)):
        data = good()
        set_value(2, value)(data)
        (finding,) = [f for f in run(data) if f.code == "deadline-outside-year"]
        assert finding.severity is severity


def test_a_span_across_years_is_judged_by_the_year_it_ends_in() -> None:
    """Issue 15's grammar gaps: 2024年12月-2025年3月 was read at 2024 (no finding); it ends in
    2025, after the budget year 2024.  A span repeating its year is in the year."""
    data = good()
    set_value(2, "2024年12月-2025年3月")(data)
    (finding,) = [f for f in run(data) if f.code == "deadline-outside-year"]
    assert finding.severity is Severity.WARNING and "时限 2025 年晚于" in finding.message
    set_value(2, "2024年1月-2024年12月")(data)
    assert not {"value-mixed", "deadline-outside-year"} & {f.code for f in run(data)}


def test_a_fraction_for_a_rate_gets_a_percentage_hint() -> None:
    data = good()
    set_value(5, "≥0.9")(data)
    found = {f.code: f for f in run(data)}
    assert "“≥90%”" in found["unit-missing"].hint
    assert "应写作 ≥90%" in found["satisfaction-below-minimum"].message


def test_an_amount_stated_rounded_in_the_purpose_agrees_with_the_budget() -> None:
    """review14: 161.64万元 in 资金用途 of a 1616387.84 元 budget is that budget, rounded."""
    data = good()
    data["unit"]["money_unit"] = "元"
    project(data).update(budget=1616387.84, fiscal=1616387.84, other=None)
    for purpose, reported in (
        ("项目预算资金额为161.64万元", False),  # rounded to the stated 0.01 万元
        ("项目预算资金额为162万元", False),  # rounded to whole 万元
        ("项目预算资金额为161.66万元", True),  # 200 元 off: not a rounding
        ("项目预算资金额为1616387元", True),  # stated to the 元, 0.84 元 off
        ("项目预算资金额为0.02亿元", True),  # rounds to 0.02 亿, but 24 % off: no rounding
    ):
        project(data)["purpose"] = purpose
        assert ("amount-text-mismatch" in codes(run(data))) is reported, purpose


def test_an_amount_with_a_chinese_magnitude_in_the_purpose_is_checked() -> None:
    """Issue 15's grammar gaps: 2千万元 in 资金用途 was no amount to the check (the 千 stood
    between the number and its unit), so any budget passed."""
    data = good()
    project(data).update(budget=2000.0, fiscal=2000.0, other=None)
    for purpose, reported in (
        ("项目预算资金额为2千万元", False),  # 2000 万元
        ("项目预算资金额为1千万元", True),
        ("项目预算资金额为5百万元", True),
        ("项目预算资金额为0.2亿元", False),
        ("项目预算资金额为2千元", True),
    ):
        project(data)["purpose"] = purpose
        assert ("amount-text-mismatch" in codes(run(data))) is reported, purpose
    project(data)["purpose"] = "项目预算资金额为3千万元"
    (finding,) = [f for f in run(data) if f.code == "amount-text-mismatch"]
    assert finding.message == ("资金用途写明金额 3千万元，折合 3000万元，与预算数 2000万元 不一致")


def test_a_block_naming_its_levels_names_all_three_on_every_row() -> None:
    """review14 (seed 004): 满意度指标-社会公众投诉率 lacks its 二级, 满意度指标-群众满意度-（…）
    its 三级; a block whose indicators name no levels is left alone."""
    levels = {"level1": "满意度指标", "level2": "服务对象满意度指标"}
    full = {**levels, "level3": "满意度", "value": "≥90%"}
    two = {"level1": "满意度指标", "level3": "社会公众投诉率", "value": "≤2%"}
    no_name = {**levels, "value": "=100%"}
    data = good()
    data["department"]["blocks"][0]["indicators"] = [full, two, no_name]
    found = [(f.code, f.message) for f in run(data) if f.project_name is None]
    assert ("level-invalid", "二级指标“”为空（社会公众投诉率）") in found
    assert ("value-missing", "三级指标为空") in found  # (no name at all to quote)
    # a 一级 outside the framework is reported once, by level_labels (review15: it was twice)
    data["department"]["blocks"][0]["indicators"] = [full, {**two, "level1": "经济效益"}]
    level = [f.message for f in run(data) if f.code == "level-invalid" and not f.project_name]
    # and names its indicator, as the 二级 finding does (issue 15's grammar gaps)
    assert level == ["一级指标“经济效益”不在指标体系中（社会公众投诉率）"]
    data["department"]["blocks"][0]["indicators"] = [full, {**two, "level2": "数量指标"}]
    level = [f.message for f in run(data) if f.code == "level-invalid" and not f.project_name]
    assert level == ["二级指标“数量指标”不属于一级指标“满意度指标”（社会公众投诉率）"]
    plain = {"level3": "社会公众投诉率", "value": "≤2%"}
    data["department"]["blocks"][0]["indicators"] = [{"level3": "满意度", "value": "≥90%"}, plain]
    assert not [f for f in run(data) if f.code in ("level-invalid", "value-missing")]


def test_cost_in_yuan_converted_before_comparing() -> None:
    data = good()
    set_value(3, "≤4137280元")(data)  # 413.728 万元: under the 1111 万元 budget
    assert "cost-exceeds-budget" not in codes(run(data))
    set_value(3, "≤12000000元")(data)  # 1200 万元: over
    (finding,) = [f for f in run(data) if f.code == "cost-exceeds-budget"]
    assert "折合 1200万元" in finding.message


def test_profile_can_turn_a_rule_off_or_change_its_severity(tmp_path: Path) -> None:
    path = tmp_path / "quiet.json"
    path.write_text(
        json.dumps(
            {
                "name": "quiet",
                "extends": "hebei",
                "rules": {"value-vague": "off", "symbol-missing": "error"},
            }
        )
    )
    data = good()
    set_value(4, "持续提升")(data)
    set_value(1, "90%")(data)
    findings = run(data, str(path))
    assert "value-vague" not in codes(findings)
    (symbol,) = [f for f in findings if f.code == "symbol-missing"]
    assert symbol.severity is Severity.ERROR


def test_tianjin_needs_no_code_plan_or_basis() -> None:
    data = good()
    project(data).update(code=None, plan=[])
    for indicator in indicators(data):
        indicator.pop("basis")
    assert codes(run(data)) >= {"project-code-invalid", "plan-checkpoint-missing", "basis-missing"}
    assert run(data, "tianjin") == []


def test_central_2021_has_cost_as_level1() -> None:
    data = good()
    indicators(data)[3] = row("成本指标", "经济成本指标", "预算控制数", "≤1200万元", "年初预算")
    findings = run(data, "central-2021")
    assert "level-invalid" not in codes(findings)
    assert "cost-exceeds-budget" in codes(findings)
    assert "level-invalid" in codes(run(data, "hebei"))


def test_findings_point_at_the_json_field_when_no_source_is_given() -> None:
    data = good()
    set_value(1, "90%")(data)
    (finding,) = [f for f in run(data) if f.code == "symbol-missing"]
    assert finding.path == "projects[0].indicators[1].value"
    assert finding.project_code == "13010023P00005810001E"
    assert finding.project_name == "专项项目"


def test_the_words_that_decide_a_direction_are_the_profiles(tmp_path: Path) -> None:
    """Floors, caps, reductions and subjects are profile data: a user profile can change them."""
    data = good()
    indicators(data)[4] = row("效益指标", "社会效益指标", "群众法治意识提升比例", "≤10%")
    assert "direction-suspicious" in codes(run(data))
    path = tmp_path / "city.json"
    path.write_text(
        json.dumps({"name": "city", "extends": "hebei", "meaning": {"floor_levels": []}}), "utf-8"
    )
    assert "direction-suspicious" not in codes(run(data, str(path)))
    merged = load_profile(str(path)).meaning  # the other lists are kept from hebei
    assert merged.floor_words and merged.count_units and not merged.floor_levels


def test_a_profile_with_an_unknown_meaning_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"name": "bad", "extends": "hebei", "meaning": {"floor_wrods": ["率"]}}), "utf-8"
    )
    with pytest.raises(ProfileError, match="meaning"):
        load_profile(str(path))
