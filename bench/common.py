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


def compared(ours, theirs, repeat, budget=0.0, slow=None, reference=None):
    """One call through SwiftGAP and, when ``theirs`` is not None, through the peer (``best_time`` of each; the peer's
    warm-up alone when slower than ``slow`` s): the measures of a table row — swiftgap_seconds, dscribe_seconds, ratio
    (peer ÷ SwiftGAP) and max_relative_difference (``deviation`` from the peer's output, or from ``reference()`` when
    given) —, None for the peer's when there is no peer."""
    t_ours, out_ours = best_time(ours, repeat, budget=budget)
    row = {"swiftgap_seconds": t_ours, "dscribe_seconds": None, "ratio": None, "max_relative_difference": None}
    if theirs is not None:
        t_theirs, out_theirs = best_time(theirs, repeat, slow=slow, budget=budget)
        row.update(dscribe_seconds=t_theirs, ratio=t_theirs / t_ours,
                   max_relative_difference=deviation(out_ours, out_theirs if reference is None else reference()))
    return row


def compared_columns(row):
    """The peer's seconds, SwiftGAP's, the ratio and the difference of a ``compared`` row as table text ("—" without
    a peer)."""
    peer = row["dscribe_seconds"] is not None
    return (f"{row['dscribe_seconds']:.4f}" if peer else "—", f"{row['swiftgap_seconds']:.4f}",
            f"{row['ratio']:.1f}" if peer else "—", f"{row['max_relative_difference']:.1e}" if peer else "—")


def timing_parser(doc, wait=False):
    """The argument parser of a benchmark that times calls with ``best_time``: --repeat and --budget (and, with
    ``wait``, --wait for an idle machine per case), described by the first line of the script's ``doc``."""
    import argparse
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=1.0,
                        help="seconds of timed calls per measurement at least (more runs of short calls)")
    if wait:
        parser.add_argument("--wait", type=float, default=180, help="longest wait for an idle machine per case, s")
    return parser
