"""ASE Atoms to the flat arrays the C ABI takes (C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

from . import _native


#: cell_volume(system) -> the signed volume a · (b × c) of an ASE system's cell, in C (numpy's det or cross cost some
#: 10 µs a call, Python's arithmetic on the cell's list a few tenths: both showed in loops over small systems).
cell_volume = _native.cell_volume


class Packed:
    """Structures as the library's calls take them, copied (a snapshot that later changes to the systems do not
    show) into one buffer this object keeps alive: `arguments` (count, then the addresses of the atom counts
    (`counts_address`), atomic numbers, positions, cells and periodicity flags) and, for the calls on one structure,
    `one` (atoms, then the addresses of its numbers, positions, cell and flags). The caller's `integers` (center
    counts, center atoms, row counts: ints, and lists whose items take their place, a point as -1)
    follow the atom counts: `integer_address(k)` is the address of the k-th of them.
    Packed in C (`_native.pack`): with numpy, a few small molecules' packing took longer than their Coulomb
    matrices."""

    __slots__ = ("_buffer", "counts", "count", "arguments", "counts_address", "one")

    def __init__(self, systems: Sequence, integers: Sequence = ()):
        # Points among the integers' lists (`_native.pack`'s fourth result) are a descriptor's: `pack_centers`.
        self._buffer, counts, arguments, _ = _native.pack(systems, integers)
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
