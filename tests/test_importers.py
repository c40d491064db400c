"""Importers: published documents (text extractions of the seeds, generated .docx) → the model.

The reviewed transcriptions ``fixtures/seed-*.json`` are the ground truth; the two fields where
the import deliberately differs (the document does not state them) are listed in DELIBERATE.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest

from conftest import FIXTURES, seed_document, without_locations
from jixiao.findings import Finding
from jixiao.model import Submission
from jixiao.readers.documents import MAX_DOCUMENT_BYTES, import_document, import_text
from jixiao.readers.documents.lines import strip_residue
from jixiao.readers.interchange import load_submission
from jixiao.validate import validate_submission

NUMBERS = ("000", "001", "002", "004")

DELIBERATE: dict[str, dict[str, Any]] = {
    # 000 states no year anywhere (only the project code's digits, which are not the year).
    "000": {"year": None},
    # 002 is an extract without its unit line: the transcription named the unit by hand.
    "002": {"name": ""},
}


def seed_path(number: str) -> Path:
    return seed_document(number)  # fails (never skips) when the fixture is missing


def fixture(number: str) -> Submission:
    submission, findings = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None, findings
    return submission


def imported(number: str) -> tuple[Submission, list[Finding]]:
    submission, findings = import_document(seed_path(number))
    assert submission is not None, findings
    return submission, findings


blank = without_locations


def expected_model(number: str) -> Submission:
    """The transcription as the import reads it: the DELIBERATE fields, and every text without
    the converter residue the transcription keeps as printed (``$\\geq 85\\%$`` → ``≥85%``)."""
    expected = cleaned(fixture(number))
    unit = dataclasses.replace(expected.unit, **DELIBERATE.get(number, {}))
    return dataclasses.replace(expected, unit=unit)


def cleaned(obj: Any) -> Any:
    """The same model with :func:`strip_residue` applied to every text."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {f.name: cleaned(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, tuple):
        return tuple(cleaned(x) for x in obj)
    return strip_residue(obj) if isinstance(obj, str) else obj


RESIDUE = {"000": 20}
"""How many pieces of converter residue (LaTeX) each seed's text holds: one finding says so."""


# ---------------------------------------------------------------- the seeds


@pytest.mark.parametrize("number", NUMBERS)
def test_seed_imports_to_the_reviewed_model(number: str) -> None:
    submission, findings = imported(number)
    if number in RESIDUE:
        (residue,) = findings  # the raw text is kept in the one finding that mentions it
        assert residue.code == "import-cleaned"
        assert residue.message.startswith(f"导入时清除了 {RESIDUE[number]} 处排版残留")
    else:
        assert findings == []
    assert blank(submission) == blank(expected_model(number))


@pytest.mark.parametrize("number", NUMBERS)
def test_seed_locations_are_the_reviewed_lines(number: str) -> None:
    submission, _ = imported(number)
    expected = fixture(number)
    for got, want in zip(submission.projects, expected.projects, strict=True):
        assert got.source.line == want.source.line
        assert {k: v.line for k, v in got.sources.items()} == {
            k: v.line for k, v in want.sources.items()
        }
        assert [i.source.line for i in got.indicators] == [i.source.line for i in want.indicators]
        assert [e.source.line for e in got.plan] == [e.source.line for e in want.plan]
        assert got.source.file == seed_path(number).name
    if expected.department is not None:
        assert submission.department is not None
        got_rows = submission.department.overall_table
        assert [r.source.line for r in got_rows] == [
            r.source.line for r in expected.department.overall_table
        ]
        got_blocks = [b.source.line for b in submission.department.blocks]
        assert got_blocks == [b.source.line for b in expected.department.blocks]


