"""How much room a text takes in a spreadsheet cell: its wrapped lines and the row height.

Spreadsheet engines do not grow a row whose height is stored, nor a row of merged cells, and
none of them grows rows when it opens a file: a workbook that is written with wrapped text must
carry row heights that fit that text, or the text overprints the next row.  Nothing here needs
the fonts: a character's width is estimated from its class (CJK and the symbols CJK fonts draw
full width — ``≥ “ ” — …`` — are one em, everything else a generous half em), the column's width
in the narrowest engine's geometry (Excel's: one unit of width is the 7-pixel digit of the
workbook's Calibri 11, i.e. 5.25 pt; LibreOffice without Calibri draws columns wider), and a
line's height from the font size.  Every estimate errs on the side of one line too many: a
little white space is harmless, overprinted text is not.

Pure: no spreadsheet library, usable by the template builder, the filler and the summary.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import unicodedata
from collections.abc import Iterable

POINTS_PER_WIDTH = 5.25
"""One unit of column width, in points (Excel: the 7-pixel digit of Calibri 11 at 96 dpi)."""
CELL_MARGIN = 4.0
"""Points of a cell's width that text never uses (left and right margins, the grid line)."""
FILL = 0.97
"""Share of the remaining width a line is counted to fill: engines break earlier than an
exact sum of widths (kerning of Latin text, punctuation that may not start a line)."""
LATIN_EM = 0.58
"""Width of a Latin letter or digit in ems: SimSun's are 0.5, proportional fallback fonts
(WenQuanYi, Noto Sans CJK) draw digits and capitals wider."""
LINE_EM = 1.32
"""Height of one line in font sizes (SimSun in Excel: 14.25 pt at 11 pt; LibreOffice's
fallback CJK fonts: 1.22)."""
ROW_PADDING = 1.0
"""Points above and below the lines of a row."""
MIN_ROW = 15.0
"""No row is made lower than the engines' default for an 11 pt CJK font."""

_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’%％…·.,;:?!)]}")
"""Characters the engines keep on the line before them (they never start a line)."""


@functools.lru_cache(maxsize=1 << 13)  # a few thousand distinct characters: ~2× faster wrapping
def char_em(ch: str) -> float:
    """The width of one character in ems (of the cell's font size)."""
    if ch in "\t":
        return 2.0
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Mn"):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    return LATIN_EM


def text_em(text: str) -> float:
    """The width of a single line of text in ems."""
    return sum(char_em(ch) for ch in text)


def column_points(widths: Iterable[float]) -> float:
    """The width text may use in a cell spanning columns of these widths (units), in points."""
    total = sum(widths) * POINTS_PER_WIDTH
    return max(0.0, (total - CELL_MARGIN) * FILL)


def _tokens(paragraph: str) -> list[str]:
    """Pieces a line is broken between: one CJK character (with the punctuation that may not
    start a line after it), a run of Latin letters and digits (a word), or a space."""
    tokens: list[str] = []
    for ch in paragraph:
        if tokens and _joins(tokens[-1], ch):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def _joins(token: str, ch: str) -> bool:
    """Whether ``ch`` stays on the same line as the token before it."""
    if ch in _NO_LINE_START:
        return True
    last = token[-1]
    latin = char_em(ch) < 1 and not ch.isspace()
    return latin and char_em(last) < 1 and not last.isspace() and last not in _NO_LINE_START


def wrap(text: str, points: float, size: float) -> list[str]:
    """The lines a cell ``points`` wide shows ``text`` in, at font ``size`` (pt): explicit
    line breaks kept, then greedy filling; a word longer than a line is cut, as engines do."""
    room = points / size  # in ems
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line, used = "", 0.0
        for token in _tokens(paragraph):
            width = text_em(token)
            if used + width <= room:
                line, used = line + token, used + width
                continue
            if line:
                lines.append(line.rstrip())
                line, used = "", 0.0
                token = token.lstrip()
                width = text_em(token)
            if width <= room:
                line, used = token, width
                continue
            for ch in token:  # a word wider than the cell is cut, as the engines do
                if used + char_em(ch) > room and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + char_em(ch)
        lines.append(line)
    return lines


