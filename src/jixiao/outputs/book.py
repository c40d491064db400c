"""The summary's workbook as XlsxWriter writes it, faster and with less kept (issue #15): its
package deflated at a fast level (:class:`Book`), each sheet's rows copied into its XML as
bytes and its links kept small until the sheet is written (:class:`_Sheet`), and how far
writing has got (:class:`Tracker`).  Split off :mod:`jixiao.outputs.sheets` (what is written
on a sheet) as a pure move.
"""

from __future__ import annotations

import codecs
import functools
import io
import math
import os
import shutil
import zipfile
from collections.abc import Callable
from typing import Any

import xlsxwriter.workbook
from xlsxwriter.url import UrlTypes
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

ZIP_LEVEL = 1
"""zlib level of the summary's package (:class:`Book`); XlsxWriter's own is zlib's default, 6."""


class Book(Workbook):  # type: ignore[misc]  # XlsxWriter has no type hints
    """XlsxWriter's workbook, its package deflated at :data:`ZIP_LEVEL` instead of level 6.

    **Why (issue #15, December 2026).**  The summary of 100 files × 30 projects is ~45 MB of
    XML; deflating it took ~0.5 s of CPU at level 6 and takes ~0.18 s at level 1 (measured on
    the package's own XML: ~15 % of writing the workbook), for a file ~30 % larger (3.9 MB
    instead of 3.0 MB: the XML repeats itself, so level 1 already packs it 11-fold).  Every
    reader inflates every level alike (a level is not recorded in the file that readers
    act on); openpyxl, python-calamine and LibreOffice open it in the tests.

    **The seam.**  XlsxWriter has no option for the level: :meth:`Workbook._store_workbook`
    makes its ``ZipFile(filename, "w", compression=ZIP_DEFLATED, ...)`` through the name
    ``ZipFile`` of module :mod:`xlsxwriter.workbook`.  While this workbook stores itself that
    name is a :class:`zipfile.ZipFile` whose level defaults to :data:`ZIP_LEVEL`, and the
    name is put back afterwards (jixiao writes workbooks from one thread; another
    XlsxWriter workbook stored by another thread at that moment would only be packed at level
    1 too).  When that name is not the one :mod:`zipfile` has, or ``_store_workbook`` no
    longer uses it (another XlsxWriter), the workbook is stored as XlsxWriter stores it:
    slower, never wrong.  ``tests/test_summary_rows.py`` fails when the pinned XlsxWriter
    loses the seam, and checks that every part was deflated at this level."""

    def __init__(
        self, filename: str, options: dict[str, Any] | None = None, tracker: Tracker | None = None
    ) -> None:
        super().__init__(filename, options)
        self.worksheet_class = _Sheet
        self.tracker = tracker
        """Told how far the package has got while it is deflated (the seam below)."""

    def _store_workbook(self) -> None:
        if not zip_seam_present():
            super()._store_workbook()
            return
        if self.tracker is not None:
            self.tracker.packing(sum(_rows_bytes(sheet) for sheet in self.worksheets()))
        xlsxwriter.workbook.ZipFile = functools.partial(_LevelZipFile, tracker=self.tracker)
        try:
            super()._store_workbook()
        finally:
            xlsxwriter.workbook.ZipFile = zipfile.ZipFile


def _rows_bytes(sheet: Worksheet) -> int:
    """The bytes of rows a sheet has written to its row file (constant-memory mode): most of
    what its XML weighs in the package."""
    rows = getattr(sheet, "row_data_fh", None)
    try:
        return int(rows.tell()) if isinstance(rows, io.TextIOWrapper) else 0
    except (OSError, ValueError):  # closed or unseekable: only the progress is rougher
        return 0


