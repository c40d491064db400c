"""How far writing the summary has got, told while it is written (issue #15: at a province's
size the reading bar ends and the rows take minutes more): the CLI's second bar and the add-in's
status bar."""

from __future__ import annotations

import dataclasses
import math
import zipfile
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from jixiao import cli
from jixiao.consolidation.results import Entry
from jixiao.consolidation.unit import Consolidation, consolidate
from jixiao.excel import handlers
from jixiao.excel.book import FileBook
from jixiao.outputs import book as summary_book
from jixiao.outputs.summary import LISTS, write_summary
from jixiao.outputs.tables import summary_tables
from jixiao.service.demo import planted_court
from test_workbook import filled

PROJECTS = 500


@pytest.fixture(scope="module")
def big() -> Consolidation:
    """A court with 500 projects: lists of a few thousand rows (reports every 1,024)."""
    court = planted_court()
    projects = tuple(
        dataclasses.replace(court.projects[0], name=f"项目{n}", code=f"1301002300000000{n:04d}")
        for n in range(PROJECTS)
    )
    return consolidate([Entry("court.json", dataclasses.replace(court, projects=projects))])


def contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_writing_tells_rows_then_the_package_and_ends_at_the_total(
    big: Consolidation, tmp_path: Path
) -> None:
    told: list[tuple[int, int]] = []
    write_summary(big, tmp_path / "汇总.xlsx", progress=lambda d, t: told.append((d, t)))
    rows = sum(len(t) for n, t in summary_tables(big, tmp_path).items() if n in LISTS)
    assert rows > 3 * 1024
    total = rows + math.ceil(rows * summary_book.PACKING_SHARE)
    assert {t for _, t in told} == {total}
    done = [d for d, _ in told]
    assert done == sorted(done) and len(set(done)) == len(done)  # forward, never twice
    assert done[-1] == total
    assert any(0 < d < rows for d in done)  # while the rows are written
    assert any(rows < d < total for d in done)  # while the package is deflated
    assert len(told) <= 201 + 2  # about every half percent, not every row


def test_progress_never_changes_the_workbook(big: Consolidation, tmp_path: Path) -> None:
    write_summary(big, tmp_path / "a.xlsx")
    write_summary(big, tmp_path / "b.xlsx", progress=lambda d, t: None)
    assert contents(tmp_path / "a.xlsx") == contents(tmp_path / "b.xlsx")


def test_the_cli_shows_a_writing_bar_after_the_reading_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[tuple[Any, ...]] = []

    class Bar:
        def __init__(self, length: int, label: str, **shown: bool) -> None:
            self.pos, self.label = 0, label
            log.append(("start", label))
            counted = label == "读取与校验"  # files are counted; rows and bytes are a percentage
            assert (shown["show_pos"], shown["show_percent"]) == (counted, not counted)

        def __enter__(self) -> Bar:
            return self

        def update(self, steps: int) -> None:
            self.pos += steps

        def __exit__(self, *_: object) -> None:
            log.append(("end", self.label, self.pos))

    monkeypatch.setattr(click, "progressbar", Bar)
    monkeypatch.setattr(cli, "WRITING_BAR_FROM", 1)  # the demo's inbox is small
    inbox = tmp_path / "报送"
    inbox.mkdir()
    filled(inbox, "001")
    filled(inbox, "004")
    result = CliRunner().invoke(
        cli.main, ["consolidate", str(inbox), "-o", str(tmp_path / "汇总.xlsx")]
    )
    assert result.exit_code in (0, 1), result.output
    assert [entry[:2] for entry in log] == [
        ("start", "读取与校验"),
        ("end", "读取与校验"),
        ("start", "写入汇总工作簿"),
        ("end", "写入汇总工作簿"),
    ]
    assert log[1][2] == 2  # both files


def test_the_add_in_shows_progress_in_the_status_bar_and_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "STATUS_EVERY", 0.0)
    inbox = tmp_path / "报送"
    inbox.mkdir()
    filled(inbox, "001")
    filled(inbox, "004")
    book = FileBook(filled(tmp_path, "000"))
    handlers.consolidate_folder(book, inbox)
    shown = book.statuses
    assert shown[-1] is None  # the bar given back to Excel
    assert "jixiao 汇总：读取与校验 1/2 个文件" in shown
    assert "jixiao 汇总：读取与校验 2/2 个文件" in shown
    assert shown[-2] == "jixiao 汇总：写入汇总工作簿 100%"
    writing = [s for s in shown[:-1] if s and "写入汇总工作簿" in s]
    assert len(writing) >= 2  # rows, then the package


def test_the_status_bar_is_given_back_when_the_work_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: object, **__: object) -> None:
        raise OSError("磁盘已满")

    monkeypatch.setattr(handlers, "consolidate_submissions", fail)
    book = FileBook(filled(tmp_path, "000"))
    with pytest.raises(OSError):
        handlers.consolidate_folder(book, tmp_path)
    assert book.statuses == [None]


def test_status_lines_come_at_most_every_quarter_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = FileBook(filled(tmp_path, "000"))
    clock = iter([0.0, 0.1, 0.2, 0.3, 0.35])
    monkeypatch.setattr(handlers.time, "monotonic", lambda: next(clock))
    step = handlers.StatusLine(book, "汇总").step("写入汇总工作簿")
    for done in (1, 2, 3, 4):
        step(done, 10)
    step(10, 10)  # the end is always shown
    assert book.statuses == [
        "jixiao 汇总：写入汇总工作簿 10%",
        "jixiao 汇总：写入汇总工作簿 40%",
        "jixiao 汇总：写入汇总工作簿 100%",
    ]
