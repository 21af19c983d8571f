"""Randomised differential check of SwiftGAP's GAP XML predictions against quippy's `Potential` on the same files.

For each model (the GAP XML fixtures of Tests/InteropTests and QUIP's water 2b regression model when the shared data
sets are present), random structures of its species — clusters and triclinic cells, many smaller than the cutoffs —
get energy, forces and (cells) stress from `swiftgap.ase.SwiftGAPCalculator` and from quippy; every structure beyond
1e-7 eV/atom, 1e-6 eV/Å or 1e-7 eV/Å³ is printed, and each model's largest differences.

    PYTHONPATH=python .venv/bin/python scripts/quippy_differential.py --seed 1 --structures 30

Stop 46 (seeds 1 and 2, 30 and 60 structures per model): largest differences 2.5e-10 eV/atom, 1.1e-9 eV/Å,
2.4e-10 eV/Å³.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from ase import Atoms

import quippy.potential
from swiftgap.ase import SwiftGAPCalculator

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "Tests" / "InteropTests" / "Fixtures" / "gapxml"
MODELS = {
    FIXTURES / "soap_2b_si" / "gap.xml": [14],
    FIXTURES / "soap_si_inline" / "gap.xml": [14],
    FIXTURES / "zbl_2b_si" / "gap.xml": [14],
    FIXTURES / "sic" / "gap.xml": [6, 14],
    FIXTURES / "sic_old_version" / "gap.xml": [6, 14],
    ROOT.parent / "shared" / "datasets" / "quip-regression" / "GAP.xml": [1, 8],
}


def structure(rng, species, periodic: bool) -> Atoms:
    """1–8 atoms of `species` no closer than a bond: a cluster, or a triclinic cell of 3–7 Å edges."""
    n = int(rng.integers(1, 9))
    numbers = rng.choice(species, size=n)
    closest = 1.6 if 14 in species else 0.8
    if periodic:
        a = rng.uniform(3.0, 7.0)
        cell = np.diag(a * rng.uniform(0.8, 1.2, 3)) + rng.uniform(-0.8, 0.8, (3, 3)) * (1 - np.eye(3))
        for _ in range(300):
            atoms = Atoms(numbers, scaled_positions=rng.random((n, 3)), cell=cell, pbc=True)
            if n == 1 or (atoms.get_all_distances(mic=True) + 10 * np.eye(n)).min() > closest:
                return atoms
        return Atoms(numbers[:1], scaled_positions=[[0, 0, 0]], cell=cell, pbc=True)
    positions = []
    while len(positions) < n:
        p = rng.uniform(-3, 3, 3)
        if all(np.linalg.norm(p - q) > closest for q in positions):
            positions.append(p)
    return Atoms(numbers, positions=positions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--structures", type=int, default=30, help="per model")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for path, species in MODELS.items():
        if not path.exists():
            print(f"{path}: not present, skipped")
            continue
        ours, theirs = SwiftGAPCalculator(str(path)), quippy.potential.Potential(param_filename=str(path))
        worst = np.zeros(3)
        for k in range(args.structures):
            periodic = bool(rng.random() < 0.6)
            atoms = structure(rng, species, periodic)
            results = []
            for calculator in (ours, theirs):
                a = atoms.copy()
                a.calc = calculator
                results.append((a.get_potential_energy(), a.get_forces(), a.get_stress() if periodic else np.zeros(6)))
            (e1, f1, s1), (e2, f2, s2) = results
            d = np.array([abs(e1 - e2) / len(atoms), np.abs(f1 - f2).max(), np.abs(s1 - s2).max()])
            worst = np.maximum(worst, d)
            if d[0] > 1e-7 or d[1] > 1e-6 or d[2] > 1e-7:
                print(f"{path.parent.name} structure {k} ({len(atoms)} atoms, periodic {periodic}): "
                      f"dE/atom {d[0]:.2e} eV, dF {d[1]:.2e} eV/Å, dS {d[2]:.2e} eV/Å³")
        print(f"{path.parent.name}: largest dE/atom {worst[0]:.2e} eV, dF {worst[1]:.2e} eV/Å, dS {worst[2]:.2e} eV/Å³")


if __name__ == "__main__":
    main()
