"""Finding and reading files: paths are data (issue 10) — a file reached twice is read once,
pipes and dangling links are reported without being opened, names that are not UTF-8 are shown
readably, and a file that kills its reading process costs only that file."""

from __future__ import annotations

import faulthandler
import json
import os
import sys
from pathlib import Path

import pytest

from conftest import good
from jixiao.service import collect, pool
from jixiao.service.collect import collect as collect_files
from jixiao.service.scan import find_submissions
from jixiao.textfiles import readable_path


def submission(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    return path


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    one = submission(tmp_path, "a.json")
    link = tmp_path / "link.json"
    link.symlink_to(one)
    found = list(find_submissions([tmp_path, one, link]))
    assert len(found) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_reported_without_being_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "fifo.xlsx"
    os.mkfifo(pipe)
    (entry,) = collect_files([pipe], workers=1)  # opening it would block forever
    assert entry.submission is None
    (finding,) = entry.findings
    assert finding.code == "file-unreadable" and "管道" in finding.message


def test_a_dangling_link_in_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (entry,) = collect_files([tmp_path], workers=1)
    assert [f.code for f in entry.findings] == ["file-unreadable"]
    assert "链接指向的文件不存在" in entry.findings[0].message


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are always Unicode")
def test_a_gbk_file_name_is_shown_readably(tmp_path: Path) -> None:
    raw = "法院报送.json".encode("gbk")
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), raw)))
    path.write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    (entry,) = collect_files([tmp_path], workers=1)
    assert entry.file.endswith("法院报送.json")
    entry.file.encode("utf-8")  # printable: no surrogates left
    assert readable_path(path) == entry.file


def test_a_file_that_kills_its_worker_costs_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [submission(tmp_path, f"{name}.json") for name in ("a", "bomb", "c", "d")]
    real = collect.read_and_validate

    def read(path: Path, profile_name: str | None = None):  # type: ignore[no-untyped-def]
        if path.name == "bomb.json":
            faulthandler.disable()  # pytest's handler would print the child's stack
            os.abort()  # what calamine does when an allocation fails
        return real(path, profile_name)

    monkeypatch.setattr(collect, "read_and_validate", read)  # workers are forked with it
    entries = collect_files(files, workers=2)
    assert [e.file for e in entries] == [str(f) for f in files]
    assert [e.submission is not None for e in entries] == [True, False, True, True]
    assert "异常退出" in entries[1].findings[0].message


def test_finished_results_keep_crash_isolation_timeout_and_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers that send back finished results (consolidate, validate) keep what the
    whole-submission workers had: a file that kills its process or hangs costs only that file,
    every file is counted, and neither outcome is kept in the cache."""
    import time

    from jixiao.service.cache import RunOptions, file_digest, open_cache
    from jixiao.service.collect import collect_results

    files = []
    for name in ("a", "bomb", "c", "slow"):
        data = good()
        data["unit"]["name"] = f"单位{name}"  # other bytes: each file is its own cache entry
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    real = collect.read_and_validate

    def read(path: Path, profile_name: str | None = None):  # type: ignore[no-untyped-def]
        if path.name == "bomb.json":
            faulthandler.disable()
            os.abort()
        if path.name == "slow.json":
            time.sleep(30)
        return real(path, profile_name)

    monkeypatch.setattr(collect, "read_and_validate", read)
    done: list[str] = []
    results = collect_results(
        files, RunOptions(), workers=2, progress=lambda p: done.append(p.name), timeout=3
    )
    assert [r.file for r in results] == [str(f) for f in files]
    assert [r.submission is not None for r in results] == [True, False, True, False]
    assert "异常退出" in results[1].findings[0].message
    assert "读取超过 3 秒" in results[3].findings[0].message
    assert results[0].project_rows and results[0].findings == real(files[0])[1]
    assert sorted(done) == sorted(f.name for f in files)
    with open_cache(RunOptions()) as cache:
        kept = [cache.get(file_digest(f) or "", f) is not None for f in files]
    assert kept == [True, False, True, False]


def test_a_read_only_output_folder_is_refused_before_any_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked with the permission answer faked: CI runs as root, who may write anywhere."""
    from jixiao.service import refusals

    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(refusals.os, "access", lambda path, mode: Path(path) != locked)
    with pytest.raises(refusals.ActionError, match="只读"):
        refusals.check_outputs([locked / "new" / "汇总.xlsx"])  # the nearest existing folder
    refusals.check_outputs([tmp_path / "汇总.xlsx"])  # a writable folder passes


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_write(tmp_path: Path) -> None:
    import subprocess

    from jixiao.atomic import TEMPORARY_PREFIX, atomic_write_text

    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = tmp_path / f"{TEMPORARY_PREFIX}{ended.stdout.strip()}-abc.xlsx"
    alive = tmp_path / f"{TEMPORARY_PREFIX}{os.getpid()}-def.xlsx"
    dead.write_bytes(b"half written")
    alive.write_bytes(b"being written")
    atomic_write_text(tmp_path / "report.txt", "done")
    assert not dead.exists() and alive.exists()
    assert (tmp_path / "report.txt").read_text("utf-8") == "done"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY_PREFIX)] == [
        alive.name
    ]


def test_every_registered_suffix_is_read_by_validate_and_import_alike(tmp_path: Path) -> None:
    """issue 9: the importer took .text while validate and import refused it; one registry now."""
    from click.testing import CliRunner

    from conftest import SEEDS
    from jixiao.cli import main
    from jixiao.filekinds import suffixes

    assert ".text" in suffixes("text")
    document = tmp_path / "公开.text"
    document.write_bytes((SEEDS / "000-shijiazhuang-gaoxin-court.txt").read_bytes())
    runner = CliRunner()
    validated = runner.invoke(main, ["validate", str(document)])
    assert validated.exit_code in (0, 1) and "不支持" not in validated.output
    assert "公开.text（1 个项目" in validated.output
    imported = runner.invoke(main, ["import", str(document), "-o", str(tmp_path / "out.xlsx")])
    assert imported.exit_code in (0, 1), imported.output
    assert (tmp_path / "out.xlsx").exists()


