"""Consolidation speed: N generated sub-unit workbooks of P projects each.

Prints the time of a full ``consolidate`` (read + validate on both cores, consolidate, write
the summary) against the floor of merely reading the same files with python-calamine, and
against reading them with openpyxl; plus peak memory, to show it stays flat as N grows.
Run: ``python benchmarks/bench_consolidate.py [--files 200] [--projects 30]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine
from bench_validate import generate

from jixiao.money import MoneyUnit
from jixiao.readers.interchange import parse_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.service.collect import consolidate_paths
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook


def make_one(args: tuple[Path, int, int]) -> None:
    path, projects, seed = args
    data = generate(projects, seed)
    data["unit"] = {
        "name": f"下属单位{seed:03d}",
        "code": f"{seed:06d}",
        "year": 2024,
        "money_unit": "元" if seed % 3 == 0 else "万元",
    }
    submission, problems = parse_submission(json.dumps(data, ensure_ascii=False), path.name)
    assert submission is not None, problems
    save_workbook(fill_workbook(submission, min_projects=1), path)


def calamine_floor(files: list[Path]) -> None:
    for path in files:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def openpyxl_read(files: list[Path]) -> None:
    for path in files:
        read_workbook(path, "openpyxl")


def consolidation_memory(files: list[Path], output: Path) -> float:
    """Peak RSS (MB) of a fresh process that consolidates ``files`` (workers included)."""
    code = (
        "import resource, sys; from pathlib import Path;"
        "from jixiao.model import MoneyUnit; from jixiao.service.collect import consolidate_paths;"
        "consolidate_paths([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]), MoneyUnit.WAN);"
        "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "print(max(own, kids) / 1024)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(output), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def timed(func, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--projects", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inbox = Path(folder) / "报送"
        inbox.mkdir()
        jobs = [(inbox / f"unit{i:03d}.xlsx", args.projects, i) for i in range(args.files)]
        start = time.perf_counter()
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(make_one, jobs))
        print(
            f"generated {args.files} workbooks × {args.projects} projects "
            f"in {time.perf_counter() - start:.1f} s"
        )
        files = sorted(inbox.glob("*.xlsx"))
        floor = timed(calamine_floor, files)
        full = timed(consolidate_paths, [inbox], Path(folder) / "汇总.xlsx", MoneyUnit.WAN)
        sample = files[: max(1, len(files) // 10)]
        openpyxl_sample = timed(openpyxl_read, sample) * len(files) / len(sample)
        half = consolidation_memory(files[: len(files) // 2], Path(folder) / "half.xlsx")
        whole = consolidation_memory(files, Path(folder) / "whole.xlsx")
    print(f"calamine read floor (1 core) : {floor:.2f} s")
    print(
        f"consolidate (2 cores)        : {full:.2f} s  = {full / floor:.2f}× the floor (aim ≤1.5)"
    )
    print(
        f"openpyxl read (extrapolated) : {openpyxl_sample:.2f} s  = "
        f"{openpyxl_sample / full:.1f}× slower than consolidate (aim ≥10)"
    )
    print(f"peak memory, {len(files) // 2:>3} files       : {half:.0f} MB")
    print(f"peak memory, {len(files):>3} files       : {whole:.0f} MB  (ratio {whole / half:.2f})")


if __name__ == "__main__":
    main()
