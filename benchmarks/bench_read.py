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

Run: ``python benchmarks/bench_read.py [--projects 30] [--repeat 15] [--openpyxl] [--profile]
[--no-office]``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
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

from jixiao.readers.interchange import parse_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

AIM = 2.0


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


def alternate(repeat: int, *tasks: Callable[[], None]) -> list[tuple[float, float]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--openpyxl", action="store_true", help="also read with openpyxl")
    parser.add_argument("--profile", action="store_true", help="print the reader's profile")
    parser.add_argument("--no-office", action="store_true", help="skip the LibreOffice copy")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "bench.xlsx"
        make_workbook(args.projects, path)
        compare(f"template filled by jixiao, {args.projects} projects", path, args.repeat)
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
