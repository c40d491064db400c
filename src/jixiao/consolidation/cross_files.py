"""The checks across files (the same 项目编码 or sub-unit twice, mixed template versions or
budget years), and results copied with those findings counted in (:func:`with_cross_findings`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import islice
from typing import TypeVar

from jixiao.consolidation.results import (
    CodeFact,
    Entry,
    FileResult,
    ProjectKey,
    Submitted,
    key_of,
)
from jixiao.consolidation.rows import submitted
from jixiao.consolidation.table import Row
from jixiao.findings import Finding, Tally
from jixiao.model import Location, Project
from jixiao.profiles import Profile
from jixiao.rules.base import Scope
from jixiao.rules.cross import SUBMISSION_DUPLICATE, TEMPLATE_VERSION_MIXED, YEAR_MIXED
from jixiao.rules.identity import PROJECT_CODE_DUPLICATE
from jixiao.views import Deferred, FindingFacts

E = TypeVar("E", Entry, FileResult)


def _facts(entry: Entry | FileResult) -> Submitted | None:
    return entry.submission if isinstance(entry, FileResult) else submitted(entry)


def cross_checks(entries: Sequence[E], profile: Profile) -> list[tuple[E, Finding]]:
    """Across submissions: the same 项目编码 twice, the same sub-unit twice, mixed templates,
    mixed 预算年度.

    Each finding comes with the entry it belongs to (its file), so both sides get it.  Works on
    entries (whole submissions) and on :class:`FileResult` (what the workers send back) alike."""
    scope = Scope(profile)
    found: list[tuple[E, Finding | None]] = []
    read = [(entry, facts) for entry in entries if (facts := _facts(entry)) is not None]
    units: dict[tuple[str, str], list[E]] = defaultdict(list)
    usual = _usual_template(read)
    for entry, facts in read:  # per template: a unit may send a 绩效目标表 and a 申报表
        units[(facts.unit_key, facts.template or usual)].append(entry)
    for code, places in repeated_codes(read).items():
        for entry, fact in places:
            named = (f"{e.sub_unit}（{e.file}）" for e, f in places if f is not fact)
            others = listed(named, len(places) - 1)
            owner = Project(name=fact.name, code=fact.code, number=fact.number)
            where = PROJECT_CODE_DUPLICATE.at(
                scope.for_project(owner), fact.where, code=code, others=others
            )
            found.append((entry, where))
    for (unit, _), same in units.items():
        if len(same) > 1:
            files = "、".join(islice((e.file for e in same), LISTED))  # counted in the text
            found += [
                (
                    e,
                    SUBMISSION_DUPLICATE.at(
                        scope, Location(file=e.file), unit=unit, count=len(same), files=files
                    ),
                )
                for e in same
            ]
    found += [flag for same in _by_template(read) for flag in _template_versions(same, scope)]
    found += _years(read, scope)
    return [(entry, f) for entry, f in found if f is not None]


LISTED = 3
"""Places a cross-file finding names (a message cuts each value to ``MAX_QUOTED`` characters:
about three places fit).  A placeholder such as “无” written as the 项目编码 in thousands of
files made every finding join every other place first: quadratic (review13: 18 s at 4,000)."""


def listed(names: Iterable[str], count: int) -> str:
    """Up to :data:`LISTED` of ``names`` (``count`` in all) joined; when there are more, the
    count comes first, so that cutting the value never hides it."""
    shown = "、".join(islice(names, LISTED))
    return shown if count <= LISTED else f"共 {count:,} 处，如{shown}"


def repeated_codes(read: Sequence[tuple[E, Submitted]]) -> dict[str, list[tuple[E, CodeFact]]]:
    """The 项目编码 standing in more than one entry (a file, or a 填报部门 of a workbook split
    by department), each with its places (entry, fact), codes and places in file order; a
    code repeated within one entry only is left out (the submission's own check says it).

    Two passes, so that the parent's memory stays flat in the number of files: a spooled
    file's codes are a view read from disk when iterated (issue #15).  The first pass keeps
    each code's hash and the first entry it stood in (~100 bytes a code, while it runs: ~30 MB
    at 10⁴ files × 30 projects); the second reads again only the entries holding a hash seen
    in another entry, and compares the codes themselves (two codes may share a hash)."""
    first: dict[int, int] = {}
    again: set[int] = set()
    for number, (_, facts) in enumerate(read):
        for fact in facts.codes:
            seen = first.setdefault(hash(fact.code), number)
            if seen != number:
                again.update((seen, number))
    first.clear()
    places: dict[str, list[tuple[E, CodeFact]]] = defaultdict(list)
    for number in sorted(again):
        entry, facts = read[number]
        for fact in facts.codes:
            places[fact.code].append((entry, fact))
    return {code: found for code, found in places.items() if len({id(e) for e, _ in found}) > 1}


def _by_template(read: Sequence[tuple[E, Submitted]]) -> list[list[tuple[E, str]]]:
    """The files' template versions, one group per template: a 申报表 is never compared with
    a 绩效目标表.  Interchange JSON (made by no template) is compared with the most common
    template's files, as an old template would be."""
    usual = _usual_template(read)
    groups: dict[str, list[tuple[E, str]]] = defaultdict(list)
    for entry, facts in read:
        groups[facts.template or usual].append((entry, facts.template_version))
    return [groups[template] for template in sorted(groups)]


