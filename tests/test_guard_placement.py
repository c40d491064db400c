"""The guard places every cell where python-calamine places it (a third hostile review found
cells written without ``r`` placed elsewhere: the guard saw XFD1, calamine allocated for
XFD1048576).  Random small sheets, read by python-calamine itself: the guard's extent is never
smaller than calamine's grid, and equal where every cell holds a value."""

from __future__ import annotations

import io
import zipfile

import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.a1 import a1
from jixiao.readers import part_measure, xmlparts

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def sheet(body: bytes) -> bytes:
    return f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + body + b"</sheetData></worksheet>"


def calamine_grid(body: bytes) -> tuple[int, int] | None:
    """Rows and columns python-calamine reads from A1; None when it refuses the sheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet(body))
    buffer.seek(0)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(buffer)
        rows = book.get_sheet_by_name("S").to_python(skip_empty_area=False)
    except python_calamine.CalamineError:
        return None
    return len(rows), max((len(row) for row in rows), default=0)


def guard_extent(body: bytes) -> tuple[int, int]:
    extent = part_measure._Extent("S")
    data = sheet(body)
    assert part_measure._is_sheet(data, extent)
    xmlparts.parse_xml(data, extent.start, end=extent.end)
    return extent.rows, extent.columns


HOLDING = [b"<v>1</v>", b"<f>1</f><v>2</v>", b"<is><t>x</t></is>"]
EMPTY = [b"", b"<v/>"]


@st.composite
def cells(draw: st.DrawFn, holding: bool) -> bytes:
    ref = draw(st.one_of(st.none(), st.tuples(st.integers(1, 6), st.integers(1, 6))))
    r = b"" if ref is None else b' r="' + a1(*ref).encode() + b'"'
    content = draw(st.sampled_from(HOLDING if holding else HOLDING + EMPTY))
    if not content and draw(st.booleans()):
        return b"<c" + r + b"/>"
    return b"<c" + r + b">" + content + b"</c>"


def bodies(holding: bool) -> st.SearchStrategy[bytes]:
    def rows(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
        number = st.one_of(st.just(b""), st.integers(1, 6).map(lambda n: b' r="%d"' % n))
        return st.one_of(
            number.map(lambda r: b"<row" + r + b"/>"),
            st.tuples(number, st.lists(children, max_size=4)).map(
                lambda t: b"<row" + t[0] + b">" + b"".join(t[1]) + b"</row>"
            ),
        )

    items = st.recursive(cells(holding), rows, max_leaves=12)
    return st.lists(items, max_size=5).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(bodies(holding=False))
def test_the_guard_reaches_at_least_as_far_as_calamine(body: bytes) -> None:
    grid = calamine_grid(body)
    if grid is not None:
        rows, columns = guard_extent(body)
        assert grid[0] <= max(rows, 1) and grid[1] <= max(columns, 1), (body, grid)


@settings(max_examples=200, deadline=None)
@given(bodies(holding=True))
def test_where_every_cell_holds_a_value_the_guard_sees_calamine_s_grid(body: bytes) -> None:
    grid = calamine_grid(body)
    if grid is not None and grid != (0, 0):
        assert guard_extent(body) == grid, body


def test_the_review_s_drifting_cells_are_placed_as_calamine_places_them() -> None:
    for body, corner in [
        (b'<row r="5"><c r="C1"><v>1</v></c><c><v>1</v></c></row>', (5, 4)),
        (b'<c r="E1"/><row r="3"><c><v>1</v></c></row>', (3, 6)),
        (b'<row r="1"><row r="1"></row></row><c r="B1"/><c><v>1</v></c>', (3, 3)),
    ]:
        assert calamine_grid(body) == corner
        assert guard_extent(body) == corner
