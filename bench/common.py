"""Helpers shared by the benchmark drivers: locating and building the Swift binaries, running them."""
import json
import os
import subprocess
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT_DIR = os.path.dirname(BENCH_DIR)
DATA_DIR = os.path.join(BENCH_DIR, ".data")
BENCH_BIN = os.path.join(BENCH_DIR, ".build", "release", "swiftgap-bench")
CLI_BIN = os.path.join(ROOT_DIR, ".build", "release", "swiftgap")


def _run_build(args, cwd):
    print("$ " + " ".join(args), file=sys.stderr, flush=True)
    # Build output goes to stderr so that the tables on stdout stay clean.
    subprocess.run(args, cwd=cwd, check=True, stdout=sys.stderr)


def ensure_bench(rebuild=True):
    """Builds swiftgap-bench in release (a no-op when it is up to date) and returns its path."""
    if rebuild or not os.path.exists(BENCH_BIN):
        _run_build(["swift", "build", "-c", "release", "--package-path", BENCH_DIR], ROOT_DIR)
    return BENCH_BIN


def ensure_cli():
    """Builds the main `swiftgap` binary in release if it is missing and returns its path."""
    if not os.path.exists(CLI_BIN):
        _run_build(["swift", "build", "-c", "release", "--product", "swiftgap"], ROOT_DIR)
    return CLI_BIN


def swift_env():
    """The environment for the Swift binaries.

    swiftgap-bench links SwiftGAP's LinearAlgebra and so OpenBLAS, whose worker threads busy-wait
    (sched_yield) for a while after start-up; on a 2-core machine that steals a core from the
    measurement, so OpenBLAS is kept to one thread (nothing benchmarked here calls BLAS).
    """
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1"}


def run_bench(*args):
    """Runs swiftgap-bench with the given arguments and returns the JSON object it prints."""
    out = subprocess.run([BENCH_BIN, *map(str, args)], check=True, capture_output=True, text=True,
                         env=swift_env()).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine():
    """A one-line description of the machine (CPU model and core count)."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def best_time(call, repeat, slow=None, budget=0.0):
    """(fastest of at least ``repeat`` timed calls after an untimed warm-up, the last output); with ``budget``,
    calls go on until that many seconds were timed (a call of a fraction of a millisecond needs hundreds of runs
    for a stable minimum); a warm-up slower than ``slow`` seconds is returned alone (its time and output)."""
    import time
    t0 = time.perf_counter()
    out = call()
    first = time.perf_counter() - t0
    if slow is not None and first > slow:
        return first, out
    best, spent, runs = float("inf"), 0.0, 0
    while runs < repeat or spent < budget:
        t0 = time.perf_counter()
        out = call()
        elapsed = time.perf_counter() - t0
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best, out


def flatten(x):
    """The arrays of a (nested) list or tuple of arrays, in order."""
    import numpy as np
    if isinstance(x, (list, tuple)):
        return [z for y in x for z in flatten(y)]
    return [np.asarray(x)]


def deviation(ours, theirs, floor=0.0):
    """Largest |ours − theirs| relative to the peer's largest entry (at least ``floor``, so that outputs that
    vanish up to rounding compare absolutely)."""
    import numpy as np
    a, b = flatten(ours), flatten(theirs)
    scale = max(max(float(np.abs(y).max()) for y in b), floor)
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b)) / scale
