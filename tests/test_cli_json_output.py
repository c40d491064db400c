"""JSON on standard output stays JSON whatever the output's encoding (a review of the Windows
desk: redirected on Chinese Windows, Python writes GBK, which no JSON reader takes and which has
no emoji or ``•``: ``jixiao schema > s.json`` gave a file that was not JSON's UTF-8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import good
from jixiao import cli_support
from jixiao.readers.interchange import submission_schema

NAME = "单位😀•.json"
"""A file name GBK cannot write (the emoji, the bullet)."""


def run(tmp_path: Path, encoding: str, *args: str) -> bytes:
    environment = os.environ | {"PYTHONIOENCODING": encoding}
    result = subprocess.run(
        [sys.executable, "-c", "from jixiao.cli import run; run()", *args],
        capture_output=True,
        cwd=tmp_path,
        env=environment,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr.decode("utf-8", "replace")
    return result.stdout


def submission(tmp_path: Path) -> Path:
    path = tmp_path / NAME
    path.write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    return path


def reported_paths(report: Any) -> list[str]:
    return [file["path"] for file in report["files"]]


def test_json_redirected_as_gbk_is_ascii_and_loses_nothing(tmp_path: Path) -> None:
    submission(tmp_path)
    out = run(tmp_path, "gbk", "validate", "--format", "json", NAME)
    text = out.decode("ascii")  # every byte ASCII: any code page, PowerShell's too, keeps it
    assert [Path(p).name for p in reported_paths(json.loads(text))] == [NAME]
    schema = run(tmp_path, "gbk", "schema").decode("ascii")
    assert json.loads(schema) == submission_schema()
    catalogue = json.loads(run(tmp_path, "gbk", "rules", "--format", "json").decode("ascii"))
    assert any(rule["code"] == "cost-exceeds-budget" for rule in catalogue)


def test_json_on_utf8_stays_readable(tmp_path: Path) -> None:
    submission(tmp_path)
    out = run(tmp_path, "utf-8", "validate", "--format", "json", NAME)
    assert NAME in out.decode("utf-8")  # as written, not escaped
    assert [Path(p).name for p in reported_paths(json.loads(out))] == [NAME]


def test_consolidation_json_redirected_as_gbk_is_ascii(tmp_path: Path) -> None:
    submission(tmp_path)
    out = run(
        tmp_path, "gbk", "consolidate", NAME, "-o", "汇总.xlsx", "--format", "json", "--no-cache"
    )
    data = json.loads(out.decode("ascii"))
    assert NAME in json.dumps(data, ensure_ascii=False)


def test_json_stays_json_with_standard_error_closed(tmp_path: Path) -> None:
    """``2>&-``: Python then has no standard error, and the progress bar click draws there
    went to standard output, in front of the JSON (a review)."""
    for number in range(3):  # a bar is drawn from two files
        (tmp_path / f"{number}.json").write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    command = ["consolidate", ".", "-o", "汇总.xlsx", "--format", "json", "--no-cache"]
    result = subprocess.run(
        [sys.executable, "-c", "from jixiao.cli import run; run()", *command],
        stdout=subprocess.PIPE,
        cwd=tmp_path,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
        preexec_fn=lambda: os.close(2),  # (POSIX: the machines the tests run on)
        check=False,
    )
    assert result.returncode in (0, 1)
    assert len(json.loads(result.stdout)["sub_units"]) == 3


@pytest.mark.parametrize(
    ("encoding", "utf8"),
    [
        ("utf-8", True),
        ("UTF8", True),
        ("utf_8", True),
        ("u8", True),
        ("utf-8-sig", False),
        ("cp936", False),
        ("gbk", False),
        ("ascii", False),
        (None, False),
        ("no-such", False),
    ],
)
def test_utf8_is_known_however_it_is_spelled(encoding: str | None, utf8: bool) -> None:
    assert cli_support._writes_utf8(encoding) is utf8
