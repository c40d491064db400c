"""Finished per-file results waiting on disk until the summary is written (issue #15).

At province scale (10⁴ files × 30 projects: ~2.4 M indicator rows, ~1.6 M findings) the rows
of every file cannot all stand in the parent's memory (~0.3 MB a file).  As each file's result
(:class:`jixiao.consolidation.results.FileResult`) comes back from a worker or from the cache,
:meth:`Spool.keep` writes its rows and findings to a temporary SQLite database and gives back
the same result holding :class:`jixiao.views.Deferred` views instead of lists: their
lengths, the few facts the cross-file checks need (``Submitted``: unit key, template; its
项目编码 are a view too) and the one 下属单位 row stay in memory.  After all files the
consolidation reads the views file by file (the cross-file findings and recounts are applied as
they are read), so the workbook and the CSVs are written from one file's rows at a time.

The database is data that cannot run code when loaded: JSON (exact amounts as decimal text, by
the columns' kinds), zlib-compressed (level 1: it is read back once or twice), one row per file
and part; never pickle. The parts are packed as the result cache keeps them
(:func:`jixiao.service.packing.pack`), so a result from the cache, or one a worker packed
(workers pack every result the parent spools), is stored by :meth:`Spool.keep_packed` as the
bytes it is, never packed again: a re-run from the cache spends ~2.5 ms a file (the check of
:func:`jixiao.service.packing.unpack`) instead of ~4.5 ms (issue #15). It lives in a hidden
folder beside the output (``.jixiao-汇总-*``; the system's temporary folder when that one
cannot be written) and is deleted when the consolidation that reads it is no longer used, or
at exit. A result that cannot be stored (a value JSON cannot hold) simply
stays in memory; a file that could not be read has no rows and stays in memory too."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sqlite3
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jixiao.consolidation.results import FileResult
from jixiao.service.packed_parts import (
    PART_FROM,
    PARTS,
    compressed,
    json_text,
    part_data,
    part_items,
    unpacked,
)
from jixiao.service.packing import Packed
from jixiao.views import Deferred, FindingFacts

PREFIX = ".jixiao-汇总-"
"""The spool folder's name starts so (hidden on Linux and macOS)."""


_COMMIT_EVERY = 50
"""Files stored between two commits."""


STALE_AFTER = 24 * 3600
"""Seconds after which a spool folder nobody has written to is left over from a consolidation
that was killed (power cut, Task Manager): its ``finalize`` never ran.  No consolidation reads
its spool for a day, and the age is the only test that works everywhere (asking whether a
process lives is unreliable across Windows and Linux and may hit a reused process id)."""


def sweep_stale(place: Path, now: float | None = None) -> list[Path]:
    """Delete the spool folders in ``place`` left over by killed consolidations (older than
    :data:`STALE_AFTER` by their newest file); the folders removed.  A folder still in use
    elsewhere is young, and one that cannot be removed (open on Windows) is simply left."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        for folder in place.iterdir():
            if not folder.name.startswith(PREFIX) or not folder.is_dir():
                continue
            with contextlib.suppress(OSError):
                newest = max([p.stat().st_mtime for p in folder.iterdir()], default=0.0)
                if now - max(newest, folder.stat().st_mtime) > STALE_AFTER:
                    shutil.rmtree(folder)
                    removed.append(folder)
    return removed


def _folder_near(place: Path) -> Path:
    try:
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=place))
    except OSError:  # a folder the clerk may read but not write: the system's temp folder
        place = Path(tempfile.gettempdir())
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=place))
    sweep_stale(place)
    return folder


def _remove(db: sqlite3.Connection, folder: Path) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.close()
    shutil.rmtree(folder, ignore_errors=True)


READY_ITEMS = 60_000
"""Decoded items (rows, findings) a spool keeps in memory from the cache's check
(:meth:`Spool.keep_packed`): ~1 KB each, some 60 MB, a re-run of ~120 files × 30 projects.

