"""The spool (issue 15, item 3): while a consolidation runs, each file's rows and findings wait
on disk and the parent holds only the per-file facts; the tables, the workbook and the CSVs are
the same as from results kept in memory."""

from __future__ import annotations

import gc
import json
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import good
from jixiao.consolidation.results import FileResult, Submitted
from jixiao.consolidation.unit import Consolidation, consolidate_results
from jixiao.findings import Finding, Severity
from jixiao.money import MoneyUnit
from jixiao.outputs.summary import _widest_where, write_summary
from jixiao.outputs.tables import write_tables
from jixiao.service import packed_parts, packing
from jixiao.service import spool as spool_module
from jixiao.service.cache import RunOptions
from jixiao.service.collect import collect_results, consolidate_paths
from jixiao.service.demo import make_submissions
from jixiao.service.packed_parts import PARTS, part_items
from jixiao.service.packing import pack, unpack
from jixiao.service.spool import PREFIX, Spool
from jixiao.textwidth import text_em
from jixiao.views import Deferred, FindingFacts, Joined, joined


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's workbooks (two courts share a 项目编码: cross-file findings and recounts),
    an interchange JSON, and a file that cannot be read."""
    folder = tmp_path_factory.mktemp("spool") / "报送"
    make_submissions(folder)
    (folder / "json报送.json").write_text(json.dumps(good(), ensure_ascii=False), "utf-8")
    (folder / "坏.xlsx").write_bytes(b"not a workbook")
    return folder


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def spools(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*"))


def in_memory(inbox: Path) -> Consolidation:
    results = collect_results([inbox], RunOptions(), use_cache=False, workers=1)
    return consolidate_results(results, MoneyUnit.WAN)


def test_parent_holds_facts_only_and_tables_are_read_from_the_spool(
    inbox: Path, tmp_path: Path
) -> None:
    out = tmp_path / "汇总.xlsx"
    result = consolidate_paths([inbox], out, use_cache=False)
    read = [e for e in result.entries if e.submission is not None]
    unreadable = [e for e in result.entries if e.submission is None]
    assert len(read) == 7 and len(unreadable) == 1
    for entry in read:  # no rows and no findings of a read file stand in memory
        for part in (
            entry.findings,
            entry.project_rows,
            entry.project_keys,
            entry.indicator_rows,
            entry.department_rows,
        ):
            assert isinstance(part, Deferred)
        assert isinstance(entry.submission, Submitted) and entry.sub_unit_row
        assert isinstance(entry.submission.codes, Deferred)  # nor its 项目编码 (flat in N)
    assert sum(len(e.submission.codes) for e in read if e.submission) >= 10
    assert isinstance(unreadable[0].findings, list)  # no rows: kept as it is
    for rows in (result.projects.rows, result.indicators.rows, result.department.rows):
        assert isinstance(rows, Joined)
    assert isinstance(result.findings, Joined)
    assert isinstance(result.findings_table().rows, Joined)
    (folder,) = spools(tmp_path)  # beside the output while the result is in use
    assert (folder / "spool.sqlite").is_file()
    assert len(result.indicators) == sum(len(e.indicator_rows) for e in read) > 100
    del result, read, unreadable, entry, part, rows
    gc.collect()
    assert spools(tmp_path) == []  # deleted once nothing reads it


def test_spooled_tables_equal_the_in_memory_ones(inbox: Path, tmp_path: Path) -> None:
    memory = in_memory(inbox)
    spooled = consolidate_paths([inbox], tmp_path / "spooled.xlsx", use_cache=False)
    assert any(f.code == "project-code-duplicate" for f in memory.findings)
    for name in ("projects", "sub_units", "plan", "indicators", "department"):
        mine, theirs = getattr(spooled, name), getattr(memory, name)
        assert list(mine.rows) == list(theirs.rows), name
    assert list(spooled.findings) == memory.findings
    assert list(spooled.findings_table().rows) == memory.findings_table().rows
    assert spooled.tally == memory.tally and spooled.budget == memory.budget
    assert spooled.repeated() == memory.repeated() and spooled.repeated()[0] > 0
    assert spooled.totals_notes() == memory.totals_notes()
    assert [e.file_report() for e in spooled.entries] == [e.file_report() for e in memory.entries]


def test_spooled_workbook_and_csvs_equal_the_in_memory_ones(inbox: Path, tmp_path: Path) -> None:
    spooled = consolidate_paths([inbox], tmp_path / "spooled.xlsx", use_cache=False)
    write_summary(in_memory(inbox), tmp_path / "memory.xlsx", row_limit=40)
    write_summary(spooled, tmp_path / "spooled-40.xlsx", row_limit=40)  # continued sheets
    assert cells(tmp_path / "spooled-40.xlsx") == cells(tmp_path / "memory.xlsx")
    assert "指标明细(3)" in cells(tmp_path / "memory.xlsx")
    write_tables(spooled, tmp_path / "spooled-csv", tmp_path)
    write_tables(in_memory(inbox), tmp_path / "memory-csv", tmp_path)
    for csv in sorted((tmp_path / "memory-csv").iterdir()):
        assert (tmp_path / "spooled-csv" / csv.name).read_bytes() == csv.read_bytes(), csv.name


def test_workers_pack_and_the_parent_only_stores_the_bytes(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the cache too, each result is packed in its worker and sent as bytes (issue
    #15): the parent packs nothing, and the spooled results equal those kept in memory."""
    packed: list[str] = []
    real = packed_parts.compressed
    for module in (packing, spool_module):  # pack() and Spool.keep() both compress
        monkeypatch.setattr(module, "compressed", lambda text: packed.append(text) or real(text))
    spool = Spool(tmp_path)  # the workers are forked with the counting packer: their own lists
    spooled = collect_results([inbox], RunOptions(), use_cache=False, workers=2, spool=spool)
    assert packed == [] and spool.stored == 7  # the eighth file cannot be read: no rows
    assert all(isinstance(r.indicator_rows, Deferred) for r in spooled if r.submission)
    assert spooled == collect_results([inbox], RunOptions(), use_cache=False, workers=1)


