"""Finished per-file results waiting on disk until the summary is written (issue #15).

At province scale (10⁴ files × 30 projects: ~2.4 M indicator rows, ~1.6 M findings) the rows
of every file cannot all stand in the parent's memory (~0.3 MB a file).  As each file's result
(:class:`jixiao.consolidation.results.FileResult`) comes back from a worker or from the cache,
:meth:`Spool.keep` writes its rows and findings to a temporary SQLite database and gives back
the same result holding :class:`jixiao.views.Deferred` views instead of lists: their
lengths, the facts the cross-file checks need (``Submitted``: unit key, template, codes) and
the one 下属单位 row stay in memory.  After all files the consolidation reads the views file by
file (the cross-file findings and recounts are applied as they are read), so the workbook and
the CSVs are written from one file's rows at a time.

The database is data that cannot run code when loaded: JSON (exact amounts as decimal text, by
the columns' kinds), zlib-compressed (level 1: it is read back once or twice), one row per file
and part; never pickle. The parts are packed as the result cache keeps them (:func:`pack`), so a
result from the cache, or one a worker packed (workers pack every result the parent spools), is
stored by :meth:`Spool.keep_packed` as the bytes it is, never packed again: a re-run from the
cache spends ~2.5 ms a file (the check of :func:`unpack`) instead of ~4.5 ms (issue #15). It
lives in a hidden folder beside the output (``.jixiao-汇总-*``; the system's temporary folder
when that one cannot be written) and is deleted when the consolidation that reads it is no
longer used, or at exit. A result that cannot be stored (a value JSON cannot hold) simply
stays in memory; a file that could not be read has no rows and stays in memory too."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import re
import shutil
import sqlite3
import struct
import sys
import tempfile
import time
import weakref
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any

from jixiao.consolidation.columns import (
    DEPARTMENT_COLUMNS,
    INDICATOR_COLUMNS,
    SUB_UNIT_COLUMNS,
    project_columns,
    summary_levels,
)
from jixiao.consolidation.results import CodeFact, FileResult, ProjectKey, Submitted
from jixiao.consolidation.table import Kind, Row
from jixiao.findings import Finding, Severity, Tally
from jixiao.model import Location
from jixiao.views import Deferred, FindingFacts

PREFIX = ".jixiao-汇总-"
"""The spool folder's name starts so (hidden on Linux and macOS)."""
_COMMIT_EVERY = 50
"""Files stored between two commits."""


# ---------------------------------------------------------------- a result as stored data
#
# One file's results (one per 填报部门 with by_department) packed as bytes: a 4-byte length, a
# zlib-compressed JSON head (per result: file, sub-unit, the facts, the 下属单位 row and the
# byte length and item count of each part), then each part as zlib-compressed JSON, one after
# another.  The result cache stores exactly these bytes, and the spool stores the parts as they
# are, so a result taken from the cache is never decoded into rows and encoded again (issue
# #15).  File names may stand as placeholders (``swap``/``unswap``: the cache's, so that the
# same bytes under another name show the new name); exact amounts are decimal text.

PARTS = ("findings", "project_keys", "project_rows", "indicator_rows", "department_rows")
"""A result's parts, stored in this order; each is read back on its own."""
_ROW_PARTS = ("project_rows", "indicator_rows", "department_rows")
_EXACT = frozenset({Kind.MONEY, Kind.PERCENT, Kind.NUMBER})
_LENGTH = struct.Struct(">I")
_FINDING_FIELDS = len(dataclasses.fields(Finding))


class Damaged(ValueError):
    """Stored results that do not have the shape they must have."""


@dataclass(frozen=True, slots=True)
class _Shape:
    """How a table's rows are stored: their width, which columns hold exact amounts (stored as
    decimal text) and which names the file."""

    width: int
    decimals: tuple[int, ...]
    file_at: int | None


@cache
def _shape(part: str) -> _Shape:
    columns = {
        "project_rows": project_columns(summary_levels()),
        "indicator_rows": INDICATOR_COLUMNS,
        "sub_unit_row": SUB_UNIT_COLUMNS,
        "department_rows": DEPARTMENT_COLUMNS,
    }[part]
    keys = [c.key for c in columns]
    decimals = tuple(i for i, c in enumerate(columns) if c.kind in _EXACT)
    return _Shape(len(columns), decimals, keys.index("file") if "file" in keys else None)


def _exact_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise TypeError(f"an amount column holds {type(value).__name__}")
    return str(value)


