"""Consolidation speed (issue #15): N generated sub-unit workbooks of P projects each.

Prints, measured in one run:

* the floor: python-calamine reading every sheet of every file, on one core, timed before and
  after the runs (the first read of a run is often slower: files not yet cached, the clock
  rising); the ratios use the faster of the two;
* ``consolidate`` without the cache (read + validate on both cores, consolidate, write the
  summary), as a ratio to the floor (aim ≤ 1.5×);
* writing the summary workbook alone (the rows as XML, :mod:`jixiao.outputs.rowxml`) against
  writing it through XlsxWriter's own calls, measured alternately on the same consolidation;
* the first run with an empty cache (it also stores every file's result), and a re-run after
  one file changed (aim ≤ 0.2× the first run); for each run also the parent's own CPU time
  (the serial part beside the two reading workers);
* peak memory of a fresh process at N/2 and N files (parent and largest worker), and the
  size of the spool on disk (each file's rows and findings wait there until the workbook is
  written: the parent's memory stays flat in N).

With ``--province N`` it also times N files (aim: 10⁴ × 30 under 5 minutes, under 1 GB, flat):
generating 10⁴ workbooks through the template filler would take most of an hour, so a few
dozen distinct workbooks are generated and copied with their unit name, unit code and 项目编码
rewritten in the package's shared strings (every copy is another unit with its own codes: the
cross-file checks see no false duplicates, and the readers see ordinary files).

``--inbox DIR`` keeps the generated workbooks in DIR and uses them again on the next run (for
comparing two versions of jixiao on the same files: generating them takes a minute or more);
each run's corrected file is another one, so the re-run always has one file to read.

Every unit has its own 项目编码 (unit code + project number): with codes shared by all units the
cross-file duplicate check would list every other unit in every finding, which says nothing
about real inboxes.  Run:
``python benchmarks/bench_consolidate.py [--files 100] [--projects 30] [--province 10000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine
from bench_validate import generate

from jixiao.consolidation.unit import Consolidation
from jixiao.money import MoneyUnit
from jixiao.outputs import sheets
from jixiao.outputs.summary import write_summary
from jixiao.readers.interchange import parse_submission
from jixiao.service.collect import consolidate_paths
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

FLOOR_AIM, RERUN_AIM, PROVINCE_SECONDS, PROVINCE_MB = 1.5, 0.2, 300.0, 1024.0


def unit_code(seed: int) -> str:
    return f"{100000 + seed:06d}"


def make_one(args: tuple[Path, int, int]) -> None:
    """One filled workbook: unit ``seed``, its own codes, 元 for every third unit."""
    path, projects, seed = args
    data = generate(projects, seed)
    code = unit_code(seed)
    for number, project in enumerate(data["projects"], start=1):
        project["code"] = f"{code}24P{number:06d}10000X"
    data["unit"] = {
        "name": f"下属单位{seed:05d}",
        "code": code,
        "year": 2024,
        "money_unit": "元" if seed % 3 == 0 else "万元",
    }
    submission, problems = parse_submission(json.dumps(data, ensure_ascii=False), path.name)
    assert submission is not None, problems
    save_workbook(fill_workbook(submission, min_projects=1), path)


def generate_inbox(inbox: Path, files: int, projects: int, first: int = 0) -> list[Path]:
    inbox.mkdir(parents=True, exist_ok=True)
    jobs = [(inbox / f"unit{first + i:05d}.xlsx", projects, first + i) for i in range(files)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(make_one, jobs))
    return [path for path, _, _ in jobs]


def kept_inbox(inbox: Path, files: int) -> list[Path]:
    """The workbooks an earlier run kept in ``inbox`` (none unless all ``files`` are there)."""
    found = [inbox / f"unit{i:05d}.xlsx" for i in range(files)]
    return found if all(path.is_file() for path in found) else []


def clone(source: Path, seed: int, target: Path) -> None:
    """``source`` (unit ``seed``) as another unit: its name and codes rewritten."""
    new = target.stem.removeprefix("unit")
    changes = [
        (_xml(f"下属单位{seed:05d}"), _xml(f"下属单位{new}")),
        (unit_code(seed).encode(), unit_code(int(new)).encode()),
    ]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith(".xml"):
                for old, changed in changes:
                    data = data.replace(old, changed)
            zout.writestr(item, data)


def _xml(text: str) -> bytes:
    """``text`` as the writer puts it in the sheets: non-ASCII as character references."""
    return "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in text).encode()


def province_inbox(inbox: Path, files: int, projects: int, distinct: int = 40) -> list[Path]:
    bases = generate_inbox(inbox / "bases", min(distinct, files), projects, first=90000)
    out = []
    for number in range(files):
        base = bases[number % len(bases)]
        target = inbox / f"unit{number:05d}.xlsx"
        clone(base, int(base.stem.removeprefix("unit")), target)
        out.append(target)
    return out


def calamine_floor(files: list[Path]) -> None:
    for path in files:
        with path.open("rb") as handle:
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def writing_times(result: Consolidation, path: Path) -> tuple[float, float]:
    """Seconds to write the summary of ``result`` with the rows as XML and through XlsxWriter's
    own calls (best of two each, measured A, B, A, B)."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(2):
        for streamed in (True, False):
            sheets.STREAMED = streamed
            times[streamed].append(timed(lambda: write_summary(result, path)))
    sheets.STREAMED = True
    return min(times[True]), min(times[False])


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def timed_cpu(func: Callable[[], object]) -> tuple[float, float]:
    """Seconds of wall time and of this process's own CPU (the parent: the workers' CPU is
    not counted), for one call of ``func``."""
    start, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - start, time.process_time() - cpu


