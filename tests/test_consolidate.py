"""汇总: totals, the weighted unit plan, cross-file checks, hostile files, the summary workbook."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.cli import main
from jixiao.consolidation import cross_files
from jixiao.consolidation.columns import FINDINGS_COLUMNS
from jixiao.consolidation.results import CodeFact, Entry, Submitted
from jixiao.consolidation.unit import Consolidation, consolidate
from jixiao.findings import Tally
from jixiao.model import Location, PlanEntry, Project, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.outputs.report import consolidation_json, consolidation_text
from jixiao.outputs.summary import write_summary
from jixiao.profiles import load_profile
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.service.collect import collect, split_by_department
from jixiao.service.demo import planted_court, sample
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.validate import validate_submission
from test_workbook import filled

CHECKPOINTS = ("3月底", "6月底", "10月底", "12月底")


def submission(
    name: str, unit: MoneyUnit, budgets: list[Decimal], plans: list[tuple[int, ...]] | None = None
) -> Submission:
    projects = tuple(
        Project(
            name=f"{name}项目{i}",
            code=None,
            number=i + 1,
            budget=b,
            fiscal=b,
            plan=tuple(PlanEntry(c, Decimal(p)) for c, p in zip(CHECKPOINTS, plan, strict=True))
            if plans
            else (),
        )
        for i, (b, plan) in enumerate(zip(budgets, plans or [()] * len(budgets), strict=True))
    )
    return Submission(Unit(name=name, code=name, year=2024, money_unit=unit), projects)


AMOUNTS = st.decimals(
    min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from([MoneyUnit.WAN, MoneyUnit.YUAN]),
            st.lists(AMOUNTS, min_size=0, max_size=5),
        ),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([MoneyUnit.WAN, MoneyUnit.YUAN]),
)
def test_totals_equal_the_sum_of_the_inputs(
    units: list[tuple[MoneyUnit, list[Decimal]]], target: MoneyUnit
) -> None:
    entries = [
        Entry(f"f{i}.json", submission(f"单位{i}", unit, budgets))
        for i, (unit, budgets) in enumerate(units)
    ]
    result = consolidate(entries, target)
    expected = sum(
        (b * unit.yuan / target.yuan for unit, budgets in units for b in budgets), Decimal(0)
    )
    # Exact: amounts stay Decimal, converted with jixiao.money.convert, never through float.
    assert result.projects.total("budget") == expected
    assert result.sub_units.total("budget") == expected
    assert result.budget == expected
    assert len(result.projects) == sum(len(b) for _, b in units)
    assert result.sub_units.column("projects") == [len(b) for _, b in units]


def test_yuan_and_wan_submissions_add_up_exactly_in_either_unit() -> None:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100), Decimal("0.5")])
    b = submission("乙", MoneyUnit.YUAN, [Decimal(3_000_000), Decimal("1234.56")])
    entries = [Entry("a.json", a), Entry("b.json", b)]
    wan = consolidate(entries, MoneyUnit.WAN)
    assert wan.projects.column("budget") == [
        Decimal(100),
        Decimal("0.5"),
        Decimal(300),
        Decimal("0.123456"),
    ]
    assert wan.budget == Decimal("400.623456")
    units = {r["sub_unit"]: r for r in wan.sub_units.records()}
    assert units["乙"]["budget"] == units["乙"]["fiscal"] == Decimal("300.123456")
    assert units["乙"]["other"] == Decimal(0)  # no 其他资金 anywhere: nothing, not blank
    yuan = consolidate(entries, MoneyUnit.YUAN)
    assert yuan.budget == Decimal("4006234.56")
    assert [r["budget"] for r in yuan.sub_units.records()] == [
        Decimal(1005000),
        Decimal("3001234.56"),
    ]


def test_every_money_heading_says_the_run_s_unit(tmp_path: Path) -> None:
    """review17: printed 项目汇总 and 支出计划 pages, and their CSV files, said no unit."""
    entries = [Entry("a.json", submission("甲", MoneyUnit.WAN, [Decimal(100)]))]
    for unit in MoneyUnit:
        result = consolidate(entries, unit)
        for table in (result.projects, result.sub_units, result.plan):
            money = [c.heading for c in table.columns if c.kind.name == "MONEY"]
            assert money and all(h.endswith(f"（{unit.value}）") for h in money)
            others = [c.heading for c in table.columns if c.kind.name != "MONEY"]
            assert not any("元）" in h for h in others)
        assert f"3月底金额（{unit.value}）" in result.projects.headings
        assert f"累计支出金额（{unit.value}）" in result.plan.headings
    path = tmp_path / "s.xlsx"
    write_summary(consolidate(entries, MoneyUnit.YUAN), path)
    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if "charts/chart" in n]
    (bar,) = [c for c in charts if "barDir" in c]
    assert "各下属单位预算数（元）" in bar and "<a:t>元</a:t>" in bar


def test_unit_plan_is_the_budget_weighted_mean_by_hand() -> None:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100)], [(25, 50, 75, 100)])
    b = submission("乙", MoneyUnit.YUAN, [Decimal(3_000_000)], [(10, 20, 60, 100)])  # 300 万元
    result = consolidate([Entry("a.json", a), Entry("b.json", b)], MoneyUnit.WAN)
    plan = {r["checkpoint"]: r for r in result.plan.records()}
    assert list(plan) == list(CHECKPOINTS)
    # 3月底: (100×25% + 300×10%) / 400 = 55 / 400 = 13.75%
    assert plan["3月底"]["percent"] == Decimal("13.75")
    assert plan["3月底"]["amount"] == Decimal(55)
    assert plan["3月底"]["planned_budget"] == Decimal(400)
    assert plan["6月底"]["percent"] == Decimal("27.5")  # (50 + 60) / 400
    assert plan["10月底"]["percent"] == Decimal("63.75")  # (75 + 180) / 400
    assert plan["12月底"]["percent"] == Decimal(100)
    # Each project's amounts at a checkpoint, in 万元 (乙 wrote 元).
    assert result.projects.column("amount_3") == [Decimal(25), Decimal(30)]
    assert result.projects.column("percent_10") == [Decimal(75), Decimal(60)]


def test_unit_plan_against_the_profile_minimum() -> None:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100)], [(25, 50, 75, 100)])
    b = submission("乙", MoneyUnit.WAN, [Decimal(300)], [(10, 20, 60, 100)])
    minimum = {"3月底": Decimal(20), "10月底": Decimal("63.75")}
    profile = dataclasses.replace(load_profile(), min_plan=minimum)
    plan = consolidate([Entry("a.json", a), Entry("b.json", b)], profile=profile).plan
    assert plan.column("minimum_percent") == [Decimal(20), None, Decimal("63.75"), None]
    assert plan.column("met") == [False, None, True, None]  # 63.75 ≥ 63.75 exactly


def test_same_code_in_two_files_and_same_unit_twice_are_flagged_on_both_sides() -> None:
    court = sample("seed-000.json")
    twin = planted_court()  # reuses the 项目编码 of seed 000
    again = dataclasses.replace(court)
    entries = [Entry("a.json", court), Entry("b.json", twin), Entry("c.json", again)]
    result = consolidate(entries)
    dup_codes = [
        e.file for e in result.entries for f in e.findings if f.code == "project-code-duplicate"
    ]
    assert sorted(dup_codes) == ["a.json", "b.json", "c.json"]
    dup_units = [
        e.file for e in result.entries for f in e.findings if f.code == "submission-duplicate"
    ]
    assert sorted(dup_units) == ["a.json", "c.json"]
    assert len(result.projects) == 3  # both copies are kept, never silently dropped
    assert result.has_errors


@pytest.mark.parametrize("collide", [False, True])
def test_repeated_codes_compare_the_codes_in_file_order(
    collide: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check for duplicate 项目编码 keeps only hashes in its first pass (issue #15: the
    parent's memory flat in N): codes sharing a hash are no duplicates, a code twice in one
    file is none either (its own check says it), and the places come in file order."""
    if collide:
        monkeypatch.setattr(cross_files, "hash", lambda code: 7, raising=False)

    def facts(*codes: str) -> Submitted:
        made = [CodeFact(c, f"项目{c}", n, Location(file="x")) for n, c in enumerate(codes, 1)]
        return Submitted("u", "1", len(codes), tuple(made))

    read = [
        (Entry("a.xlsx", None), facts("A", "B")),
        (Entry("b.xlsx", None), facts("C", "A")),
        (Entry("c.xlsx", None), facts("D", "D")),
        (Entry("d.xlsx", None), facts("B", "A")),
    ]
    found = cross_files.repeated_codes(read)
    assert {code: [(e.file, f.number) for e, f in places] for code, places in found.items()} == {
        "A": [("a.xlsx", 1), ("b.xlsx", 2), ("d.xlsx", 2)],
        "B": [("a.xlsx", 2), ("d.xlsx", 1)],
    }
    assert list(found) == ["A", "B"]


