"""A result as stored data: one file's results packed as bytes (:func:`pack`), and read back
(:func:`unpack`, :class:`Packed`), for the result cache and the spool alike.

One file's results (one per 填报部门 with by_department) packed as bytes: a 4-byte length, a
zlib-compressed JSON head (per result: file, sub-unit, the facts, the 下属单位 row and the
byte length and item count of each part), then each part as zlib-compressed JSON, one after
another.  The result cache stores exactly these bytes, and the spool stores the parts as they
are, so a result taken from the cache is never decoded into rows and encoded again (issue
#15).  File names may stand as placeholders (``swap``/``unswap``: the cache's, so that the
same bytes under another name show the new name); exact amounts are decimal text.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.consolidation.results import CodeFact, FileResult, Submitted
from jixiao.findings import Tally
from jixiao.service.packed_checks import heads_sane, number_sane, rows_sane
from jixiao.service.packed_parts import (
    PART_FROM,
    PARTS,
    Damaged,
    compressed,
    exact_text,
    json_text,
    part_data,
    part_items,
    rows_data,
    rows_from,
    swapped,
    unpacked,
)
from jixiao.views import FindingFacts

_LENGTH = struct.Struct(">I")


def _decimal(value: Any) -> Decimal:
    if type(value) is not str:
        raise Damaged("amount")
    number = Decimal(value)
    if not number_sane(number):  # a plan share of sNaN or 1E+400 fails only when written
        raise Damaged("amount")
    return number


def _facts_data(facts: Submitted | None) -> Any:
    """The facts of the head (the codes are a part of their own: ``codes``)."""
    if facts is None:
        return None
    return {
        "unit_key": facts.unit_key,
        "template_version": facts.template_version,
        "template": facts.template,
        "projects": facts.projects,
        "minimum_plan": [[c, exact_text(d)] for c, d in facts.minimum_plan],
        "year": facts.year,
    }


def _facts_from(facts: Any, codes: Sequence[CodeFact]) -> Submitted | None:
    if facts is None:
        return None
    texts = (facts["unit_key"], facts["template_version"], facts["template"])
    if not all(type(t) is str for t in texts) or type(facts["projects"]) is not int:
        raise Damaged("submission")
    year = facts.get("year")
    if year is not None and type(year) is not int:
        raise Damaged("year")
    return Submitted(
        unit_key=facts["unit_key"],
        template_version=sys.intern(facts["template_version"]),  # the same in most files
        template=sys.intern(facts["template"]),
        projects=int(facts["projects"]),
        codes=tuple(codes) if isinstance(codes, list) else codes,  # a view stays a view
        minimum_plan=tuple((c, _decimal(d)) for c, d in facts["minimum_plan"]),
        year=year,
    )


def _codes_match(result: FileResult) -> bool:
    """Whether a result's 项目编码 facts are its projects' keys that have a code (as
    :func:`jixiao.consolidation.rows.file_result` makes both), with sane numbers: an entry
    edited by hand could otherwise drop or invent duplicates across files (review13)."""
    codes = result.submission.codes if result.submission else ()
    facts = [(c.code, c.name, c.number) for c in codes]
    if facts != [key for key in result.project_keys if key[0]]:
        return False
    return rows_sane([(c.number, c.where.line) for c in codes])


@functools.lru_cache(maxsize=256)
def _code_set(codes: tuple[str, ...]) -> frozenset[str]:
    """The rule codes of a file's findings as a set, one set for all files that have the same
    codes (packed sorted: most files of a run have one of a few sets): ~700 bytes less a file
    (issue #15: the parent's memory flat in N)."""
    return frozenset(map(sys.intern, codes))


def pack(results: Sequence[FileResult], swap: Mapping[str, str] = {}) -> tuple[bytes, list[str]]:
    """``results`` as stored bytes (see above), file names replaced by ``swap``; and the JSON
    texts packed (the cache looks for the file's name in them).  Raises TypeError or
    ValueError for a value JSON cannot hold."""
    heads, parts, texts = [], [], []
    for result in results:
        sizes = {}
        for part in PARTS:
            text = json_text(part_data(part, result, swap))
            texts.append(text)
            blob = compressed(text)
            parts.append(blob)
            sizes[part] = [len(blob), len(part_items(part, result))]
        row = rows_data("sub_unit_row", [result.sub_unit_row], swap) if result.sub_unit_row else []
        facts = FindingFacts.of(result.findings)
        tally = facts.tally
        heads.append(
            {
                "file": swapped(result.file, swap),
                "sub_unit": result.sub_unit,
                "submission": _facts_data(result.submission),
                "sub_unit_row": row[0] if row else [],
                "parts": sizes,
                "findings": [
                    [tally.errors, tally.warnings, tally.infos],
                    sorted(facts.codes),
                    facts.widest_where,
                ],
            }
        )
    head_text = json_text(heads)
    head = compressed(head_text)
    return b"".join([_LENGTH.pack(len(head)), head, *parts]), [head_text, *texts]


@dataclass(frozen=True, slots=True)
class Packed:
    """One file's results as stored bytes, their heads read (:func:`unpack`): what the spool
    keeps as it is, and what :meth:`results` decodes whole."""

    heads: list[dict[str, Any]]
    parts: list[dict[str, tuple[bytes, int]]]
    """Each result's parts: compressed JSON and item count."""
    unswap: Mapping[str, str]
    decoded: list[FileResult] | None = None
    """The results already decoded whole (:meth:`results` gives them)."""

    def results(self) -> list[FileResult]:
        """Every result decoded, rows and findings in memory."""
        if self.decoded is not None:
            return self.decoded
        return [self.result(number) for number in range(len(self.heads))]

    def result(self, number: int, parts: Mapping[str, Sequence[Any]] | None = None) -> FileResult:
        """Result ``number``; its parts are ``parts`` when given, else decoded."""
        head, unswap = self.heads[number], self.unswap
        if parts is None:
            parts = {p: self.part(number, p) for p in PARTS}
        row = head["sub_unit_row"]
        sub_unit_row = rows_from("sub_unit_row", [list(row)], unswap)[0] if row else ()
        facts = _facts_from(head["submission"], parts["codes"])
        if type(head["file"]) is not str or type(head["sub_unit"]) is not str:
            raise Damaged("file")
        return FileResult(
            file=swapped(head["file"], unswap),
            sub_unit=str(head["sub_unit"]),
            findings=parts["findings"],
            submission=facts,
            project_rows=parts["project_rows"] if facts else [],
            project_keys=parts["project_keys"],
            sub_unit_row=sub_unit_row,
            indicator_rows=parts["indicator_rows"] if facts else [],
            department_rows=parts["department_rows"] if facts else [],
        )

    def checked(self) -> list[FileResult]:
        """Every result decoded whole, its findings' kept facts proved theirs (else
        :class:`Damaged`)."""
        if not heads_sane(self.heads):
            raise Damaged("head")
        results = [
            self.result(number, {p: self.part(number, p, strict=True) for p in PARTS})
            for number in range(len(self.heads))
        ]
        for number, result in enumerate(results):
            if self.finding_facts(number) != FindingFacts.of(result.findings):
                raise Damaged("findings")
            if not _codes_match(result):
                raise Damaged("codes")
            tables = (result.project_rows, result.indicator_rows, result.department_rows)
            if not all(rows_sane(table) for table in tables) or not rows_sane(
                [result.sub_unit_row]
            ):
                raise Damaged("rows")
        return results

    def finding_facts(self, number: int) -> FindingFacts:
        """The facts of result ``number``'s findings, as packed."""
        (errors, warnings, infos), codes, widest = self.heads[number]["findings"]
        if not all(type(n) is int for n in (errors, warnings, infos)) or type(widest) is not str:
            raise Damaged("findings")
        if type(codes) is not list or not all(type(c) is str for c in codes):
            raise Damaged("findings")
        return FindingFacts(Tally(errors, warnings, infos), _code_set(tuple(codes)), widest)

    def part(self, number: int, part: str, strict: bool = False) -> list[Any]:
        """One part of result ``number`` decoded (``strict``: see :func:`unpacked`)."""
        blob, count = self.parts[number][part]
        items = PART_FROM[part](unpacked(blob, strict), self.unswap)
        if len(items) != count:
            raise Damaged(part)
        return items


def unpack(blob: bytes, unswap: Mapping[str, str] = {}, check: bool = True) -> Packed:
    """The results :func:`pack` made, file names given back by ``unswap``; their heads are
    read.  With ``check`` (bytes kept from another run: the cache) every result is decoded
    once, whole, and the facts kept beside its findings must be theirs: raises
    :class:`Damaged` (or zlib/JSON/decimal errors) on anything malformed, so that such an
    entry is a miss and its file is read again, never an error or a wrong count later.

    Decision of issue #15: checking only zlib's checksums here cost ~0.25 ms a 30-project
    file instead of ~2–2.5 ms, and proves the bytes are the ones packed, but bytes altered on
    purpose and packed again (a hostile review does that) would then fail only while the
    workbook is written, or show counts the findings do not have.  The ~0.2 s a re-run of 100
    files spends here buys "a damaged cache is never trusted".  What the check decoded is
    kept (:attr:`Packed.decoded`), and the spool hands it out instead of decoding the same
    bytes again while the workbook is written, up to :data:`READY_ITEMS` items a run (the rest
    are read back from disk), so memory stays flat in the number of files."""
    if len(blob) < _LENGTH.size:
        raise Damaged("length")
    (size,) = _LENGTH.unpack_from(blob)
    at = _LENGTH.size + size
    heads = unpacked(blob[_LENGTH.size : at])
    if type(heads) is not list:
        raise Damaged("head")
    parts = []
    for head in heads:
        found = {}
        for part in PARTS:
            length, count = head["parts"][part]
            if type(length) is not int or type(count) is not int or length < 0:
                raise Damaged(part)
            found[part] = (blob[at : at + length], count)
            at += length
        parts.append(found)
    if at != len(blob):
        raise Damaged("length")
    packed = Packed(heads, parts, unswap)
    if check:  # what the check decoded is kept: the spool hands it out (READY_ITEMS)
        return dataclasses.replace(packed, decoded=packed.checked())
    return packed
