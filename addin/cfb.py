"""A minimal, reproducible compound file writer ([MS-CFB] version 3, 512-byte sectors).

Writes a fresh file from a mapping of stream paths ("VBA/dir") to bytes; storages are implied
by the paths.  Layout, in this order: header, FAT, directory, mini FAT, mini stream, then the
large streams, each contiguous.  No timestamps or CLSIDs are written (all zero), siblings
form a balanced red-black tree, so equal input gives equal bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY_SIZE = 128
HEADER_DIFAT = 109
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


class CfbError(ValueError):
    """A stream name or size that a version 3 compound file cannot hold."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)  # by upper-cased name
    sid: int = 0
    start: int = ENDOFCHAIN
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """The compound file holding `streams` ({"PROJECT": ..., "VBA/dir": ...})."""
    root = _tree(streams)
    entries = _number(root)
    small = [e for e in entries if e.kind == STREAM and 0 < len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]
    mini_stream, mini_fat = _mini_stream(small)
    root.data = mini_stream
    dir_sectors = _sectors(len(entries) * ENTRY_SIZE)
    minifat_sectors = _sectors(len(mini_fat) * 4)
    counts = [dir_sectors, minifat_sectors, _sectors(len(mini_stream))]
    counts += [_sectors(len(e.data)) for e in large]
    fat_sectors = _fat_sectors(sum(counts))
    fat, starts = _fat(fat_sectors, counts)
    root.start = starts[2] if mini_stream else ENDOFCHAIN
    for entry, start in zip(large, starts[3:], strict=True):
        entry.start = start
    header = _header(fat_sectors, starts[0], starts[1] if mini_fat else ENDOFCHAIN, counts[1])
    body = [
        _u32s(fat),
        _pad(b"".join(_entry_bytes(e) for e in entries), SECTOR, _UNUSED_ENTRY),
        _pad(_u32s(mini_fat), SECTOR, b"\xff\xff\xff\xff"),
        _pad(mini_stream, SECTOR),
        *(_pad(e.data, SECTOR) for e in large),
    ]
    return header + b"".join(body)


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    """The root entry with a storage per folder of the paths and a stream per path."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        parent = root
        for storage in storages:
            key = _checked(storage).upper()  # names compare case-insensitively (2.6.4)
            parent = parent.children.setdefault(key, _Entry(storage, STORAGE))
            if parent.kind != STORAGE:
                raise CfbError(f"{path}: {storage} is a stream")
        if _checked(name).upper() in parent.children:
            raise CfbError(f"{path}: the name is taken (names ignore case)")
        parent.children[name.upper()] = _Entry(name, STREAM, data)
    return root


def _checked(name: str) -> str:
    if not 1 <= len(name) <= 31 or not name.isascii() or any(c in name for c in "/\\:!"):
        raise CfbError(f"a compound file name has 1..31 ASCII characters, not /\\:!: {name!r}")
    return name


def _compare_key(entry: _Entry) -> tuple[int, str]:
    """MS-CFB 2.6.4: shorter names first, then by upper-cased name."""
    return len(entry.name), entry.name.upper()


def _number(root: _Entry) -> list[_Entry]:
    """Give every entry its directory index (root 0, then breadth first) and link the tree."""
    entries = [root]
    pending = [root]
    while pending:
        parent = pending.pop(0)
        siblings = sorted(parent.children.values(), key=_compare_key)
        for entry in siblings:
            entry.sid = len(entries)
            entries.append(entry)
        parent.child = _link(siblings, 0, len(siblings) - 1, 0, _depth(len(siblings)))
        pending += [e for e in siblings if e.kind == STORAGE]
    return entries


def _depth(count: int) -> int:
    """Depth of the deepest node when `count` sorted siblings are halved recursively."""
    return max(count.bit_length() - 1, 0)


def _link(siblings: list[_Entry], low: int, high: int, depth: int, deepest: int) -> int:
    """Balanced binary tree over siblings[low..high]; returns the index of its root.

    Halving keeps every leaf on the last two levels, so colouring exactly the deepest level
    red (when the tree has more than one level) keeps the same number of black nodes on each
    path and no red node under a red one: a valid red-black tree.
    """
    if low > high:
        return NOSTREAM
    middle = (low + high) // 2
    node = siblings[middle]
    node.left = _link(siblings, low, middle - 1, depth + 1, deepest)
    node.right = _link(siblings, middle + 1, high, depth + 1, deepest)
    node.color = RED if depth == deepest and deepest > 0 else BLACK
    return node.sid


def _mini_stream(small: list[_Entry]) -> tuple[bytes, list[int]]:
    """The mini stream (64-byte sectors) and its FAT, one contiguous chain per stream."""
    data = bytearray()
    fat: list[int] = []
    for entry in small:
        entry.start = len(fat)
        count = -(-len(entry.data) // MINI_SECTOR)
        fat += [*range(len(fat) + 1, len(fat) + count), ENDOFCHAIN]
        data += _pad(entry.data, MINI_SECTOR)
    return bytes(data), fat


def _sectors(size: int) -> int:
    return -(-size // SECTOR)


def _fat_sectors(data_sectors: int) -> int:
    """FAT sectors needed when they also map themselves (128 entries per sector)."""
    fat = 0
    while fat * (SECTOR // 4) < data_sectors + fat:
        fat += 1
    if fat > HEADER_DIFAT:
        raise CfbError("file too large for a header-only DIFAT (about 6.8 MB)")
    return fat


def _fat(fat_sectors: int, counts: list[int]) -> tuple[list[int], list[int]]:
    """The FAT and the first sector of each run in `counts` (after the FAT itself)."""
    fat = [FATSECT] * fat_sectors
    starts = []
    for count in counts:
        starts.append(len(fat) if count else ENDOFCHAIN)
        fat += [*range(len(fat) + 1, len(fat) + count), ENDOFCHAIN][:count]
    return fat + [FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat)), starts


def _header(fat_sectors: int, dir_start: int, minifat_start: int, minifat_sectors: int) -> bytes:
    """The 512-byte header (2.2): version 3, FAT sectors listed in the header DIFAT."""
    difat = list(range(fat_sectors)) + [FREESECT] * (HEADER_DIFAT - fat_sectors)
    fields = struct.pack(
        "<16sHHHHH6sIIIIIIIII",
        bytes(16),  # CLSID
        0x003E,  # minor version
        0x0003,  # major version
        0xFFFE,  # byte order
        9,  # sector shift: 512
        6,  # mini sector shift: 64
        bytes(6),
        0,  # directory sectors: always 0 in version 3
        fat_sectors,
        dir_start,
        0,  # transaction signature
        MINI_CUTOFF,
        minifat_start,
        minifat_sectors,
        ENDOFCHAIN,  # no DIFAT sectors
        0,
    )
    return SIGNATURE + fields + _u32s(difat)


def _entry_bytes(entry: _Entry) -> bytes:
    """A 128-byte directory entry (2.6.1); times and CLSID stay zero."""
    name = entry.name.encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sI16sIQ",
        name,
        len(name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        bytes(16),
        0,
        bytes(16),
        0 if entry.kind == STORAGE else entry.start,  # a storage has no data (2.6.3)
        len(entry.data),
    )


_UNUSED_ENTRY = bytes(68) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)
"""Free directory slots: all zero but the three links, which say "none" (2.6.1)."""


def _u32s(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _pad(data: bytes, size: int, filler: bytes = b"\x00") -> bytes:
    """`data` filled up to a multiple of `size` with whole copies of `filler`."""
    missing = -len(data) % size
    return data + filler * (missing // len(filler))
