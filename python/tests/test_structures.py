"""`Packed`: the C arguments of structures, read back from the addresses it passes: every system's atom counts,
numbers, positions, cell and flags where the library's calls look for them, the caller's integers after the counts,
and a snapshot only when asked for one."""
import ctypes

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk, molecule

from swiftgap._structures import Packed


def read(address: int, count: int, ctype, dtype) -> np.ndarray:
    """`count` values of `ctype` at `address`, copied into a numpy array."""
    return np.array(np.ctypeslib.as_array((ctype * count).from_address(address)), dtype=dtype)


def systems():
    water = molecule("H2O")
    nacl = bulk("NaCl", "rocksalt", a=5.64)
    slab = Atoms("Cu2", positions=[[0, 0, 0], [1.2, 1.3, 1.4]], cell=[[3, 0, 0], [0.5, 4, 0], [0, 0, 9]],
                 pbc=[True, True, False])
    return [water, nacl, slab]


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("copy", [True, False])
def test_arguments_point_at_every_system(count, copy):
    chosen = systems()[:count]
    packed = Packed(chosen, [7, -1, 42], copy=copy)
    n, counts, numbers, positions, cells, pbc = packed.arguments
    total = sum(len(s) for s in chosen)
    assert n == count and packed.counts == [len(s) for s in chosen]
    assert read(counts, count, ctypes.c_int64, np.int64).tolist() == packed.counts
    assert [read(packed.integer_address(k), 1, ctypes.c_int64, np.int64)[0] for k in range(3)] == [7, -1, 42]
    np.testing.assert_array_equal(read(numbers, total, ctypes.c_int32, np.int32),
                                  np.concatenate([s.numbers for s in chosen]))
    np.testing.assert_array_equal(read(positions, 3 * total, ctypes.c_double, float),
                                  np.concatenate([s.positions for s in chosen]).ravel())
    np.testing.assert_array_equal(read(cells, 9 * count, ctypes.c_double, float),
                                  np.concatenate([s.cell.array for s in chosen]).ravel())
    np.testing.assert_array_equal(read(pbc, 3 * count, ctypes.c_uint8, np.uint8),
                                  np.concatenate([s.pbc for s in chosen]).astype(np.uint8))
    if count == 1:
        assert packed.one == (len(chosen[0]), numbers, positions, cells, pbc)
    else:
        assert packed.one is None


def test_a_copy_is_a_snapshot_and_a_view_is_not():
    atoms = molecule("CO2")
    snapshot, view = Packed([atoms], copy=True), Packed([atoms], copy=False)
    before = atoms.positions.copy()
    atoms.positions += 1.0
    np.testing.assert_array_equal(read(snapshot.arguments[3], 9, ctypes.c_double, float), before.ravel())
    np.testing.assert_array_equal(read(view.arguments[3], 9, ctypes.c_double, float), atoms.positions.ravel())


def test_no_systems():
    packed = Packed([], [5])
    assert packed.arguments[0] == 0 and packed.counts == [] and packed.one is None
    assert read(packed.integer_address(0), 1, ctypes.c_int64, np.int64)[0] == 5
