"""`Packed` and `_native.pack` (in C): the C arguments of structures, read back from the addresses they pass: every
system's atom counts, numbers, positions, cell and flags where the library's calls look for them, the caller's
integers after the counts (lists among them flattened), a snapshot; arrays of other types or layouts converted;
malformed ones refused. And `_native.center_lists`, which reads centers, `_native.pack_centers`, which packs them
for a descriptor, and `_native.cell_volume`."""
import ctypes

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk, molecule

from swiftgap import _native
from swiftgap._structures import Packed
from swiftgap.errors import SwiftGAPError


def read(address: int, count: int, ctype, dtype) -> np.ndarray:
    """`count` values of `ctype` at `address`, copied into a numpy array."""
    return np.array(np.ctypeslib.as_array((ctype * count).from_address(address)), dtype=dtype)


def integer_address(arguments, k: int) -> int:
    """The address of the k-th of the integers `_native.pack` put after the atom counts (`arguments[1]`)."""
    return arguments[1] + 8 * (arguments[0] + k)


def systems():
    water = molecule("H2O")
    nacl = bulk("NaCl", "rocksalt", a=5.64)
    slab = Atoms("Cu2", positions=[[0, 0, 0], [1.2, 1.3, 1.4]], cell=[[3, 0, 0], [0.5, 4, 0], [0, 0, 9]],
                 pbc=[True, True, False])
    return [water, nacl, slab]


@pytest.mark.parametrize("count", [1, 3])
def test_arguments_point_at_every_system(count):
    chosen = systems()[:count]
    packed = Packed(chosen)
    n, counts, numbers, positions, cells, pbc = packed.arguments
    total = sum(len(s) for s in chosen)
    assert n == count and packed.counts == [len(s) for s in chosen]
    assert read(counts, count, ctypes.c_int64, np.int64).tolist() == packed.counts
    with_integers = _native.pack(chosen, [7, -1, 42])  # kept: its buffer holds the integers
    assert with_integers[1] == packed.counts
    assert [read(integer_address(with_integers[2], k), 1, ctypes.c_int64, np.int64)[0] for k in range(3)] == [7, -1, 42]
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


def test_the_arguments_are_a_snapshot():
    atoms = molecule("CO2")
    snapshot = Packed([atoms])
    before = atoms.positions.copy()
    atoms.positions += 1.0
    atoms.numbers[0] = 14
    np.testing.assert_array_equal(read(snapshot.arguments[3], 9, ctypes.c_double, float), before.ravel())
    assert read(snapshot.arguments[2], 3, ctypes.c_int32, np.int32).tolist() == [6, 8, 8]


def test_arrays_of_other_types_and_layouts_are_converted():
    """Positions in Fortran order or as a strided view, 32-bit numbers, a cell of ints, pbc as ints: the same
    arguments as ASE's own arrays give."""
    reference = systems()[2]
    odd = reference.copy()
    odd.arrays["positions"] = np.asfortranarray(reference.positions)
    odd.arrays["numbers"] = reference.numbers.astype(np.int32)
    strided = reference.copy()
    strided.arrays["positions"] = np.repeat(reference.positions, 2, axis=0)[::2]
    for changed in (odd, strided):
        expected, got = Packed([reference]).arguments, Packed([changed]).arguments
        for address, count, ctype, dtype in ((expected[2], 2, ctypes.c_int32, np.int32),
                                             (expected[3], 6, ctypes.c_double, float)):
            offset = address - expected[2]
            np.testing.assert_array_equal(read(got[2] + offset, count, ctype, dtype),
                                          read(address, count, ctype, dtype))
    integral = Atoms("H", positions=[[0, 0, 0]], cell=np.diag([2, 3, 4]), pbc=True)
    integral.cell.array = np.diag([2, 3, 4])  # ints, which ASE's own setters would have made floats
    integral._pbc = np.array([1, 0, 2])  # ints, likewise (ASE keeps bools)
    _, _, _, _, cells, pbc = Packed([integral]).arguments
    assert read(cells, 9, ctypes.c_double, float).tolist() == np.diag([2.0, 3.0, 4.0]).ravel().tolist()
    assert read(pbc, 3, ctypes.c_uint8, np.uint8).tolist() == [1, 0, 1]


