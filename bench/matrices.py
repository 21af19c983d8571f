"""DScribe's SineMatrix and EwaldSumMatrix computed by SwiftGAP (``swiftgap.dscribe``) against DScribe 2.1 itself:
speed and agreement.

What it measures
    The same calls through both packages, in one process, one job (n_jobs=1): the wall time of each call (the
    minimum of --repeat runs, after one untimed warm-up; calls slower than 20 s run once, without warm-up), the
    ratio DScribe / SwiftGAP, and the largest difference relative to the largest entry of DScribe's output (or
    absolute below 1e-6).
    DScribe differentiates both matrices by central differences of `create` (2 calls per atom and axis);
    SwiftGAP's derivatives are analytic. `create` uses sorted_l2 (the default permutation), `derivatives` the
    atom order ("none": at a tie of row norms, as in Si diamond, DScribe's differences mix two orders); both use
    DScribe's default Ewald arguments (accuracy 1e-5, w = 1).

    Cases
      lesson-crystals  the lesson's crystals (Cu fcc, Si diamond, NaCl rocksalt; primitive cells, 1-2 atoms),
                       n_atoms_max 2: create and derivatives of all three.
      nacl64           NaCl rocksalt 2×2×2 cubic cells (64 atoms, a = 5.64 Å, rattled 0.05 Å, seed 3),
                       n_atoms_max 64: create and derivatives.
      nacl1000         NaCl rocksalt 5×5×5 cubic cells (1000 atoms, rattled as above), n_atoms_max 1000: create
                       (derivatives would be 1000 × 3 × 10⁶ values, 24 GB, in both packages).
    Other jobs may share the machine: the script waits (up to --max-wait s, default 3 min) for the 1-minute load
    per core to drop below 0.3 before each case and stores the load it saw.

Results: a table on stdout and bench/.data/matrices/results.json (git-ignored).

How to run (from the repository root). DScribe 2.1.2's SineMatrix fails under ASE >= 3.23 ("Use only one of
momenta and velocities"), so run it with ase 3.22.1, e.g. in a venv made by
`python3 -m venv /work/venv-ase322 && /work/venv-ase322/bin/pip install "numpy<2" ase==3.22.1 dscribe==2.1.2`,
with the swiftgap package on the path (PYTHONPATH=python, SWIFTGAP_LIBRARY=path/to/libSwiftGAPC.so):
    PYTHONPATH=python /work/venv-ase322/bin/python bench/matrices.py [--repeat 3] [--only ewald|sine] [--max-wait 180]
"""
import argparse
import json
import os
import time

import numpy as np
from ase.build import bulk

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "matrices")
SLOW = 20.0


def nacl(repeat):
    atoms = bulk("NaCl", "rocksalt", a=5.64, cubic=True) * (repeat, repeat, repeat)
    atoms.rattle(0.05, seed=3)
    return atoms


def cases(only):
    from dscribe import descriptors as dscribe
    from swiftgap import dscribe as ours

    crystals = [bulk("Cu", "fcc", a=3.6), bulk("Si", "diamond", a=5.43), bulk("NaCl", "rocksalt", a=5.64)]
    cell64, cell1000 = nacl(2), nacl(5)
    out = []
    for name in ("SineMatrix", "EwaldSumMatrix"):
        if only and only not in name.lower():
            continue

        def both(n_atoms_max, permutation="sorted_l2", name=name):
            return tuple(getattr(package, name)(n_atoms_max=n_atoms_max, permutation=permutation)
                         for package in (dscribe, ours))

        out += [
            ("lesson-crystals", f"{name}.create", both(2), lambda d: d.create(crystals)),
            ("lesson-crystals", f"{name}.derivatives", both(2, "none"), lambda d: d.derivatives(crystals)),
            ("nacl64", f"{name}.create", both(64), lambda d: d.create(cell64)),
            ("nacl64", f"{name}.derivatives", both(64, "none"), lambda d: d.derivatives(cell64)),
            ("nacl1000", f"{name}.create", both(1000), lambda d: d.create(cell1000)),
        ]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["sine", "ewald"], default=None)
    parser.add_argument("--max-wait", type=float, default=180, help="seconds to wait for an idle machine per case")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"# {common.machine()}; n_jobs=1; best of {args.repeat} after a warm-up (calls over {SLOW:.0f} s: once)")
    print(f"{'case':<16} {'call':<28} {'DScribe s':>10} {'SwiftGAP s':>11} {'ratio':>7} {'max rel diff':>13}")
    rows = []
    for case, call, (theirs, ours), run in cases(args.only):
        load = gc.wait_idle(max_wait=args.max_wait)
        t_theirs, out_theirs = common.best_time(lambda: run(theirs), args.repeat, slow=SLOW)
        t_ours, out_ours = common.best_time(lambda: run(ours), args.repeat, slow=SLOW)
        row = {"case": case, "call": call, "dscribe_seconds": t_theirs, "swiftgap_seconds": t_ours,
               "ratio": t_theirs / t_ours, "max_relative_difference": common.deviation(out_ours, out_theirs, floor=1e-6),
               "load_before": load}
        rows.append(row)
        print(f"{case:<16} {call:<28} {t_theirs:>10.4f} {t_ours:>11.4f} {row['ratio']:>7.1f} "
              f"{row['max_relative_difference']:>13.1e}", flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "repeat": args.repeat, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
