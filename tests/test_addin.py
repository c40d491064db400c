"""jixiao.xlam: reproducible, readable by independent readers, consistent with its sources.

The readers are not ours: oletools (olevba, its MS-OVBA decompressor), olefile (MS-CFB with
defect checks), xlwings' own UDF wrapper generator and LibreOffice, which imports the VBA
project into Basic when it opens the add-in.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import inspect
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import types
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import defusedxml.ElementTree as SafeET
import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing 2 names, deprecated in 3.x
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream

import jixiao_udfs
from jixiao_addin import build, cfb, ovba, vba

from jixiao.excel.buttons import BUTTONS, TEMPLATE_MARK, Needs
from jixiao.excel.ribbon import HANDLERS
from libreoffice import LibreOffice

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "addin" / "jixiao.xlam"
RIBBON_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
MODULE_TYPE = {ovba.ModuleKind.STANDARD: 1, ovba.ModuleKind.CLASS: 2, ovba.ModuleKind.DOCUMENT: 4}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build, written once for the module."""
    return build.build_xlam(tmp_path_factory.mktemp("addin") / "jixiao.xlam")


@pytest.fixture(scope="module")
def project() -> ovba.Project:
    return build.vba_project()


@pytest.fixture(scope="module")
def parts(xlam: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(xlam) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def read_back(xlam: Path) -> dict[str, tuple[str, str]]:
    """{module: (file name olevba gives it, source)} as olevba reads them from the .xlam."""
    parser = VBA_Parser(str(xlam))
    try:
        return {
            stream.split("/")[-1]: (vba_filename, code)
            for _, stream, vba_filename, code in parser.extract_macros()
        }
    finally:
        parser.close()


def sources(project: ovba.Project) -> dict[str, str]:
    return {module.name: module.source for module in project.modules}


# --- the build ------------------------------------------------------------------------------


def test_two_builds_give_identical_bytes(xlam: Path, tmp_path: Path) -> None:
    again = build.build_xlam(tmp_path / "again.xlam")
    assert again.read_bytes() == xlam.read_bytes()


def test_committed_addin_is_a_fresh_build(xlam: Path, parts: dict[str, bytes]) -> None:
    assert COMMITTED.is_file(), "addin/jixiao.xlam is missing: run python addin/build.py"
    with zipfile.ZipFile(COMMITTED) as archive:
        committed = {name: archive.read(name) for name in archive.namelist()}
    stale = sorted(n for n in set(parts) | set(committed) if parts.get(n) != committed.get(n))
    assert COMMITTED.read_bytes() == xlam.read_bytes(), (
        f"addin/jixiao.xlam is stale (parts {stale}): run python addin/build.py"
    )


def test_command_line_builds_the_same_file(xlam: Path, tmp_path: Path) -> None:
    """Another process, another hash seed: nothing in the output may depend on either."""
    target = tmp_path / "cli.xlam"
    result = subprocess.run(
        [sys.executable, str(ROOT / "addin" / "build.py"), "-o", str(target)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": "4242"},
    )
    assert str(target) in result.stdout
    assert target.read_bytes() == xlam.read_bytes()


def test_zip_entries_have_fixed_times_and_no_host_os(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos[:2]] == ["[Content_Types].xml", "_rels/.rels"]
    assert {(i.date_time, i.create_system, i.compress_type) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), 0, zipfile.ZIP_STORED)
    }


def test_build_refuses_what_it_cannot_write_faithfully() -> None:
    for source in (
        "@xw.func(volatile=True)\ndef F(a): pass\n",
        "@xw.func(category='x')\n@xw.arg('a', doc='d', numbers=int)\ndef F(a): pass\n",
        "@xw.func\n@xw.ret(expand='table')\ndef F(a): pass\n",
    ):
        with pytest.raises(vba.VbaError, match="decorator options"):
            vba.udf_help(source, {}, ["F"])
    with pytest.raises(vba.VbaError, match="category"):
        vba.udf_help("@xw.func\n@xw.arg('a', doc='d')\ndef F(a):\n    'x'\n", {}, ["F"])
    with pytest.raises(vba.VbaError, match="exactly"):
        vba.udf_help("@xw.func(category='c')\ndef F(a):\n    'x'\n", {}, ["F"])
    with pytest.raises(vba.VbaError, match="docstring"):
        vba.udf_help("@xw.func(category='c')\n@xw.arg('a', doc='d')\ndef F(a): pass\n", {}, ["F"])
    with pytest.raises(vba.VbaError, match="ASCII"):
        vba.vba_lines('MsgBox "绩效"')
    with pytest.raises(build.BuildError, match="only plain arguments"):
        build.udf_arguments(lambda *values: values)
    with pytest.raises(build.BuildError, match="not usable as a VBA name"):
        build.udf_arguments(lambda string: string)
    with pytest.raises(build.BuildError, match="exactly one"):
        build.replace_once("no constant here", "PROJECT_NAME", "x")
    with pytest.raises(ovba.OvbaError, match="code page"):
        ovba.mbcs("绩效")


