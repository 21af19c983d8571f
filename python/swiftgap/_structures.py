"""ASE Atoms to the flat arrays the C ABI takes (C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ._library import address


def cell_volume(system) -> float:
    """The signed volume a · (b × c) of an ASE system's cell, in plain Python: numpy's det or cross cost some 10 µs
    a call, which showed in loops over small systems."""
    (a1, a2, a3), (b1, b2, b3), (c1, c2, c3) = system.cell.array.tolist()
    return a1 * (b2 * c3 - b3 * c2) - a2 * (b1 * c3 - b3 * c1) + a3 * (b1 * c2 - b2 * c1)


class Packed:
    """Structures as the library's calls take them: the C arguments `arguments` (count, then the addresses of the atom
    counts (`counts_address`), atomic numbers, positions, cells and periodicity flags) and, for the calls on one
    structure, `one` (atoms, then the addresses of its numbers, positions, cell and flags), over arrays this object
    keeps alive. Few numpy calls, since each costs microseconds against a small system's whole call:
    - one int64 array holds the atom counts and, after them, the caller's `integers` (center counts, center atoms,
      row counts: `integer_address(k)` is the address of `integers[k]`);
    - with several systems, the positions and the cells go into one float64 array, cells after positions;
    - with one system and `copy=False`, its positions and cell are passed as they are when they are C-contiguous
      float64 (ASE's are): for a call that reads them before it returns, with the system left alone meanwhile.
      `copy=True` gives a snapshot that later changes to the systems do not show."""

    def __init__(self, systems: Sequence, integers: Sequence[int] = (), copy: bool = True):
        self.count = n = len(systems)
        # The attributes, not the getters: those copy, and each property costs a call.
        arrays = [s.arrays for s in systems]
        #: Atoms per system, as Python ints.
        self.counts = [len(a["numbers"]) for a in arrays]
        packed_integers = np.array(self.counts + list(integers), dtype=np.int64)
        if n == 1:
            s, a = systems[0], arrays[0]
            numbers = a["numbers"].astype(np.int32)
            if copy:
                positions = np.array(a["positions"], dtype=np.float64, order="C")
                cells = np.array(s.cell.array, dtype=np.float64, order="C")
            else:
                positions = np.ascontiguousarray(a["positions"], dtype=np.float64)
                cells = np.ascontiguousarray(s.cell.array, dtype=np.float64)
            pbc = s.pbc.astype(np.uint8)
            cells_address = address(cells)
        elif n:
            numbers = np.concatenate([a["numbers"] for a in arrays], dtype=np.int32)
            # Positions (atoms × 3) and cells (3 rows each) joined along their rows.
            positions = cells = np.concatenate(
                [a["positions"] for a in arrays] + [s.cell.array for s in systems], dtype=np.float64)
            pbc = np.concatenate([s.pbc for s in systems], dtype=np.uint8)
            cells_address = address(positions) + 8 * 3 * sum(self.counts)
        else:
            numbers, positions, pbc = np.empty(0, dtype=np.int32), np.empty((0, 3)), np.empty(0, dtype=np.uint8)
            cells, cells_address = positions, address(positions)
        # What the addresses point into, kept alive with this object.
        self._arrays = (packed_integers, numbers, positions, cells, pbc)
        #: The address of the atom counts, which the caller's integers follow.
        self.counts_address = address(packed_integers)
        structure = (address(numbers), address(positions), cells_address, address(pbc))
        self.arguments = (n, self.counts_address) + structure
        self.one = (self.counts[0],) + structure if n == 1 else None

    def integer_address(self, k: int) -> int:
        """The address of the caller's `integers[k]` in the packed array."""
        return self.counts_address + 8 * (self.count + k)