_MEASURE = """
import resource, sys, time
from pathlib import Path
from jixiao.money import MoneyUnit
from jixiao.service.collect import consolidate_paths
files = Path(sys.argv[2]).read_text("utf-8").split("\\n")
out = Path(sys.argv[1])
start = time.perf_counter()
result = consolidate_paths([Path(p) for p in files], out, MoneyUnit.WAN, use_cache=False)
spent = time.perf_counter() - start
def peak_kb():
    # Linux keeps ru_maxrss across fork + exec: this process would report at least the
    # benchmark's own size when it was started.  VmHWM is this program's alone.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
own = peak_kb()
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
spooled = sum(f.stat().st_size for f in out.parent.glob(".jixiao-汇总-*/*"))
print(spent, own / 1024, kids / 1024, spooled / 1024**2)
"""


def measured_run(files: list[Path], output: Path) -> tuple[float, float, float, float]:
    """Seconds, peak MB of the parent and of the largest worker, and MB of the spool on disk
    (each file's rows and findings, deleted after the run), in a fresh process."""
    listing = output.with_suffix(".txt")
    listing.write_text("\n".join(map(str, files)), "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(output), str(listing)],
        capture_output=True,
        text=True,
        check=True,
    )
    spent, own, kids, spooled = map(float, result.stdout.split()[-4:])
    return spent, own, kids, spooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--province", type=int, default=0, help="also time N files (10000)")
    parser.add_argument("--inbox", type=Path, help="keep the workbooks here and use them again")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        os.environ["JIXIAO_CACHE_DIR"] = str(root / "cache")  # an empty cache of its own
        start = time.perf_counter()
        files = kept_inbox(args.inbox, args.files) if args.inbox else []
        if not files:
            files = generate_inbox(args.inbox or root / "报送", args.files, args.projects)
        made = time.perf_counter() - start
        print(f"{len(files)} workbooks × {args.projects} projects ready in {made:.1f} s")
        floor = timed(lambda: calamine_floor(files))
        out = root / "汇总.xlsx"
        kept: list[Consolidation] = []
        plain, plain_cpu = timed_cpu(
            lambda: kept.append(consolidate_paths(files, out, MoneyUnit.WAN, use_cache=False))
        )
        streamed, plain_writer = writing_times(kept.pop(), root / "写.xlsx")
        first, first_cpu = timed_cpu(lambda: consolidate_paths(files, out, MoneyUnit.WAN))
        corrected = 5000 + os.getpid() % 4000  # another correction each run (--inbox)
        make_one((files[0], args.projects, corrected))  # one sub-unit sends a corrected file
        again: list[Consolidation] = []
        rerun, rerun_cpu = timed_cpu(
            lambda: again.append(consolidate_paths(files, out, MoneyUnit.WAN))
        )
        rerun_writing = timed(lambda: write_summary(again.pop(), root / "再写.xlsx"))
        floor_after = timed(lambda: calamine_floor(files))
        first_floor, floor = floor, min(floor, floor_after)  # the fair floor: the faster read
        half = measured_run(files[: len(files) // 2], root / "half.xlsx")
        whole = measured_run(files, root / "whole.xlsx")
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average (1, 5, 15 min)       : {load}")
        print(
            f"calamine read floor (1 core)      : {floor:6.2f} s (the faster of {first_floor:.2f} s"
            f" before the runs and {floor_after:.2f} s after: the ratios below use it)"
        )
        print(
            f"consolidate, no cache (2 cores)   : {plain:6.2f} s = {plain / floor:.2f}× the floor"
            f" (aim ≤ {FLOOR_AIM}); the parent's own CPU {plain_cpu:.2f} s"
        )
        print(
            f"writing 汇总.xlsx alone            : {streamed:6.2f} s (XlsxWriter's own calls:"
            f" {plain_writer:.2f} s = {plain_writer / streamed:.1f}×; best of 2, alternating)"
        )
        print(
            f"first run, empty cache            : {first:6.2f} s = {first / floor:.2f}× the floor;"
            f" the parent's own CPU {first_cpu:.2f} s"
        )
        print(
            f"re-run after 1 file changed       : {rerun:6.2f} s = {rerun / first:.2f}×"
            f" the first run (aim ≤ {RERUN_AIM}); the parent's own CPU {rerun_cpu:.2f} s;"
            f" writing its workbook again alone: {rerun_writing:.2f} s"
        )
        for label, (spent, own, kids, spooled) in (("N/2", half), ("N", whole)):
            count = len(files) // 2 if label == "N/2" else len(files)
            print(
                f"peak memory at {label:<3} ({count:>5} files)   : parent {own:5.0f} MB,"
                f" largest worker {kids:4.0f} MB, spool {spooled:.1f} MB on disk ({spent:.1f} s)"
            )
        if args.province:
            province(root, args.province, args.projects)


def province(root: Path, count: int, projects: int) -> None:
    start = time.perf_counter()
    files = province_inbox(root / "省", count, projects)
    print(
        f"province: {count} files (copies of 40 generated) in {time.perf_counter() - start:.0f} s"
    )
    half = measured_run(files[: count // 2], root / "省-half.xlsx")
    whole = measured_run(files, root / "省.xlsx")
    for label, n, (spent, own, kids, spooled) in (
        ("N/2", count // 2, half),
        ("N", count, whole),
    ):
        print(
            f"province {label:<3} ({n:>5} files): {spent:6.0f} s, parent {own:5.0f} MB,"
            f" largest worker {kids:4.0f} MB, spool {spooled:.1f} MB on disk"
        )
    (_, half_own, _, _), (spent, own, _, _) = half, whole
    per_file = (own - half_own) / (count - count // 2)  # the parent's growth per file
    at_10k = own + per_file * (10_000 - count)
    print(
        f"extrapolated to 10,000 files      : {spent * 10_000 / count:.0f} s"
        f" (aim < {PROVINCE_SECONDS:.0f}); parent {at_10k:.0f} MB at {per_file * 1024:.0f} KB"
        f" more per file (aim < {PROVINCE_MB:.0f}, flat)"
    )


if __name__ == "__main__":
    main()