class _Sheet(Worksheet):  # type: ignore[misc]  # XlsxWriter has no type hints
    """XlsxWriter's worksheet, its rows copied into the sheet's XML as bytes.

    In ``constant_memory`` mode XlsxWriter keeps a sheet's rows in a temporary UTF-8 file and,
    when the workbook closes, copies them into the sheet's XML 64 K characters at a time,
    decoding and encoding every byte: ~0.15–0.27 s for the 43 MB of rows of the 100 × 30
    summary, against ~0.03–0.08 s copying the same bytes (both files are UTF-8, so the bytes
    are the same; a test compares the packages).  Only when both files are plain UTF-8 text
    files; otherwise, and whenever XlsxWriter's attributes are not the ones this relies on,
    XlsxWriter copies them itself."""

    def __init__(self) -> None:
        super().__init__()
        self.kept_links: list[KeptLink] = []
        """External links kept small until the sheet's XML is written (:meth:`_write_url`)."""

    def _write_optimized_sheet_data(self) -> None:
        rows, sheet = getattr(self, "row_data_fh", None), getattr(self, "fh", None)
        if (
            getattr(self, "dim_rowmin", None) is None
            or not isinstance(rows, io.TextIOWrapper)
            or not isinstance(sheet, io.TextIOWrapper)
            or {codecs.lookup(f.encoding).name for f in (rows, sheet)} != {"utf-8"}
            or not isinstance(getattr(self, "row_data_filename", None), str)
        ):
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        rows.flush()
        sheet.flush()
        rows.buffer.seek(0)
        shutil.copyfileobj(rows.buffer, sheet.buffer, 1 << 20)
        rows.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def _write_url(self, row: int, col: int, url: Any, *args: Any, **kwargs: Any) -> int:
        """XlsxWriter's, and then an external link of a constant-memory sheet is kept as a
        :class:`KeptLink` in :attr:`kept_links` instead of XlsxWriter's :class:`Url` in its
        per-row dictionaries.

        **Why (issue #15, December 2026).**  A link kept so took ~860 bytes until the workbook
        was stored (the Url's ~20 attributes and their texts, a dictionary per row); 问题清单
        holds 65,530 a sheet and continues on another sheet every ~8,000 files at province
        scale, so links made the parent's memory grow with the files (~60 MB a sheet).  A kept
        link is ~320 bytes (its cell, anchor and text; the file's target shared by its links;
        measured with tracemalloc).
        """
        done: int = super()._write_url(row, col, url, *args, **kwargs)
        links = getattr(self, "hyperlinks", None)
        if done != 0 or not isinstance(links, dict) or links.get(row, {}).get(col) is not url:
            return done
        if not (getattr(self, "constant_memory", False) is True and _external(url)):
            return done
        del links[row][col]
        if not links[row]:
            del links[row]
        target = url._target()
        if self.kept_links and self.kept_links[-1].target == target:
            target = self.kept_links[-1].target  # one text for all of a file's links
        self.kept_links.append(KeptLink(row, col, url, target))
        return done

    def _write_hyperlinks(self) -> None:
        """The ``<hyperlinks>`` element as XlsxWriter writes it, in one piece: ~3 µs a link
        instead of ~8 µs (13,000 links of 问题清单 at 100 × 30; the same bytes, a test
        compares).  Only external links on a sheet whose rows are all written out (the
        summary's); anything else goes to XlsxWriter's own (kept links handed back to it)."""
        links = getattr(self, "hyperlinks", None)
        kept = self.kept_links
        if kept and isinstance(links, dict) and links:  # written both ways: XlsxWriter sorts
            for link in kept:
                links[link.row].setdefault(link.column, link)
            kept = []
        if kept:
            kept.sort(key=_place)
            ordered = [(link.row, link.column, link) for link in kept]
        elif not isinstance(links, dict) or not links or not _external_only(self, links):
            super()._write_hyperlinks()
            return
        else:
            ordered = [(r, c, links[r][c]) for r in sorted(links) for c in sorted(links[r])]
        self.kept_links = []
        escape, escaped = self._escape_attributes, dict[str, str]()
        letters: dict[int, str] = {}
        pieces = ["<hyperlinks>"]
        for row, column, url in ordered:
            self.rel_count += 1
            letter = letters.get(column) or letters.setdefault(column, xl_col_to_name(column))
            xml = f'<hyperlink ref="{letter}{row + 1}" r:id="rId{self.rel_count}"'
            if url._anchor:
                xml += f' location="{escape(url._anchor)}"'
            if url._tip:
                tip = escaped.get(url._tip) or escaped.setdefault(url._tip, escape(url._tip))
                xml += f' tooltip="{tip}"'
            pieces.append(xml + "/>")
            self.external_hyper_links.append(["/hyperlink", url._target(), "External"])
        pieces.append("</hyperlinks>")
        self.fh.write("".join(pieces))


class KeptLink:
    """An external link as a summary sheet keeps it until the workbook is stored
    (:meth:`_Sheet._write_url`): what the ``<hyperlinks>`` element and the sheet's
    relationships are written from, under the names XlsxWriter's writer reads as well."""

    __slots__ = (
        "_anchor",
        "_is_object_link",
        "_link_type",
        "_text",
        "_tip",
        "column",
        "row",
        "target",
    )

    def __init__(self, row: int, column: int, url: Any, target: str) -> None:
        self.row, self.column, self.target = row, column, target
        self._anchor, self._tip, self._text = url._anchor, url._tip, url._text
        self._link_type, self._is_object_link = url._link_type, False

    def _target(self) -> str:
        return self.target


