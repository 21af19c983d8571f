"""MD speed: NVE steps per second of ``swiftgap md`` beside ASE's VelocityVerlet driving quippy, same potential.

What it measures
    Start: diamond silicon (a = 5.431 Å) with 64 atoms (2×2×2 cubic cells) and 216 atoms (3×3×3),
    velocities from Maxwell–Boltzmann at 1000 K, time step 1 fs, no thermostat, no trajectory output.
    Potentials:
      * sw: Stillinger–Weber — quippy ``Potential("IP SW", param_str=SW_XML)`` for ASE (the 1985
        parameters of bench/sw_silicon.py), ``--classical sw`` (the same parameters) for SwiftGAP;
      * sw500: the SOAP GAP that fit_speed.py fits to 100 SW cells (cutoff 5, n_max 8, l_max 6, 500
        sparse points) — gap_fit's xml for quippy, SwiftGAP's own fit with identical settings for SwiftGAP.
    ASE + quippy (child process, OMP_NUM_THREADS=1): ``VelocityVerlet(atoms, 1 fs).run(1)`` as a warm-up,
    then ``run(N)`` timed with perf_counter; steps/s = N / time.
    SwiftGAP: ``swiftgap md START --steps N --dt 1 --temperature 1000 --threads T --metrics M`` with
    OPENBLAS_NUM_THREADS=1; steps/s and the fraction of the step spent outside the potential (integrator,
    safety checks, energy records) come from M; the best of 3 runs. Model loading and start-up are not
    in the rate for either tool.
    Before each measurement the driver waits (up to 3 min) for the machine to be idle.

How to run (from the repository root; fits the sw500 models through fit_speed.py when missing)
    .venv/bin/python bench/md_speed.py
    .venv/bin/python bench/md_speed.py --potentials sw --sizes 64
"""
import argparse
import json
import os
import subprocess
import sys
import time

import gap_common as gc
import sw_silicon

SIZES = {64: 2, 216: 3}
# Steps per run: enough for about a second of SwiftGAP time and a few seconds of ASE time.
STEPS = {"sw": {"ase": 400, "swiftgap": 8000}, "sw500": {"ase": 30, "swiftgap": 600}}


def start_file(natoms):
    from ase.build import bulk
    import ase.io
    path = os.path.join(gc.mkdir(gc.DATA_DIR, "md_speed"), f"si{natoms}.xyz")
    if not os.path.exists(path):
        atoms = bulk("Si", "diamond", a=5.431, cubic=True).repeat(SIZES[natoms])
        ase.io.write(path, atoms, format="extxyz")
    return path


def ase_worker(potential, model, path, steps):
    """Runs in a child process with one thread: prints {"seconds": …, "steps": …} as JSON."""
    import numpy as np
    import ase.io
    from ase import units
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution, Stationary
    from ase.md.verlet import VelocityVerlet
    from quippy.potential import Potential
    atoms = ase.io.read(path)
    if potential == "sw":
        atoms.calc = Potential("IP SW", param_str=sw_silicon.SW_XML)
    else:
        atoms.calc = Potential(param_filename=model)
    MaxwellBoltzmannDistribution(atoms, temperature_K=1000, rng=np.random.default_rng(1))
    Stationary(atoms)
    dyn = VelocityVerlet(atoms, timestep=1 * units.fs)
    dyn.run(1)
    t0 = time.perf_counter()
    dyn.run(steps)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "steps": steps}))


def time_ase(potential, model, path, steps):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--ase-worker", potential, model or "-", path,
                          str(steps)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["steps_per_second"] = r["steps"] / r["seconds"]
    return r


def time_swiftgap(binary, potential, model, path, steps, threads, repeats):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    metrics = os.path.join(gc.mkdir(gc.SCRATCH, "md_speed"), "metrics.json")
    source = ["--classical", "sw"] if potential == "sw" else ["--potential", model]
    best = None
    for _ in range(repeats):
        cmd = [binary, "md", path, *source, "--steps", str(steps), "--dt", "1", "--temperature", "1000",
               "--threads", str(threads), "--seed", "1", "--metrics", metrics]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"swiftgap md failed: {r.stdout}{r.stderr}")
        m = gc.load_json(metrics)
        if best is None or m["steps_per_second"] > best["steps_per_second"]:
            best = m
    return {"steps_per_second": best["steps_per_second"], "loop_fraction": best.get("loop_fraction"),
            "drift_mev_per_atom_per_ps": best["drift_mev_per_atom_per_ps"], "steps": best["steps"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--potentials", nargs="+", default=["sw", "sw500"], choices=sorted(STEPS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 216], choices=sorted(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--idle-wait", type=float, default=180)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ase-worker", nargs=4, metavar=("POTENTIAL", "MODEL", "FILE", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ase_worker:
        potential, model, path, steps = args.ase_worker
        ase_worker(potential, model, path, int(steps))
        return

    binary = gc.swiftgap_binary(args.swiftgap)
    rows = []
    for potential in args.potentials:
        models = {"gap_fit": None, "swiftgap": None}
        if potential != "sw":
            import fit_speed
            case = fit_speed.cases()[potential]
            for tool in models:
                models[tool] = fit_speed.run(potential, case, tool, binary, 2, False, args.idle_wait)["model"]
        for n in args.sizes:
            path = start_file(n)
            steps = STEPS[potential]
            gc.wait_idle(args.idle_wait)
            a = time_ase(potential, models["gap_fit"], path, steps["ase"])
            s = {}
            for threads in (1, 2):
                gc.wait_idle(args.idle_wait)
                s[threads] = time_swiftgap(binary, potential, models["swiftgap"], path, steps["swiftgap"], threads,
                                           args.repeats)
            rows.append({"potential": potential, "atoms": n, "ase_quippy": a, "swiftgap_1": s[1], "swiftgap_2": s[2]})
            gc.log(f"[{potential} {n}] ASE+quippy {a['steps_per_second']:.1f} steps/s, "
                   f"SwiftGAP {s[1]['steps_per_second']:.1f} (1 thread) {s[2]['steps_per_second']:.1f} (2)")
    gc.save_json(os.path.join(gc.DATA_DIR, "md_speed", "results.json"), rows)
    print("NVE MD speed, Si diamond from 1000 K, dt 1 fs (steps/s)")
    print(f"{'potential':<9} {'atoms':>5} {'ASE+quippy':>10} {'SwiftGAP 1t':>11} {'ratio':>7} {'SwiftGAP 2t':>11} "
          f"{'ratio':>7} {'outside potential (1t)':>22}")
    for r in rows:
        a, s1, s2 = r["ase_quippy"]["steps_per_second"], r["swiftgap_1"], r["swiftgap_2"]
        loop = s1["loop_fraction"]
        print(f"{r['potential']:<9} {r['atoms']:>5} {a:>10.1f} {s1['steps_per_second']:>11.1f} "
              f"{s1['steps_per_second'] / a:>6.1f}× {s2['steps_per_second']:>11.1f} {s2['steps_per_second'] / a:>6.1f}× "
              f"{100 * loop if loop is not None else float('nan'):>21.1f}%")
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
