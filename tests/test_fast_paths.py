"""The fast paths of reading and validating (issue #15) give exactly what the plain ways give.

* the package guard's one-pass scan of a worksheet (``plain_scan.plain_scan``) settles a sheet
  only when the three searches it replaces would find it plain, near, free of error values,
  with the same formula texts; anything else goes the old way;
* the rules' memos (``rules.meaning.memo_of``) belong to one profile object each, never leak
  to an equal-looking other profile, and stay bounded;
* ``validate_submission`` (plain loops, one sort) returns what every check run through its
  generator and sorted twice returns.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.findings import Finding, sort_findings
from jixiao.model import Indicator
from jixiao.profiles import load_profile
from jixiao.readers import plain_scan
from jixiao.readers.interchange import parse_submission
from jixiao.rules import INDICATOR_CHECKS, PROJECT_CHECKS, SUBMISSION_CHECKS, Scope, meaning
from jixiao.rules.base import once_per_file
from jixiao.validate import profile_for, validate_submission

FIXTURES = Path(__file__).parent / "fixtures"

# ---------------------------------------------------------------- the guard's one-pass scan

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
FRAGMENTS = [
    b'<dimension ref="A1:L85"/>',
    b'<dimension ref="A1:XFD1048576"/>',
    b'<row r="3">',
    b"</row>",
    b"<row>",
    b'<row r="70000">',
    b'<c r="B7" s="12" t="n"></c>',
    b'<c r="C8" t="inlineStr"><is><t>&#27979;&#35797;</t></is></c>',
    b'<c r="D9" s="3" t="e"><v>#REF!</v></c>',
    b'<c r="AAA9" t="e"><v>#N/A</v></c>',
    b'<c r="E10"><f>SUM(E1:E9)</f><v>3</v></c>',
    b'<c r="F11"><f t="shared" ref="F11:F20" si="0">G11*2</f><v>0</v></c>',
    b'<c r="F12"><f t="shared" si="0"/><v>0</v></c>',
    b'<c r="G13"><f><![CDATA[WEBSERVICE("http://x")]]></f></c>',
    b'<c r="G14"><f>HYPERLINK("#&#39033;1!A1","x")</f></c>',
    b"<c><v>1</v></c>",
    b'<c s="1" r="H15"/>',
    b'<x:c r="I16"/>',
    b'<c r="XFD1048576"><v>1</v></c>',
    b'<c r="J17" t="e"/>',
    b"<c r='K18' t = 'e'><v>#DIV/0!</v></c>",
    b"<f>unclosed",
    b"text &lt;c r=&quot;ZZZ1&quot;&gt;",
]


ERROR_CELL = re.compile(rb"""<c\b[^>]*\st\s*=\s*["']e""")
"""A cell tag that may hold an error value (the reference's own, broad search)."""
FORMULA_TEXT = re.compile(rb"<f\b[^>]*(?<!/)>([^<]*(?:<(?!/f>)[^<]*)*)</f>")
"""Every formula's text up to its end tag, CDATA and comments included."""


def reference(data: bytes) -> tuple[bool, list[bytes]]:
    """The searches the scan replaces: (plain, near and free of error cells; formulas)."""
    clean = (
        plain_scan._NOT_PLAIN.search(data) is None
        and (b"<dimension" not in data or plain_scan._NEAR_DIMENSION.search(data) is not None)
        and not ERROR_CELL.search(data)
    )
    return clean, FORMULA_TEXT.findall(data)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_the_scan_settles_a_sheet_only_as_the_three_searches_would(parts: list[bytes]) -> None:
    data = HEAD + b"<sheetData>" + b"".join(parts) + b"</sheetData></worksheet>"
    clean, formulas = reference(data)
    scanned = plain_scan.plain_scan(data)
    if scanned is not None:  # settled by the scan: only what the old searches call clean
        assert clean
        assert scanned == formulas
    elif clean:  # not settled although clean: a formula whose text holds a tag
        assert b"CDATA" in data or b"<f>unclosed" in data


def test_a_plain_sheet_is_settled_with_its_formulas() -> None:
    data = HEAD + b"<sheetData>" + FRAGMENTS[6] + FRAGMENTS[10] + FRAGMENTS[11] + FRAGMENTS[12]
    data += b"</sheetData></worksheet>"
    assert plain_scan.plain_scan(data) == [b"SUM(E1:E9)", b"G11*2"]


