"""Where the add-in's files go for one Windows user: XLSTART, jixiao's own folder with the
config and the install record, the templates in the real Documents folder, install.ps1's venv
(:class:`Paths`); and :class:`InstallError`, how the installer says it cannot go on."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jixiao.excel.winpaths import Desk, documents_folder

ADDIN_NAME = "jixiao.xlam"
CONFIG_NAME = "jixiao.conf"
MANIFEST_NAME = "install.json"
TEMPLATE_FOLDER = "jixiao模板"
VENV = ("jixiao", "venv")
"""``%LOCALAPPDATA%\\jixiao\\venv``: where install.ps1 puts jixiao's Python environment."""


class InstallError(Exception):
    """Installation cannot proceed (message in Chinese, for the clerk)."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Where things go for one Windows user (or under a fake profile folder in tests)."""

    profile: Path
    appdata: Path
    local_appdata: Path
    documents: Path

    @classmethod
    def from_environment(
        cls, env: Mapping[str, str] = os.environ, desk: Desk | None = None
    ) -> Paths:
        """The current Windows user's folders; Documents wherever the clerk moved it."""
        try:
            profile = Path(env["USERPROFILE"])
        except KeyError as exc:
            raise InstallError(
                "找不到用户目录（环境变量 USERPROFILE）：请在 Windows 上运行"
            ) from exc
        return cls(
            profile,
            Path(env.get("APPDATA", profile / "AppData" / "Roaming")),
            Path(env.get("LOCALAPPDATA", profile / "AppData" / "Local")),
            documents_folder(profile, desk),
        )

    @classmethod
    def under(cls, profile: Path) -> Paths:
        """The standard layout below one profile folder (used by tests and --profile-dir)."""
        return cls(
            profile,
            profile / "AppData" / "Roaming",
            profile / "AppData" / "Local",
            profile / "Documents",
        )

    @property
    def xlstart(self) -> Path:
        """Excel's per-user startup folder."""
        return self.appdata / "Microsoft" / "Excel" / "XLSTART"

    @property
    def addin(self) -> Path:
        """The installed add-in."""
        return self.xlstart / ADDIN_NAME

    @property
    def config_dir(self) -> Path:
        """``%USERPROFILE%\\.jixiao`` (PROJECT_NAME of the add-in's xlwings runtime)."""
        return self.profile / ".jixiao"

    @property
    def config(self) -> Path:
        """The add-in's config file."""
        return self.config_dir / CONFIG_NAME

    @property
    def manifest(self) -> Path:
        """What install created."""
        return self.config_dir / MANIFEST_NAME

    @property
    def templates(self) -> Path:
        """Fresh templates for the clerk."""
        return self.documents / TEMPLATE_FOLDER

    @property
    def venv(self) -> Path:
        """jixiao's Python environment as install.ps1 makes it."""
        return self.local_appdata.joinpath(*VENV)

    def variables(self) -> dict[str, Path]:
        """Environment variables the add-in runtime expands, and what they stand for."""
        return {
            "LOCALAPPDATA": self.local_appdata,
            "APPDATA": self.appdata,
            "USERPROFILE": self.profile,
        }