@pytest.mark.parametrize("damage, message", [
    (lambda a: a.arrays.__setitem__("positions", a.positions[:1]), "positions of shape"),
    (lambda a: a.arrays.__setitem__("positions", a.positions[:, :2]), "positions of shape"),
    (lambda a: a.arrays.__setitem__("numbers", np.array([1, 2**40, 1])), "atomic number"),
    (lambda a: a.arrays.__setitem__("positions", np.array([["a", "b", "c"]] * 3)), "positions cannot be read"),
    (lambda a: a.arrays.__setitem__("numbers", np.array([8.0, 1.5, 1.0])), "atomic numbers cannot be read"),
    (lambda a: setattr(a.cell, "array", np.eye(2)), "cell of shape"),
])
def test_malformed_arrays_are_refused_naming_the_system(damage, message):
    good, bad = molecule("H2O"), molecule("H2O")
    damage(bad)
    with pytest.raises(ValueError, match=message) as raised:
        Packed([good, bad])
    assert "system 1" in str(raised.value)


def test_no_systems():
    packed = Packed([])
    assert packed.arguments[0] == 0 and packed.counts == [] and packed.one is None
    with_integers = _native.pack([], [5])
    assert read(integer_address(with_integers[2], 0), 1, ctypes.c_int64, np.int64)[0] == 5


class _Loose:
    """An object with ASE's attribute names holding whatever a test puts there (no ASE checks in between)."""

    class _Cell:
        def __init__(self, array):
            self.array = array

    def __init__(self, numbers, positions, cell, pbc):
        self.arrays = {"numbers": numbers, "positions": positions}
        self.cell = self._Cell(cell)
        self.pbc = pbc


def test_random_malformed_structures_raise_and_never_crash():
    """Seeded random structures with arrays of the wrong shape, type or content (strings, objects, None, 0-d and 3-d
    arrays, huge integers, NaN, ragged lists), or with an attribute missing: the packing either succeeds on
    numerically valid arrays or raises a Python exception — never crashes (the C side reads only checked buffers)."""
    rng = np.random.default_rng(2026)
    candidates = {
        "numbers": [np.array([1, 8]), np.array([1, 8], dtype=np.int32), np.array([1.5, 2.0]), np.array([2**40, 1]),
                    np.array(["H", "O"]), None, np.array(3), np.array([[1, 8]]), [1, 8], np.array([], dtype=int),
                    np.array([1, 8], dtype=object)],
        "positions": [np.zeros((2, 3)), np.zeros((2, 3), dtype=np.float32), np.zeros((2, 2)), np.zeros((3, 3)),
                      np.zeros((2, 3, 1)), np.full((2, 3), np.nan), None, "xyz", [[0, 0, 0], [1, 1]],
                      np.zeros((6,))[::2].reshape(1, 3), np.asfortranarray(np.ones((2, 3))), np.zeros((0, 3))],
        "cell": [np.eye(3), np.eye(3, dtype=int), np.eye(2), np.zeros((3, 3, 1)), None, [[1, 0, 0]] * 3, "cell",
                 np.eye(3)[:, ::-1]],
        "pbc": [np.array([True, False, True]), np.array([1, 0, 2]), np.array([True, False]), None, [True] * 3,
                np.array([[True] * 3]), "TTT"],
    }
    outcomes = {"packed": 0, "refused": 0}
    for _ in range(400):
        parts = {k: v[rng.integers(len(v))] for k, v in candidates.items()}
        system = _Loose(**parts)
        if rng.random() < 0.05:
            del system.arrays["positions" if rng.random() < 0.5 else "numbers"]
        try:
            _, counts, _, _ = _native.pack([molecule("H2O"), system], [1])
        except (ValueError, KeyError, AttributeError):
            outcomes["refused"] += 1
        else:
            outcomes["packed"] += 1
            assert counts[1] == len(np.asarray(parts["numbers"]))
    assert outcomes["packed"] > 0 and outcomes["refused"] > 0


FIVE = Atoms("H5", positions=np.arange(15.0).reshape(5, 3))


