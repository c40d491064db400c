"""Start-up as a clerk meets it: wall time of whole ``jixiao`` processes, against bare Python.

Measures (the median of ``--repeat`` runs each, the commands taken in turn so a busy machine
slows them alike):

* ``python -c pass`` — the interpreter's own start-up in this environment, the floor;
* ``jixiao --help`` — aim ≤ 0.25 s;
* ``jixiao validate`` of one filled 30-project workbook, read afresh (``--no-cache``) — aim
  ≤ 0.5 s; and the same file again from the result cache (what a re-run costs).

Each process's CPU time is shown beside its wall time: on a busy machine the wall time includes
waiting for a core, the CPU time does not (on an idle one they are close).

Each command runs as ``python -c "from jixiao.cli import run; run()" …``, what the ``jixiao``
console script does.  A pip-installed jixiao has its bytecode compiled at install time; a
development environment may forbid writing it (``PYTHONDONTWRITEBYTECODE``), which would add
the compiling of every module to every run.  So the runs here get a bytecode cache of their own
(``PYTHONPYCACHEPREFIX`` in a temporary folder, warmed by one untimed run of each command) and
a result cache of their own (``JIXIAO_CACHE_DIR``): nothing outside the temporary folder is
written.  Run: ``python benchmarks/bench_startup.py [--repeat 11] [--projects 30]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_read import make_workbook

ENTRY = "from jixiao.cli import run; run()"
AIMS = {"help": 0.25, "validate": 0.5}


def command_lines(workbook: Path) -> dict[str, list[str]]:
    """What is timed, by name."""
    jixiao = [sys.executable, "-c", ENTRY]
    return {
        "python": [sys.executable, "-c", "pass"],
        "help": [*jixiao, "--help"],
        "validate": [*jixiao, "validate", "--no-cache", str(workbook)],
        "cached": [*jixiao, "validate", str(workbook)],
    }


def isolated_environment(folder: Path) -> dict[str, str]:
    """The environment of the timed runs: own bytecode and result caches under ``folder``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    env["JIXIAO_CACHE_DIR"] = str(folder / "results")
    return env


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far; 0 without
    ``resource`` (Windows), where only wall times are shown."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall_time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run, start to exit; a failed run stops the benchmark."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    spent = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode not in (0, 1):  # validate exits 1 when it finds errors
        sys.exit(f"{command[3:]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return spent


def measure(
    commands: dict[str, list[str]], env: dict[str, str], repeat: int
) -> dict[str, tuple[float, float]]:
    """The median (wall, CPU) time of each command, after one untimed warm-up run of each."""
    for command in commands.values():
        wall_time(command, env)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(wall_time(command, env))
    return {
        name: (statistics.median(w for w, _ in spent), statistics.median(c for _, c in spent))
        for name, spent in times.items()
    }


def report(medians: dict[str, tuple[float, float]], projects: int) -> None:
    floor, floor_cpu = medians["python"]
    print("medians: wall time; CPU time of the process (without the waits for a busy core)")
    rows = [
        ("python -c pass (floor)", "python", None),
        ("jixiao --help", "help", AIMS["help"]),
        (f"jixiao validate, {projects} projects", "validate", AIMS["validate"]),
        (f"jixiao validate, {projects} projects, cached", "cached", AIMS["validate"]),
    ]
    for label, name, aim in rows:
        spent, cpu = medians[name]
        aim_text = f"aim ≤ {aim:.2f} s: {spent / aim:4.2f} of it" if aim else ""
        ratio = f"{spent / floor:5.1f}x python" + (f" (CPU {cpu / floor_cpu:4.1f}x)" if cpu else "")
        print(f"{label:40s} {spent:6.3f} s  CPU {cpu:6.3f} s  {ratio}   {aim_text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--projects", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        workbook = folder / "单位报送.xlsx"
        make_workbook(args.projects, workbook)
        medians = measure(command_lines(workbook), isolated_environment(folder), args.repeat)
    report(medians, args.projects)


if __name__ == "__main__":
    main()
