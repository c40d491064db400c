"""Submissions on disk: find them, read any supported kind, validate one file into a FileReport.

Which files are read, and by which reader, is :mod:`jixiao.filekinds`' business.  Reading never
raises on bad input: the problems come back as findings.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from jixiao.consolidate import Consolidation, Entry, consolidate
from jixiao.filekinds import in_folder_scan, kind_of, unsupported_reason
from jixiao.findings import FileReport, Finding, sort_findings
from jixiao.model import Project, Submission
from jixiao.money import MoneyUnit
from jixiao.outputs.summary import write_summary
from jixiao.profiles import load_profile
from jixiao.rules.files import FILE_UNREADABLE, file_finding
from jixiao.validate import profile_for, validate_submission

FILE_TIMEOUT = 120.0
"""Seconds one file may take to read and validate before it is reported and skipped."""


def find_submissions(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and in_folder_scan(p))
        else:
            yield path


def read_submission(path: Path) -> tuple[Submission | None, list[Finding]]:
    """Read one file of any supported kind."""
    kind = kind_of(path)
    if kind is None:
        return None, [file_finding(FILE_UNREADABLE, str(path), reason=unsupported_reason(path))]
    return kind.load_reader()(path)


def read_and_validate(
    path: Path, profile_name: str | None = None
) -> tuple[Submission | None, list[Finding]]:
    """Read one file and validate it: the submission and every finding (reading + rules)."""
    submission, findings = read_submission(path)
    if submission is None:
        return None, findings
    profile = profile_for(submission, profile_name)
    findings = findings + validate_submission(submission, profile, str(path))
    return submission, sort_findings(findings)


def validate_path(path: Path, profile_name: str | None = None) -> FileReport:
    """Read and validate one file; reading problems and rule findings together."""
    submission, findings = read_and_validate(path, profile_name)
    return FileReport(str(path), len(submission.projects) if submission else 0, findings)


def collect(
    paths: Iterable[Path],
    profile_name: str | None = None,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    timeout: float = FILE_TIMEOUT,
) -> list[Entry]:
    """Read and validate every submission under ``paths`` (both cores), one Entry per file.

    A file that cannot be read, or takes longer than ``timeout`` seconds, becomes an entry
    with a ``file-unreadable`` finding; the run always continues.  Entries come back in
    file order whatever order the workers finish in.
    """
    files = list(find_submissions(paths))
    workers = workers or min(len(files), os.cpu_count() or 1)
    if workers <= 1:
        entries = []
        for path in files:
            entries.append(Entry(str(path), *_safe_read(path, profile_name)))
            if progress:
                progress(path)
        return entries
    try:
        return _collect_parallel(files, profile_name, workers, progress, timeout)
    except (OSError, BrokenProcessPool):
        # Worker processes cannot start everywhere (locked-down PCs, embedded interpreters):
        # the same work, one file after another.
        return collect(files, profile_name, 1, progress, timeout)


def _safe_read(path: Path, profile_name: str | None) -> tuple[Submission | None, list[Finding]]:
    try:
        return read_and_validate(path, profile_name)
    except Exception as exc:  # noqa: BLE001  (one bad file must never stop a consolidation)
        reason = f"读取时出错（{type(exc).__name__}: {exc}）"
        return None, [file_finding(FILE_UNREADABLE, str(path), reason=reason)]


def _collect_parallel(
    files: list[Path],
    profile_name: str | None,
    workers: int,
    progress: Callable[[Path], None] | None,
    timeout: float,
) -> list[Entry]:
    results: dict[Path, tuple[Submission | None, list[Finding]]] = {}
    hung = False
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(_safe_read, f, profile_name): f for f in files}
        for future, path in futures.items():
            try:
                results[path] = future.result(timeout=timeout)
            except TimeoutError:
                hung = True
                reason = f"读取超过 {timeout:.0f} 秒，已跳过（文件可能异常庞大或损坏）"
                results[path] = (None, [file_finding(FILE_UNREADABLE, str(path), reason=reason)])
            if progress:
                progress(path)
    finally:
        if hung:  # a stuck worker would otherwise keep the program from exiting
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=not hung, cancel_futures=True)
    return [Entry(str(f), *results[f]) for f in files]


def split_by_department(entry: Entry, profile_name: str | None = None) -> list[Entry]:
    """One workbook holding several departments' sheets → one entry per 填报部门.

    A project sheet without a 填报部门 belongs to the workbook's own unit, which also keeps the
    department-level parts.  Each part is validated on its own, as if it had been sent alone.
    """
    submission = entry.submission
    if submission is None:
        return [entry]
    own = submission.unit.name
    groups: dict[str, list[Project]] = {}
    for project in submission.projects:
        groups.setdefault(project.department or own, []).append(project)
    groups.setdefault(own, [])
    reading = [f for f in entry.findings if f.code in ("template-tampered", "file-unreadable")]
    entries = []
    for name, projects in groups.items():
        part = dataclasses.replace(
            submission,
            projects=tuple(projects),
            department=submission.department if name == own else None,
        )
        profile = profile_for(part, profile_name)
        findings = validate_submission(part, profile, entry.file)
        entries.append(Entry(entry.file, part, (reading if name == own else []) + findings, name))
    return entries


def consolidate_paths(
    paths: Iterable[Path],
    output: Path,
    money_unit: MoneyUnit = MoneyUnit.WAN,
    unit_name: str = "本单位",
    profile_name: str | None = None,
    by_department: bool = False,
    progress: Callable[[Path], None] | None = None,
) -> Consolidation:
    """Collect, consolidate and write the summary workbook (the output itself is never read)."""
    files = [p for p in find_submissions(paths) if p.resolve() != Path(output).resolve()]
    entries = collect(files, profile_name, progress=progress)
    if by_department:
        entries = [part for entry in entries for part in split_by_department(entry, profile_name)]
    profile = load_profile(profile_name) if profile_name else None
    result = consolidate(entries, money_unit, profile)
    write_summary(result, output, unit_name)
    return result
