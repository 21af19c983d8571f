"""An ASE calculator over a SwiftGAP potential (`.gap` or GAP XML).

    from swiftgap.ase import SwiftGAPCalculator
    atoms.calc = SwiftGAPCalculator("model.gap", threads=4)
    atoms.get_potential_energy(); atoms.get_forces(); atoms.get_stress()
    atoms.calc.get_property("local_energy_variance", atoms)   # eV², per atom (potentials fitted with variances)
"""
from __future__ import annotations

import os
from typing import Optional, Union

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes
from ase.stress import full_3x3_to_voigt_6_stress

from .potential import Potential

#: The extra per-atom property: the predictive variance of each atom's local energy, in eV².
LOCAL_ENERGY_VARIANCE = "local_energy_variance"


class SwiftGAPCalculator(Calculator):
    """Energy, free energy (equal to the energy), forces, stress (Voigt, eV/Å³, ASE's sign, for cells of nonzero
    volume), per-atom energies and, under the extra key ``"local_energy_variance"``, per-atom local-energy
    variances (eV²). Results are cached by ASE until the atoms change.

    Args:
        potential: a path to a `.gap` file or GAP XML, or a loaded `swiftgap.Potential`.
        threads: worker threads (default: the CPUs this process may use).
    """

    implemented_properties = ["energy", "free_energy", "energies", "forces", "stress", LOCAL_ENERGY_VARIANCE]
    default_parameters = {"threads": None}
    nolabel = True

    def __init__(self, potential: Union[str, os.PathLike, Potential], threads: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.threads = threads
        self.potential = potential if isinstance(potential, Potential) else Potential(potential)

    @property
    def threads(self) -> Optional[int]:
        """Worker threads of each calculation (None: all available)."""
        return self.parameters.get("threads")

    @threads.setter
    def threads(self, value: Optional[int]) -> None:
        if value is not None and int(value) < 1:
            raise ValueError(f"threads must be at least 1 (got {value})")
        self.parameters["threads"] = value

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        want_variance = LOCAL_ENERGY_VARIANCE in properties
        result = self.potential.compute(self.atoms, threads=self.threads, variances=want_variance)
        self.results = {
            "energy": result["energy"],
            "free_energy": result["energy"],
            "forces": result["forces"],
            "energies": result["energies"],
        }
        if want_variance:
            self.results[LOCAL_ENERGY_VARIANCE] = result["variances"]
        volume = abs(np.linalg.det(self.atoms.get_cell().array))
        if volume > 0:
            self.results["stress"] = full_3x3_to_voigt_6_stress(-result["virial"] / volume)
        elif "stress" in properties:
            raise PropertyNotImplementedError("stress needs a cell of nonzero volume (the structure has none)")