def test_cached_run_is_spooled_too(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A run from the cache spools the cache's bytes as they are: nothing is packed again, and
    the tables equal the first run's (and a run's without the cache)."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    first = consolidate_paths([inbox], tmp_path / "a.xlsx")
    packed: list[str] = []
    real = packed_parts.compressed
    for module in (packing, spool_module):  # pack() and Spool.keep() both compress
        monkeypatch.setattr(module, "compressed", lambda text: packed.append(text) or real(text))
    again = consolidate_paths([inbox], tmp_path / "b.xlsx")  # every readable file from the cache
    assert packed == []
    assert all(isinstance(e.indicator_rows, Deferred) for e in again.entries if e.submission)
    plain = consolidate_paths([inbox], tmp_path / "c.xlsx", use_cache=False)
    for result in (first, plain):
        assert list(again.indicators.rows) == list(result.indicators.rows)
        assert list(again.projects.rows) == list(result.projects.rows)
        assert list(again.department.rows) == list(result.department.rows)
        assert list(again.findings) == list(result.findings)
        assert again.sub_units.rows == result.sub_units.rows
        assert [e.submission for e in again.entries] == [e.submission for e in result.entries]
    assert cells(tmp_path / "b.xlsx") == cells(tmp_path / "c.xlsx")


@pytest.mark.parametrize("budget", [spool_module.READY_ITEMS, 100])
def test_a_cached_run_writes_what_the_check_decoded(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """A hit is decoded once, to check it, and that decoding is what the tables are read from
    (issue #15: it was decoded again from the spool); past the budget the parts are read back
    from disk, and the tables are the same either way."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(spool_module, "READY_ITEMS", budget)
    plain = consolidate_paths([inbox], tmp_path / "a.xlsx", use_cache=False)
    tables = [list(getattr(plain, name).rows) for name in ("projects", "indicators", "department")]
    findings = list(plain.findings)
    consolidate_paths([inbox], tmp_path / "b.xlsx")  # fills the cache
    again = consolidate_paths([inbox], tmp_path / "c.xlsx")  # every readable file a hit
    decoded: list[int] = []
    real = packed_parts.unpacked
    for module in (packing, spool_module):  # Packed.part() and Spool.load() both decode
        monkeypatch.setattr(
            module, "unpacked", lambda blob, *a: decoded.append(1) or real(blob, *a)
        )
    for name, rows in zip(("projects", "indicators", "department"), tables, strict=True):
        assert list(getattr(again, name).rows) == rows, name
    assert list(again.findings) == findings
    stored = [e for e in again.entries if e.submission is not None]
    sizes = [sum(len(part_items(part, e)) for part in PARTS) for e in stored]
    if budget > 1000:
        assert sum(sizes) < budget and decoded == []
    else:  # the files kept decoded while the budget lasted are not decoded again
        assert sizes[0] <= budget < sum(sizes) and 0 < len(decoded) < 5 * len(stored)
    assert cells(tmp_path / "c.xlsx") == cells(tmp_path / "a.xlsx")


def test_packed_results_round_trip_and_spool_as_they_are(tmp_path: Path) -> None:
    """pack → unpack gives the results back (file names through the placeholders, an
    unreadable file's result too); the spool stores the packed parts byte for byte."""
    finding = Finding("c", Severity.ERROR, "f.xlsx", "项目1", "F12", "A1", "名", "问题", "提示", 3)
    read = _result([finding], [("单位", "部分", None, "内容 \ud800")])
    read.project_keys = [("A1", "名", 1)]
    read.sub_unit_row = (
        "单位",
        "f.xlsx",
        1,
        Decimal("1.10"),
        Decimal(0),
        Decimal(0),
        1,
        0,
        "有错误",
    )
    unreadable = FileResult("f.xlsx", "（无法读取）", [finding], None)
    blob, texts = pack([read, unreadable], {"f.xlsx": "\x00S"})
    assert not any("f.xlsx" in text for text in texts)
    packed = unpack(blob, {"\x00S": "g.xlsx"}, check=False)  # the spool keeps any text exactly
    with pytest.raises(ValueError):  # a cache entry with a lone surrogate: a miss (it could
        unpack(blob)  # never be written to a workbook; no reader makes one)
    again, broken = packed.results()
    assert again.file == "g.xlsx" and again.findings[0].file == "g.xlsx"
    assert again.sub_unit_row == ("单位", "g.xlsx", *read.sub_unit_row[2:])
    assert again.department_rows == read.department_rows and again.project_keys == [("A1", "名", 1)]
    assert again.submission == read.submission and broken.submission is None
    spool = Spool(tmp_path)
    kept, still = spool.keep_packed(packed)
    assert isinstance(kept.findings, Deferred) and list(kept.findings) == list(again.findings)
    assert list(kept.department_rows) == again.department_rows
    assert isinstance(still.findings, list) and still == broken and spool.stored == 1
    stored = dict(spool._db.execute("SELECT part, data FROM parts WHERE number = 0").fetchall())
    assert stored == {part: data for part, (data, _) in packed.parts[0].items()}
    spool.close()


def _indicator_row(number: str) -> list[str]:
    """A packed 指标明细 row whose 指标值 number is ``number`` (kept as text in the JSON)."""
    texts = ["u", "f.xlsx", "项目1", "A1", "C", "名", "产出指标", "数量指标", "名", "≥1", "≥"]
    return [*texts, number, "个", "定量", ""]


@pytest.mark.parametrize(
    "change",
    [
        ("findings", [["c", "severe", "f.xlsx", None, None, None, None, "问", "提", 1, None, 1]]),
        ("findings", [["c", "error", 7, None, None, None, None, "问题", "提示", 1, None, 1]]),
        ("findings", [["c", "error", "f.xlsx", ["表"], None, None, None, "问", "提", 1, None, 1]]),
        ("department_rows", [["单位", "部分", "内容"]]),
        ("tally", [9, 0, 0]),
        ("unit_key", ["u"]),
        ("file", 3),
        # found by a hostile review: each crashed a consolidation while its workbook was written
        (
            "findings",
            [["c", "error", "f.xlsx", None, None, None, None, "问\ud800", "提", 1, None, 1]],
        ),
        ("indicator_rows", [_indicator_row("sNaN")]),
        ("indicator_rows", [_indicator_row("1E+400")]),
        ("department_rows", [["单位", "部分", 10**400, "内容"]]),
        ("department_rows", [["单位", "部分", float("nan"), "内容"]]),
        ("department_rows", [["单位", {"a": 1}, None, "内容"]]),
        ("unit_key", float("inf")),
        ("minimum_plan", [["3月底", "sNaN"]]),
        ("minimum_plan", [["3月底", "1E+400"]]),
        ("year", "2024"),
        ("year", True),
        ("codes", [["X1", "项目", 10**400, "f.xlsx", "表", "B3", None, None]]),
        ("codes", [["X1", "项目", 1, None, "表", "B3", None, None]]),
        ("codes", [[7, "项目", 1, "f.xlsx", "表", "B3", None, None]]),
        ("codes", [["X1", "项目", 1, "f.xlsx", "表"]]),
        ("codes", [["X1", "项\ud800", 1, "f.xlsx", "表", "B3", None, None]]),
        ("codes", [["X1", ["项目"], 1, "f.xlsx", "表", "B3", None, None]]),
        # review13: well formed but not the projects' codes (duplicates dropped or invented)
        ("codes", [["X1", "项目", 1, "f.xlsx", "表", "B3", None, None]]),
        ("project_keys", [[["x"], "项目", 1]]),
        ("project_keys", [["X1", "项目", {"a": 1}]]),
    ],
)
def test_packed_results_altered_on_purpose_are_refused(change: tuple[str, Any]) -> None:
    """Bytes that inflate whole but were altered and packed again: a wrong severity, a file
    that is no text, a row of the wrong width, a tally the findings do not have, facts of the
    wrong type are refused when checked (a cache entry: a miss)."""
    key, value = change
    finding = Finding("c", Severity.ERROR, "f.xlsx", None, None, None, None, "问题", "提示", 1)
    blob, _ = pack([_result([finding], [("单位", "部分", None, "内容")])])
    unpack(blob)
    size = int.from_bytes(blob[:4], "big")
    heads = json.loads(zlib.decompress(blob[4 : 4 + size]))
    packed = unpack(blob)
    blobs = {part: data for part, (data, _) in packed.parts[0].items()}
    head = heads[0]
    if key in blobs:
        blobs[key] = zlib.compress(json.dumps(value).encode())  # (a surrogate as \\ud800)
        head["parts"][key][1] = len(value)  # the count kept true: only the values are wrong
    elif key == "tally":
        head["findings"][0] = value
    elif key in ("unit_key", "minimum_plan", "year"):
        head["submission"][key] = value
    else:
        head[key] = value
    for part, data in blobs.items():
        head["parts"][part][0] = len(data)
    head_blob = zlib.compress(json.dumps(heads, ensure_ascii=False).encode())
    altered = len(head_blob).to_bytes(4, "big") + head_blob + b"".join(blobs.values())
    unpack(altered, check=False)
    with pytest.raises(ValueError):
        unpack(altered)


@pytest.mark.parametrize("where", ["head", "part", "end"])
def test_damaged_packed_bytes_are_refused(where: str) -> None:
    blob, _ = pack([_result([], [("单位", "部分", None, "内容")])])
    at = {"head": 6, "part": len(blob) - 5, "end": len(blob)}[where]
    damaged = blob[:at] + bytes([blob[at] ^ 0xFF]) + blob[at + 1 :] if where != "end" else blob[:-3]
    with pytest.raises((ValueError, zlib.error)):
        unpack(damaged)
    with pytest.raises(ValueError):
        unpack(b"\x00")
    assert unpack(blob).results()[0].department_rows == [("单位", "部分", None, "内容")]


@pytest.mark.parametrize("use_cache", [False, True])
def test_finding_facts_kept_with_the_spool_equal_what_the_findings_give(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    """Each spooled file's tally, codes and widest 位置 (kept so that the summary need not read
    the findings back) equal those counted from its findings, cross-file findings included;
    the unit's tally, notes and 问题清单's 位置 width follow from them."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    if use_cache:
        consolidate_paths([inbox], tmp_path / "first.xlsx")
    result = consolidate_paths([inbox], tmp_path / "汇总.xlsx", use_cache=use_cache)
    spooled = [e for e in result.entries if isinstance(e.findings, Deferred)]
    assert len(spooled) == 7
    assert any(
        e.findings.facts and "project-code-duplicate" in e.findings.facts.codes for e in spooled
    )
    for entry in spooled:
        assert entry.findings.facts == FindingFacts.of(list(entry.findings)), entry.file
    everything = list(result.findings)
    assert result.tally == FindingFacts.of(everything).tally and result.tally.errors > 0
    table = result.findings_table()
    at = table.index("where")
    wheres = {row[at] for row in table.rows if row[at]}
    assert text_em(_widest_where(result)) == max(text_em(str(w)) for w in wheres)
    assert result.totals_notes() == in_memory(inbox).totals_notes()


def test_finding_facts_add_up() -> None:
    def finding(code: str, severity: Severity, cell: str | None) -> Finding:
        return Finding(code, severity, "f.xlsx", "项目汇总表", cell, None, None, "问题", "提示")

    first = [finding("a", Severity.ERROR, "F1"), finding("b", Severity.INFO, None)]
    second = [finding("c", Severity.WARNING, "AB1234"), finding("a", Severity.ERROR, "A1")]
    both = FindingFacts.of(first).plus(FindingFacts.of(second))
    assert both == FindingFacts.of(first + second)
    assert both.tally.errors == 2 and both.codes == {"a", "b", "c"}
    assert both.widest_where == "项目汇总表!AB1234" and FindingFacts.of([]).widest_where == ""


def test_the_last_part_read_is_kept_and_given_out_as_a_copy(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    kept = spool.keep(_result([], [("单位", "部分", None, "内容")]))
    one, two = list(kept.department_rows), kept.department_rows[0:1]
    assert one == two == [("单位", "部分", None, "内容")]
    assert spool._last is not None and spool._last[1] is not one
    one.clear()
    assert list(kept.department_rows) == [("单位", "部分", None, "内容")]
    spool.close()


def _result(findings: list[Finding], rows: list[tuple[object, ...]]) -> FileResult:
    facts = Submitted("u", "1", 1, year=2024)
    return FileResult("f.xlsx", "单位", findings, facts, department_rows=rows)  # type: ignore[arg-type]


def test_spool_keeps_values_exactly_and_leaves_what_it_cannot_store(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    finding = Finding(
        "c", Severity.WARNING, "f.xlsx", "项目1", "F12", None, "名", "问题", "提示", 3
    )
    row = ("单位", "部分", None, "内容\n第二行 \ud800")
    kept = spool.keep(_result([finding], [row]))
    assert isinstance(kept.findings, Deferred) and list(kept.findings) == [finding]
    assert list(kept.department_rows) == [row] and spool.stored == 1
    odd = _result([], [("单位", "部分", None, Decimal(1))])  # an amount where text belongs
    assert spool.keep(odd) is odd and spool.stored == 1
    spool.close()
    assert spools(tmp_path) == []


@pytest.mark.parametrize("where", ["number", "line"])
def test_numbers_too_large_for_a_cell_still_consolidate(where: str, tmp_path: Path) -> None:
    """An interchange 序号 (or a source line) of 10¹⁶ passes the schema; the spool reads its
    项目编码 back without judging it as a cache entry would (review13: the run stopped with
    程序错误 Damaged), and only the cache refuses to keep it."""
    data = json.loads((Path(__file__).parent / "fixtures" / "seed-000.json").read_text("utf-8"))
    project = data["projects"][0]
    if where == "number":
        project["number"] = 10**16
    else:
        project["sources"] = {"code": {"file": "x.xlsx", "sheet": "项目1", "cell": "B3"}}
        project["sources"]["code"]["line"] = 10**16
    inbox = tmp_path / "报送"
    inbox.mkdir()
    (inbox / "a.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    (inbox / "b.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")  # shared codes
    for use_cache in (False, True, True):
        result = consolidate_paths([inbox], tmp_path / "汇总.xlsx", use_cache=use_cache)
        codes = [c for e in result.entries if e.submission for c in e.submission.codes]
        assert len(codes) == 2 * len(data["projects"]) and (tmp_path / "汇总.xlsx").is_file()
        assert sum(f.code == "project-code-duplicate" for f in result.findings) == len(codes)


def test_spool_falls_back_to_the_temp_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    spool = Spool(missing)
    assert spool.folder.is_dir() and not missing.exists()
    spool.close()
    assert not spool.folder.exists()


def test_a_killed_runs_spool_is_swept_by_the_next_run(tmp_path: Path) -> None:
    """A consolidation killed mid-run (power cut) never deletes its spool; the next run beside
    the same output deletes folders untouched for a day, and nothing else."""
    import os
    import time

    from jixiao.service.spool import STALE_AFTER

    old, young = tmp_path / f"{PREFIX}old", tmp_path / f"{PREFIX}young"
    other = tmp_path / "报送"
    for folder in (old, young, other):
        folder.mkdir()
        (folder / "spool.sqlite").write_bytes(b"x")
    (tmp_path / f"{PREFIX}file").write_bytes(b"not a folder")
    day_ago = time.time() - STALE_AFTER - 60
    for path in (old / "spool.sqlite", old, other / "spool.sqlite", other):
        os.utime(path, (day_ago, day_ago))
    os.utime(young, (day_ago, day_ago))  # the folder is old, its database still being written
    spool = Spool(tmp_path)
    assert not old.exists()
    assert young.is_dir() and other.is_dir() and (tmp_path / f"{PREFIX}file").is_file()
    assert spool.folder.is_dir()
    spool.close()
    assert sorted(p.name for p in spools(tmp_path)) == [f"{PREFIX}file", f"{PREFIX}young"]


def test_joined_reads_parts_in_order_and_compares_by_items() -> None:
    loads: list[int] = []

    def part(number: int, size: int) -> Deferred[int]:
        items = [number * 10 + k for k in range(size)]
        return Deferred(size, lambda: loads.append(number) or list(items))

    view = Joined([part(0, 3), part(1, 0), part(2, 2), part(3, 4)])
    everything = [0, 1, 2, 20, 21, 30, 31, 32, 33]
    assert len(view) == 9 and list(view) == everything and view == everything
    assert list(view.between(2, 6)) == [2, 20, 21, 30] and view[2:6] == [2, 20, 21, 30]
    assert list(view.between(5, 99)) == [30, 31, 32, 33] and list(view.between(4, 4)) == []
    loads.clear()
    assert [view[i] for i in range(9)] == everything and view[-1] == 33
    assert loads == [0, 2, 3]  # each part read once when indexed in order
    with pytest.raises(IndexError):
        view[9]
    assert view != [0, 1] and joined([[1], [2]]) == [1, 2] and isinstance(joined([[1]]), list)


def test_a_surrogate_in_a_kept_head_is_refused_on_every_checked_path() -> None:
    """The head is checked by ``checked()`` itself, which validate's decoded lookup calls
    too (not only ``unpack``): a lone surrogate in a sub-unit's name is a miss."""
    blob, _ = pack([_result([], [("单位", "部分", None, "内容")])])
    size = int.from_bytes(blob[:4], "big")
    heads = json.loads(zlib.decompress(blob[4 : 4 + size]))
    heads[0]["sub_unit"] = "单\ud800位"
    head_blob = zlib.compress(json.dumps(heads).encode())
    altered = len(head_blob).to_bytes(4, "big") + head_blob + blob[4 + size :]
    packed = unpack(altered, check=False)
    with pytest.raises(ValueError):
        packed.checked()
    with pytest.raises(ValueError):
        unpack(altered)
    assert unpack(blob).results()[0].sub_unit == "单位"
