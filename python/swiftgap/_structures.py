"""ASE Atoms to the flat arrays the C ABI takes (one copy, C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

import numpy as np


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
