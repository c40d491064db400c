"""汇总: totals, the weighted unit plan, cross-file checks, hostile files, the summary workbook."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.cli import main
from jixiao.consolidate import Entry, consolidate
from jixiao.model import PlanEntry, Project, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.outputs.summary import write_summary
from jixiao.service.collect import collect, split_by_department
from jixiao.service.demo import planted_court, sample
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
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
    total = result.projects["预算数"].sum() if not result.projects.empty else 0.0
    assert float(total) == pytest.approx(float(expected), rel=1e-9, abs=1e-6)
    per_unit = result.sub_units["预算数"].sum()
    assert float(per_unit) == pytest.approx(float(expected), rel=1e-9, abs=1e-6)
    assert len(result.projects) == sum(len(b) for _, b in units)


def test_unit_plan_is_the_budget_weighted_mean_by_hand() -> None:
    a = submission("甲", MoneyUnit.WAN, [Decimal(100)], [(25, 50, 75, 100)])
    b = submission("乙", MoneyUnit.YUAN, [Decimal(3_000_000)], [(10, 20, 60, 100)])  # 300 万元
    result = consolidate([Entry("a.json", a), Entry("b.json", b)], MoneyUnit.WAN)
    plan = result.plan.set_index("时间节点")
    # 3月底: (100×25% + 300×10%) / 400 = 55 / 400 = 13.75%
    assert plan.loc["3月底", "累计支出进度%"] == pytest.approx(13.75)
    assert plan.loc["3月底", "累计支出金额"] == pytest.approx(55)
    assert plan.loc["6月底", "累计支出进度%"] == pytest.approx((50 + 60) / 400 * 100)
    assert plan.loc["10月底", "累计支出进度%"] == pytest.approx((75 + 180) / 400 * 100)
    assert plan.loc["12月底", "累计支出进度%"] == pytest.approx(100)


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


def test_projects_with_one_name_are_never_merged() -> None:
    tianjin = sample("seed-001.json")
    result = consolidate([Entry("t.json", tianjin)])
    same = result.projects[result.projects["项目名称"] == "司法救助-2023中央"]
    assert sorted(same["预算数"]) == [1.42, 4.45]
    (entry,) = result.entries
    for budget, errors, warnings in zip(same["预算数"], same["错误"], same["警告"], strict=True):
        number = 6 if budget == 1.42 else 7  # each row counts only its own project's findings
        mine = [f for f in entry.findings if f.project_number == number]
        assert (errors, warnings) == (
            sum(f.severity.value == "error" for f in mine),
            sum(f.severity.value == "warning" for f in mine),
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
    assert sorted(p.sub_unit for p in parts) == ["天津市北辰区人民法院", "执行局", "立案庭"]
    result = consolidate(parts)
    assert result.sub_units.set_index("下属单位").loc["执行局", "项目数"] == 4


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
    states = {Path(u["文件"]).name: u["状态"] for u in summary["sub_units"]}
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
    assert checksums(inbox) == before
    issues = openpyxl.load_workbook(output)["问题清单"]
    reasons = {
        Path(r[4]).name: r[8]
        for r in issues.iter_rows(min_row=2, values_only=True)
        if r[2] == "file-unreadable"
    }
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


def test_summary_sheets_links_and_formats(demo_folder: Path) -> None:
    output = demo_folder / "汇总.xlsx"
    wb = openpyxl.load_workbook(output)
    assert wb.sheetnames == ["汇总概览", "项目汇总", "支出计划", "指标明细", "问题清单", "部门整体"]
    projects = wb["项目汇总"]
    assert projects.auto_filter.ref and projects.freeze_panes == "A2"
    issues = wb["问题清单"]
    linked = 0
    for row in issues.iter_rows(min_row=2):
        link = row[6].hyperlink
        if link is None:
            continue
        target = (output.parent / link.target).resolve()
        assert target.is_file(), link.target
        sheet, cell = link.location.split("!")
        source = openpyxl.load_workbook(target, read_only=True)
        assert sheet.strip("'") in source.sheetnames
        assert cell == row[6].value
        linked += 1
        if linked > 5:
            break
    assert linked > 5
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
    plan = consolidate([Entry("a.json", a), Entry("b.json", b)]).plan.set_index("时间节点")
    assert plan.loc["3月底", "累计支出进度%"] == pytest.approx(25)
