"""Test structures of the SOAP benchmark, written once to bench/.data/ as full-precision extxyz.

Every float (lattice and positions) is written with Python ``repr()``, which round-trips exactly, so
SwiftGAP's ExtXYZReader and ``ase.io.read`` see bit-identical geometry.
"""
import os

import numpy as np

import common

# name -> (file, description). Filled by the builders below.
STRUCTURES = {
    "si216": ("soap-si216.xyz", "Si diamond 3×3×3 cubic, rattled 0.05 Å"),
    "si1000": ("soap-si1000.xyz", "Si diamond 5×5×5 cubic, rattled 0.05 Å"),
    "water": ("soap-water64.xyz", "64 H₂O, 12.42 Å cubic box, 1.00 g/cm³"),
    "watmeoh": ("soap-water32-methanol16.xyz", "32 H₂O + 16 CH₃OH, 12.53 Å cubic box, 0.92 g/cm³"),
    "bsto": ("soap-ba-sr-tio3-135.xyz", "Ba₀.₅Sr₀.₅TiO₃ cubic perovskite 3×3×3 (135 atoms), A sites random, rattled 0.05 Å"),
}

AVOGADRO = 6.02214076e23
MASS = {"H": 1.008, "C": 12.011, "O": 15.999}


def write_extxyz(path, symbols, positions, cell):
    """One periodic frame, every float with repr() (exact round trip)."""
    lattice = " ".join(repr(float(x)) for x in np.asarray(cell, dtype=float).reshape(-1))
    lines = [f"{len(symbols)}\n",
             f'Lattice="{lattice}" Properties=species:S:1:pos:R:3 pbc="T T T"\n']
    for sym, p in zip(symbols, positions):
        lines.append(sym + " " + " ".join(repr(float(x)) for x in p) + "\n")
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.writelines(lines)
    os.replace(tmp, path)


def silicon(n, seed):
    from ase.build import bulk

    atoms = bulk("Si", "diamond", a=5.43, cubic=True).repeat(n)
    atoms.rattle(stdev=0.05, seed=seed)
    return atoms.get_chemical_symbols(), atoms.positions, np.array(atoms.cell)


def water_molecule():
    """H₂O (O–H 0.9572 Å, H–O–H 104.52°) with O at the origin."""
    half = np.radians(104.52) / 2
    r = 0.9572
    return ["O", "H", "H"], np.array([[0, 0, 0], [r * np.sin(half), 0, r * np.cos(half)],
                                      [-r * np.sin(half), 0, r * np.cos(half)]])


def methanol_molecule():
    """CH₃OH (C–O 1.427, O–H 0.956, C–H 1.093 Å, tetrahedral methyl, C–O–H 108.9°, staggered),
    centered on the C–O midpoint."""
    co, oh, ch = 1.427, 0.956, 1.093
    tet = np.radians(109.47)
    pos = [[0, 0, 0], [0, 0, co]]  # C, O
    for phi in (0, 120, 240):  # methyl hydrogens, pointing away from O
        p = np.radians(phi)
        pos.append([ch * np.sin(tet) * np.cos(p), ch * np.sin(tet) * np.sin(p), ch * np.cos(tet)])
    coh = np.radians(108.9)
    p = np.radians(60)
    pos.append([oh * np.sin(np.pi - coh) * np.cos(p), oh * np.sin(np.pi - coh) * np.sin(p),
                co + oh * np.cos(np.pi - coh)])
    pos = np.array(pos)
    return ["C", "O", "H", "H", "H", "H"], pos - (pos[0] + pos[1]) / 2


def random_rotation(rng):
    q = rng.normal(size=4)
    a, b, c, d = q / np.linalg.norm(q)
    return np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d]])


def liquid_box(molecules, density, seed, min_distance=1.6, heavy_distance=2.5):
    """Molecules on a jittered cubic grid in a periodic cube of the given density (g/cm³), each with a
    random orientation, re-drawn until no atom is closer than `min_distance` Å to an atom of another
    molecule (and no two heavy atoms closer than `heavy_distance` Å)."""
    rng = np.random.default_rng(seed)
    mass = sum(sum(MASS[s] for s in syms) for syms, _ in molecules)  # g/mol
    length = (mass / AVOGADRO / density * 1e24) ** (1 / 3)  # Å
    grid = int(np.ceil(len(molecules) ** (1 / 3)))
    sites = [np.array([i, j, k]) for i in range(grid) for j in range(grid) for k in range(grid)]
    free = list(rng.permutation(len(sites)))
    spacing = length / grid
    symbols, positions, heavy = [], np.zeros((0, 3)), np.zeros(0, dtype=bool)
    # Largest molecules first; a molecule that does not fit at its site tries the next free one.
    for syms, local in sorted(molecules, key=lambda m: -len(m[0])):
        is_heavy = np.array([s != "H" for s in syms])
        placed = None
        for site in list(free):
            for attempt in range(2000):
                center = (sites[site] + 0.5) * spacing + rng.uniform(-0.15, 0.15, 3) * spacing
                xyz = center + local @ random_rotation(rng).T
                if len(positions):
                    d = xyz[:, None, :] - positions[None, :, :]
                    d -= length * np.round(d / length)
                    r = np.linalg.norm(d, axis=-1)
                    if r.min() < min_distance or r[np.ix_(is_heavy, heavy)].min(initial=99) < heavy_distance:
                        continue
                placed = site
                break
            if placed is not None:
                break
        if placed is None:
            raise RuntimeError("could not place a molecule")
        free.remove(placed)
        symbols += syms
        positions = np.vstack([positions, xyz % length])
        heavy = np.concatenate([heavy, is_heavy])
    return symbols, positions, np.eye(3) * length


def perovskite(n, seed):
    """ABO₃ cubic perovskite (a = 3.95 Å) n×n×n, half the A sites Ba and half Sr at random, rattled."""
    from ase import Atoms

    a = 3.95
    cell = Atoms(["Ba", "Ti", "O", "O", "O"],
                 scaled_positions=[[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]],
                 cell=np.eye(3) * a, pbc=True).repeat(n)
    rng = np.random.default_rng(seed)
    symbols = cell.get_chemical_symbols()
    a_sites = [k for k, s in enumerate(symbols) if s == "Ba"]
    for k in rng.permutation(a_sites)[: len(a_sites) // 2]:
        symbols[k] = "Sr"
    cell.set_chemical_symbols(symbols)
    cell.rattle(stdev=0.05, seed=seed)
    return cell.get_chemical_symbols(), cell.positions, np.array(cell.cell)


def build(name):
    if name == "si216":
        return silicon(3, seed=1)
    if name == "si1000":
        return silicon(5, seed=2)
    if name == "water":
        return liquid_box([water_molecule()] * 64, density=1.0, seed=3)
    if name == "watmeoh":
        # x(MeOH) = 1/3; the real mixture is ~0.92 g/cm³ at 25 °C.
        return liquid_box([water_molecule()] * 32 + [methanol_molecule()] * 16, density=0.92, seed=5)
    if name == "bsto":
        return perovskite(3, seed=7)
    raise KeyError(name)


def ensure(name):
    """The path of structure `name`, generating it when missing."""
    path = os.path.join(common.DATA_DIR, STRUCTURES[name][0])
    if not os.path.exists(path):
        os.makedirs(common.DATA_DIR, exist_ok=True)
        write_extxyz(path, *build(name))
    return path