def test_seed_headline_values() -> None:
    """The brief's list, spelled out (the whole-model test above already covers it)."""
    s001, _ = imported("001")
    assert s001.unit.profile == "tianjin" and s001.unit.year == 2024
    assert s001.unit.code == "215101" and s001.unit.name == "天津市北辰区人民法院"
    assert len(s001.projects) == 9
    assert [len(p.indicators) for p in s001.projects] == [9, 7, 6, 11, 7, 7, 7, 7, 12]
    assert s001.projects[8].budget == Decimal("806.72") and s001.projects[8].fiscal is None
    s004, _ = imported("004")
    assert s004.unit.money_unit.value == "元" and s004.unit.year == 2025
    assert [p.number for p in s004.projects] == [1, 2, 3, 4, 5, 14, 15]
    assert [str(e.percent) for e in s004.projects[2].plan] == ["20", "40", "60", "100"]
    assert s004.department is not None
    assert [len(b.indicators) for b in s004.department.blocks] == [9] * 5
    assert [m.group for m in s004.department.measures].count("财务保障措施") == 7
    s002, _ = imported("002")
    assert s002.department is not None and len(s002.department.overall_table) == 24
    shifted = s002.department.overall_table[20]
    assert (shifted.duty_no, shifted.budget_project) == ("22", "部门工作台账")


def _compact(findings: list[Finding]) -> list[str]:
    return sorted(
        json.dumps(
            {
                "code": f.code,
                "severity": f.severity.value,
                "line": f.line,
                "project": f.project_name,
                "message": f.message,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        for f in findings
    )


@pytest.mark.parametrize("number", NUMBERS)
def test_validating_an_imported_seed_finds_the_reviewed_problems(number: str) -> None:
    submission, _ = imported(number)
    expected = json.loads((FIXTURES / f"seed-{number}.expected.json").read_text("utf-8"))
    for finding in expected:  # the imported cells are clean: their findings quote clean text
        finding["message"] = strip_residue(finding["message"])
    assert _compact(validate_submission(submission)) == sorted(
        json.dumps(e, ensure_ascii=False, sort_keys=True) for e in expected
    )


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("000", {"value-mixed", "value-note", "symbol-missing"}),
        ("001", {"cost-sum-exceeds-budget", "money-unit-mixed", "deadline-outside-year"}),
        ("002", {"overall-sequence-gap", "overall-column-shifted", "target-below-history"}),
        ("004", {"cost-exceeds-budget", "narrative-table-conflict", "unit-mismatch"}),
    ],
)
def test_known_problems_have_their_codes(number: str, codes: set[str]) -> None:
    submission, findings = imported(number)
    found = validate_submission(submission)
    assert codes <= {f.code for f in found}
    assert not [f for f in [*findings, *found] if f.code == "import-unparsed"]
    if number == "004":
        cost = [f for f in found if f.code == "cost-exceeds-budget"]
        assert [f.project_name for f in cost] == ["人民调解"]


# ---------------------------------------------------------------- converter variants


PLAN_VARIANTS = """1.测试项目绩效目标表
130101 某某县某某局本级
单位：万元
项目编码\t13010125P00000010001E\t\t项目名称\t测试项目
预算规模及 资金用途\t预算数\t100\t其中：财政 资金\t100\t其他资金\t
\t用于测试。
资金支出计 划（%）\t3月底\t6月底\t10月底
\t12月底
\t25%\t50%\t75%\t100%
- 2 -
资金支出计划（%）\t3月底\t6月底\t10月底\t12月底
\t25%\t50%\t75%\t100%
绩效目标\t1.测试。
一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定 依据
产出指标\t数量指标\t<b>办理</b>件数\t件数\t≥5 件\t历史
\t质量指标\t合格率\t合格率\t≥90%\t历史
第 3 页
一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定 依据
效益指标\t社会效益指 标\t采纳率\t采纳率\t≥80%\t历史
"""


