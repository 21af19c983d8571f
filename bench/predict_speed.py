"""Prediction speed: energy + forces of a SOAP GAP on one thread, quippy against ``swiftgap predict``.

What it measures
    Models: the ones fit_speed.py fitted to 100 Stillinger–Weber silicon cells (case sw500: SOAP
    cutoff 5, n_max 8, l_max 6, 500 sparse points; optional case sw_gap18: n_max 10, l_max 12,
    2000 sparse points, a GAP-18-sized descriptor) — gap_fit's xml for quippy, SwiftGAP's own model
    for swiftgap; both were fitted with identical settings, so they have the same size.
    Structures: rattled, slightly strained diamond silicon with 64 atoms (40 cells) and 216 atoms
    (15 cells) (bench/sw_silicon.py, seeds 11 and 12, rattle 0.05–0.1 Å), written once to
    bench/.data/predict_speed/.
      * quippy (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1, in a child process):
        ``atoms.calc = Potential(param_filename=xml)``; for each cell the positions and cell of one
        Atoms object are set to the next cell's (fresh positions, so nothing is cached) and
        ``atoms.get_forces()`` (energy and forces) is timed; the first call is an untimed warm-up.
        Reported: total time of the timed calls / atoms.
      * SwiftGAP: ``swiftgap predict MODEL FILE -o OUT --threads 1 --no-variance`` with
        OPENBLAS_NUM_THREADS=1; reported: the µs/atom it prints (prediction of every cell — energy,
        forces and virial — plus formatting the output; without loading the model and reading the
        file), the minimum of 3 runs. The process wall time (start-up, model load, reading and writing
        included) is given too.
    Before each measurement the driver waits (up to 3 min) for the machine to be idle.

How to run (from the repository root; needs fit_speed.py's models, which it fits when missing)
    .venv/bin/python bench/predict_speed.py                    # sw500 model
    .venv/bin/python bench/predict_speed.py --models sw500 sw_gap18
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import gap_common as gc
import sw_silicon

SIZES = {64: (2, 40, 11), 216: (3, 15, 12)}   # atoms: (repeat, cells, seed)


def structures(natoms):
    repeat, count, seed = SIZES[natoms]
    path = os.path.join(gc.DATA_DIR, "predict_speed", f"si{natoms}.xyz")
    return sw_silicon.write_set(path, count, repeat, seed, rattle=(0.05, 0.1), max_strain=0.01, label=False)


def quippy_worker(xml, path):
    """Runs in a child process with one thread: prints {"seconds": …, "atoms": …, "calls": …} as JSON."""
    import ase.io
    from quippy.potential import Potential
    frames = ase.io.read(path, ":")
    pot = Potential(param_filename=xml)
    atoms = frames[0].copy()
    atoms.calc = pot
    atoms.get_forces()   # warm-up
    total, natoms, per_call = 0.0, 0, []
    for f in frames[1:]:
        atoms.set_cell(f.cell, scale_atoms=False)
        atoms.positions = f.positions
        t0 = time.perf_counter()
        atoms.get_forces()
        dt = time.perf_counter() - t0
        total += dt
        natoms += len(f)
        per_call.append(dt)
    print(json.dumps({"seconds": total, "atoms": natoms, "calls": len(per_call), "min_call": min(per_call)}))


def time_quippy(xml, path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--quippy-worker", xml, path], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["us_per_atom"] = r["seconds"] / r["atoms"] * 1e6
    return r


def time_swiftgap(binary, model, path, repeats):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    best, wall, text = None, None, ""
    out_path = os.path.join(gc.mkdir(gc.SCRATCH, "predict"), "speed.xyz")
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = subprocess.run([binary, "predict", model, path, "-o", out_path, "--threads", "1", "--no-variance"],
                           env=env, capture_output=True, text=True)
        w = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError(f"swiftgap predict failed: {r.stdout}{r.stderr}")
        m = re.search(r"(\d+) configurations, (\d+) atoms in ([\d.]+) s \(([\d.]+) µs/atom", r.stdout)
        us = float(m.group(4))
        if best is None or us < best:
            best, text = us, r.stdout.strip().splitlines()[-2]
        wall = w if wall is None else min(wall, w)
    os.remove(out_path)
    atoms = int(m.group(2))
    return {"us_per_atom": best, "process_wall": wall, "atoms": atoms, "line": text}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["sw500"], choices=["sw500", "sw_gap18"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 216], choices=sorted(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--idle-wait", type=float, default=180)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quippy-worker", nargs=2, metavar=("XML", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quippy_worker:
        quippy_worker(*args.quippy_worker)
        return

    binary = gc.swiftgap_binary(args.swiftgap)
    import fit_speed
    all_cases = fit_speed.cases()
    rows = []
    for name in args.models:
        models = {}
        for tool in ("gap_fit", "swiftgap"):
            models[tool] = fit_speed.run(name, all_cases[name], tool, binary, 2, False, args.idle_wait)["model"]
        for n in args.sizes:
            path = structures(n)
            gc.wait_idle(args.idle_wait)
            q = time_quippy(models["gap_fit"], path)
            gc.wait_idle(args.idle_wait)
            s = time_swiftgap(binary, models["swiftgap"], path, args.repeats)
            rows.append({"model": name, "atoms": n, "quippy": q, "swiftgap": s})
            gc.log(f"[{name} {n}] quippy {q['us_per_atom']:.0f} µs/atom, swiftgap {s['us_per_atom']:.0f} µs/atom")
    gc.save_json(os.path.join(gc.DATA_DIR, "predict_speed", "results.json"), rows)
    print("Prediction speed, energy + forces, 1 thread (µs/atom)")
    print(f"{'model':<9} {'atoms':>5} {'quippy':>8} {'SwiftGAP':>9} {'quippy/SwiftGAP':>15} {'swiftgap process s':>19}")
    for r in rows:
        q, s = r["quippy"]["us_per_atom"], r["swiftgap"]["us_per_atom"]
        print(f"{r['model']:<9} {r['atoms']:>5} {q:>8.0f} {s:>9.0f} {q / s:>14.1f}× {r['swiftgap']['process_wall']:>19.2f}")
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
