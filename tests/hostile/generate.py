"""The hostile-input corpus of issue 10, generated on demand (no binaries in the repository).

``build_corpus(root)`` writes every hostile or odd input under ``root/in/<case>/`` and returns
the cases: for each, the ``jixiao`` command lines to run (validate, consolidate, export,
import, as applicable), the exit code the contract gives, the files that must be named on the
console with a Chinese reason, what the console must say, and which output must (or must not)
be written.  ``tests/test_hostile.py`` runs them under a memory limit and checks the common
assertions (no abort, no traceback, no 程序错误, sources unchanged, no formula from input
text, the same outputs on a second run).

Run it alone to look at the corpus::

    python tests/hostile/generate.py /tmp/hostile          # writes the files, prints the table
    python tests/hostile/generate.py --list                # only the table
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
if str(TESTS) not in sys.path:  # the shared builders (conftest.good) when run as a script
    sys.path.insert(0, str(TESTS))

INJECTED = "JXINJECT"
"""Every formula-looking text of the corpus carries this mark: no output formula may."""

FORMULA_TEXTS = (
    f"=cmd|' /C calc {INJECTED}'!A0",
    f'=HYPERLINK("http://{INJECTED.lower()}.example/x","点这里")',
    f"+SUM(1,2)+{INJECTED}",
    f"-1+{INJECTED}()",
    f"@SUM({INJECTED})",
    f'=WEBSERVICE("http://{INJECTED.lower()}.example")',
)

CONTROL = "\x07\x1b\x0b\ufffe\uffff"
"""BEL, ESC, VT and the two Unicode non-characters: invisible, and no cell can hold them."""
ESCAPE_SEQUENCE = "\x1b[2K\x1b[31m"
"""Erase the line, then red: a name that rewrites the clerk's terminal."""


# ---------------------------------------------------------------- what a case is


@dataclass
class Run:
    """One ``jixiao`` command line and what its run must show."""

    args: list[str]
    code: int
    """The exit code the contract gives: 0 no errors, 1 errors or unreadable, 2 refused."""
    named: list[str] = field(default_factory=list)
    """Files (as the clerk sees their names) each named on the console with a Chinese reason."""
    says: list[str] = field(default_factory=list)
    """Texts the console (stdout + stderr) must contain."""
    never: list[str] = field(default_factory=list)
    """Texts the console must not contain."""
    output: Path | None = None
    """The file this run writes: it must exist afterwards and be the same on a second run."""
    absent: Path | None = None
    """A file this run must not write (or must remove: a killed run's temporary file)."""
    kept: Path | None = None
    """A file this run must leave byte for byte as it was (an output it refuses to replace)."""
    texts: list[str] = field(default_factory=list)
    """Texts that must be in the output workbook as text cells (never as formulas)."""
    seconds: float = 60.0
    """The run is killed (and fails) after this long: refusing must be cheap."""

    @property
    def command(self) -> str:
        return self.args[0]

    def shown(self, root: Path) -> str:
        """The command line with the corpus folder left out (for tables)."""
        text = " ".join(_short(arg, root) for arg in self.args)
        return "jixiao " + text


def _short(arg: str, root: Path) -> str:
    shown = arg.replace(str(root) + os.sep, "")
    shown = os.fsencode(shown).decode("utf-8", "replace")
    return f"'{shown}'" if " " in shown else shown


@dataclass
class Case:
    """One hostile or odd input (one or more files) and the runs it goes through."""

    name: str
    what: str
    """What is asserted beyond the common checks (one line, for the catalogue)."""
    runs: list[Run]


# ---------------------------------------------------------------- building blocks


def good_submission() -> dict[str, Any]:
    from conftest import good

    data: dict[str, Any] = good()
    return data


def seed_text(number: str = "000") -> str:
    (path,) = sorted((TESTS / "fixtures" / "documents").glob(f"{number}-*.txt"))
    return path.read_text("utf-8")


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


_SHEET = re.compile(rb'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_REVERSED = re.compile(rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The package part that holds worksheet ``sheet`` (through workbook.xml and its rels)."""
    rels = parts["xl/_rels/workbook.xml.rels"]
    targets = dict(_REL.findall(rels))
    targets.update({i: t for t, i in _REL_REVERSED.findall(rels)})
    for name, rid in _SHEET.findall(parts["xl/workbook.xml"]):
        if name.decode("utf-8") == sheet:
            target = targets[rid].decode()
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(sheet)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def before_root(xml: bytes, root: bytes, insert: bytes) -> bytes:
    """``insert`` placed just before the root element (a DOCTYPE goes there)."""
    at = xml.index(b"<" + root)
    return xml[:at] + insert + xml[at:]


def set_cell(
    xml: bytes, ref: str, inner: str, kind: str | None = None, style: int | None = None
) -> bytes:
    """Replace cell ``ref`` of a sheet's XML, keeping its style unless ``style`` is given:
    ``inner`` is the new content (``<v>…</v>``, ``<is>…</is>``, ``<f>…</f>``), ``kind`` its
    ``t`` attribute."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.DOTALL)
    match = pattern.search(xml)
    if match is None:
        raise KeyError(ref)
    kept = re.search(rb's="(\d+)"', match.group(1))
    number = style if style is not None else (int(kept.group(1)) if kept else None)
    attributes = f' r="{ref}"' + (f' s="{number}"' if number is not None else "")
    if kind:
        attributes += f' t="{kind}"'
    return xml[: match.start()] + f"<c{attributes}>{inner}</c>".encode() + xml[match.end() :]


def text_cell(text: str) -> tuple[str, str]:
    return f'<is><t xml:space="preserve">{_escape(text)}</t></is>', "inlineStr"


def number_cell(number: str) -> tuple[str, None]:
    return f"<v>{number}</v>", None


def formula_cell(formula: str) -> tuple[str, str]:
    """A formula with an empty cached text result (as a file saved without recalculation)."""
    return f"<f>{_escape(formula)}</f><v></v>", "str"


_WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def rename_sheet(parts: dict[str, bytes], old: str, new: str) -> None:
    """What Excel's rename does to the package (formulas naming the sheet are not our case)."""
    workbook = parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = workbook.replace(
        f'name="{old}"'.encode(), f'name="{_escape(new)}"'.encode(), 1
    )


def copy_sheet(parts: dict[str, bytes], sheet: str, new: str) -> None:
    """Excel's "move or copy → create a copy": a second part, related and typed, and listed."""
    target = "xl/worksheets/sheet99.xml"
    parts[target] = parts[sheet_part(parts, sheet)]
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        f'<Relationship Type="{_WORKSHEET_TYPE}" Target="/{target}" Id="rId99"/>'
        "</Relationships>".encode(),
    )
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>",
        f'<sheet xmlns:r="{relationships}" name="{_escape(new)}" sheetId="99" state="visible" '
        'r:id="rId99"/></sheets>'.encode(),
    )
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(
        b"</Types>",
        f'<Override PartName="/{target}" ContentType="{_WORKSHEET_CONTENT}"/></Types>'.encode(),
    )