# --- package: ribbon, relationships, content types, code names ------------------------------


def ribbon_buttons(xml: bytes) -> list[SafeET.Element]:
    root = SafeET.fromstring(xml)
    assert root.tag == f"{RIBBON_NS}customUI"
    tabs = root.findall(f"{RIBBON_NS}ribbon/{RIBBON_NS}tabs/{RIBBON_NS}tab")
    assert [tab.get("label") for tab in tabs] == ["绩效目标"]
    return tabs[0].findall(f"{RIBBON_NS}group/{RIBBON_NS}button")


def test_ribbon_xml_is_the_2009_schema_with_the_tables_buttons(parts: dict[str, bytes]) -> None:
    source = parts["customUI/customUI14.xml"]
    assert source == vba.custom_ui().encode()
    assert "customUI/customUI.xml" not in parts
    buttons = ribbon_buttons(source)
    assert [b.get("label") for b in buttons] == [
        "一键校验",
        "新建项目表",
        "清除标记",
        "汇总",
        "导入",
        "生成公开文本",
        "帮助",
    ]
    assert [b.get("onAction") for b in buttons] == [f"JixiaoRibbon.{b.callback}" for b in BUTTONS]
    assert all(b.get("imageMso") and b.get("size") in ("large", "normal") for b in buttons)
    root = SafeET.fromstring(source)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))


def test_generated_sources_beside_the_build_are_fresh() -> None:
    """addin/customUI.xml, JixiaoRibbon.bas and JixiaoSupport.bas are the generator's output
    (written by python addin/build.py, for reading): nobody edits them by hand."""
    generated = build.generated_sources()
    assert set(generated) == {
        ROOT / "addin" / name for name in ("customUI.xml", "JixiaoRibbon.bas", "JixiaoSupport.bas")
    }
    for path, data in generated.items():
        assert path.read_bytes() == data, f"{path.name} is stale: run python addin/build.py"


def test_ribbon_relationship_and_content_types(parts: dict[str, bytes]) -> None:
    rels = SafeET.fromstring(parts["_rels/.rels"])
    targets = {r.get("Type"): r.get("Target") for r in rels}
    assert targets[UI_RELATIONSHIP] == "customUI/customUI14.xml"
    assert len({r.get("Id") for r in rels}) == len(rels)
    types_root = SafeET.fromstring(parts["[Content_Types].xml"])
    defaults = {e.get("Extension") for e in types_root if e.tag.endswith("Default")}
    overrides = {e.get("PartName"): e.get("ContentType") for e in types_root}
    overrides.pop(None)
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    assert {name.lstrip("/") for name in overrides} <= set(parts)
    for name in parts:
        assert f"/{name}" in overrides or name.rsplit(".", 1)[-1] in defaults, name


def test_document_modules_match_the_workbook_code_names(
    parts: dict[str, bytes], project: ovba.Project
) -> None:
    workbook = parts["xl/workbook.xml"].decode()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    documents = [m.name for m in project.modules if m.kind is ovba.ModuleKind.DOCUMENT]
    assert 'workbookPr codeName="ThisWorkbook"' in workbook
    assert f'sheetPr codeName="{build.CONFIG_SHEET_CODE_NAME}"' in sheet
    assert documents == ["ThisWorkbook", build.CONFIG_SHEET_CODE_NAME]
    assert f'name="{build.CONFIG_SHEET}"' in workbook
    assert "absPath" not in workbook and "felix" not in workbook.lower()


