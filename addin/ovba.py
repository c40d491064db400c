"""A VBA project (``xl/vbaProject.bin``) written from source text, per [MS-OVBA].

Only what a source-only project needs: the RLE compression of 2.4.1, the data "encryption" of
2.4.3 that hides three PROJECT-stream values, and the streams of 2.3 (PROJECT, PROJECTwm,
VBA/_VBA_PROJECT, VBA/dir, one stream per module).  No p-code or performance cache is written
and ``_VBA_PROJECT.Version`` is 0xFFFF, so Office compiles the project from the source text.
Every value is fixed, so the same modules always give the same bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from . import cfb

CHUNK_SIZE = 4096
MIN_MATCH = 3
MATCH_CANDIDATES = 64
"""How many earlier positions the compressor tries per byte: any match is valid, the longest
only saves space, and VBA source is full of short repeats (indentation) that make long chains."""

CODEPAGE = 1252
LCID_EN_US = 0x409
SYSKIND_WIN32 = 1
ENCRYPTION_SEED = 0x42
"""Seed of the PROJECT-stream obfuscation: Office picks a random one, any value decodes."""
NOT_PROTECTED, NO_PASSWORD, VISIBLE = bytes(4), b"\x00", b"\xff"
"""The obfuscated PROJECT values (2.3.1.15-17): CMG, DPB and GC of an open project."""


class OvbaError(ValueError):
    """Input that cannot be written as a VBA project (a name too long, text not in cp1252)."""


# --- 2.4.1 compression ---------------------------------------------------------------------


def compress(data: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1) that decompresses to exactly `data`."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        out += _chunk(data[start : start + CHUNK_SIZE])
    return bytes(out)


def _chunk(chunk: bytes) -> bytes:
    """One CompressedChunk; an incompressible full chunk is stored raw (flag 0)."""
    tokens = _tokens(chunk)
    if len(tokens) <= CHUNK_SIZE:
        header = (len(tokens) + 2 - 3) | 0x3000 | 0x8000
        return struct.pack("<H", header) + tokens
    if len(chunk) == CHUNK_SIZE:
        return struct.pack("<H", 0x3FFF) + chunk
    # A raw chunk always decompresses to 4096 bytes, so a short final chunk that does not
    # shrink is split: each half fits as compressed tokens (at most 9/8 of its size).
    half = len(chunk) // 2
    return _chunk(chunk[:half]) + _chunk(chunk[half:])


def _tokens(chunk: bytes) -> bytes:
    """The TokenSequences of one chunk: a flag byte, then up to 8 literal or copy tokens."""
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(chunk):
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length, bit_count = _match(chunk, pos, index)
            if length:
                flags |= 1 << bit
                token = ((offset - 1) << (16 - bit_count)) | (length - MIN_MATCH)
                out += struct.pack("<H", token)
            else:
                out.append(chunk[pos])
                length = 1
            for p in range(pos, pos + length):
                index.setdefault(chunk[p : p + MIN_MATCH], []).append(p)
            pos += length
        out[flag_at] = flags
    return bytes(out)


def _match(chunk: bytes, pos: int, index: dict[bytes, list[int]]) -> tuple[int, int, int]:
    """(offset, length, bit_count) of the longest earlier match at `pos`, length 0 if none.

    CopyToken Help (2.4.1.3.19.1): the offset field takes ceil(log2(pos)) bits (at least 4),
    the 16-bit token's other bits hold the length, hence max_copy_length.
    """
    bit_count = max((pos - 1).bit_length(), 4)
    limit = min(max_copy_length(bit_count), len(chunk) - pos)
    best_offset = best_length = 0
    for candidate in reversed(index.get(chunk[pos : pos + MIN_MATCH], [])[-MATCH_CANDIDATES:]):
        length = _common_length(chunk, candidate, pos, limit)
        if length > best_length:
            best_offset, best_length = pos - candidate, length
            if length == limit:
                break
    if best_length < MIN_MATCH:
        return 0, 0, bit_count
    return best_offset, best_length, bit_count


def max_copy_length(bit_count: int) -> int:
    """The longest copy a token can encode when its offset takes `bit_count` bits."""
    return (0xFFFF >> bit_count) + MIN_MATCH


def _common_length(data: bytes, earlier: int, pos: int, limit: int) -> int:
    """How many bytes from `earlier` equal those from `pos` (the copy may overlap `pos`)."""
    length = 0
    while length < limit and data[earlier + length] == data[pos + length]:
        length += 1
    return length


# --- 2.4.3 data encryption (obfuscation of CMG, DPB and GC) ---------------------------------


def encrypt(project_id: str, data: bytes, seed: int = ENCRYPTION_SEED) -> bytes:
    """The Encrypted Data Structure (2.4.3.1) of `data`, with fixed seed and ignored bytes."""
    project_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc, key_enc = seed ^ 2, seed ^ project_key
    out = bytearray([seed, version_enc, key_enc])
    state = [project_key, key_enc, version_enc]  # UnencryptedByte1, EncryptedByte1, -Byte2
    ignored = bytes((seed & 6) // 2)
    for byte in ignored + struct.pack("<I", len(data)) + data:
        encrypted = byte ^ ((state[2] + state[0]) & 0xFF)
        out.append(encrypted)
        state = [byte, encrypted, state[1]]
    return bytes(out)


def decrypt(blob: bytes) -> tuple[int, int, bytes]:
    """(version, project key, data) of an Encrypted Data Structure (2.4.3.3)."""
    seed, version_enc, key_enc = blob[0], blob[1], blob[2]
    state = [seed ^ key_enc, key_enc, version_enc]
    plain = bytearray()
    for encrypted in blob[3:]:
        byte = encrypted ^ ((state[2] + state[0]) & 0xFF)
        plain.append(byte)
        state = [byte, encrypted, state[1]]
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4 :])
    if len(data) != length:
        raise OvbaError(f"encrypted data says {length} bytes, holds {len(data)}")
    return seed ^ version_enc, seed ^ key_enc, data


# --- 2.3 project streams -------------------------------------------------------------------


class ModuleKind(Enum):
    """How the PROJECT stream lists a module, and its MODULETYPE record id."""

    STANDARD = ("Module", 0x21)
    CLASS = ("Class", 0x22)
    DOCUMENT = ("Document", 0x22)


@dataclass(frozen=True)
class Module:
    """One VBA module as VBE stores it: the ``Attribute`` lines first, CRLF line ends."""

    name: str
    kind: ModuleKind
    source: str


@dataclass(frozen=True)
class Reference:
    """A registered type library (REFERENCEREGISTERED), e.g. the Office library."""

    name: str
    libid: str


@dataclass(frozen=True)
class Project:
    """What a vbaProject.bin holds; ``project_id`` is a fixed ``{GUID}``."""

    name: str
    project_id: str
    modules: Sequence[Module]
    references: Sequence[Reference]


def vba_project_bin(project: Project) -> bytes:
    """The compound file ``xl/vbaProject.bin`` of `project`."""
    streams = {
        "PROJECT": project_stream(project),
        "PROJECTwm": projectwm_stream(project.modules),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x01\x00",  # 2.3.4.1, version 0xFFFF
        "VBA/dir": compress(dir_stream(project)),
    }
    for module in project.modules:
        streams[f"VBA/{module.name}"] = compress(mbcs(module.source))
    return cfb.compound_file(streams)


def mbcs(text: str) -> bytes:
    """`text` in the project's code page (cp1252); the sources here are ASCII anyway."""
    try:
        return text.encode(f"cp{CODEPAGE}")
    except UnicodeEncodeError as exc:
        raise OvbaError(f"not representable in code page {CODEPAGE}: {exc}") from exc


