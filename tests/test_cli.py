"""The command line: exit codes, JSON contract, and bad input that never shows a traceback."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import FIXTURES, good
from jixiao.cli import main
from jixiao.rules import RULES


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(
            data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), "utf-8"
        )
    return path


def test_clean_file_exits_0(tmp_path: Path) -> None:
    result = invoke("validate", str(write(tmp_path, "ok.json", good())))
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output and "错误 0" in result.output


def test_errors_exit_1_with_json_contract() -> None:
    result = invoke("validate", str(FIXTURES / "seed-004.json"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"files", "summary"}
    (file_report,) = report["files"]
    assert file_report["projects"] == 7
    assert set(report["summary"]) == {"errors", "warnings", "infos"}
    finding = file_report["findings"][0]
    assert {
        "code",
        "severity",
        "sheet",
        "cell",
        "project_code",
        "project_name",
        "message",
        "hint",
    } <= set(finding)
    assert report["summary"]["errors"] == sum(
        f["severity"] == "error" for f in file_report["findings"]
    )


def test_folder_is_searched_recursively(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.json", good())
    write(tmp_path, "~$lock.json", "garbage")  # Office temp files are skipped
    result = invoke("validate", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["a.json"]
    assert report["summary"] == {"errors": 0, "warnings": 0, "infos": 0}


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("empty.json", "", "file-unreadable", "空"),
        ("broken.json", '{"format": "jixiao-submission", ', "file-unreadable", "不是有效的 JSON"),
        ("nan.json", '{"budget": NaN}', "file-unreadable", "不是有效的 JSON"),
        ("gbk.json", "单位".encode("gbk"), "file-unreadable", "UTF-8"),
        ("list.json", "[1, 2, 3]", "schema-invalid", "（根）"),
        ("notes.txt", "hello", "file-unreadable", "不像绩效目标文档"),
        ("table.csv", "a,b", "file-unreadable", "另存为 .xlsx"),
        ("notes.pdf", "%PDF", "file-unreadable", "不支持的文件类型"),
    ],
)
def test_bad_files_become_findings(
    tmp_path: Path, name: str, content: Any, code: str, words: str
) -> None:
    result = invoke("validate", str(write(tmp_path, name, content)), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert findings[0]["code"] == code and words in findings[0]["message"], findings


def test_wrong_shape_reports_json_paths(tmp_path: Path) -> None:
    data = good()
    data["projects"][0]["budget"] = "一千万"
    data["projects"][0]["indicators"][2]["value"] = 5
    data["unit"]["money_unit"] = "千元"
    result = invoke("validate", str(write(tmp_path, "shape.json", data)), "--format", "json")
    assert result.exit_code == 1
    paths = {f["path"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert paths == {"projects[0].budget", "projects[0].indicators[2].value", "unit.money_unit"}


def test_absurd_numbers_and_huge_strings(tmp_path: Path) -> None:
    data = good()
    data["projects"][0]["budget"] = 1e300
    result = invoke("validate", str(write(tmp_path, "big.json", data)))
    assert result.exit_code == 1 and "schema-invalid" in result.output
    data = good()
    data["projects"][0]["indicators"][0]["value"] = "≥" + "9" * 10_000_000
    data["projects"][0]["purpose"] = "资" * 99_000
    result = invoke("validate", str(write(tmp_path, "long.json", data)), "--format", "json")
    assert result.exit_code == 1  # a 10 MB string exceeds the schema's maxLength
    assert len(result.output) < 20_000
    huge = (
        '{"format": "jixiao-submission", "version": 1, "unit": {"name": "x"}, "projects": ['
        '{"budget": 1' + "0" * 5000 + "}]}"
    )
    result = invoke("validate", str(write(tmp_path, "digits.json", huge)), "--format", "json")
    assert result.exit_code == 1
    assert "file-unreadable" in result.output  # 5000 digits: refused by the JSON reader


def test_missing_path_and_bad_profile_are_usage_errors(tmp_path: Path) -> None:
    result = invoke("validate", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and f"路径“{tmp_path / 'nope.json'}”不存在" in result.output
    ok = str(write(tmp_path, "ok.json", good()))
    result = invoke("validate", ok, "--profile", "atlantis")
    assert result.exit_code == 2 and "未知的规则配置" in result.output
    bad = write(
        tmp_path, "bad-profile.json", {"name": "x", "thresholds": {"min_satisfaction": 900}}
    )
    result = invoke("validate", ok, "--profile", str(bad))
    assert result.exit_code == 2 and "格式错误" in result.output
    output = tmp_path / "汇总.xlsx"
    result = invoke("consolidate", ok, "-o", str(output), "--profile", "atlantis")
    assert result.exit_code == 2 and "未知的规则配置" in result.output
    assert not output.exists()  # refused before any work


def test_sources_are_never_modified(tmp_path: Path) -> None:
    path = FIXTURES / "seed-001.json"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = invoke("validate", str(path))
    assert result.exit_code == 1 and "cost-sum-exceeds-budget" in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_rules_lists_every_rule() -> None:
    result = invoke("rules", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert [r["code"] for r in listed] == list(RULES)
    assert all(r["title"] and r["hint"] for r in listed)
    text = invoke("rules")
    assert text.exit_code == 0 and "cost-exceeds-budget" in text.output


def test_schema_is_printed() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["$schema"].endswith("2020-12/schema")


def test_demo_builds_sub_units_validates_and_consolidates(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = invoke("demo", str(folder))
    assert result.exit_code == 0, result.output
    shown = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert shown == ["报送", "校验报告.txt", "汇总.xlsx"]
    assert len(list((folder / "报送").glob("*.xlsx"))) == 6
    assert "井研县马踏镇人民政府：2 个项目" in result.output  # the 申报表 sub-unit
    assert "天津市北辰区人民法院：9 个项目" in result.output and "汇总工作簿" in result.output
    report = (folder / "校验报告.txt").read_text("utf-8")
    assert "项目9!F18" in report and "cost-sum-exceeds-budget" in report
    planted = report[report.index("某区法院") :]
    for code in ("plan-not-cumulative", "budget-sum-mismatch", "project-code-duplicate"):
        assert code in planted
    assert "申报表1!" in report and "weight-sum" in report


def test_console_script_shows_no_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.json", "{")
    result = subprocess.run(
        [sys.executable, "-c", "from jixiao.cli import run; run()", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "file-unreadable" in result.stdout and "不是有效的 JSON" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
