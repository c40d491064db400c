"""Reading and validating workbooks gives exactly what it gave when the golden file was recorded.

Issue #15 made the reader and the rules faster; this pins that nothing they produce changed:
every model value (each cell's Location included) and every finding (code, severity, place,
message, hint) of the fixture workbooks, compared with ``fixtures/golden/reading.json``.
The workbooks are built from the fixtures at test time (the seeds into the 绩效目标表
template, the other provinces' documents into the 申报表 one, and one clerk's mistakes typed
into a filled template), so the comparison covers the reader's fast paths and its findings.

A deliberate change of what is read or found rewrites the golden file (read its diff first):

    python tests/test_reading_golden.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # conftest's FIXTURES when run as a script

from conftest import FIXTURES
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import LAYOUT
from jixiao.validate import validate_submission

GOLDEN = FIXTURES / "golden" / "reading.json"
P, U = LAYOUT.project, LAYOUT.unit


def _seed(name: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        submission, problems = load_submission(FIXTURES / f"{name}.json")
        assert submission is not None, problems
        save_workbook(fill_workbook(submission, min_projects=1), path)

    return make


def _application(name: str, sheets: int = 1) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        submission, problems = load_submission(FIXTURES / f"{name}.json")
        assert submission is not None, problems
        save_workbook(fill_application(submission, min_projects=sheets), path)

    return make


def _copied(name: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        shutil.copyfile(FIXTURES / name, path)

    return make


def _messy(path: Path) -> None:
    """Seed 001 with what clerks type: amounts in 元 as text and no amount at all, plans as
    bare numbers and text, an error value, a date for money, a renamed sheet, a moved label,
    rows whose 一级/二级 are left to the row above."""
    _seed("seed-001")(path)
    book = openpyxl.load_workbook(path)
    first, second, third = book["项目1"], book["项目2"], book["项目3"]
    first[P.budget] = "11110000元"
    first[P.fiscal] = "大约一百万"
    first[P.other] = dt.datetime(2024, 3, 1)
    first[P.plan[0]] = "25"
    first[P.plan[1]] = 0.5
    first[P.plan[2]] = "７５％"
    first[P.plan[3]] = True
    first[P.row_cell("value", P.first_row)] = "#REF!"
    row = P.first_row + 3
    first[P.row_cell("level1", row)] = None
    first[P.row_cell("level2", row)] = None
    first[P.row_cell("level3", row)] = 2024
    first[P.row_cell("value", row)] = 0.95
    second.title = "审判业务经费"
    label_ref, _ = P.labels[0]
    third[label_ref] = "被改过的标签"
    unit = book[U.name]
    unit[U.cell("year")] = "明年"
    unit[U.cell("money_unit")] = "千元"
    book.save(path)


WORKBOOKS: dict[str, Callable[[Path], None]] = {
    **{f"seed-{n}": _seed(f"seed-{n}") for n in ("000", "001", "002", "004")},
    **{f"other-{n}": _application(f"other-{n}") for n in range(101, 107)},
    "other-103-and-blank-forms": _application("other-103", sheets=5),
    "application-v1-filled-101": _copied("application-v1-filled-101.xlsx"),
    "messy": _messy,
}


def plain(value: Any, file: str) -> Any:
    """A model object or finding as JSON-able data: every field, in order, types kept apart
    (a Decimal is not its text), the workbook's own path replaced by ``<file>``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: plain(getattr(value, f.name), file) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, Mapping):
        return {"mapping": [[plain(k, file), plain(v, file)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [plain(v, file) for v in value]
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.value}"
    if isinstance(value, Decimal):
        return f"Decimal({value})"
    if isinstance(value, str):
        return value.replace(file, "<file>")
    assert value is None or isinstance(value, bool | int), type(value)
    return value


def observed(name: str, folder: Path) -> dict[str, Any]:
    """What reading and validating one fixture workbook gives."""
    path = folder / f"{name}.xlsx"
    WORKBOOKS[name](path)
    submission, reading = read_workbook(path)
    found = validate_submission(submission, file=str(path)) if submission is not None else []
    return {
        "model": plain(submission, str(path)),
        "reading": plain(reading, str(path)),
        "findings": plain(found, str(path)),
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(GOLDEN.read_text("utf-8"))
    return recorded


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_reading_and_findings_are_unchanged(
    name: str, golden: dict[str, Any], tmp_path: Path
) -> None:
    assert name in golden, f"{name} not recorded: run python tests/test_reading_golden.py"
    now = observed(name, tmp_path)
    for part in ("reading", "findings", "model"):
        assert now[part] == golden[name][part], f"{name}: {part} changed"


def test_the_fixtures_exercise_the_reader_and_the_rules(golden: dict[str, Any]) -> None:
    """The golden file is worth comparing with: findings of the reader and of the rules,
    projects with indicators, and a department part."""
    assert set(golden) == set(WORKBOOKS)
    reading = {f["code"] for g in golden.values() for f in g["reading"]}
    assert {"amount-invalid", "cell-error", "sheet-renamed", "template-tampered"} <= reading
    codes = {f["code"] for g in golden.values() for f in g["findings"]}
    assert len(codes) >= 15
    projects = [p for g in golden.values() if g["model"] for p in g["model"]["projects"]]
    assert len(projects) >= 20 and sum(len(p["indicators"]) for p in projects) >= 200
    assert any(g["model"] and g["model"]["department"] for g in golden.values())


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        recorded = {n: observed(n, Path(name)) for n in WORKBOOKS}
    GOLDEN.write_text(json.dumps(recorded, ensure_ascii=False, indent=0) + "\n", "utf-8")
    print(f"{GOLDEN.name}: {len(recorded)} workbooks")


if __name__ == "__main__":
    main()
