"""ASE Atoms to the flat arrays the C ABI takes (C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

from . import _native


def cell_volume(system) -> float:
    """The signed volume a · (b × c) of an ASE system's cell, in plain Python: numpy's det or cross cost some 10 µs
    a call, which showed in loops over small systems."""
    (a1, a2, a3), (b1, b2, b3), (c1, c2, c3) = system.cell.array.tolist()
    return a1 * (b2 * c3 - b3 * c2) - a2 * (b1 * c3 - b3 * c1) + a3 * (b1 * c2 - b2 * c1)


class Packed:
    """Structures as the library's calls take them, copied (a snapshot that later changes to the systems do not
    show) into one buffer this object keeps alive: `arguments` (count, then the addresses of the atom counts
    (`counts_address`), atomic numbers, positions, cells and periodicity flags) and, for the calls on one structure,
    `one` (atoms, then the addresses of its numbers, positions, cell and flags). The caller's `integers` (center
    counts, center atoms, row counts: ints, and lists whose items take their place, -1 for any that is not an int)
    follow the atom counts: `integer_address(k)` is the address of the k-th of them.
    Packed in C (`_native.pack`): with numpy, a few small molecules' packing took longer than their Coulomb
    matrices."""

    __slots__ = ("_buffer", "others", "counts", "count", "arguments", "counts_address", "one")

    def __init__(self, systems: Sequence, integers: Sequence = ()):
        self._buffer, counts, arguments, others = _native.pack(systems, integers)
        #: Items of the lists in `integers` that are not ints (packed as -1: point centers).
        self.others = others
        #: Atoms per system, as Python ints.
        self.counts = counts
        self.count = arguments[0]
        self.arguments = arguments
        #: The address of the atom counts, which the caller's integers follow.
        self.counts_address = arguments[1]
        self.one = (counts[0],) + arguments[2:] if self.count == 1 else None

    def integer_address(self, k: int) -> int:
        """The address of the caller's `integers[k]` in the packed array."""
        return self.counts_address + 8 * (self.count + k)