def project_stream(project: Project) -> bytes:
    """The PROJECT stream (2.3.1): module list, name and the three obfuscated states."""
    lines = [f'ID="{project.project_id}"']
    for module in project.modules:
        keyword = module.kind.value[0]
        suffix = "/&H00000000" if module.kind is ModuleKind.DOCUMENT else ""
        lines.append(f"{keyword}={module.name}{suffix}")
    lines += [
        f'Name="{project.name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_hex(encrypt(project.project_id, NOT_PROTECTED))}"',
        f'DPB="{_hex(encrypt(project.project_id, NO_PASSWORD))}"',
        f'GC="{_hex(encrypt(project.project_id, VISIBLE))}"',
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *(f"{module.name}=0, 0, 0, 0, C" for module in project.modules),
    ]
    return mbcs("".join(line + "\r\n" for line in lines))


def _hex(data: bytes) -> str:
    return data.hex().upper()


def projectwm_stream(modules: Sequence[Module]) -> bytes:
    """PROJECTwm (2.3.3): each module name in MBCS and UTF-16, NUL-terminated."""
    out = bytearray()
    for module in modules:
        out += mbcs(module.name) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def dir_stream(project: Project) -> bytes:
    """The uncompressed dir stream (2.3.4.2): information, references, modules."""
    return b"".join(
        [
            _information(project),
            *(_reference(reference) for reference in project.references),
            _record(0x0F, struct.pack("<H", len(project.modules))),
            _record(0x13, b"\xff\xff"),  # PROJECTCOOKIE
            *(_module_record(module) for module in project.modules),
            _record(0x10, b""),  # dir Terminator: Reserved = 0
        ]
    )


