"""Reading a filled template into the model, against python-calamine's raw read of the same file.

The floor is what any calamine-based reader must do at least: open the workbook and turn every
sheet's used range (from A1) into Python values.  The reader does that plus the package guard,
the cell notes (error values, outward formulas) and building the model.  Aim (issue #15): the
reader within 2× of the floor.  Both are timed alternately in one run (the machine is shared;
the median of ``--repeat`` runs each), so the ratio is fair even when the absolute times drift;
their CPU time (``time.process_time``: both are single-threaded) is printed too, the steadier
measure on a busy machine.

The same file saved again by LibreOffice (when installed) is measured too: an office suite
writes shared strings and cached values, so its floor and ratio differ from jixiao's own file.

Then the whole per-file work of a consolidation worker (``service.collect.file_results``: read,
validate, the summary rows and findings, the cache entry when the cache is on, and pickling the
result back to the parent, as the process pool does), against the same floor, with where its
time goes (``--breakdown``: each step timed alone, CPU medians).

Where a worker's time goes on a 30-project file (issue #15, CPU medians on this 2-core machine
at load ~1; ``--breakdown``, each step alone): calamine's own parse ~30 ms (the floor: every
sheet's XML); the package guard ~21-24 ms (each part unzipped and scanned, kept for its safety);
the model from the cells ~4.5 ms (step "the model from the cells": the sheets already read); the
rules ~10 ms; rows, findings and facts ~1.5 ms; the cache entry (JSON + zlib level 1) ~2 ms;
pickling ~1 ms.  The whole worker ~2.35x the floor (a run alternating the code before this
round: ~2.6x).

The last round on the model and the rules (old and new code alternated in one process, CPU):
building the model 0.65x its time before (a table row's cells became ``model.CellSources``,
whose Locations are made only when a rule or a summary row asks for one, instead of ~2,250
Location objects a file; the cells of a layout's rows computed once, not per sheet); on a
申报表 workbook of 10 forms 0.23x (a blank form was found cell by cell over 330 inputs, and
the layout's fingerprint was hashed on every read); the rules 0.79x (a row's proposed value
worked out once, names and level aliases judged once per profile, cheap questions first, a
project's texts searched once per subject word list, Locations and scopes made only for a
finding).  Every model value and finding stays the same: ``tests/test_reading_golden.py``.
Left above the floor: the guard (~0.7x the floor on its own) and the rules (~0.3x).

Run: ``python benchmarks/bench_read.py [--projects 30] [--repeat 15] [--openpyxl] [--profile]
[--no-office] [--no-worker] [--breakdown]``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pickle
import pstats
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import python_calamine
from bench_validate import generate

from jixiao.consolidation.results import Entry
from jixiao.consolidation.rows import file_result
from jixiao.findings import sort_findings
from jixiao.money import MoneyUnit
from jixiao.readers.interchange import parse_submission
from jixiao.readers.package import inspect
from jixiao.readers.workbook import CalamineBook, Reader
from jixiao.readers.xlsx import open_workbook, read_opened, read_workbook
from jixiao.service.cache import RunOptions, encode
from jixiao.service.collect import file_results
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.validate import profile_for, validate_submission

AIM = 2.0
OPTIONS = RunOptions(None, MoneyUnit.WAN, False)


def calamine_floor(path: Path) -> None:
    """python-calamine alone: open the file, every sheet's values from A1 as Python lists."""
    with path.open("rb") as handle:
        book = python_calamine.CalamineWorkbook.from_filelike(handle)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def read_model(path: Path, engine: str = "calamine") -> None:
    """The reader: guard, notes, every sheet, the model (a clean file: no findings)."""
    submission, findings = read_workbook(path, engine)
    assert submission is not None and not findings, findings


def worker(path: Path, cache: bool = False) -> None:
    """What a consolidation worker does for one file, pickling its result back included."""
    pickle.dumps(file_results(path, OPTIONS, keep=cache), pickle.HIGHEST_PROTOCOL)


