"""What the texts of a workbook's cells cost a reader, for the package guard: python-calamine
copies a shared string into every cell taking it and its values into Python strings, and aborts
the process when an allocation fails (issue #15's hostile reviews).  :class:`StringUse` adds up
each sheet's own texts and every shared-string copy against :data:`MAX_STRING_BYTES`."""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from jixiao.readers.xmlparts import Refused, local_name, parse_xml

MAX_STRING_BYTES = 512 * 1024 * 1024
"""What the texts of a workbook's cells may take in a reader's memory.  python-calamine copies
a shared string into every cell that takes it, and its values into Python strings: a review
made one 32,767-character text (Excel's own cell limit) taken by 12,012 cells, in a 131 KB
file, abort the reader; another, 60 MB inline texts starting with an emoji (a Python string
of 4 bytes a character)."""
SMALLEST_STRING_CELL = 26
"""The fewest bytes a plainly written cell taking a shared string is written in, and some
(``<c r="A1" t="s"><v>0</v></c>``: 28)."""
TEXT_FACTOR = 5
"""What a text costs a reader for each byte it is written in, at most: a UTF-8 copy (up to
1.5 bytes, from UTF-16) and a Python string (up to 4 bytes a character)."""
ENTRY_COST = 24
"""What a reader holds for each entry of a shared-strings table, empty or not."""
_STRING_INDEX = re.compile(rb'<c [^<>]*?\bt="s"[^<>]*><v>([0-9]{1,9})</v></c>')
"""A plainly written shared-string cell holding one value and nothing else, and the string it
takes (a reader takes a cell's last value: a review paired a costly cell with its first).
Anchored at the cell's tag: from each ``t="s"`` in a long text it took quadratic time."""
_STRING_MARKS = re.compile(rb"<(/?)si[\s/>]")
"""Where each string of a table opens and closes."""
_LESS_IN_VALUE = re.compile(rb"=\s*(?:\"[^\"]*<|'[^']*<)")
"""A quoted attribute value holding ``<`` (python-calamine's XML reader takes it as text)."""


