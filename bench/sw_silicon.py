"""Stillinger–Weber silicon configurations for the fitting and prediction speed benchmarks.

Diamond silicon supercells (a = 5.431 Å, the SW equilibrium) with a random symmetric strain of up to
``max_strain`` and a Gaussian rattle whose width varies from cell to cell (a stand-in for temperature),
labelled with quippy's Stillinger–Weber potential (``Potential("IP SW", param_str=SW_XML)``, the 1985
parameter set with ε = 2.1683 eV): energy (info ``energy``), forces (array ``forces``) and virial
(info ``virial``, −stress·V, 9 numbers). Written with ase.io.write as extxyz.
"""
import os

import numpy as np

SW_XML = """<SW_params n_types="1" label="PRB_31_plus_H">
<per_type_data type="1" atomic_num="14" />
<per_pair_data atnum_i="14" atnum_j="14" AA="7.049556277" BB="0.6022245584" p="4" q="0" a="1.80" sigma="2.0951" eps="2.1683" />
<per_triplet_data atnum_c="14" atnum_j="14" atnum_k="14" lambda="21.0" gamma="1.20" eps="2.1683" />
</SW_params>"""


def configurations(count, repeat, seed, rattle=(0.02, 0.12), max_strain=0.03, label=True):
    """``count`` cells of (repeat × repeat × repeat) conventional 8-atom cells; rattle width uniform in
    ``rattle`` (Å), strain components uniform in ±max_strain."""
    from ase.build import bulk
    rng = np.random.default_rng(seed)
    sw = None
    if label:
        from quippy.potential import Potential
        sw = Potential("IP SW", param_str=SW_XML)
    frames = []
    for k in range(count):
        a = bulk("Si", "diamond", a=5.431, cubic=True).repeat(repeat)
        e = rng.uniform(-max_strain, max_strain, (3, 3))
        a.set_cell(a.cell[:] @ (np.eye(3) + (e + e.T) / 2), scale_atoms=True)
        width = rng.uniform(*rattle)
        a.positions += rng.normal(0.0, width, a.positions.shape)
        a.wrap()
        b = a.copy()
        if label:
            a.calc = sw
            energy, forces, stress = a.get_potential_energy(), a.get_forces(), a.get_stress(voigt=False)
            b.info["energy"] = float(energy)
            b.info["virial"] = -stress * a.get_volume()
            b.arrays["forces"] = np.array(forces)
        b.info["config_type"] = "sw_rattled"
        frames.append(b)
    return frames


def write_set(path, count, repeat, seed, **kw):
    """Writes the set to ``path`` unless it exists; returns the path."""
    import ase.io
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        frames = configurations(count, repeat, seed, **kw)
        tmp = path + ".tmp.xyz"
        ase.io.write(tmp, frames, format="extxyz")
        os.replace(tmp, path)
    return path
