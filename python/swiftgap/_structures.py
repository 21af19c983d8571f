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
    """Structures packed for the library's descriptor and potential calls: C-contiguous copies in native types, one
    numpy call each (a snapshot: later changes to the systems do not show)."""

    def __init__(self, systems: Sequence):
        self.count = len(systems)
        self.atoms = np.array([len(s) for s in systems], dtype=np.int64)
        # The attributes, not the getters: those copy.
        if self.count == 1:
            s = systems[0]
            self.numbers = s.numbers.astype(np.int32)
            self.positions = np.array(s.positions, dtype=np.float64, order="C")
            self.cells = np.array(s.cell.array, dtype=np.float64, order="C")
            self.pbc = s.pbc.astype(np.uint8)
        elif self.count:
            # Straight from each system's arrays (its properties cost a call each), cast while joined.
            arrays = [s.arrays for s in systems]
            self.numbers = np.concatenate([a["numbers"] for a in arrays], dtype=np.int32)
            self.positions = np.concatenate([a["positions"] for a in arrays], dtype=np.float64)
            self.cells = np.ascontiguousarray([s.cell.array for s in systems], dtype=np.float64)
            self.pbc = np.array([s.pbc for s in systems], dtype=np.uint8)
        else:
            self.numbers = np.empty(0, dtype=np.int32)
            self.positions = np.empty((0, 3))
            self.cells = np.empty((0, 3, 3))
            self.pbc = np.empty((0, 3), dtype=np.uint8)