def _place(link: KeptLink) -> tuple[int, int]:
    return link.row, link.column


def _external(url: Any) -> bool:
    """Whether ``url`` is an external link XlsxWriter writes with a relationship, with texts
    where it has them (what :class:`KeptLink` keeps)."""
    return (
        getattr(url, "_link_type", None) in (UrlTypes.URL, UrlTypes.EXTERNAL)
        and getattr(url, "_is_object_link", True) is False
        and all(isinstance(getattr(url, name, None), str) for name in ("_anchor", "_tip", "_text"))
    )


def _external_only(sheet: Worksheet, links: dict[int, dict[int, Any]]) -> bool:
    """Whether every link is an external one XlsxWriter writes with a relationship, on a sheet
    holding no cell that could make a link an object link (its rows are all written out)."""
    table = getattr(sheet, "table", None)
    if not isinstance(table, dict) or any(table.values()):
        return False
    if not all(hasattr(sheet, name) for name in ("rel_count", "external_hyper_links", "fh")):
        return False
    return all(
        getattr(url, "_link_type", None) in (UrlTypes.URL, UrlTypes.EXTERNAL)
        and not getattr(url, "_is_object_link", True)
        and isinstance(getattr(url, "_anchor", None), str)
        and isinstance(getattr(url, "_tip", None), str)
        for columns in links.values()
        for url in columns.values()
    )


class _LevelZipFile(zipfile.ZipFile):
    """A zip file deflated at :data:`ZIP_LEVEL` unless a level is asked for, telling
    ``tracker`` the bytes of each file it has packed."""

    def __init__(self, *args: Any, tracker: Tracker | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)
        self._tracker = tracker

    def write(self, filename: Any, *args: Any, **kwargs: Any) -> None:
        size = os.path.getsize(filename) if self._tracker is not None else 0
        super().write(filename, *args, **kwargs)
        if self._tracker is not None:
            self._tracker.packed(size)


WriteProgress = Callable[[int, int], None]
"""Told ``(done, total)`` while a workbook is written (the CLI's bar, Excel's status bar)."""
PACKING_SHARE = 0.5
"""What deflating the package weighs in the progress told, per list row: at 100 × 30 the rows
take ~0.7 s and storing the package ~0.5 s, on a machine or another alike."""


class Tracker:
    """How far writing the summary has got, told to ``report(done, total)`` about every half
    percent: the list rows as they are written (:func:`jixiao.outputs.sheets.write_table`),
    then the package as it is deflated (:class:`Book`), counted as :data:`PACKING_SHARE` of a
    row per row and shared out by the bytes packed against the bytes of rows the sheets hold.

    Why (issue #15): at a province's 10⁴ files the reading bar reaches its end and writing the
    summary's millions of rows takes minutes more; without a second bar the program looks hung
    just when a clerk is most tempted to close it."""

    def __init__(self, report: WriteProgress, rows: int) -> None:
        self.report = report
        self.rows = rows
        self.total = max(1, rows + math.ceil(rows * PACKING_SHARE))
        self.done = 0
        self._told = 0
        self._step = max(1, self.total // 200)
        self._expected = 1
        self._packed = 0

    def wrote(self, rows: int) -> None:
        """``rows`` more list rows written."""
        self.done = min(self.done + rows, self.rows)
        self._tell()

    def packing(self, expected: int) -> None:
        """The package is being stored: about ``expected`` bytes of XML to deflate."""
        self.done = self.rows
        self._expected = max(expected, 1)

    def packed(self, size: int) -> None:
        """A file of ``size`` bytes deflated into the package."""
        self._packed += size
        share = self.total - self.rows
        self.done = self.rows + min(share, share * self._packed // self._expected)
        self._tell()

    def finished(self) -> None:
        """The workbook is written: all is done."""
        self.done = self.total
        self._tell()

    def _tell(self) -> None:
        if self.done - self._told >= self._step or (self.done == self.total > self._told):
            self._told = self.done
            self.report(self.done, self.total)


def zip_seam_present() -> bool:
    """Whether XlsxWriter stores its package through :class:`zipfile.ZipFile` by the name
    :class:`Book` replaces (the XlsxWriter this was written against)."""
    store = getattr(Workbook, "_store_workbook", None)
    return getattr(xlsxwriter.workbook, "ZipFile", None) is zipfile.ZipFile and "ZipFile" in (
        getattr(getattr(store, "__code__", None), "co_names", ())
    )