def test_mixed_template_versions_are_flagged(tmp_path: Path) -> None:
    workbooks = [filled(tmp_path, "001"), filled(tmp_path, "004")]
    entries = collect([*workbooks, Path(__file__).parent / "fixtures" / "seed-000.json"], workers=1)
    result = consolidate(entries)
    flagged = [
        Path(e.file).name
        for e in result.entries
        for f in e.findings
        if f.code == "template-version-mixed"
    ]
    assert flagged == ["seed-000.json"]


def _of_year(name: str, year: int | None) -> Entry:
    made = submission(name, MoneyUnit.WAN, [Decimal(10)])
    return Entry(
        f"{name}.json", dataclasses.replace(made, unit=dataclasses.replace(made.unit, year=year))
    )


def test_a_file_of_another_budget_year_is_flagged_and_the_overview_says_so(tmp_path: Path) -> None:
    """review17: last year's file dropped into the inbox was added to this year's totals
    without a word."""
    entries = [
        _of_year("甲", 2024),
        _of_year("乙", 2023),
        _of_year("丙", 2024),
        _of_year("丁", None),
    ]
    result = consolidate(entries)
    flagged = {
        e.file: [f.message for f in e.findings if f.code == "year-mixed"] for e in result.entries
    }
    assert flagged == {
        "甲.json": [],
        "乙.json": ["本文件的预算年度（2023 年）与多数文件（2024 年）不同"],
        "丙.json": [],
        "丁.json": [],  # no year stated: not compared (its own check says so)
    }
    assert result.budget == 40  # flagged, never left out
    assert result.year_text() == "2024"
    assert result.totals_notes()["预算年度"].startswith("另有 2023 年 1 份：")
    assert result.totals_notes()["预算年度"].endswith("；1 份文件没有写预算年度")  # review18
    assert "year-mixed" in result.totals_notes()["预算年度"]
    # a tie: the later year is the run's, last year's file is the one flagged
    tie = consolidate([_of_year("甲", 2023), _of_year("乙", 2024)])
    assert [f.file for e in tie.entries for f in e.findings if f.code == "year-mixed"] == [
        "甲.json"
    ]
    one = consolidate([_of_year("甲", 2024), _of_year("乙", 2024), _of_year("丙", None)])
    assert one.year_text() == "2024" and one.totals_notes()["预算年度"] == "1 份文件没有写预算年度"
    both = consolidate([_of_year("甲", 2024), _of_year("乙", 2024)])
    assert both.totals_notes()["预算年度"] == ""
    assert not [f for e in one.entries for f in e.findings if f.code == "year-mixed"]
    assert consolidate([_of_year("甲", None)]).year_text() == "未填"
    path = tmp_path / "s.xlsx"
    write_summary(result, path)
    overview = {
        row[0]: row[1:]
        for row in openpyxl.load_workbook(path)["汇总概览"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert overview["预算年度"][0] == "2024"
    assert overview["预算年度"][1].startswith("另有 2023 年 1 份：")


def test_a_file_naming_no_unit_is_said_so() -> None:
    """review17: a nameless unit's console line began with “：0 个项目” and its summary rows
    stood under an empty 下属单位."""
    made = submission(" ", MoneyUnit.WAN, [Decimal(10)])
    result = consolidate([Entry("无名.json", made)])
    assert result.sub_units.column("sub_unit") == ["（未填单位名称）"]
    assert {r["sub_unit"] for r in result.projects.records()} == {"（未填单位名称）"}
    assert "\n：" not in "\n" + consolidation_text(result, Path("汇总.xlsx"))


def test_a_file_without_projects_has_no_totals_rather_than_zero() -> None:
    """review17 D4: seed 106 (a 部门整体 table only, 171.41万元) stood at 预算数 0.00."""
    department_only = submission("部门", MoneyUnit.WAN, [])
    result = consolidate([Entry("a.json", department_only), _of_year("甲", 2024)])
    rows = {r["sub_unit"]: r for r in result.sub_units.records()}
    assert [rows["部门"][k] for k in ("projects", "budget", "fiscal", "other")] == [
        0,
        None,
        None,
        None,
    ]
    assert rows["甲"]["budget"] == Decimal(10) and result.budget == Decimal(10)
    text = consolidation_text(result, Path("汇总.xlsx"))
    assert "部门：0 个项目，错误" in text and "—万元" not in text  # review18


def test_projects_with_one_name_are_never_merged() -> None:
    tianjin = sample("seed-001.json")
    result = consolidate([Entry("t.json", tianjin)])
    same = [r for r in result.projects.records() if r["name"] == "司法救助-2023中央"]
    assert sorted(r["budget"] for r in same) == [Decimal("1.42"), Decimal("4.45")]  # type: ignore[type-var]
    (entry,) = result.entries
    for row in same:
        number = 6 if row["budget"] == Decimal("1.42") else 7  # only its own project's findings
        tally = Tally.of(f for f in entry.findings if f.project_number == number)
        assert (row["errors"], row["warnings"], row["status"]) == (
            tally.errors,
            tally.warnings,
            tally.status,
        )


def test_department_sheets_of_one_workbook(tmp_path: Path) -> None:
    base = sample("seed-001.json")
    projects = tuple(
        dataclasses.replace(p, department="执行局" if i % 2 else "立案庭")
        for i, p in enumerate(base.projects)
    )
    path = tmp_path / "one.xlsx"
    save_workbook(fill_workbook(dataclasses.replace(base, projects=projects), min_projects=1), path)
    (entry,) = collect([path])
    parts = split_by_department(entry)
    # every sheet names its 填报部门 and the workbook has no department parts: the unit itself
    # is no sub-unit of its own (an empty part would only say "submission-empty")
    assert sorted(p.sub_unit for p in parts) == ["执行局", "立案庭"]
    result = consolidate(parts)
    units = {r["sub_unit"]: r for r in result.sub_units.records()}
    assert units["执行局"]["projects"] == 4
    assert base.unit.money_unit is MoneyUnit.WAN
    executive = base.projects[1::2]  # 执行局's four
    assert units["执行局"]["budget"] == sum((p.budget or 0 for p in executive), Decimal(0))


def test_a_code_under_two_departments_of_one_workbook_is_a_duplicate() -> None:
    """Split by 填报部门, each part is validated alone: the same 项目编码 in two parts of one
    workbook is flagged across them as validating the whole workbook flags it (review13: it
    was lost, the check across files skipping places of one file)."""
    base = sample("seed-001.json")
    first = base.projects[0]
    projects = tuple(
        dataclasses.replace(
            p, department="执行局" if i % 2 else "立案庭", code="131000P1" if i < 2 else p.code
        )
        for i, p in enumerate(base.projects)
    )
    submission = dataclasses.replace(base, projects=projects)
    whole = Entry("one.json", submission, validate_submission(submission, file="one.json"))
    assert any(f.code == "project-code-duplicate" for f in whole.findings)  # validated whole
    result = consolidate(split_by_department(whole))
    flagged = [
        (e.sub_unit, f.project_number)
        for e in result.entries
        for f in e.findings
        if f.code == "project-code-duplicate"
    ]
    assert sorted(flagged) == [("执行局", first.number + 1), ("立案庭", first.number)]
    assert result.repeated()[0] == 2


def test_a_placeholder_code_in_many_files_counts_the_places_first() -> None:
    """“无” as the 项目编码 of 40 files: each finding counts the other places first and names
    a few (it joined all of them for every finding: quadratic at province scale, review13)."""
    court = sample("seed-000.json")
    placeholder = tuple(dataclasses.replace(p, code="无") for p in court.projects[:1])
    entries = [
        Entry(
            f"u{n:02d}.json",
            dataclasses.replace(
                court,
                unit=dataclasses.replace(court.unit, name=f"单位{n}", code=f"U{n}"),
                projects=placeholder,
            ),
        )
        for n in range(40)
    ]
    result = consolidate(entries)
    found = [f for f in result.findings if f.code == "project-code-duplicate"]
    assert len(found) == 40
    assert all("项目编码 无 重复：共 39 处，如单位" in f.message for f in found)
    assert "单位0（u00.json）" not in found[0].message and "单位1（u01.json）" in found[0].message


# ---------------------------------------------------------------- hostile and broken files


def zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"0" * (1 << 20)
            for _ in range(600):  # 600 MB of zeros, a few hundred KB packed
                part.write(chunk)


def entity_attack(path: Path, good: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<workbook>&lol2;</workbook>"
    )
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = laughs.encode() if item.filename == "xl/workbook.xml" else source.read(item)
            target.writestr(item, data)


def encrypted(path: Path, good: Path) -> None:
    with good.open("rb") as source:
        buffer = io.BytesIO()
        msoffcrypto.OfficeFile(source).encrypt("密码", buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    good_a = filled(folder, "001")
    good_b = filled(folder, "004")
    (folder / "空文件夹").mkdir()
    (folder / "零字节.xlsx").write_bytes(b"")
    (folder / "损坏.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (folder / "~$天津.xlsx").write_bytes(b"owner lock file")
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "别的表格"
    foreign.save(folder / "别的表格.xlsx")
    encrypted(folder / "加密.xlsx", good_a)
    zip_bomb(folder / "炸弹.xlsx")
    entity_attack(folder / "实体攻击.xlsx", good_b)
    stray = openpyxl.load_workbook(good_a)
    stray["项目1"]["XFD1048576"] = "误填"  # a dense reader would allocate 17 billion cells
    stray.save(folder / "远处单元格.xlsx")
    return folder


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_bad_files_are_reported_good_ones_consolidated_nothing_modified(
    inbox: Path, tmp_path: Path
) -> None:
    before = checksums(inbox)
    output = tmp_path / "汇总.xlsx"
    result = CliRunner().invoke(
        main, ["consolidate", str(inbox), "-o", str(output), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    states = {Path(u["file"]).name: u["status"] for u in summary["sub_units"]}
    assert states["seed-001.xlsx"] == "有错误" and states["seed-004.xlsx"] == "有错误"
    bad = {
        "零字节.xlsx",
        "损坏.xlsx",
        "别的表格.xlsx",
        "加密.xlsx",
        "炸弹.xlsx",
        "实体攻击.xlsx",
        "远处单元格.xlsx",
    }
    assert {name for name, state in states.items() if state == "无法读取"} == bad
    assert "~$天津.xlsx" not in states
    assert summary["summary"]["projects"] == 16
    unreadable = [f for f in summary["findings"] if f["code"] == "file-unreadable"]
    assert {Path(f["file"]).name for f in unreadable} == bad
    assert checksums(inbox) == before
    issues = sheet_records(openpyxl.load_workbook(output)["问题清单"])
    reasons = {Path(r["file"]).name: r["message"] for r in issues if r["code"] == "file-unreadable"}
    assert set(reasons) == bad
    assert "压缩炸弹" in reasons["炸弹.xlsx"] and "实体" in reasons["实体攻击.xlsx"]
    assert "密码" in reasons["加密.xlsx"] and "XFD1048576" in reasons["远处单元格.xlsx"]


def test_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    result = CliRunner().invoke(
        main, ["consolidate", str(tmp_path / "空"), "-o", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 2 and "没有找到" in result.output


# ---------------------------------------------------------------- the summary workbook


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    assert "汇总工作簿" in result.output
    return folder


def sheet_records(sheet: Worksheet) -> list[dict[str, object]]:
    """问题清单 rows keyed like FINDINGS_COLUMNS (whose headings the sheet must carry)."""
    header, *rows = sheet.iter_rows(values_only=True)
    assert header == tuple(c.heading for c in FINDINGS_COLUMNS)
    return [dict(zip((c.key for c in FINDINGS_COLUMNS), r, strict=True)) for r in rows]


def test_summary_sheets_links_and_formats(demo_folder: Path) -> None:
    output = demo_folder / "汇总.xlsx"
    wb = openpyxl.load_workbook(output)
    assert wb.sheetnames == ["汇总概览", "项目汇总", "支出计划", "指标明细", "问题清单", "部门整体"]
    projects = wb["项目汇总"]
    assert projects.auto_filter.ref and projects.freeze_panes == "A2"
    issues = wb["问题清单"]
    records = sheet_records(issues)
    assert [r["number"] for r in records] == list(range(1, len(records) + 1))
    where = [c.key for c in FINDINGS_COLUMNS].index("where")
    linked = 0
    for row in issues.iter_rows(min_row=2):
        link = row[where].hyperlink
        if link is None:
            continue
        target = (output.parent / link.target).resolve()
        assert target.is_file(), link.target
        sheet, cell = link.location.split("!")
        source = openpyxl.load_workbook(target, read_only=True)
        assert sheet.strip("'") in source.sheetnames
        assert f"{sheet.strip(chr(39))}!{cell}" == row[where].value  # shown: 项目1!F12
        linked += 1
        if linked > 5:
            break
    assert linked > 5
    overview = wb["汇总概览"]
    facts = {r[0]: r[1] for r in overview.iter_rows(min_row=3, max_row=10, values_only=True)}
    assert facts["项目数"] == projects.max_row - 1
    assert facts["错误"] == sum(1 for r in records if r["severity"] == "错误")
    with zipfile.ZipFile(output) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_summary_is_deterministic(tmp_path: Path, demo_folder: Path) -> None:
    entries = collect([demo_folder / "报送"])
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    write_summary(consolidate(entries), first, "演示")
    write_summary(consolidate(collect([demo_folder / "报送"])), second, "演示")

    def content(path: Path) -> list[list[object]]:
        wb = openpyxl.load_workbook(path)
        return [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows()]

    assert content(first) == content(second)


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    court = planted_court()
    project = dataclasses.replace(court.projects[0], name='=HYPERLINK("http://x","点我")')
    path = tmp_path / "eq.xlsx"
    write_summary(
        consolidate([Entry("eq.json", dataclasses.replace(court, projects=(project,)))]), path
    )
    cell = next(
        c
        for row in openpyxl.load_workbook(path)["项目汇总"].iter_rows()
        for c in row
        if c.value and str(c.value).startswith("=HYPERLINK")
    )
    assert cell.data_type == "s"


@pytest.mark.libreoffice
def test_summary_opens_in_libreoffice(lo, demo_folder: Path) -> None:  # type: ignore[no-untyped-def]
    doc = lo.open(demo_folder / "汇总.xlsx")
    try:
        names = [s["name"] for s in lo.sheets(doc)]
        assert names[:3] == ["汇总概览", "项目汇总", "支出计划"]
        assert lo.get(doc, "项目汇总", "F1")["string"] == "项目名称"
        assert lo.get(doc, "汇总概览", "A1")["string"].endswith("预算绩效目标汇总")
    finally:
        lo.close_doc(doc)


def test_links_survive_hash_signs_and_other_drives(tmp_path: Path) -> None:
    from jixiao.findings import Finding, Severity
    from jixiao.outputs.summary import source_link

    finding = Finding("value-missing", Severity.ERROR, "x", "项目1", "F12", None, None, "m", "h")
    link = source_link(str(tmp_path / "报送" / "第#1批.xlsx"), finding, tmp_path)
    assert link == "external:报送/第%231批.xlsx#'项目1'!F12"


def test_out_of_range_plans_do_not_bend_the_unit_line() -> None:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100)], [(25, 50, 75, 100)])
    b = submission("乙", MoneyUnit.WAN, [Decimal(100)], [(2500, 5000, 7500, 10000)])
    plan = consolidate([Entry("a.json", a), Entry("b.json", b)]).plan
    assert plan.records()[0] == {
        "checkpoint": "3月底",
        "amount": Decimal(25),
        "planned_budget": Decimal(100),  # 乙 still counts in the totals, not in the line
        "percent": Decimal(25),
        "left_out": 1,  # and the line says so
        "left_out_budget": Decimal(100),
        "minimum_percent": None,
        "met": None,
    }


# ---------------------------------------------------------------- JSON, text, no pandas


def _keys(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def mixed_entries() -> list[Entry]:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100), Decimal("0.5")], [(25, 50, 75, 100)] * 2)
    b = submission("乙", MoneyUnit.YUAN, [Decimal(3_000_000), Decimal("1234.56")])
    broken = [file_finding(FILE_UNREADABLE, "c.xlsx", reason="文件已损坏")]
    return [Entry("a.json", a), Entry("b.json", b), Entry("c.xlsx", None, broken)]


def mixed_result() -> Consolidation:
    return consolidate(mixed_entries())


def test_consolidation_json_text_is_written_piece_by_piece_as_dumps_would() -> None:
    """``consolidate --format json`` streams the findings (province scale: they wait on disk);
    the text is exactly the indented dump of :func:`consolidation_json`."""
    from jixiao.outputs.report import consolidation_json_text

    result = mixed_result()
    result = dataclasses.replace(result, findings=list(result.findings) * 3)
    pieces = list(consolidation_json_text(result, Path("汇总.xlsx")))
    whole = json.dumps(consolidation_json(result, Path("汇总.xlsx")), ensure_ascii=False, indent=2)
    assert "".join(pieces) == whole and len(pieces) == len(result.findings) + 2
    empty = dataclasses.replace(result, findings=[])
    text = "".join(consolidation_json_text(empty, Path("汇总.xlsx")))
    assert text == json.dumps(
        consolidation_json(empty, Path("汇总.xlsx")), ensure_ascii=False, indent=2
    )
    assert json.loads(text)["findings"] == []


def test_consolidation_json_has_snake_case_keys_rounded_figures_and_the_findings() -> None:
    result = mixed_result()
    data = consolidation_json(result, Path("汇总.xlsx"))
    json.dumps(data, allow_nan=False)  # plain JSON: no Decimal, no NaN or Infinity
    keys = set(_keys(data))
    assert keys and all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys), sorted(keys)
    assert set(data) == {"output", "money_unit", "sub_units", "plan", "summary", "findings"}
    assert data["money_unit"] == "万元"
    (yi,) = (u for u in data["sub_units"] if u["sub_unit"] == "乙")
    assert yi == {
        "sub_unit": "乙",
        "file": "b.json",
        "projects": 2,
        "budget": 300.12,  # 300.123456 万元 to 0.01
        "fiscal": 300.12,
        "other": 0.0,
        "errors": yi["errors"],
        "warnings": yi["warnings"],
        "status": yi["status"],
    }
    assert data["sub_units"][2]["status"] == "无法读取"
    assert data["summary"] == {
        "files": 3,
        "projects": 4,
        "budget": 400.62,
        **result.tally.to_json(),
    }
    # Only 甲 (100.5 万元) has a plan: 3月底 is 25%, 25.125 万元.
    assert data["plan"][0] == {
        "checkpoint": "3月底",
        "amount": 25.13,
        "planned_budget": 100.5,
        "percent": 25.0,
        "left_out": 2,  # 乙's two projects have no plan: said beside the total
        "left_out_budget": 300.12,
        "minimum_percent": None,
        "met": None,
    }
    assert data["findings"] == [f.to_json() for f in result.findings]
    assert any(f["code"] == "file-unreadable" for f in data["findings"])


def test_consolidation_text_shows_the_same_figures() -> None:
    result = mixed_result()
    text = consolidation_text(result, Path("汇总.xlsx"))
    assert "乙：2 个项目，预算 300.12万元" in text
    assert "支出计划（按预算加权）：3月底 25.0%" in text
    assert f"合计：3 份，4 个项目，预算 400.62万元；{result.tally.text()}" in text
    in_yuan = consolidate(mixed_entries(), MoneyUnit.YUAN)
    assert "预算 4,006,234.56元" in consolidation_text(in_yuan, Path("汇总.xlsx"))


def test_an_amount_too_large_for_a_float_is_left_blank_not_written_as_inf(tmp_path: Path) -> None:
    huge = submission("巨", MoneyUnit.YUAN, [Decimal("1E+400")])
    result = consolidate([Entry("h.json", huge)])
    path = tmp_path / "h.xlsx"
    write_summary(result, path)  # XlsxWriter refuses inf/NaN: it must never be given one
    sheet = openpyxl.load_workbook(path)["项目汇总"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("预算数（万元）") + 1).value is None
    assert consolidation_json(result, path)["summary"]["budget"] is None


def test_cli_imports_neither_pandas_nor_numpy() -> None:
    """Nothing of jixiao imports pandas or numpy; openpyxl's own optional probe for numpy
    (openpyxl.compat.numbers) is the only importer allowed, when numpy happens to be installed."""
    code = """
import json, sys

importers = {}

class Spy:
    def find_spec(self, name, path=None, target=None):
        if name in ("numpy", "pandas"):
            frame = sys._getframe(1)
            while frame and frame.f_globals.get("__name__", "").startswith("importlib"):
                frame = frame.f_back
            importers.setdefault(name, []).append(frame.f_globals.get("__name__"))
        return None

sys.meta_path.insert(0, Spy())
import jixiao.cli
import jixiao.excel.handlers, jixiao.outputs.summary, jixiao.service.collect
print(json.dumps({"loaded": [m for m in ("pandas", "numpy") if m in sys.modules],
                  "importers": importers}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert "pandas" not in seen["loaded"] and "pandas" not in seen["importers"]
    assert set(seen["importers"].get("numpy", [])) <= {"openpyxl.compat.numbers"}
    if "numpy" in seen["loaded"]:
        assert seen["importers"]["numpy"], "numpy loaded by something the spy did not see"


def test_a_application_workbook_is_no_old_template() -> None:
    """Versions are compared within one template: a 申报表 (its own id and numbering) beside
    绩效目标表 workbooks is never taken for an old template; an old 绩效目标表 still is."""

    def made(name: str, template: dict[str, object]) -> Submission:
        return dataclasses.replace(sample(name), template=template)

    first = {"id": "jixiao-ysjx", "version": 2}
    entries = [
        Entry("a.xlsx", made("seed-000.json", first)),
        Entry("b.xlsx", made("seed-001.json", first)),
        Entry("c.xlsx", made("other-104.json", {"id": "jixiao-sbb", "version": 1})),
        Entry("d.xlsx", made("seed-004.json", {"id": "jixiao-ysjx", "version": 1})),
    ]
    result = consolidate(entries)
    flagged = [
        e.file for e in result.entries for f in e.findings if f.code == "template-version-mixed"
    ]
    assert flagged == ["d.xlsx"]