def test_wrapped_checkpoint_repeated_plan_and_page_breaks() -> None:
    submission, findings = import_text(PLAN_VARIANTS, "variant.txt")
    assert findings == []
    assert submission is not None and submission.unit.year is None
    (project,) = submission.projects
    assert [(e.checkpoint, e.percent) for e in project.plan] == [
        ("3月底", 25),
        ("6月底", 50),
        ("10月底", 75),
        ("12月底", 100),
    ]
    assert [(i.level1, i.level2, i.level3) for i in project.indicators] == [
        ("产出指标", "数量指标", "办理件数"),
        ("产出指标", "质量指标", "合格率"),
        ("效益指标", "社会效益指标", "采纳率"),
    ]
    assert project.budget == 100 and project.other is None


def test_markdown_headings_and_unparsed_fragments_are_reported() -> None:
    text = "# 1.测试项目绩效目标表\n\n项目名称\t测试\n这一行不属于任何表格\n" + (
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\n产出指标\t数量指标\t件数\t件数\t≥5件\n"
    )
    submission, findings = import_text(text, "x.md")
    assert submission is not None and submission.projects[0].name == "测试"
    assert submission.unit.profile == "tianjin"
    (finding,) = findings
    assert finding.code == "import-unparsed" and finding.line == 4
    assert "这一行不属于任何表格" in finding.message


def test_prose_indicator_forms() -> None:
    text = (
        "一、总体绩效目标\n目标。\n二、分项绩效目标\n“甲”项目目标为甲。\n"
        "绩效目标：资金累计支出进度3月底、6月底、10月底、12月底分别达到25%、50%、75%、100%。"
        "具体为：1、产出指标-数量指标-开展活动数量（说明），指标值>=6；"
        "2、效果指标-连续性指标，长期开展活动。指标值促进工作；"
        "3、满意度指标-投诉率（投诉人数占比，指标值<=2%。以上指标是根据计划安排确定。"
        "4、没有数值的一项。\n三、工作保障措施\n（一）完善制度建设\n建立制度。\n"
    )
    submission, findings = import_text(text, "d.txt")
    assert submission is not None and submission.department is not None
    (block,) = submission.department.blocks
    assert block.title == "甲" and [e.percent for e in block.plan] == [25, 50, 75, 100]
    assert [(i.level1, i.level2, i.level3, i.description, i.value) for i in block.indicators] == [
        ("产出指标", "数量指标", "开展活动数量", "说明", ">=6"),
        ("效果指标", "连续性指标", "长期开展活动", None, "促进工作"),
        ("满意度指标", None, "投诉率", "投诉人数占比", "<=2%"),
    ]
    assert [f.code for f in findings] == ["import-unparsed"]
    assert submission.department.measures[0].title == "完善制度建设"


# ---------------------------------------------------------------- .docx


def _docx_of(submission: Submission, path: Path) -> Path:
    """Write the projects of a model as a Word document the way units publish them."""
    document = docx.Document()
    unit = submission.unit
    for project in submission.projects:
        document.add_heading(f"{project.number}.{project.name}绩效目标表", level=2)
        document.add_paragraph(f"{unit.code}{unit.name}")
        document.add_paragraph(f"单位：{unit.money_unit.value}")
        _project_table(document, project)
    document.save(str(path))
    return path


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _project_table(document: Any, project: Any) -> None:
    rows: list[list[str]] = []
    if project.code:
        rows.append(["项目编码", project.code, "项目名称", project.name, "", ""])
    else:
        rows.append(["项目名称", project.name, "", "", "", ""])
    rows.append(["预算规模及资金用途", "预算数", _money(project.budget), "其中：财政资金"])
    rows[-1] += [_money(project.fiscal), "其他资金", _money(project.other)]
    rows.append(["", project.purpose or "", "", "", "", ""])
    if project.plan:
        rows.append(["资金支出计划（%）", *[e.checkpoint for e in project.plan]])
        rows.append(["", *[f"{e.percent}%" for e in project.plan]])
    rows.append(["绩效目标", project.goal or "", "", "", "", ""])
    basis = any(i.basis for i in project.indicators)
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    rows.append([*header, "指标值确定依据"] if basis else header)
    first_indicator = len(rows)
    for i in project.indicators:
        cells = [i.level1, i.level2, i.level3, i.description, i.value]
        rows.append([c or "" for c in ([*cells, i.basis] if basis else cells)])
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    _merge_levels(table, project.indicators, first_indicator)


