"""The command-line contract (issue #9): everything in Chinese, click's own words included; exit
codes 0/1/2/130; ``-o`` never overwrites without ``--force`` and never an input; JSON keys in
one language; validate and consolidate agree across files."""

from __future__ import annotations

import ast
import copy
import errno
import hashlib
import json
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result

import jixiao.cli as cli
import jixiao.service.actions as actions
import jixiao.service.import_export as import_export
from conftest import FIXTURES, GOOD_PROJECT, good
from jixiao.cli import CLICK_ZH, main
from jixiao.consolidation.results import Entry
from jixiao.filekinds import describe
from jixiao.profiles import builtin_names, load_profile
from jixiao.service.actions import (
    APPLICATION_TEMPLATE_NAME,
    TEMPLATE_NAME,
    validate_paths,
    with_cross_checks,
)
from jixiao.service.collect import collect
from jixiao.template.build import build_template, save_workbook
from jixiao.template.fill import fill_workbook

ROOT = Path(__file__).parent.parent

CLICK_WORDS = re.compile(
    r"(?<![A-Za-z])(Usage|Options|Commands|Error|Missing|argument|option|does not exist|Invalid"
    r"|value|default|required|Show|message|exit|Try|help|Aborted|Choose|expected|Got"
    r"|extra|such|command|range|valid|mean)(?![A-Za-z])",
    re.IGNORECASE,
)
METAVARS = re.compile(
    r"(?<![A-Za-z])(TEXT|PATH|PATHS|FILE|DIRECTORY|INTEGER|RANGE|OPTIONS|COMMAND|ARGS"
    r"|DOCUMENT|SOURCE|BOOLEAN|FLOAT)(?![A-Za-z])"
)
OPTION_NAME = re.compile(r"(?<![\w-])--?[a-z][a-z0-9-]*")


def invoke(*args: str, **kwargs: Any) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="jixiao", **kwargs)


def english_left(text: str, *names: str) -> list[str]:
    """Click's English words (and English metavars) in ``text``, outside option names and the
    given file names."""
    for name in names:
        text = text.replace(name, "")
    text = OPTION_NAME.sub("", text)
    return CLICK_WORDS.findall(text) + METAVARS.findall(text)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


# ---------------------------------------------------------------- 1. Chinese throughout


def every_command() -> Iterator[list[str]]:
    def walk(group: click.Group, prefix: list[str]) -> Iterator[list[str]]:
        for name, command in sorted(group.commands.items()):
            yield [*prefix, name]
            if isinstance(command, click.Group):
                yield from walk(command, [*prefix, name])

    yield []
    yield from walk(main, [])


