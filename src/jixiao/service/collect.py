"""Submissions on disk: read any supported kind, validate one file, and each file's work in a run.

Which files a run reads is :mod:`jixiao.service.scan`'s business, by which reader
:mod:`jixiao.filekinds`', and the worker processes that do each file's work
:mod:`jixiao.service.pool`'s.  Here: reading and validating one file (never raising on bad
input: the problems come back as findings), :func:`collect` (whole submissions, for publishing
and the ribbon), :func:`file_results` (a worker's share of a consolidation) with
:func:`collect_results` (the cache and the spool around it) and :func:`consolidate_paths`.

The workers are sent ``partial(_safe_read, …)`` and ``partial(file_results, …)``, pickled by
this module's name; both look up :func:`read_and_validate` and ``file_result`` here when
called, so a test that patches those names on this module reaches the (forked) workers.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jixiao.consolidation.results import Entry, FileResult
from jixiao.consolidation.rows import file_result
from jixiao.consolidation.unit import Consolidation, consolidate_results
from jixiao.filekinds import kind_of, unsupported_reason
from jixiao.findings import FileReport, Finding, sort_findings
from jixiao.model import Project, Submission
from jixiao.money import MoneyUnit
from jixiao.profiles import load_profile
from jixiao.rules.files import FILE_RULES, FILE_UNREADABLE, file_finding
from jixiao.rules.imports import IMPORT_UNPARSED
from jixiao.rules.money import AMOUNT_INVALID
from jixiao.service.cache import (
    ResultCache,
    RunOptions,
    cacheable,
    encode,
    file_digest,
    open_cache,
    unpacked,
)
from jixiao.service.pool import FILE_TIMEOUT, PROGRAM_ERROR, crashed, run_files
from jixiao.service.scan import find_submissions, identity, not_a_regular_file
from jixiao.service.spool import Spool
from jixiao.textfiles import readable_path
from jixiao.validate import profile_for, validate_submission


def read_submission(path: Path) -> tuple[Submission | None, list[Finding]]:
    """Read one file of any supported kind."""
    kind = kind_of(path)
    reason = not_a_regular_file(path)
    if reason is None and kind is None:
        reason = unsupported_reason(path)
    if reason is not None:
        return None, [file_finding(FILE_UNREADABLE, readable_path(path), reason=reason)]
    assert kind is not None
    submission, findings = kind.load_reader()(path)
    shown = readable_path(path)
    if shown != str(path):  # findings name the file as the clerk can read it
        findings = [
            dataclasses.replace(f, file=shown) if f.file == str(path) else f for f in findings
        ]
    return submission, findings


def read_and_validate(
    path: Path, profile_name: str | None = None
) -> tuple[Submission | None, list[Finding]]:
    """Read one file and validate it: the submission and every finding (reading + rules)."""
    submission, findings = read_submission(path)
    if submission is None:
        return None, findings
    profile = profile_for(submission, profile_name)
    validated = validate_submission(submission, profile, readable_path(path))
    if not findings:
        return submission, validated  # in reading order already: nothing to merge
    return submission, sort_findings(findings + validated)


def validate_path(path: Path, profile_name: str | None = None) -> FileReport:
    """Read and validate one file; reading problems and rule findings together."""
    submission, findings = read_and_validate(path, profile_name)
    projects = len(submission.projects) if submission else 0
    return FileReport(readable_path(path), projects, findings)


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
    file order whatever order the workers finish in.  (Whole submissions travel back from the
    workers: for the flows that need them, publishing; consolidation uses
    :func:`collect_results`.)
    """
    files = list(find_submissions(paths))
    read = run_files(
        files,
        partial(_safe_read, profile_name=profile_name),
        _unreadable,
        workers,
        progress,
        timeout,
    )
    return [Entry(readable_path(f), *found) for f, found in zip(files, read, strict=True)]


def _safe_read(path: Path, profile_name: str | None) -> tuple[Submission | None, list[Finding]]:
    try:
        return read_and_validate(path, profile_name)
    except Exception as exc:  # noqa: BLE001  (one bad file must never stop a consolidation)
        return None, [file_finding(FILE_UNREADABLE, readable_path(path), reason=crashed(exc))]