@pytest.mark.parametrize(
    "fragment",
    [FRAGMENTS[8], FRAGMENTS[9], FRAGMENTS[13], FRAGMENTS[15], FRAGMENTS[17], FRAGMENTS[18]],
)
def test_what_the_scan_does_not_settle_goes_the_old_way(fragment: bytes) -> None:
    data = HEAD + b"<sheetData>" + fragment + b"</sheetData></worksheet>"
    assert plain_scan.plain_scan(data) is None


# ---------------------------------------------------------------- the rules' memos


def test_a_memo_belongs_to_one_profile_object() -> None:
    profile = load_profile("hebei")
    aliases = {**profile.aliases, "产出": "效益指标"}
    other = dataclasses.replace(profile, aliases=aliases)  # a copy has a label memo of its own
    row = Indicator(level1="产出", level2="数量指标", level3="培训人次", value="≥5人次")
    assert meaning.canonical_levels(row, Scope(profile))[0] == "产出指标"
    assert meaning.canonical_levels(row, Scope(other))[0] == "效益指标"
    assert meaning.memo_of(profile) is meaning.memo_of(profile)
    assert meaning.memo_of(profile) is not meaning.memo_of(other)


def test_a_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meaning, "_MEMO_ENTRIES", 5)
    profile = load_profile("hebei")
    scope = Scope(profile)
    for n in range(40):
        row = Indicator(level1="产出指标", level2=f"二级{n}", level3=f"指标{n}")
        meaning.canonical_levels(row, scope)
        meaning.is_floor_word(f"指标{n}合格率", profile.meaning)
    assert len(meaning.memo_of(profile)) <= 5
    assert len(meaning.memo_of(profile.meaning)) <= 5


# ---------------------------------------------------------------- validate's plain loops


def validated_the_plain_way(submission: object, file: str) -> list[Finding]:
    """validate_submission as it was: each check through a generator, sorted twice."""
    from jixiao.model import Submission

    assert isinstance(submission, Submission)
    profile = profile_for(submission)
    unit = submission.unit
    scope = Scope(profile, unit.money_unit, unit.year, file)
    found: list[Finding | None] = []
    for project in submission.projects:
        owned = scope.for_project(project)
        for check in PROJECT_CHECKS:
            found.extend(check(project, owned))
        for indicator in project.indicators:
            for row_check in INDICATOR_CHECKS:
                found.extend(row_check(indicator, owned))
    for submission_check in SUBMISSION_CHECKS:
        found.extend(submission_check(submission, scope))
    present = [f for f in found if f is not None]
    return sort_findings(once_per_file(sort_findings(present)))


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in FIXTURES.glob("*.json")
        if not p.name.endswith((".expected.json", ".reviewed.json"))
    ),
)
def test_validate_returns_what_the_plain_way_returns(name: str) -> None:
    text = (FIXTURES / name).read_text("utf-8")
    submission, problems = parse_submission(text, name)
    assert submission is not None, problems
    assert json.loads(text)  # a real fixture, not an empty file
    fast = validate_submission(submission, file=name)
    assert fast == validated_the_plain_way(submission, name)
    assert fast  # the fixtures are realistic: they all have something to say


TEMPLATES = Path(__file__).parent.parent / "workbook_templates"


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.xlsx")))
def test_a_template_is_settled_by_the_scan_alone(name: str) -> None:
    """Every sheet of a shipped template is settled by the scan, and none of its formulas
    reaches outside: a bar in a formula (a DDE command to the guard) once made every project
    sheet read in full with expat, three times the read (issue 15's grammar gaps, caught by
    timing: the weights' end marker and the error texts were joined by ``|``)."""
    import zipfile

    from jixiao.readers.cell_notes import reach, unescaped

    with zipfile.ZipFile(TEMPLATES / name) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        for sheet in sheets:
            formulas = plain_scan.plain_scan(package.read(sheet))
            assert formulas is not None, sheet
            reaching = {f for f in set(formulas) if reach(unescaped(f))}
            assert reaching == set(), sheet
