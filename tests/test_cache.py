"""The result cache (issue 15, item 5): a re-run reads only the files whose bytes changed, the
cache never changes a result, and a damaged, foreign or locked cache is ignored, never trusted."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import good
from jixiao.consolidation.unit import Consolidation
from jixiao.money import MoneyUnit
from jixiao.outputs.report import consolidation_json
from jixiao.service import cache, collect
from jixiao.service.actions import consolidate_submissions, validate_paths
from jixiao.service.cache import CACHE_FILE, RunOptions, decode, encode, file_digest
from jixiao.service.collect import collect_results, file_results
from jixiao.service.demo import make_submissions
from jixiao.service.packed_parts import PARTS
from jixiao.service.packing import unpack


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's five workbooks (two courts share a 项目编码) and one interchange JSON."""
    inbox = tmp_path_factory.mktemp("demo") / "报送"
    make_submissions(inbox)
    (inbox / "json报送.json").write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    return inbox


@pytest.fixture
def inbox(demo_inbox: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "报送"
    shutil.copytree(demo_inbox, folder)
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The names of the files actually read, also by worker processes (forked with the
    patch): each read appends a line to a log file."""
    log = tmp_path / "reads.log"
    log.touch()
    real = collect.read_and_validate

    def counted(path: Path, profile_name: str | None = None):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as stream:
            stream.write(path.name + "\n")
        return real(path, profile_name)

    monkeypatch.setattr(collect, "read_and_validate", counted)

    class Reads(list[str]):
        def take(self) -> list[str]:
            names = sorted(log.read_text("utf-8").splitlines())
            log.write_text("", "utf-8")
            return names

    return Reads()


def run(inbox: Path, output: Path, use_cache: bool = True, **options: Any) -> Consolidation:
    return consolidate_submissions([inbox], output, force=True, use_cache=use_cache, **options)


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values."""
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def same_json(result: Consolidation, output: Path) -> dict[str, Any]:
    data = consolidation_json(result, output)
    data.pop("output")
    return data


def database() -> Path:
    return cache.cache_folder() / CACHE_FILE


def test_a_rerun_reads_only_the_changed_file(inbox: Path, tmp_path: Path, reads: Any) -> None:
    names = sorted(p.name for p in inbox.iterdir())
    first = run(inbox, tmp_path / "一.xlsx")
    assert reads.take() == names
    again = run(inbox, tmp_path / "二.xlsx")
    assert reads.take() == []  # nothing changed: nothing read
    changed = inbox / "json报送.json"
    data = good()
    data["unit"]["name"] = "改过的单位"
    changed.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    third = run(inbox, tmp_path / "三.xlsx")
    assert reads.take() == ["json报送.json"]
    assert same_json(again, tmp_path / "x") == same_json(first, tmp_path / "x")
    assert "改过的单位" in third.sub_units.column("sub_unit")
    assert "改过的单位" not in first.sub_units.column("sub_unit")


def test_cached_and_uncached_runs_write_identical_workbooks_and_json(
    inbox: Path, tmp_path: Path, reads: Any
) -> None:
    plain = run(inbox, tmp_path / "无缓存.xlsx", use_cache=False)
    assert not database().exists()  # --no-cache: the cache is not even created
    run(inbox, tmp_path / "首次.xlsx")
    cached = run(inbox, tmp_path / "缓存.xlsx")
    reads.take()
    assert cells(tmp_path / "缓存.xlsx") == cells(tmp_path / "无缓存.xlsx")
    assert same_json(cached, tmp_path / "x") == same_json(plain, tmp_path / "x")
    assert cached.findings == plain.findings
    codes = {f.code for f in cached.findings}
    assert "project-code-duplicate" in codes  # the cross-file checks ran on cached results


def test_same_options_elsewise_are_other_entries(inbox: Path, tmp_path: Path, reads: Any) -> None:
    """Money unit, profile and by_department change the rows: each has entries of its own."""
    run(inbox, tmp_path / "万元.xlsx")
    reads.take()
    in_yuan = run(inbox, tmp_path / "元.xlsx", money_unit=MoneyUnit.YUAN)
    assert len(reads.take()) == len(list(inbox.iterdir()))
    plain = run(inbox, tmp_path / "元2.xlsx", use_cache=False, money_unit=MoneyUnit.YUAN)
    assert same_json(in_yuan, tmp_path / "x") == same_json(plain, tmp_path / "x")
    reads.take()
    named = run(inbox, tmp_path / "津.xlsx", profile_name="tianjin")
    assert len(reads.take()) == len(list(inbox.iterdir()))
    assert same_json(named, tmp_path / "x") == same_json(
        run(inbox, tmp_path / "津2.xlsx", use_cache=False, profile_name="tianjin"), tmp_path / "x"
    )


def test_the_same_bytes_under_another_name_show_the_new_name(
    inbox: Path, tmp_path: Path, reads: Any
) -> None:
    run(inbox, tmp_path / "一.xlsx")
    reads.take()
    for path in list(inbox.iterdir()):
        path.rename(path.with_name("改名-" + path.name))
    moved = run(inbox, tmp_path / "二.xlsx")
    assert reads.take() == []  # same bytes: taken from the cache
    plain = run(inbox, tmp_path / "三.xlsx", use_cache=False)
    assert same_json(moved, tmp_path / "x") == same_json(plain, tmp_path / "x")
    assert cells(tmp_path / "二.xlsx") == cells(tmp_path / "三.xlsx")
    files = {f.file for f in moved.findings} | set(moved.projects.column("file"))
    assert files and all("改名-" in name for name in files), files


def test_a_damaged_cache_file_is_ignored_and_rebuilt(
    inbox: Path, tmp_path: Path, reads: Any, caplog: pytest.LogCaptureFixture
) -> None:
    plain = run(inbox, tmp_path / "无缓存.xlsx", use_cache=False)
    reads.take()
    database().parent.mkdir(parents=True, exist_ok=True)
    database().write_bytes(b"\x00garbage, not a database\xff" * 100)
    with caplog.at_level(logging.WARNING, logger="jixiao.service.cache"):
        result = run(inbox, tmp_path / "一.xlsx")
    assert "汇总缓存文件已损坏" in caplog.text
    assert same_json(result, tmp_path / "x") == same_json(plain, tmp_path / "x")
    assert len(reads.take()) == len(list(inbox.iterdir()))
    run(inbox, tmp_path / "二.xlsx")
    assert reads.take() == []  # rebuilt: the next run uses it


def test_a_damaged_entry_is_read_again(inbox: Path, tmp_path: Path, reads: Any) -> None:
    plain = run(inbox, tmp_path / "一.xlsx")
    reads.take()
    with sqlite3.connect(database()) as db:
        stored = db.execute("SELECT digest, path, data FROM results").fetchall()
        count = len(stored)
        assert count == len(list(inbox.iterdir()))
        for digest, where, data in stored:
            middle = len(data) // 2
            flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
            db.execute(
                "UPDATE results SET data = ? WHERE digest = ? AND path = ?",
                (flipped, digest, where),
            )
    db.close()
    again = run(inbox, tmp_path / "二.xlsx")
    assert len(reads.take()) == count  # every entry failed its checksum: every file read
    assert same_json(again, tmp_path / "x") == same_json(plain, tmp_path / "x")
    run(inbox, tmp_path / "三.xlsx")
    assert reads.take() == []  # and the entries were written anew


@pytest.mark.parametrize("spooled", [False, True])
@pytest.mark.parametrize("altered_to", ["shape", "nesting"])
def test_an_entry_whose_findings_do_not_decode_is_read_again(
    inbox: Path, tmp_path: Path, reads: Any, spooled: bool, altered_to: str
) -> None:
    """Parts that inflate but hold the wrong shape (only bytes altered on purpose can) are a
    miss: the file is read again, by validate (no spool) and by a consolidation (spooled),
    and the results are the same."""
    plain = validate_paths([inbox], use_cache=False)
    first = run(inbox, tmp_path / "一.xlsx")
    reads.take()
    bad = zlib.compress(
        b'[["not a finding"]]' if altered_to == "shape" else b"[" * 100_000 + b"]" * 100_000
    )  # (JSON nested too deep for the decoder: a RecursionError, not a ValueError)
    with sqlite3.connect(database()) as db:
        for digest, where, data in db.execute("SELECT digest, path, data FROM results").fetchall():
            size = int.from_bytes(data[:4], "big")
            heads = json.loads(zlib.decompress(data[4 : 4 + size]))
            blobs = []
            for head, parts in zip(heads, unpack(data).parts, strict=True):
                for part in PARTS:
                    blob = bad if part == "findings" else parts[part][0]
                    head["parts"][part][0] = len(blob)
                    blobs.append(blob)
            head_blob = zlib.compress(json.dumps(heads, ensure_ascii=False).encode())
            altered = len(head_blob).to_bytes(4, "big") + head_blob + b"".join(blobs)
            unpack(altered, check=False)  # whole by its checksums, but not by its shape
            with pytest.raises((ValueError, RecursionError)):
                unpack(altered)
            db.execute(
                "UPDATE results SET data = ? WHERE digest = ? AND path = ?",
                (altered, digest, where),
            )
    db.close()
    if spooled:
        result = run(inbox, tmp_path / "二.xlsx")
        assert len(reads.take()) == len(plain)
        assert same_json(result, tmp_path / "x") == same_json(first, tmp_path / "x")
        return
    again = validate_paths([inbox])
    assert len(reads.take()) == len(plain)
    assert [(r.file, r.findings) for r in again] == [(r.file, r.findings) for r in plain]


def test_entries_of_another_version_are_ignored(
    inbox: Path, tmp_path: Path, reads: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(inbox, tmp_path / "一.xlsx")
    reads.take()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another jixiao")
    result = run(inbox, tmp_path / "二.xlsx")
    assert len(reads.take()) == len(list(inbox.iterdir()))
    assert result.projects  # read afresh, with results


def test_a_cache_of_another_format_is_rebuilt(inbox: Path, tmp_path: Path, reads: Any) -> None:
    database().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database()) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'jixiao-results-0')")
        db.execute("CREATE TABLE results (anything)")
    run(inbox, tmp_path / "一.xlsx")
    assert len(reads.take()) == len(list(inbox.iterdir()))
    run(inbox, tmp_path / "二.xlsx")
    assert reads.take() == []


