"""What reading a file gave, kept between runs, so a re-run reads only the files that changed.

Clerks consolidate many times a day as corrected submissions arrive.  Each file's finished
result (:class:`jixiao.consolidate.FileResult`: its summary rows, findings and the facts the
checks across files need) is stored under

* the **sha256 of the file's bytes** (not its name or date: a copied or touched file is a hit, a
  changed one a miss), and its suffix (the suffix picks the reader);
* a **fingerprint** of everything else that decides the result: the cache format, jixiao's
  version *and* a hash of the package's own ``.py``/``.json`` files (an edited or reinstalled
  jixiao with an unchanged version number must not reuse old results; the built-in profiles
  are among those files), the run's money unit and ``by_department``, and the named profile's
  data as loaded (``repr`` of the :class:`~jixiao.profiles.Profile`, ``extends`` resolved), so
  an edited profile file is a miss.  A submission that names a profile which is not built in
  is not stored at all: that file's content is not in the fingerprint.

Results are **data that cannot run code when loaded**: JSON (exact amounts as decimal text),
zlib-compressed, in an SQLite database (stdlib ``sqlite3``); never pickle.  File names inside a
result (findings, the 文件 columns) are stored as placeholders and filled with the path the file
has now, so the same bytes under another name show the new name.  A result whose text mentions
its own file name elsewhere (a message quoting it) is kept for that path only.

The database lives in the user's cache folder (``%LOCALAPPDATA%\\jixiao`` on Windows,
``$XDG_CACHE_HOME/jixiao`` or ``~/.cache/jixiao`` elsewhere, ``~/Library/Caches/jixiao`` on
macOS), or in ``$JIXIAO_CACHE_DIR``.  It is never trusted: a damaged file (not a database,
a checksum that fails, rows of the wrong shape), a foreign one or one of another format is
ignored and rebuilt; a locked one (another run writing for longer than the wait) is left
alone for this run.  At most a Chinese warning is printed; a run never fails because of its
cache.  Writes are SQLite transactions (safe with two runs at once); results unused for
:data:`KEEP_DAYS` days are dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jixiao
from jixiao.consolidate import (
    DEPARTMENT_COLUMNS,
    INDICATOR_COLUMNS,
    SUB_UNIT_COLUMNS,
    CodeFact,
    FileResult,
    Kind,
    Row,
    Submitted,
    project_columns,
    summary_levels,
)
from jixiao.findings import Finding, Severity
from jixiao.model import Location
from jixiao.money import MoneyUnit
from jixiao.profiles import builtin_names, load_profile
from jixiao.textfiles import read_error_reason, readable_path

CACHE_ENV = "JIXIAO_CACHE_DIR"
CACHE_FILE = "consolidate-cache.sqlite"
CACHE_FORMAT = "jixiao-results-2"
"""Changes whenever the stored layout changes; a cache of another format is rebuilt."""
KEEP_DAYS = 60
WAIT_SECONDS = 15.0
"""How long a run waits for another run's write before it goes on without the cache."""
BATCH = 100
"""Results written per transaction (a crash loses at most this many)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The options of a run that change each file's result."""

    profile_name: str | None = None
    money_unit: MoneyUnit = MoneyUnit.WAN
    by_department: bool = False


