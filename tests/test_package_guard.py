"""The package guard cannot be talked past: a far-away cell written any way XML allows, or a
sheet stored anywhere, is refused before python-calamine allocates the grid (issue 10).

Each hostile workbook is read in a child process under a 1 GB address-space limit, so a guard
that lets one through shows up as a crashed child (calamine aborts), never as a crashed suite.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.readers import package
from jixiao.readers.package import DAMAGED, inspect, preflight
from jixiao.template.build import build_template, save_workbook

SHEET = "xl/worksheets/sheet2.xml"
Edit = Callable[[dict[str, bytes]], None]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "template.xlsx"
    save_workbook(build_template("hebei", 2), path)
    return path


def rewrite(source: Path, target: Path, edit: Edit) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def add_to_sheet_data(xml: bytes, fragment: bytes) -> bytes:
    return xml.replace(b"</sheetData>", fragment + b"</sheetData>", 1)


def far_row(row: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        parts[SHEET] = add_to_sheet_data(parts[SHEET], row)

    return edit


def prefixed(parts: dict[str, bytes]) -> None:
    xml = parts[SHEET].replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    xml = re.sub(rb"<(/?)(?!x:)([A-Za-z])", rb"<\1x:\2", xml)
    parts[SHEET] = add_to_sheet_data(
        xml.replace(b"</x:sheetData>", b"</sheetData>"),
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    ).replace(b"</sheetData>", b"</x:sheetData>")


def moved(parts: dict[str, bytes]) -> None:
    """The sheet stored under another name, its relationship and content type updated."""
    data = add_to_sheet_data(
        parts.pop(SHEET), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    parts["xl/data/part.bin"] = data
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"worksheets/sheet2.xml", b"data/part.bin")
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"/xl/worksheets/sheet2.xml", b"/xl/data/part.bin")


def implicit(parts: dict[str, bytes]) -> None:
    """Cells without ``r`` continue from the last row: the far corner is implied, not written."""
    cells = b"<c><v>1</v></c>" * 3000
    parts[SHEET] = add_to_sheet_data(parts[SHEET], b'<row r="1000000">' + cells + b"</row>")


def doctype_in_moved_sheet(parts: dict[str, bytes]) -> None:
    moved(parts)
    parts["xl/data/part.bin"] = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>' + parts["xl/data/part.bin"]
    )


FAR_ROW = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def after_junk(junk: bytes) -> Edit:
    """Bytes before the sheet's first tag: the guard took it for no XML and skipped it, while
    calamine skips the bytes and reads the cells (found by a hostile review)."""

    def edit(parts: dict[str, bytes]) -> None:
        parts[SHEET] = junk + add_to_sheet_data(parts[SHEET], FAR_ROW)

    return edit


def renamed_root(parts: dict[str, bytes]) -> None:
    xml = add_to_sheet_data(parts[SHEET], FAR_ROW)
    parts[SHEET] = xml.replace(b"<worksheet ", b"<notasheet ", 1).replace(
        b"</worksheet>", b"</notasheet>"
    )


def wrapped_root(parts: dict[str, bytes]) -> None:
    xml = add_to_sheet_data(parts[SHEET], FAR_ROW)
    start = xml.index(b"<worksheet")
    parts[SHEET] = xml[:start] + b"<foo>" + xml[start:] + b"</foo>"


FAR = "远离表格"
NOT_A_SHEET = "不是正常的工作表结构"
HOSTILE: list[tuple[str, Edit, str]] = [
    ("form feed before the sheet", after_junk(b"\x0c"), "不是有效的 XML"),
    ("text before the sheet", after_junk(b"junk"), "不是有效的 XML"),
    ("root renamed", renamed_root, NOT_A_SHEET),
    ("root wrapped", wrapped_root, NOT_A_SHEET),
    ("single quotes", far_row(b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"), FAR),
    ("spaces around =", far_row(b'<row r = "1048576"><c r = "XFD1048576"/></row>'), FAR),
    ("namespace prefix", prefixed, FAR),
    ("four-letter column", far_row(b'<row r="30000"><c r="AAAA30000"><v>1</v></c></row>'), "超出"),
    ("eight-digit row", far_row(b'<row r="12345678"><c r="A12345678"><v>1</v></c></row>'), "超出"),
    ("ZZ70000", far_row(b'<row r="70000"><c r="ZZ70000"><v>1</v></c></row>'), "ZZ70000"),
    ("character reference", far_row(b'<row r="9"><c r="&#88;FD1048576"><v>1</v></c></row>'), FAR),
    ("sheet stored elsewhere", moved, FAR),
    ("cells without r", implicit, FAR),
    ("DTD in a sheet stored elsewhere", doctype_in_moved_sheet, "DTD"),
]


@pytest.mark.parametrize(("name", "edit", "said"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_far_cells_are_refused_with_a_chinese_reason(
    template: Path, tmp_path: Path, name: str, edit: Edit, said: str
) -> None:
    path = rewrite(template, tmp_path / f"{name}.xlsx", edit)
    reason = preflight(path)
    assert reason is not None and said in reason, reason


def test_a_genuine_template_passes(template: Path) -> None:
    assert preflight(template) is None


READ_UNDER_LIMIT = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from jixiao.readers.xlsx import read_workbook
out = []
for name in sys.argv[1:]:
    submission, findings = read_workbook(Path(name))
    out.append([submission is None, [f.code for f in findings]])
print(json.dumps(out))
"""


