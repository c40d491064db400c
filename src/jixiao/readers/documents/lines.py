"""The common shape every document is read into before it is understood: prose and table rows.

Converters flatten the published tables in different ways (a tab-separated row per line, or one
cell per line with a leading tab and blank lines between rows); .docx tables are read directly.
All of them become a list of :class:`Block`: a prose line, or a row of cells, each cell keeping
the 1-based line (or docx ordinal) it came from, so every imported value can point back at it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from jixiao.values import strip_markup

MAX_LINE_CHARS = 20_000
"""Longer lines are cut: no real table cell is that long, and it bounds the regex work."""

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS = re.compile(
    r"(?<![*≥≤<>=＞＜＝≧≦])\*\*(?=[^\s*])(?P<star>[^*\n]+?)(?<=[^\s*])\*\*(?!\*)"
    r"|(?<![\w_])__(?=[^\s_])(?P<line>[^_\n]+?)(?<=[^\s_])__(?![\w_])"
)
"""Markdown emphasis: a pair of ``**`` (or ``__``, not inside a word) hugging non-space text
(``**一、总体绩效目标**``).  A ``**`` on its own is text: a template's placeholder
(``( ≥**个 )``); so is one right after a comparison symbol, ``(≥**人)和(≥**%)`` holding two
placeholders, not an emphasised ``人)和(≥``."""
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}（）“”、])[ \u3000]+(?=[{_CJK}（）“”、])")
TITLE = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(.+?)\s*绩效目标表\s*$")
"""``N.<项目名称>绩效目标表``: the title line above each project table."""
_PAGE_ARTEFACT = re.compile(
    r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d{1,3}|-{3,}[\s\-]*)\s*$"
)


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell as written, and the line it came from."""

    text: str
    line: int


@dataclass(slots=True)
class Block:
    """A prose line (``cells`` empty) or a table row (``cells`` set)."""

    line: int
    text: str = ""
    cells: list[Cell] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        """True for a table row."""
        return bool(self.cells)


def clean(text: str, *, markdown: bool = True) -> str:
    """Strip converter residue (bookmarks, HTML tags) from a line, and with ``markdown`` the
    Markdown a converter may have written (``#`` headings, emphasis: :data:`_EMPHASIS`).
    The text of a .docx is Word's own, which has no Markdown: its ``**`` and ``#`` are text."""
    text = _BOOKMARK.sub("", text[:MAX_LINE_CHARS])
    text = _HTML_TAG.sub("", text)
    if markdown:
        text = _HEADING.sub("", text)
        text = _EMPHASIS.sub(lambda m: m.group("star") or m.group("line"), text)
    return text.replace("\xa0", " ")


_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_RESIDUE = re.compile(r"\$[^$\n]{1,60}\$|\\[a-zA-Z]+\s*|\\[%,; ]|" + _ENTITY.pattern)
"""A LaTeX formula, command or escape, or an HTML entity, left in the text by a converter."""


def strip_residue(text: str) -> str:
    """A cell's text without LaTeX and HTML residue (``$\\geq 85\\%$ 为优`` → ``≥85% 为优``,
    ``&ge;90%`` → ``≥90%``), otherwise as written."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    return strip_markup(text) if ("\\" in text or "$" in text) else text


def residue_in(text: str) -> list[tuple[str, str]]:
    """Each piece of residue in ``text`` and what it becomes: ``[("$\\geq 85\\%$", "≥85%")]``."""
    pieces = []
    for match in _RESIDUE.finditer(text):
        raw = match.group().strip()
        clean = strip_residue(raw).strip()
        if clean != raw:
            pieces.append((raw, clean))
    return pieces


_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?\|?\s*$")


def from_pipe_table(line: str) -> str:
    """Markdown converters write tables as ``| a | b |`` rows: make them tab-separated rows
    like the other extractions (the ``|---|`` rule line becomes blank)."""
    if _PIPE_RULE.match(line):
        return ""
    row = _PIPE_ROW.match(line)
    return "\t".join(cell.strip() for cell in row.group(1).split("|")) if row else line


_HTML_CELL_END = re.compile(r"\s*</t[dh]>\s*", re.IGNORECASE)
_HTML_ROW_END = re.compile(r"\s*</tr>\s*", re.IGNORECASE)
_HTML_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def from_html_tables(text: str) -> str:
    """HTML converters write ``<tr><td>a</td><td>b</td></tr>``: cells become tab-separated,
    rows become lines (the remaining tags are stripped line by line like any residue)."""
    if "<t" not in text.lower():
        return text
    text = _HTML_LINE_BREAK.sub(" ", text)
    text = _HTML_CELL_END.sub("\t", text)
    return _HTML_ROW_END.sub("\n", text)


def tidy(text: str) -> str:
    """A cell's text with line-wrap spaces between Chinese characters removed, ends stripped."""
    return _CJK_GAP.sub("", text.strip())


def label(text: str) -> str:
    """A label for comparison: every space removed (``资金支出计 划`` → ``资金支出计划``)."""
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").replace(":", "：")


def is_artefact(text: str) -> bool:
    """A page number or a separator line that a page break left in the text."""
    return bool(_PAGE_ARTEFACT.match(text))


def source_lines(text: str) -> list[str]:
    """A text extraction's lines as the reader numbers them (HTML table rows one a line),
    converter residue and Markdown removed (:func:`clean`), not yet tidied."""
    return [clean(raw) for raw in from_html_tables(text).splitlines()]


def blocks_from_text(text: str) -> list[Block]:
    """Read a text extraction into prose lines and rows (see the module docstring)."""
    return blocks_from_lines(source_lines(text))


def blocks_from_lines(source: list[str]) -> list[Block]:
    """The blocks of a text extraction's :func:`source_lines`."""
    blocks: list[Block] = []
    group: Block | None = None  # the one-cell-per-line row being collected
    last_cell_line = -1
    lines = [from_pipe_table(line) for line in source]
    per_line = _one_cell_per_line(lines)
    for number, line in enumerate(lines, start=1):
        parts = line.split("\t")
        filled = [p for p in parts if p.strip()]
        if not parts[0].strip() and len(parts) > 1 and (len(parts) == 2 or per_line):
            if len(filled) > 1:  # one cell per line, yet several cells here: a row
                group = None
                blocks.append(Block(number, cells=[Cell(tidy(p), number) for p in parts]))
                continue
            if group is None:
                group = Block(number)
                blocks.append(group)
            group.cells.append(Cell(tidy(filled[0] if filled else ""), number))
            last_cell_line = number
            continue
        if not line.strip():
            group = None
            continue
        wraps = "\t" not in line and not TITLE.match(line)
        if group is not None and last_cell_line == number - 1 and wraps:
            _continue_cell(group, line, number)  # a cell whose text wraps onto a new line
            last_cell_line = number
            continue
        group = None
        if "\t" in line:
            blocks.append(Block(number, cells=[Cell(tidy(p), number) for p in parts]))
        else:
            blocks.append(Block(number, text=tidy(line)))
    return blocks


def _one_cell_per_line(lines: list[str]) -> bool:
    """Whether the converter wrote one cell per line (a leading tab, nothing else filled)
    rather than one row per line; a trailing tab then does not make a line a row."""
    single = several = 0
    for line in lines:
        filled = sum(1 for part in line.split("\t") if part.strip())
        if line.startswith("\t") and filled <= 1:
            single += 1
        elif "\t" in line and filled > 1:
            several += 1
    return single > several


def _continue_cell(group: Block, line: str, number: int) -> None:
    last = group.cells[-1]
    group.cells[-1] = Cell(f"{last.text}\n{tidy(line)}" if last.text else tidy(line), last.line)
