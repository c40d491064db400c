"""Submissions on disk: find them, read any supported kind, validate one file into a FileReport.

Which files are read, and by which reader, is :mod:`jixiao.filekinds`' business.  Reading never
raises on bad input: the problems come back as findings.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jixiao.consolidation.results import Entry, FileResult
from jixiao.consolidation.rows import file_result
from jixiao.consolidation.unit import Consolidation, consolidate_results
from jixiao.filekinds import in_folder_scan, kind_of, unsupported_reason
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
from jixiao.service.spool import Spool
from jixiao.textfiles import read_error_reason, readable_path
from jixiao.validate import profile_for, validate_submission

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

FILE_TIMEOUT = 120.0
"""Seconds one file may take to read and validate before it is reported and skipped."""


def find_submissions(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders searched recursively, in a stable order.  A file reached twice
    (named and inside a named folder, or through a link) is read once."""
    seen: set[str] = set()
    for path in paths:
        found = sorted(_scan(path)) if _is_folder(path) else [path]
        for file in found:
            key = _identity(file)
            if key not in seen:
                seen.add(key)
                yield file


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _scan(folder: Path) -> Iterator[Path]:
    """Every file a folder scan reads under ``folder`` (links to folders are not followed), and
    every folder under it that cannot be opened: reported as unreadable, never passed over in
    silence (``Path.rglob`` skips them: a sub-unit's workbooks would vanish from the summary)."""
    unreadable: list[OSError] = []
    for root, _, files in os.walk(folder, onerror=unreadable.append):
        for name in files:
            path = Path(root, name)
            if in_folder_scan(path):
                yield path  # links that lead nowhere and pipes too: they are reported, not skipped
    for error in unreadable:
        if error.filename and not _system_folder(Path(error.filename).name):
            yield Path(error.filename)


