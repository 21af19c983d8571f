"""Neighbor-list benchmark: SwiftGAP's NeighborList against ASE's neighbor_list.

What it measures
    Wall time to build the full neighbor list (every pair both ways, with shift and distance vector,
    like ``ase.neighborlist.neighbor_list("ijSdD", atoms, 5.0)``) of rattled diamond silicon
    (a = 5.43 Å, Gaussian rattle of 0.05 Å) with a 5 Å cutoff, at n×n×n conventional cubic cells:
    n = 11 (10 648 atoms) and n = 23 (97 336 atoms).
    ASE runs in this Python process (minimum of a few repeats); SwiftGAP runs through
    ``swiftgap-bench neighbors`` on 1 and 2 threads (minimum over repeats after one warm-up).
    The two tools rattle with different random generators, so the geometries are comparable
    but not identical; pair counts are reported for both (an unrattled-like crystal has 28 neighbors
    per atom within 5 Å, and a 0.05 Å rattle changes that very little).

How to run (from the repository root)
    .venv/bin/python bench/neighbors.py                # both sizes
    .venv/bin/python bench/neighbors.py --sizes 11     # only ~10^4 atoms
    .venv/bin/python bench/neighbors.py --json         # also print the raw measurements as JSON

It builds ``bench/`` (``swift build -c release --package-path bench``) first when needed.
"""
import argparse
import json
import time

import numpy as np
from ase.build import bulk
from ase.neighborlist import neighbor_list

import common


def silicon(n, seed=1):
    atoms = bulk("Si", "diamond", a=5.43, cubic=True).repeat(n)
    atoms.rattle(stdev=0.05, seed=seed)
    return atoms


def time_ase(atoms, cutoff, repeats):
    best, pairs = float("inf"), 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        i, j, S, d, D = neighbor_list("ijSdD", atoms, cutoff)
        best = min(best, time.perf_counter() - t0)
        pairs = len(i)
        del i, j, S, d, D
    return {"tool": "ase", "atoms": len(atoms), "pairs": pairs, "seconds": best, "threads": 1}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[11, 23], help="cubic cells per side")
    parser.add_argument("--cutoff", type=float, default=5.0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ase-repeats", type=int, default=3)
    parser.add_argument("--swift-repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="also print the raw measurements")
    parser.add_argument("--no-build", action="store_true", help="use the existing swiftgap-bench binary")
    args = parser.parse_args()

    common.ensure_bench(rebuild=not args.no_build)
    rows, raw = [], []
    for n in args.sizes:
        ase_result = time_ase(silicon(n), args.cutoff, args.ase_repeats if n < 20 else max(1, args.ase_repeats - 1))
        raw.append(ase_result)
        swift = {}
        for t in args.threads:
            r = common.run_bench("neighbors", "--atoms-per-side", n, "--cutoff", args.cutoff,
                                 "--threads", t, "--repeats", args.swift_repeats)
            raw.append(r)
            swift[t] = r
        rows.append((n, ase_result, swift))

    print(f"Neighbor list, Si diamond, cutoff {args.cutoff} Å, full list ('ijSdD'); {common.machine()}")
    head = f"{'atoms':>8} {'ASE pairs':>10} {'Swift pairs':>11} {'ASE s':>9}"
    for t in args.threads:
        head += f" {'Swift s (' + str(t) + 't)':>14}"
    for t in args.threads:
        head += f" {'ASE/Swift ' + str(t) + 't':>13}"
    print(head)
    for n, a, swift in rows:
        pairs_swift = swift[args.threads[0]]["pairs"]
        line = f"{a['atoms']:>8} {a['pairs']:>10} {pairs_swift:>11} {a['seconds']:>9.4f}"
        for t in args.threads:
            line += f" {swift[t]['seconds']:>14.4f}"
        for t in args.threads:
            line += f" {a['seconds'] / swift[t]['seconds']:>12.1f}x"
        print(line)
        if a["pairs"] != pairs_swift:
            diff = pairs_swift - a["pairs"]
            print(f"{'':>8} pair counts differ by {diff:+d} ({diff / a['pairs']:+.2e}); "
                  f"the rattles use different random numbers")
    if args.json:
        for r in raw:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