def drop_sheet(parts: dict[str, bytes], sheet: str) -> None:
    """The sheet no longer listed in the workbook (its part left behind, as tools leave it)."""
    pattern = re.compile(rb'<sheet [^>]*?name="' + sheet.encode() + rb'"[^>]*/>')
    parts["xl/workbook.xml"] = pattern.sub(b"", parts["xl/workbook.xml"], count=1)


def date_style(parts: dict[str, bytes]) -> int:
    """Add a cell format showing a date (built-in format 14); its index."""
    styles = parts["xl/styles.xml"]
    match = re.search(rb'<cellXfs count="(\d+)">', styles)
    assert match is not None
    count = int(match.group(1))
    styles = styles.replace(match.group(0), f'<cellXfs count="{count + 1}">'.encode(), 1)
    xf = b'<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
    parts["xl/styles.xml"] = styles.replace(b"</cellXfs>", xf + b"</cellXfs>", 1)
    return count


class Builder:
    """Writes the corpus: the genuine base files once, hostile variants from them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inbox = root / "in"
        self.outbox = root / "out"
        self._workbook: bytes | None = None
        self._docx: bytes | None = None

    # -------------------------------------------------------- places

    def folder(self, case: str) -> Path:
        path = self.inbox / case
        path.mkdir(parents=True, exist_ok=True)
        return path

    def out(self, case: str, name: str) -> Path:
        folder = self.outbox / case
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    # -------------------------------------------------------- genuine bases

    def workbook(self) -> bytes:
        """A jixiao template filled with the clean seed-000 submission (one project)."""
        if self._workbook is None:
            from jixiao.readers.interchange import parse_submission
            from jixiao.template.build import save_workbook
            from jixiao.template.fill import fill_workbook

            submission, findings = parse_submission(
                json.dumps(good_submission(), ensure_ascii=False), "good.json"
            )
            assert submission is not None and not findings, findings
            path = self.root / "base.xlsx"
            save_workbook(fill_workbook(submission, min_projects=1), path)
            self._workbook = path.read_bytes()
            path.unlink()
        return self._workbook

    def docx(self) -> bytes:
        """The published seed-000 document as Word has it: prose paragraphs, tab rows as
        tables."""
        if self._docx is None:
            self._docx = docx_bytes(seed_text("000"))
        return self._docx

    # -------------------------------------------------------- writers

    def write(self, case: str, name: str, data: bytes | str) -> Path:
        path = self.folder(case) / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def raw_name(self, case: str, raw: bytes, data: bytes) -> Path:
        """A file whose name is the bytes ``raw`` (not valid UTF-8: a GBK archive on Linux)."""
        folder = os.fsencode(self.folder(case))
        path = os.path.join(folder, raw)
        with open(path, "wb") as handle:
            handle.write(data)
        return Path(os.fsdecode(path))

    def edited_workbook(self, edit: Callable[[dict[str, bytes]], None]) -> bytes:
        parts = zip_parts(self.workbook())
        edit(parts)
        return zip_bytes(parts)

    def with_cells(self, sheet: str, cells: dict[str, tuple[str, str | None]]) -> bytes:
        def edit(parts: dict[str, bytes]) -> None:
            part = sheet_part(parts, sheet)
            for ref, (inner, kind) in cells.items():
                parts[part] = set_cell(parts[part], ref, inner, kind)

        return self.edited_workbook(edit)


def docx_bytes(text: str) -> bytes:
    """A Word document with the content of a text extraction: prose lines as paragraphs, runs
    of tab-separated rows as tables (what a clerk's published .docx holds)."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = value.strip()
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
        else:
            flush()
            if line.strip():
                document.add_paragraph(line.strip())
    flush()
    document.core_properties.created = dt.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- far-away cells


def _add_rows(xml: bytes, fragment: bytes) -> bytes:
    return xml.replace(b"</sheetData>", fragment + b"</sheetData>", 1)


FarEdit = Callable[[dict[str, bytes], str], None]


def _far_row(row: bytes) -> FarEdit:
    def edit(parts: dict[str, bytes], part: str) -> None:
        parts[part] = _add_rows(parts[part], row)

    return edit


def _prefixed(parts: dict[str, bytes], part: str) -> None:
    xml = parts[part].replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    xml = re.sub(rb"<(/?)(?!x:)([A-Za-z])", rb"<\1x:\2", xml)
    parts[part] = _add_rows(
        xml.replace(b"</x:sheetData>", b"</sheetData>"),
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    ).replace(b"</sheetData>", b"</x:sheetData>")


def _moved(parts: dict[str, bytes], part: str) -> None:
    """The sheet stored under another name, its relationship and content type updated."""
    data = _add_rows(parts.pop(part), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    parts["xl/data/part.bin"] = data
    relative = part.removeprefix("xl/").encode()
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(relative, b"data/part.bin")
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"/" + part.encode(), b"/xl/data/part.bin")


def _implicit(parts: dict[str, bytes], part: str) -> None:
    cells = b"<c><v>1</v></c>" * 3000
    parts[part] = _add_rows(parts[part], b'<row r="1000000">' + cells + b"</row>")


FAR_CELLS: list[tuple[str, str, FarEdit]] = [
    (
        "单引号",
        "r='XFD1048576'",
        _far_row(b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"),
    ),
    (
        "等号两侧空格",
        'r = "XFD1048576"',
        _far_row(b'<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>'),
    ),
    ("命名空间前缀", "<x:row>/<x:c>", _prefixed),
    ("四个字母的列", "AAAA30000", _far_row(b'<row r="30000"><c r="AAAA30000"><v>1</v></c></row>')),
    ("八位行号", "A12345678", _far_row(b'<row r="12345678"><c r="A12345678"><v>1</v></c></row>')),
    ("ZZ70000", "ZZ70000", _far_row(b'<row r="70000"><c r="ZZ70000"><v>1</v></c></row>')),
    (
        "字符引用",
        "&#88;FD1048576",
        _far_row(b'<row r="9"><c r="&#88;FD1048576"><v>1</v></c></row>'),
    ),
    ("工作表另存别处", "xl/data/part.bin", _moved),
    ("不写r的单元格", "3000 cells in row 1000000", _implicit),
]


# ---------------------------------------------------------------- the corpus


MONEY_UNITS = {"元（人民币）": False, "亿元": True, "美元": True}
"""金额单位 cells, and whether each is a money-unit-invalid error."""

CASE_NAMES: list[str] = [
    *(f"far-{label}" for label, _, _ in FAR_CELLS),
    "far-folder",
    "zip-bomb",
    "xxe",
    "broken-workbooks",
    "formula-text",
    "formula-outside",
    "budget-1e308",
    "budget-overflow",
    "budget-not-amount",
    "plan-1e307",
    "year",
    *(f"money-unit-{label}" for label in MONEY_UNITS),
    "profile-cell",
    "renamed-sheets",
    "tampered",
    "escaped-control",
    "json",
    "json-control",
    "json-utf16",
    "text-plain",
    "text-control",
    "text-encodings",
    "text-binary",
    "text-formula",
    "docx-plain",
    "docx-huge",
    "docx-broken",
    "other-kinds",
    "same-file-twice",
    "links",
    *(["fifo"] if hasattr(os, "mkfifo") else []),
    "gbk-names",
    "many-bad",
    "output-is-input",
    "output-exists",
    "profile-files",
]
"""The cases :func:`build_corpus` makes, in order (known without building them)."""


def build_corpus(root: Path) -> list[Case]:
    """Write every input under ``root/in`` and return the cases (outputs go to ``root/out``)."""
    from jixiao.template.layout import LAYOUT

    b = Builder(root)
    cases: list[Case] = []
    P, U = LAYOUT.project, LAYOUT.unit
    project_sheet = P.sheet_name(1)

    def add(name: str, what: str, *runs: Run) -> None:
        cases.append(Case(name, what, list(runs)))

    def validate(*paths: Path | str, code: int, **kw: Any) -> Run:
        return Run(["validate", *map(str, paths)], code, **kw)

    def consolidate(case: str, *paths: Path | str, code: int, **kw: Any) -> Run:
        out = b.out(case, "汇总.xlsx")
        return Run(["consolidate", *map(str, paths), "-o", str(out)], code, output=out, **kw)

    def export(case: str, source: Path, code: int, written: bool = True, **kw: Any) -> Run:
        out = b.out(case, "导出.json")
        where = {"output": out} if written else {"absent": out}
        return Run(["export", str(source), "-o", str(out)], code, **where, **kw)

    def import_(case: str, source: Path, code: int, written: bool = True, **kw: Any) -> Run:
        out = b.out(case, "导入.xlsx")
        where = {"output": out} if written else {"absent": out}
        return Run(["import", str(source), "-o", str(out)], code, **where, **kw)

    good_json = json.dumps(good_submission(), ensure_ascii=False)

    # ------------------------------------------------ far-away cells, every spelling

    far_files = []
    for label, spelling, edit in FAR_CELLS:

        def far(parts: dict[str, bytes], edit: FarEdit = edit) -> None:
            edit(parts, sheet_part(parts, project_sheet))

        path = b.write("far-cells", f"远离-{label}.xlsx", b.edited_workbook(far))
        far_files.append(path)
        case = f"far-{label}"
        add(
            case,
            f"远离表格的单元格（{spelling}）：读取它的进程不中止，拒绝读取，导出不写文件",
            export(case, path, 1, written=False, named=[path.name], never=["异常退出"]),
        )
    good_in_far = b.write("far-cells", "正常.xlsx", b.workbook())
    add(
        "far-folder",
        "一个文件夹里 9 种远离单元格 + 1 份正常报送：校验与汇总照常，9 个文件各自点名",
        validate(
            b.folder("far-cells"),
            code=1,
            named=[p.name for p in far_files],
            says=["file-unreadable"],
            never=["异常退出"],
        ),
        consolidate(
            "far-folder",
            b.folder("far-cells"),
            code=1,
            named=[p.name for p in far_files],
            never=["异常退出"],
        ),
    )
    del good_in_far

    # ------------------------------------------------ bombs, entities, encryption, corruption

    def sheet_bomb(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, project_sheet)
        parts[part] = parts[part].replace(b"<sheetData>", b"<sheetData>" + b" " * 60_000_000, 1)

    bomb = b.write("zip-bomb", "压缩炸弹.xlsx", b.edited_workbook(sheet_bomb))
    add(
        "zip-bomb",
        "压缩比异常的工作表（60 MB 空白）：拒绝读取，不解压",
        validate(bomb, code=1, named=[bomb.name], says=["压缩"], seconds=20),
        export("zip-bomb", bomb, 1, written=False, named=[bomb.name]),
    )

    def xxe(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, project_sheet)
        doctype = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        xml = before_root(parts[part], b"worksheet", doctype)
        parts[part] = xml.replace(b"<t>", b"<t>&x;", 1)

    def laughs(parts: dict[str, bytes]) -> None:
        entities = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        part = sheet_part(parts, U.name)
        xml = before_root(parts[part], b"worksheet", b"<!DOCTYPE worksheet [" + entities + b"]>")
        parts[part] = xml.replace(b"<t>", b"<t>&j;", 1)

    xxe_path = b.write("xxe", "外部实体.xlsx", b.edited_workbook(xxe))
    laughs_path = b.write("xxe", "实体膨胀.xlsx", b.edited_workbook(laughs))
    add(
        "xxe",
        "含外部实体（XXE）和实体膨胀（billion laughs）的工作簿：拒绝读取，不泄露 /etc/passwd",
        validate(
            xxe_path,
            laughs_path,
            code=1,
            named=[xxe_path.name, laughs_path.name],
            says=["DTD"],
            never=["root:"],
        ),
        consolidate("xxe", xxe_path, laughs_path, code=1, never=["root:"]),
    )

    head = b.workbook()
    broken = {
        "加密.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088),
        "截断.xlsx": head[: len(head) // 2],
        "假zip.xlsx": b"PK\x03\x04garbage",
        "空文件.xlsx": b"",
        "文本改名.xlsx": "这不是工作簿\n".encode(),
        "别的zip.xlsx": zip_bytes({"readme.txt": b"hello"}),
        "坏的xml.xlsx": b.edited_workbook(
            lambda parts: parts.__setitem__("xl/workbook.xml", b"<workbook><sheets><sheet")
        ),
    }
    broken_paths = [b.write("broken", name, data) for name, data in broken.items()]
    add(
        "broken-workbooks",
        "加密、截断、假 zip、0 字节、文本改名、别的 zip、坏 XML：各自点名并给出中文原因",
        validate(*broken_paths, code=1, named=[p.name for p in broken_paths], says=["已加密"]),
        consolidate(
            "broken-workbooks", b.folder("broken"), code=1, named=[p.name for p in broken_paths]
        ),
        export("broken-export", broken_paths[1], 1, written=False, named=[broken_paths[1].name]),
    )

    # ------------------------------------------------ formula injection, formulas in cells

    injected = b.with_cells(
        project_sheet,
        {
            P.name: text_cell(FORMULA_TEXTS[0]),
            P.goal: text_cell(FORMULA_TEXTS[1]),
            P.row_cell("value", P.first_row): text_cell(FORMULA_TEXTS[2]),
            P.row_cell("level3", P.first_row): text_cell(FORMULA_TEXTS[3]),
            P.row_cell("basis", P.first_row): text_cell(FORMULA_TEXTS[4]),
        },
    )
    inj = b.write("formula-text", "公式注入.xlsx", injected)
    inj_json = json.loads(good_json)
    inj_json["projects"][0]["name"] = FORMULA_TEXTS[0]
    inj_json["projects"][0]["goal"] = FORMULA_TEXTS[5]
    inj_json["projects"][0]["indicators"][0]["value"] = FORMULA_TEXTS[2]
    inj_json["unit"]["name"] = FORMULA_TEXTS[4]
    inj_json_path = b.write(
        "formula-json", "公式注入.json", json.dumps(inj_json, ensure_ascii=False)
    )
    add(
        "formula-text",
        "像公式的文本（=cmd|…、=HYPERLINK、+、-、@）：汇总、导出、导入的输出里只是文本，绝不成为公式",
        validate(inj, code=1),
        consolidate(
            "formula-text",
            inj,
            inj_json_path,
            code=1,
            texts=[FORMULA_TEXTS[i] for i in (0, 2, 3, 4)],
        ),
        export("formula-text", inj, 0),  # nothing wrong with the reading: export exits 0
        import_("formula-text", inj_json_path, 1, texts=[FORMULA_TEXTS[0], FORMULA_TEXTS[5]]),
    )

    outside = b.with_cells(
        project_sheet,
        {
            P.fiscal: formula_cell("cmd|'/c calc'!A0"),
            P.goal: formula_cell('WEBSERVICE("http://example.com/goal")'),
        },
    )
    outside_path = b.write("formula-outside", "外部公式.xlsx", outside)
    add(
        "formula-outside",
        "输入单元格里的 DDE/WEBSERVICE 公式：报告 formula-outside，输出中没有这些公式",
        validate(outside_path, code=1, says=["formula-outside", "DDE"]),
        consolidate("formula-outside", outside_path, code=1),
    )

    # ------------------------------------------------ numbers: huge, non-finite, not numbers

    huge = b.with_cells(project_sheet, {P.budget: number_cell("1e308")})
    huge_path = b.write("budget-1e308", "预算1e308.xlsx", huge)
    json_huge = json.loads(good_json)
    json_huge["projects"][0]["budget"] = 1e308
    json_huge["projects"][0]["fiscal"] = 1e308
    json_huge_path = b.write("budget-1e308", "预算1e308.json", json.dumps(json_huge))
    add(
        "budget-1e308",
        "预算数 1e308：工作簿里是 amount-invalid，JSON 里超出规范上限（中文原因）；汇总照常写出",
        validate(
            huge_path, json_huge_path, code=1, says=["amount-invalid"], named=[json_huge_path.name]
        ),
        consolidate("budget-1e308", huge_path, json_huge_path, code=1, named=[json_huge_path.name]),
        export("budget-1e308", huge_path, 1),
        import_("budget-1e308", json_huge_path, 1, written=False, named=[json_huge_path.name]),
    )

    overflow = json.loads(good_json)
    second = json.loads(json.dumps(overflow["projects"][0]))
    second.update(number=2, code="13010023P00005810002E", name="第二个项目")
    overflow["projects"].append(second)
    for project in overflow["projects"]:
        project.update(budget=1.5e308, fiscal=1.5e308, other=0)
    overflow_path = b.write("budget-overflow", "合计溢出.json", json.dumps(overflow))
    overflow_two = json.loads(json.dumps(overflow))
    overflow_two["unit"].update(code="615002", name="另一家法院")
    overflow_two_path = b.write("budget-overflow", "合计溢出2.json", json.dumps(overflow_two))
    big = json.loads(good_json)
    big["projects"][0].update(budget=10**400, fiscal=10**400, other=0)
    big_path = b.write("budget-overflow", "超出浮点.json", json.dumps(big))
    overflowing = [overflow_path, overflow_two_path, big_path]
    add(
        "budget-overflow",
        "预算数 1.5e308×4（合计溢出浮点）、10^400 的 JSON：各自点名（超出上限），汇总写出、无 inf",
        validate(*overflowing, code=1, named=[p.name for p in overflowing]),
        consolidate("budget-overflow", *overflowing, code=1, named=[p.name for p in overflowing]),
        import_("budget-overflow", big_path, 1, written=False, named=[big_path.name]),
    )

    not_amounts = {
        "REF": ("<v>#REF!</v>", "e"),
        "TRUE": ("<v>1</v>", "b"),
        "inf": ("<v>inf</v>", None),
        "NaN": ("<v>NaN</v>", None),
        "文本": text_cell("一千万"),
    }
    amount_paths = [
        b.write(
            "budget-not-amount", f"预算{label}.xlsx", b.with_cells(project_sheet, {P.budget: c})
        )
        for label, c in not_amounts.items()
    ]

    def dated_budget(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, project_sheet)
        parts[part] = set_cell(parts[part], P.budget, "<v>45292</v>", style=date_style(parts))

    dated = b.edited_workbook(dated_budget)  # 2024-01-01
    amount_paths.append(b.write("budget-not-amount", "预算日期.xlsx", dated))
    add(
        "budget-not-amount",
        "预算数为 #REF!、TRUE、inf、NaN、文本、日期：每份都有 amount-invalid/cell-error，从不按 0",
        validate(
            b.folder("budget-not-amount"),
            code=1,
            named=[p.name for p in amount_paths],
            says=["amount-invalid", f"{project_sheet}!{P.budget}"],
        ),
        consolidate("budget-not-amount", b.folder("budget-not-amount"), code=1),
        export("budget-not-amount", amount_paths[2], 1),
    )

    plan_huge = b.with_cells(project_sheet, {P.plan[0]: number_cell("1e307")})
    plan_path = b.write("plan-1e307", "计划1e307.xlsx", plan_huge)
    add(
        "plan-1e307",
        "资金支出计划 1e307：导出不溢出（OverflowError），汇总照常",
        validate(plan_path, code=1),
        export("plan-1e307", plan_path, 0),  # a plan % is judged by validate, not by reading
        consolidate("plan-1e307", plan_path, code=1),
    )

    years = {
        "上标": text_cell("²⁰²⁴"),
        "1e308": number_cell("1e308"),
        "明年": text_cell("明年"),
    }
    year_paths = [
        b.write("year", f"年度{label}.xlsx", b.with_cells(U.name, {U.cell("year"): cell}))
        for label, cell in years.items()
    ]
    add(
        "year",
        "预算年度 ²⁰²⁴、1e308、明年：year-invalid，导出不抛 ValueError",
        validate(*year_paths, code=1, says=["year-invalid"]),
        export("year", year_paths[0], 1),
        export("year-1e308", year_paths[1], 1),
    )

    units = MONEY_UNITS
    unit_paths = {
        label: b.write(
            "money-unit",
            f"单位{label}.xlsx",
            b.with_cells(U.name, {U.cell("money_unit"): text_cell(label)}),
        )
        for label in units
    }
    for label, invalid in units.items():
        # 元（人民币） is read as 元: the seed's 1111（万元）budget is then less than its own
        # cost indicator ≤1111 万元, which is an error of the data, not of the unit.
        said = {"says": ["money-unit-invalid"]} if invalid else {"never": ["money-unit-invalid"]}
        add(
            f"money-unit-{label}",
            f"金额单位“{label}”："
            + ("money-unit-invalid" if invalid else "按元读取，不报单位问题"),
            validate(unit_paths[label], code=1, **said),
        )

    profile_unknown = b.with_cells(U.name, {U.cell("profile"): text_cell("shanghai")})
    profile_path = b.write("profile-cell", "配置shanghai.xlsx", profile_unknown)
    add(
        "profile-cell",
        "单位信息里的规则配置 shanghai：profile-unknown 警告，按 hebei 校验",
        validate(profile_path, code=0, says=["profile-unknown"]),
    )

    # ------------------------------------------------ structure

    renamed = b.edited_workbook(lambda parts: rename_sheet(parts, project_sheet, "审判业务经费"))
    renamed_path = b.write("renamed", "改名审判业务经费.xlsx", renamed)
    copied = b.edited_workbook(lambda parts: copy_sheet(parts, project_sheet, "项目1 (2)"))
    copied_path = b.write("renamed", "复制项目1(2).xlsx", copied)
    add(
        "renamed-sheets",
        "项目表改名（审判业务经费）或复制成“项目1 (2)”：按内容读取并报告 sheet-renamed，项目不丢",
        validate(renamed_path, code=0, says=["sheet-renamed", "1 个项目"]),
        validate(copied_path, code=1, says=["sheet-renamed", "2 个项目"]),
        consolidate("renamed-sheets", renamed_path, code=0, says=["1 个项目"]),
    )

    label = P.labels[0][0]  # a fixed label of the project sheet, gone as if rows were deleted
    tampered = b.write(
        "tampered", "删了标签.xlsx", b.with_cells(project_sheet, {label: text_cell("")})
    )
    no_meta = b.write(
        "tampered",
        "没有模板信息.xlsx",
        b.edited_workbook(lambda p: drop_sheet(p, LAYOUT.meta.name)),
    )
    add(
        "tampered",
        "删了标签的项目表、删掉模板信息表的工作簿：template-tampered，导出退出码 1、不写残缺的模型",
        validate(
            tampered,
            no_meta,
            code=1,
            named=[tampered.name, no_meta.name],
            says=["template-tampered"],
        ),
        export("tampered", tampered, 1, written=False, named=[tampered.name]),
        export("tampered-meta", no_meta, 1, written=False, named=[no_meta.name]),
    )

    escaped = b.with_cells(project_sheet, {P.name: text_cell("项目_x0007__x001B__xFFFE_名称")})
    escaped_path = b.write("escaped-control", "转义控制字符.xlsx", escaped)
    add(
        "escaped-control",
        "单元格里以 _x0007_ 转义写入的控制字符：汇总、导入写出的工作簿能打开，控制台干净",
        validate(escaped_path, code=0),
        consolidate("escaped-control", escaped_path, code=0),
        export("escaped-control", escaped_path, 0),
        import_("escaped-control", escaped_path, 0),
    )

    # ------------------------------------------------ interchange JSON

    json_cases = {
        "NaN.json": good_json.replace('"budget": 1111.0', '"budget": NaN'),
        "深层嵌套.json": "[" * 200_000 + "]" * 200_000,
        "五千位数字.json": good_json.replace('"budget": 1111.0', '"budget": ' + "9" * 5000),
        "不是UTF8.json": good_json.encode("gbk", "replace"),
        "空.json": "",
        "半截.json": good_json[: len(good_json) // 2],
    }
    assert '"budget": 1111.0' in good_json
    json_paths = [b.write("json", name, data) for name, data in json_cases.items()]
    add(
        "json",
        "NaN、20 万层嵌套、5000 位数字、GBK、空、半截的 JSON：各自点名并给出中文原因",
        validate(*json_paths, code=1, named=[p.name for p in json_paths]),
        consolidate("json", b.folder("json"), code=1, named=[p.name for p in json_paths]),
        export("json", json_paths[2], 1, written=False, named=[json_paths[2].name]),
    )

    control = json.loads(good_json)
    control["projects"][0]["name"] = f"专项{CONTROL}项目"
    control["projects"][0]["goal"] += ESCAPE_SEQUENCE + "\ud800"  # and an unpaired surrogate
    control["projects"][0]["indicators"][0]["value"] = f"≥500{CONTROL} 件"
    control["unit"]["name"] += "\x07"
    control_path = b.write("json-control", "控制字符.json", json.dumps(control, ensure_ascii=True))
    add(
        "json-control",
        "JSON 文本里的 BEL/ESC/VT、U+FFFE/U+FFFF、转义序列和孤立代理：校验、汇总、导入都不崩溃，"
        "控制台不出现控制字符，输出能打开",
        validate(control_path, code=0),
        consolidate("json-control", control_path, code=0),
        import_("json-control", control_path, 0),
    )

    utf16_json = b.write("json-utf16", "记事本UTF16.json", good_json.encode("utf-16"))
    add(
        "json-utf16",
        "记事本另存的 UTF-16 JSON（带 BOM）：照常读取",
        validate(utf16_json, code=0),
    )

    # ------------------------------------------------ documents

    text = seed_text("000")
    lines = text.splitlines()
    inserted = "\n".join(
        line + (CONTROL if i % 7 == 3 and line.strip() else "") for i, line in enumerate(lines)
    )
    control_txt = b.write("text-control", "控制字符.txt", inserted)
    plain_txt = b.write("text-plain", "原文.txt", text)
    add(
        "text-plain",
        "公开文本原文（对照）：校验照常，读出 1 个项目",
        validate(plain_txt, code=1, says=["1 个项目"]),
    )
    add(
        "text-control",
        "文本里的 BEL/ESC/VT 和 U+FFFE/U+FFFF：导入不崩溃，读到与原文同样多的项目",
        validate(control_txt, code=1, says=["1 个项目"]),
        import_("text-control", control_txt, 1),
    )
    utf16 = {
        "记事本UTF16LE.txt": text.replace("\n", "\r\n").encode("utf-16"),
        "UTF16BE.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "GBK.txt": text.encode("gb18030"),
        "UTF8带BOM.txt": text.encode("utf-8-sig"),
    }
    utf16_paths = [b.write("text-encodings", name, data) for name, data in utf16.items()]
    add(
        "text-encodings",
        "记事本 UTF-16（LE/BE，带 BOM）、GBK、UTF-8 BOM 的文本：都能读出 1 个项目，不说“二进制”",
        validate(*utf16_paths, code=1, never=["二进制"], says=["1 个项目"]),
        import_("text-encodings", utf16_paths[0], 1),
    )
    binary = b.write("text-binary", "二进制.txt", bytes(range(256)) * 8)
    add(
        "text-binary",
        "真正的二进制 .txt：中文原因，导入不写文件",
        validate(binary, code=1, named=[binary.name], says=["二进制"]),
        import_("text-binary", binary, 1, written=False, named=[binary.name]),
    )
    named_link = f'=HYPERLINK("http://{INJECTED.lower()}.example")专项项目'
    inj_text = text.replace("≥500 件", FORMULA_TEXTS[0]).replace("专项项目", named_link)
    assert FORMULA_TEXTS[0] in inj_text
    inj_txt = b.write("text-formula", "公式注入.txt", inj_text)
    add(
        "text-formula",
        "公开文本里像公式的文本：导入的模板里是文本，绝不成为公式",
        import_("text-formula", inj_txt, 1, texts=[FORMULA_TEXTS[0], named_link]),
    )

    docx_good = b.write("docx", "原文.docx", b.docx())
    add(
        "docx-plain",
        "公开 .docx 原文（对照）：导入和校验照常",
        validate(docx_good, code=1, says=["1 个项目"]),
        import_("docx-plain", docx_good, 1),
    )
    huge_docx = b.folder("docx-huge") / "1.9亿字节空段落.docx"
    write_huge_docx(b.docx(), huge_docx, 190_000_000)
    many_docx = b.folder("docx-huge") / "3千万字节空段落.docx"
    write_huge_docx(b.docx(), many_docx, 30_000_000)  # under every size bound: 5 M elements
    add(
        "docx-huge",
        ".docx 的 document.xml 解压后 190 MB / 30 MB（500 万个空段落）：几秒内拒绝，"
        "不交给 python-docx，内存远低于 1 GB",
        validate(huge_docx, many_docx, code=1, named=[huge_docx.name, many_docx.name], seconds=20),
        import_("docx-huge", huge_docx, 1, written=False, named=[huge_docx.name], seconds=20),
    )
    docx_parts = zip_parts(b.docx())
    xxe_docx = dict(docx_parts)
    xxe_docx["word/document.xml"] = before_root(
        xxe_docx["word/document.xml"],
        b"w:document",
        b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ).replace(b"<w:t>", b"<w:t>&x;", 1)
    bad_docx = {
        "外部实体.docx": zip_bytes(xxe_docx),
        "假zip.docx": b"PK\x03\x04 not really a zip",
        "加密.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088),
        "空.docx": b"",
        "缺正文.docx": zip_bytes({k: v for k, v in docx_parts.items() if k != "word/document.xml"}),
        "坏xml.docx": zip_bytes({**docx_parts, "word/document.xml": b"<w:document><w:body"}),
    }
    bad_docx_paths = [b.write("docx-broken", name, data) for name, data in bad_docx.items()]
    add(
        "docx-broken",
        ".docx：XXE、假 zip、加密、空、缺正文、坏 XML，各自点名并给出中文原因，不泄露 /etc/passwd",
        validate(*bad_docx_paths, code=1, named=[p.name for p in bad_docx_paths], never=["root:"]),
        import_("docx-broken", bad_docx_paths[1], 1, written=False, named=[bad_docx_paths[1].name]),
    )

    # ------------------------------------------------ paths

    others = [".xls", ".et", ".xlsb", ".ods", ".csv", ".wps", ".ett"]
    other_paths = [
        b.write("other-kinds", f"报表{s}", b"\xd0\xcf\x11\xe0" + bytes(60)) for s in others
    ]
    b.write("other-kinds", "正常.xlsx", b.workbook())
    add(
        "other-kinds",
        ".xls/.et/.xlsb/.ods/.csv/.wps/.ett 在文件夹里：各自报告“另存为 .xlsx”",
        validate(
            b.folder("other-kinds"),
            code=1,
            named=[p.name for p in other_paths],
            says=["另存为 .xlsx"],
        ),
        consolidate(
            "other-kinds", b.folder("other-kinds"), code=1, named=[p.name for p in other_paths]
        ),
    )

    twice = b.write("twice", "正常.xlsx", b.workbook())
    (b.folder("twice") / "链接.xlsx").symlink_to(twice)
    add(
        "same-file-twice",
        "同一文件经文件夹、文件名和链接三次到达：只读一次（合计 1 份）",
        validate(b.folder("twice"), twice, code=0, says=["合计：1 个文件"]),
        consolidate("same-file-twice", b.folder("twice"), twice, code=0, says=["合计：1 份"]),
    )

    links = b.folder("links")
    (links / "不存在.xlsx").symlink_to(links / "nowhere.xlsx")
    (links / "环甲.xlsx").symlink_to(links / "环乙.xlsx")
    (links / "环乙.xlsx").symlink_to(links / "环甲.xlsx")
    (links / "像文件的文件夹.xlsx").mkdir()
    b.write("links", "正常.json", good_json)
    add(
        "links",
        "断开的链接、链接成环、名为 .xlsx 的文件夹：点名报告或跳过，不挂起",
        validate(links, code=1, named=["不存在.xlsx", "环甲.xlsx", "环乙.xlsx"], seconds=30),
        consolidate("links", links, code=1, named=["不存在.xlsx"], seconds=30),
    )

    if hasattr(os, "mkfifo"):
        fifo = b.folder("fifo") / "管道.xlsx"
        os.mkfifo(fifo)
        b.write("fifo", "正常.json", good_json)
        add(
            "fifo",
            "命名管道（单独给出、在文件夹里）：几秒内报告“管道”，从不打开",
            validate(fifo, code=1, named=[fifo.name], says=["管道"], seconds=20),
            validate(b.folder("fifo"), code=1, named=[fifo.name], seconds=20),
            export("fifo", fifo, 1, written=False, named=[fifo.name], seconds=20),
        )

    gbk_workbook = b.raw_name("gbk-names", "法院报送.xlsx".encode("gbk"), b.workbook())
    b.raw_name("gbk-names", "坏的报送.xlsx".encode("gbk"), b"PK\x03\x04garbage")
    gbk_text = b.raw_name("gbk-texts", "公开文件.txt".encode("gbk"), text.encode("utf-8"))
    gbk_out = Path(
        os.fsdecode(
            os.path.join(os.fsencode(b.out("gbk-names", "x").parent), "汇总结果.xlsx".encode("gbk"))
        )
    )
    add(
        "gbk-names",
        "GBK 文件名（不是 UTF-8）的输入和输出：按 GB18030 显示，不出 UnicodeEncodeError",
        validate(b.folder("gbk-names"), code=1, named=["坏的报送.xlsx"], says=["法院报送.xlsx"]),
        Run(
            ["consolidate", str(b.folder("gbk-names")), "-o", str(gbk_out)],
            1,
            named=["坏的报送.xlsx"],
            output=gbk_out,
        ),
        export("gbk-names", gbk_workbook, 0),
        import_("gbk-names", gbk_text, 1),
    )

    many = b.folder("many-bad")
    many_names = []
    for number in range(500):
        path = many / f"坏{number:03d}.xlsx"
        path.write_bytes(b"PK\x03\x04" + hashlib.sha256(str(number).encode()).digest())
        many_names.append(path.name)
    b.write("many-bad", "正常.json", good_json)
    add(
        "many-bad",
        "500 个坏文件 + 1 份正常：控制台逐个点名（不是 500 行一样的“（无法读取）”）",
        consolidate("many-bad", many, code=1, named=many_names, seconds=60),
    )

    # ------------------------------------------------ outputs

    source = b.write("output-is-input", "正常.xlsx", b.workbook())
    doc = b.write("output-is-input", "公开文件.txt", text)
    add(
        "output-is-input",
        "输出就是输入（export/import/consolidate，加 --force 也一样）：退出码 2，源文件不变",
        Run(
            ["export", str(source), "-o", str(source), "--force"], 2, says=["也是要读取的输入文件"]
        ),
        Run(["import", str(doc), "-o", str(doc), "--force"], 2, says=["也是要读取的输入文件"]),
        Run(
            ["consolidate", str(b.folder("output-is-input")), "-o", str(source), "--force"],
            2,
            says=["也是要读取的输入文件"],
        ),
    )
    existing = b.out("output-exists", "已有.xlsx")
    existing.write_bytes(b"a clerk's own file")
    stale = existing.parent / ".~jixiao-999999999-abc.xlsx"
    stale.write_bytes(b"left by a killed run")
    add(
        "output-exists",
        "输出已存在且未加 --force：退出码 2、原文件不变；被杀进程留下的临时文件在下次写入时清除",
        Run(
            ["consolidate", str(good_in(b, "output-exists", good_json)), "-o", str(existing)],
            2,
            says=["输出文件已存在", "--force"],
            kept=existing,
        ),
        Run(
            [
                "consolidate",
                str(good_in(b, "output-exists", good_json)),
                "-o",
                str(existing.parent / "新汇总.xlsx"),
            ],
            0,
            output=existing.parent / "新汇总.xlsx",
            absent=stale,
        ),
    )

    # ------------------------------------------------ --profile files

    profiles = {
        "深层嵌套.json": "[" * 100_000 + "]" * 100_000,
        "五千位数字.json": '{"name": "x", "extends": "hebei", "thresholds": {"satisfaction": '
        + "9" * 5000
        + "}}",
        "不是JSON.json": "这不是配置",
        "超大.json": '{"name": "x", "pad": "' + "x" * 3_000_000 + '"}',
    }
    profile_paths = [b.write("profiles", name, data) for name, data in profiles.items()]
    inbox_json = good_in(b, "profiles-inbox", good_json)
    add(
        "profile-files",
        "恶意的 --profile 配置文件（深层嵌套、5000 位数字、非 JSON、3 MB）：中文错误，退出码 2",
        *(
            validate(inbox_json, "--profile", str(p), code=2, says=["错误："])
            for p in profile_paths
        ),
    )

    return cases


def good_in(b: Builder, case: str, good_json: str) -> Path:
    path = b.folder(case) / "正常.json"
    if not path.exists():
        path.write_text(good_json, "utf-8")
    return path


def write_huge_docx(base: bytes, target: Path, size: int) -> None:
    """A genuine .docx whose document.xml is ``size`` bytes of empty paragraphs, streamed into
    the zip (a few hundred KB on disk)."""
    parts = zip_parts(base)
    document = parts.pop("word/document.xml")
    start = document.index(b"<w:body>") + len(b"<w:body>")
    head, tail = document[:start], document[start:]
    chunk = b"<w:p/>" * 100_000
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
        info = zipfile.ZipInfo("word/document.xml", (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as stream:
            stream.write(head)
            written = len(head)
            while written < size:
                stream.write(chunk)
                written += len(chunk)
            stream.write(tail)


def catalogue(cases: list[Case], root: Path) -> Iterator[str]:
    """The corpus as a table: case, command lines, what is asserted."""
    runs = sum(len(case.runs) for case in cases)
    yield f"{len(cases)} cases, {runs} command runs (writing runs are run twice)"
    for case in cases:
        yield f"- {case.name}: {case.what}"
        for run in case.runs:
            yield f"    {run.shown(root)}  → exit {run.code}"


def main(argv: list[str]) -> int:
    import tempfile

    if argv and argv[0] == "--list":
        with tempfile.TemporaryDirectory() as folder:
            cases = build_corpus(Path(folder))
            print("\n".join(catalogue(cases, Path(folder))))
        return 0
    if len(argv) != 1:
        print(__doc__)
        return 2
    root = Path(argv[0])
    cases = build_corpus(root)
    print("\n".join(catalogue(cases, root)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
