"""ASE Atoms to the flat arrays the C ABI takes (C-contiguous, native types)."""
from __future__ import annotations

from typing import Sequence

from . import _native


#: cell_volume(system) -> the signed volume a · (b × c) of an ASE system's cell, in C (numpy's det or cross cost some
#: 10 µs a call, Python's arithmetic on the cell's list a few tenths: both showed in loops over small systems).
cell_volume = _native.cell_volume


class Packed:
    """Structures as the library's calls take them, copied (a snapshot that later changes to the systems do not
    show) into one buffer this object keeps alive: `arguments` (count, then the addresses of the atom counts,
    atomic numbers, positions, cells and periodicity flags) and, for the calls on one structure, `one` (atoms, then
    the addresses of its numbers, positions, cell and flags). Packed in C (`_native.pack`, which also packs a
    descriptor's integers after the atom counts for `_native.pack_centers`): with numpy, a few small molecules'
    packing took longer than their Coulomb matrices."""

    __slots__ = ("_buffer", "counts", "arguments", "one")

    def __init__(self, systems: Sequence):
        self._buffer, counts, arguments, _ = _native.pack(systems, ())
        #: Atoms per system, as Python ints.
        self.counts = counts
        self.arguments = arguments
        self.one = (counts[0],) + arguments[2:] if arguments[0] == 1 else None
