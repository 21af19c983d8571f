"""`swiftgap tune` on an rMD17 molecule it was never tuned for, within a time budget, against the published GAP.

What it does
    Data: rMD17 split 01 of ``--molecule`` (default paracetamol) from github.com/andersx/rmd17-npz (the rMD17
    author's NPZ files; ``../shared/datasets`` holds only five molecules, so clone that repository and pass
    ``--npz DIR``), converted here to extxyz in eV and eV/Å (kcal/mol × 0.04336410390059322, the factor of the
    shared extxyz files) in the scratch folder. E0 from ``<datasets>/rmd17/isolated_atoms.xyz`` (same DFT level).
    1. ``swiftgap tune TRAIN --budget 30m --fit --n-sparse 2000 --threads 2``: the search holds out 10 % of the
       training file for validation, starts from the default settings (cutoff 5, n 8, l 6, σ_at 0.5, ζ 4,
       δ 1, σ_E 1 meV/atom, σ_F 50 meV/Å), searches every setting, and fits the best on all 1000
       training configurations. The test file is not read by tune.
    2. ``swiftgap predict`` of that potential on the 1000 test configurations: energy MAE per molecule (meV;
       the published tables are per molecule) and force-component MAE (meV/Å), beside the published GAP and
       linear ACE rows of ``published_figures.csv``.

How to run (from the repository root)
    git clone https://github.com/andersx/rmd17-npz /tmp/rmd17-npz
    .venv/bin/python bench/tune_rmd17.py --npz /tmp/rmd17-npz/rmd17-npz --molecule paracetamol
"""
import argparse
import csv
import os
import subprocess
import time

import numpy as np

import gap_common as gc

KCAL_TO_EV = 0.04336410390059322
SYMBOLS = {1: "H", 6: "C", 7: "N", 8: "O"}


def convert(npz, out):
    d = np.load(npz)
    z, r, e, f = d["nuclear_charges"], d["coords"], d["energies"] * KCAL_TO_EV, d["forces"] * KCAL_TO_EV
    with open(out, "w") as handle:
        for i in range(len(e)):
            handle.write(f"{len(z)}\nProperties=species:S:1:pos:R:3:forces:R:3 energy={float(e[i])!r} pbc=\"F F F\"\n")
            for zi, ri, fi in zip(z, r[i], f[i]):
                handle.write(SYMBOLS[int(zi)] + " " + " ".join(repr(float(x)) for x in list(ri) + list(fi)) + "\n")


def published(molecule):
    rows = {}
    with open(os.path.join(gc.DATASETS, "published_figures.csv")) as f:
        for row in csv.DictReader(f):
            if row["dataset"] == "rMD17" and row["test_set"] == molecule and row["metric"] == "MAE":
                rows.setdefault(row["method"], {})[row["quantity"]] = float(row["value"])
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--npz", required=True, help="the rmd17-npz folder of github.com/andersx/rmd17-npz")
    p.add_argument("--molecule", default="paracetamol")
    p.add_argument("--budget", default="30m")
    p.add_argument("--n-sparse", default="2000")
    p.add_argument("--binary", help="swiftgap CLI (default .build/release/swiftgap)")
    a = p.parse_args()
    binary = gc.swiftgap_binary(a.binary)
    folder = gc.mkdir(gc.SCRATCH, "tune_rmd17", a.molecule)
    files = {}
    for part in ["train", "test"]:
        files[part] = os.path.join(folder, f"{a.molecule}_{part}_01.xyz")
        convert(os.path.join(a.npz, f"rmd17_{a.molecule}_{part}_01.npz"), files[part])
    e0 = {}
    for frame in gc.raw_frames(os.path.join(gc.DATASETS, "rmd17", "isolated_atoms.xyz")):
        e0[frame[2].split()[0]] = float(frame[1].split("energy=")[1].split()[0])
    out = os.path.join(folder, "tuned")
    cmd = [binary, "tune", files["train"], "-o", out, "--budget", a.budget, "--fit", "--n-sparse", a.n_sparse,
           "--threads", "2", "--e0", ",".join(f"{k}={v!r}" for k, v in e0.items())]
    start = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - start
    with open(os.path.join(folder, "tune.log"), "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
    if r.returncode != 0:
        raise SystemExit(f"tune failed:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    errors = gc.model_errors("swiftgap", os.path.join(out, "potential.gap"), files["test"], binary)
    print(f"{a.molecule}: tune --budget {a.budget} --fit took {wall:.0f} s (search, final fit and its train errors)")
    print(f"{'model':<24} {'E MAE meV':>10} {'F MAE meV/Å':>12}")
    for method, values in sorted(published(a.molecule).items()):
        if method in ("GAP (SOAP)", "ACE (linear)"):
            print(f"{method + ' (published)':<24} {values.get('E', float('nan')):>10.1f} {values.get('F', float('nan')):>12.1f}")
    print(f"{'SwiftGAP tune':<24} {errors['energy_mae'] * 1000:>10.1f} {errors['forces_mae'] * 1000:>12.1f}")


if __name__ == "__main__":
    main()
