"""DScribe's API computed by SwiftGAP (``swiftgap.dscribe``) against DScribe 2.1 itself: speed and agreement.

What it measures
    The same calls through both packages, in one process, one job (n_jobs=1) unless --jobs is given: the
    wall time of each call (the minimum of at least --repeat runs and of --budget seconds of runs, after one
    untimed warm-up), the ratio DScribe / SwiftGAP, and the largest difference relative to the largest entry of
    DScribe's output.

    Cases
      lesson-molecules  the lesson's molecules (H2O, NO2, CO2) with SOAP(species H C N O, r_cut 5, n_max 8,
                        l_max 6): create on the oxygen centres, derivatives on them (DScribe analytic,
                        attach=False, its default), and CoulombMatrix(n_atoms_max 3, sorted_l2).create.
      lesson-crystals   the lesson's crystals (Cu fcc, Si diamond, NaCl rocksalt) with periodic SOAP(species
                        Cu Si Na Cl, r_cut 4, n_max 6, l_max 4): create on all atoms, derivatives (DScribe:
                        finite differences, as it does for periodic systems).
      g2-molecules      the 85 molecules of ASE's G2 collection made of H, C, N and O only (558 atoms, at most
                        14 per molecule), the lesson molecules' SOAP: create on every atom of the list in one call,
                        the way a data set of small molecules is described.
      g2-mu2            the same molecules with compression {"mode": "mu2", "species_weighting": H 0.5, C 1,
                        N 1.5, O 2} (every species in one channel, 252 features instead of 3696): create on
                        every atom; derivatives of the first 20 molecules (DScribe: finite differences, as it
                        does for mu2).
      g2-mu1nu1         the same molecules with compression {"mode": "mu1nu1"} (each species against the sum of
                        all, 1792 features): create on every atom; derivatives of the first 20 molecules (DScribe:
                        finite differences, as it does for mu1nu1).
      si1000            Si diamond 1000 atoms (5×5×5 conventional cells, a = 5.431 Å, rattled 0.05 Å, seed 3),
                        periodic SOAP(Si, r_cut 5, n_max 8, l_max 6): create on all atoms; derivatives on 20
                        centres (all 1000 atoms would make a 6 GB dense array in both packages).
      si1000-cluster    the same atoms as a cluster (periodic=False): derivatives on 20 centres, where
                        DScribe's derivatives are analytic.
    A second time per call, "loop": the mean of calls made back to back for --budget seconds (at least
    --repeat), each output dropped before the next call, as a script looping over systems does. Unlike the best
    time, it includes what the memory allocator does between calls (fresh pages to fault in, or memory reused).
    Other jobs may share the machine: the script waits (up to 3 min) for the 1-minute load per core to drop
    below 0.3 before each case and stores the load it saw.

Results: a table on stdout and bench/.data/python_dscribe/results.json (git-ignored).

How to run (from the repository root, with `make test`'s venv .venv, where swiftgap and dscribe are installed):
    .venv/bin/python bench/python_dscribe.py [--repeat 3] [--budget 1] [--jobs 1]
"""
import json
import os
import time

import numpy as np
from ase.build import bulk, molecule
from ase.collections import g2

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "python_dscribe")