def line_count(text: str, points: float, size: float) -> int:
    """How many lines ``text`` takes in a cell ``points`` wide at font ``size``: as many as
    :func:`wrap` gives, counted without building them.

    **Why (issue #15).**  The summary measures every distinct long text it writes (~6,500 at
    100 × 30, ~40 µs each through :func:`wrap`: 12 % of a cached re-run; ~650,000 at a
    province's scale).  Here a paragraph's widths are one running sum (``map`` and
    ``itertools.accumulate``), each line's end is found by bisection, and only the few
    characters around a break are looked at to move it back to a token's start
    (:func:`_opens_token`: the same pieces as :func:`_tokens`).  The greedy rule is
    :func:`wrap`'s, step for step; only the sums differ in their last bits (a running sum
    against token by token), which could move a break only for a text ending within 1e-12 em
    of the cell's edge (``tests/test_textwidth.py`` compares the two on every text of
    the fixtures and on random mixtures).  A review (review18) could make them differ only with
    a width built to equal such a sum (``1中11中1`` in 30.139999999999997 pt: one line fewer);
    none of the summary's real column widths is one.  A margin at the edge was tried and
    dropped: it also counts exact fits (ten 中 in ten ems) on a line more."""
    if points <= 0:
        return max(1, text.count("\n") + 1)
    room = points / size
    paragraphs = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return sum(_paragraph_lines(p, room) for p in paragraphs)


class _Ems(dict[str, float]):
    """:func:`char_em` of each character met, looked up at C speed (``map(_EMS.__getitem__)``)."""

    def __missing__(self, ch: str) -> float:
        em = self[ch] = char_em(ch)
        return em


class _Classes(dict[str, str]):
    """The class of each character met: ``N`` may not start a line (:data:`_NO_LINE_START`),
    ``S`` a space, ``L`` narrower than an em (Latin letters and digits, which join one
    another), ``W`` an em wide (CJK)."""

    def __missing__(self, ch: str) -> str:
        if ch in _NO_LINE_START:
            letter = "N"
        elif ch.isspace():
            letter = "S"
        else:
            letter = "L" if char_em(ch) < 1 else "W"
        self[ch] = letter
        return letter


_EMS = _Ems()
_CLASSES = _Classes()


def _opens_token(paragraph: str, at: int) -> bool:
    """Whether a token of :func:`_tokens` starts at character ``at`` (``0 < at``): not a
    character that may not start a line, nor a narrow one after a narrow one."""
    letter = _CLASSES[paragraph[at]]
    return letter != "N" and not (letter == "L" and _CLASSES[paragraph[at - 1]] == "L")


def _paragraph_lines(paragraph: str, room: float) -> int:
    """:func:`wrap`'s lines of one paragraph (no line breaks) in ``room`` ems, counted."""
    ems = list(map(_EMS.__getitem__, paragraph))
    sums = list(itertools.accumulate(ems, initial=0.0))  # sums[i]: the width before character i
    if sums[-1] <= room:
        return 1
    size = len(paragraph)
    lines, placed, start, holds = 0, 0, 0, False  # ``placed`` characters; the line from ``start``
    while True:
        reach = bisect.bisect_right(sums, sums[start] + room, placed) - 1
        if reach >= size:  # the rest fits on this line
            break
        fit = reach  # the tokens that still fit on this line, all at once: up to a token's start
        while fit > placed and not _opens_token(paragraph, fit):
            fit -= 1
        if fit > placed:
            placed, holds = fit, True
        end = placed + 1  # the next token, which does not fit
        while end < size and not _opens_token(paragraph, end):
            end += 1
        start = placed
        if holds:  # it opens a new line, without its leading space
            lines, holds = lines + 1, False
            if _CLASSES[paragraph[start]] == "S":
                start += 1
        placed = end
        if sums[end] - sums[start] <= room:
            holds = end > start
        else:
            used = 0.0  # a word wider than the cell is cut, as the engines do
            for at in range(start, end):
                if used + ems[at] > room and holds:
                    lines, used, start = lines + 1, 0.0, at
                used += ems[at]
                holds = True
        if placed >= size:
            break
    return lines + 1


def lines_height(lines: int, size: float) -> float:
    """The row height (pt) that shows ``lines`` lines of a ``size`` pt font."""
    return max(MIN_ROW, math.ceil((lines * size * LINE_EM + 2 * ROW_PADDING) * 4) / 4)


def text_height(text: str, widths: Iterable[float], size: float) -> float:
    """The row height (pt) a wrapped cell spanning columns of ``widths`` needs for ``text``."""
    return lines_height(line_count(text, column_points(widths), size), size)


def width_for(text: str, size: float, most: float, least: float = 6.0) -> float:
    """A column width (units) that shows the longest line of ``text`` unwrapped at ``size``,
    between ``least`` and ``most`` (a longer text wraps instead)."""
    longest = max((text_em(line) for line in text.splitlines() or [""]), default=0.0)
    units = (longest * size / FILL + CELL_MARGIN) / POINTS_PER_WIDTH
    return float(min(most, max(least, math.ceil(units))))


__all__ = [
    "LINE_EM",
    "POINTS_PER_WIDTH",
    "char_em",
    "column_points",
    "line_count",
    "lines_height",
    "text_em",
    "text_height",
    "width_for",
    "wrap",
]