def cache_folder() -> Path:
    """Where the cache lives: ``$JIXIAO_CACHE_DIR``, else the platform's user cache folder."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "jixiao" if local else Path.home() / "AppData" / "Local" / "jixiao"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "jixiao"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "jixiao"


@cache
def code_fingerprint() -> str:
    """sha256 over the package's ``.py`` and ``.json`` files (names and bytes), ~3 ms."""
    root = Path(jixiao.__file__).parent
    digest = hashlib.sha256(jixiao.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            try:
                digest.update(path.read_bytes())
            except OSError:  # an unreadable file still counts by its name
                continue
    return digest.hexdigest()


def fingerprint(options: RunOptions) -> str:
    """Everything besides the file's bytes that decides its result (see the module text)."""
    profile = repr(load_profile(options.profile_name)) if options.profile_name else "own"
    parts = (
        CACHE_FORMAT,
        code_fingerprint(),
        options.money_unit.value,
        str(options.by_department),
        profile,
    )
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def file_digest(path: Path) -> str | None:
    """sha256 of the file's bytes and its suffix; None when it is not a readable regular file
    (pipes are never opened)."""
    try:
        if not path.is_file():
            return None
        digest = hashlib.sha256(path.suffix.lower().encode() + b"\x00")
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def cacheable(profiles: Sequence[str | None]) -> bool:
    """Whether results read under the submissions' own ``profiles`` may be stored: only
    built-in names are covered by the fingerprint."""
    known = builtin_names()
    return all(name is None or name in known for name in profiles)


# ---------------------------------------------------------------- encoding


_TOKENS = ("\x00S", "\x00R", "\x00N")
"""Placeholders of the file as shown, as given (raw) and its bare name."""


def _names(path: Path) -> tuple[str, str, str]:
    return readable_path(path), str(path), path.name


def _json_default(value: object) -> object:
    raise TypeError(f"cannot store {type(value).__name__} outside an amount column")


@dataclass(frozen=True, slots=True)
class _Shape:
    """How a table's rows are stored: their width, which columns hold exact amounts (stored as
    decimal text) and which names the file."""

    width: int
    decimals: tuple[int, ...]
    file_at: int | None


_EXACT = frozenset({Kind.MONEY, Kind.PERCENT, Kind.NUMBER})


@cache
def _shape(key: str) -> _Shape:
    columns = {
        "project_rows": project_columns(summary_levels()),
        "indicator_rows": INDICATOR_COLUMNS,
        "sub_unit_row": SUB_UNIT_COLUMNS,
        "department_rows": DEPARTMENT_COLUMNS,
    }[key]
    keys = [c.key for c in columns]
    decimals = tuple(i for i, c in enumerate(columns) if c.kind in _EXACT)
    return _Shape(len(columns), decimals, keys.index("file") if "file" in keys else None)


def encode(results: Sequence[FileResult], path: Path) -> tuple[bytes, bool]:
    """``results`` of the file at ``path`` as compressed JSON, and whether the result holds
    for that path only (its text names the file outside the file fields)."""
    names = _names(path)
    swap = dict(zip(reversed(names), reversed(_TOKENS), strict=True))
    data = [_result_json(r, swap) for r in results]
    text = json.dumps(data, ensure_ascii=False, default=_json_default, separators=(",", ":"))
    own = {path.name, Path(names[0]).name}
    bound = any(json.dumps(name, ensure_ascii=False)[1:-1] in text for name in own)
    # Level 1: a third of level 6's time in every worker (~1 ms a 30-project file), ~20 % more
    # bytes on disk (12 KB instead of 10 KB a file); any level decodes the same (issue #15).
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1), bound


def _result_json(result: FileResult, swap: dict[str, str]) -> dict[str, Any]:
    def file(value: Any) -> Any:
        return swap.get(value, value) if isinstance(value, str) else value

    def rows(key: str, rows: Sequence[Row]) -> list[list[Any]]:
        shape = _shape(key)
        out = []
        for row in rows:
            values = list(row)
            for i in shape.decimals:
                values[i] = _exact_text(values[i])
            if shape.file_at is not None:
                values[shape.file_at] = file(values[shape.file_at])
            out.append(values)
        return out

    facts = result.submission
    return {
        "file": file(result.file),
        "sub_unit": result.sub_unit,
        "findings": [_finding_values(f, file) for f in result.findings],
        "submission": None
        if facts is None
        else {
            "unit_key": facts.unit_key,
            "template_version": facts.template_version,
            "template": facts.template,
            "projects": facts.projects,
            "codes": [
                [c.code, c.name, c.number, [file(c.where.file), *_location(c.where)[1:]]]
                for c in facts.codes
            ],
            "minimum_plan": [[c, _exact_text(d)] for c, d in facts.minimum_plan],
        },
        "project_rows": rows("project_rows", result.project_rows),
        "project_keys": [list(k) for k in result.project_keys],
        "sub_unit_row": rows("sub_unit_row", [result.sub_unit_row])[0]
        if result.sub_unit_row
        else [],
        "indicator_rows": rows("indicator_rows", result.indicator_rows),
        "department_rows": rows("department_rows", result.department_rows),
    }


def _exact_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise TypeError(f"an amount column holds {type(value).__name__}")
    return str(value)


def _finding_values(f: Finding, file: Callable[[Any], Any]) -> list[Any]:
    return [
        f.code,
        f.severity.value,
        file(f.file),
        f.sheet,
        f.cell,
        f.project_code,
        f.project_name,
        f.message,
        f.hint,
        f.line,
        f.path,
        f.project_number,
    ]


