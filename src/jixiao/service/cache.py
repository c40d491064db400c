"""What reading a file gave, kept between runs, so a re-run reads only the files that changed.

Clerks consolidate many times a day as corrected submissions arrive.  Each file's finished
result (:class:`jixiao.consolidation.results.FileResult`: its summary rows, findings and the
facts the checks across files need) is stored under

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
zlib-compressed, in an SQLite database (stdlib ``sqlite3``); never pickle. They are stored in
the form the consolidation's spool keeps (:func:`jixiao.service.packing.pack`: a head of facts,
then each part on its own), so a hit goes into the spool as the bytes it is, never packed again;
a hit is checked by decoding it whole once (:func:`jixiao.service.packing.unpack`). File names
inside a result (findings, the 文件 columns) are stored as placeholders and filled with the path
the file has now, so the same bytes under another name show the new name. A result whose text
mentions its own file name elsewhere (a message quoting it) is kept for that path only.

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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jixiao
from jixiao.consolidation.results import FileResult
from jixiao.money import MoneyUnit
from jixiao.profiles import builtin_names, load_profile
from jixiao.service.packing import Packed, pack, unpack
from jixiao.textfiles import read_error_reason, readable_path

CACHE_ENV = "JIXIAO_CACHE_DIR"
CACHE_FILE = "consolidate-cache.sqlite"
CACHE_FORMAT = "jixiao-results-4"
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


def encode(results: Sequence[FileResult], path: Path) -> tuple[bytes, bool]:
    """``results`` of the file at ``path`` packed as the spool stores them
    (:func:`jixiao.service.packing.pack`: compressed JSON, the file's names as placeholders), and
    whether the result holds for that path only (its text names the file outside the file
    fields).  Raises TypeError for a value JSON cannot hold."""
    names = _names(path)
    swap = dict(zip(reversed(names), reversed(_TOKENS), strict=True))
    try:
        blob, texts = pack(results, swap)
    except ValueError as exc:  # e.g. a value that refers to itself
        raise TypeError(str(exc)) from exc
    own = {json.dumps(name, ensure_ascii=False)[1:-1] for name in (path.name, Path(names[0]).name)}
    bound = any(name in text for text in texts for name in own)
    return blob, bound


def unpacked(blob: bytes, path: Path, check: bool = True) -> Packed:
    """The results stored by :func:`encode`, their file fields naming ``path``; with ``check``
    every result is decoded once to prove it whole (:func:`jixiao.service.packing.unpack`), and
    kept decoded."""
    return unpack(blob, dict(zip(_TOKENS, _names(path), strict=True)), check)


def decode(blob: bytes, path: Path) -> list[FileResult]:
    """The results stored by :func:`encode`, decoded whole, with the file fields naming
    ``path``.  Raises :class:`Damaged` (or zlib/JSON/decimal errors) on anything malformed."""
    return unpacked(blob, path, check=False).results()


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

    def get(self, digest: str, path: Path) -> Packed | None:
        """The stored results of these bytes shown at ``path``, or None: checked by decoding
        them whole (:func:`unpacked`), so that an entry that does not decode is a miss, never
        an error later; the decoded results come with them (:attr:`Packed.decoded`)."""
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
                results = unpacked(blob, path)
            except (
                ValueError,
                TypeError,
                KeyError,
                IndexError,
                AttributeError,
                ArithmeticError,
                RecursionError,
                zlib.error,
            ):
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
