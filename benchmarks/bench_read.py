"""Reading a filled 50-project workbook: python-calamine (the reader's engine) against openpyxl.

Prints both times and their ratio.  Run: ``python benchmarks/bench_read.py [--projects 50]``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench_validate import generate

from jixiao.readers.interchange import parse_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook


def best_of(repeat: int, path: Path, engine: str) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        submission, findings = read_workbook(path, engine)
        best = min(best, time.perf_counter() - start)
        assert submission is not None and not findings, findings
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    submission, problems = parse_submission(
        json.dumps(generate(args.projects), ensure_ascii=False), "bench.json"
    )
    assert submission is not None, problems
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        save_workbook(fill_workbook(submission), path)
        size = path.stat().st_size / 1e6
        calamine = best_of(args.repeat, path, "calamine")
        openpyxl = best_of(args.repeat, path, "openpyxl")
    print(f"workbook: {args.projects} project sheets, {size:.1f} MB")
    print(f"read with python-calamine : {calamine:.3f} s")
    print(f"read with openpyxl        : {openpyxl:.3f} s")
    print(f"ratio openpyxl / calamine : {openpyxl / calamine:.1f}x")


if __name__ == "__main__":
    main()