def _location(where: Location) -> list[Any]:
    return [where.file, where.sheet, where.cell, where.line, where.path]


class Damaged(ValueError):
    """A stored result that does not have the shape it must have."""


def decode(blob: bytes, path: Path) -> list[FileResult]:
    """The results stored by :func:`encode`, with the file fields naming ``path``.
    Raises :class:`Damaged` (or zlib/JSON/decimal errors) on anything malformed."""
    text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
    unswap = dict(zip(_TOKENS, _names(path), strict=True))
    data = json.loads(text)
    if not isinstance(data, list):
        raise Damaged("not a list")
    return [_result_from(item, unswap) for item in data]


def _result_from(item: dict[str, Any], unswap: dict[str, str]) -> FileResult:
    def file(value: Any) -> Any:
        return unswap.get(value, value) if isinstance(value, str) else value

    def rows(key: str) -> list[Row]:
        shape = _shape(key)
        found = item[key] if key != "sub_unit_row" else [item[key]]
        out = []
        for row in found:
            if type(row) is not list or len(row) != shape.width:
                raise Damaged(key)
            for i in shape.decimals:
                value = row[i]
                if value is not None:
                    row[i] = _decimal(value)
            if shape.file_at is not None:
                row[shape.file_at] = file(row[shape.file_at])
            out.append(tuple(row))
        return out

    facts = item["submission"]
    submission = None
    if facts is not None:
        codes = tuple(
            CodeFact(code, name, number, Location(file(where[0]), *where[1:]))
            for code, name, number, where in facts["codes"]
        )
        submission = Submitted(
            unit_key=facts["unit_key"],
            template_version=facts["template_version"],
            template=str(facts["template"]),
            projects=int(facts["projects"]),
            codes=codes,
            minimum_plan=tuple((c, _decimal(d)) for c, d in facts["minimum_plan"]),
        )
    findings = [_finding_from(values, file) for values in item["findings"]]
    sub_unit_row = rows("sub_unit_row")[0] if item["sub_unit_row"] else ()
    return FileResult(
        file=file(item["file"]),
        sub_unit=str(item["sub_unit"]),
        findings=findings,
        submission=submission,
        project_rows=rows("project_rows") if submission else [],
        project_keys=[(k[0], k[1], k[2]) for k in item["project_keys"]],
        sub_unit_row=sub_unit_row,
        indicator_rows=rows("indicator_rows") if submission else [],
        department_rows=rows("department_rows") if submission else [],
    )


def _finding_from(values: list[Any], file: Any) -> Finding:
    code, severity, where, *rest = values
    if len(rest) != 9:
        raise Damaged("finding")
    return Finding(code, Severity(severity), file(where), *rest)


def _decimal(value: Any) -> Decimal:
    if type(value) is not str:
        raise Damaged("amount")
    return Decimal(value)


# ---------------------------------------------------------------- the database


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results (digest TEXT NOT NULL, fingerprint TEXT NOT NULL,"
    " path TEXT NOT NULL, data BLOB NOT NULL, used INTEGER NOT NULL,"
    " PRIMARY KEY (digest, fingerprint, path)) WITHOUT ROWID",
)
_ANY_PATH = ""
"""``path`` of a result that holds wherever the bytes are."""
_UNUSABLE = "汇总缓存不可用（{why}），本次不使用缓存，结果不受影响"


