"""Extended-XYZ parsing benchmark: SwiftGAP's ExtXYZReader and `swiftgap info` against ase.io.read.

What it measures
    Throughput (MB/s of file read, warm page cache) of parsing whole extxyz files:
      * ASE          ``ase.io.read(path, ":")`` in this Python process (timed once for the large
                     file, as it is slow; minimum of 3 for the small one);
      * SwiftGAP     ``swiftgap-bench extxyz FILE`` streaming every frame through ExtXYZReader
                     (frames and atoms counted, minimum of 3 runs inside one process);
      * swiftgap info ``swiftgap info --json FILE``: the end-to-end CLI (process start, parse,
                     data-set summary, JSON out), minimum of 3 wall-clock runs.
    Two files, generated once under ``bench/.data/`` and reused afterwards:
      * ``si64-dft.xyz`` (~100 MB): 64-atom rattled diamond Si frames as typical DFT training data
        (Lattice, species/pos/forces columns, energy, stress, virial, config_type), written by
        ``ase.io.write`` — fixed-width %16.8f columns (the common, short-number path);
      * ``molecule27-repr.xyz`` (~1.7 MB): 500 frames of a 27-atom molecule (no cell, pbc="F F F")
        written line by line with Python ``repr()`` floats, i.e. up to 17 significant digits
        with exponents (the slow, full-precision number path).

How to run (from the repository root)
    .venv/bin/python bench/extxyz.py             # both files
    .venv/bin/python bench/extxyz.py --only dft  # only the large file ("repr" for the small one)
    .venv/bin/python bench/extxyz.py --json      # also print the raw measurements as JSON
    rm -r bench/.data                            # forget the generated files

It builds ``bench/`` (``swift build -c release --package-path bench``) and, when missing, the main
binary (``swift build -c release --product swiftgap`` in the repository root) first.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import common

DFT_FILE = os.path.join(common.DATA_DIR, "si64-dft.xyz")
REPR_FILE = os.path.join(common.DATA_DIR, "molecule27-repr.xyz")
DFT_FRAMES = 14000  # about 7.2 kB per frame -> about 101 MB
REPR_FRAMES = 500


def make_dft_file(path, frames=DFT_FRAMES, seed=0):
    """64-atom Si frames with energy, forces, stress, virial and config_type, written by ase.io.write."""
    import ase.io
    from ase.build import bulk
    from ase.calculators.singlepoint import SinglePointCalculator

    rng = np.random.default_rng(seed)
    base = bulk("Si", "diamond", a=5.43, cubic=True).repeat(2)
    config_types = ["bulk_rattled", "bulk_strained", "bulk_hot"]

    def generate():
        for k in range(frames):
            atoms = base.copy()
            strain = np.eye(3) + rng.normal(scale=0.01, size=(3, 3))
            atoms.set_cell(base.cell @ strain, scale_atoms=True)
            atoms.positions += rng.normal(scale=0.08, size=atoms.positions.shape)
            stress = rng.normal(scale=0.01, size=6)
            energy = -4.63 * len(atoms) + rng.normal(scale=0.5)
            forces = rng.normal(scale=0.6, size=(len(atoms), 3))
            atoms.calc = SinglePointCalculator(atoms, energy=energy, forces=forces, stress=stress)
            s = stress
            atoms.info["virial"] = -atoms.get_volume() * np.array(
                [[s[0], s[5], s[4]], [s[5], s[1], s[3]], [s[4], s[3], s[2]]])
            atoms.info["config_type"] = config_types[k % len(config_types)]
            yield atoms

    tmp = path + ".tmp"
    ase.io.write(tmp, generate(), format="extxyz")
    os.replace(tmp, path)


def make_repr_file(path, frames=REPR_FRAMES, seed=0):
    """27-atom molecule frames (no cell) with energy and forces, every float written with repr()."""
    rng = np.random.default_rng(seed)
    species = ["C"] * 9 + ["H"] * 16 + ["O"] * 2
    base = rng.normal(scale=2.5, size=(len(species), 3))
    lines = []
    for k in range(frames):
        pos = base + rng.normal(scale=0.1, size=base.shape)
        forces = rng.normal(scale=1.0, size=base.shape) * 10.0 ** rng.integers(-6, 1, size=base.shape)
        energy = -10523.0 + rng.normal(scale=2.0)
        lines.append(f"{len(species)}\n")
        lines.append(f'Properties=species:S:1:pos:R:3:forces:R:3 energy={float(energy)!r} '
                     f'config_type=md frame={k} pbc="F F F"\n')
        for sym, p, f in zip(species, pos, forces):
            lines.append(sym + " " + " ".join(repr(float(x)) for x in (*p, *f)) + "\n")
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.writelines(lines)
    os.replace(tmp, path)


def ensure_file(path, make):
    if not os.path.exists(path):
        os.makedirs(common.DATA_DIR, exist_ok=True)
        print(f"generating {os.path.relpath(path, common.ROOT_DIR)} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        make(path)
        print(f"  done in {time.perf_counter() - t0:.1f} s, {os.path.getsize(path) / 1e6:.1f} MB",
              file=sys.stderr, flush=True)
    return path


def time_ase(path, repeats):
    import ase.io

    best, frames, atoms = float("inf"), 0, 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        images = ase.io.read(path, ":")
        best = min(best, time.perf_counter() - t0)
        frames, atoms = len(images), sum(len(a) for a in images)
        del images
    size = os.path.getsize(path)
    return {"tool": "ase", "bytes": size, "frames": frames, "atoms": atoms, "seconds": best,
            "mb_per_s": size / 1e6 / best}


def time_cli(cli, path, repeats):
    best, summary = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = subprocess.run([cli, "info", "--json", path], check=True, capture_output=True, text=True,
                             env=common.swift_env()).stdout
        best = min(best, time.perf_counter() - t0)
        summary = json.loads(out.strip().splitlines()[-1])
    size = os.path.getsize(path)
    frames = summary.get("configurations")
    atoms = summary.get("atoms", {}).get("total")
    return {"tool": "swiftgap-info", "bytes": size, "frames": frames, "atoms": atoms, "seconds": best,
            "mb_per_s": size / 1e6 / best}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["dft", "repr"], help="run one file only")
    parser.add_argument("--repeats", type=int, default=3, help="SwiftGAP and swiftgap-info repeats")
    parser.add_argument("--json", action="store_true", help="also print the raw measurements")
    parser.add_argument("--no-build", action="store_true", help="use the existing binaries as they are")
    args = parser.parse_args()

    common.ensure_bench(rebuild=not args.no_build)
    cli = common.ensure_cli()
    cases = []
    if args.only in (None, "dft"):
        cases.append(("64-atom Si DFT, %16.8f (ase.io.write)", ensure_file(DFT_FILE, make_dft_file), 1))
    if args.only in (None, "repr"):
        cases.append(("27-atom molecule, repr() floats", ensure_file(REPR_FILE, make_repr_file), 3))

    results, raw = [], []
    for label, path, ase_repeats in cases:
        a = time_ase(path, ase_repeats)
        s = common.run_bench("extxyz", path, "--repeats", args.repeats)
        c = time_cli(cli, path, args.repeats)
        counts = {(r["frames"], r["atoms"]) for r in (a, s, c)}
        if len(counts) != 1:
            print(f"warning: {label}: frames/atoms differ: ASE {a['frames']}/{a['atoms']}, SwiftGAP "
                  f"{s['frames']}/{s['atoms']}, swiftgap info {c['frames']}/{c['atoms']}", file=sys.stderr)
        raw += [a, s, c]
        results.append((label, a, s, c))

    print(f"extxyz parsing, warm page cache; {common.machine()}")
    print(f"{'file':<40} {'MB':>7} {'frames':>7} {'ASE MB/s':>9} {'Swift MB/s':>11} {'info MB/s':>10}"
          f" {'Swift/ASE':>10} {'info/ASE':>9}")
    for label, a, s, c in results:
        print(f"{label:<40} {a['bytes'] / 1e6:>7.1f} {s['frames']:>7} {a['mb_per_s']:>9.2f} "
              f"{s['mb_per_s']:>11.1f} {c['mb_per_s']:>10.1f} {s['mb_per_s'] / a['mb_per_s']:>9.1f}x "
              f"{c['mb_per_s'] / a['mb_per_s']:>8.1f}x")
    print("seconds:")
    for label, a, s, c in results:
        print(f"  {label:<40} ASE {a['seconds']:.3f}  SwiftGAP {s['seconds']:.4f}  swiftgap info {c['seconds']:.4f}")
    if args.json:
        for r in raw:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