def _unreadable(path: Path, reason: str) -> tuple[Submission | None, list[Finding]]:
    plain = "已损坏" in reason or reason.startswith(PROGRAM_ERROR)
    full = reason if plain else f"{reason}（文件可能异常庞大或已损坏）"
    return None, [file_finding(FILE_UNREADABLE, readable_path(path), reason=full)]


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
    department = submission.department
    if (department is not None and not department.is_empty) or not groups:
        groups.setdefault(own, [])  # the unit's own part: its department parts
    first = next(iter(groups))
    sheets = {p.source.sheet: p.department or own for p in submission.projects}
    reading: dict[str, list[Finding]] = {}
    for finding in entry.findings:
        if finding.code in READING_CODES:  # kept with the part whose sheet it points at
            reading.setdefault(sheets.get(finding.sheet, first), []).append(finding)
    entries = []
    for name, projects in groups.items():
        part = dataclasses.replace(
            submission,
            projects=tuple(projects),
            department=submission.department if name == own else None,
        )
        profile = profile_for(part, profile_name)
        findings = validate_submission(part, profile, entry.file)
        entries.append(Entry(entry.file, part, reading.get(name, []) + findings, name))
    return entries


READING_CODES = frozenset(rule.code for rule in (*FILE_RULES, AMOUNT_INVALID, IMPORT_UNPARSED))
"""Findings made while a file is read (not by the rules run on the submission)."""


@dataclass(frozen=True, slots=True)
class Worked:
    """What a worker sends back for one file: finished results, not the submission."""

    results: list[FileResult]
    """Empty when they travel only as ``stored`` (the parent spools those bytes)."""
    stored: bytes | None = None
    """The results packed (:func:`cache.encode`, the form the cache and the spool keep)."""
    bound: bool = False
    """The stored results hold for this path only."""
    digest: str | None = None
    """sha256 of the file's bytes after reading it, when ``stored`` may be kept in the cache
    (None: it may not)."""

    def spooled(self, path: Path, spool: Spool) -> list[FileResult]:
        """The results put in ``spool``: the packed bytes as they are, else packed here."""
        if self.stored is not None:
            return spool.keep_packed(unpacked(self.stored, path, check=False))
        return [spool.keep(r) for r in self.results]


def file_results(
    path: Path, options: RunOptions, keep: bool = False, spooled: bool = False
) -> Worked:
    """Read and validate one file and finish its part of the consolidation (a worker's job):
    the rows, findings and facts of :class:`FileResult`, one per 填报部门 with
    ``by_department``.  With ``keep`` they are also packed for the cache, unless reading
    failed in a way that may not happen again (a program error) or a submission names a
    profile that is not built in.  With ``spooled`` (the parent keeps them in a
    :class:`Spool`) they are packed whatever the cache may keep, and only the packed bytes
    are sent back.

    Decision of issue #15: packing (JSON + zlib, ~4–5 ms a 30-project file) is done here, in
    the two workers, in every mode; the parent, the one serial step beside them, only stores
    the bytes (~0.5 ms), and the results are not pickled and unpickled on the way either.  A
    ``--no-cache`` run packed every file in the parent (~11 ms a file with the unpickling)."""
    submission, findings = _safe_read(path, options.profile_name)
    entries = [Entry(readable_path(path), submission, findings)]
    if options.by_department:
        entries = split_by_department(entries[0], options.profile_name)
    named = load_profile(options.profile_name) if options.profile_name else None
    results = [file_result(e, options.money_unit, named) for e in entries]
    cached = keep and _keepable(submission, findings)
    if not (cached or spooled):
        return Worked(results)
    try:
        stored, bound = encode(results, path)
    except TypeError:  # a value the cache does not know how to keep: sent as it is
        return Worked(results)
    digest = file_digest(path) if cached else None
    return Worked([] if spooled else results, stored, bound, digest)


def _keepable(submission: Submission | None, findings: list[Finding]) -> bool:
    if any(f.code == FILE_UNREADABLE.code and "程序出错" in f.message for f in findings):
        return False
    return cacheable([submission.unit.profile if submission else None])


def _not_worked(path: Path, reason: str, options: RunOptions) -> Worked:
    entry = Entry(readable_path(path), *_unreadable(path, reason))
    return Worked([file_result(entry, options.money_unit)])


def collect_results(
    paths: Iterable[Path],
    options: RunOptions,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    timeout: float = FILE_TIMEOUT,
    spool: Spool | None = None,
) -> list[FileResult]:
    """Every file under ``paths`` read, validated and finished (:func:`file_results`) on both
    cores, in file order; with ``use_cache`` a file whose bytes were read before under the same
    fingerprint is taken from the cache (:mod:`jixiao.service.cache`) instead of being read.
    With ``spool`` each result is put there as it comes in, as the bytes its worker or the
    cache packed (:meth:`Spool.keep_packed`): what is returned then holds views of its rows and
    findings, not the rows."""
    files = list(find_submissions(paths))
    if not use_cache:
        work = partial(file_results, options=options, spooled=spool is not None)
        failed = partial(_not_worked, options=options)
        kept = partial(_spooled, spool=spool) if spool is not None else None
        done = run_files(files, work, failed, workers, progress, timeout, kept)
        return [r for worked in done for r in worked.results]
    with open_cache(options) as cache:
        return _cached_results(files, options, cache, workers, progress, timeout, spool)


