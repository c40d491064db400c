"""Measured precision: every finding on every seed, labelled by a reviewer (true / noise /
wrong, with a reason) in ``fixtures/seed-NNN.reviewed.json``.

The test fails when a finding nobody reviewed appears, when a finding labelled wrong comes back,
when a finding labelled true (and still expected) disappears, or when a seed's precision falls
under :data:`MINIMUM`.  It prints the precision per seed, before issue 12 and now; the same table
is printed by ``python tests/test_precision.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jixiao.readers.interchange import load_submission
from jixiao.validate import validate_submission

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = ("000", "001", "002", "004")
MINIMUM = 0.95
"""Findings a reviewer agrees with, as a share of all findings on a seed."""
KEY = ("code", "severity", "line", "project", "message", "hint")
LABELS = ("true", "noise", "wrong")

Key = tuple[object, ...]


def reviewed(number: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / f"seed-{number}.reviewed.json").read_text("utf-8"))
    entries: list[dict[str, Any]] = data["findings"]
    return entries


def current(number: str) -> list[dict[str, Any]]:
    submission, _ = load_submission(FIXTURES / f"seed-{number}.json")
    assert submission is not None
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "line": f.line,
            "project": f.project_name,
            "message": f.message,
            "hint": f.hint,
        }
        for f in validate_submission(submission)
    ]


def key(finding: dict[str, Any]) -> Key:
    return tuple(finding[k] for k in KEY)


@dataclass(frozen=True)
class Tally:
    """How many findings, and how many of them a reviewer labelled true, noise or wrong."""

    true: int = 0
    noise: int = 0
    wrong: int = 0
    unreviewed: int = 0

    @property
    def total(self) -> int:
        return self.true + self.noise + self.wrong + self.unreviewed

    @property
    def precision(self) -> float:
        return self.true / self.total if self.total else 1.0

    def row(self) -> str:
        counts = f"{self.total:>3} {self.true:>4} {self.noise:>5} {self.wrong:>5}"
        return f"{counts} {self.precision:>6.1%}"


def before(number: str) -> Tally:
    """The reviewed findings as they were reported before issue 12."""
    counts = Counter(e["label"] for e in reviewed(number) if e["reported"] in ("before", "both"))
    return Tally(counts["true"], counts["noise"], counts["wrong"])


def labelled_now(number: str) -> tuple[Tally, list[str]]:
    """The findings reported now, labelled by matching them to the review; the problems."""
    pool: dict[Key, list[dict[str, Any]]] = {}
    for entry in reviewed(number):
        pool.setdefault(key(entry), []).append(entry)
    counts: Counter[str] = Counter()
    problems: list[str] = []
    for finding in current(number):
        matches = pool.get(key(finding))
        if not matches:
            counts["unreviewed"] += 1
            problems.append(f"unreviewed: {finding}")
            continue
        entry = matches.pop(0)
        counts[entry["label"]] += 1
        if entry["label"] == "wrong":
            problems.append(f"a wrong finding came back: {finding} ({entry['reason']})")
    for matches in pool.values():
        for entry in matches:
            if entry["reported"] != "before" and entry["label"] == "true":
                problems.append(f"a true finding disappeared: {entry}")
    tally = Tally(counts["true"], counts["noise"], counts["wrong"], counts["unreviewed"])
    return tally, problems


def table() -> str:
    lines = [
        "seed   before: n true noise wrong precision   now: n true noise wrong precision",
    ]
    for number in SEEDS:
        now, _ = labelled_now(number)
        lines.append(f"{number}   {before(number).row()}        {now.row()}")
    return "\n".join(lines)


@pytest.mark.parametrize("number", SEEDS)
def test_every_entry_is_labelled_with_a_reason(number: str) -> None:
    for entry in reviewed(number):
        assert entry["label"] in LABELS and entry["reason"].strip(), entry
        assert entry["reported"] in ("before", "now", "both"), entry


@pytest.mark.parametrize("number", SEEDS)
def test_findings_agree_with_the_review(number: str) -> None:
    tally, problems = labelled_now(number)
    print(f"\nseed {number}: before {before(number).row()}  now {tally.row()}")
    assert problems == []
    assert tally.precision >= MINIMUM


def test_print_the_precision_table(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + table())


if __name__ == "__main__":
    print(table())
