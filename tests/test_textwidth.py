"""The fast line count (:func:`jixiao.textwidth.line_count`) against :func:`wrap`, the rule it
counts: the same number of lines for every text of the fixtures (messages, indicator names and
values, the published documents' lines) and for random mixtures of the characters whose
breaking rules differ (CJK, Latin runs, spaces of every kind, punctuation that may not start a
line, zero-width and control characters, tabs and line breaks), in columns from very narrow
(every word cut) to wide."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.rules import RULES
from jixiao.textwidth import column_points, line_count, wrap

FIXTURES = Path(__file__).parent / "fixtures"
WIDTHS = (1, 3, 6, 10, 14, 20, 30, 45, 70)
ALPHABET = [
    *"中文字≥“—",  # one em
    *"abcXYZ0123+-/",  # narrow, joining one another
    *"，。、；：？！）》」』】〕〉”’%％…·.,;:?!)]}",  # never start a line
    " ",
    "\t",
    "\u3000",  # ideographic space: one em
    "\u00a0",  # no-break space
    "\u200b",  # zero width
    "\u0301",  # combining accent
    "\x1f",  # a control character that is a space to Python
    "\n",
    "\r",
    "\r\n",
]


def _reference(text: str, points: float, size: float) -> int:
    return len(wrap(text, points, size))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _fixture_texts() -> list[str]:
    texts: set[str] = set()
    for path in sorted(FIXTURES.glob("*.json")):
        texts.update(_strings(json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted((FIXTURES / "documents").rglob("*.txt")):
        texts.update(path.read_text(encoding="utf-8").splitlines())
    texts.update(t for rule in RULES.values() for t in (rule.message, rule.hint))
    return sorted(texts)


def test_the_fixtures_give_texts_enough_to_compare() -> None:
    texts = _fixture_texts()
    assert len(texts) > 1500
    assert any(len(t) > 200 for t in texts)  # long narratives, not only labels


@pytest.mark.parametrize("width", WIDTHS)
def test_fixture_texts_count_as_many_lines_as_wrap_gives(width: int) -> None:
    points = column_points([width])
    differ = [t for t in _fixture_texts() if line_count(t, points, 11) != _reference(t, points, 11)]
    assert differ == []


def test_random_mixtures_count_as_many_lines_as_wrap_gives() -> None:
    draw = random.Random(20261202)
    differ = []
    for _ in range(6000):
        text = "".join(draw.choice(ALPHABET) for _ in range(draw.randint(0, 90)))
        for size in (9, 11):
            points = column_points([draw.choice(WIDTHS)])
            if line_count(text, points, size) != _reference(text, points, size):
                differ.append((text, points, size))
    assert differ == []


def test_the_cases_where_breaking_differs() -> None:
    points = column_points([10])  # 10 units: ~4.5 ems of 11 pt
    assert line_count("中" * 4, points, 11) == 1
    assert line_count("中" * 5, points, 11) == 2
    assert line_count("中中中中，", points, 11) == 1 + (_reference("中中中中，", points, 11) - 1)
    assert line_count("abcdefgh" * 3, points, 11) == _reference("abcdefgh" * 3, points, 11) == 4
    assert line_count("一行\n\n三行", 500, 11) == 3
    assert line_count("", points, 11) == 1
    assert line_count("中" * 9, 0, 11) == 1  # no room: one line per paragraph
