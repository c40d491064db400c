"""The worker processes: one job run on every file on both cores, and what may go wrong there.

:func:`run_files` runs a picklable function on each file in a process pool and hands back the
results in file order.  A file that takes longer than :data:`FILE_TIMEOUT`, kills its worker or
makes the work raise is that file's failure (``failed(path, reason)``), never the run's: a stuck
pool is ended and a fresh one reads the rest, a file that broke the pool is read again in a
process of its own (:func:`_isolated`).  Each worker starts capped in memory and without Rust
backtraces (:func:`start_worker`).  Where worker processes cannot start, the same work runs one
file after another.  What the work is (reading, validating, finishing a file's rows) is
:mod:`jixiao.service.collect`'s.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

FILE_TIMEOUT = 120.0
"""Seconds one file may take to read and validate before it is reported and skipped."""

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


PROGRAM_ERROR = "读取时程序出错（可能是 jixiao 的缺陷，请把这个文件交给维护者）"
"""Why a file is unreadable when reading it raised (not the file's fault, as far as known)."""


def crashed(exc: BaseException) -> str:
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
                results[path] = finished(path, failed(path, crashed(exc)))
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
        return failed(path, crashed(exc))
    finally:
        if hung:
            _terminate(pool)
        pool.shutdown(wait=not hung, cancel_futures=True)


def _terminate(pool: ProcessPoolExecutor) -> None:
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