def alternate(repeat: int, *tasks: Callable[[], object]) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each task, the tasks run in turn ``repeat`` times."""
    times: list[list[tuple[float, float]]] = [[] for _ in tasks]
    for _ in range(repeat):
        for task, spent in zip(tasks, times, strict=True):
            wall, cpu = time.perf_counter(), time.process_time()
            task()
            spent.append((time.perf_counter() - wall, time.process_time() - cpu))
    return [
        (statistics.median(w for w, _ in spent), statistics.median(c for _, c in spent))
        for spent in times
    ]


def make_workbook(projects: int, path: Path) -> None:
    submission, problems = parse_submission(
        json.dumps(generate(projects), ensure_ascii=False), "bench.json"
    )
    assert submission is not None, problems
    save_workbook(fill_workbook(submission), path)


def profile(path: Path, repeat: int) -> None:
    """Where the reader's time goes (cProfile, cumulative, top 30)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        read_model(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def office_copy(path: Path, folder: Path) -> Path | None:
    """``path`` opened and saved again by LibreOffice (shared strings, cached values, the XML an
    office suite writes: what comes back from a clerk), None without LibreOffice."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder / "office"), str(path)],
        capture_output=True, timeout=600, check=False,
    )  # fmt: skip
    saved = folder / "office" / path.name
    return saved if saved.exists() else None


def compare(label: str, path: Path, repeat: int) -> float:
    """Print the floor, the reader and their ratio for one file; the wall-time ratio."""
    read_model(path)  # warm: imports, profile caches
    floor, reader = alternate(repeat, lambda: calamine_floor(path), lambda: read_model(path))
    size = path.stat().st_size / 1e6
    print(f"{label}, {size:.2f} MB   (medians: wall / CPU)")
    print(f"  python-calamine raw read (floor) : {floor[0] * 1e3:6.1f} / {floor[1] * 1e3:5.1f} ms")
    print(
        f"  read into the model              : {reader[0] * 1e3:6.1f} / {reader[1] * 1e3:5.1f} ms"
    )
    ratios = f"{reader[0] / floor[0]:6.2f} / {reader[1] / floor[1]:5.2f}"
    print(f"  ratio reader / floor             : {ratios} x   (aim ≤ {AIM:.0f}x)")
    return reader[0] / floor[0]


def compare_worker(path: Path, repeat: int) -> None:
    """The whole per-file worker time (without and with the cache on) against the floor."""
    worker(path, cache=True)  # warm
    floor, plain, cached = alternate(
        repeat,
        lambda: calamine_floor(path),
        lambda: worker(path),
        lambda: worker(path, cache=True),
    )
    print("one consolidation worker's whole work for this file   (medians: wall / CPU)")
    print(f"  python-calamine raw read (floor) : {floor[0] * 1e3:6.1f} / {floor[1] * 1e3:5.1f} ms")
    for label, spent in (("worker, --no-cache", plain), ("worker, cache on (default)", cached)):
        ratio = f"{spent[0] / floor[0]:.2f} / {spent[1] / floor[1]:.2f} x"
        print(f"  {label:<33}: {spent[0] * 1e3:6.1f} / {spent[1] * 1e3:5.1f} ms  = {ratio}")


def breakdown(path: Path, repeat: int) -> None:
    """Each step of the worker timed alone (CPU medians): where its time goes."""
    submission, reading = read_workbook(path)
    assert submission is not None
    profile = profile_for(submission)
    findings = sort_findings(reading + validate_submission(submission, profile, str(path)))
    entry = Entry(str(path), submission, findings)
    result = file_result(entry, MoneyUnit.WAN)

    def calamine() -> None:
        book = CalamineBook(path)
        for name in book.sheet_names:
            book.rows(name)

    opened = Reader(path)  # every sheet read once, kept: building the model alone
    assert open_workbook(opened) and opened.workbook is not None
    for name in opened.workbook.sheet_names:
        opened.grid(name)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("package guard + cell notes", lambda: inspect(path)),
        ("calamine, every sheet", calamine),
        ("the model from the cells (sheets read)", lambda: read_opened(opened)),
        ("read_workbook (all of the above + model)", lambda: read_workbook(path)),
        ("rules (validate_submission)", lambda: validate_submission(submission, profile, "x")),
        ("rows, findings, facts (file_result)", lambda: file_result(entry, MoneyUnit.WAN)),
        ("cache entry (JSON + zlib)", lambda: encode([result], path)),
        ("pickling the result", lambda: pickle.dumps(result, pickle.HIGHEST_PROTOCOL)),
    ]
    times = alternate(repeat, *(step for _, step in steps))
    print("where a worker's time goes (each step alone, CPU medians)")
    for (label, _), (_, cpu) in zip(steps, times, strict=True):
        print(f"  {label:<42}: {cpu * 1e3:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--openpyxl", action="store_true", help="also read with openpyxl")
    parser.add_argument("--profile", action="store_true", help="print the reader's profile")
    parser.add_argument("--no-office", action="store_true", help="skip the LibreOffice copy")
    parser.add_argument("--no-worker", action="store_true", help="skip the worker's whole work")
    parser.add_argument("--breakdown", action="store_true", help="time each step of the worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "bench.xlsx"
        make_workbook(args.projects, path)
        compare(f"template filled by jixiao, {args.projects} projects", path, args.repeat)
        if not args.no_worker:
            compare_worker(path, args.repeat)
        if args.breakdown:
            breakdown(path, args.repeat)
        saved = None if args.no_office else office_copy(path, folder)
        if saved is not None:
            compare("the same saved again by LibreOffice", saved, args.repeat)
        elif not args.no_office:
            print("(LibreOffice not found: no office-saved copy measured)")
        if args.openpyxl:
            ((reader, _), (openpyxl, _)) = alternate(
                max(1, args.repeat // 5),
                lambda: read_model(path),
                lambda: read_model(path, "openpyxl"),
            )
            print(f"read with openpyxl                 : {openpyxl * 1e3:6.1f} ms")
            print(f"ratio openpyxl / calamine reader   : {openpyxl / reader:6.1f}x")
        if args.profile:
            profile(path, args.repeat)


if __name__ == "__main__":
    main()