class ResultCache:
    """The results of earlier runs for one fingerprint (:func:`fingerprint`)."""

    def __init__(self, database: Path, fingerprint: str) -> None:
        self.database = database
        self.fingerprint = fingerprint
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str, bytes, int]] = []
        self._used: list[tuple[str, str, str]] = []
        self.hits = 0
        self._open()

    @property
    def active(self) -> bool:
        """False once the cache proved unusable (the run goes on without it)."""
        return self._db is not None

    def _open(self) -> None:
        try:
            self.database.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect()
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                self._give_up("另一个汇总正在使用它")
            else:
                self._give_up(f"无法打开：{_said(exc)}")
        except sqlite3.DatabaseError:  # not a database at all, or damaged: rebuilt
            self._rebuild()
        except OSError as exc:
            self._give_up(f"无法创建缓存文件夹：{_said(exc)}")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.database, timeout=WAIT_SECONDS, isolation_level=None)
        try:
            found = _format_of(db)
            if found != CACHE_FORMAT:
                with _transaction(db):
                    if found is not None:  # foreign or older: start afresh
                        db.execute("DROP TABLE IF EXISTS results")
                        db.execute("DROP TABLE IF EXISTS meta")
                    for statement in _SCHEMA:
                        db.execute(statement)
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
        except BaseException:
            db.close()
            raise
        return db

    def _rebuild(self) -> None:
        log.warning("汇总缓存文件已损坏或不是 jixiao 的缓存，已重建（结果不受影响）")
        self.close(write=False)
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        try:
            self._db = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self._give_up(f"无法重建：{_said(exc)}")

    def _give_up(self, why: str) -> None:
        log.warning(_UNUSABLE.format(why=why))
        self.close(write=False)

    def get(self, digest: str, path: Path) -> list[FileResult] | None:
        """The stored results of these bytes shown at ``path``, or None."""
        if self._db is None:
            return None
        shown = readable_path(path)
        try:
            found = self._db.execute(
                "SELECT path, data FROM results WHERE digest = ? AND fingerprint = ?"
                " AND path IN (?, ?)",
                (digest, self.fingerprint, _ANY_PATH, shown),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            self._failed(exc)
            return None
        except sqlite3.DatabaseError:
            self._rebuild()
            return None
        for stored_path, blob in found:
            try:
                results = decode(blob, path)
            except (ValueError, TypeError, KeyError, IndexError, ArithmeticError, zlib.error):
                continue  # a damaged entry: read the file again (it is overwritten then)
            self.hits += 1
            self._used.append((digest, self.fingerprint, stored_path))
            return results
        return None

    def put(self, digest: str, path: Path, blob: bytes, bound: bool) -> None:
        """Keep one file's encoded results (:func:`encode`); written in batches."""
        if self._db is None:
            return
        where = readable_path(path) if bound else _ANY_PATH
        self._pending.append((digest, self.fingerprint, where, blob, _today()))
        if len(self._pending) >= BATCH:
            self._write()

    def _write(self) -> None:
        pending, self._pending = self._pending, []
        used, self._used = self._used, []
        if self._db is None:
            return
        try:
            with _transaction(self._db):
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)", pending
                )
                today = _today()
                self._db.executemany(
                    "UPDATE results SET used = ? WHERE digest = ? AND fingerprint = ?"
                    " AND path = ? AND used < ?",
                    [(today, *key, today) for key in used],
                )
        except sqlite3.OperationalError as exc:
            self._failed(exc)
        except sqlite3.DatabaseError:
            self._rebuild()

    def _failed(self, exc: sqlite3.OperationalError) -> None:
        self._give_up("另一个汇总正在使用它" if _locked(exc) else f"读写出错：{_said(exc)}")

    def close(self, write: bool = True) -> None:
        """Write what is pending, drop results unused for :data:`KEEP_DAYS` days, close."""
        if self._db is None:
            return
        if write:
            self._write()
        if write and self._db is not None:
            try:
                with _transaction(self._db):
                    self._db.execute("DELETE FROM results WHERE used < ?", (_today() - KEEP_DAYS,))
            except sqlite3.Error:
                pass  # pruning can wait for another run
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_cache(options: RunOptions) -> ResultCache:
    """The cache of this run's options, in :func:`cache_folder`."""
    return ResultCache(cache_folder() / CACHE_FILE, fingerprint(options))


def _today() -> int:
    return int(time.time() // 86400)


_SQLITE_SAYS = (
    ("unable to open", "无法打开缓存文件"),
    ("readonly", "缓存文件是只读的"),
    ("disk is full", "磁盘空间不足"),
    ("disk i/o", "磁盘读写错误"),
    ("malformed", "缓存文件已损坏"),
)
"""SQLite's English, said in Chinese (the clerk reads the warning)."""


def _said(exc: BaseException) -> str:
    """Why the cache cannot be used, in Chinese: the system's or SQLite's reason."""
    if isinstance(exc, OSError):
        return read_error_reason(exc)
    text = str(exc).lower()
    return next((said for key, said in _SQLITE_SAYS if key in text), "缓存数据库出错")


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _format_of(db: sqlite3.Connection) -> str | None:
    """The cache format written in ``meta``; None for an empty database; "" for a database
    that is not a jixiao cache (other tables, no format)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return None
    if "meta" not in tables:
        return ""
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return str(row[0]) if row else ""


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (ROLLBACK on error): one writer at a time."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