def _merge_levels(table: Any, indicators: Any, first: int) -> None:
    """Merge 一级 and 二级 cells vertically over their runs, as the published tables do."""
    for column, name in ((0, "level1"), (1, "level2")):
        start = 0
        for k in range(1, len(indicators) + 1):
            same = k < len(indicators) and all(
                getattr(indicators[k], n) == getattr(indicators[start], n) for n in ("level1", name)
            )
            if not same:
                if k - start > 1:
                    top = table.cell(first + start, column)
                    text = top.text
                    top.merge(table.cell(first + k - 1, column))
                    top.text = text
                start = k


@pytest.mark.parametrize("number", ["000", "001", "004"])
def test_docx_with_merged_cells_imports_to_the_same_projects(number: str, tmp_path: Path) -> None:
    expected = fixture(number)
    path = _docx_of(expected, tmp_path / f"seed-{number}.docx")
    submission, findings = import_document(path)
    assert submission is not None, findings
    assert findings == []
    assert blank(submission.projects) == blank(expected.projects)
    assert submission.unit.code == expected.unit.code
    assert submission.unit.profile == expected.unit.profile
    assert all(p.source.file == path.name and p.source.line for p in submission.projects)


def test_docx_that_is_not_a_zip_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    submission, findings = import_document(path)
    assert submission is None and [f.code for f in findings] == ["file-unreadable"]


# ---------------------------------------------------------------- robustness


@pytest.mark.parametrize("number", NUMBERS)
def test_truncated_seeds_never_raise(number: str) -> None:
    text = seed_path(number).read_text("utf-8")
    for fraction in (0.05, 0.2, 0.37, 0.5, 0.73, 0.9, 0.99):
        cut = text[: int(len(text) * fraction)]
        submission, findings = import_text(cut, "cut.txt")
        assert submission is not None or findings
        if submission is not None:
            validate_submission(submission)  # the model is usable as it stands


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("garbage.txt", bytes(range(256)) * 64, "二进制"),
        ("empty.txt", b"", "空"),
        ("table.xlsx", b"PK", "不支持"),
        ("prose.txt", "今天天气很好。\n没有任何表格。\n".encode(), "不像绩效目标文档"),
    ],
)
def test_bad_documents_give_findings(
    name: str, content: bytes, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    submission, findings = import_document(path)
    assert submission is None and findings
    assert findings[0].code == "file-unreadable" and reason in findings[0].message
    if name == "prose.txt":  # what could not be read is still listed, never dropped
        assert any(f.code == "import-unparsed" and "今天天气很好" in f.message for f in findings)


def test_gb18030_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(PLAN_VARIANTS.encode("gb18030"))
    submission, _ = import_document(path)
    assert submission is not None and submission.projects[0].name == "测试项目"


def test_fifty_megabytes_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = ("产出指标\t数量指标\t件数\t件数\t≥5件\t历史\n" * 1000).encode()
    with path.open("wb") as out:
        while out.tell() < 50 * 1024 * 1024:
            out.write(line)
    started = time.perf_counter()
    submission, findings = import_document(path)
    assert time.perf_counter() - started < 3
    assert submission is None and findings[0].code == "file-unreadable"
    assert "20 MB" in findings[0].message


def test_large_text_below_the_limit_finishes_in_bounded_time() -> None:
    body = seed_path("001").read_text("utf-8")
    text = (body * (MAX_DOCUMENT_BYTES // (len(body.encode()) * 8)))[: 2 * 1024 * 1024]
    started = time.perf_counter()
    submission, _ = import_text(text + "\n" + "x" * 1_000_000, "big.txt")
    assert time.perf_counter() - started < 20
    assert submission is not None
    assert Counter(p.name for p in submission.projects)["办案业务费"] > 1
