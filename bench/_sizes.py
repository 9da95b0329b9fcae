# Copyright: (c) 2026, gatekit.devstack contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the benchmarks (not one itself): run a benchmark once per size, each in a
fresh process, so the peak RSS a size reports is its own."""

import json
import os
import subprocess
import sys
import time


def run_sizes(script, sizes, what, extra_args=()):
    """The row ``script --one SIZE *extra_args`` prints (JSON, its last line) for each size.

    ``what`` names a size on stderr, e.g. ``"jjb bench: %d jobs"``.
    """
    rows = []
    start = time.perf_counter()
    for size in sizes:
        sys.stderr.write("[%6.1fs] %s ...\n" % (time.perf_counter() - start, what % size))
        proc = subprocess.run([sys.executable, os.path.abspath(script), "--one", str(size), *extra_args],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows
