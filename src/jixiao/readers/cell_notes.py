"""What python-calamine does not say about a workbook's cells: error values (it reads them as
blank) and formulas reaching outside the workbook (their values are a stale cache), each at the
cell calamine reads, also through a defined name, a filled-down or an array formula.  Taken by
the package guard (:mod:`jixiao.readers.package`) as it measures each sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple
from unicodedata import normalize
from xml.parsers import expat

from jixiao.a1 import a1
from jixiao.readers.xmlparts import (
    CELL_REF,
    Placement,
    Refused,
    letters_column,
    local_name,
    parse_xml,
)

_NAME_TOKEN = re.compile(r"[^\s()+\-*/^&=<>,;:!\"'{}\[\]%|~@#$]+")
"""What may be a defined name in a formula: what stands between a formula's delimiters (a
review spelled a name with a combining accent and a middle dot, which ``\\w`` splits)."""


def _folded(text: str) -> str:
    """Text as names are compared: composed (NFC) and case-folded, as Excel compares them."""
    return normalize("NFC", text).casefold()


class Outward(NamedTuple):
    """The workbook's defined names whose formula reaches outside it, directly or through
    another name (a review hid ``WEBSERVICE`` behind ``=JX_FEED``, then behind a name using
    it, and behind a sheet's own name shadowed by a workbook name): a cell's formula using one
    reaches out too.  Names are compared case-folded, as Excel compares them, word by word
    (one dictionary look-up a word: 50,000 names in one pattern took minutes)."""

    kinds: dict[str, str]
    """Name (case-folded) → what it reaches outside with."""

    @staticmethod
    def of(names: list[tuple[str, str]]) -> Outward | None:
        kinds: dict[str, str] = {}
        users: dict[str, list[str]] = {}
        for name, text in names:  # every definition (a sheet's own name, a workbook's)
            key = _folded(name)
            kind = reach(text)
            if kind and kinds.get(key) in (None, LINK):  # (a link yields to another kind)
                kinds[key] = kind
            for word in set(_NAME_TOKEN.findall(_folded(text))):
                users.setdefault(word, []).append(key)
        waiting = list(kinds)
        while waiting:  # through names using names, each name once (twice: once a link)
            source = waiting.pop()
            for user in users.get(source, []):
                if user not in kinds or (kinds[user] == LINK != kinds[source]):
                    kinds[user] = kinds[source]
                    waiting.append(user)
        return Outward(kinds) if kinds else None

    def reach(self, formula: str) -> str | None:
        """What the names ``formula`` uses reach outside with: any kind before a link
        (:data:`LINK`), which is only a hint where the others are stale values."""
        found: str | None = None
        for word in _NAME_TOKEN.findall(_folded(formula)):
            kind = self.kinds.get(word)
            if kind and kind != LINK:
                return kind
            found = found or kind
        return found


LINK = "超链接"
"""The kind of a HYPERLINK to outside the workbook: listed last in :data:`OUTSIDE`, so that a
formula also reaching out another way is noted with that way.  Its value is the link's display
text, computed inside the workbook: the reader reports it as ``link-outside`` (a hint), not as
a stale value (``formula-outside``)."""

_REACHING_WORDS = (
    "webservice",
    "filterxml",
    "image",
    "stockhistory",
    "translate",
    "detectlanguage",
    "copilot",
    "cube",
    "hyperlink",
    "rtd",
    "call",
    "register",
)
"""What any formula :data:`OUTSIDE` finds holds (lower-cased), besides ``[`` and ``|``."""
_REACHING_OUT = tuple(word.encode() for word in _REACHING_WORDS)
"""The same words as bytes, for a formula as written in the XML."""
_ASCII_REFERENCE = re.compile(rb"&#(?:0*[0-9]{1,3}|[xX]0*[0-9A-Fa-f]{1,2});")
"""A character reference that may spell a letter, bracket or bar (``&#87;EBSERVICE(``): XML
allows it in a formula, so text holding one is never passed over by the token test."""
OUTSIDE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("DDE 命令", re.compile(r"\|")),
    (
        "外部工作簿",  # '…\[b.xlsx]表 1'!A1, [1]表!A1, [1]!名称 (linear: [a[a[a… took minutes)
        re.compile(r"'(?:[^'\[\]]|'')*\[[^\[\]]*\](?:[^'\[\]]|'')*'!|\[[^\[\]]*\][\w.]*!"),
    ),
    (
        "网络函数",
        re.compile(
            r"\b(?:WEBSERVICE|FILTERXML|RTD|IMAGE|STOCKHISTORY|TRANSLATE|DETECTLANGUAGE|COPILOT"
            r"|CUBE[A-Z]*)\s*\(",
            re.IGNORECASE,
        ),
    ),
    ("宏函数", re.compile(r"\b(?:CALL|REGISTER(?:\.ID)?)\s*\(", re.IGNORECASE)),
    (LINK, re.compile(r'\bHYPERLINK\s*\((?!\s*"#)', re.IGNORECASE)),
)
"""What a formula reaches outside the workbook with, in the words a clerk would use.  Another
workbook is a bracket before a sheet's ``!`` (a table's columns, ``表1[金额]``, and a text
"[待填]" are none: a review found them called 外部工作簿).  A
HYPERLINK whose address is written as text starting with ``#`` goes to a place in the same
workbook (whatever follows: "#http://…" is no web address), so it reaches nothing: the
总览 sheet's links to the project sheets are no note, and that sheet is no longer read cell
by cell on every read (~2 ms a file, issue #15)."""


@dataclass(slots=True)
class CellNotes:
    """What python-calamine does not say about a workbook's cells."""

    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    """Error values (``#REF!``) by sheet and cell: calamine reads them as blank."""
    outside: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    """Formulas reaching outside the workbook, by sheet and cell: (formula, what it reaches)."""
    external_links: bool = False
    """The package links other workbooks or DDE sources (``xl/externalLinks/``)."""


def note_sheet(
    notes: CellNotes,
    sheet: str,
    data: bytes,
    harmless: set[bytes],
    scanned: list[bytes] | None,
    outward: Outward | None = None,
) -> str | None:
    """A sheet's error values and outward-reaching formulas into ``notes`` (a reason to refuse
    the workbook when the sheet turns out not to be XML).  ``harmless``
    holds the formulas already seen to reach nowhere: a template repeats the same formulas on
    every project sheet, so each is tested once per workbook, not once per sheet.  ``scanned``
    is what the guard's scan found already (None: search the sheet here).  ``outward``: the
    defined names reaching outside (then every formula is read: any may use one)."""
    if scanned is not None:
        found = set(scanned) - harmless
        if not any(reach(unescaped(f), outward) for f in found if outward or _may_reach_out(f)):
            harmless |= found  # no error value, no formula reaching out: nothing to note
            return None
    # Read in full where the scan did not settle it or saw a formula that may reach out:
    cells = _Cells(sheet)  # (only a sheet with an error value or a formula reaching out)
    try:
        parse_xml(data, cells.start, end=cells.end, text=cells.text)
    except expat.ExpatError:  # a sheet the scan let through unparsed, read here in full
        return f"工作表“{sheet}”不是有效的 XML，工作簿已损坏"
    except Refused as refused:
        return str(refused)
    if cells.errors:
        notes.errors[sheet] = cells.errors
    outside = {
        ref: (formula, kind)
        for ref, formula in cells.shared_out()
        if (kind := reach(formula, outward))
    }
    if outside:
        notes.outside[sheet] = outside
    return None


def _may_reach_out(data: bytes) -> bool:
    """Cheap test (a few byte searches) that a formula as written in the XML may reach
    outside the workbook; only then is it decoded and matched (:data:`OUTSIDE`), which costs
    a hundred times more.  Case-insensitive, as Excel reads a formula."""
    if b"[" in data or b"|" in data or _ASCII_REFERENCE.search(data):
        return True
    lowered = data.lower()
    return any(token in lowered for token in _REACHING_OUT)


class _Cells:
    """A sheet read cell by cell with expat, every cell placed as python-calamine places it
    (:class:`Placement`): its error value and its formula's text.  Used where the scan does
    not settle a sheet, so that no way of writing a cell (attributes in another order, quotes,
    prefixes, comments or CDATA in a formula, cells without ``r``) hides an error value or a
    formula reaching out, or notes it at another cell than the one read."""

    def __init__(self, sheet: str) -> None:
        self.placement = Placement(sheet)
        self.ref = ""
        self.error = False
        self.reading: str | None = None
        self.pieces: list[str] = []
        self.errors: dict[str, str] = {}
        self.formulas: list[tuple[str, str]] = []
        self.group: str | None = None
        """The shared-formula group (``si``) of the formula being read."""
        self.groups: dict[str, str] = {}
        """Shared-formula group → the text its first cell writes."""
        self.members: list[tuple[str, str]] = []
        """(cell, group) of every cell in a shared-formula group."""
        self.spread: str | None = None
        """The range an array formula (or a data table) being read fills."""
        self.arrays: list[tuple[str, str]] = []
        """(range, formula) of every array formula and data table."""

    def shared_out(self) -> list[tuple[str, str]]:
        """Every cell's formula; a shared-formula group's cells with the text its first cell
        writes (Excel fills a formula down so: ``<f t="shared" si="0"/>`` on every cell
        below), every cell an array formula fills with its formula (a review hid WEBSERVICE
        both ways: the formula is written on one cell only).  An array's cells are taken
        within A1:AZ999, where a template's inputs are, up to :data:`SPREAD_CELLS` a sheet."""
        found = self.formulas + [
            (ref, self.groups[group]) for ref, group in self.members if group in self.groups
        ]
        room = SPREAD_CELLS
        for spread, formula in self.arrays:
            if room <= 0:
                break
            for ref in _cells_of(spread, room):
                found.append((ref, formula))
                room -= 1
        return found

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = local_name(tag)
        placed = self.placement.start(local, attributes)
        if placed is not None:
            self.ref = a1(max(placed[0], 1), placed[1])
            self.error = attributes.get("t", "").strip() == "e"
            if self.error:
                self.errors[self.ref] = "#N/A"  # unless its value says which
        elif local in ("f", "v") and self.ref:
            self.reading, self.pieces = local, []
            if local == "f":
                kind = attributes.get("t", "").strip()
                shared = kind == "shared" and attributes.get("si")
                self.group = _group(attributes["si"]) if shared else None
                if self.group is not None:
                    self.members.append((self.ref, self.group))
                spread = kind in ("array", "dataTable") and attributes.get("ref")
                self.spread = attributes["ref"] if spread else None

    def text(self, data: str) -> None:
        if self.reading:
            self.pieces.append(data)

    def end(self, tag: str) -> None:
        local = local_name(tag)
        self.placement.end(local)
        if local == "c":
            self.ref, self.reading = "", None
        elif local == self.reading:
            written = "".join(self.pieces)
            if local == "f":
                self.formulas.append((self.ref, written))
                if self.group is not None and written.strip():
                    self.groups.setdefault(self.group, written)
                if self.spread:
                    self.arrays.append((self.spread, written))
            elif self.error and 1 <= len(written) <= 20:
                self.errors[self.ref] = written
            self.reading = None


SPREAD_CELLS = 100_000
"""The most cells of array formulas a sheet's notes take (a range may span a whole sheet)."""


def _group(written: str) -> str:
    """A shared-formula group as a number reads it (``00`` and ``+0`` are group 0, as
    LibreOffice reads them)."""
    text = written.strip().lstrip("+")
    return str(int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else text


def _cells_of(spread: str, room: int) -> list[str]:
    """The cells of a range (``A15:B15``) within A1:AZ999, at most ``room`` of them."""
    corners = [CELL_REF.match(corner.strip()) for corner in spread.split(":", 1)]
    if not all(corners) or room <= 0:
        return []
    (first_row, first_column), (last_row, last_column) = [
        (int(m.group(2)), letters_column(m.group(1))) for m in corners if m is not None
    ] * (2 if len(corners) == 1 else 1)
    rows = range(max(first_row, 1), min(last_row, 999) + 1)
    columns = range(max(first_column, 1), min(last_column, 52) + 1)
    return list(islice((a1(row, column) for row in rows for column in columns), room))


_REFERENCE = re.compile(rb"&(?:#([0-9]+)|#[xX]([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));")
"""A character reference (any number of leading zeros: ``&#x00000057;`` is ``W``) or one of
XML's five named entities."""
_NAMED = {b"amp": "&", b"lt": "<", b"gt": ">", b"quot": '"', b"apos": "'"}


def unescaped(written: bytes) -> str:
    """A formula's text as written in the XML (no tags in it: the scan took only such texts)
    as XML reads it: character references and the five named entities replaced."""
    text = written.decode("utf-8", "replace")
    if "&" not in text:
        return text
    pieces, last = [], 0
    for match in _REFERENCE.finditer(written):
        pieces.append(written[last : match.start()].decode("utf-8", "replace"))
        decimal, hexadecimal, name = match.groups()
        if name:
            pieces.append(_NAMED[name])
        else:
            digits = (decimal or hexadecimal).lstrip(b"0") or b"0"
            code = int(digits, 10 if decimal else 16) if len(digits) <= 7 else -1
            pieces.append(chr(code) if 0 <= code <= 0x10FFFF else "\ufffd")
        last = match.end()
    pieces.append(written[last:].decode("utf-8", "replace"))
    return "".join(pieces)


def reach(formula: str, outward: Outward | None = None) -> str | None:
    """What ``formula`` reaches outside the workbook with (:data:`OUTSIDE`, or a defined name
    in ``outward``), or None; a few substring tests first, as the patterns cost a hundred
    times more.  A link (:data:`LINK`) only when nothing else reaches out."""
    lowered = formula.lower()
    kind = None
    if "[" in formula or "|" in formula or any(word in lowered for word in _REACHING_WORDS):
        # a text ("|", "[提示]请填写!") is no reference, unless INDIRECT makes one of it
        code = formula if "indirect" in lowered else _TEXT.sub(_emptied, formula)
        kind = next((kind for kind, pattern in OUTSIDE if pattern.search(code)), None)
        if kind is not None and kind != LINK:
            return kind
    named = outward.reach(formula) if outward else None
    return named if named is not None and named != LINK else kind or named


_WHOLE_LINK = re.compile(
    r'\s*=?\s*(?:_xlfn\.)?HYPERLINK\s*(\()\s*"((?:[^"]|"")*)"\s*[,)]', re.IGNORECASE
)
"""A formula that opens with a HYPERLINK whose address is written as one text."""
_BRACKETS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|[()]')
"""What counts when matching brackets: a text or a quoted sheet name (either may hold a
bracket), and the brackets themselves."""


def link_address(formula: str) -> str | None:
    """Where ``formula`` links outside the workbook, when it is one HYPERLINK whose address is
    written as one text (``HYPERLINK("http://…","说明")``: ``http://…``); None otherwise, and
    the message then shows the formula.  Only the whole formula: a review hid the address
    that counts behind another one in a branch never taken (``CHOOSE(2,HYPERLINK("https://
    www.mof.gov.cn/"),HYPERLINK("http://evil.example/x.exe"))`` named the ministry), so an
    address is named only when nothing else in the formula can choose another.  ``#`` stays
    in the workbook (None, as :data:`OUTSIDE` passes it over).  Linear: one pass over the
    formula's texts and brackets."""
    opened = _WHOLE_LINK.match(formula)
    if opened is None:
        return None
    address = opened.group(2).replace('""', '"')
    if address.startswith("#") or not _closes_at_end(formula, opened.start(1)):
        return None
    return address


def _closes_at_end(formula: str, opening: int) -> bool:
    """Whether the bracket at ``opening`` closes at the formula's end (only blanks after)."""
    depth = 0
    for token in _BRACKETS.finditer(formula, opening):
        bracket = token.group(0)
        if bracket == "(":
            depth += 1
        elif bracket == ")":
            depth -= 1
            if depth == 0:
                return not formula[token.end() :].strip()
    return False


_TEXT = re.compile(r'"(?:[^"]|"")*"')
"""A text in a formula (``""`` is a quote inside it)."""


def _emptied(text: re.Match[str]) -> str:
    """A formula's text emptied, but for the ``#`` a link within the workbook starts with."""
    return '"#"' if text.group(0).startswith('"#') else '""'
