"""An ASE calculator over a SwiftGAP potential (`.gap` or GAP XML).

    from swiftgap.ase import SwiftGAPCalculator
    atoms.calc = SwiftGAPCalculator("model.gap", threads=4)
    atoms.get_potential_energy(); atoms.get_forces(); atoms.get_stress()
    atoms.calc.get_property("local_energy_variance", atoms)   # eV², per atom (potentials fitted with variances)
    atoms.calc.get_property("energy_std", atoms)              # eV, the total energy's predictive deviation
    atoms.calc.get_property("forces_std", atoms)              # eV/Å, N×3, each force component's deviation

The extra properties need a potential fitted with variance factors (not `swiftgap fit --no-variance`, not a GAP XML).
``energy_std`` and ``forces_std`` are the predictive standard deviations of `Potential.uncertainty` under the
calculator's ``uncertainty_model`` ("full", the default, or "projected"), scaled by the potential's stored calibration
for that model; they equal `swiftgap predict --uncertainty MODEL`'s gap_energy_std and gap_force_std. Each is computed
only when asked for (it costs triangular solves with 1 + 3N right-hand sides), both at once, and cached by ASE with
the other results until the atoms change.
"""
from __future__ import annotations

import os
from typing import Optional, Union

import numpy as np
from ase.calculators.calculator import Calculator, PropertyNotImplementedError, all_changes
from ase.stress import full_3x3_to_voigt_6_stress

from ._structures import cell_volume
from .potential import Potential

#: The extra per-atom property: the predictive variance of each atom's local energy, in eV².
LOCAL_ENERGY_VARIANCE = "local_energy_variance"
#: The extra property: the predictive standard deviation of the total energy, in eV.
ENERGY_STD = "energy_std"
#: The extra per-atom property: the predictive standard deviation of each force component, in eV/Å (N×3).
FORCES_STD = "forces_std"

_BASE = ("energy", "free_energy", "energies", "forces", "stress")


class SwiftGAPCalculator(Calculator):
    """Energy, free energy (equal to the energy), forces, stress (Voigt, eV/Å³, ASE's sign, for cells of nonzero
    volume), per-atom energies and three extra properties: per-atom local-energy variances (eV²) under
    ``"local_energy_variance"``, and the predictive standard deviations of the total energy (eV) under
    ``"energy_std"`` and of every force component (eV/Å, N×3) under ``"forces_std"``. Results are cached by ASE
    until the atoms change; the extra properties are computed only when asked for.

    Args:
        potential: a path to a `.gap` file or GAP XML, or a loaded `swiftgap.Potential`.
        threads: worker threads (default: the CPUs this process may use).
        uncertainty_model: the predictive variance behind ``energy_std`` and ``forces_std``: "full" (default) or
            "projected" (see `Potential.uncertainty`).
    """

    implemented_properties = list(_BASE) + [LOCAL_ENERGY_VARIANCE, ENERGY_STD, FORCES_STD]
    default_parameters = {"threads": None, "uncertainty_model": "full"}
    nolabel = True

    def __init__(
        self, potential: Union[str, os.PathLike, Potential], threads: Optional[int] = None,
        uncertainty_model: str = "full", **kwargs
    ):
        super().__init__(**kwargs)
        self.threads = threads
        self.uncertainty_model = uncertainty_model
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

    @property
    def uncertainty_model(self) -> str:
        """The predictive variance behind ``energy_std`` and ``forces_std``: "full" or "projected"."""
        return self.parameters.get("uncertainty_model", "full")

    @uncertainty_model.setter
    def uncertainty_model(self, value: str) -> None:
        self.set(uncertainty_model=value)

    def set(self, **kwargs) -> dict:
        """ASE's `set`, checking ``uncertainty_model``; a new model drops the cached deviations."""
        if "uncertainty_model" in kwargs and kwargs["uncertainty_model"] not in Potential.UNCERTAINTY_MODELS:
            raise ValueError(f"uncertainty_model must be one of {', '.join(Potential.UNCERTAINTY_MODELS)} "
                             f"(got {kwargs['uncertainty_model']!r})")
        changed = super().set(**kwargs)
        if "uncertainty_model" in changed:
            for name in (ENERGY_STD, FORCES_STD):
                self.results.pop(name, None)
        return changed

    def check_state(self, atoms, tol=1e-15):
        """ASE's `check_state`, answered at once when the atoms are exactly those of the last calculation (ASE's
        own test, `isclose` on every array, costs some 0.15 ms, and an MD step asks three times)."""
        if self.atoms is not None and _identical(self.atoms, atoms):
            return []
        return super().check_state(atoms, tol)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if system_changes:
            self.results = {}
        want_variance = LOCAL_ENERGY_VARIANCE in properties and LOCAL_ENERGY_VARIANCE not in self.results
        if want_variance or any(p in _BASE and p not in self.results for p in properties):
            self._compute(properties, want_variance)
        if any(p in (ENERGY_STD, FORCES_STD) and p not in self.results for p in properties):
            energy_std, forces_std = self.potential.uncertainty(
                self.atoms, model=self.uncertainty_model, threads=self.threads)
            self.results[ENERGY_STD] = energy_std
            self.results[FORCES_STD] = forces_std

    def _compute(self, properties, want_variance: bool) -> None:
        """Energy, forces, per-atom energies, stress and, with `want_variance`, local-energy variances."""
        result = self.potential.compute(self.atoms, threads=self.threads, variances=want_variance)
        self.results.update({
            "energy": result["energy"],
            "free_energy": result["energy"],
            "forces": result["forces"],
            "energies": result["energies"],
        })
        if want_variance:
            self.results[LOCAL_ENERGY_VARIANCE] = result["variances"]
        volume = abs(cell_volume(self.atoms))
        if volume > 0:
            self.results["stress"] = full_3x3_to_voigt_6_stress(-result["virial"] / volume)
        elif "stress" in properties:
            raise PropertyNotImplementedError("stress needs a cell of nonzero volume (the structure has none)")


def _identical(a, b) -> bool:
    """Whether two atoms have exactly equal cells, periodicity and per-atom arrays of the kinds ASE's change
    detection compares (then its tolerance test finds no change either)."""
    if not (np.array_equal(a.cell.array, b.cell.array) and np.array_equal(a.pbc, b.pbc)):
        return False
    compared = set(all_changes)
    if compared & (set(a.arrays) ^ set(b.arrays)):
        return False
    return all(np.array_equal(a.arrays[k], b.arrays[k]) for k in compared & set(a.arrays))
