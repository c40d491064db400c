"""`jixiao excel install / status / uninstall` on a fake Windows profile (Chinese user name)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main
from jixiao.excel.install import Paths, bundled_addin, config_text, install, uninstall


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    home = tmp_path / "Users" / "张三"
    home.mkdir(parents=True)
    return home


def files_under(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_install_status_uninstall_leaves_nothing_behind(profile: Path) -> None:
    paths = Paths.under(profile)
    interpreter = paths.local_appdata / "jixiao" / "venv" / "Scripts" / "pythonw.exe"
    written = install(paths, interpreter, encoding="gbk")
    assert paths.addin.read_bytes() == bundled_addin().read_bytes()
    assert {p.name for p in written} >= {"jixiao.xlam", "jixiao.conf", "绩效目标模板-hebei.xlsx"}
    config = paths.config.read_bytes().decode("gbk")
    assert '"INTERPRETER_WIN","%LOCALAPPDATA%\\jixiao\\venv\\Scripts\\pythonw.exe"' in config
    assert '"UDF MODULES","jixiao_udfs"' in config and "张三" not in config
    first = files_under(profile)
    install(paths, interpreter, encoding="gbk")  # idempotent
    assert files_under(profile).keys() == first.keys()
    own = paths.templates / "我的2025年填报.xlsx"
    own.write_bytes(b"clerk's own work")
    removed = uninstall(paths)
    assert paths.addin in removed and paths.config in removed
    assert files_under(profile) == {
        str(own.relative_to(profile)): hashlib.sha256(b"clerk's own work").hexdigest()
    }
    assert not paths.config_dir.exists()


def test_cli_round_trip(profile: Path) -> None:
    runner = CliRunner()
    args = ["--profile-dir", str(profile)]
    result = runner.invoke(
        main, ["excel", "install", *args, "--interpreter", str(profile / "py" / "pythonw.exe")]
    )
    assert result.exit_code == 0, result.output
    assert "绩效目标" in result.output
    status = runner.invoke(main, ["excel", "status", *args]).output
    assert "已安装" in status and "jixiao.xlam" in status
    assert runner.invoke(main, ["excel", "uninstall", *args]).exit_code == 0
    assert "未安装" in runner.invoke(main, ["excel", "status", *args]).output
    assert not [p for p in profile.rglob("*") if p.is_file()]


def test_paths_outside_known_folders_are_kept_literally(profile: Path) -> None:
    paths = Paths.under(profile)
    text = config_text(Path("D:/Python311/pythonw.exe"), paths)
    assert '"INTERPRETER_WIN","D:\\Python311\\pythonw.exe"' in text


def test_missing_userprofile_is_a_clear_error() -> None:
    from jixiao.excel.install import InstallError

    with pytest.raises(InstallError, match="USERPROFILE"):
        Paths.from_environment({})
