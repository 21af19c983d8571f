"""A SwiftGAP potential in Python: load a `.gap` file or a GAP XML, compute energies, forces and virials, and the
predictive standard deviations of energies and forces."""
from __future__ import annotations

import ctypes
import json
import os
from ctypes import c_double, c_int64, c_void_p
from pathlib import Path
from typing import Optional, Tuple, Union

import numpy as np

from ._library import Handle, address, call
from ._structures import Packed
from .errors import SwiftGAPError


def default_threads() -> int:
    """Worker threads by default: the CPUs this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return max(os.cpu_count() or 1, 1)


class Potential:
    """A fitted GAP: SwiftGAP's `.gap` files or QUIP's GAP XML (with its sparseX files beside it), read by content.

    >>> gap = Potential("potentials/si-sw/si-sw.gap")
    >>> result = gap.compute(atoms)            # energy, forces, virial, energies (and variances on request)
    >>> energy_std, force_std = gap.uncertainty(atoms)   # eV and eV/Å (N×3), potentials fitted with variances
    """

    def __init__(self, path: Union[str, os.PathLike]):
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no potential file at {path}")
        raw = c_void_p()
        call("swiftgap_potential_load", os.fsencode(path), ctypes.byref(raw))
        self._handle = Handle(raw)
        self.path = path
        self.metadata: dict = self._metadata()
        """The potential's self-description (settings, terms, e0, fit record, `has_variance`, `elements`)."""

    def _metadata(self) -> dict:
        length = c_int64(0)
        capacity = 1 << 16
        while True:
            buffer = ctypes.create_string_buffer(capacity)
            call("swiftgap_potential_metadata", self._handle.raw, buffer, capacity, ctypes.byref(length))
            if length.value < capacity:
                return json.loads(buffer.value.decode())
            capacity = length.value + 1

    @property
    def elements(self) -> list:
        """Atomic numbers the potential knows."""
        return list(self.metadata["elements"])

    @property
    def has_variance(self) -> bool:
        """Whether the potential can give local-energy variances."""
        return bool(self.metadata["has_variance"])

    #: The predictive variances `uncertainty` offers, by name, with their code in the C ABI.
    UNCERTAINTY_MODELS = {"full": 0, "projected": 1}

    def compute(self, atoms, threads: Optional[int] = None, variances: bool = False) -> dict:
        """Energy (eV), forces (eV/Å), virial (eV, 3×3, W = −V·stress), per-atom energies (eV) and, with
        `variances`, per-atom local-energy variances (eV²) of an `ase.Atoms`.

        Raises SwiftGAPError for elements the potential does not know, non-finite positions or cells, or
        variances from a potential saved without them."""
        n = len(atoms)
        packed = Packed([atoms])
        threads = _threads(threads)
        energy = c_double(0)
        forces = np.zeros((n, 3))
        virial = np.zeros((3, 3))
        energies = np.zeros(n)
        local = np.zeros(n) if variances else None
        call(
            "swiftgap_potential_compute", self._handle.raw, *packed.one, threads, ctypes.byref(energy),
            address(forces), address(virial), address(energies), address(local))
        result = {"energy": energy.value, "forces": forces, "virial": virial, "energies": energies}
        if variances:
            result["variances"] = local
        return result

    def uncertainty(self, atoms, model: str = "full", threads: Optional[int] = None) -> Tuple[float, np.ndarray]:
        """Predictive standard deviations of an `ase.Atoms`: of its total energy (eV) and of every force component
        (eV/Å, an N×3 array), as `swiftgap predict --uncertainty MODEL` writes them (gap_energy_std,
        gap_force_std), scaled by the potential's stored calibration for `model` when it has one.

        `model`: "full", the sparse GP's whole predictive variance (GAP's local-energy variance extended to totals
        and forces), or "projected", only the part the posterior of the sparse points' weights gives (smaller,
        and read as an error bar only once calibrated: `swiftgap fit --calibration VAL.xyz --uncertainty projected`).

        Raises ValueError for another model, SwiftGAPError for a potential without variance factors (saved with
        --no-variance, or a GAP XML) and the errors of `compute`."""
        code = self.UNCERTAINTY_MODELS.get(model)
        if code is None:
            raise ValueError(f"model must be one of {', '.join(self.UNCERTAINTY_MODELS)} (got {model!r})")
        n = len(atoms)
        packed = Packed([atoms])
        threads = _threads(threads)
        energy_std = c_double(0)
        force_std = np.zeros((n, 3))
        call(
            "swiftgap_potential_uncertainty", self._handle.raw, *packed.one, threads, code,
            ctypes.byref(energy_std), address(force_std))
        return energy_std.value, force_std

    def close(self) -> None:
        """Frees the Swift potential now (it is freed anyway when this object goes away)."""
        self._handle.close()

    def __repr__(self) -> str:
        return f"Potential({str(self.path)!r})"


def _threads(threads: Optional[int]) -> int:
    """`threads`, or all available for None; ValueError below 1."""
    threads = default_threads() if threads is None else int(threads)
    if threads < 1:
        raise ValueError(f"threads must be at least 1 (got {threads})")
    return threads
