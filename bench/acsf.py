"""ACSF through SwiftGAP's DScribe API (``swiftgap.dscribe.ACSF``) against DScribe 2.1 itself: speed and agreement.

What it measures
    The same calls through both packages, in one process, with n_jobs = 1 and then 2 (--jobs): the wall time of
    each call (the minimum of at least --repeat runs and of --budget seconds of runs, after one untimed warm-up),
    the ratio DScribe / SwiftGAP, and the largest difference relative to the largest entry of DScribe's output.
    Both use every function type:
    ACSF(r_cut 6, g2 [[1, 1], [1, 2], [1, 3]], g3 [1, 2], g4 [[0.005, 1, 1], [0.005, 2, 1], [0.005, 1, -1],
    [0.005, 2, -1]], g5 [[0.005, 1, -1], [0.005, 2, 1], [0.01, 4, 1]], periodic).

    Cases
      lesson-crystals  the lesson's crystals (/work/shared/lesson/crystals_dscribe.py: Cu fcc, Si diamond, NaCl
                       rocksalt, primitive cells smaller than r_cut) with species Cu Si Na Cl: create on all atoms,
                       and derivatives (attach=True, the only mode DScribe's ACSF has; DScribe takes central
                       differences in Python, SwiftGAP analytic derivatives).
      si1000           Si diamond, 1000 atoms (5×5×5 conventional cells, a = 5.431 Å, rattled 0.05 Å, seed 3),
                       periodic, species Si: create on all 1000 atoms; derivatives of 2 centres with respect to
                       atoms 0…19 (DScribe recomputes the whole periodic system twice per atom, axis and centre,
                       so more would take it minutes); and SwiftGAP alone: derivatives of all 1000 centres (with
                       respect to atoms 0…19, to keep the dense output small; every block is computed).
    Other jobs may share the machine: before each case the script waits (up to --wait s) for the 1-minute load
    per core to drop below 0.3 and stores the load it saw.

Results: a table on stdout and bench/.data/acsf/results.json (git-ignored).

How to run (from the repository root, with a Python where swiftgap and dscribe 2.1 are importable, e.g. `make
test`'s venv .venv):
    .venv/bin/python bench/acsf.py [--repeat 3] [--budget 1] [--jobs 1,2] [--wait 180]
"""
import json
import os
import time

import numpy as np
from ase.build import bulk

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "acsf")

SETTINGS = dict(
    r_cut=6.0,
    g2_params=[[1, 1], [1, 2], [1, 3]],
    g3_params=[1, 2],
    g4_params=[[0.005, 1, 1], [0.005, 2, 1], [0.005, 1, -1], [0.005, 2, -1]],
    g5_params=[[0.005, 1, -1], [0.005, 2, 1], [0.01, 4, 1]],
    periodic=True,
)


def cases(jobs):
    """(case, call, (DScribe's descriptor or None, ours), the call on a descriptor)."""
    from dscribe import descriptors as dscribe
    from swiftgap import dscribe as ours

    crystals = [bulk("Cu", "fcc", a=3.6), bulk("Si", "diamond", a=5.43), bulk("NaCl", "rocksalt", a=5.64)]
    si = bulk("Si", "diamond", a=5.431, cubic=True) * (5, 5, 5)
    si.rattle(0.05, seed=3)
    si.wrap()
    twenty = list(range(20))

    def both(**kwargs):
        return dscribe.ACSF(**kwargs, **SETTINGS), ours.ACSF(**kwargs, **SETTINGS)

    lesson = both(species=["Cu", "Si", "Na", "Cl"])
    silicon = both(species=["Si"])
    return [
        ("lesson-crystals", "ACSF.create (all atoms)", lesson, lambda d: d.create(crystals, n_jobs=jobs)),
        ("lesson-crystals", "ACSF.derivatives", lesson,
         lambda d: d.derivatives(crystals, attach=True, n_jobs=jobs)),
        ("si1000", "ACSF.create (1000 centres)", silicon, lambda d: d.create(si, n_jobs=jobs)),
        ("si1000", "ACSF.derivatives (2 c. × 20 at.)", silicon,
         lambda d: d.derivatives(si, centers=[0, 1], include=twenty, attach=True, n_jobs=jobs)),
        ("si1000", "ACSF.derivatives (1000 c. × 20)", (None, silicon[1]),
         lambda d: d.derivatives(si, include=twenty, attach=True, n_jobs=jobs)),
    ]


def main():
    parser = common.timing_parser(__doc__, wait=True)
    parser.add_argument("--jobs", default="1,2", help="comma-separated n_jobs values")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"# {common.machine()}; best of ≥ {args.repeat} runs and ≥ {args.budget:g} s after a warm-up")
    print(f"{'jobs':>4} {'case':<16} {'call':<34} {'DScribe s':>10} {'SwiftGAP s':>11} {'ratio':>7} "
          f"{'max rel diff':>13}")
    rows = []
    for jobs in (int(j) for j in args.jobs.split(",")):
        for case, call, (theirs, ours), run in cases(jobs):
            load = gc.wait_idle(max_wait=args.wait)
            row = {"jobs": jobs, "case": case, "call": call, "load_before": load, **common.compared(
                lambda: run(ours), None if theirs is None else lambda: run(theirs), args.repeat, budget=args.budget)}
            rows.append(row)
            theirs_text, ours_text, ratio_text, diff_text = common.compared_columns(row)
            print(f"{jobs:>4} {case:<16} {call:<34} {theirs_text:>10} {ours_text:>11} {ratio_text:>7} {diff_text:>13}",
                  flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "repeat": args.repeat, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
