"""The CLI's progress bars: each says how much is done of how much, and ends by itself when all
is done (so that the next step's bar starts on a line of its own)."""

from __future__ import annotations

from typing import Any

import click
import pytest

from jixiao import cli_support


class _Bar:
    def __init__(self, log: list[tuple[Any, ...]], length: int, label: str) -> None:
        self.log, self.pos = log, 0
        log.append(("start", label, length))

    def __enter__(self) -> _Bar:
        return self

    def update(self, steps: int) -> None:
        self.pos += steps
        self.log.append(("update", steps))

    def __exit__(self, *_: object) -> None:
        self.log.append(("end",))


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    log: list[tuple[Any, ...]] = []

    def progressbar(length: int, label: str, **_: object) -> _Bar:
        return _Bar(log, length, label)

    monkeypatch.setattr(click, "progressbar", progressbar)
    return log


def test_a_bar_moves_to_what_is_done_and_ends_when_all_is(bars: list[tuple[Any, ...]]) -> None:
    with cli_support.progress_bar("读取与校验") as reading:
        reading(1, 4)
        reading(3, 4)  # several at once (the writer reports every thousand rows)
        reading(3, 4)  # nothing new: no step back, no repeat
        reading(4, 4)
        assert bars[-1] == ("end",)  # ended before the block closes
        with cli_support.progress_bar("写入汇总工作簿") as writing:
            writing(5, 10)
        reading(4, 4)  # nothing after the end
    assert bars == [
        ("start", "读取与校验", 4),
        ("update", 1),
        ("update", 2),
        ("update", 1),
        ("end",),
        ("start", "写入汇总工作簿", 10),
        ("update", 5),
        ("end",),  # a bar left unfinished (an error, Ctrl+C) ends with its block
    ]


def test_a_small_total_shows_no_bar(bars: list[tuple[Any, ...]]) -> None:
    with cli_support.progress_bar("校验", minimum=2) as step:
        step(1, 1)
    assert bars == []


def test_done_past_the_total_fills_the_bar_once(bars: list[tuple[Any, ...]]) -> None:
    with cli_support.progress_bar("写入汇总工作簿") as step:
        step(12, 10)
    assert bars == [("start", "写入汇总工作簿", 10), ("update", 10), ("end",)]


def test_no_bar_without_standard_error(
    bars: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With standard error closed (``2>&-``) Python has none, and click would draw the bar on
    standard output, in front of the report or the JSON (a review)."""
    monkeypatch.setattr("sys.stderr", None)
    with cli_support.progress_bar("读取与校验") as step:
        step(1, 2)
        step(2, 2)
    assert bars == []
