"""Build ``jixiao.xlam`` reproducibly: ``python addin/build.py [-o addin/jixiao.xlam]``.

The package is xlwings' own custom add-in template (``quickstart_addin_ribbon.xlam`` of the
pinned xlwings wheel: config sheet, styles, theme) with our ribbon (``customUI/customUI14.xml``,
generated from the button table) and a VBA project written here from source text:

* ``xlwings``       -- the wheel's ``xlwings_custom_addin.bas`` (the UDF server, GetConfig) with
                       ``PROJECT_NAME = "jixiao"`` (its settings come from a ``jixiao.conf``
                       file), made private (``Option Private Module``: its functions do not show
                       in Excel's function list), and reading that file from the profile folder
                       found through Unicode APIs (``JixiaoSupport.UserFolder``), not ANSI Environ;
* ``Dictionary``    -- the wheel's ``addin/Dictionary.cls``, which the runtime needs on a Mac;
* ``JixiaoRibbon``  -- the ribbon callbacks, generated from ``jixiao.excel.buttons.BUTTONS``;
* ``JixiaoSupport`` -- private helpers: the guard, the hand-over to Python, the help, the
                       function wizard texts (see ``addin/vba.py``);
* ``JixiaoUdfs``    -- generated from ``jixiao_udfs.UDFS`` as xlwings' ``import_udfs`` would
                       write it, so nobody needs "Trust access to the VBA project object model";
* ``ThisWorkbook`` and ``Sheet2`` -- the document modules of the workbook and config sheet;
                       ThisWorkbook's Workbook_Open registers the functions' help texts.

``python addin/build.py`` also writes the generated ``customUI.xml``, ``JixiaoRibbon.bas`` and
``JixiaoSupport.bas`` beside it, for reading (a test keeps them equal to the generator's output).
Nothing depends on the clock or on chance, so two builds give identical bytes.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import inspect
import io
import os
import re
import sys
import tempfile
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

if not __package__:  # run as `python addin/build.py`: import the siblings as package "addin"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "addin"

from . import vba
from .ovba import Module, ModuleKind, Project, Reference, vba_project_bin

ADDIN_DIR = Path(__file__).resolve().parent
DEFAULT_OUTPUT = ADDIN_DIR / "jixiao.xlam"
CUSTOM_UI = ADDIN_DIR / "customUI.xml"
GENERATED_MODULES = (vba.RIBBON_MODULE, vba.SUPPORT_MODULE)
"""Modules whose text is also written to ``addin/<name>.bas`` for reading."""
TEMPLATE = "quickstart_addin_ribbon.xlam"
RUNTIME = "xlwings_custom_addin.bas"
DICTIONARY = "addin/Dictionary.cls"

PROJECT_NAME = "jixiao"
"""The VBA project's name and xlwings' PROJECT_NAME: config sheet and file ``jixiao.conf``."""
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "jixiao.xlam/vbaProject")).upper() + "}"
UDF_MODULE = "jixiao_udfs"
CONFIG_SHEET = "_jixiao.conf"
"""The template's (inactive: leading underscore) config sheet, renamed for our project name."""
CONFIG_SHEET_CODE_NAME = "Sheet2"
BUILD_TIME = "2024-01-01T00:00:00Z"
"""Fixed creation time in docProps/core.xml: a clock time would make every build differ."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

REFERENCES = (
    Reference(
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0"
        r"#C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    # IRibbonControl comes from the Office library; the path is only a hint, Office looks the
    # library up by its GUID.  Same reference as in xlwings' template.
    Reference(
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0"
        r"#C:\Program Files (x86)\Common Files\Microsoft Shared\OFFICE16\MSO.DLL"
        r"#Microsoft Office 16.0 Object Library",
    ),
)
DOCUMENT_BASES = {
    "ThisWorkbook": "0{00020819-0000-0000-C000-000000000046}",  # Excel's Workbook class
    CONFIG_SHEET_CODE_NAME: "0{00020820-0000-0000-C000-000000000046}",  # Worksheet
}
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
"""VB_Base of a class module: VBE adds it (and two flags) when it imports a .cls file."""

_RESERVED_WORDS = """
    abs addressof and any array as attribute boolean byref byte byval call case cbool cbyte
    ccur cdate cdbl cdec cint circle clng clnglng clngptr close const csng cstr currency cvar
    cverr date debug declare defbool defbyte defcur defdate defdbl defint deflng deflnglng
    deflngptr defobj defsng defstr defvar dim do double doevents each else elseif empty end
    endif enum eqv erase error event exit false fix for friend function get global gosub goto
    if imp implements in input inputb int integer is lbound len lenb let like lock long
    longlong longptr loop lset me mod new next not nothing null on open option optional or
    paramarray preserve print private pset public put raiseevent redim rem resume return rset
    scale seek select set sgn shared single spc static step stop string sub tab then to true
    type typeof ubound unlock until variant wend while with withevents write xor