Decision of issue #15: a cached re-run decoded each hit twice, once to check it and once to
write it (~2 ms a file, ~0.2 s of a 100-file re-run whose whole parent spends ~2.4 s); the
check's decoding is now used for the writing.  Keeping every file's would make the parent's
memory grow with the files (~0.5 MB a 30-project file: 5 GB at 10⁴), so past this budget the
parts are read back from disk as before."""


class Spool:
    """A temporary database of per-file results beside ``place`` (see the module text)."""

    def __init__(self, place: Path) -> None:
        self.folder = _folder_near(place)
        self._db = sqlite3.connect(self.folder / "spool.sqlite", check_same_thread=False)
        self._done = weakref.finalize(self, _remove, self._db, self.folder)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE parts (number INTEGER NOT NULL, part TEXT NOT NULL,"
            " data BLOB NOT NULL, PRIMARY KEY (number, part)) WITHOUT ROWID"
        )
        self._stored = 0
        self._pending = 0
        self._last: tuple[tuple[int, str], list[Any]] | None = None
        self._ready: dict[tuple[int, str], Sequence[Any]] = {}
        """Parts decoded already (by the cache's check), handed out instead of the bytes."""
        self._ready_items = 0

    def keep(self, result: FileResult) -> FileResult:
        """Store ``result``'s rows and findings; the same result with views in their place
        (``result`` itself when it has no rows or cannot be stored)."""
        if result.submission is None:
            return result
        try:
            blobs = {p: compressed(json_text(part_data(p, result, {}))) for p in PARTS}
        except (TypeError, ValueError):  # a value JSON cannot hold: this file stays in memory
            return result
        number = self._store(blobs)
        facts = FindingFacts.of(result.findings)
        view = {p: self._view(number, p, len(part_items(p, result)), {}, facts) for p in PARTS}
        return dataclasses.replace(
            result,
            submission=dataclasses.replace(result.submission, codes=view["codes"]),
            findings=view["findings"],
            project_keys=view["project_keys"],
            project_rows=view["project_rows"],
            indicator_rows=view["indicator_rows"],
            department_rows=view["department_rows"],
        )

    def keep_packed(self, packed: Packed) -> list[FileResult]:
        """Store the parts of one file's packed results (the cache's bytes) as they are; the
        results with views in place of their parts (an unreadable file's decoded whole).  The
        parts ``packed`` holds decoded already are kept to be read (up to :data:`READY_ITEMS`)."""
        kept = []
        for number, (head, parts) in enumerate(zip(packed.heads, packed.parts, strict=True)):
            if head["submission"] is None:
                kept.append(packed.result(number))
                continue
            stored = self._store({p: blob for p, (blob, _) in parts.items()})
            if packed.decoded is not None:
                self._keep_ready(stored, packed.decoded[number])
            facts = packed.finding_facts(number)
            views = {
                p: self._view(stored, p, count, packed.unswap, facts)
                for p, (_, count) in parts.items()
            }
            kept.append(packed.result(number, views))
        return kept

    def _keep_ready(self, number: int, decoded: FileResult) -> None:
        parts = [(part, part_items(part, decoded)) for part in PARTS]
        count = sum(len(items) for _, items in parts)
        if self._ready_items + count > READY_ITEMS:
            return
        self._ready_items += count
        for part, items in parts:
            self._ready[(number, part)] = items

    def _store(self, blobs: Mapping[str, bytes]) -> int:
        number = self._stored
        self._stored += 1
        self._db.executemany(
            "INSERT INTO parts VALUES (?, ?, ?)",
            [(number, part, blob) for part, blob in blobs.items()],
        )
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._commit()
        return number

    def _view(
        self,
        number: int,
        part: str,
        length: int,
        unswap: Mapping[str, str],
        facts: FindingFacts | None = None,
    ) -> Deferred[Any]:
        """A view of one stored part; the findings' view knows their ``facts``."""
        load = _Load(self, number, part, unswap)
        return Deferred(length, load, facts if part == "findings" else None)

    @property
    def stored(self) -> int:
        """How many results are waiting here."""
        return self._stored

    def _commit(self) -> None:
        if self._pending:
            self._db.commit()
            self._pending = 0

    def load(self, number: int, part: str, unswap: Mapping[str, str]) -> list[Any]:
        """Stored part ``part`` of result ``number`` decoded (what a view reads).  The last
        part read is kept (one file's part): 问题清单 reads a file's findings twice in a row,
        for its rows and for their links."""
        ready = self._ready.get((number, part))
        if ready is not None:
            return list(ready)
        if self._last is not None and self._last[0] == (number, part):
            return list(self._last[1])
        self._commit()
        found = self._db.execute(
            "SELECT data FROM parts WHERE number = ? AND part = ?", (number, part)
        ).fetchone()
        if found is None:  # pragma: no cover - every view was stored before it was made
            raise LookupError(f"spooled result {number} has no {part}")
        items = PART_FROM[part](unpacked(found[0]), unswap)
        self._last = ((number, part), items)
        return list(items)

    def close(self) -> None:
        """Delete the database now (the views made by :meth:`keep` can no longer be read)."""
        self._done()


class _Load:
    """What a view calls to read its part: ~70 bytes where a ``functools.partial`` of the
    spool's bound method took ~270, six a file (issue #15: at 10⁴ files, ~12 MB less)."""

    __slots__ = ("number", "part", "spool", "unswap")

    def __init__(self, spool: Spool, number: int, part: str, unswap: Mapping[str, str]) -> None:
        self.spool, self.number, self.part, self.unswap = spool, number, part, unswap

    def __call__(self) -> list[Any]:
        return self.spool.load(self.number, self.part, self.unswap)
