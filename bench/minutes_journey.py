"""Record the seed's minutes of 7 July 2014 on the minutes screen with the keyboard alone, in a
real browser, and print the keys it took and the seconds of script time:

    .venv/bin/python bench/minutes_journey.py [--repeat 1]

It runs the browser journey (tests/browser/test_minutes_journey.py, which counts every key it
sends: Tab, arrows, Space and Enter as navigation keys, typing a character at a time) on the
test database, so it touches nothing of yours, and prints its figures, e.g.

    MINUTES JOURNEY: 189 navigation keys, 16,213 typed characters, 89.9 s

The seconds are mostly typing (16,000 characters, one key event each) and vary with the
machine; the keys do not.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/browser/test_minutes_journey.py::test_the_clerk_records_the_7_july_2014_minutes_with_the_keyboard_alone"  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.repeat):
        run = subprocess.run(
            [sys.executable, "-m", "pytest", TEST, "-q", "-s", "-p", "no:logging"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        figures = re.findall(r"^MINUTES JOURNEY: .*$", run.stdout, re.MULTILINE)
        if run.returncode or not figures:
            sys.stdout.write(run.stdout[-4000:] + run.stderr[-2000:])
            sys.exit(run.returncode or 1)
        print(figures[-1])


if __name__ == "__main__":
    main()