def one_system_centers(centers):
    """`_native.center_lists` of one five-atom system: its centers as the C side reads them, "general" when they are
    left to the descriptor's parser."""
    return _native.center_lists([FIVE], [centers], lambda n, c: "general")[0]


@pytest.mark.parametrize("centers, expected", [
    ([0, 2, -1], [0, 2, 4]),
    ((1, 3), [1, 3]),
    ([np.int64(4), 0, np.int32(-5), np.uint8(2)], [4, 0, 0, 2]),
    (np.array([3, -2], dtype=np.int16), [3, 3]),
    (np.array([1, 2, 3, 4], dtype=np.uint64)[::-2], [4, 2]),  # a strided view
    (np.array([0], dtype=np.int8), [0]),
])
def test_atom_indices_of_every_integer_form(centers, expected):
    out = one_system_centers(centers)
    assert out == expected and all(type(c) is int for c in out)


@pytest.mark.parametrize("centers", [
    [], (), np.array([], dtype=np.int64), [True, 1], [np.bool_(True)], [1.0], [[0.0, 0.0, 0.0]], np.array([1.0, 2.0]),
    np.zeros((2, 3), dtype=np.int64), np.array([True]), "01", b"\x00", range(3), {0, 1}, None, 3, [1, "2"],
])
def test_atom_indices_leave_other_centers_to_the_general_path(centers):
    assert one_system_centers(centers) == "general"


@pytest.mark.parametrize("centers, shown", [
    ([0, 5], "5"), ([-6], "-6"), ([2**70], str(2**70)), ([np.uint64(2**64 - 1)], str(2**64 - 1)),
    (np.array([2**64 - 1], dtype=np.uint64), str(2**64 - 1)), (np.array([7, 0], dtype=np.int32), "7"),
])
def test_atom_indices_out_of_bounds_name_the_index(centers, shown):
    with pytest.raises(IndexError, match=f"^index {shown} is out of bounds for a system of 5 atoms$"):
        one_system_centers(centers)


def test_lists_among_the_integers_are_flattened_their_points_apart():
    chosen = systems()
    packed_points = _native.pack(chosen, [2, 1, [0, (0.5, -1.5, 2)], [3], 7])  # kept: its buffer holds them
    assert read(integer_address(packed_points[2], 0), 6, ctypes.c_int64, np.int64).tolist() == [2, 1, 0, -1, 3, 7]
    assert read(packed_points[3], 9, ctypes.c_double, float).tolist() == [0, 0, 0, 0.5, -1.5, 2, 0, 0, 0]
    assert _native.pack(chosen, [2, [0, 1]])[3] is None
    for bad in ((0.5, 1.0), "abc", None):
        with pytest.raises((ValueError, TypeError)):
            _native.pack(chosen, [[0, bad]])


def test_center_lists():
    water, nacl, slab = systems()
    parsed = []

    def parse(n, centers):
        parsed.append((n, centers))
        return [(0.0, 0.0, 0.0)]

    assert _native.center_lists([water, nacl], None, parse) is None
    # Every atom in order, as a range, a list or an array, is no centers; so are all systems' together.
    assert _native.center_lists([water, nacl], [range(3), np.arange(2)], parse) is None
    assert _native.center_lists([water, nacl], [[0, 1, 2], (0, 1)], parse) is None
    # Once one system has centers, the others get every atom's list.
    assert _native.center_lists([water, nacl, slab], [range(3), [np.int32(-1)], [0, 1]], parse) == [
        [0, 1, 2], [1], [0, 1]]
    assert parsed == []
    # Anything but atom indices goes to parse, with the system's atom count.
    point = [[0.1, 0.2, 0.3]]
    assert _native.center_lists([water, nacl], [point, range(1, 2)], parse) == [[(0.0, 0.0, 0.0)], [(0.0, 0.0, 0.0)]]
    assert parsed == [(3, point), (2, range(1, 2))]
    with pytest.raises(ValueError, match="does not match the given number of systems"):
        _native.center_lists([water, nacl], [[0]], parse)
    with pytest.raises(IndexError, match="index 3 is out of bounds for a system of 3 atoms"):
        _native.center_lists([water], [[0, 3]], parse)
    with pytest.raises(TypeError):
        _native.center_lists([water], 5, parse)
    with pytest.raises(AttributeError):
        _native.center_lists(["not atoms"], [[0]], parse)