def test_a_stuck_pool_costs_one_timeout_not_one_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every worker stuck (both here, each on a file of its own; in the field, a worker
    killed while sending its result), every later file used to wait out the timeout and be
    reported as too slow; now the first timeout ends that pool and a fresh one reads the rest."""
    import time

    from jixiao.service.cache import RunOptions
    from jixiao.service.collect import collect_results

    files = []
    for name in ("a", "stuck", "stuck too", "c", "d"):
        data = good()
        data["unit"]["name"] = f"单位{name}"
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    real = collect.read_and_validate

    def read(path: Path, profile_name: str | None = None):  # type: ignore[no-untyped-def]
        if path.name.startswith("stuck"):
            time.sleep(60)
        return real(path, profile_name)

    monkeypatch.setattr(collect, "read_and_validate", read)
    results = collect_results(files, RunOptions(), use_cache=False, workers=2, timeout=2)
    assert [r.file for r in results] == [str(f) for f in files]
    assert [r.submission is not None for r in results] == [True, False, False, True, True]
    assert "读取超过 2 秒" in results[1].findings[0].message


_UNSENDABLE = """
import sys
from pathlib import Path
from jixiao.service import pool
files = [Path(f"/nowhere/{n}.xlsx") for n in range(100)]
try:
    pool.run_files(files, lambda path: path, lambda path, why: why, workers=2, timeout=30)
except TypeError as exc:
    print("TypeError", exc)
"""


def test_work_that_cannot_reach_the_workers_fails_at_once_instead_of_hanging() -> None:
    """A work function that does not pickle (a monkeypatched local one, while profiling) left
    100 files' run waiting forever in the executor's shutdown; now it is a clear error before
    any process starts.  Run in a process of its own, ended with its workers if it hangs."""
    import signal
    import subprocess

    process = subprocess.Popen(
        [sys.executable, "-c", _UNSENDABLE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its workers too can be ended, should it hang
    )
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("run_files hung on a work function that cannot be pickled")
    assert process.returncode == 0, err
    assert out.startswith("TypeError work cannot be sent to the worker processes"), out


def test_a_file_whose_work_raises_costs_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finishing a file's rows raised in the worker (outside the reading's own guard): that
    file is reported as a program error and the others are consolidated, not the whole run
    stopped."""
    from jixiao.service.cache import RunOptions
    from jixiao.service.collect import collect_results

    files = [submission(tmp_path, f"{name}.json") for name in ("a", "b", "c")]
    real = collect.file_result

    def finish(entry, *args):  # type: ignore[no-untyped-def]
        if entry.file.endswith("b.json") and entry.submission is not None:
            raise KeyError("a defect")  # in the worker (the parent's stand-in has no submission)
        return real(entry, *args)

    monkeypatch.setattr(collect, "file_result", finish)  # workers are forked with it
    results = collect_results(files, RunOptions(), use_cache=False, workers=2)
    assert [r.file for r in results] == [str(f) for f in files]
    assert [r.submission is not None for r in results] == [True, False, True]
    (finding,) = results[1].findings
    assert pool.PROGRAM_ERROR in finding.message
    assert "已损坏" not in finding.message  # not the file's fault, as far as is known


def test_a_consolidation_leaves_nothing_out_of_garbage_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the workbook is written the objects alive before are left out of the cyclic
    collections (issue #15: they were walked again and again); afterwards nothing is, and a
    host that froze objects itself keeps exactly its own."""
    import gc

    import jixiao.outputs.summary as summary
    from jixiao.service.collect import consolidate_paths

    files = [submission(tmp_path, f"{name}.json") for name in ("a", "b")]
    frozen: list[int] = []
    real = summary.write_summary

    def write(*args, **kwargs):  # type: ignore[no-untyped-def]
        frozen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(summary, "write_summary", write)
    consolidate_paths(files, tmp_path / "a.xlsx", use_cache=False)
    assert frozen[0] > 0 and gc.get_freeze_count() == 0
    gc.freeze()  # a forking host's own
    try:
        own = gc.get_freeze_count()
        consolidate_paths(files, tmp_path / "b.xlsx", use_cache=False)
        assert frozen[1] == own and gc.get_freeze_count() == own
    finally:
        gc.unfreeze()


def _backtrace_settings(path: Path) -> tuple[str | None, str | None]:
    return os.environ.get("RUST_BACKTRACE"), os.environ.get("RUST_LIB_BACKTRACE")


def _not_read(path: Path, reason: str) -> tuple[str | None, str | None]:
    return reason, reason


def test_workers_capture_no_rust_backtraces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With RUST_BACKTRACE inherited, a failed allocation in python-calamine deadlocked its
    worker in Rust's panic hook (a review, under a memory limit): the file cost the whole
    timeout.  Workers, in the pool and alone, run without it; the parent keeps its own."""
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    monkeypatch.setenv("RUST_LIB_BACKTRACE", "full")
    files = [tmp_path / f"{n}.xlsx" for n in range(3)]
    in_pool = pool.run_files(files, _backtrace_settings, _not_read, workers=2)
    alone = pool._isolated(files[0], _backtrace_settings, _not_read, 60)
    assert in_pool == [(None, None)] * 3
    assert alone == (None, None)
    assert os.environ["RUST_BACKTRACE"] == "1"
