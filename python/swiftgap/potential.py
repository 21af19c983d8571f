"""A SwiftGAP potential in Python: load a `.gap` file or a GAP XML, compute energies, forces and virials."""
from __future__ import annotations

import ctypes
import json
import os
from ctypes import c_double, c_int64, c_void_p
from pathlib import Path
from typing import Optional, Union

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

    def compute(self, atoms, threads: Optional[int] = None, variances: bool = False) -> dict:
        """Energy (eV), forces (eV/Å), virial (eV, 3×3, W = −V·stress), per-atom energies (eV) and, with
        `variances`, per-atom local-energy variances (eV²) of an `ase.Atoms`.

        Raises SwiftGAPError for elements the potential does not know, non-finite positions or cells, or
        variances from a potential saved without them."""
        n = len(atoms)
        packed = Packed([atoms])
        threads = default_threads() if threads is None else int(threads)
        if threads < 1:
            raise ValueError(f"threads must be at least 1 (got {threads})")
        energy = c_double(0)
        forces = np.zeros((n, 3))
        virial = np.zeros((3, 3))
        energies = np.zeros(n)
        local = np.zeros(n) if variances else None
        call(
            "swiftgap_potential_compute", self._handle.raw, n, address(packed.numbers), address(packed.positions),
            address(packed.cells), address(packed.pbc), threads, ctypes.byref(energy), address(forces), address(virial), address(energies),
            address(local))
        result = {"energy": energy.value, "forces": forces, "virial": virial, "energies": energies}
        if variances:
            result["variances"] = local
        return result

    def close(self) -> None:
        """Frees the Swift potential now (it is freed anyway when this object goes away)."""
        self._handle.close()

    def __repr__(self) -> str:
        return f"Potential({str(self.path)!r})"
