"""生成公开文本: checked workbooks → the document a unit makes public (.docx, and a PDF through
LibreOffice when asked).

A workbook with errors is not published unless the clerk says so (``allow_errors``): the
result then says how many errors there were, and nothing is written without it.  A PDF needs
LibreOffice; when it is not installed the request is refused before anything is written, in
Chinese, with what to do instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from jixiao.atomic import atomic_write
from jixiao.consolidation.results import Entry
from jixiao.findings import Tally
from jixiao.model import Submission, Unit
from jixiao.outputs.publish import Publication, write_publication
from jixiao.profiles import load_profile
from jixiao.service.actions import with_cross_checks
from jixiao.service.collect import collect
from jixiao.service.refusals import ActionError, check_outputs, nothing_found, require_suffix
from jixiao.service.scan import find_submissions
from jixiao.textfiles import readable_path

PDF_TIMEOUT = 300.0
"""Seconds LibreOffice may take to convert one document (a first start takes ~20 s)."""
SOFFICE_ENV = "JIXIAO_SOFFICE"
"""Environment variable naming the LibreOffice program, when it is not found by itself."""
_WINDOWS_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
NO_LIBREOFFICE = (
    "未找到 LibreOffice，无法生成 PDF。请安装 LibreOffice（https://www.libreoffice.org，免费），"
    f"或设置环境变量 {SOFFICE_ENV} 指向 soffice 程序；也可以去掉 --pdf 只生成 .docx，"
    "再用 Word 或 WPS“另存为 PDF”。"
)


@dataclass(slots=True)
class Published:
    """What publishing read and wrote."""

    entries: list[Entry]
    output: Path
    errors: int
    """Errors found in the workbooks (what validate reports for them)."""
    publication: Publication | None = None
    """None when nothing was written (see ``refused``)."""
    pdf: Path | None = None
    refused: str | None = None
    """Why nothing was written (Chinese), or None."""
    unreadable: list[str] = field(default_factory=list)
    """Files that could not be read at all (they are not in the document)."""


def publish(
    paths: Iterable[Path],
    output: Path,
    pdf: bool = False,
    allow_errors: bool = False,
    force: bool = False,
    profile_name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Published:
    """Read and check the workbooks under ``paths``, then write their publication to ``output``
    (and ``output`` with ``.pdf`` when ``pdf``); ``progress(done, total)`` after each file."""
    profile = load_profile(profile_name) if profile_name else load_profile()
    files = list(find_submissions(paths))
    output = Path(output)
    pdf_path = output.with_suffix(".pdf")
    check_outputs([output, pdf_path] if pdf else [output], files, force)
    require_suffix(output, "公开文本", ".docx")
    if not files:
        raise nothing_found("生成公开文本")
    soffice = find_soffice() if pdf else None
    if pdf and soffice is None:
        raise ActionError(NO_LIBREOFFICE)
    done = 0

    def step(_: Path) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(files))

    entries = with_cross_checks(collect(files, profile_name, progress=step), profile)
    errors = sum(Tally.of(entry.findings).errors for entry in entries)
    unreadable = [entry.file for entry in entries if entry.submission is None]
    result = Published(entries, output, errors, unreadable=unreadable)
    submissions = [entry.submission for entry in entries if entry.submission is not None]
    if not submissions:
        result.refused = "没有能读取的文件，没有生成公开文本"
        return result
    result.refused = not_one_unit(submissions)
    if result.refused:
        return result
    if errors and not allow_errors:
        result.refused = (
            f"发现 {errors} 个错误，没有生成公开文本：请先改正（jixiao validate 列出每一处），"
            "确需带着错误生成时加 --allow-errors"
        )
        return result
    result.publication = write_publication(submissions, output)
    if soffice is not None:
        result.pdf = convert_to_pdf(output, pdf_path, soffice)
    return result


def not_one_unit(submissions: list[Submission]) -> str | None:
    """Why these workbooks make no one publication (None: they do).

    A publication is one unit's, for one year: its title is the unit's name and year, its
    projects are numbered on from workbook to workbook (a unit's projects may fill several
    workbooks).  Workbooks of different units, or of different years, would be titled by the
    first unit, dated by whichever names a year, and numbered as one unit's (review14 found
    石家庄高新区法院 published as “2025 年度”, 玉田县司法局's year, with 玉田's projects
    renumbered): refused, naming what differs.  A unit is known by its code, by its name where
    a workbook gives no code."""
    units = [s.unit for s in submissions]
    if not all(_same_unit(a, b) for a, b in combinations(units, 2)):
        named = "、".join(dict.fromkeys(_shown(unit) for unit in units))
        return (
            f"这些工作簿来自不同单位（{named}），没有生成公开文本："
            "公开文本一次生成一个单位的，请按单位分别生成"
        )
    years = sorted({s.unit.year for s in submissions if s.unit.year})
    if len(years) > 1:
        shown = "、".join(str(year) for year in years)
        return f"这些工作簿的预算年度不同（{shown}），没有生成公开文本：请只选同一年度的工作簿"
    return None


def _same_unit(a: Unit, b: Unit) -> bool:
    """The same unit: the same code where both give one, else the same name (spaces and
    full-/half-width forms aside: ``（本级）`` and ``(本级)``).  Every pair is compared, so the
    answer does not depend on the files' order (review15)."""
    if a.code and b.code:
        return _plain(a.code) == _plain(b.code)
    return _plain(a.name) == _plain(b.name)