def _decimal(value: Any) -> Decimal:
    if type(value) is not str:
        raise Damaged("amount")
    number = Decimal(value)
    if not _number_sane(number):  # a plan share of sNaN or 1E+400 fails only when written
        raise Damaged("amount")
    return number


def _swapped(value: Any, swap: Mapping[str, str]) -> Any:
    return swap.get(value, value) if swap and isinstance(value, str) else value


def _rows_data(part: str, rows: Sequence[Row], swap: Mapping[str, str]) -> list[list[Any]]:
    shape = _shape(part)
    out = []
    for row in rows:
        if len(row) != shape.width:
            raise TypeError(f"a row of {part} has {len(row)} values")
        values = list(row)
        for i in shape.decimals:
            values[i] = _exact_text(values[i])
        if shape.file_at is not None:
            values[shape.file_at] = _swapped(values[shape.file_at], swap)
        out.append(values)
    return out


def _rows_from(part: str, data: Any, unswap: Mapping[str, str]) -> list[Row]:
    shape = _shape(part)
    decimals, file_at, width = shape.decimals, shape.file_at, shape.width
    if type(data) is not list:
        raise Damaged(part)
    out = []
    swap_at = file_at if unswap else None
    for row in data:  # the hottest loop of reading a result back: helpers inlined
        if row.__class__ is not list or len(row) != width:
            raise Damaged(part)
        for i in decimals:
            value = row[i]
            if value is not None:
                if value.__class__ is not str:
                    raise Damaged("amount")
                row[i] = Decimal(value)
        if swap_at is not None:
            value = row[swap_at]
            if value.__class__ is str:
                row[swap_at] = unswap.get(value, value)
        out.append(tuple(row))
    return out


def _findings_data(findings: Sequence[Finding], swap: Mapping[str, str]) -> list[list[Any]]:
    return [
        [
            f.code,
            f.severity.value,
            _swapped(f.file, swap),
            f.sheet,
            f.cell,
            f.project_code,
            f.project_name,
            f.message,
            f.hint,
            f.line,
            f.path,
            f.project_number,
        ]
        for f in findings
    ]


def _findings_from(data: Any, unswap: Mapping[str, str]) -> list[Finding]:
    if type(data) is not list:
        raise Damaged("findings")
    out = []
    for values in data:
        if type(values) is not list or len(values) != _FINDING_FIELDS:
            raise Damaged("finding")
        code, severity, file, sheet, cell, project, name, message, hint, line, path, number = values
        if not (
            code.__class__ is str
            and file.__class__ is str
            and sheet.__class__ in _TEXT
            and cell.__class__ in _TEXT
            and project.__class__ in _TEXT
            and name.__class__ in _TEXT
            and message.__class__ in _TEXT
            and hint.__class__ in _TEXT
            and path.__class__ in _TEXT
            and line.__class__ in _SCALAR
            and number.__class__ in _SCALAR
        ):
            raise Damaged("finding")
        out.append(
            Finding(
                code,
                Severity(severity),
                unswap.get(file, file),
                sheet,
                cell,
                project,
                name,
                message,
                hint,
                line,
                path,
                number,
            )
        )
    return out


_TEXT = frozenset({str, type(None)})
_SCALAR = frozenset({str, int, float, bool, type(None)})


def _texts(values: Sequence[Any], required: Sequence[bool]) -> bool:
    """Whether ``values`` are texts where ``required`` (or None where not), and plain JSON
    scalars elsewhere."""
    for value, text in zip(values, required, strict=True):
        if type(value) is str:
            continue
        if text and value is not None:
            return False
        if value is not None and type(value) not in (int, float, bool):
            return False
    return True


def _keys_from(data: Any, _: Mapping[str, str]) -> list[ProjectKey]:
    if type(data) is not list or any(type(k) is not list or len(k) != 3 for k in data):
        raise Damaged("project_keys")
    return [(k[0], k[1], k[2]) for k in data]


def _part_data(part: str, result: FileResult, swap: Mapping[str, str]) -> list[Any]:
    if part == "findings":
        return _findings_data(result.findings, swap)
    if part == "project_keys":
        return [list(k) for k in result.project_keys]
    rows: Sequence[Row] = getattr(result, part)
    return _rows_data(part, rows, swap)


_PART_FROM: dict[str, Callable[[Any, Mapping[str, str]], list[Any]]] = {
    "findings": _findings_from,
    "project_keys": _keys_from,
    **{part: partial(_rows_from, part) for part in _ROW_PARTS},
}