def _usual_template(read: Sequence[tuple[E, Submitted]]) -> str:
    """The template most files were made from: interchange JSON counts as made from it."""
    templates = Counter(f.template for _, f in read if f.template)
    return templates.most_common(1)[0][0] if templates else ""


def _years(read: Sequence[tuple[E, Submitted]], scope: Scope) -> list[tuple[E, Finding | None]]:
    """The files whose 预算年度 is not the one most files state (review17: a clerk who drops
    last year's file into the inbox got its budget added to this year's without a word).
    A file stating no year is not compared (汇总概览 counts it; a workbook's blank year cell
    is year-missing); on a tie the later year is taken as the run's, so that last year's
    file is the one flagged."""
    counts = Counter(facts.year for _, facts in read if facts.year is not None)
    if len(counts) < 2:
        return []
    majority = usual_year(counts)
    return [
        (entry, YEAR_MIXED.at(scope, Location(file=entry.file), year=year, majority=majority))
        for entry, facts in read
        if (year := facts.year) is not None and year != majority
    ]


def usual_year(counts: Counter[int]) -> int:
    """The run's 预算年度: the one most files state, the later one on a tie (so that last
    year's file is the one flagged); 汇总概览 shows the same year."""
    return max(counts, key=lambda year: (counts[year], year))


def _template_versions(
    versions: Sequence[tuple[E, str]], scope: Scope
) -> list[tuple[E, Finding | None]]:
    counts = Counter(version for _, version in versions)
    if len(counts) < 2:
        return []
    majority = counts.most_common(1)[0][0]
    return [
        (
            entry,
            TEMPLATE_VERSION_MIXED.at(
                scope, Location(file=entry.file), version=version, majority=majority
            ),
        )
        for entry, version in versions
        if version != majority
    ]


def with_cross_findings(results: Sequence[FileResult], profile: Profile) -> list[FileResult]:
    """Copies of ``results`` with the cross-file findings added (not in place): each file's
    findings, and the 错误/警告/状态 of its 下属单位 row and of the project rows they concern.
    A spooled file's findings and rows stay views: the additions are made as they are read."""
    added: dict[int, list[Finding]] = defaultdict(list)
    for result, finding in cross_checks(results, profile):
        added[id(result)].append(finding)  # cross-file findings count against their files
    copies = []
    for result in results:
        extra = added.get(id(result), [])
        copy = dataclasses.replace(result, findings=_appended(result.findings, extra))
        if extra:
            copy.sub_unit_row = _recounted(result.sub_unit_row, extra)
            copy.project_rows = _recounted_projects(result, extra)
        copies.append(copy)
    return copies


def _appended(findings: Sequence[Finding], extra: list[Finding]) -> Sequence[Finding]:
    if isinstance(findings, list):
        return [*findings, *extra]
    if not extra:
        return findings
    facts = findings.facts if isinstance(findings, Deferred) else None
    more = facts.plus(FindingFacts.of(extra)) if facts is not None else None
    return Deferred(len(findings) + len(extra), partial(_concatenated, findings, extra), more)


def _concatenated(first: Sequence[Finding], extra: list[Finding]) -> list[Finding]:
    return [*first, *extra]


def _recounted(row: Row, extra: Sequence[Finding]) -> Row:
    """``row`` (ending in 错误, 警告, 状态) with ``extra`` findings counted in."""
    *rest, errors, warnings, _ = row
    assert isinstance(errors, int) and isinstance(warnings, int)
    more = Tally.of(extra)
    tally = Tally(errors + more.errors, warnings + more.warnings)
    return (*rest, tally.errors, tally.warnings, tally.status)


def _recounted_projects(result: FileResult, extra: Sequence[Finding]) -> Sequence[Row]:
    rows, keys = result.project_rows, result.project_keys
    recount = partial(_recounted_rows, rows, keys, tuple(extra))
    return recount() if isinstance(rows, list) else Deferred(len(rows), recount)


def _recounted_rows(
    rows: Sequence[Row], keys: Sequence[ProjectKey], extra: Sequence[Finding]
) -> list[Row]:
    by_project: dict[ProjectKey, list[Finding]] = defaultdict(list)
    for finding in extra:
        by_project[key_of(finding)].append(finding)
    return [
        _recounted(row, by_project[key]) if key in by_project else row
        for row, key in zip(rows, keys, strict=True)
    ]