def _system_folder(name: str) -> bool:
    """A folder the system keeps on a drive (``System Volume Information``, ``$RECYCLE.BIN``,
    ``.Trash-1000``): no account may open it, and no clerk puts submissions there."""
    return name.startswith((".", "$")) or name == "System Volume Information"


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a link loop
        return str(path.absolute())


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` cannot be opened as a file (without opening it: a pipe would block)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "链接指向的文件不存在" if path.is_symlink() else "文件不存在"
    except OSError as exc:
        return read_error_reason(exc)
    if stat.S_ISDIR(mode):
        try:
            os.scandir(path).close()
        except OSError as exc:
            return f"无法打开这个文件夹，其中的文件都没有读取：{read_error_reason(exc)}"
        return "这是一个文件夹"
    if not stat.S_ISREG(mode):
        return "不是普通文件（管道、设备或套接字），不会打开"
    return None


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


T = TypeVar("T")


def run_files(
    files: list[Path],
    work: Callable[[Path], T],
    failed: Callable[[Path, str], T],
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    timeout: float = FILE_TIMEOUT,
    done: Callable[[Path, T], T] | None = None,
) -> list[T]:
    """``work`` on every file on both cores, in file order; a file that takes longer than
    ``timeout`` or kills its process gets ``failed(path, reason)`` and the run goes on.
    ``done`` sees each result as it comes in (and may slim it down), then ``progress``."""
    workers = workers or min(len(files), os.cpu_count() or 1)

    def finished(path: Path, value: T) -> T:
        value = done(path, value) if done else value
        if progress:
            progress(path)
        return value

    if workers <= 1:
        return [finished(path, work(path)) for path in files]
    _sendable(work)
    try:
        return _run_parallel(files, work, failed, workers, finished, timeout)
    except OSError:
        # Worker processes cannot start everywhere (locked-down PCs, embedded interpreters):
        # the same work, one file after another.
        return run_files(files, work, failed, 1, progress, timeout, done)


def _sendable(work: Callable[[Path], T]) -> None:
    """Raise TypeError unless ``work`` can be sent to a worker process (pickled).

    Python 3.11's ``ProcessPoolExecutor`` pickles each call in a feeder thread; when that
    fails the future gets the error, but once every call of a long run has failed so, the
    executor's shutdown waited forever (found while profiling with a monkeypatched, local
    work function: 100 files hung, 4 did not).  Whether ``work`` pickles does not depend on
    the files (it is a module function and the run's options), so it is asked once, before
    any process starts: a program error, said at once, never a hang."""
    import pickle

    try:
        pickle.dumps(work)
    except Exception as exc:  # pickle raises several kinds
        raise TypeError(f"work cannot be sent to the worker processes: {exc}") from exc


def _safe_read(path: Path, profile_name: str | None) -> tuple[Submission | None, list[Finding]]:
    try:
        return read_and_validate(path, profile_name)
    except Exception as exc:  # noqa: BLE001  (one bad file must never stop a consolidation)
        return None, [file_finding(FILE_UNREADABLE, readable_path(path), reason=_crashed(exc))]


PROGRAM_ERROR = "读取时程序出错（可能是 jixiao 的缺陷，请把这个文件交给维护者）"
"""Why a file is unreadable when reading it raised (not the file's fault, as far as known)."""


def _crashed(exc: BaseException) -> str:
    reason = PROGRAM_ERROR
    if os.environ.get("JIXIAO_DEBUG"):
        reason += f"：{type(exc).__name__}: {exc}"
    return reason


def _run_parallel(
    files: list[Path],
    work: Callable[[Path], T],
    failed: Callable[[Path, str], T],
    workers: int,
    finished: Callable[[Path, T], T],
    timeout: float,
) -> list[T]:
    # Imported here: multiprocessing is a noticeable part of start-up, and one file is read
    # without worker processes (issue #15).
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[Path, T] = {}
    hung = False
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker)
    try:
        # Taken off the queue as each is read: a finished future keeps its whole result, and
        # ``finished`` may have put a slimmer one in its place (the spool, issue #15).
        futures = deque((pool.submit(work, f), f) for f in files)
        while futures:
            future, path = futures.popleft()
            try:
                results[path] = finished(path, future.result(timeout=timeout))
            except TimeoutError:
                hung = True
                results[path] = finished(path, failed(path, _timed_out(timeout)))
                # The pool itself may be stuck (a worker killed while sending its result
                # leaves the pool waiting for the rest of it): every later file would wait out
                # the timeout too.  What is done is kept; a fresh pool reads the rest.
                for done, waiting in futures:
                    if done.done() and not done.cancelled() and done.exception() is None:
                        results[waiting] = finished(waiting, done.result())
                break
            except BrokenProcessPool:
                break  # a worker died on some file: the rest are read one process each
            except Exception as exc:  # noqa: BLE001  (the work raised, or its call was not sent)
                results[path] = finished(path, failed(path, _crashed(exc)))
    except BaseException:  # the parent's own failure (or Ctrl+C): end the workers, do not wait
        hung = True
        raise
    finally:
        if hung:  # a stuck worker would otherwise keep the program from exiting
            _terminate(pool)
        pool.shutdown(wait=not hung, cancel_futures=True)
    rest = [path for path in files if path not in results]
    if hung and rest:
        again = _run_parallel(rest, work, failed, workers, finished, timeout)
        results.update(zip(rest, again, strict=True))
    for path in rest:
        if path not in results:
            results[path] = finished(path, _isolated(path, work, failed, timeout))
    return [results[f] for f in files]


def _timed_out(timeout: float) -> str:
    return f"读取超过 {timeout:.0f} 秒，已跳过"


MEMORY_LIMIT = 3 * 1024**3
"""Address space a reading worker may use (Linux): a hostile file that slipped past the
package guard makes the allocation fail in that worker, not the whole machine swap."""


RUST_BACKTRACE_VARIABLES = ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE")
"""Environment variables that make Rust code (python-calamine) capture a backtrace when it
panics or aborts."""


def start_worker() -> None:
    """A reading worker's set-up (the pools' initializer): its memory capped, and no Rust
    backtraces.  A review found that with ``RUST_BACKTRACE=1`` inherited (developers' shells and
    some CI images set it), a failed allocation inside python-calamine deadlocked the worker in
    Rust's panic hook, which allocates to capture the backtrace: the file then cost the whole
    :data:`FILE_TIMEOUT` instead of being reported at once as a worker that died.  Only the
    worker's environment changes (the parent's and the user's shell keep theirs)."""
    for name in RUST_BACKTRACE_VARIABLES:
        os.environ.pop(name, None)
    limit_memory()


def limit_memory() -> None:
    """Cap this process's address space where the platform allows it."""
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the package guard is the protection there
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _isolated(
    path: Path, work: Callable[[Path], T], failed: Callable[[Path, str], T], timeout: float
) -> T:
    """Read one file in a process of its own: if it dies, only this file is lost."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=1, initializer=start_worker)
    hung = False
    try:
        return pool.submit(work, path).result(timeout=timeout)
    except BrokenProcessPool:
        return failed(path, "读取这个文件时读取程序异常退出（文件可能异常庞大或已损坏）")
    except TimeoutError:
        hung = True
        return failed(path, _timed_out(timeout))
    except Exception as exc:  # noqa: BLE001  (as in _run_parallel)
        return failed(path, _crashed(exc))
    finally:
        if hung:
            _terminate(pool)
        pool.shutdown(wait=not hung, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


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
    written = _identity(Path(output))
    files = [p for p in find_submissions(paths) if _identity(p) != written]
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