class StringUse:
    """What the texts of a workbook's cells cost a reader: each sheet's own texts (at most
    its bytes, :data:`TEXT_FACTOR` each), and the shared strings every cell taking one holds a
    copy of.  The shared strings in three steps, each only when the one before cannot tell:
    (1) every such cell taking the whole table (no parsing: a workbook written by jixiao has
    no table, a small one passes here); (2) every such cell taking the longest string; (3)
    each plainly written cell taking its own string (the parts read again from the package),
    the others the longest.  Before (2), without parsing, every such cell taking the most
    bytes any string of a plainly written table is written in (:func:`_longest_written`: what
    Excel and LibreOffice write passes there; parsing a table of a few thousand strings costs
    more than reading the workbook's sheets).  A plainly written sheet's cells are counted
    by its bytes (:data:`SMALLEST_STRING_CELL`), exactly only in (3).  And the cells holding
    something, all sheets together."""

    def __init__(self) -> None:
        self.tables: list[zipfile.ZipInfo] = []
        self.cells = 0
        self.taking: list[tuple[zipfile.ZipInfo, int, bool]] = []
        """The sheets with cells taking shared strings: how many, plainly written or not."""
        self.own = 0
        """What the sheets' own texts cost at most."""

    def add(
        self, info: zipfile.ZipInfo, shared: bool, strings: int, plain: bool, size: int
    ) -> None:
        """A part measured: a shared-strings table or not; its cells taking shared strings
        (counted, or bounded when ``plain``), its bytes (a worksheet's)."""
        if shared:
            self.tables.append(info)
        self.cells += strings
        self.own += TEXT_FACTOR * size
        if strings:
            self.taking.append((info, strings, plain))

    def reason(self, archive: zipfile.ZipFile) -> str | None:
        table = sum(info.file_size for info in self.tables)
        base = self.own + ENTRY_COST * (table // 5)  # (an entry takes 5 bytes at least: <si/>)
        if base + self.cells * 2 * TEXT_FACTOR * table <= MAX_STRING_BYTES:
            return None  # (2 * TEXT_FACTOR: the cell's copy in the reader and in Python)
        total = base
        if self.tables and self.cells:
            tables = [archive.read(info) for info in self.tables]  # (each unpacked once)
            written = [_longest_written(table) for table in tables]
            if None not in written:
                longest = TEXT_FACTOR * max(size or 0 for size in written)
                if base + self.cells * longest <= MAX_STRING_BYTES:
                    return None
            found = string_costs(tables)
            if found is None:
                return "共享字符串表不是有效的 XML，工作簿已损坏"
            costs, exact = found
            longest = max(costs, default=0)
            total = base + self.cells * longest
            if total > MAX_STRING_BYTES and exact:
                total = base
                for info, count, plain in self.taking:
                    data = archive.read(info)
                    taken = _taken(data, plain)
                    count = data.count(b't="s"') if plain else count  # (counted by bytes)
                    total += sum(costs[i] if 0 <= i < len(costs) else longest for i in taken)
                    total += max(count - len(taken), 0) * longest
        if total <= MAX_STRING_BYTES:
            return None
        size = total // (1024 * 1024)
        return (
            f"工作簿中单元格的文字合计约 {size:,} MB（文字过长，或同一段长文字被大量单元格引用），"
            "读取会耗尽内存：请删除多余的长文字后重新报送"
        )


def takes_string(attributes: dict[str, str]) -> bool:
    """Whether a cell's attributes say it takes a shared string (``t="s"``, whatever prefix
    the ``t`` carries)."""
    return any(local_name(key) == "t" and value.strip() == "s" for key, value in attributes.items())


def _longest_written(table: bytes) -> int | None:
    """The most bytes any string of a shared-strings table is written in, when the table is
    written plainly (its root ``<sst …>`` unprefixed, no comment, CDATA, processing
    instruction, namespace declaration or quoted ``<`` after it, and its strings opened and
    closed in turn): then each string's text lies between two ``</si>``; None otherwise (the
    table is then parsed: a reader reads past a ``</si>`` inside a text)."""
    start = table.find(b"<sst")
    end = table.find(b">", start)
    if start < 0 or end < 0:
        return None
    body = table[end:]
    if b"<!" in table or b"<?" in body or b"xmlns" in body or _LESS_IN_VALUE.search(body):
        return None
    marks = _STRING_MARKS.findall(body)
    if b"".join(mark or b"o" for mark in marks) != b"o/" * (len(marks) // 2):
        return None  # a string opened twice (a reader reads past a </si> inside a <t>) or so
    return max(map(len, body.split(b"</si>")))


def _taken(data: bytes, plain: bool) -> list[int]:
    """The string each shared-string cell of a sheet takes (-1: not known), as a reader takes
    it (its last value); a plainly written sheet by one regex pass, any other cell by cell."""
    if plain:
        return [int(index) for index in _STRING_INDEX.findall(data)]
    cells = _StringCells()
    try:
        parse_xml(data, cells.start, end=cells.end, text=cells.text, buffered=False)
    except (expat.ExpatError, Refused):
        return []  # (measured already: every cell counted at the longest)
    return cells.taken


class _StringCells:
    """The shared-string cells of a sheet not plainly written, and the string each takes: known
    only when its last value is one run of ASCII digits (python-calamine takes a value's first
    piece of text and falls back to the first string when it is no number: a review paired
    ``<v> 1</v>`` and ``<v>1&#48;</v>`` with other strings than calamine did)."""

    def __init__(self) -> None:
        self.taken: list[int] = []
        self.cell = False
        self.value: list[str] | None = None
        self.last = ""
        self.pieces = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = local_name(tag)
        if local == "c":
            self.cell = takes_string(attributes)
            self.last = ""
        elif local == "v" and self.cell:
            self.value = []
            self.pieces = 0

    def text(self, data: str) -> None:
        if self.value is not None:
            self.value.append(data)
            self.pieces += 1

    def end(self, tag: str) -> None:
        local = local_name(tag)
        if local == "v" and self.value is not None:
            self.last = "".join(self.value) if self.pieces == 1 else ""
            self.value = None
        elif local == "c" and self.cell:
            written = self.last
            known = written.isascii() and written.isdigit() and len(written) <= 9
            self.taken.append(int(written) if known else -1)
            self.cell = False


def string_costs(tables: list[bytes]) -> tuple[list[int], bool] | None:
    """What each shared string costs a reader (its UTF-8 copy and its Python string), the
    largest of each position over the tables; and whether the positions can be trusted (not
    when a string is nested in another: a reader may count it apart).  Read as UTF-8 whatever
    the table declares, as python-calamine reads it (a review declared Latin-1 to make an
    emoji look like four narrow characters).  None when a table is not such XML."""
    costs: list[int] = []
    exact = True
    for written in tables:
        table = _StringTable()
        try:
            parse_xml(written, table.start, end=table.end, text=table.text, utf8=True)
        except (expat.ExpatError, Refused):
            return None
        exact = exact and not table.nested
        for position, cost in enumerate(table.costs):  # in place: many tables stay linear
            if position < len(costs):
                costs[position] = max(costs[position], cost)
            else:
                costs.append(cost)
    return costs, exact


class _StringTable:
    """The strings of a shared-strings table (every ``si``, all its text), as their costs."""

    def __init__(self) -> None:
        self.costs: list[int] = []
        self.depth = 0
        self.nested = False
        self.pieces: list[str] = []

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if local_name(tag) == "si":
            self.nested = self.nested or self.depth > 0
            self.depth += 1

    def text(self, data: str) -> None:
        if self.depth:
            self.pieces.append(data)

    def end(self, tag: str) -> None:
        if local_name(tag) == "si" and self.depth:
            self.depth -= 1
            if not self.depth:
                text, self.pieces = "".join(self.pieces), []
                widest = max(map(ord, text), default=0)
                width = 4 if widest > 0xFFFF else 2 if widest > 0xFF else 1
                self.costs.append(len(text.encode("utf-8", "surrogatepass")) + width * len(text))


MAX_STRINGS = 1_000_000
"""Entries a shared-strings table may declare: python-calamine reserves room for its
``uniqueCount`` before reading one (ten billion aborted the process; a template has a few
thousand)."""


def strings_counted(attributes: dict[str, str]) -> None:
    """``uniqueCount`` within :data:`MAX_STRINGS` (``count`` is every cell taking a string: a
    genuine list of a million cells has one over a million, a review found it refused)."""
    for name in ("uniqueCount",):
        written = attributes.get(name, "0").strip()
        if (
            not (written.isascii() and written.isdigit())
            or len(written) > 9
            or int(written) > MAX_STRINGS
        ):
            raise Refused(
                f"共享字符串表声明的条目数“{written[:20]}”异常，不是正常的工作簿："
                "请在 Excel/WPS 中打开后另存为 .xlsx 再报送"
            )
