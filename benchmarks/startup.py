"""Start-up time: ``import paritykit``, ``paritykit --help``, and a baseline in the same run.

Each measurement is a fresh process, repeated; the baseline is ``python -c pass`` and
``python -c "import click"`` on the same interpreter, so the ratios hold on a busy machine.

Run: ``python benchmarks/startup.py [--repeat 7]``. Prints median seconds and ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "import click (baseline)": [sys.executable, "-c", "import click"],
    "import paritykit": [sys.executable, "-c", "import paritykit"],
    "paritykit --help": [sys.executable, "-m", "paritykit", "--help"],
    "import pandas (for scale)": [sys.executable, "-c", "import pandas"],
    "paritykit.read_835 (first use)": [
        sys.executable,
        "-c",
        "import paritykit; paritykit.read_835",
    ],
}


def _time(cmd: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    results = {name: _time(cmd, args.repeat) for name, cmd in CASES.items()}
    base = results["python -c pass (baseline)"]
    print(f"{'case':<34} {'median s':>9} {'x python':>9}")
    for name, seconds in results.items():
        print(f"{name:<34} {seconds:9.3f} {seconds / base:9.1f}")


if __name__ == "__main__":
    main()
