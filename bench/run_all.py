"""Run every benchmark, each in its own process, and print their figures and a summary.

    python bench/run_all.py                  # all of them (`make bench`)
    python bench/run_all.py workers faults   # only these (names without .py)
    python bench/run_all.py scale            # the library at a million songs (not in "all")
    python bench/run_all.py search_bench     # search at 100,000 songs (not in "all")

Each script prints figure lines `name value unit (target)`. A script that is missing, exits
non-zero or prints no figure gets a FAILED line, and run_all exits 1 at the end. A figure
that misses its target is listed in the summary (exit 1 too with --strict).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
_venv_python = ROOT / ".venv" / "bin" / "python"
PYTHON = str(_venv_python if _venv_python.exists() else Path(sys.executable))

SCRIPTS = (
    "synth_speed",
    "emulator_media",
    "emulator_memory",
    "analysis_speed",
    "library_bench",
    "dashboard_bench",
    "webhook_throughput",
    "workers",
    "faults",
)
FIGURE = re.compile(r"^(?P<name>[A-Za-z0-9_.:-]+) (?P<value>\S+) (?P<unit>\S+) \((?P<target>.*)\)$")
# A target that can be judged: a comparison with one number and at most a unit ("<= 50 ms").
TARGET = re.compile(
    r"^\s*(?P<op>>=|<=|>|<|==|=)?\s*(?P<number>-?\d+(?:\.\d+)?)\s*(?:[A-Za-z%/]+)?\s*$"
)


@dataclass
class Figure:
    script: str
    name: str
    value: str
    unit: str
    target: str

    def met(self) -> bool | None:
        """True or False when the target is a plain comparison with a number, else None."""
        match = TARGET.match(self.target)
        try:
            value = float(self.value.rstrip("%x"))
            bound = float(match.group("number")) if match else None
        except ValueError:
            return None
        if bound is None:
            return None
        op = match.group("op") or "=="
        return {
            ">=": value >= bound,
            "<=": value <= bound,
            ">": value > bound,
            "<": value < bound,
            "==": value == bound,
            "=": value == bound,
        }[op]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def run(script: str, timeout: float) -> tuple[list[Figure], str]:
    """Run one script, echoing its output; its figures and '' or why it failed."""
    path = BENCH / f"{script}.py"
    if not path.exists():
        return [], f"bench/{script}.py is missing"
    print(f"== {script}", flush=True)
    began = time.monotonic()
    figures: list[Figure] = []
    proc = subprocess.Popen(
        [PYTHON, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    # A silent, hung script is stopped too: SIGTERM first, so it can stop its servers.
    watchdog = threading.Timer(timeout, _stop, args=(proc,))
    watchdog.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            print(line, flush=True)
            match = FIGURE.match(line)
            if match:
                figures.append(Figure(script, **match.groupdict()))
        proc.wait()
    finally:
        watchdog.cancel()
    elapsed = time.monotonic() - began
    if elapsed > timeout:
        return figures, f"timed out after {timeout:.0f}s"
    if proc.returncode != 0:
        return figures, f"exited with status {proc.returncode}"
    if not figures:
        return figures, "printed no figure"
    print(f"   ({elapsed:.0f}s)", flush=True)
    return figures, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scripts to run (default: all)")
    parser.add_argument("--strict", action="store_true", help="a missed target fails the run")
    parser.add_argument(
        "--timeout", type=float, default=float(os.environ.get("BENCH_TIMEOUT", 1200))
    )
    args = parser.parse_args()
    names = [name.removesuffix(".py") for name in args.names] or list(SCRIPTS)

    figures: list[Figure] = []
    failures: list[tuple[str, str]] = []
    for name in names:
        found, failure = run(name, args.timeout)
        figures += found
        if failure:
            failures.append((name, failure))
            print(f"FAILED {name}: {failure}", flush=True)

    print("\n== summary", flush=True)
    missed = []
    for figure in figures:
        met = figure.met()
        mark = {True: "ok", False: "MISSED", None: "--"}[met]
        if met is False:
            missed.append(figure)
        print(
            f"{mark:>6}  {figure.name} {figure.value} {figure.unit} ({figure.target})", flush=True
        )
    for name, failure in failures:
        print(f"FAILED  {name}: {failure}", flush=True)
    print(
        f"{len(names) - len(failures)}/{len(names)} benchmarks ran, {len(figures)} figures, "
        f"{len(missed)} missed targets",
        flush=True,
    )
    return 1 if failures or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
