"""SwiftGAP, LAMMPS (pair_style quip) and quippy on the same GAP XML and cells: energy, forces, virial.

    python compare.py si.xml LABEL cell cell_tri

For each TAG it reads TAG.swift.xyz (swiftgap predict), TAG.lammps.log and TAG.forces.dump (in.quip's run 0)
and evaluates TAG.xyz with quippy's Potential("IP GAP label=LABEL", param_filename=si.xml). LAMMPS reports the
pressure tensor in bar; the virial is W = P V / nktv2p (LAMMPS's metal-units constant).
"""
import sys, numpy as np
from ase.io import read
NKTV2P = 1.6021765e6          # LAMMPS metal units: P[bar] = W[eV] * NKTV2P / V[A^3]
BAR_TO_EVA3 = 6.241509e-7     # the brief's constant, for reference
def lammps(tag):
    lines = open(f'{tag}.lammps.log').read().splitlines()
    i = next(k for k, l in enumerate(lines) if l.split()[:2] == ['Step', 'PotEng'])
    v = [float(x) for x in lines[i+1].split()]
    pe, (pxx, pyy, pzz, pxy, pxz, pyz), vol = v[1], v[2:8], v[8]
    P = np.array([[pxx, pxy, pxz], [pxy, pyy, pyz], [pxz, pyz, pzz]])
    d = np.loadtxt(f'{tag}.forces.dump', skiprows=9)
    d = d[np.argsort(d[:, 0])]
    return pe, d[:, 5:8], P, vol
def quippy_eval(tag, xml, label):
    import quippy
    a = read(f'{tag}.xyz')
    a.calc = quippy.potential.Potential(f'IP GAP label={label}', param_filename=xml)
    e = a.get_potential_energy(); f = a.get_forces()
    W = -a.get_stress(voigt=False) * a.get_volume()
    return e, f, W
xml, label = sys.argv[1], sys.argv[2]
for tag in sys.argv[3:]:
    s = read(f'{tag}.swift.xyz')
    Es, Fs = s.info['gap_energy'], s.arrays['gap_forces']
    Ws = np.array(s.info['gap_virial']).reshape(3, 3)
    El, Fl, P, vol = lammps(tag)
    Wl = P * vol / NKTV2P                 # W = +P V  (LAMMPS / QUIP / ASE virial sign)
    Wl_b = P * vol * BAR_TO_EVA3
    Eq, Fq, Wq = quippy_eval(tag, xml, label)
    print(f'== {tag}: {len(s)} atoms, V = {vol:.6f} A^3')
    print(f'  E  swift {Es:.12f}  lammps {El:.12f}  quippy {Eq:.12f} eV')
    print(f'  |dE|   swift-lammps {abs(Es-El):.3e} eV   swift-quippy {abs(Es-Eq):.3e}   lammps-quippy {abs(El-Eq):.3e}')
    print(f'  max|dF| swift-lammps {np.abs(Fs-Fl).max():.3e} eV/A  swift-quippy {np.abs(Fs-Fq).max():.3e}  lammps-quippy {np.abs(Fl-Fq).max():.3e}   (max|F| {np.abs(Fs).max():.3f})')
    print(f'  max|dW| swift-lammps {np.abs(Ws-Wl).max():.3e} eV (W=+P*V/nktv2p)  with 6.241509e-7: {np.abs(Ws-Wl_b).max():.3e}  with W=-P*V: {np.abs(Ws+Wl).max():.3e}')
    print(f'  max|dW| swift-quippy {np.abs(Ws-Wq).max():.3e}  lammps-quippy {np.abs(Wl-Wq).max():.3e}   (max|W| {np.abs(Ws).max():.3f}; LAMMPS symmetrises W)')
    print(f'  max|W - W^T| swift {np.abs(Ws-Ws.T).max():.3e}')