def cases(jobs):
    from dscribe import descriptors as dscribe
    from swiftgap import dscribe as ours

    samples = [molecule("H2O"), molecule("NO2"), molecule("CO2")]
    oxygens = [list(np.where(m.get_atomic_numbers() == 8)[0]) for m in samples]
    crystals = [bulk("Cu", "fcc", a=3.6), bulk("Si", "diamond", a=5.43), bulk("NaCl", "rocksalt", a=5.64)]
    si = bulk("Si", "diamond", a=5.431, cubic=True) * (5, 5, 5)
    si.rattle(0.05, seed=3)
    cluster = si.copy()
    cluster.pbc = False
    twenty = list(range(20))
    organic = [m for m in g2 if set(m.numbers) <= {1, 6, 7, 8}]

    def both(name, **kwargs):
        return getattr(dscribe, name)(**kwargs), getattr(ours, name)(**kwargs)

    mol_soap = both("SOAP", species=["H", "C", "N", "O"], r_cut=5.0, n_max=8, l_max=6)
    cm = both("CoulombMatrix", n_atoms_max=3, permutation="sorted_l2")
    crystal_soap = both("SOAP", species=["Cu", "Si", "Na", "Cl"], r_cut=4.0, n_max=6, l_max=4, periodic=True)
    si_soap = both("SOAP", species=["Si"], r_cut=5.0, n_max=8, l_max=6, periodic=True)
    cluster_soap = both("SOAP", species=["Si"], r_cut=5.0, n_max=8, l_max=6)
    mu2_soap = both("SOAP", species=["H", "C", "N", "O"], r_cut=5.0, n_max=8, l_max=6,
                    compression={"mode": "mu2", "species_weighting": {"H": 0.5, "C": 1.0, "N": 1.5, "O": 2.0}})
    mu1nu1_soap = both("SOAP", species=["H", "C", "N", "O"], r_cut=5.0, n_max=8, l_max=6, compression={"mode": "mu1nu1"})
    return [
        ("lesson-molecules", "SOAP.create (O centres)", mol_soap, lambda d: d.create(samples, oxygens, n_jobs=jobs)),
        ("lesson-molecules", "SOAP.derivatives (O centres)", mol_soap,
         lambda d: d.derivatives(samples, centers=oxygens, n_jobs=jobs)),
        ("lesson-molecules", "CoulombMatrix.create", cm, lambda d: d.create(samples, n_jobs=jobs)),
        ("lesson-crystals", "SOAP.create (all atoms)", crystal_soap,
         lambda d: [d.create(m, centers=list(range(len(m)))) for m in crystals]),
        ("lesson-crystals", "SOAP.derivatives", crystal_soap, lambda d: d.derivatives(crystals, n_jobs=jobs)),
        ("g2-molecules", "SOAP.create (85 molecules)", mol_soap, lambda d: d.create(organic, n_jobs=jobs)),
        ("g2-mu2", "SOAP.create (85 molecules)", mu2_soap, lambda d: d.create(organic, n_jobs=jobs)),
        ("g2-mu2", "SOAP.derivatives (20 molecules)", mu2_soap, lambda d: d.derivatives(organic[:20], n_jobs=jobs)),
        ("g2-mu1nu1", "SOAP.create (85 molecules)", mu1nu1_soap, lambda d: d.create(organic, n_jobs=jobs)),
        ("g2-mu1nu1", "SOAP.derivatives (20 molecules)", mu1nu1_soap,
         lambda d: d.derivatives(organic[:20], n_jobs=jobs)),
        ("si1000", "SOAP.create (1000 centres)", si_soap, lambda d: d.create(si, n_jobs=jobs)),
        ("si1000", "SOAP.derivatives (20 centres)", si_soap, lambda d: d.derivatives(si, centers=twenty, n_jobs=jobs)),
        ("si1000-cluster", "SOAP.derivatives (20 centres)", cluster_soap,
         lambda d: d.derivatives(cluster, centers=twenty, n_jobs=jobs)),
    ]


def loop_time(call, repeat, budget):
    """Mean seconds per call of calls made back to back (each output dropped at once) for ``budget`` seconds and
    at least ``repeat`` calls, after one untimed call."""
    call()
    runs, t0 = 0, time.perf_counter()
    while runs < repeat or time.perf_counter() - t0 < budget:
        call()
        runs += 1
    return (time.perf_counter() - t0) / runs


def main():
    parser = common.timing_parser(__doc__)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f"# {common.machine()}; n_jobs={args.jobs}; best of ≥ {args.repeat} runs and ≥ {args.budget:g} s after a warm-up")
    print(f"{'case':<16} {'call':<30} {'DScribe ms':>10} {'SwiftGAP ms':>11} {'ratio':>7} {'max rel diff':>13} "
          f"{'loop: DScribe ms':>16} {'SwiftGAP ms':>11} {'ratio':>7}")
    rows = []
    for case, call, (theirs, ours), run in cases(args.jobs):
        load = gc.wait_idle()
        t_theirs, out_theirs = common.best_time(lambda: run(theirs), args.repeat, budget=args.budget)
        t_ours, out_ours = common.best_time(lambda: run(ours), args.repeat, budget=args.budget)
        deviation = common.deviation(out_ours, out_theirs)
        del out_theirs, out_ours
        loop_theirs = loop_time(lambda: run(theirs), args.repeat, args.budget)
        loop_ours = loop_time(lambda: run(ours), args.repeat, args.budget)
        row = {"case": case, "call": call, "dscribe_seconds": t_theirs, "swiftgap_seconds": t_ours,
               "ratio": t_theirs / t_ours, "max_relative_difference": deviation,
               "loop_dscribe_seconds": loop_theirs, "loop_swiftgap_seconds": loop_ours,
               "loop_ratio": loop_theirs / loop_ours, "load_before": load}
        rows.append(row)
        print(f"{case:<16} {call:<30} {t_theirs * 1e3:>10.3f} {t_ours * 1e3:>11.3f} {row['ratio']:>7.1f} "
              f"{row['max_relative_difference']:>13.1e} {loop_theirs * 1e3:>16.3f} {loop_ours * 1e3:>11.3f} "
              f"{row['loop_ratio']:>7.1f}", flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "jobs": args.jobs, "repeat": args.repeat, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