def _no_other(value: object) -> object:
    raise TypeError(f"cannot store {type(value).__name__} outside an amount column")


def _json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, default=_no_other, separators=(",", ":"))


def _compressed(text: str) -> bytes:
    # Level 1: a third of level 6's time (~1 ms a 30-project file in every worker), ~20 % more
    # bytes; any level decodes the same (issue #15).
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _unpacked(blob: bytes, strict: bool = False) -> Any:
    """A part's JSON; ``strict`` (bytes kept from another run): its text is UTF-8 without a
    lone surrogate, raw or escaped, else :class:`Damaged` (packing writes none, and writing
    one to a workbook fails)."""
    if not strict:
        return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    try:
        text = zlib.decompress(blob).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Damaged("text") from exc
    if _ESCAPED_SURROGATE.search(text):
        raise Damaged("text")
    return json.loads(text)


def _facts_data(facts: Submitted | None, swap: Mapping[str, str]) -> Any:
    if facts is None:
        return None
    return {
        "unit_key": facts.unit_key,
        "template_version": facts.template_version,
        "template": facts.template,
        "projects": facts.projects,
        "codes": [
            [c.code, c.name, c.number, [_swapped(c.where.file, swap), *_location(c.where)]]
            for c in facts.codes
        ],
        "minimum_plan": [[c, _exact_text(d)] for c, d in facts.minimum_plan],
    }


def _location(where: Location) -> list[Any]:
    """A location's fields after its file."""
    return [where.sheet, where.cell, where.line, where.path]


def _facts_from(facts: Any, unswap: Mapping[str, str]) -> Submitted | None:
    if facts is None:
        return None
    texts = (facts["unit_key"], facts["template_version"], facts["template"])
    if not all(type(t) is str for t in texts) or type(facts["projects"]) is not int:
        raise Damaged("submission")
    for code, name, number, where in facts["codes"]:
        if type(code) is not str or type(where) is not list or len(where) != 5:
            raise Damaged("codes")
        if not _texts([name, number, *where], (True, False, True, True, True, False, True)):
            raise Damaged("codes")
    codes = tuple(
        CodeFact(code, name, number, Location(_swapped(where[0], unswap), *where[1:]))
        for code, name, number, where in facts["codes"]
    )
    return Submitted(
        unit_key=facts["unit_key"],
        template_version=facts["template_version"],
        template=str(facts["template"]),
        projects=int(facts["projects"]),
        codes=codes,
        minimum_plan=tuple((c, _decimal(d)) for c, d in facts["minimum_plan"]),
    )


