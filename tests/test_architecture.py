"""docs/architecture.md stays true: every module is listed, and imports go one way."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "jixiao"
DOC = ROOT / "docs" / "architecture.md"

SPREADSHEET_AND_UI = ("openpyxl", "xlwings", "click", "xlsxwriter", "docx", "python_calamine")
FACES = ("jixiao.cli", "jixiao.excel")
ABOVE_ENGINE = ("jixiao.readers", "jixiao.service", "jixiao.outputs", "jixiao.template")
ENGINE = (
    "jixiao.model",
    "jixiao.values",
    "jixiao.money",
    "jixiao.cells",
    "jixiao.findings",
    "jixiao.a1",
    "jixiao.profiles",
    "jixiao.validate",
    "jixiao.rules",
    "jixiao.textfiles",
)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(ENGINE, (*SPREADSHEET_AND_UI, *FACES, *ABOVE_ENGINE, "jixiao.consolidation")),
    "jixiao.consolidation": (*SPREADSHEET_AND_UI, *FACES, *ABOVE_ENGINE),
    "jixiao.readers": (*FACES, "jixiao.service", "jixiao.outputs", "click"),
    "jixiao.template": (*FACES, "jixiao.service", "jixiao.outputs", "jixiao.readers", "click"),
    "jixiao.outputs": (*FACES, "jixiao.service", "click"),
    "jixiao.service": (*FACES, "click"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_imports_go_one_way(path: Path) -> None:
    name = module_name(path)
    rules = [bad for layer, bad in FORBIDDEN.items() if within(name, (layer,))]
    wrong = sorted(i for i in imported(path) for bad in rules if within(i, bad))
    assert not wrong, f"{name} imports {wrong}: see docs/architecture.md"


def listed_modules() -> set[str]:
    """``folder/name.py`` for every module the doc's Modules section names."""
    section = DOC.read_text("utf-8").split("## Modules", 1)[1]
    listed: set[str] = set()
    for item in re.split(r"\n- ", section):
        for clause in item.split(";"):
            folder = re.match(r"\s*`([a-z_/]+)/`:", clause)
            prefix = "" if folder is None or folder.group(1) == "jixiao" else folder.group(1) + "/"
            if folder is None and clause.strip().startswith("data"):
                continue
            listed.update(prefix + name for name in re.findall(r"`([a-z0-9_]+\.py)`", clause))
    return listed


def test_every_module_is_in_the_architecture_doc() -> None:
    actual = {
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if p.name != "__init__.py" or p.parent == PACKAGE
    }
    assert listed_modules() == actual


def test_every_path_the_doc_names_exists() -> None:
    text = DOC.read_text("utf-8")
    for path in re.findall(r"`((?:[a-z_]+/)*[a-z_]+\.(?:py|json))`", text):
        if "*" in path:
            continue
        if "/" not in path:  # a module named inside its folder's line
            assert any(PACKAGE.rglob(path)), path
            continue
        assert (PACKAGE / path).exists() or (ROOT / path).exists(), path
