"""Start-up: a command imports only what it uses (issue #15).

``jixiao --help`` and validating a workbook must not pay for the libraries that only writing
(openpyxl, XlsxWriter, python-docx) or nothing at all (pandas, numpy) needs: each costs a
noticeable share of a second on a clerk's PC.  Checked deterministically, in a fresh
interpreter each, by the modules present when the command has finished (never timed).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import build, good
from jixiao.profiles import ProfileError, builtin_names, load_profile
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter", "docx", "lxml")
"""Libraries no start-up, help or .xlsx validation needs."""

_PROBE = """
import atexit, json, sys
def _report():
    with open({out!r}, "w", encoding="utf-8") as handle:
        json.dump(sorted(sys.modules), handle)
atexit.register(_report)
import jixiao.cli
sys.argv = ["jixiao", *{args!r}]
if sys.argv[1:]:
    jixiao.cli.run()
"""


def modules_after(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module loaded in a fresh interpreter that imported jixiao.cli and ran ``args``."""
    out = tmp_path / "modules.json"
    code = _PROBE.format(out=str(out), args=list(args))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    loaded = set(json.loads(out.read_text("utf-8")))
    return loaded, done


def heavy_in(loaded: set[str]) -> list[str]:
    """The heavy libraries (or any of their submodules) among ``loaded``."""
    return sorted(m for m in loaded if m.split(".")[0] in HEAVY)


@pytest.fixture
def filled_workbook(tmp_path: Path) -> Path:
    """A real filled template, written by the template builder (in this process)."""
    path = tmp_path / "单位报送.xlsx"
    save_workbook(fill_workbook(build(good())), path)
    return path


def test_importing_the_cli_loads_no_heavy_library(tmp_path: Path) -> None:
    loaded, done = modules_after(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "jixiao.cli" in loaded and "click" in loaded
    assert heavy_in(loaded) == []


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["--version"]])
def test_help_loads_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    loaded, done = modules_after(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert "jixiao" in done.stdout  # the help or version was printed
    assert heavy_in(loaded) == []


def test_help_does_not_load_the_engine(tmp_path: Path) -> None:
    """``--help`` lists commands: no service, reader, rule or schema validator is needed."""
    loaded, done = modules_after(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    engine = (
        "jixiao.service.actions",
        "jixiao.readers.xlsx",
        "jixiao.rules",
        "jixiao.template.layout",  # the layout specs: --help needs only template.names
        "jixiao.template.application",
        "jsonschema",
        "python_calamine",
    )
    assert sorted(m for m in engine if m in loaded) == []


def test_validating_a_workbook_loads_no_heavy_library(
    tmp_path: Path, filled_workbook: Path
) -> None:
    loaded, done = modules_after(tmp_path, "validate", "--format", "json", str(filled_workbook))
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert report["files"][0]["projects"] == 1  # the workbook was really read and checked
    assert "python_calamine" in loaded and "jixiao.readers.package" in loaded
    assert heavy_in(loaded) == []
    # one file is read in this process: no worker pool, no document importers, no schema
    unneeded = ("multiprocessing", "jixiao.readers.documents", "jsonschema", "xml.etree")
    assert sorted(m for m in unneeded if m in loaded) == []


@pytest.mark.parametrize("name", builtin_names())
def test_each_builtin_profile_meets_the_profile_schema(name: str) -> None:
    """Loading a built-in profile skips the schema validator (start-up): checked here instead."""
    package = resources.files("jixiao")
    schema = json.loads(package.joinpath("schema/profile.schema.json").read_text("utf-8"))
    raw = json.loads(package.joinpath(f"rules/profiles/{name}.json").read_text("utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(raw)]
    assert errors == []
    assert len(builtin_names()) >= 3


def test_a_users_profile_file_is_still_checked_against_the_schema(tmp_path: Path) -> None:
    profile = tmp_path / "mine.json"
    profile.write_text(json.dumps({"extends": "hebei", "thresholds": "高"}), "utf-8")
    with pytest.raises(ProfileError, match="格式错误"):
        load_profile(str(profile))