def _record(record_id: int, payload: bytes) -> bytes:
    """Id (2 bytes), Size (4 bytes), payload: the shape of almost every dir record."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_pair(record_id: int, reserved: int, text: str) -> bytes:
    """A record whose MBCS text is followed by a UTF-16 copy under a `reserved` id."""
    unicode = text.encode("utf-16-le")
    return _record(record_id, mbcs(text)) + struct.pack("<HI", reserved, len(unicode)) + unicode


def _information(project: Project) -> bytes:
    """PROJECTINFORMATION (2.3.4.2.1)."""
    if not 1 <= len(project.name) <= 128:
        raise OvbaError(f"project name must have 1..128 characters: {project.name!r}")
    return b"".join(
        [
            _record(0x01, struct.pack("<I", SYSKIND_WIN32)),
            _record(0x02, struct.pack("<I", LCID_EN_US)),
            _record(0x14, struct.pack("<I", LCID_EN_US)),
            _record(0x03, struct.pack("<H", CODEPAGE)),
            _record(0x04, mbcs(project.name)),
            _text_pair(0x05, 0x40, ""),  # docstring
            _text_pair(0x06, 0x3D, ""),  # help file (both copies)
            _record(0x07, struct.pack("<I", 0)),  # help context
            _record(0x08, struct.pack("<I", 0)),  # lib flags
            struct.pack("<HIIH", 0x09, 4, 1, 0),  # PROJECTVERSION 1.0: Reserved is 4, no Size
            _text_pair(0x0C, 0x3C, ""),  # conditional compilation constants
        ]
    )


def _reference(reference: Reference) -> bytes:
    """REFERENCENAME + REFERENCEREGISTERED (2.3.4.2.2.2, 2.3.4.2.2.5)."""
    libid = mbcs(reference.libid)
    registered = struct.pack("<I", len(libid)) + libid + bytes(6)  # Reserved1, Reserved2
    return _text_pair(0x16, 0x3E, reference.name) + _record(0x0D, registered)


def _module_record(module: Module) -> bytes:
    """MODULE (2.3.4.2.3.2) for a source-only module: text at offset 0, no p-code."""
    name = module.name
    if not 1 <= len(name) <= 31 or not name.isascii():
        raise OvbaError(f"module names are 1..31 ASCII characters: {name!r}")
    unicode = name.encode("utf-16-le")
    return b"".join(
        [
            _record(0x19, mbcs(name)),
            _record(0x47, unicode),  # MODULENAMEUNICODE
            _text_pair(0x1A, 0x32, name),  # stream name = module name
            _text_pair(0x1C, 0x48, ""),  # docstring
            _record(0x31, struct.pack("<I", 0)),  # MODULEOFFSET: source starts the stream
            _record(0x1E, struct.pack("<I", 0)),  # help context
            _record(0x2C, b"\xff\xff"),  # MODULECOOKIE
            struct.pack("<HI", module.kind.value[1], 0),  # MODULETYPE: Reserved, no Size
            struct.pack("<HI", 0x2B, 0),  # Terminator
        ]
    )
