"""The two 64-atom Si cells of the LAMMPS pair_style quip check, as extxyz (for SwiftGAP and quippy) and as
LAMMPS data files (atom_style atomic, lower-triangular cell) with the same geometry.

    python make_cells.py DIAMOND64.xyz      # writes cell.xyz/.data and cell_tri.xyz/.data in the current folder

DIAMOND64.xyz is training-sets/si-sw/diamond64.xyz (64-atom diamond Si, a = 5.431 Å).
"""
import sys

import numpy as np
from ase.io import read, write

src = sys.argv[1]


def dump_data(atoms, fn):
    c = atoms.cell.array
    assert abs(c[0, 1]) < 1e-12 and abs(c[0, 2]) < 1e-12 and abs(c[1, 2]) < 1e-12, "cell must be lower-triangular"
    with open(fn, 'w') as f:
        f.write(f"# {fn}\n\n{len(atoms)} atoms\n1 atom types\n\n")
        f.write(f"0.0 {c[0,0]:.16f} xlo xhi\n0.0 {c[1,1]:.16f} ylo yhi\n0.0 {c[2,2]:.16f} zlo zhi\n")
        f.write(f"{c[1,0]:.16f} {c[2,0]:.16f} {c[2,1]:.16f} xy xz yz\n\nMasses\n\n1 28.0855\n\nAtoms # atomic\n\n")
        for i, p in enumerate(atoms.positions):
            f.write(f"{i+1} 1 {p[0]:.16f} {p[1]:.16f} {p[2]:.16f}\n")


# (1) cubic: diamond64 rattled 0.05 Å
a = read(src)
a.rattle(stdev=0.05, seed=2026)
a.wrap()
write('cell.xyz', a, format='extxyz')
# (2) triclinic-strained (lower-triangular cell) and rattled, to exercise the off-diagonal virial
b = read(src)
M = np.array([[1.02, 0, 0], [0.03, 0.99, 0], [-0.02, 0.04, 1.01]])
b.set_cell(b.cell.array @ M, scale_atoms=True)
b.rattle(stdev=0.05, seed=7)
b.wrap()
write('cell_tri.xyz', b, format='extxyz')
print(a.cell.array, b.cell.array, sep='\n')
# LAMMPS data made from the xyz files as written (extxyz rounds positions to 8 decimals),
# so that SwiftGAP (reading the xyz) and LAMMPS (reading the data file) see identical geometry.
for t in ('cell', 'cell_tri'):
    dump_data(read(t + '.xyz'), t + '.data')
