"""Active learning against random picks: does `swiftgap learn` choose data that lower the test error faster?

What it does
    Data: the shipped Stillinger–Weber silicon set (training-sets/si-sw): its 192 training configurations
    (8–65 atoms: bulk, strained, MD, defects, surfaces, liquid, amorphous) are the pool, its test split the
    fixed test set. For each seed (1, 2, 3), 10 configurations drawn from the pool (numpy, that seed) start
    both runs:
    1. ``swiftgap learn`` with the SW oracle (in-process), 8 rounds of 10 picks from the rest of the pool
       (uncertain and diverse: mean predicted force σ, variance ``full``), refitting each round.
    2. Random: the same start plus 10, 20, … 80 configurations drawn at random (that seed) from the same
       pool, each fitted with ``swiftgap fit`` and the same settings, and predicted on the test set.
    Both fit SOAP n 8 l 6, cutoff 4 Å, 200 sparse points (capped by the atoms there are), e0 average, the
    default σ; errors are force-component RMSE on the whole test split (eV/Å), computed by each tool's
    own report (learn.csv, and ``swiftgap predict`` read here).
    The issue's check: at every round (1–8), the mean over the 3 seeds of the active-learning test force
    RMSE is below that of the random picks.

Results are cached in bench/.data/active_learning/ (--force reruns).

How to run (from the repository root)
    .venv/bin/python bench/active_learning.py
    .venv/bin/python bench/active_learning.py --seeds 1 --rounds 3       # shorter
"""
import argparse
import csv
import json
import os
import subprocess

import numpy as np

import gap_common as gc

SETTINGS = ["--cutoff", "4", "--n-max", "8", "--l-max", "6", "--n-sparse", "200", "--e0", "average"]


def run(cmd, log):
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return r.stdout


def write(frames, path):
    with open(path, "w") as f:
        for frame in frames:
            f.writelines(frame)


def one_seed(binary, seed, rounds, per_round, start, threads, folder):
    pool = gc.raw_frames(os.path.join(gc.ROOT_DIR, "training-sets", "si-sw", "train.xyz"))
    test = os.path.join(gc.ROOT_DIR, "training-sets", "si-sw", "test.xyz")
    order = np.random.default_rng(seed).permutation(len(pool))
    initial, rest = [pool[k] for k in order[:start]], [pool[k] for k in order[start:]]
    here = gc.mkdir(folder, f"seed{seed}")
    write(initial, os.path.join(here, "initial.xyz"))
    write(rest, os.path.join(here, "pool.xyz"))
    out = os.path.join(here, "learn")
    run([binary, "learn", os.path.join(here, "initial.xyz"), "--pool", os.path.join(here, "pool.xyz"), "--oracle", "sw",
         "--rounds", str(rounds), "--per-round", str(per_round), "--test", test, "-o", out, "--seed", str(seed),
         "--threads", str(threads)] + SETTINGS, os.path.join(here, "learn.log"))
    with open(os.path.join(out, "learn.csv")) as f:
        learned = [float(row["test_force_rmse_ev_per_a"]) for row in csv.DictReader(f)]
    randomly = []
    for r in range(rounds + 1):
        picked = initial + rest[:r * per_round]  # `rest` is already in the seed's random order
        train = os.path.join(here, f"random{r}.xyz")
        write(picked, train)
        model = os.path.join(here, f"random{r}.gap")
        run([binary, "fit", train, "-o", model, "--threads", str(threads), "--no-variance", "--seed", str(seed)] + SETTINGS,
            os.path.join(here, f"random{r}.log"))
        randomly.append(gc.model_errors("swiftgap", model, test, binary, threads=threads)["forces_rmse"])
    return {"learn": learned, "random": randomly}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", help="swiftgap CLI (default .build/release/swiftgap)")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--per-round", type=int, default=10)
    p.add_argument("--start", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--force", action="store_true")
    a = p.parse_args()
    binary = gc.swiftgap_binary(a.binary)
    cache = gc.mkdir(gc.ROOT_DIR, "bench", ".data", "active_learning")
    results = {}
    for seed in a.seeds:
        path = os.path.join(cache, f"seed{seed}-{a.rounds}x{a.per_round}.json")
        if os.path.exists(path) and not a.force:
            results[seed] = gc.load_json(path)
        else:
            gc.log(f"seed {seed}: learn and random, {a.rounds} rounds of {a.per_round}")
            results[seed] = one_seed(binary, seed, a.rounds, a.per_round, a.start, a.threads, gc.mkdir(gc.SCRATCH, "al"))
            gc.save_json(path, results[seed])
    print(f"test force RMSE (meV/Å) on training-sets/si-sw/test.xyz; start {a.start}, {a.per_round} per round; "
          f"seeds {a.seeds}")
    print(f"{'round':>5} {'labelled':>8} {'learn (mean)':>12} {'random (mean)':>13}  {'ratio':>5}  per seed learn / random")
    wins = 0
    for r in range(a.rounds + 1):
        learned = [results[s]["learn"][r] * 1000 for s in a.seeds]
        randomly = [results[s]["random"][r] * 1000 for s in a.seeds]
        ml, mr = float(np.mean(learned)), float(np.mean(randomly))
        if r > 0 and ml < mr:
            wins += 1
        seeds = "  ".join(f"{x:.0f}/{y:.0f}" for x, y in zip(learned, randomly))
        print(f"{r:>5} {a.start + r * a.per_round:>8} {ml:>12.1f} {mr:>13.1f}  {ml / mr:>5.2f}  {seeds}")
    print(f"active learning below random at {wins} of {a.rounds} rounds")


if __name__ == "__main__":
    main()
