"""Reading a filled template into the model, against python-calamine's raw read of the same file.

The floor is what any calamine-based reader must do at least: open the workbook and turn every
sheet's used range (from A1) into Python values.  The reader does that plus the package guard,
the cell notes (error values, outward formulas) and building the model.  Aim (issue #15): the
reader within 2× of the floor.  Both are timed alternately in one run (the machine is shared;
the median of ``--repeat`` runs each), so the ratio is fair even when the absolute times drift;
their CPU time (``time.process_time``: both are single-threaded) is printed too, the steadier
measure on a busy machine.

Run: ``python benchmarks/bench_read.py [--projects 30] [--repeat 15] [--openpyxl] [--profile]``.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--openpyxl", action="store_true", help="also read with openpyxl")
    parser.add_argument("--profile", action="store_true", help="print the reader's profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        make_workbook(args.projects, path)
        size = path.stat().st_size / 1e6
        read_model(path)  # warm: imports, profile caches
        floor, reader = alternate(
            args.repeat, lambda: calamine_floor(path), lambda: read_model(path)
        )
        print(f"workbook: {args.projects} project sheets, {size:.2f} MB   (medians: wall / CPU)")
        print(
            f"python-calamine raw read (floor) : {floor[0] * 1e3:6.1f} / {floor[1] * 1e3:5.1f} ms"
        )
        print(
            f"read into the model              : {reader[0] * 1e3:6.1f} / {reader[1] * 1e3:5.1f} ms"
        )
        ratios = f"{reader[0] / floor[0]:6.2f} / {reader[1] / floor[1]:5.2f}"
        print(f"ratio reader / floor             : {ratios} x   (aim ≤ {AIM:.0f}x)")
        if args.openpyxl:
            ((openpyxl, _),) = alternate(
                max(1, args.repeat // 5), lambda: read_model(path, "openpyxl")
            )
            print(f"read with openpyxl               : {openpyxl * 1e3:6.1f} ms")
            print(f"ratio openpyxl / calamine reader : {openpyxl / reader[0]:6.1f}x")
        if args.profile:
            profile(path, args.repeat)


if __name__ == "__main__":
    main()