@pytest.mark.parametrize("command", list(every_command()), ids=lambda c: " ".join(c) or "jixiao")
def test_every_help_page_is_chinese(command: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = invoke(*command, flag)
        assert result.exit_code == 0, result.output
        path = " ".join(["jixiao", *command])
        assert result.output.startswith(f"用法：{path} [选项]"), result.output
        assert "选项：" in result.output and "显示本帮助并退出。" in result.output
        assert english_left(result.output) == [], result.output


def test_top_level_help_lists_commands_and_version() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "用法：jixiao [选项] 命令 [参数]..." in result.output
    assert "命令：" in result.output and "显示版本号并退出。" in result.output
    for name in main.commands:
        assert f"\n  {name} " in result.output
    version = invoke("--version")
    assert version.exit_code == 0 and re.fullmatch(r"jixiao 版本 \S+\n", version.output)


def test_help_shows_defaults_required_and_supported_files_in_chinese() -> None:
    template = invoke("template", "--help").output
    assert "[必填]" in template and "[默认：hebei]" in template and "[默认：30;" in template
    validate = invoke("validate", "--help").output
    assert describe() in validate.replace("\n  ", "")  # the file kinds come from the registry
    assert "130 已取消" in validate
    for name in ("import", "export", "template", "consolidate"):
        assert "--force" in invoke(name, "--help").output


USAGE_ERRORS = [
    (["validate"], ["错误：缺少参数", "文件或文件夹...", "运行“jixiao validate --help”查看帮助。"]),
    (["validate", "nope.xlsx"], ["错误：", "路径“nope.xlsx”不存在。"]),
    (["template", "--profile", "nope", "-o", "x.xlsx"], ["“nope”不是", "之一", "hebei"]),
    (["--bogus"], ["错误：没有选项“--bogus”。", "用法：jixiao [选项] 命令 [参数]..."]),
    (["validate", "--fromat", "json", "x"], ["没有选项“--fromat”", "是不是要用 '--format'？"]),
    (["valid", "x"], ["错误：没有命令“valid”。", "validate"]),
    (["template"], ["错误：缺少选项", "'-o' / '--output'"]),
    (["template", "-o"], ["错误：选项“-o”后面需要一个值。"]),
    (["template", "-o", "x.xlsx", "--projects", "abc"], ["“abc”不是有效的数字。"]),
    (["template", "-o", "x.xlsx", "--projects", "999"], ["999 不在范围 1<=x<=200 内。"]),
    (["rules", "--format", "xml"], ["“xml”不是 'text', 'json', 'markdown' 之一。"]),
    (["import", "文件夹", "-o", "x.xlsx"], ["文件“文件夹”是文件夹，这里需要文件。"]),
    (["export", "a.json", "b.json", "-o", "x.json"], ["错误：多余的参数（b.json）"]),
    (["excel"], ["用法：jixiao excel [选项] 命令 [参数]...", "命令："]),
    ([], ["用法：jixiao [选项] 命令 [参数]..."]),
]


@pytest.mark.parametrize(("args", "words"), USAGE_ERRORS, ids=lambda a: " ".join(a))
def test_usage_errors_are_chinese_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "文件夹").mkdir()
    write_json(tmp_path / "a.json", good())
    write_json(tmp_path / "b.json", good())
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, result.output
    names = ("nope.xlsx", "x.xlsx", "a.json", "b.json", "x.json", "xml", "abc", "“valid”")
    assert english_left(result.output, *names) == [], result.output
    assert not list(tmp_path.glob("x.*"))  # nothing written on a usage error