@pytest.mark.parametrize("local", [True, False])
def test_pack_centers_says_where_the_call_finds_them(local):
    water, nacl, slab = systems()
    chosen = [water, nacl, slab]
    _, atoms, arguments, points, counts, centers, rows, row_counts = _native.pack_centers(chosen, None, local)
    assert atoms == [3, 2, 2] and points is None and counts is None and centers is None
    assert row_counts == ([3, 2, 2] if local else [1, 1, 1])
    assert read(rows, 3, ctypes.c_int64, np.int64).tolist() == row_counts
    given = [[0, 2], [(0.5, 0.5, 0.5)], [1, -1, 0]]
    packed = _native.pack_centers(chosen, given, local)
    _, atoms, arguments, points, counts, centers, rows, row_counts = packed
    assert read(counts, 3, ctypes.c_int64, np.int64).tolist() == [2, 1, 3]
    assert read(centers, 6, ctypes.c_int64, np.int64).tolist() == [0, 2, -1, 1, -1, 0]
    assert read(points, 18, ctypes.c_double, float).reshape(6, 3)[2].tolist() == [0.5, 0.5, 0.5]
    assert row_counts == ([2, 1, 3] if local else [1, 1, 1])
    assert read(rows, 3, ctypes.c_int64, np.int64).tolist() == row_counts
    with pytest.raises(ValueError, match="one list per system"):
        _native.pack_centers(chosen, [[0]], local)


def test_cell_volume():
    rng = np.random.default_rng(5)
    for _ in range(20):
        atoms = Atoms("H", cell=rng.normal(size=(3, 3)), pbc=True)
        assert _native.cell_volume(atoms) == pytest.approx(np.linalg.det(atoms.cell.array), rel=1e-12)
    assert _native.cell_volume(molecule("H2O")) == 0
    flat = Atoms("H", cell=[[1, 0, 0], [0, 1, 0], [2, 0, 0]])
    assert _native.cell_volume(flat) == 0


def test_random_malformed_centers_raise_and_never_crash():
    """Seeded random centers (ints of every width and sign, bools, floats, points of every length, strings, None,
    arrays of any dtype and shape, huge integers, ranges, nested lists) through SOAP's `create` and `derivatives`:
    each call gives rows or raises a Python exception — never crashes (the C side reads centers only through checked
    conversions)."""
    from swiftgap.dscribe import SOAP

    rng = np.random.default_rng(48)
    soap = SOAP(species=["H", "O"], r_cut=3.0, n_max=2, l_max=1)
    water = molecule("H2O")
    items = [0, 2, -1, -3, 3, -4, 2**70, np.int8(1), np.uint64(2**63), True, 1.0, np.float64(0.5), "1", None,
             (0.1, 0.2, 0.3), [0.0, 0.0, 0.0], (1.0, 2.0), (0.0, 0.0, 0.0, 0.0), ("a", "b", "c"), (np.nan, 0, 0)]
    whole = [range(3), range(-1, 2), np.array([0, 1]), np.array([[0.0, 0.0, 0.0]]), np.array([0.5, 1.5]),
             np.array([True, False]), np.zeros((2, 2, 2)), np.array([], dtype=int), "012", b"\x00\x01", 7, None, {0, 1}]
    outcomes = {"rows": 0, "refused": 0}
    for _ in range(300):
        centers = (whole[rng.integers(len(whole))] if rng.random() < 0.3
                   else [items[k] for k in rng.integers(len(items), size=rng.integers(0, 4))])
        values = rng.random() < 0.7
        try:
            out = soap.create(water, centers=centers) if values else soap.derivatives(water, centers=centers)
        except (ValueError, IndexError, TypeError, SwiftGAPError):
            outcomes["refused"] += 1
        else:
            outcomes["rows"] += 1
            rows = out if values else out[1]
            assert np.isfinite(rows).all()
    assert outcomes["rows"] > 0 and outcomes["refused"] > 0
