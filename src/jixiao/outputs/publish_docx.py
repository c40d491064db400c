"""How the publication looks in Word: python-docx building blocks of :mod:`jixiao.outputs.publish`.

The paragraph styles (named in Chinese for Word's list; East Asian fonts named for Word and WPS
with ``w:eastAsia``: 宋体 in tables, 仿宋 for prose, 黑体 for headings), A4 pages portrait or
landscape, the ``第 X 页，共 Y 页`` footer, and the table-cell helpers both layouts use (a
cell's text and style, a header row repeated on every page, narrow cell margins).  What the
cells and paragraphs say is decided elsewhere (:mod:`jixiao.outputs.publish_texts`, the
writers).
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

LATIN = "Times New Roman"
SONG, FANGSONG, HEITI = "宋体", "仿宋", "黑体"
PAGE_FOOTER = ("第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页")

PORTRAIT = (Mm(210), Mm(297))
LANDSCAPE = (Mm(297), Mm(210))
NARROW_MARGIN_TWIPS = 57
"""Left and right cell margins of the wide table (1 mm; Word's default is 1.9 mm)."""


# ---------------------------------------------------------------- styles


class Styles:
    """The paragraph styles of the document (created once, named in Chinese for Word's list)."""

    def __init__(self, document: Any) -> None:
        normal = document.styles["Normal"]
        _fonts(normal, SONG, 10.5)
        _lang(normal)
        normal.paragraph_format.space_after = Pt(0)
        self.title = _style(document, "JX 文件标题", HEITI, 18, align="center", after=12)
        self.part = _style(document, "JX 部分标题", HEITI, 16, align="center", outline=0, after=6)
        self.heading = _style(document, "JX 一级标题", HEITI, 14, outline=1, before=6, after=3)
        self.subheading = _style(
            document, "JX 二级标题", FANGSONG, 11, bold=True, outline=2, before=3
        )
        self.body = _style(document, "JX 正文", FANGSONG, 11, indent=True, line=1.15)
        self.table_title = _style(
            document, "JX 表标题", HEITI, 14, align="center", outline=1, before=6, after=6
        )
        self.table_head = _style(document, "JX 表头", SONG, 10.5)
        self.money = _style(document, "JX 金额单位", SONG, 10.5, align="right")
        self.cell = _style(document, "JX 表格", SONG, 10.5)
        self.label = _style(document, "JX 表格标签", SONG, 10.5, bold=True, align="center")
        self.wide = _style(document, "JX 宽表", SONG, 8)
        self.wide_label = _style(document, "JX 宽表标签", SONG, 8, bold=True, align="center")
        self.spacer = _style(document, "JX 间隔", SONG, 2)
        self.footer = _style(document, "JX 页脚", SONG, 9, align="center")
        self.year = _style(document, "JX 年度", SONG, 10.5, align="center", after=3)
        self.form = _style(document, "JX 申报表指标", SONG, 9)
        self.form_label = _style(document, "JX 申报表表头", SONG, 9, bold=True, align="center")


def _fonts(style: Any, east_asia: str, size: float, bold: bool = False) -> None:
    font = style.font
    font.name = LATIN
    font.size = Pt(size)
    font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)  # Word and WPS pick CJK glyphs by this name


def _lang(style: Any) -> None:
    """Chinese line breaking (no full stop at a line's start) in Word and WPS."""
    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    properties.append(lang)


def _style(
    document: Any,
    name: str,
    east_asia: str,
    size: float,
    *,
    bold: bool = False,
    align: str | None = None,
    outline: int | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    line: float = 1.0,
) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style, east_asia, size, bold)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(before)
    paragraph.space_after = Pt(after)
    paragraph.line_spacing = line
    if align is not None:
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
    if indent:
        paragraph.first_line_indent = Pt(size * 2)  # two characters, as official prose has
    if outline is not None:  # Word's navigation pane and table of contents see the headings
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(level)
    return style


# ---------------------------------------------------------------- pages and cells


def page(section: Any, size: tuple[Any, Any], margin: float = 20) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if size == LANDSCAPE else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = size
    section.left_margin = section.right_margin = Mm(margin)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(18)
    section.footer_distance = Mm(10)


def footer(section: Any, style: Any) -> None:
    """``第 X 页，共 Y 页`` in the section's footer (later sections inherit it)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.style = style
    for piece in PAGE_FOOTER:
        if piece.isupper():
            _field(paragraph, piece)
        else:
            paragraph.add_run(piece)


def _field(paragraph: Any, instruction: str) -> None:
    """A field Word, WPS and LibreOffice fill in (PAGE, NUMPAGES)."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def repeat_header(row: Any) -> None:
    """The row is repeated at the top of every page the table runs onto."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def set_cell(cell: Any, text: str, style: Any) -> None:
    """A cell's text (line breaks kept) in one paragraph of ``style``; an empty cell keeps
    its empty paragraph (merging it into another adds nothing).  A number is never broken
    across lines: one too wide for its cell is set smaller (:func:`_fit_number`)."""
    if text:
        cell.text = text
    for paragraph in cell.paragraphs:
        paragraph.style = style
    if _NUMBER.fullmatch(text):
        _fit_number(cell, text, style)


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
"""An amount, a percentage or a count as the tables print them (``1616387.84``, ``100%``)."""
DEFAULT_MARGIN_MM = 1.9
"""Word's left and right cell margin (108 twips) where a table sets none."""
SMALLEST_NUMBER_PT = 6.5
"""The smallest size a number is set at to keep it on one line (below it, it wraps)."""
_EM_MM = 25.4 / 72
"""Millimetres of one em per point of font size."""
_CHARACTER_EMS = {".": 0.32, ",": 0.32, "-": 0.34, "+": 0.84, "%": 0.95}
"""Widths in ems, of DejaVu Serif, the widest font a number is set in: where Times New Roman
is missing (Linux desks, LibreOffice without Liberation fonts) it stands in; a digit is
0.64 em (Times New Roman's are 0.5: in Word the number is then a little smaller than it
needs to be, never broken)."""
_DIGIT_EMS = 0.64


def _fit_number(cell: Any, text: str, style: Any) -> None:
    """Set a number smaller when it would not fit its cell on one line at the style's size.

    Why (review14): a 财政资金 column of 20 mm printed ``1616387.84`` as ``161638`` over
    ``7.84`` (LibreOffice's PDF; Word's layout by the same widths), which a reader can take
    for two amounts; the columns mirror the official form, so the number gives way, not the
    layout.  Widths are estimated per character, as wide as in the widest font that may stand
    in (:data:`_CHARACTER_EMS`)."""
    width = cell.width
    size = style.font.size
    if width is None or size is None:
        return
    room = width.mm - 2 * _margin_mm(cell) - 0.5  # (a little slack for rounding in layout)
    ems = sum(_CHARACTER_EMS.get(c, _DIGIT_EMS) for c in text)
    if ems * size.pt * _EM_MM <= room:
        return
    fitted = max(SMALLEST_NUMBER_PT, int(room / (ems * _EM_MM) * 2) / 2)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(fitted)


def _margin_mm(cell: Any) -> float:
    """The left (= right) cell margin of the cell's table in mm."""
    table = cell._tc.getparent().getparent()
    left = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn('w:left')}")
    if left is None:
        return DEFAULT_MARGIN_MM
    return int(left.get(qn("w:w"))) / 1440 * 25.4


def narrow_margins(table: Any) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(NARROW_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