def pack(results: Sequence[FileResult], swap: Mapping[str, str] = {}) -> tuple[bytes, list[str]]:
    """``results`` as stored bytes (see above), file names replaced by ``swap``; and the JSON
    texts packed (the cache looks for the file's name in them).  Raises TypeError or
    ValueError for a value JSON cannot hold."""
    heads, parts, texts = [], [], []
    for result in results:
        sizes = {}
        for part in PARTS:
            text = _json_text(_part_data(part, result, swap))
            texts.append(text)
            blob = _compressed(text)
            parts.append(blob)
            sizes[part] = [len(blob), len(getattr(result, part))]
        row = _rows_data("sub_unit_row", [result.sub_unit_row], swap) if result.sub_unit_row else []
        facts = FindingFacts.of(result.findings)
        tally = facts.tally
        heads.append(
            {
                "file": _swapped(result.file, swap),
                "sub_unit": result.sub_unit,
                "submission": _facts_data(result.submission, swap),
                "sub_unit_row": row[0] if row else [],
                "parts": sizes,
                "findings": [
                    [tally.errors, tally.warnings, tally.infos],
                    sorted(facts.codes),
                    facts.widest_where,
                ],
            }
        )
    head_text = _json_text(heads)
    head = _compressed(head_text)
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
        sub_unit_row = _rows_from("sub_unit_row", [list(row)], unswap)[0] if row else ()
        facts = _facts_from(head["submission"], unswap)
        if type(head["file"]) is not str or type(head["sub_unit"]) is not str:
            raise Damaged("file")
        return FileResult(
            file=_swapped(head["file"], unswap),
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
        if not _heads_sane(self.heads):
            raise Damaged("head")
        results = [
            self.result(number, {p: self.part(number, p, strict=True) for p in PARTS})
            for number in range(len(self.heads))
        ]
        for number, result in enumerate(results):
            if self.finding_facts(number) != FindingFacts.of(result.findings):
                raise Damaged("findings")
            tables = (result.project_rows, result.indicator_rows, result.department_rows)
            if not all(_rows_sane(table) for table in tables) or not _rows_sane(
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
        codes_kept = frozenset(map(sys.intern, codes))  # shared by every file: ~1 KB less each
        return FindingFacts(Tally(errors, warnings, infos), codes_kept, widest)

    def part(self, number: int, part: str, strict: bool = False) -> list[Any]:
        """One part of result ``number`` decoded (``strict``: see :func:`_unpacked`)."""
        blob, count = self.parts[number][part]
        items = _PART_FROM[part](_unpacked(blob, strict), self.unswap)
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
    heads = _unpacked(blob[_LENGTH.size : at])
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


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
"""A JSON escape of a UTF-16 surrogate: a text holding one cannot be written to a workbook."""
NUMBER_BOUND = 10**15
"""No amount, count or share a clerk's table holds reaches this (Excel keeps 15 digits)."""


def _number_sane(value: object) -> bool:
    """A row's value as a table may hold it: text, a truth value, nothing, or a finite number
    below :data:`NUMBER_BOUND` (a NaN, an infinity or a 400-digit integer fails only when the
    workbook is written)."""
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < NUMBER_BOUND
    if isinstance(value, int):
        return abs(value) < NUMBER_BOUND
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < NUMBER_BOUND
    return False


_PLAIN_VALUES = frozenset({str, bool, type(None)})


def _rows_sane(rows: Sequence[Sequence[object]]) -> bool:
    """Every value of ``rows`` is sane (:func:`_number_sane`); a plain loop, as a cached
    re-run checks some 500,000 values at 100 files."""
    for row in rows:
        for value in row:
            if value.__class__ not in _PLAIN_VALUES and not _number_sane(value):
                return False
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def _heads_sane(data: object) -> bool:
    """Every number in decoded JSON ``data`` (the heads: lists, objects, scalars) is sane and
    no text or key holds a lone surrogate."""
    if isinstance(data, list):
        return all(_heads_sane(item) for item in data)
    if isinstance(data, dict):
        return all(_heads_sane(key) and _heads_sane(item) for key, item in data.items())
    if isinstance(data, str):
        return _SURROGATE.search(data) is None
    return _number_sane(data)


STALE_AFTER = 24 * 3600
"""Seconds after which a spool folder nobody has written to is left over from a consolidation
that was killed (power cut, Task Manager): its ``finalize`` never ran.  No consolidation reads
its spool for a day, and the age is the only test that works everywhere (asking whether a
process lives is unreliable across Windows and Linux and may hit a reused process id)."""


def sweep_stale(place: Path, now: float | None = None) -> list[Path]:
    """Delete the spool folders in ``place`` left over by killed consolidations (older than
    :data:`STALE_AFTER` by their newest file); the folders removed.  A folder still in use
    elsewhere is young, and one that cannot be removed (open on Windows) is simply left."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        for folder in place.iterdir():
            if not folder.name.startswith(PREFIX) or not folder.is_dir():
                continue
            with contextlib.suppress(OSError):
                newest = max([p.stat().st_mtime for p in folder.iterdir()], default=0.0)
                if now - max(newest, folder.stat().st_mtime) > STALE_AFTER:
                    shutil.rmtree(folder)
                    removed.append(folder)
    return removed


def _folder_near(place: Path) -> Path:
    try:
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=place))
    except OSError:  # a folder the clerk may read but not write: the system's temp folder
        place = Path(tempfile.gettempdir())
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=place))
    sweep_stale(place)
    return folder


def _remove(db: sqlite3.Connection, folder: Path) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.close()
    shutil.rmtree(folder, ignore_errors=True)


READY_ITEMS = 60_000
"""Decoded items (rows, findings) a spool keeps in memory from the cache's check
(:meth:`Spool.keep_packed`): ~1 KB each, some 60 MB, a re-run of ~120 files × 30 projects.

Decision of issue #15: a cached re-run decoded each hit twice, once to check it and once to
write it (~2 ms a file, ~0.2 s of a 100-file re-run whose whole parent spends ~2.4 s); the
check's decoding is now used for the writing.  Keeping every file's would make the parent's
memory grow with the files (~0.5 MB a 30-project file: 5 GB at 10⁴), so past this budget the
parts are read back from disk as before."""


class Spool:
    """A temporary database of per-file results beside ``place`` (see the module text)."""

    def __init__(self, place: Path) -> None:
        self.folder = _folder_near(place)
        self._db = sqlite3.connect(self.folder / "spool.sqlite", check_same_thread=False)
        self._done = weakref.finalize(self, _remove, self._db, self.folder)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE parts (number INTEGER NOT NULL, part TEXT NOT NULL,"
            " data BLOB NOT NULL, PRIMARY KEY (number, part)) WITHOUT ROWID"
        )
        self._stored = 0
        self._pending = 0
        self._last: tuple[tuple[int, str], list[Any]] | None = None
        self._ready: dict[tuple[int, str], Sequence[Any]] = {}
        """Parts decoded already (by the cache's check), handed out instead of the bytes."""
        self._ready_items = 0

    def keep(self, result: FileResult) -> FileResult:
        """Store ``result``'s rows and findings; the same result with views in their place
        (``result`` itself when it has no rows or cannot be stored)."""
        if result.submission is None:
            return result
        try:
            blobs = {p: _compressed(_json_text(_part_data(p, result, {}))) for p in PARTS}
        except (TypeError, ValueError):  # a value JSON cannot hold: this file stays in memory
            return result
        number = self._store(blobs)
        facts = FindingFacts.of(result.findings)
        view = {p: self._view(number, p, len(getattr(result, p)), {}, facts) for p in PARTS}
        return dataclasses.replace(
            result,
            findings=view["findings"],
            project_keys=view["project_keys"],
            project_rows=view["project_rows"],
            indicator_rows=view["indicator_rows"],
            department_rows=view["department_rows"],
        )

    def keep_packed(self, packed: Packed) -> list[FileResult]:
        """Store the parts of one file's packed results (the cache's bytes) as they are; the
        results with views in place of their parts (an unreadable file's decoded whole).  The
        parts ``packed`` holds decoded already are kept to be read (up to :data:`READY_ITEMS`)."""
        kept = []
        for number, (head, parts) in enumerate(zip(packed.heads, packed.parts, strict=True)):
            if head["submission"] is None:
                kept.append(packed.result(number))
                continue
            stored = self._store({p: blob for p, (blob, _) in parts.items()})
            if packed.decoded is not None:
                self._keep_ready(stored, packed.decoded[number])
            facts = packed.finding_facts(number)
            views = {
                p: self._view(stored, p, count, packed.unswap, facts)
                for p, (_, count) in parts.items()
            }
            kept.append(packed.result(number, views))
        return kept

    def _keep_ready(self, number: int, decoded: FileResult) -> None:
        parts = [(part, getattr(decoded, part)) for part in PARTS]
        items = sum(len(items) for _, items in parts)
        if self._ready_items + items > READY_ITEMS:
            return
        self._ready_items += items
        for part, items in parts:
            self._ready[(number, part)] = items

    def _store(self, blobs: Mapping[str, bytes]) -> int:
        number = self._stored
        self._stored += 1
        self._db.executemany(
            "INSERT INTO parts VALUES (?, ?, ?)",
            [(number, part, blob) for part, blob in blobs.items()],
        )
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._commit()
        return number

    def _view(
        self,
        number: int,
        part: str,
        length: int,
        unswap: Mapping[str, str],
        facts: FindingFacts | None = None,
    ) -> Deferred[Any]:
        """A view of one stored part; the findings' view knows their ``facts``."""
        load = partial(self._load, number, part, unswap)
        return Deferred(length, load, facts if part == "findings" else None)

    @property
    def stored(self) -> int:
        """How many results are waiting here."""
        return self._stored

    def _commit(self) -> None:
        if self._pending:
            self._db.commit()
            self._pending = 0

    def _load(self, number: int, part: str, unswap: Mapping[str, str]) -> list[Any]:
        """One stored part decoded.  The last part read is kept (one file's part): 问题清单
        reads a file's findings twice in a row, for its rows and for their links."""
        ready = self._ready.get((number, part))
        if ready is not None:
            return list(ready)
        if self._last is not None and self._last[0] == (number, part):
            return list(self._last[1])
        self._commit()
        found = self._db.execute(
            "SELECT data FROM parts WHERE number = ? AND part = ?", (number, part)
        ).fetchone()
        if found is None:  # pragma: no cover - every view was stored before it was made
            raise LookupError(f"spooled result {number} has no {part}")
        items = _PART_FROM[part](_unpacked(found[0]), unswap)
        self._last = ((number, part), items)
        return list(items)

    def close(self) -> None:
        """Delete the database now (the views made by :meth:`keep` can no longer be read)."""
        self._done()