def _plain(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _shown(unit: Unit) -> str:
    """``“某区人民法院”（615002）``: what tells the clerk the units apart."""
    name = f"“{unit.name or '未填单位名称'}”"
    return f"{name}（{unit.code}）" if unit.code else name


def published_text(result: Published) -> str:
    """What the command line says after publishing (or refusing to)."""
    lines = [f"无法读取，未写入公开文本：{file}" for file in result.unreadable]
    if result.refused:
        return "\n".join([*lines, result.refused])
    publication = result.publication
    assert publication is not None
    parts = [f"{publication.projects} 个项目"]
    if publication.forms:
        parts[0] += f"（其中 {publication.forms} 个按申报表版式）"
    if publication.department:
        parts.append("部门整体绩效目标")
    if publication.overall_rows:
        parts.append(f"整体绩效目标表 {publication.overall_rows} 行")
    lines.append(f"已生成公开文本：{readable_path(result.output)}（{'，'.join(parts)}）")
    for first, last in publication.withheld:
        numbers = f"{first}" if first == last else f"{first}-{last}"
        lines.append(f"{numbers} 号项目表未填写：已按“暂不公开”注明（公开文本照常保留编号）")
    if publication.residue:
        lines.append(f"{publication.residue} 处转换残留（如 $\\geq$）已印为对应符号")
    if result.pdf is not None:
        lines.append(f"已生成 PDF：{readable_path(result.pdf)}")
    if result.errors:
        lines.append(
            f"注意：工作簿中仍有 {result.errors} 个错误，公开文本是带着错误生成的，请核对后再公开"
        )
    return "\n".join(lines)


def find_soffice() -> str | None:
    """The LibreOffice program: ``$JIXIAO_SOFFICE``, ``soffice``/``libreoffice`` on the PATH,
    or where the Windows installer puts it."""
    named = os.environ.get(SOFFICE_ENV)
    if named:
        return named if Path(named).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((place for place in _WINDOWS_PLACES if Path(place).is_file()), None)


def convert_to_pdf(source: Path, target: Path, soffice: str | None = None) -> Path:
    """``source`` (.docx, or a workbook) → ``target`` PDF through LibreOffice headless, with a
    private profile (a LibreOffice the clerk has open is not disturbed), written atomically."""
    program = soffice or find_soffice()
    if program is None:
        raise ActionError(NO_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as folder:
        work = Path(folder)
        converted = pdf_via_libreoffice([source], work / "out", program, work / "profile")[0]
        atomic_write(target, lambda temporary: shutil.copyfile(converted, temporary))
    return target


def pdf_via_libreoffice(
    sources: list[Path], folder: Path, soffice: str, profile: Path, timeout: float = PDF_TIMEOUT
) -> list[Path]:
    """Convert several files in one LibreOffice run (it starts once: seconds saved a file);
    the PDFs land in ``folder`` under the sources' names."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        soffice,
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        *(str(source.resolve()) for source in sources),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.pop("VIRTUAL_ENV", None)
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=os.name != "nt",
    )
    try:
        output, _ = process.communicate(timeout=timeout * len(sources))
    except subprocess.TimeoutExpired:
        _stop(process)
        raise ActionError(f"LibreOffice 转换 PDF 超时（超过 {timeout:g} 秒），已中止") from None
    finally:
        _stop(process)
    targets = [folder / f"{source.stem}.pdf" for source in sources]
    missing = [t for t in targets if not t.is_file() or t.stat().st_size == 0]
    if missing:
        said = output.decode("utf-8", "replace").strip()[-300:]
        names = "、".join(readable_path(m.with_suffix(".docx").name) for m in missing)
        raise ActionError(f"LibreOffice 没有转换出 PDF（{names}）：{said or '没有说明原因'}")
    return targets


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the LibreOffice run and whatever it started (its own process group)."""
    if process.poll() is not None and os.name == "nt":
        return
    if os.name != "nt":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait(timeout=10)


__all__ = [
    "NO_LIBREOFFICE",
    "Published",
    "convert_to_pdf",
    "find_soffice",
    "pdf_via_libreoffice",
    "publish",
    "published_text",
]