"""
VBA_RESERVED = frozenset(_RESERVED_WORDS.split())
"""Names a UDF argument cannot have (MS-VBAL 3.3.5.2 reserved identifiers, lower case)."""


class BuildError(RuntimeError):
    """The inputs cannot make a correct add-in (changed template, unsupported UDF, ...)."""


# --- public API ----------------------------------------------------------------------------


def build_xlam(output: Path = DEFAULT_OUTPUT) -> Path:
    """Write the add-in to `output` (atomically) and return its path."""
    output = Path(output)
    data = xlam_bytes()
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".jixiao-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the add-in from other users
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return output


def xlam_bytes() -> bytes:
    """The complete add-in file."""
    parts = package_parts(vba_project_bin(vba_project()))
    return zip_bytes(parts)


def vba_project() -> Project:
    """The VBA project: xlwings' runtime, our callbacks, the UDF wrappers, the documents."""
    functions = udf_functions()
    modules = [
        document_module("ThisWorkbook", vba.this_workbook_code()),
        document_module(CONFIG_SHEET_CODE_NAME),
        Module("xlwings", ModuleKind.STANDARD, runtime_source()),
        Module("Dictionary", ModuleKind.CLASS, class_source(xlwings_file(DICTIONARY))),
        Module(vba.RIBBON_MODULE, ModuleKind.STANDARD, vba.ribbon_module()),
        Module(vba.SUPPORT_MODULE, ModuleKind.STANDARD, support_source(functions)),
        Module("JixiaoUdfs", ModuleKind.STANDARD, udf_module_source(functions)),
    ]
    for module in modules:
        if not module.source.startswith(f'Attribute VB_Name = "{module.name}"\r\n'):
            raise BuildError(f"module {module.name}: VB_Name must be its first line")
    return Project(PROJECT_NAME, PROJECT_ID, modules, REFERENCES)


# --- module sources ------------------------------------------------------------------------


def xlwings_dir() -> Path:
    """site-packages/xlwings of the installed (pinned) wheel, found without importing it."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise BuildError("xlwings is not installed: pip install the project first")
    return Path(spec.origin).parent


def xlwings_file(name: str) -> str:
    return read_ascii(xlwings_dir() / name)


def read_ascii(path: Path) -> str:
    """A VBA source file; VBA modules here are ASCII so the code page never matters."""
    data = path.read_bytes()
    if not data.isascii():
        raise BuildError(f"{path} is not ASCII")
    return data.decode("ascii")


def vba_text(text: str) -> str:
    """`text` with CRLF line ends (as VBE stores modules), ending in one."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    return "".join(line + "\r\n" for line in lines)


RUNTIME_CONFIG_PATH = (
    '        GetConfigFilePath = {} & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"\r\n'
)
"""The Windows line of the runtime's GetConfigFilePath, around the profile folder."""


def runtime_source() -> str:
    """xlwings' custom add-in runtime with our project name (its config sheet/file name),
    private to the project, reading its config file from a profile path that survives any
    user name (VBA's Environ and file statements are ANSI; UserFolder is not)."""
    source = vba_text(xlwings_file(RUNTIME))
    version = importlib.metadata.version("xlwings")
    if f"\r\n'Version: {version}\r\n" not in source:
        raise BuildError(f"{RUNTIME} is not the one of the installed xlwings {version}")
    constant = 'Public Const PROJECT_NAME As String = "{}"'
    source = replace_once(source, constant.format("myaddin"), constant.format(PROJECT_NAME))
    source = replace_once(
        source,
        RUNTIME_CONFIG_PATH.format('Environ("USERPROFILE")'),
        RUNTIME_CONFIG_PATH.format(f"{vba.SUPPORT_MODULE}.UserFolder()"),
    )
    first = 'Attribute VB_Name = "xlwings"\r\n'
    return replace_once(source, first, first + "Option Private Module\r\n")


