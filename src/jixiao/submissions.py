"""Submissions on disk: find them, read any supported kind, validate one file into a FileReport.

Supported: interchange JSON (``.json``) and jixiao template workbooks (``.xlsx``, ``.xlsm``).
Reading never raises on bad input: the problems come back as findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from jixiao.findings import FileReport, Finding, sort_findings
from jixiao.interchange import load_submission
from jixiao.model import Submission
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.validate import profile_for, validate_submission
from jixiao.workbook.read import read_workbook

Reader = Callable[[Path], tuple[Submission | None, list[Finding]]]
READERS: dict[str, Reader] = {
    ".json": load_submission,
    ".xlsx": read_workbook,
    ".xlsm": read_workbook,
}
TEMPORARY_PREFIXES = ("~$", ".~lock", ".~jixiao-")


def is_candidate(path: Path) -> bool:
    """A file a folder scan should pick up (Office/LibreOffice lock and temp files are not)."""
    return path.suffix.lower() in READERS and not path.name.startswith(TEMPORARY_PREFIXES)


def find_submissions(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and is_candidate(p))
        else:
            yield path


def read_submission(path: Path) -> tuple[Submission | None, list[Finding]]:
    """Read one file of any supported kind."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        kinds = "、".join(READERS)
        reason = f"不支持的文件类型“{path.suffix or '无扩展名'}”，支持 {kinds}"
        return None, [file_finding(FILE_UNREADABLE, str(path), reason=reason)]
    return reader(path)


def validate_path(path: Path, profile_name: str | None = None) -> FileReport:
    """Read and validate one file; reading problems and rule findings together."""
    submission, findings = read_submission(path)
    if submission is None:
        return FileReport(str(path), 0, findings)
    profile = profile_for(submission, profile_name)
    findings = findings + validate_submission(submission, profile, str(path))
    return FileReport(str(path), len(submission.projects), sort_findings(findings))