def test_a_locked_cache_is_left_alone_and_the_run_goes_on(
    inbox: Path,
    tmp_path: Path,
    reads: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    plain = run(inbox, tmp_path / "无缓存.xlsx", use_cache=False)
    run(inbox, tmp_path / "一.xlsx")
    reads.take()
    monkeypatch.setattr(cache, "WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(database(), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another run in the middle of a long write
    try:
        with caplog.at_level(logging.WARNING, logger="jixiao.service.cache"):
            result = run(inbox, tmp_path / "二.xlsx")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "另一个汇总正在使用它" in caplog.text
    assert same_json(result, tmp_path / "x") == same_json(plain, tmp_path / "x")
    assert len(reads.take()) == len(list(inbox.iterdir()))


def test_validate_uses_the_cache_and_reports_the_same(inbox: Path, reads: Any) -> None:
    plain = validate_paths([inbox], use_cache=False)
    reads.take()
    first = validate_paths([inbox])
    assert len(reads.take()) == len(plain)
    steps: list[tuple[int, int]] = []
    again = validate_paths([inbox], progress=lambda done, total: steps.append((done, total)))
    assert reads.take() == []
    assert steps == [(n, len(plain)) for n in range(1, len(plain) + 1)]  # cached files count
    for results in (first, again):
        assert [(r.file, r.findings) for r in results] == [(r.file, r.findings) for r in plain]


def test_a_program_error_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(good(), ensure_ascii=False), "utf-8")

    def broken(path: Path, profile_name: str | None = None) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(collect, "read_and_validate", broken)
    worked = file_results(path, RunOptions(), keep=True)
    assert worked.stored is None and worked.results[0].submission is None


def test_encoded_results_hold_only_data(tmp_path: Path) -> None:
    """JSON text (zlib): exact amounts as decimal text, the file's names as placeholders."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    worked = file_results(path, RunOptions(), keep=True)
    assert worked.stored is not None and not worked.bound
    assert worked.digest == file_digest(path)
    packed = unpack(worked.stored)
    texts = [
        cache.zlib.decompress(blob).decode("utf-8")
        for parts in packed.parts
        for blob, _ in parts.values()
    ]
    size = int.from_bytes(worked.stored[:4], "big")
    texts.append(cache.zlib.decompress(worked.stored[4 : 4 + size]).decode("utf-8"))
    for text in texts:
        assert str(tmp_path) not in text and "a.json" not in text
        assert isinstance(json.loads(text), list)
    assert len(worked.stored) == 4 + size + sum(len(b) for p in packed.parts for b, _ in p.values())
    elsewhere = tmp_path / "b.json"
    (again,) = decode(worked.stored, elsewhere)
    (original,) = worked.results
    assert again.file == str(elsewhere)
    assert again.project_rows == [
        tuple(str(elsewhere) if v == str(path) else v for v in row) for row in original.project_rows
    ]
    stored, bound = encode(worked.results, path)
    assert decode(stored, path) == worked.results and not bound


def test_same_bytes_with_another_suffix_are_another_entry(tmp_path: Path) -> None:
    one, two = tmp_path / "a.json", tmp_path / "a.txt"
    one.write_text("{}", "utf-8")
    two.write_text("{}", "utf-8")
    assert file_digest(one) != file_digest(two)


def test_collect_results_without_workers_gives_the_same(inbox: Path) -> None:
    options = RunOptions()
    serial = collect_results([inbox], options, use_cache=False, workers=1)
    parallel = collect_results([inbox], options, use_cache=False, workers=2)
    assert serial == parallel


def test_two_runs_at_once_share_the_cache_safely(inbox: Path) -> None:
    """Two runs (threads here, processes in life) store into one database at the same time:
    both finish with the right results and the cache serves the next run whole."""
    options = RunOptions()
    plain = collect_results([inbox], options, use_cache=False, workers=1)
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(collect_results, [inbox], options, True, 1) for _ in range(2)]
        both = [run.result() for run in runs]
    assert both[0] == plain and both[1] == plain
    with cache.open_cache(options) as again:
        hits = [again.get(file_digest(p) or "", p) for p in sorted(inbox.iterdir())]
    assert all(hit is not None for hit in hits)


def test_the_fingerprint_is_the_same_in_every_process() -> None:
    """A fingerprint that changed from run to run (a set's order, an object's address in a
    repr) would make every run a miss: another process, another hash seed, the same text."""
    import subprocess
    import sys

    code = (
        "from jixiao.service.cache import RunOptions, fingerprint;"
        "print(fingerprint(RunOptions('tianjin')), fingerprint(RunOptions()))"
    )
    here = f"{cache.fingerprint(RunOptions('tianjin'))} {cache.fingerprint(RunOptions())}"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        found = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        assert found.stdout.strip() == here
    assert cache.fingerprint(RunOptions("tianjin")) != cache.fingerprint(RunOptions("hebei"))


def test_by_department_parts_come_back_from_the_cache(tmp_path: Path, reads: Any) -> None:
    """One workbook, two 填报部门: both parts are one cache entry and come back alike."""
    import dataclasses

    from jixiao.service.demo import sample
    from jixiao.template.build import save_workbook
    from jixiao.template.fill import fill_workbook

    base = sample("seed-001.json")
    projects = tuple(
        dataclasses.replace(p, department="执行局" if i % 2 else "立案庭")
        for i, p in enumerate(base.projects)
    )
    folder = tmp_path / "报送"
    folder.mkdir()
    book = fill_workbook(dataclasses.replace(base, projects=projects), min_projects=1)
    save_workbook(book, folder / "one.xlsx")
    plain = run(folder, tmp_path / "无缓存.xlsx", use_cache=False, by_department=True)
    first = run(folder, tmp_path / "一.xlsx", by_department=True)
    reads.take()
    again = run(folder, tmp_path / "二.xlsx", by_department=True)
    assert reads.take() == []
    assert sorted(r.sub_unit for r in again.entries) == ["执行局", "立案庭"]
    for result in (first, again):
        assert same_json(result, tmp_path / "x") == same_json(plain, tmp_path / "x")
    whole = run(folder, tmp_path / "整.xlsx")  # without by_department: another entry
    assert reads.take() == ["one.xlsx"] and len(whole.entries) == 1


def test_a_cache_that_cannot_be_made_is_said_in_chinese(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The warning quoted the system's English (``Permission denied``); a clerk reads it."""
    blocker = tmp_path / "不是文件夹"
    blocker.write_bytes(b"a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="jixiao.service.cache"):
        made = cache.ResultCache(blocker / "sub" / CACHE_FILE, "fingerprint")
    assert not made.active
    (said,) = [r.getMessage() for r in caplog.records]
    assert said.startswith("汇总缓存不可用（无法创建缓存文件夹：") and "结果不受影响" in said
    assert not any(c.isascii() and c.isalpha() for c in said), said