def test_console_script_speaks_chinese_end_to_end(tmp_path: Path) -> None:
    """The real entry point in a fresh interpreter: click's words are translated at import."""
    result = subprocess.run(
        [sys.executable, "-c", "from jixiao.cli import run; run()", "validate", "nope.xlsx"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert "路径“nope.xlsx”不存在。" in result.stderr
    assert english_left(result.stdout + result.stderr, "nope.xlsx") == [], result.stderr


def click_messages() -> set[str]:
    """Every message the installed click passes through gettext (``_`` / ``ngettext``)."""
    found = {"required"}  # passed as a variable: _(extra["required"]) in Option.get_help_record
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
                found.update(t for t in texts if isinstance(t, str))
    return found


def test_every_click_message_is_translated() -> None:
    messages = click_messages()
    assert len(messages) > 50  # the scan found click's messages
    assert sorted(messages - set(CLICK_ZH)) == [], "click has messages jixiao does not translate"
    assert sorted(set(CLICK_ZH) - messages) == [], "translations for messages click no longer has"


def fields(text: str) -> set[str]:
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return braces | set(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("message", sorted(CLICK_ZH))
def test_translations_use_only_the_original_fields(message: str) -> None:
    chinese = CLICK_ZH[message]
    assert fields(chinese) <= fields(message), chinese
    assert re.search(r"[\u4e00-\u9fff]", chinese), f"not translated: {message!r}"


def test_click_modules_route_gettext_through_the_table() -> None:
    import click.core
    import click.exceptions
    import click.types

    assert click.core._("Usage:") == "用法："  # type: ignore[attr-defined]
    assert click.exceptions.ngettext("Did you mean {possibility}?", "x", 1).startswith("是不是")  # type: ignore[attr-defined]
    assert click.types.Path(exists=True).name == "路径"


# ---------------------------------------------------------------- 2. exit codes


def test_fill_error_exits_2_in_chinese(tmp_path: Path) -> None:
    data = good()
    data["projects"] = [dict(copy.deepcopy(GOOD_PROJECT), number=n) for n in range(1, 202)]
    source = write_json(tmp_path / "201个项目.json", data)
    out = tmp_path / "x.xlsx"
    result = invoke("import", str(source), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "错误：项目数 201 超过模板上限 200" in result.output
    assert not out.exists()


def test_install_error_exits_2_in_chinese() -> None:
    result = invoke("excel", "install", env={"USERPROFILE": None})
    assert result.exit_code == 2, result.output
    assert "错误：找不到用户目录（环境变量 USERPROFILE）" in result.output


def test_program_error_exits_2_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[Entry]:
        raise RuntimeError("内部故障")

    monkeypatch.setattr(actions, "validate_paths", broken)  # the CLI imports it when run
    monkeypatch.setattr(sys, "argv", ["jixiao", "validate", str(FIXTURES / "seed-001.json")])
    monkeypatch.delenv("JIXIAO_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "程序错误（RuntimeError）：内部故障" in err and "JIXIAO_DEBUG=1" in err
    assert "Traceback" not in err
    monkeypatch.setenv("JIXIAO_DEBUG", "1")
    with pytest.raises(RuntimeError, match="内部故障"):
        cli.run()


def test_operating_system_errors_are_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "汇总.xlsx")

    monkeypatch.setattr(import_export, "export_submission", locked)
    result = invoke("export", str(FIXTURES / "seed-001.json"), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "错误：无法读写文件“汇总.xlsx”：没有权限（文件可能正在 Excel/WPS 中打开" in result.output
    assert "Permission denied" not in result.output


def test_ctrl_c_says_cancelled_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> list[Entry]:
        raise KeyboardInterrupt

    monkeypatch.setattr(actions, "validate_paths", interrupted)
    result = invoke("validate", str(FIXTURES / "seed-001.json"))
    assert result.exit_code == 130
    assert "已取消" in result.output and "Aborted" not in result.output


def test_ctrl_c_outside_a_command_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 130 and "已取消" in capsys.readouterr().err


def test_empty_folder_names_the_supported_kinds(tmp_path: Path) -> None:
    for command in (["validate", str(tmp_path)], ["consolidate", str(tmp_path), "-o", "x.xlsx"]):
        result = invoke(*command)
        assert result.exit_code == 2, result.output
        assert "没有找到可" in result.output and describe() in result.output


# ---------------------------------------------------------------- 3. never overwrite


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    folder.mkdir()
    write_json(folder / "good.json", good())
    return folder


def _template_args(out: Path, inbox: Path) -> list[str]:
    return ["template", "-o", str(out), "--projects", "1"]


def _import_args(out: Path, inbox: Path) -> list[str]:
    return ["import", str(inbox / "good.json"), "-o", str(out)]


def _export_args(out: Path, inbox: Path) -> list[str]:
    return ["export", str(inbox / "good.json"), "-o", str(out)]


def _consolidate_args(out: Path, inbox: Path) -> list[str]:
    return ["consolidate", str(inbox), "-o", str(out)]


WRITERS = {
    "template": (_template_args, ".xlsx"),
    "import": (_import_args, ".xlsx"),
    "export": (_export_args, ".json"),
    "consolidate": (_consolidate_args, ".xlsx"),
}


def _check_written(out: Path) -> None:
    if out.suffix == ".json":
        assert json.loads(out.read_text("utf-8"))["format"] == "jixiao-submission"
    else:
        assert openpyxl.load_workbook(out).sheetnames


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_existing_output_is_kept_unless_force(tmp_path: Path, inbox: Path, command: str) -> None:
    make_args, suffix = WRITERS[command]
    out = tmp_path / f"已有的输出{suffix}"
    out.write_bytes(b"a clerk's own file")
    before = sha(out)
    result = invoke(*make_args(out, inbox))
    assert result.exit_code == 2, result.output
    assert f"错误：输出文件已存在：“{out}”" in result.output and "--force" in result.output
    assert sha(out) == before
    result = invoke(*make_args(out, inbox), "--force")
    assert result.exit_code == 0, result.output
    assert sha(out) != before
    _check_written(out)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_new_output_is_written(tmp_path: Path, inbox: Path, command: str) -> None:
    make_args, suffix = WRITERS[command]
    out = tmp_path / "新" / f"输出{suffix}"
    result = invoke(*make_args(out, inbox))
    assert result.exit_code == 0, result.output
    assert str(out.name) in result.output
    _check_written(out)


def test_template_all_refuses_when_any_target_exists(tmp_path: Path) -> None:
    folder = tmp_path / "模板"
    folder.mkdir()
    taken = folder / TEMPLATE_NAME.format(profile="tianjin")
    taken.write_bytes(b"own")
    result = invoke("template", "--all", "-o", str(folder), "--projects", "1")
    assert result.exit_code == 2 and str(taken) in result.output and "--force" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [taken.name]  # nothing else written
    result = invoke("template", "--all", "-o", str(folder), "--projects", "1", "--force")
    assert result.exit_code == 0, result.output
    expected = [TEMPLATE_NAME.format(profile=name) for name in builtin_names()]
    expected = sorted([*expected, APPLICATION_TEMPLATE_NAME.format(profile="national")])
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert result.output.count("已生成模板：") == len(expected)
    assert openpyxl.load_workbook(taken).sheetnames


def test_output_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    result = invoke("template", "-o", str(tmp_path), "--force")
    assert result.exit_code == 2 and f"输出“{tmp_path}”是一个文件夹" in result.output
    a_file = tmp_path / "模板.xlsx"
    a_file.write_bytes(b"own")
    result = invoke("template", "--all", "-o", str(a_file), "--force")
    assert result.exit_code == 2 and f"“{a_file}”是一个文件" in result.output
    assert a_file.read_bytes() == b"own"


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{input}", "-o", "{input}", "--force"],
        ["export", "{input}", "-o", "{input}", "--force"],
        ["consolidate", "{folder}", "-o", "{input}", "--force"],
        ["consolidate", "{input}", "-o", "{input}", "--force"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_an_input_is_never_the_output(inbox: Path, command: list[str]) -> None:
    source = inbox / "good.json"
    before = sha(source)
    args = [a.format(input=source, folder=inbox) for a in command]
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert f"错误：输出文件“{source}”也是要读取的输入文件" in result.output
    assert sha(source) == before


def test_consolidate_into_the_inbox_skips_the_new_output(inbox: Path) -> None:
    out = inbox / "汇总.xlsx"
    result = invoke("consolidate", str(inbox), "-o", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [Path(u["file"]).name for u in summary["sub_units"]] == ["good.json"]
    assert openpyxl.load_workbook(out).sheetnames
    again = invoke("consolidate", str(inbox), "-o", str(out), "--force")
    assert again.exit_code == 2 and "也是要读取的输入文件" in again.output  # now it is one


def test_export_of_an_unreadable_file_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    out = tmp_path / "x.json"
    result = invoke("export", str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert "file-unreadable" in result.output and "无法导出" in result.output
    assert not out.exists()


# ---------------------------------------------------------------- 4. JSON keys

KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def bad_keys(value: Any, where: str = "$") -> list[str]:
    if isinstance(value, dict):
        found = [f"{where}.{k}" for k in value if not KEY.match(k)]
        for k, v in value.items():
            found += bad_keys(v, f"{where}.{k}")
        return found
    if isinstance(value, list):
        return [bad for i, v in enumerate(value) for bad in bad_keys(v, f"{where}[{i}]")]
    return []


def test_every_json_output_uses_snake_case_keys(tmp_path: Path, inbox: Path) -> None:
    """``schema`` is left out: it prints JSON Schema, whose keywords (``$defs``,
    ``additionalProperties``) are the standard's, not ours."""
    write_json(inbox / "seed-004.json", json.loads((FIXTURES / "seed-004.json").read_text()))
    outputs = {
        "rules": invoke("rules", "--format", "json"),
        "validate": invoke("validate", str(inbox), "--format", "json"),
        "consolidate": invoke(
            "consolidate", str(inbox), "-o", str(tmp_path / "汇总.xlsx"), "--format", "json"
        ),
        "import": invoke(
            "import",
            str(inbox / "seed-004.json"),
            "-o",
            str(tmp_path / "i.xlsx"),
            "--format",
            "json",
        ),
    }
    for name, result in outputs.items():
        assert result.exit_code in (0, 1), (name, result.output)
        document = json.loads(result.stdout)
        assert document, name
        assert bad_keys(document) == [], name
    assert invoke("export", str(tmp_path / "i.xlsx"), "-o", str(tmp_path / "e.json")).exit_code == 0
    assert bad_keys(json.loads((tmp_path / "e.json").read_text("utf-8"))) == []
    findings = json.loads(outputs["consolidate"].stdout)["findings"]
    assert findings and all(KEY.match(key) for f in findings for key in f)


# ---------------------------------------------------------------- 5. validate = consolidate


def twin_courts(folder: Path) -> list[Path]:
    """Two courts that both use the same 项目编码."""
    first, second = good(), good()
    second["unit"].update(code="615099", name="另一个法院")
    folder.mkdir(exist_ok=True)
    return [write_json(folder / "甲.json", first), write_json(folder / "乙.json", second)]


def errors_in(report: dict[str, Any]) -> int:
    return int(report["summary"]["errors"])


def test_validate_runs_the_cross_file_checks_of_consolidate(tmp_path: Path) -> None:
    folder = tmp_path / "报送"
    twin_courts(folder)
    result = invoke("validate", str(folder), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    for file_report in report["files"]:
        codes = [f["code"] for f in file_report["findings"]]
        assert codes.count("project-code-duplicate") == 1, file_report
    consolidated = invoke(
        "consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--format", "json"
    )
    assert consolidated.exit_code == 1
    assert errors_in(report) == errors_in(json.loads(consolidated.stdout)) == 2


def test_the_same_unit_twice_is_reported_by_validate(tmp_path: Path) -> None:
    folder = tmp_path / "报送"
    folder.mkdir()
    write_json(folder / "第一次.json", good())
    write_json(folder / "第二次.json", good())
    result = invoke("validate", str(folder), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    for file_report in report["files"]:
        codes = [f["code"] for f in file_report["findings"]]
        assert codes.count("submission-duplicate") == 1, codes
    consolidated = invoke(
        "consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--format", "json"
    )
    assert errors_in(report) == errors_in(json.loads(consolidated.stdout))
    one = invoke("validate", str(folder / "第一次.json"), "--format", "json")
    assert one.exit_code == 0 and errors_in(json.loads(one.stdout)) == 0


def test_cross_checks_copy_the_entries(tmp_path: Path) -> None:
    files = twin_courts(tmp_path / "报送")
    entries = collect(files, workers=1)
    before = [list(e.findings) for e in entries]
    checked = with_cross_checks(entries, load_profile())
    assert [list(e.findings) for e in entries] == before
    assert all(any(f.code == "project-code-duplicate" for f in e.findings) for e in checked)
    steps: list[tuple[int, int]] = []
    via_paths = validate_paths([tmp_path / "报送"], progress=lambda d, t: steps.append((d, t)))
    assert {e.file: e.findings for e in via_paths} == {e.file: e.findings for e in checked}
    assert steps == [(1, 2), (2, 2)]


def test_validate_of_a_workbook_and_its_json_twin(tmp_path: Path) -> None:
    """Mixed template versions are a cross-file finding too: a workbook and a JSON."""
    folder = tmp_path / "报送"
    files = twin_courts(folder)
    workbook = folder / "乙.xlsx"
    submission = collect([files[1]], workers=1)[0].submission
    assert submission is not None
    save_workbook(fill_workbook(submission, min_projects=1), workbook)
    files[1].unlink()
    report = json.loads(invoke("validate", str(folder), "--format", "json").stdout)
    consolidated = invoke(
        "consolidate", str(folder), "-o", str(tmp_path / "汇总.xlsx"), "--format", "json"
    )
    codes = {f["code"] for r in report["files"] for f in r["findings"]}
    assert {"project-code-duplicate", "template-version-mixed"} <= codes
    assert errors_in(report) == errors_in(json.loads(consolidated.stdout))


# ---------------------------------------------------------------- 7. README


def test_readme_command_line_section_states_the_contract() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## 命令行") :]
    section = section[: section.index("\n## ", 1)]
    for name in main.commands:
        assert f"jixiao {name}" in section, name
    assert "--force" in section
    for code in ("0 =", "1 =", "2 =", "130"):
        assert code in section, code


def test_blank_template_written_by_the_service_is_the_template(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert invoke("template", "-o", str(out), "--projects", "2").exit_code == 0
    expected = build_template("hebei", 2).sheetnames
    assert openpyxl.load_workbook(out).sheetnames == expected