def _spooled(path: Path, worked: Worked, spool: Spool) -> Worked:
    return Worked(worked.spooled(path, spool))


def _cached_results(
    files: list[Path],
    options: RunOptions,
    cache: ResultCache,
    workers: int | None,
    progress: Callable[[Path], None] | None,
    timeout: float,
    spool: Spool | None = None,
) -> list[FileResult]:
    found: dict[Path, list[FileResult]] = {}
    digests: dict[Path, str] = {}
    for path in files:
        digest = file_digest(path) if cache.active and not_a_regular_file(path) is None else None
        cached = cache.get(digest, path) if digest else None
        if cached is not None:  # the spool keeps the cache's bytes as they are
            found[path] = spool.keep_packed(cached) if spool is not None else cached.results()
            if progress:
                progress(path)
        elif digest:
            digests[path] = digest

    def keep(path: Path, worked: Worked) -> Worked:
        digest = digests.get(path)
        if worked.stored is not None and digest is not None and worked.digest == digest:
            cache.put(digest, path, worked.stored, worked.bound)
        if spool is not None:  # packed once, by the worker
            return Worked(worked.spooled(path, spool))
        return Worked(worked.results)  # the packed copy is not kept

    todo = [path for path in files if path not in found]
    work = partial(file_results, options=options, keep=True, spooled=spool is not None)
    failed = partial(_not_worked, options=options)
    done = run_files(todo, work, failed, workers, progress, timeout, keep)
    found.update((path, worked.results) for path, worked in zip(todo, done, strict=True))
    return [r for path in files for r in found[path]]


def consolidate_paths(
    paths: Iterable[Path],
    output: Path,
    money_unit: MoneyUnit = MoneyUnit.WAN,
    unit_name: str = "本单位",
    profile_name: str | None = None,
    by_department: bool = False,
    progress: Callable[[Path], None] | None = None,
    use_cache: bool = True,
    writing: Callable[[int, int], None] | None = None,
) -> Consolidation:
    """Collect, consolidate and write the summary workbook (the output itself is never read).
    Workers send back finished rows (:func:`file_results`); with ``use_cache`` files read in
    an earlier run with the same bytes and options are not read again.  ``progress`` is told
    each file read, ``writing`` how far writing the workbook has got (done, total).

    Each file's rows and findings wait in a spool on disk beside the output
    (:mod:`jixiao.service.spool`) and are read back file by file while the workbook is written,
    so the parent's memory does not grow with the rows.  The returned consolidation reads the
    spool (the CSV export, the console text); the spool is deleted when it is dropped."""
    written = identity(Path(output))
    files = [p for p in find_submissions(paths) if identity(p) != written]
    options = RunOptions(profile_name, money_unit, by_department)
    try:
        spool: Spool | None = Spool(Path(output).absolute().parent)
    except (OSError, sqlite3.Error):  # nowhere to write it: the rows stay in memory, as before
        spool = None
    with _Frozen() as frozen:
        results = collect_results(files, options, use_cache, progress=progress, spool=spool)
        frozen.again()  # the results in memory too (the cache hits' decoded rows)
        profile = load_profile(profile_name) if profile_name else None
        result = consolidate_results(results, money_unit, profile)
        from jixiao.outputs.summary import write_summary  # XlsxWriter: not for validate (#15)

        write_summary(result, output, unit_name, progress=writing)
    return result


class _Frozen:
    """The objects alive now are left out of Python's cyclic garbage collection until the end
    (``gc.freeze``; ``gc.unfreeze`` afterwards, so nothing is kept for good).

    Why (issue #15): a consolidation allocates millions of objects, and each full collection
    walks every object alive, again and again: the modules', and on a re-run the ~50,000 rows
    and findings the cache's check decoded and the spool keeps (:data:`spool.READY_ITEMS`).
    Measured at 100 × 30 in the benchmark's process: 0.25–0.5 s of a cached re-run's ~2.4 s
    went to collections, ~0.1 s before the rows were kept.  Objects freed by their reference
    counts are freed as always; only cycles wait for the end.  A host that froze objects itself
    (``gc.get_freeze_count()``: a forking server) is left as it is."""

    def __enter__(self) -> _Frozen:
        import gc

        self._gc = gc
        self._active = gc.isenabled() and gc.get_freeze_count() == 0
        self.again()
        return self

    def again(self) -> None:
        """Leave out the objects alive now as well."""
        if self._active:
            self._gc.freeze()

    def __exit__(self, *_: object) -> None:
        if self._active:
            self._gc.unfreeze()
