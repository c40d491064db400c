"""What a printed page shows, from ``pdftotext -bbox-layout`` (poppler): text lines with their
boxes, and the checks a clerk makes by eye — nothing printed over anything else, nothing off the
page.

Two text lines overlap when their boxes share more than a sliver of area: a wrapped cell whose
row is too low draws its last lines over the row below (LibreOffice), which is exactly that.
Lines of neighbouring cells on one row touch at most at their edges.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_LINE = re.compile(
    r'<line xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</line>',
    re.S,
)
_WORD = re.compile(r"<word[^>]*>(.*?)</word>", re.S)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as the PDF draws it (points, origin top left)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlap(self, other: Line) -> float:
        """The area both boxes cover."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width * height if width > 0 and height > 0 else 0.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def pages(pdf: Path) -> list[Page]:
    """Every page with its text lines."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out: list[Page] = []
    chunks = xml.split("<page ")[1:]
    for number, chunk in enumerate(chunks, start=1):
        size = _PAGE.match("<page " + chunk)
        assert size is not None
        lines = [
            Line(
                number,
                float(x0),
                float(y0),
                float(x1),
                float(y1),
                " ".join(html.unescape(w) for w in _WORD.findall(body)),
            )
            for x0, y0, x1, y1, body in _LINE.findall(chunk)
        ]
        out.append(Page(number, float(size.group(1)), float(size.group(2)), lines))
    return out


def raw_text(pdf: Path, page: int) -> str:
    """A page's text in drawing order (cell by cell), every space and line break removed: a
    wrapped cell reads as one run, whatever the layout of the lines around it."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "".join(text.split())


def overprinted(page: Page, tolerance: float = 0.15) -> list[tuple[Line, Line]]:
    """Pairs of lines drawn over each other: their boxes share more than ``tolerance`` of the
    smaller one's height, over more than two points of width."""
    found = []
    lines = sorted(page.lines, key=lambda line: line.y0)
    for i, line in enumerate(lines):
        for other in lines[i + 1 :]:
            if other.y0 >= line.y1:
                break
            shared = min(line.y1, other.y1) - max(line.y0, other.y0)
            wide = min(line.x1, other.x1) - max(line.x0, other.x0)
            if wide > 2 and shared > tolerance * min(line.height, other.height):
                found.append((line, other))
    return found


def off_page(page: Page) -> list[Line]:
    """Lines that do not lie wholly on the page."""
    return [
        line
        for line in page.lines
        if line.x0 < 0 or line.y0 < 0 or line.x1 > page.width or line.y1 > page.height
    ]


def problems(pdf: Path) -> list[str]:
    """Every overprint and every line off its page, described for an assertion message."""
    said = []
    for page in pages(pdf):
        said += [f"p{page.number}: {a.text!r} over {b.text!r}" for a, b in overprinted(page)]
        said += [f"p{page.number}: off the page: {line.text!r}" for line in off_page(page)]
    return said
