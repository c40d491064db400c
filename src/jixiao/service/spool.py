"""Finished per-file results waiting on disk until the summary is written (issue #15).

At province scale (10⁴ files × 30 projects: ~2.4 M indicator rows, ~1.6 M findings) the rows
of every file cannot all stand in the parent's memory (~0.3 MB a file).  As each file's result
(:class:`jixiao.consolidate.FileResult`) comes back from a worker or from the cache,
:meth:`Spool.keep` writes its rows and findings to a temporary SQLite database and gives back
the same result holding :class:`jixiao.views.Deferred` views instead of lists: their
lengths, the facts the cross-file checks need (``Submitted``: unit key, template, codes) and
the one 下属单位 row stay in memory.  After all files the consolidation reads the views file by
file (the cross-file findings and recounts are applied as they are read), so the workbook and
the CSVs are written from one file's rows at a time.

The database is data that cannot run code when loaded: JSON (exact amounts as decimal text,
by the columns' kinds), zlib-compressed (level 1: it is read back once or twice), one row per
file and part; never pickle.  It lives in a hidden folder beside the output
(``.jixiao-汇总-*``; the system's temporary folder when that one cannot be written) and is
deleted when the consolidation that reads it is no longer used, or at exit.  A result that
cannot be stored (a value JSON cannot hold) simply stays in memory; a file that could not be
read has no rows and stays in memory too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sqlite3
import tempfile
import time
import weakref
import zlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any

from jixiao.consolidate import (
    DEPARTMENT_COLUMNS,
    INDICATOR_COLUMNS,
    Column,
    FileResult,
    Kind,
    ProjectKey,
    Row,
    project_columns,
    summary_levels,
)
from jixiao.findings import Finding, Severity
from jixiao.views import Deferred

PREFIX = ".jixiao-汇总-"
"""The spool folder's name starts so (hidden on Linux and macOS)."""
_EXACT = frozenset({Kind.MONEY, Kind.PERCENT, Kind.NUMBER})
_ROW_PARTS = ("project_rows", "indicator_rows", "department_rows")
_COMMIT_EVERY = 50
"""Files stored between two commits."""


@cache
def _columns(part: str) -> tuple[Column, ...]:
    return {
        "project_rows": project_columns(summary_levels()),
        "indicator_rows": INDICATOR_COLUMNS,
        "department_rows": DEPARTMENT_COLUMNS,
    }[part]


@cache
def _exact(part: str) -> tuple[int, ...]:
    """Positions of the columns that hold exact amounts (stored as decimal text)."""
    return tuple(i for i, c in enumerate(_columns(part)) if c.kind in _EXACT)


def _rows_json(part: str, rows: Sequence[Row]) -> list[list[Any]]:
    exact, width = _exact(part), len(_columns(part))
    out = []
    for row in rows:
        if len(row) != width:
            raise TypeError(f"a row of {part} has {len(row)} values")
        values = list(row)
        for i in exact:
            value = values[i]
            if value is not None:
                if not isinstance(value, Decimal):
                    raise TypeError(f"an amount column holds {type(value).__name__}")
                values[i] = str(value)
        out.append(values)
    return out


def _rows_from(part: str, data: list[list[Any]]) -> list[Row]:
    exact = _exact(part)
    for values in data:
        for i in exact:
            if values[i] is not None:
                values[i] = Decimal(values[i])
    return [tuple(values) for values in data]


_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def _finding_json(finding: Finding) -> list[Any]:
    values = [getattr(finding, name) for name in _FINDING_FIELDS]
    values[_FINDING_FIELDS.index("severity")] = finding.severity.value
    return values


def _finding_from(values: list[Any]) -> Finding:
    at = _FINDING_FIELDS.index("severity")
    values[at] = Severity(values[at])
    return Finding(*values)


def _no_other(value: object) -> object:
    raise TypeError(f"cannot spool {type(value).__name__}")


def _packed(data: object) -> bytes:
    text = json.dumps(data, ensure_ascii=False, default=_no_other, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def _unpacked(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))


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

    def keep(self, result: FileResult) -> FileResult:
        """Store ``result``'s rows and findings; the same result with views in their place
        (``result`` itself when it has no rows or cannot be stored)."""
        if result.submission is None:
            return result
        try:
            blobs = {
                "findings": _packed([_finding_json(f) for f in result.findings]),
                "project_keys": _packed([list(k) for k in result.project_keys]),
                **{part: _packed(_rows_json(part, getattr(result, part))) for part in _ROW_PARTS},
            }
        except (TypeError, ValueError):  # a value JSON cannot hold: this file stays in memory
            return result
        number = self._stored
        self._stored += 1
        self._db.executemany(
            "INSERT INTO parts VALUES (?, ?, ?)",
            [(number, part, blob) for part, blob in blobs.items()],
        )
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self._commit()

        def view(part: str, length: int, load: Callable[[Any], list[Any]]) -> Deferred[Any]:
            return Deferred(length, partial(self._load, number, part, load))

        rows = {part: partial(_rows_from, part) for part in _ROW_PARTS}
        return dataclasses.replace(
            result,
            findings=view("findings", len(result.findings), _findings_from),
            project_keys=view("project_keys", len(result.project_keys), _keys_from),
            project_rows=view("project_rows", len(result.project_rows), rows["project_rows"]),
            indicator_rows=view(
                "indicator_rows", len(result.indicator_rows), rows["indicator_rows"]
            ),
            department_rows=view(
                "department_rows", len(result.department_rows), rows["department_rows"]
            ),
        )

    @property
    def stored(self) -> int:
        """How many results are waiting here."""
        return self._stored

    def _commit(self) -> None:
        if self._pending:
            self._db.commit()
            self._pending = 0

    def _load(self, number: int, part: str, load: Callable[[Any], list[Any]]) -> list[Any]:
        self._commit()
        found = self._db.execute(
            "SELECT data FROM parts WHERE number = ? AND part = ?", (number, part)
        ).fetchone()
        if found is None:  # pragma: no cover - every view was stored before it was made
            raise LookupError(f"spooled result {number} has no {part}")
        return load(_unpacked(found[0]))

    def close(self) -> None:
        """Delete the database now (the views made by :meth:`keep` can no longer be read)."""
        self._done()


def _findings_from(data: list[list[Any]]) -> list[Finding]:
    return [_finding_from(values) for values in data]


def _keys_from(data: list[list[Any]]) -> list[ProjectKey]:
    return [(k[0], k[1], k[2]) for k in data]
