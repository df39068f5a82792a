"""Time and peak memory of one call, each case in a fresh subprocess (shared by the benchmarks).

Peak memory is the resident set's high-water mark (``VmHWM``) during the call minus the resident set
just before it: it counts every allocation, NumPy's, pandas' and Arrow's alike (``tracemalloc`` sees
only Python's and NumPy's). The mark is reset before the call by writing 5 to
``/proc/self/clear_refs`` (Linux); elsewhere the process's whole peak is reported.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _status(field: str) -> int:
    """A ``/proc/self/status`` field in bytes (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(call: Callable[[], object]) -> dict:
    """Run ``call`` once: wall and CPU seconds, and the peak of extra resident memory in bytes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    before = _status("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": wall, "cpu_seconds": cpu, "peak_bytes": max(0, _status("VmHWM") - before)}


def run_case(script: str, *args: str) -> dict:
    """Run ``python script --case args...`` in a fresh interpreter; it prints one JSON line last."""
    done = subprocess.run([sys.executable, script, "--case", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script} --case {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict) -> None:
    """Print a case's result as the JSON line :func:`run_case` reads."""
    print(json.dumps(result))


def gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.2f} GB"
