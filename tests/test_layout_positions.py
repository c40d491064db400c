"""One owner per position: only the layout specs (src/jixiao/template/layout.py with its sheet
modules, and the 申报表's two) write a cell address, a range, a sheet column glued to a row or a
defined name of the template, and only a1.py converts A1 ⇄ (row, column).  Everything else
asks the layout, so a moved cell moves everywhere at once.

The scan reads every module's string literals and f-strings (docstrings and other bare strings
are documentation and are skipped) and fails listing each stray with its line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jixiao"
OWNERS = frozenset(
    {
        "template/layout.py",
        "template/book_sheets.py",
        "template/project_sheet.py",
        "template/department_sheets.py",
        "template/application.py",
        "template/department_spending.py",
        "a1.py",
    }
)
"""The layout specs (the first template: layout.py and its sheet families; the 申报表 and its
部门整体支出 sheet) and the A1 converter."""

_REF = r"\$?[A-Z]{1,3}\$?[1-9][0-9]*"
A1_REFERENCE = re.compile(rf"(?<![A-Za-z0-9_$.]){_REF}(?::{_REF})?(?![A-Za-z0-9_(])")
"""``A1``, ``$B$14``, ``A1:R1`` (also inside a formula such as ``#'项目1'!A1``)."""
COLUMN_BEFORE_ROW = re.compile(r"(?<![A-Za-z0-9_])\$?[A-Z]{1,3}\$?$")
"""The end of an f-string piece that glues a literal column to a row: ``f"A{row}"``."""
ROW_AFTER_COLUMN = re.compile(r"^\$?[1-9][0-9]*(?![0-9])")
"""The start of an f-string piece that glues a literal row to a column: ``f"{column}5"``."""
DEFINED_NAME = re.compile(r"\bJX_[A-Z0-9_]+")
"""A defined name of the template (JX_YEAR, JX_REQ_CODE…)."""

ALLOWED: dict[tuple[str, str], str] = {
    # (module, the literal) → why it is no template position
    ("readers/documents/__init__.py", "GB18030"): "the name of a text encoding",
}
"""What looks like a position but is not one, with the reason."""


@dataclass(frozen=True)
class Stray:
    module: str
    line: int
    literal: str

    def __str__(self) -> str:
        return f"src/jixiao/{self.module}:{self.line}: {self.literal!r}"


def documentation(tree: ast.AST) -> set[int]:
    """The ids of bare string expressions: docstrings and attribute docstrings."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def pieces(tree: ast.AST) -> list[tuple[int, str, ast.AST | None, ast.AST | None]]:
    """Every literal string piece with its line and its neighbours in an f-string."""
    skipped = documentation(tree)
    inside_fstrings: set[int] = set()
    found: list[tuple[int, str, ast.AST | None, ast.AST | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            values = node.values
            for index, part in enumerate(values):
                inside_fstrings.add(id(part))
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    before = values[index - 1] if index else None
                    after = values[index + 1] if index + 1 < len(values) else None
                    found.append((node.lineno, part.value, before, after))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped | inside_fstrings
        ):
            found.append((node.lineno, node.value, None, None))
    return found


def strays_in(module: str, source: str) -> list[Stray]:
    """The position literals of one module's source."""
    strays = []
    for line, text, before, after in pieces(ast.parse(source)):
        literals = [m.group() for m in A1_REFERENCE.finditer(text)]
        literals += [m.group() for m in DEFINED_NAME.finditer(text)]
        if isinstance(after, ast.FormattedValue) and (m := COLUMN_BEFORE_ROW.search(text)):
            literals.append(m.group() + "{…}")
        if isinstance(before, ast.FormattedValue) and (m := ROW_AFTER_COLUMN.match(text)):
            literals.append("{…}" + m.group())
        strays += [Stray(module, line, lit) for lit in literals if not _allowed(module, lit)]
    return strays


def _allowed(module: str, literal: str) -> bool:
    return (module, literal) in ALLOWED


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if str(p.relative_to(SRC)) not in OWNERS)


def test_no_module_but_the_layout_hard_codes_a_position() -> None:
    strays = [
        stray
        for path in modules()
        for stray in strays_in(str(path.relative_to(SRC)), path.read_text("utf-8"))
    ]
    assert not strays, "ask jixiao.template.layout instead:\n" + "\n".join(map(str, strays))


def test_every_allowance_is_still_needed() -> None:
    for module, literal in ALLOWED:
        source = (SRC / module).read_text("utf-8")
        assert literal in source, f"src/jixiao/{module}: the allowance for {literal!r} is stale"


@pytest.mark.parametrize(
    "source",
    [
        'ws["A1"] = 1',
        'ws.merge_cells("A1:R1")',
        'ref = f"A{row}"',
        'ref = f"E{first}:E{last}"',
        'box = f"A{top}:R{bottom}"',
        'ref = f"{column}5"',
        'link = f\'=HYPERLINK("#{sheet}!A1","x")\'',
        "formula = '=JX_YEAR&\"年\"'",
        'name = "JX_REQ_CODE"',
        'freeze = "$C$5"',
    ],
)
def test_the_scan_finds_positions(source: str) -> None:
    assert strays_in("somewhere.py", source), source


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may say A1 or JX_YEAR."""',
        "x = 1\n'''An attribute docstring: F12.'''",
        'ref = f"{column}{row}"',
        'text = f"第{line}行"',
        'name = f"{prefix}{number}"',
        'message = "另存为 .xlsx"',
        'encoding = "utf-8"',
        'title = f"{number}.项目支出绩效目标表"',
    ],
)
def test_the_scan_leaves_other_text_alone(source: str) -> None:
    assert strays_in("somewhere.py", source) == [], source