def test_no_hostile_workbook_crashes_a_reader_under_a_memory_limit(
    template: Path, tmp_path: Path
) -> None:
    paths = [str(rewrite(template, tmp_path / f"{i}.xlsx", h[1])) for i, h in enumerate(HOSTILE)]
    run = subprocess.run(
        [sys.executable, "-c", READ_UNDER_LIMIT, *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    assert results == [[True, ["file-unreadable"]]] * len(HOSTILE)


# --- a part not as its header says: a damaged package, said in Chinese (never 程序出错) ---

CENTRAL = b"PK\x01\x02"


def central_entry(data: bytes, name: str) -> int:
    """Where ``name``'s central directory header starts in the package bytes."""
    end = data.rindex(b"PK\x05\x06")  # the end record: where the directory starts
    at = int.from_bytes(data[end + 16 : end + 20], "little")
    while data[at : at + 4] == CENTRAL:
        lengths = [int.from_bytes(data[at + i : at + i + 2], "little") for i in (28, 30, 32)]
        if data[at + 46 : at + 46 + lengths[0]] == name.encode():
            return at
        at += 46 + sum(lengths)
    raise AssertionError(f"{name} is not in the package")


def patched(source: Path, target: Path, offset_in_entry: int, value: bytes) -> Path:
    """``source`` with bytes of the sheet's central directory header replaced."""
    data = bytearray(source.read_bytes())
    at = central_entry(bytes(data), SHEET) + offset_in_entry
    data[at : at + len(value)] = value
    target.write_bytes(bytes(data))
    return target


def notes_of(path: Path) -> tuple[str | None, object, object, bool]:
    reason, notes = inspect(path)
    return reason, notes.errors, notes.outside, notes.external_links


def test_a_stored_package_reads_as_the_deflated_one(template: Path, tmp_path: Path) -> None:
    def outward(parts: dict[str, bytes]) -> None:
        parts[SHEET] = add_to_sheet_data(
            parts[SHEET],
            b'<row r="200"><c r="A200"><f>WEBSERVICE("http://x")</f><v></v></c>'
            b'<c r="B200" t="e"><v>#REF!</v></c></row>',
        )

    deflated = rewrite(template, tmp_path / "deflated.xlsx", outward)
    with zipfile.ZipFile(deflated) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    found = notes_of(deflated)
    assert found[0] is None
    assert found[1] and found[2], found  # the error value and the outward formula were noted
    assert notes_of(stored) == found


@pytest.mark.parametrize(
    ("name", "offset", "value"),
    [
        ("crc", 16, b"\x00\x00\x00\x00"),
        ("declared smaller", 24, (1000).to_bytes(4, "little")),
    ],
)
def test_a_part_not_matching_its_header_is_a_damaged_package(
    template: Path, tmp_path: Path, name: str, offset: int, value: bytes
) -> None:
    path = patched(template, tmp_path / f"{name}.xlsx", offset, value)
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read(SHEET)  # zipfile says the same
    assert inspect(path)[0] == DAMAGED


def test_a_local_name_other_than_the_directory_s_is_a_damaged_package(
    template: Path, tmp_path: Path
) -> None:
    data = bytearray(template.read_bytes())
    assert data[:4] == b"PK\x03\x04"  # the first part's local header
    data[30] ^= 0x20  # the first letter of its name, in the other case
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read(archive.namelist()[0])  # zipfile says the same
    assert inspect(path)[0] == DAMAGED


def test_an_encrypted_part_is_refused_in_chinese(template: Path, tmp_path: Path) -> None:
    data = bytearray(template.read_bytes())
    at = central_entry(bytes(data), SHEET)
    data[at + 8] |= 0x1  # the "encrypted" flag
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(bytes(data))
    reason = inspect(path)[0]
    assert reason is not None and "加密" in reason, reason


# --- notes: no way of writing a cell hides an error value or a formula reaching out ---

ODD_CELLS = [
    # (fragment, the cell, noted as an error value (its text) or as reaching out)
    (b'<row r="201"><c s="0" r="B201"><f>WEBSERVICE("http://x")</f></c></row>', "B201", None),
    (b'<row r="202"><c\tr="C202"><f>FILTERXML(A1,"//a")</f></c></row>', "C202", None),
    (b'<row r="203"><c r="D203"><f>WEB<!-- -->SERVICE("http://x")</f></c></row>', "D203", None),
    (b'<row r="204"><c r="E204"><f><![CDATA[HYPERLINK("http://x")]]></f></c></row>', "E204", None),
    (b"<row r='205'><c r='F205' t = 'e'><v>#DIV/0!</v></c></row>", "F205", "#DIV/0!"),
    (b'<row r="206"><c s="1" t="e" r="G206"><v>#REF!</v></c></row>', "G206", "#REF!"),
    (b'<row r="207"><c r="A207"/><c t="e"><v>#NAME?</v></c></row>', "B207", "#NAME?"),
    (b'<row r="208"><c r="H208"><f>&#87;EBSERVICE("http://x")</f></c></row>', "H208", None),
]


@pytest.mark.parametrize(("fragment", "cell", "error"), ODD_CELLS, ids=[c[1] for c in ODD_CELLS])
def test_an_oddly_written_cell_is_noted_where_it_is(
    template: Path, tmp_path: Path, fragment: bytes, cell: str, error: str | None
) -> None:
    path = rewrite(template, tmp_path / "odd.xlsx", far_row(fragment))
    reason, notes = inspect(path)
    assert reason is None
    (sheet,) = set(notes.errors) | set(notes.outside)
    if error is None:  # (the sheet's own internal HYPERLINKs are noted as before: B5, B6…)
        assert "http://x" in notes.outside[sheet][cell][0] or "//a" in notes.outside[sheet][cell][0]
    else:
        assert notes.errors[sheet] == {cell: error}


def expat_text(written: bytes) -> str:
    """A formula's text as an XML parser reads it (the oracle for ``_unescaped``)."""
    from xml.parsers import expat

    pieces: list[str] = []
    parser = expat.ParserCreate()
    parser.CharacterDataHandler = pieces.append
    parser.Parse(b"<f>" + written + b"</f>", True)
    return "".join(pieces)


@pytest.mark.parametrize(
    "written",
    [
        b"SUM(A1:A9)",
        b'&#87;EBSERVICE("http://x")',
        b"&#x5B;1]Sheet1!A1",
        b"A1&amp;&quot;|&quot;&lt;&gt;&apos;",
        "&#39033;目&#30446;1".encode(),
        b"&#0087;&#x7c;&#x0005B;",
        b"no references at all",
    ],
)
def test_a_scanned_formula_is_read_as_xml_reads_it(written: bytes) -> None:
    assert package._unescaped(written) == expat_text(written)
