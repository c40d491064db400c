"""The package guard's one regex pass over a worksheet (:func:`plain_scan`): a sheet whose every
row and cell tag is written plainly within A1:AZ999 (what genuine templates are) is settled
without expat, and the texts of its formulas are handed to the cell notes."""

from __future__ import annotations

import re

from jixiao.readers.xmlparts import PREFIX

_NEAR = rb'r="(?:A?[A-Z])?[0-9]{1,3}"'
"""A cell or row within A1:AZ999, written as Excel, WPS, LibreOffice and openpyxl write it
(jixiao's own sheets reach AY86)."""
NEAR_CELLS = 52 * 999
"""What a sheet the scan settles counts against :data:`MAX_BOOK_CELLS` (the most it holds)."""
_ATTRIBUTE_NAMES = (
    rb"(?:s|cm|vm|ph|spans|ht|hidden|customHeight|customFormat|outlineLevel|collapsed"
    rb"|thickTop|thickBot|x14ac:dyDescent)"
)
"""The attributes besides ``r`` and ``t`` that Excel, WPS, LibreOffice, openpyxl and
XlsxWriter write on rows and cells."""
_ATTRIBUTES = rb"(?: (?:" + _ATTRIBUTE_NAMES + rb'|t)="[^"<>]*")*\s*/?>'
"""The rest of a plainly written row or cell tag: known attributes after one space each, in
double quotes holding no ``<`` or ``>``, up to the tag's end.  Never another ``r``: a
spreadsheet reader takes a tag's last ``r``, so a second one would place the cell elsewhere
(a review put a cell at XFD1048576 so); anything else is measured by expat, which refuses a
repeated attribute."""
_ATTRIBUTES_NO_ERROR = rb"(?: (?:" + _ATTRIBUTE_NAMES + rb'="[^"<>]*"|t="[^"e<>][^"<>]*"))*\s*/?>'
"""The same, and no ``t="e…"``: the cell holds no error value."""
_NOT_PLAIN = re.compile(
    rb"<(?:" + PREFIX + rb"|(?:row|c)(?:[\t\n\r/>]| (?!" + _NEAR + _ATTRIBUTES + rb")))"
)
"""A namespace-prefixed tag, or a row or cell tag not written plainly within A1:AZ999 (one
pass over the part: the two tests used to be two)."""
_NEAR_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,2}[0-9]{1,4}:)?(?:A?[A-Z])?[0-9]{1,3}"')
_SCAN = re.compile(
    rb"<(?:"
    + PREFIX
    + rb"|(?:row|c)(?:[\t\n\r/>]| (?!"
    + _NEAR
    + _ATTRIBUTES_NO_ERROR
    + rb"))|(f)\b[^<>]*(?<!/)>([^<]*)</f>|f\b(?![^<>]*/>))"
)
"""One pass over a worksheet for what the guard and the notes look for.  Groups 1 and 2: a
formula and its text, when the text holds no tag (no ``<``: nothing is passed over).  Any
other match is something the scan does not settle: a tag :data:`_NOT_PLAIN` finds, a plain
cell tag holding an error value (``t="e"``), or a formula whose text holds a tag (a comment,
a CDATA section).  Every repetition stops at the next ``<``: the scan is linear in the part
(a review found ``[^>]*`` quadratic over many unclosed ``<f`` tags)."""


def plain_scan(data: bytes) -> list[bytes] | None:
    """The texts of a worksheet's formulas (as written in the XML), when every row and cell
    tag is written plainly within A1:AZ999 (what genuine templates are) and no cell holds an
    error value; None otherwise (the sheet is then measured by :func:`near` or expat, and its
    notes read cell by cell: :class:`_Cells`).  One regex pass instead of three (issue #15:
    they were a third of the guard's time)."""
    found = _SCAN.findall(data)
    if not all(mark for mark, _ in found):
        return None
    if b"<dimension" in data and _NEAR_DIMENSION.search(data) is None:
        return None
    return [text for _, text in found]


def near(data: bytes) -> bool:
    """True when every row and cell tag is written plainly and lies within A1:AZ999 (two
    regex passes: what genuine templates are); anything else is measured by expat."""
    if _NOT_PLAIN.search(data):
        return False
    return b"<dimension" not in data or _NEAR_DIMENSION.search(data) is not None