def test_runtime_reads_its_config_under_our_project_name(project: ovba.Project) -> None:
    runtime = sources(project)["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "jixiao"' in runtime
    inactive = f"_{build.PROJECT_NAME}.conf"  # like the template's: GetConfig ignores it
    assert inactive == build.CONFIG_SHEET
    version = importlib.metadata.version("xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in runtime


# --- VBA project: read back by olevba, olefile, and against xlwings' template ---------------


def test_every_module_reads_back_byte_exact(
    read_back: dict[str, tuple[str, str]], project: ovba.Project
) -> None:
    assert list(read_back) == [m.name for m in project.modules]
    for module in project.modules:
        file_name, code = read_back[module.name]
        extension = ".bas" if module.kind is ovba.ModuleKind.STANDARD else ".cls"
        assert file_name == module.name + extension
        assert code == module.source, module.name


def test_module_streams_are_compressed_source_without_pcode(
    xlam: Path, project: ovba.Project
) -> None:
    ole = olefile.OleFileIO(zipfile.ZipFile(xlam).read("xl/vbaProject.bin"))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    for module in project.modules:
        raw = ole.openstream(f"VBA/{module.name}").read()
        assert bytes(decompress_stream(bytearray(raw))) == ovba.mbcs(module.source)


def test_container_passes_olefile_checks(xlam: Path, project: ovba.Project) -> None:
    data = zipfile.ZipFile(xlam).read("xl/vbaProject.bin")
    assert olefile.isOleFile(data=data)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.parsing_issues == []
    expected = {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"}
    expected |= {f"VBA/{m.name}" for m in project.modules}
    assert {"/".join(path) for path in ole.listdir()} == expected
    for path in expected:
        assert len(ole.openstream(path).read()) == ole.get_size(path) > 0
    assert_sane_directory(ole)


def assert_sane_directory(ole: olefile.OleFileIO) -> None:
    """Every sibling tree is a binary search tree in MS-CFB order and a valid red-black
    tree; no CLSIDs or timestamps (they would make builds differ)."""
    entries = [e for e in ole.direntries if e is not None]
    assert ole.direntries[0].color == cfb.BLACK
    for entry in entries:
        assert (entry.clsid, entry.createTime, entry.modifyTime) == ("", 0, 0), entry.name
        if entry.sid_child != olefile.NOSTREAM:
            names = in_order(ole, entry.sid_child)
            keys = [(len(name), name.upper()) for name in names]
            assert keys == sorted(keys) and len(set(keys)) == len(keys)
            black_height(ole, entry.sid_child, parent_red=False)
            assert ole.direntries[entry.sid_child].color == cfb.BLACK


def in_order(ole: olefile.OleFileIO, sid: int) -> list[str]:
    if sid == olefile.NOSTREAM:
        return []
    node = ole.direntries[sid]
    return [*in_order(ole, node.sid_left), node.name, *in_order(ole, node.sid_right)]


def black_height(ole: olefile.OleFileIO, sid: int, parent_red: bool) -> int:
    if sid == olefile.NOSTREAM:
        return 1
    node = ole.direntries[sid]
    red = node.color == cfb.RED
    assert not (red and parent_red), f"red {node.name} under a red parent"
    left = black_height(ole, node.sid_left, red)
    assert left == black_height(ole, node.sid_right, red), f"unbalanced at {node.name}"
    return left + (0 if red else 1)


def test_project_stream_lists_modules_and_an_open_project(
    xlam: Path, project: ovba.Project
) -> None:
    ole = olefile.OleFileIO(zipfile.ZipFile(xlam).read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert text.startswith(f'ID="{build.PROJECT_ID}"\r\n')
    lines = text.split("\r\n")
    for module in project.modules:
        suffix = "/&H00000000" if module.kind is ovba.ModuleKind.DOCUMENT else ""
        assert f"{module.kind.value[0]}={module.name}{suffix}" in lines
    assert 'Name="jixiao"' in lines
    key = sum(build.PROJECT_ID.encode()) & 0xFF
    values = dict(re.findall(r'^(CMG|DPB|GC)="([0-9A-F]+)"\r$', text, re.MULTILINE))
    assert ovba.decrypt(bytes.fromhex(values["CMG"])) == (2, key, bytes(4))
    assert ovba.decrypt(bytes.fromhex(values["DPB"])) == (2, key, b"\x00")
    assert ovba.decrypt(bytes.fromhex(values["GC"])) == (2, key, b"\xff")
    wm = ole.openstream("PROJECTwm").read()
    assert (
        wm
        == b"".join(
            m.name.encode() + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
            for m in project.modules
        )
        + b"\x00\x00"
    )


def test_decrypt_reads_the_spec_example_and_the_xlwings_template() -> None:
    """Our reading of MS-OVBA 2.4.3 checked on data written by Office: the spec's example
    (3.1.6) and xlwings' template.  Each yields version 2 and the key of its project id."""
    examples = {
        "{917DED54-440B-4FD1-A5C1-74ACF261E600}": [
            "0705D8E3D8EDDBF1DBF1DBF1DBF1",
            "0E0CD1ECDFF4E7F5E7F5E7",
            "1517CAF1D6F9D7F9D706",
        ]
    }
    template = template_project_text()
    template_id = re.search(r'^ID="([^"]+)"', template, re.MULTILINE)
    assert template_id is not None
    examples[template_id[1]] = re.findall(r'^(?:CMG|DPB|GC)="([0-9A-F]+)"', template, re.M)
    for project_id, blobs in examples.items():
        key = sum(project_id.encode()) & 0xFF
        decoded = [ovba.decrypt(bytes.fromhex(blob)) for blob in blobs]
        assert decoded == [(2, key, bytes(4)), (2, key, b"\x00"), (2, key, b"\xff")]


@given(st.binary(max_size=64), st.integers(0, 255))
def test_encrypt_round_trips(data: bytes, seed: int) -> None:
    assert ovba.decrypt(ovba.encrypt(build.PROJECT_ID, data, seed)) == (
        2,
        sum(build.PROJECT_ID.encode()) & 0xFF,
        data,
    )


def template_ole() -> olefile.OleFileIO:
    template = build.xlwings_dir() / build.TEMPLATE
    return olefile.OleFileIO(zipfile.ZipFile(template).read("xl/vbaProject.bin"))


def template_project_text() -> str:
    return template_ole().openstream("PROJECT").read().decode("cp1252")


def template_module_source(name: str) -> str:
    """A module of xlwings' template as Excel stored it (source after its p-code cache)."""
    ole = template_ole()
    dir_stream = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    offset = module_offset(dir_stream, name)
    raw = ole.openstream(f"VBA/{name}").read()[offset:]
    return bytes(decompress_stream(bytearray(raw))).decode("cp1252")


def module_offset(dir_stream: bytes, name: str) -> int:
    """MODULEOFFSET of module `name` in a decompressed dir stream (2.3.4.2.3.2.5)."""
    start = dir_stream.index(struct.pack("<HI", 0x19, len(name)) + name.encode())
    at = dir_stream.index(struct.pack("<HI", 0x31, 4), start)
    return int(struct.unpack_from("<I", dir_stream, at + 6)[0])


def test_document_and_class_modules_match_what_excel_stored(project: ovba.Project) -> None:
    ours = sources(project)
    # ThisWorkbook: Excel's attributes, then our Workbook_Open (the function wizard texts)
    assert ours["ThisWorkbook"] == template_module_source("ThisWorkbook") + build.vba_text(
        vba.this_workbook_code()
    )
    assert ours["Sheet2"] == template_module_source("Sheet2")
    # VBE re-cases identifiers project-wide (Err -> err here); the text is otherwise equal.
    assert ours["Dictionary"].lower() == template_module_source("Dictionary").lower()


# --- compression: against oletools' independent decompressor ------------------------------


def round_trip(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(ovba.compress(data))))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3 * 4096 + 100))
def test_compress_round_trips_random_bytes(data: bytes) -> None:
    assert round_trip(data) == data


VBA_WORDS = ["Dim", "As", "String", "End", "Sub", "If", "Then", "x", "=", "(", ")", '"', "'"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(VBA_WORDS) | st.sampled_from([" " * 4, " " * 40, "\r\n", "_" * 300]),
        max_size=3000,
    )
)
def test_compress_round_trips_source_like_text(words: list[str]) -> None:
    data = " ".join(words).encode()
    assert round_trip(data) == data


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 20_000), st.integers(0, 2**32), st.sampled_from([1, 7, 64, 4096]))
def test_compress_round_trips_large_mixed_inputs(size: int, seed: int, period: int) -> None:
    """Random bytes with a repeating stretch: incompressible and compressible chunks mixed."""
    noise = random_bytes(size, seed)
    data = noise[: size // 2] + (noise[:period] * (size // period + 1))[: size // 2]
    assert round_trip(data) == data


@pytest.mark.parametrize("size", [1, 3, 4095, 4096, 4097, 8192, 8193])
@pytest.mark.parametrize("kind", ["random", "repeat"])
def test_compress_round_trips_at_chunk_boundaries(size: int, kind: str) -> None:
    data = random_bytes(size, seed=size) if kind == "random" else (b"abc" * size)[:size]
    assert round_trip(data) == data


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def test_compress_round_trips_every_real_module(project: ovba.Project) -> None:
    runtime = (build.xlwings_dir() / build.RUNTIME).read_bytes()
    assert len(runtime) > 40_000 and runtime.count(b"\n") > 1000
    for data in [runtime, *(ovba.mbcs(m.source) for m in project.modules)]:
        assert round_trip(data) == data


def copy_tokens(container: bytes) -> Iterator[tuple[int, int]]:
    """(bit_count, length) of every copy token, walking the chunks of `container`."""
    at = 1
    while at < len(container):
        (header,) = struct.unpack_from("<H", container, at)
        end, at, position = at + 2 + (header & 0x0FFF) + 1, at + 2, 0
        if not header & 0x8000:
            at = end
            continue
        while at < end:
            flags, at = container[at], at + 1
            for bit in range(8):
                if at >= end:
                    break
                if not flags >> bit & 1:
                    at, position = at + 1, position + 1
                    continue
                bit_count = max((position - 1).bit_length(), 4)
                (token,) = struct.unpack_from("<H", container, at)
                length = (token & (0xFFFF >> bit_count)) + 3
                yield bit_count, length
                at, position = at + 2, position + length


def test_long_runs_respect_the_copy_token_length_limit() -> None:
    """ms-ovba-compression 1.0.1 caps matches at ``0xFFFF << bit_count + 3`` instead of
    ``(0xFFFF >> bit_count) + 3``: a run longer than the real cap, late in a chunk, then
    overflows the length field into the offset.  Here the real cap binds for offset widths
    9 to 12 bits (runs of 300 spaces; the cap is 130 bytes at 9 bits, 18 at 12)."""
    text = b"".join(b"x = %d\r\n" % i + b" " * 300 for i in range(40))
    tokens = list(copy_tokens(ovba.compress(text)))
    capped = {bits for bits, length in tokens if length == (0xFFFF >> bits) + 3}
    assert {9, 10, 11, 12} <= capped
    assert all(length <= (0xFFFF >> bits) + 3 for bits, length in tokens)
    assert round_trip(text) == text


def test_the_ms_ovba_compression_cap_would_corrupt_that_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The input above really tells the two caps apart: with the library's formula the
    container no longer decompresses to the text (or not at all)."""
    text = b"".join(b"x = %d\r\n" % i + b" " * 300 for i in range(40))
    monkeypatch.setattr(ovba, "max_copy_length", lambda bit_count: 0xFFFF << bit_count + 3)
    try:
        corrupted = round_trip(text)
    except (ValueError, IndexError):  # oletools rejects offsets before the chunk start
        return
    assert corrupted != text


# --- compound file writer -------------------------------------------------------------------

stream_names = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef_0123456789", min_size=1, max_size=31
)


@settings(max_examples=25, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["", "VBA/", "VBA/Sub/"]), stream_names),
        st.integers(1, 9000) | st.sampled_from([63, 64, 4095, 4096, 70_000]),
        max_size=40,
    )
)
def test_compound_file_round_trips_through_olefile(layout: dict[tuple[str, str], int]) -> None:
    streams = {
        folder + name: random_bytes(size, seed=size)
        for (folder, name), size in layout.items()
        if (folder + name).upper() not in ("VBA", "VBA/SUB")  # those are storages
    }
    if len({path.upper() for path in streams}) < len(streams):
        with pytest.raises(cfb.CfbError, match="ignore case"):
            cfb.compound_file(streams)
        return
    data = cfb.compound_file(streams)
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert {"/".join(p): ole.openstream(p).read() for p in ole.listdir()} == streams
    assert_sane_directory(ole)


# --- UDF wrappers: identical to what xlwings' own generator writes -------------------------


@pytest.fixture
def xlwings_udfs(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """xlwings.udfs, importable off Windows once its COM imports are stand-ins; its
    generate_vba_wrapper never touches them."""
    stand_ins = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes")}
    stand_ins["win32com"] = types.ModuleType("win32com")
    stand_ins["win32com.client"] = types.ModuleType("win32com.client")
    stand_ins["pythoncom"].CoInitialize = lambda: None  # type: ignore[attr-defined]
    stand_ins["pywintypes"].com_error = Exception  # type: ignore[attr-defined]
    stand_ins["win32com.client"].Dispatch = None  # type: ignore[attr-defined]
    for name, module in stand_ins.items():
        monkeypatch.setitem(sys.modules, name, module)
    module = importlib.import_module("xlwings.udfs")
    yield module
    sys.modules.pop("xlwings.udfs", None)  # nothing else may see the stand-ins
    with contextlib.suppress(AttributeError):
        delattr(sys.modules["xlwings"], "udfs")


def xlwings_wrapper(udfs: types.ModuleType, function: Callable[..., object]) -> str:
    """What xlwings writes for `function` in an .xlam (on a copy: xlfunc marks its input)."""
    copy = types.FunctionType(
        function.__code__, function.__globals__, function.__name__, function.__defaults__
    )
    out = io.StringIO()
    module = types.SimpleNamespace(**{function.__name__: udfs.xlfunc(copy)})
    udfs.generate_vba_wrapper(build.UDF_MODULE, module, out, types.SimpleNamespace(Name="j.xlam"))
    return out.getvalue()


def test_udf_wrappers_equal_xlwings_own_output(
    xlwings_udfs: types.ModuleType, read_back: dict[str, tuple[str, str]]
) -> None:
    module = read_back["JixiaoUdfs"][1].replace("\r\n", "\n")
    for function in jixiao_udfs.UDFS:
        wrapper = xlwings_wrapper(xlwings_udfs, function)
        assert wrapper in module, function.__name__
    declared = re.findall(r"^Function (\w+)\((.*)\)$", module, re.MULTILINE)
    assert [name for name, _ in declared] == [f.__name__ for f in jixiao_udfs.UDFS]


def test_udf_wrappers_take_each_functions_arguments(read_back: dict[str, tuple[str, str]]) -> None:
    module = read_back["JixiaoUdfs"][1]
    assert module.startswith('Attribute VB_Name = "JixiaoUdfs"\r\n')
    assert '#Const App = "Microsoft Excel"' in module
    for function in jixiao_udfs.UDFS:
        parameters = inspect.signature(function).parameters.values()
        expected = ", ".join(
            ("Optional " if p.default is not p.empty else "") + p.name for p in parameters
        )
        name = function.__name__
        assert f"\r\nFunction {name}({expected})\r\n" in module
        names = ", ".join(p.name for p in parameters)
        assert f'XLPy.CallUDF("jixiao_udfs", "{name}", Array({names}), ActiveWorkbook' in module


# --- ribbon callbacks, read back with oletools ------------------------------------------------


def test_shipped_vba_modules_are_ascii_with_crlf() -> None:
    for path in sorted((ROOT / "addin").glob("*.bas")):
        data = path.read_bytes()
        assert data.isascii(), path.name
        assert b"\n" not in data.replace(b"\r\n", b""), path.name
        assert b"\r\nOption Explicit\r\n" in data, path.name


def callbacks(source: str) -> dict[str, list[str]]:
    """{Sub name: its body's statements} of every ribbon callback in a module."""
    found = re.findall(
        r"^Public Sub (\w+)\(control As IRibbonControl\)\r\n(.*?)\r\nEnd Sub\r\n",
        source,
        re.MULTILINE | re.DOTALL,
    )
    return {name: [line.strip() for line in body.split("\r\n")] for name, body in found}


def test_buttons_are_one_set_in_the_xml_the_vba_and_the_handler_table(
    read_back: dict[str, tuple[str, str]], parts: dict[str, bytes]
) -> None:
    """The ribbon XML, the VBA module and Python's handler table are generated from, or keyed
    by, the one table of buttons: all three name the same buttons."""
    in_xml = {b.get("onAction") for b in ribbon_buttons(parts["customUI/customUI14.xml"])}
    in_vba = {f"JixiaoRibbon.{name}" for name in callbacks(read_back["JixiaoRibbon"][1])}
    in_table = {f"JixiaoRibbon.{b.callback}" for b in BUTTONS}
    assert in_xml == in_vba == in_table and len(in_table) == 7
    python_buttons = {b.key for b in BUTTONS if b.python}
    assert set(HANDLERS) == python_buttons
    run_keys = set(re.findall(r'RunButton "(\w+)"', read_back["JixiaoRibbon"][1]))
    assert run_keys == python_buttons


def test_every_ribbon_callback_begins_with_the_guard(read_back: dict[str, tuple[str, str]]) -> None:
    bodies = callbacks(read_back["JixiaoRibbon"][1])
    for button in BUTTONS:
        first, action = bodies[button.callback]
        assert (
            first
            == f'If Not JixiaoSupport.Ready({int(button.needs)}, "{button.key}") Then Exit Sub'
        )
        expected = (
            f'JixiaoSupport.RunButton "{button.key}"' if button.python else "JixiaoSupport.ShowHelp"
        )
        assert action == expected
    needs = {b.key: b.needs for b in BUTTONS}
    assert needs["validate"] == needs["new_project"] == Needs.TEMPLATE
    assert needs["help"] == Needs.NOTHING


def module_options(source: str) -> list[str]:
    """The Option statements of a module's declarations section (before any procedure)."""
    head = re.split(r"^(?:Public |Private )?(?:Sub|Function) ", source, maxsplit=1, flags=re.M)[0]
    return re.findall(r"^Option [\w ]+", head, re.MULTILINE)


def test_only_jx_functions_are_visible_to_the_workbook(
    read_back: dict[str, tuple[str, str]],
) -> None:
    """The runtime and the support module are private; in the public standard modules every
    Function is a JX_ worksheet function and every Sub takes an argument (no macro-list entry)."""
    assert "Option Private Module" in module_options(read_back["xlwings"][1])
    assert "Option Private Module" in module_options(read_back["JixiaoSupport"][1])
    public_modules = [
        name
        for name, (file_name, source) in read_back.items()
        if file_name.endswith(".bas") and "Option Private Module" not in module_options(source)
    ]
    assert sorted(public_modules) == ["JixiaoRibbon", "JixiaoUdfs"]
    for name in public_modules:
        source = read_back[name][1]
        functions = re.findall(r"^(?:Public )?Function (\w+)", source, re.MULTILINE)
        assert all(f.startswith("JX_") for f in functions), (name, functions)
        subs = re.findall(r"^(?:Public )?Sub (\w+)\((.*)\)", source, re.MULTILINE)
        assert all(arguments for _, arguments in subs), (name, subs)
    udfs = re.findall(r"^Function (\w+)", read_back["JixiaoUdfs"][1], re.MULTILINE)
    assert udfs == [f.__name__ for f in jixiao_udfs.UDFS]


def test_runtime_finds_its_config_through_unicode_apis(
    read_back: dict[str, tuple[str, str]],
) -> None:
    runtime = read_back["xlwings"][1]
    assert 'Environ("USERPROFILE")' not in runtime
    assert (
        'GetConfigFilePath = JixiaoSupport.UserFolder() & "\\." & PROJECT_NAME & "\\" & '
        'PROJECT_NAME & ".conf"' in runtime
    )
    support = read_back["JixiaoSupport"][1]
    assert 'ExpandEnvironmentStrings("%USERPROFILE%")' in support and ".ShortPath" in support


def vba_texts(source: str) -> dict[str, str]:
    """{key: text} of the Msg function, decoded from its U("...") chunks as VBA would."""
    body = source.split("Public Function Msg(", 1)[1].split("End Function", 1)[0]
    found: dict[str, str] = {}
    for key, block in re.findall(
        r'Case "(\w+)"\r\n(.*?)(?=\r\n\s*Case |\r\n\s*End Select)', body, re.S
    ):
        found[key] = "".join(vba.decode_units(h) for h in re.findall(r'U\("([0-9A-F]*)"\)', block))
    return found


def test_vba_messages_are_the_tables_texts(read_back: dict[str, tuple[str, str]]) -> None:
    from jixiao.excel import buttons

    shown = vba_texts(read_back["JixiaoSupport"][1])
    assert shown["help"] == buttons.HELP_TEXT.replace("\n", "\r\n")
    assert shown["protected_view"] == buttons.PROTECTED_VIEW
    assert shown["no_workbook"] == buttons.NO_WORKBOOK
    assert shown["title"] == buttons.TITLE
    for button in BUTTONS:
        if button.needs >= Needs.TEMPLATE:
            assert shown[f"not_template_{button.key}"] == buttons.not_template(button)
    assert f'TEMPLATE_MARK As String = "{TEMPLATE_MARK}"' in read_back["JixiaoSupport"][1]


def test_worksheet_functions_register_their_category_and_help(
    read_back: dict[str, tuple[str, str]],
) -> None:
    """Workbook_Open → RegisterFunctions: every JX_ function in the 绩效目标 category, with the
    docstring's first line and one help text per argument, as the decorators say."""
    assert "JixiaoSupport.RegisterFunctions" in read_back["ThisWorkbook"][1]
    body = read_back["JixiaoSupport"][1].split("Public Sub RegisterFunctions()", 1)[1]
    blocks = re.split(r"\r\n    ' (JX_\w+)\r\n", body)[1:]
    registered = dict(zip(blocks[::2], blocks[1::2], strict=True))
    assert list(registered) == [f.__name__ for f in jixiao_udfs.UDFS]
    for function in jixiao_udfs.UDFS:
        block = registered[function.__name__]
        values = {
            target: "".join(vba.decode_units(h) for h in re.findall(r'U\("([0-9A-F]*)"\)', line))
            for target, line in re.findall(r"^    (\w+(?:\(\d+\))?) = (.*)$", block, re.M)
        }
        assert values["category"] == jixiao_udfs.CATEGORY == "绩效目标"
        docstring = inspect.getdoc(function)
        assert docstring is not None and values["description"] == docstring.splitlines()[0]
        parameters = list(inspect.signature(function).parameters)
        arguments = [values[f"arguments({i})"] for i in range(len(parameters))]
        assert all(arguments) and len(set(arguments)) >= len(parameters) - 1
        assert f"'!{function.__name__}\"" in block and "ArgumentDescriptions:=arguments" in block


# --- LibreOffice: an independent reader of vbaProject.bin --------------------------------


@pytest.mark.libreoffice
def test_libreoffice_imports_every_module(lo: LibreOffice, xlam: Path, tmp_path: Path) -> None:
    """LibreOffice parses the VBA project when it loads the add-in (type detection does not
    know the add-in content type, so the filter is named) and imports it into Basic with
    its own reader: the library is named from the dir stream's PROJECTNAME, the module types
    come from MODULETYPE records, the code from decompressing each module stream at its
    MODULEOFFSET.  LibreOffice drops Attribute lines and adds its own VBA-mode header."""
    copy = tmp_path / "jixiao.xlam"
    shutil.copyfile(xlam, copy)
    doc = lo.call("open", path=str(copy), filter="Calc MS Excel 2007 VBA XML")
    try:
        libraries = lo.call("basic_modules", doc=doc)
    finally:
        lo.close_doc(doc)
    project = build.vba_project()
    modules = libraries[build.PROJECT_NAME]
    assert sorted(modules) == sorted(m.name for m in project.modules)
    for module in project.modules:
        imported = modules[module.name]
        assert imported["type"] == MODULE_TYPE[module.kind], module.name
        assert libreoffice_code(imported["source"]) == code_lines(module.source), module.name


LIBREOFFICE_HEADER = re.compile(
    r"Rem Attribute VBA_ModuleType=\w+|Option VBASupport 1|Option ClassModule"
)


def libreoffice_code(source: str) -> list[str]:
    lines = source.replace("\r\n", "\n").split("\n")
    while lines and LIBREOFFICE_HEADER.fullmatch(lines[0]):
        lines.pop(0)
    return strip_blank_tail(lines)


def code_lines(source: str) -> list[str]:
    lines = source.split("\r\n")
    return strip_blank_tail([line for line in lines if not line.startswith("Attribute ")])


def strip_blank_tail(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
