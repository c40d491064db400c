"""What a clerk's desk does to a run, case by case (found by a hostile review): a GBK console,
an output still open in Excel, a file the account may not read, an output named for another
kind of file, a small JSON file that asks for millions of schema errors."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, good
from jixiao.atomic import atomic_write_text
from jixiao.cli import main
from jixiao.service import refusals
from jixiao.service.actions import consolidate_submissions
from jixiao.service.refusals import ActionError


def _json_file(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


# ---------------------------------------------------------------- a GBK console


def test_text_a_gbk_console_cannot_show_is_replaced_not_a_crash(tmp_path: Path) -> None:
    """``jixiao validate 报送 > 结果.txt`` on Chinese Windows writes GBK: a name with ``m²`` or a
    no-break space used to end the run with 程序错误 and an empty report."""
    data = json.loads((FIXTURES / "seed-000.json").read_text("utf-8"))  # has findings
    data["projects"][0]["name"] = "办公用房改造（500m²）"
    data["unit"]["name"] = "某区人民法院\u00a0本级"
    path = _json_file(tmp_path, "报送.json", data)
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "NO_COLOR": "1"}
    outputs = []
    for command in (["validate", str(path)], ["validate", str(path), "--format", "json"]):
        done = subprocess.run(
            [sys.executable, "-c", "from jixiao.cli import run; run()", *command],
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert done.returncode in (0, 1), done.stderr.decode("gbk", "replace")
        assert "程序错误".encode("gbk") not in done.stderr
        outputs.append(done.stdout.decode("gbk"))
    text, as_json = outputs
    assert "办公用房改造（500m?）" in text and "合计：1 个文件" in text
    assert json.loads(as_json)["files"][0]["findings"]  # the whole report came out


# ---------------------------------------------------------------- an output open in Excel


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    _json_file(folder, "甲.json", good())
    return folder


def _locked(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Opening ``locked`` for writing fails as it does on Windows while Excel has it open."""
    real_open = builtins.open

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if Path(file) == locked and any(c in mode for c in "wa+"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(refusals, "open", fake_open, raising=False)


def test_an_output_open_in_excel_is_named_before_any_work(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last run's 问题清单.csv still open: refused before the workbook or any CSV is replaced
    (the folder never holds half of one run and half of another)."""
    output, tables = tmp_path / "汇总.xlsx", tmp_path / "表格"
    consolidate_submissions([inbox], output, use_cache=False, tables_dir=tables)
    before = {p.name: p.read_bytes() for p in [output, *tables.iterdir()]}
    _locked(monkeypatch, tables / "问题清单.csv")
    with pytest.raises(ActionError, match=r"无法覆盖“.*问题清单\.csv”.*Excel/WPS"):
        consolidate_submissions([inbox], output, force=True, use_cache=False, tables_dir=tables)
    assert {p.name: p.read_bytes() for p in [output, *tables.iterdir()]} == before


def test_a_failed_replace_names_the_output_not_the_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "导出.json"
    target.write_text("earlier", "utf-8")

    def refuse(source: Any, destination: Any) -> None:
        raise PermissionError(13, "Permission denied", str(source))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as caught:
        atomic_write_text(target, "new")
    assert caught.value.filename == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["导出.json"]  # no temporary file left
    assert target.read_text("utf-8") == "earlier"


# ---------------------------------------------------------------- a file the account may not read


def test_a_named_file_that_cannot_be_read_is_reported_and_the_others_are_read(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a folder such a file is a finding of its own; named on the command line it used
    to stop the whole run as a usage error before any file was read."""
    secret = _json_file(inbox, "乙.json", good())
    real_access = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(path) == secret and mode & os.R_OK:
            return False  # what click asks; the file itself stays readable for the test
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = CliRunner().invoke(
        main, ["validate", str(inbox / "甲.json"), str(secret), "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    assert len(json.loads(result.stdout)["files"]) == 2


# ---------------------------------------------------------------- outputs named for another kind


@pytest.mark.parametrize(
    ("command", "suffix"),
    [
        (["template", "-o", "{tmp}/模板.json"], ".xlsx"),
        (["consolidate", "{inbox}", "-o", "{tmp}/汇总.json"], ".xlsx"),
        (["consolidate", "{inbox}", "-o", "{tmp}/汇总"], ".xlsx"),
        (["export", "{inbox}/甲.json", "-o", "{tmp}/导出.xlsx"], ".json"),
        (["publish", "{inbox}/甲.json", "-o", "{tmp}/公开.pdf"], ".docx"),
    ],
)
def test_an_output_named_for_another_kind_of_file_is_refused(
    command: list[str], suffix: str, inbox: Path, tmp_path: Path
) -> None:
    args = [a.format(tmp=tmp_path, inbox=inbox) for a in command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"输出文件名应以 {suffix} 结尾" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报送"]  # nothing written


# ---------------------------------------------------------------- a small file, millions of errors


def test_schema_errors_stop_at_fifty_without_building_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``"projects": [1, 1, …]`` 300,000 times is a 1 MB file; every error built first took
    gigabytes.  The errors are now taken lazily, at most 50."""
    from jixiao.readers import interchange

    taken: list[int] = []
    real = interchange._validator()

    class Counting:
        def iter_errors(self, data: object) -> Iterator[Any]:
            for error in real.iter_errors(data):
                taken.append(1)
                yield error

    monkeypatch.setattr(interchange, "_validator", lambda: Counting())
    data = good()
    data["projects"] = [1] * 5000
    findings = list(interchange.schema_findings(data, "x.json"))
    assert len(findings) == interchange.MAX_SCHEMA_FINDINGS == len(taken)
    assert all(f.code == "schema-invalid" for f in findings)


# ---------------------------------------------------------------- the demo in a real folder


def test_the_demo_never_writes_into_a_folder_of_real_work(tmp_path: Path) -> None:
    """``jixiao demo .`` in the clerk's working folder used to replace 汇总.xlsx and put six
    demo workbooks into the real 报送."""
    from jixiao.service.actions import run_demo

    work = tmp_path / "工作"
    (work / "报送").mkdir(parents=True)
    (work / "汇总.xlsx").write_bytes(b"REAL")
    (work / "报送" / "某单位.xlsx").write_bytes(b"REAL TOO")
    alone = tmp_path / "只有汇总"
    alone.mkdir()
    (alone / "汇总.xlsx").write_bytes(b"REAL")
    for folder in (work, alone):
        before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
        with pytest.raises(ActionError, match="已有不是演示生成的文件"):
            run_demo(folder)
        assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert (work / "汇总.xlsx").read_bytes() == b"REAL"


def test_the_demo_refreshes_its_own_folder(tmp_path: Path) -> None:
    from jixiao.service.actions import DEMO_MARK, run_demo

    folder = tmp_path / "jixiao-demo"
    first = run_demo(folder)
    assert (folder / DEMO_MARK).is_file() and first.output.is_file()
    (folder / DEMO_MARK).unlink()  # a demo folder of an earlier version: only the demo's files
    again = run_demo(folder)
    assert again.output.stat().st_mtime_ns >= first.output.stat().st_mtime_ns
    (folder / "笔记.txt").write_text("the clerk's", "utf-8")
    run_demo(folder)  # marked now: its own, whatever was added


# ---------------------------------------------------------------- a sub-folder that will not open


def test_a_folder_that_cannot_be_opened_is_reported_not_passed_over(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Path.rglob`` skipped it without a word: a sub-unit's nine projects vanished from the
    summary and the run said "1 个文件"."""
    locked = inbox / "乙单位"
    locked.mkdir()
    _json_file(locked, "乙.json", good())
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = CliRunner().invoke(main, ["validate", str(inbox), "--format", "json"])
    assert result.exit_code == 1, result.output
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"甲.json", "乙单位"}
    (finding,) = files["乙单位"]["findings"]
    assert finding["code"] == "file-unreadable" and "无法打开这个文件夹" in finding["message"]


def test_the_systems_own_folders_on_a_drive_are_not_reported(
    inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanning a USB drive's root: no account opens System Volume Information or
    $RECYCLE.BIN, and reporting them would make every run end with an error."""
    system = [inbox / "System Volume Information", inbox / "$RECYCLE.BIN", inbox / ".Trash-0"]
    for folder in system:
        folder.mkdir()
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) in system:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = CliRunner().invoke(main, ["validate", str(inbox), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["甲.json"]
