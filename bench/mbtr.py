"""MBTR through SwiftGAP's DScribe API (``swiftgap.dscribe.MBTR``) against DScribe 2.1 itself: speed and agreement.

What it measures
    The same calls through both packages, in one process, one job (n_jobs=1): the wall time of each call (the
    minimum of --repeat runs, after one untimed warm-up; DScribe's calls on the 1000-atom cell run once), the
    ratio DScribe / SwiftGAP, and the largest difference relative to the largest entry of DScribe's output.

    Settings (periodic, species Cu Si Na Cl)
      k2  geometry inverse_distance, grid 0…1 Å⁻¹ (n 100, σ 0.02), weighting exp (r_cut 6 Å, threshold 1e-3)
      k3  geometry cosine, grid −1…1 (n 100, σ 0.02), weighting exp (r_cut 5 Å, threshold 1e-3)
    create uses normalization "l2" (DScribe's tutorials' choice); derivatives use "n_atoms", where DScribe's
    derivatives are analytic (with "l2" it has only finite differences).

    Cases
      lesson-crystals  the lesson's primitive cells (Cu fcc a 3.6, Si diamond a 5.43, NaCl rocksalt a 5.64),
                       each a cell far smaller than the cutoff: create and derivatives of the three.
      si1000           Si diamond 1000 atoms (5×5×5 conventional cells, a = 5.431 Å, rattled 0.05 Å, seed 3):
                       create and derivatives (1000 × 3 × F).
    Other jobs may share the machine: the script waits (up to 3 min) for the 1-minute load per core to drop
    below 0.3 before each case and stores the load it saw.

Results: a table on stdout and bench/.data/mbtr/results.json (git-ignored).

How to run (from the repository root). DScribe 2.1.2's periodic MBTR fails with ASE >= 3.23 ("Use only one of
momenta and velocities"), so use a venv with ase==3.22.1, "numpy<2" and dscribe==2.1.2, and SwiftGAP's Python
package from the source tree:
    PYTHONPATH=python SWIFTGAP_LIBRARY=.build/release/libSwiftGAPC.so \\
        /work/venv-ase322/bin/python bench/mbtr.py [--repeat 3] [--skip-large] [--no-wait]
"""
import argparse
import json
import os
import time

import numpy as np
from ase.build import bulk

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "mbtr")
SPECIES = ["Cu", "Si", "Na", "Cl"]
K2 = dict(geometry={"function": "inverse_distance"}, grid={"min": 0, "max": 1, "n": 100, "sigma": 0.02},
          weighting={"function": "exp", "r_cut": 6, "threshold": 1e-3})
K3 = dict(geometry={"function": "cosine"}, grid={"min": -1, "max": 1, "n": 100, "sigma": 0.02},
          weighting={"function": "exp", "r_cut": 5, "threshold": 1e-3})


def once(call):
    t0 = time.perf_counter()
    out = call()
    return time.perf_counter() - t0, out


def cases(skip_large):
    from dscribe import descriptors as dscribe
    from swiftgap import dscribe as ours

    crystals = [bulk("Cu", "fcc", a=3.6), bulk("Si", "diamond", a=5.43), bulk("NaCl", "rocksalt", a=5.64)]
    si = bulk("Si", "diamond", a=5.431, cubic=True) * (5, 5, 5)
    si.rattle(0.05, seed=3)

    def both(settings, normalization):
        kwargs = dict(settings, species=SPECIES, periodic=True, normalization=normalization)
        return dscribe.MBTR(**kwargs), ours.MBTR(**kwargs)

    out = []
    for k, settings in (("k2", K2), ("k3", K3)):
        values, forces = both(settings, "l2"), both(settings, "n_atoms")
        out += [
            ("lesson-crystals", f"{k} create", values, lambda d: [d.create(m) for m in crystals], False),
            ("lesson-crystals", f"{k} derivatives", forces, lambda d: [d.derivatives(m) for m in crystals], False),
        ]
        if not skip_large:
            out += [
                ("si1000", f"{k} create", values, lambda d: d.create(si), True),
                ("si1000", f"{k} derivatives", forces, lambda d: d.derivatives(si), True),
            ]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true", help="only the lesson's crystals")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for an idle machine")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"# {common.machine()}; n_jobs=1; best of {args.repeat} after a warm-up (DScribe on si1000: one run)")
    print(f"{'case':<16} {'call':<16} {'DScribe s':>10} {'SwiftGAP s':>11} {'ratio':>7} {'max rel diff':>13}")
    rows = []
    for case, call, (theirs, ours), run, large in cases(args.skip_large):
        load = os.getloadavg()[0] if args.no_wait else gc.wait_idle()
        t_theirs, out_theirs = once(lambda: run(theirs)) if large else common.best_time(lambda: run(theirs), args.repeat)
        t_ours, out_ours = common.best_time(lambda: run(ours), args.repeat)
        row = {"case": case, "call": call, "dscribe_seconds": t_theirs, "swiftgap_seconds": t_ours,
               "ratio": t_theirs / t_ours, "max_relative_difference": common.deviation(out_ours, out_theirs, floor=1e-300),
               "load_before": load}
        rows.append(row)
        print(f"{case:<16} {call:<16} {t_theirs:>10.4f} {t_ours:>11.4f} {row['ratio']:>7.1f} "
              f"{row['max_relative_difference']:>13.1e}", flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "repeat": args.repeat, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