def support_source(functions: Sequence[Callable[..., object]]) -> str:
    """The JixiaoSupport module, with the worksheet functions' help texts."""
    try:
        return vba.support_module(vba.udf_help_of(functions))
    except vba.VbaError as exc:
        raise BuildError(str(exc)) from exc


def replace_once(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once: a changed xlwings must stop the build."""
    if text.count(old) != 1:
        raise BuildError(f"expected exactly one {old!r} in xlwings' file")
    return text.replace(old, new)


def document_module(name: str, code: str = "") -> Module:
    """A document module with the attributes Excel writes for it, then ``code``."""
    attributes = {
        "VB_Name": f'"{name}"',
        "VB_Base": f'"{DOCUMENT_BASES[name]}"',
        "VB_GlobalNameSpace": "False",
        "VB_Creatable": "False",
        "VB_PredeclaredId": "True",
        "VB_Exposed": "True",
        "VB_TemplateDerived": "False",
        "VB_Customizable": "True",
    }
    lines = [f"Attribute {key} = {value}" for key, value in attributes.items()]
    return Module(name, ModuleKind.DOCUMENT, vba_text("\n".join(lines)) + vba_text(code))


def class_source(exported: str) -> str:
    """A class module as VBE stores it, from an exported ``.cls`` file: without the
    ``VERSION``/``BEGIN``...``END`` header, with VB_Base after VB_Name and the two flags
    VBE adds after VB_Exposed."""
    lines = vba_text(exported).split("\r\n")[:-1]
    if lines[0] != "VERSION 1.0 CLASS" or "END" not in lines:
        raise BuildError("not an exported class module (VERSION 1.0 CLASS ... END)")
    body = lines[lines.index("END") + 1 :]
    exposed = next(i for i, line in enumerate(body) if line.startswith("Attribute VB_Exposed"))
    body[exposed + 1 : exposed + 1] = [
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
    ]
    body.insert(1, f'Attribute VB_Base = "{CLASS_BASE}"')
    return vba_text("\n".join(body))


# --- UDF wrappers --------------------------------------------------------------------------


def udf_functions() -> Sequence[Callable[..., object]]:
    """The worksheet functions, in the order of ``jixiao_udfs.UDFS``; their decorators carry
    only what does not change the wrapper (category, argument help: see ``vba.udf_help``)."""
    module = importlib.import_module(UDF_MODULE)
    functions: Sequence[Callable[..., object]] = module.UDFS
    return functions


def udf_module_source(functions: Sequence[Callable[..., object]]) -> str:
    """The JixiaoUdfs module: one wrapper per function, then xlwings' text per wrapper."""
    header = [
        'Attribute VB_Name = "JixiaoUdfs"',
        f"'Generated by addin/build.py from {UDF_MODULE}.UDFS as xlwings' import_udfs writes it",
        "'for an add-in: edit the Python functions, not this module.",
        '#Const App = "Microsoft Excel" \'Adjust when using outside of Excel',
    ]
    wrappers = [udf_wrapper(function.__name__, udf_arguments(function)) for function in functions]
    return vba_text("\n".join(header) + "\n" + "".join(wrappers))


def udf_arguments(function: Callable[..., object]) -> list[tuple[str, bool]]:
    """(name, optional) of each argument; only plain positional arguments are supported."""
    arguments = []
    for parameter in inspect.signature(function).parameters.values():
        name = parameter.name
        if parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD or name == "caller":
            raise BuildError(f"{function.__name__}({name}): only plain arguments are supported")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,254}", name) or name.lower() in VBA_RESERVED:
            raise BuildError(f"{function.__name__}({name}): not usable as a VBA name")
        arguments.append((name, parameter.default is not inspect.Parameter.empty))
    return arguments


