"""ASE molecular dynamics with SwiftGAP's calculator against ASE with quippy's Potential, on the same model.

What it measures
    One GAP XML model, evaluated in ASE by ``swiftgap.ase.SwiftGAPCalculator`` (in-process, the Swift library)
    and by ``quippy.potential.Potential(param_filename=…)``: steps per second of ASE's ``VelocityVerlet``
    (1 fs, 300 K start, ``MaxwellBoltzmannDistribution`` with seed 1), one thread each (SwiftGAP threads=1;
    quippy with OMP_NUM_THREADS=1), each in its own child process after a 5-step warm-up, the best of --rounds
    runs taken in turn (quippy, SwiftGAP, quippy, …: a shared VM's speed drifts by 10–20 % within minutes), and the
    largest difference between the two calculators' energies and forces at the start (they must agree to 1e-8).
    Both drivers do the same ASE work per step (one force call, the Verlet update).

    Model: the shipped potentials/si-sw/si-sw.gap (SOAP n 10, l 8, cutoff 4 Å, 800 sparse points) written
    as GAP XML by ``swiftgap convert`` into bench/.data/python_md/ (quippy reads only XML; SwiftGAP reads the
    same XML). Structures: Si diamond 64 atoms (training-sets/si-sw/diamond64.xyz) and 216 atoms (3×3×3
    conventional cells, a = 5.431 Å), rattled 0.05 Å (seed 7).
    --model X.xml --structure F.xyz runs another model (e.g. the published mlearn Mo GAP).

Results: a table on stdout and bench/.data/python_md/results.json (git-ignored).

How to run (from the repository root, with `make test`'s venv .venv, where swiftgap is installed):
    .venv/bin/python bench/python_md.py [--steps 50] [--rounds 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import common
import gap_common as gc

OUT_DIR = os.path.join(gc.DATA_DIR, "python_md")


def structures(model_dir):
    """The two Si cells, written once to bench/.data/python_md/."""
    import ase.io
    from ase.build import bulk

    out = []
    for name, atoms in [("Si64", ase.io.read(os.path.join(gc.ROOT_DIR, "training-sets", "si-sw", "diamond64.xyz"))),
                        ("Si216", bulk("Si", "diamond", a=5.431, cubic=True) * (3, 3, 3))]:
        atoms = atoms.copy()
        atoms.rattle(0.05, seed=7)
        path = os.path.join(model_dir, name + ".xyz")
        ase.io.write(path, atoms, format="extxyz")
        out.append((name, path))
    return out


def worker(kind, model, structure, steps):
    """Child process: prints {"steps_per_second", "energy", "forces"} for one calculator."""
    import ase.io
    from ase import units
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
    from ase.md.verlet import VelocityVerlet

    atoms = ase.io.read(structure)
    if kind == "swiftgap":
        from swiftgap.ase import SwiftGAPCalculator
        atoms.calc = SwiftGAPCalculator(model, threads=1)
    else:
        from quippy.potential import Potential
        atoms.calc = Potential(param_filename=model)
    energy, forces = atoms.get_potential_energy(), atoms.get_forces().tolist()
    MaxwellBoltzmannDistribution(atoms, temperature_K=300, rng=np.random.default_rng(1))
    dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
    dyn.run(5)
    t0 = time.perf_counter()
    dyn.run(steps)
    seconds = time.perf_counter() - t0
    print(json.dumps({"steps_per_second": steps / seconds, "seconds": seconds, "energy": energy, "forces": forces}))


def run_worker(kind, model, structure, steps):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", kind, model, structure, str(steps)],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each calculator, alternating; the best counts")
    parser.add_argument("--model", help="a GAP XML model (default: si-sw converted)")
    parser.add_argument("--structure", action="append", help="extxyz structures for --model")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, model, structure, steps = args.worker
        return worker(kind, model, structure, int(steps))
    os.makedirs(OUT_DIR, exist_ok=True)
    if args.model:
        model = os.path.abspath(args.model)
        sets = [(os.path.basename(p), os.path.abspath(p)) for p in args.structure or []]
    else:
        model = os.path.join(OUT_DIR, "si-sw.xml")
        subprocess.run([common.ensure_cli(), "convert", os.path.join(gc.ROOT_DIR, "potentials", "si-sw", "si-sw.gap"),
                        "-o", model], check=True, capture_output=True)
        sets = structures(OUT_DIR)
    print(f"# {common.machine()}; model {model}; {args.steps} VelocityVerlet steps after 5, one thread each, "
          f"best of {args.rounds}")
    print(f"{'structure':<10} {'atoms':>5} {'quippy steps/s':>15} {'SwiftGAP steps/s':>17} {'ratio':>6} "
          f"{'max |dE| eV':>12} {'max |dF| eV/A':>14}")
    rows = []
    for name, path in sets:
        load = gc.wait_idle()
        runs = [(run_worker("quippy", model, path, args.steps), run_worker("swiftgap", model, path, args.steps))
                for _ in range(args.rounds)]
        quippy = max((q for q, _ in runs), key=lambda r: r["steps_per_second"])
        ours = max((o for _, o in runs), key=lambda r: r["steps_per_second"])
        n = len(ours["forces"])
        row = {"structure": name, "atoms": n, "quippy": quippy["steps_per_second"],
               "swiftgap": ours["steps_per_second"], "ratio": ours["steps_per_second"] / quippy["steps_per_second"],
               "energy_difference": abs(ours["energy"] - quippy["energy"]),
               "force_difference": float(np.abs(np.array(ours["forces"]) - np.array(quippy["forces"])).max()),
               "load_before": load}
        rows.append(row)
        print(f"{name:<10} {n:>5} {row['quippy']:>15.2f} {row['swiftgap']:>17.2f} {row['ratio']:>6.1f} "
              f"{row['energy_difference']:>12.2e} {row['force_difference']:>14.2e}", flush=True)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"machine": common.machine(), "model": model, "steps": args.steps, "rounds": args.rounds, "rows": rows},
                  f, indent=1)


if __name__ == "__main__":
    main()
