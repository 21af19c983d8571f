"""Pooled SOAP (``swiftgap.dscribe.Pooled``) against DScribe 2.1's averaged SOAP: speed, agreement and memory.

What it measures
    SOAP(species Si, r_cut 5, n_max 8, l_max 6, sigma 0.5, periodic) of rattled Si diamond cells (a = 5.431 Å,
    rattled 0.05 Å, seed 3) of 216 (3×3×3) and 1000 (5×5×5) atoms, one thread:
      average  `Pooled(soap, "average")` against DScribe's `SOAP(average="outer")` (the same numbers): `create`, and
               `derivatives` with respect to atoms 0…19 (DScribe's attach=True; it takes central differences of the
               whole periodic system, twice per atom and axis: the 216-atom cell only), our derivatives compared
               with central differences (h = 1e-4 Å) of DScribe's `create`, which DScribe's own derivatives are not
               for atoms near the cell's faces;
      max, weighted (per-atom weights 0.5 + (i mod 3))
               SwiftGAP alone (DScribe has no such pooling): `create` and `derivatives` of every atom.
    Times are the minimum of at least --repeat runs and of --budget seconds of runs after one untimed warm-up; the
    ratio is DScribe / SwiftGAP and the difference is relative to DScribe's largest entry. With --memory, the peak
    resident memory of one `derivatives` call of each pooling on the 1000-atom cell, each in a fresh process (its
    peak during the call less what it held before; the output itself is 6 MB).

Results: a table on stdout and bench/.data/pooling/results.json (git-ignored).

How to run (from the repository root, with a Python where swiftgap and dscribe 2.1 are importable, e.g. `make
test`'s venv .venv):
    .venv/bin/python bench/pooling.py [--repeat 3] [--budget 1] [--memory]
"""
import json
import os
import subprocess
import sys

import numpy as np
from ase.build import bulk

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "pooling")
SETTINGS = dict(species=["Si"], r_cut=5.0, n_max=8, l_max=6, sigma=0.5, periodic=True)


def cell(repeats):
    """The rattled Si cell of repeats³ conventional cells, with site weights "w"."""
    si = bulk("Si", "diamond", a=5.431, cubic=True) * (repeats, repeats, repeats)
    si.rattle(0.05, seed=3)
    si.wrap()
    si.set_array("w", 0.5 + np.arange(len(si)) % 3)
    return si


def pooled(pooling):
    """Our pooled SOAP."""
    from swiftgap.dscribe import SOAP, Pooled

    return Pooled(SOAP(**SETTINGS), pooling, site_weights="w" if pooling == "weighted" else None)


def central_differences(descriptor, system, atoms, h=1e-4):
    """(len(atoms), 3, F): central differences of `descriptor.create` (one row) as each atom moves along x, y, z."""
    out = []
    for atom in atoms:
        for axis in range(3):
            plus, minus = system.copy(), system.copy()
            plus.positions[atom, axis] += h
            minus.positions[atom, axis] -= h
            out.append((descriptor.create(plus) - descriptor.create(minus)) / (2 * h))
    return np.array(out).reshape(len(atoms), 3, -1)


def cases():
    """(case, call, DScribe's call or None, our call, the reference our output is compared with: None for DScribe's
    output, else a call that makes it): calls without arguments."""
    from dscribe import descriptors as dscribe

    twenty = list(range(20))
    out = []
    for name, si in (("si216", cell(3)), ("si1000", cell(5))):
        outer, average = dscribe.SOAP(average="outer", **SETTINGS), pooled("average")
        out.append((name, "average create", lambda si=si: outer.create(si), lambda si=si: average.create(si), None))
        # DScribe's attach=True: its centers move with their atoms, as a pooled row's do. Its derivatives are
        # compared with central differences of its own `create`, which they are not near the cell's faces (its
        # displaced atoms there move other centers than the images its `create` sees: 1e-2 apart in this cell).
        theirs = (lambda si=si: outer.derivatives(si, include=twenty, attach=True, return_descriptor=False)[0])
        out.append((name, "average derivatives (20 at.)", theirs if name == "si216" else None,
                    lambda si=si: average.derivatives(si, include=twenty, return_descriptor=False),
                    lambda si=si: central_differences(outer, si, twenty)))
        for pooling in ("max", "weighted"):
            d = pooled(pooling)
            out.append((name, f"{pooling} create", None, lambda si=si, d=d: d.create(si), None))
            out.append((name, f"{pooling} derivatives", None, lambda si=si, d=d: d.derivatives(si), None))
    return out


def status_mb(key):
    """A memory figure of this process from /proc/self/status (VmRSS:, VmHWM:), MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


def peak_memory(pooling):
    """MB of resident memory one `derivatives` call of the 1000-atom cell holds at its peak beyond what the process
    held before it: in a fresh process (memory freed by earlier calls would be reused unseen), the peak reset just
    before the call (/proc/self/clear_refs)."""
    script = (
        "import sys; sys.path.insert(0, 'bench'); import pooling as p; si = p.cell(5); "
        f"d = p.pooled('{pooling}'); d.create(si); before = p.status_mb('VmRSS:'); "
        "open('/proc/self/clear_refs', 'w').write('5'); d.derivatives(si); print(p.status_mb('VmHWM:') - before)")
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def main():
    parser = common.timing_parser(__doc__, wait=True)
    parser.add_argument("--memory", action="store_true", help="also the peak memory of each pooling's derivatives")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"# {common.machine()}; best of ≥ {args.repeat} runs and ≥ {args.budget:g} s after a warm-up; 1 thread")
    print(f"{'case':<8} {'call':<30} {'DScribe s':>10} {'SwiftGAP s':>11} {'ratio':>7} {'max rel diff':>13}")
    rows = []
    for case, call, theirs, ours, reference in cases():
        load = gc.wait_idle(max_wait=args.wait)
        row = {"case": case, "call": call, "load_before": load, **common.compared(
            ours, theirs, args.repeat, budget=args.budget, slow=10, reference=reference)}
        rows.append(row)
        theirs_text, ours_text, ratio_text, diff_text = common.compared_columns(row)
        print(f"{case:<8} {call:<30} {theirs_text:>10} {ours_text:>11} {ratio_text:>7} {diff_text:>13}", flush=True)
    memory = {}
    if args.memory:
        for pooling in ("average", "max", "weighted"):
            memory[pooling] = peak_memory(pooling)
            print(f"si1000   {pooling} derivatives: peak memory +{memory[pooling]:.0f} MB", flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "repeat": args.repeat, "rows": rows, "peak_memory_mb": memory}, f,
                  indent=1)


if __name__ == "__main__":
    main()