def udf_wrapper(name: str, arguments: Sequence[tuple[str, bool]]) -> str:
    """What xlwings.udfs.generate_vba_wrapper writes for a plain function in an .xlam:
    ActiveWorkbook (not ThisWorkbook), errors shown in the cell, the non-Excel #Else branch."""
    signature = ", ".join(("Optional " if optional else "") + arg for arg, optional in arguments)
    array = "Array(" + ", ".join(arg for arg, _ in arguments) + ")"
    call = f'XLPy.CallUDF("{UDF_MODULE}", "{name}", {array}'
    return textwrap.dedent(
        f"""\
        Function {name}({signature})
            #If App = "Microsoft Excel" Then
                If TypeOf Application.Caller Is Range Then On Error GoTo failed
                {name} = {call}, ActiveWorkbook, Application.Caller)
                Exit Function
            #Else
                {name} = {call})
                Exit Function
            #End If
        failed:
            {name} = Err.Description
        End Function

        """
    )


# --- the package ---------------------------------------------------------------------------


def package_parts(vba_project_bin: bytes) -> dict[str, bytes]:
    """The parts of the .xlam: xlwings' template with our ribbon, project and properties."""
    with zipfile.ZipFile(xlwings_dir() / TEMPLATE) as template:
        parts = {name: template.read(name) for name in template.namelist()}
    del parts["customUI/customUI.xml"]
    parts["customUI/customUI14.xml"] = vba.custom_ui().encode("utf-8")
    parts["_rels/.rels"] = edit(
        parts["_rels/.rels"], 'Target="customUI/customUI.xml"', 'Target="customUI/customUI14.xml"'
    )
    workbook = edit(parts["xl/workbook.xml"], 'name="_myaddin.conf"', f'name="{CONFIG_SHEET}"')
    # The template remembers the folder it was saved in on its author's machine.
    parts["xl/workbook.xml"], found = re.subn(
        rb"<mc:AlternateContent .*?</mc:AlternateContent>", b"", workbook
    )
    if found != 1:
        raise BuildError("expected one mc:AlternateContent (absPath) in the template workbook")
    parts["xl/vbaProject.bin"] = vba_project_bin
    parts["docProps/core.xml"] = core_properties()
    return parts


def edit(part: bytes, old: str, new: str) -> bytes:
    return replace_once(part.decode("utf-8"), old, new).encode("utf-8")


def core_properties() -> bytes:
    """Title and description that Excel's add-in manager shows; fixed times."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
        'XMLSchema-instance"><dc:title>jixiao 绩效目标</dc:title>'
        "<dc:description>预算绩效目标表的一键校验、新建项目表、汇总与导入（jixiao）</dc:description>"
        "<dc:creator>jixiao</dc:creator><cp:lastModifiedBy>jixiao</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{BUILD_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{BUILD_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    """A zip with fixed order, times and attributes.  Stored, not deflated: zlib builds
    differ between platforms, and the committed add-in must equal a rebuild anywhere."""
    order = ["[Content_Types].xml", "_rels/.rels"]
    names = order + sorted(name for name in parts if name not in order)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 0  # zipfile would record the building OS otherwise
            info.external_attr = 0
            archive.writestr(info, parts[name])
    return buffer.getvalue()


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python addin/build.py [-o PATH]``: build the add-in, print where and how big."""
    parser = argparse.ArgumentParser(description="Build jixiao.xlam reproducibly.")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    path = build_xlam(args.output)
    print(f"{path} ({path.stat().st_size} bytes)")
    if path.resolve() == DEFAULT_OUTPUT:
        for generated, data in generated_sources().items():
            write_if_changed(generated, data)
    return 0


def generated_sources() -> dict[Path, bytes]:
    """The readable copies of what the build generates: ribbon XML and the two modules."""
    project = {module.name: module.source for module in vba_project().modules}
    sources = {CUSTOM_UI: vba.custom_ui().encode("utf-8")}
    for name in GENERATED_MODULES:
        sources[ADDIN_DIR / f"{name}.bas"] = project[name].encode("ascii")
    return sources


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
        print(f"{path} (generated)")


if __name__ == "__main__":
    sys.exit(main())
