"""ASE Atoms to the flat arrays the C ABI takes (one copy, C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def cell_volume(system) -> float:
    """The signed volume a · (b × c) of an ASE system's cell, in plain Python: numpy's det or cross cost some 10 µs
    a call, which showed in loops over small systems."""
    (a1, a2, a3), (b1, b2, b3), (c1, c2, c3) = system.cell.array.tolist()
    return a1 * (b2 * c3 - b3 * c2) - a2 * (b1 * c3 - b3 * c1) + a3 * (b1 * c2 - b2 * c1)


class Packed:
    """Structures packed for `swiftgap_descriptor_compute` / `swiftgap_potential_compute`."""

    def __init__(self, systems: Sequence):
        self.count = len(systems)
        self.atoms = np.ascontiguousarray([len(s) for s in systems], dtype=np.int64)
        total = int(self.atoms.sum())
        self.numbers = np.empty(total, dtype=np.int32)
        self.positions = np.empty((total, 3), dtype=np.float64)
        self.cells = np.empty((self.count, 3, 3), dtype=np.float64)
        self.pbc = np.empty((self.count, 3), dtype=np.uint8)
        first = 0
        for k, s in enumerate(systems):
            n = len(s)
            # The attributes, not the getters: those copy (three small copies per system showed in small-molecule
            # loops); the slices below copy once.
            self.numbers[first:first + n] = s.numbers
            self.positions[first:first + n] = s.positions
            self.cells[k] = s.cell.array
            self.pbc[k] = s.pbc
            first += n
