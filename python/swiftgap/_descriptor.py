"""What the DScribe-style descriptors share: a Swift descriptor handle, the one call that computes rows and
derivatives for many systems, and DScribe's rules for species, job counts, indices, output shapes and types."""
from __future__ import annotations

import ctypes
import itertools
import json
import numbers
import os
from ctypes import c_int64, c_void_p
from typing import List, Optional, Sequence

import numpy as np
from ase import Atoms
from ase.data import atomic_numbers as _symbol_numbers

from . import _native
from ._library import Handle, address, call, function

# Derivative outputs up to this many bytes are not zeroed first: the library writes every block of them, zeros where
# an atom does not move the row ("fill"). glibc's calloc clears memory it hands back from earlier use (requests up to
# 32 MiB, once one of their size has been freed): one more pass over the output, about 6 % of the lesson molecules'
# `derivatives` call. Larger outputs are fresh zero pages from calloc, which blocks that no atom reaches (most of a
# large cell's) never touch.
_FILL_LIMIT = 32 << 20


def thread_count(n_jobs: int, only_physical_cores: bool = False) -> int:
    """DScribe's n_jobs: a positive count, or n_cpus + n_jobs for a negative one."""
    n_jobs = int(n_jobs)
    if n_jobs < 0:
        cpus = os.cpu_count() or 1
        if only_physical_cores:
            cpus = max(cpus // 2, 1) if _hyperthreaded() else cpus
        n_jobs = cpus + n_jobs
    if n_jobs <= 0:
        raise ValueError("Invalid number of jobs specified.")
    return n_jobs


def _hyperthreaded() -> bool:
    try:
        with open("/sys/devices/system/cpu/smt/active") as f:
            return f.read().strip() == "1"
    except OSError:
        return False


def is_atom_index(value) -> bool:
    """Whether a center is an atom index: a Python or numpy integer, not a bool. Python's and numpy's integers are
    tested first (np.where's indices): the ABC check of numbers.Integral is slow."""
    return type(value) is int or isinstance(value, np.integer) or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool))


def displaced_indices(n_atoms: int, include, exclude) -> np.ndarray:
    """DScribe's `include`/`exclude` rule: the atoms whose derivatives are returned, in output order."""
    if include is None and exclude is None:
        indices = np.arange(n_atoms)
    elif include is not None and exclude is None:
        indices = np.asarray(include, dtype=np.int64).reshape(-1)
        if np.any(indices > n_atoms - 1) or np.any(indices < 0):
            raise ValueError("Invalid index provided in the list of included atoms.")
    elif exclude is not None and include is None:
        excluded = np.asarray(sorted(set(int(i) for i in exclude)), dtype=np.int64)
        if np.any(excluded > n_atoms - 1) or np.any(excluded < 0):
            raise ValueError("Invalid index provided in the list of excluded atoms.")
        indices = np.delete(np.arange(n_atoms), excluded)
    else:
        raise ValueError("Provide either 'include' or 'exclude', not both.")
    if len(indices) == 0:
        raise ValueError("Please include at least one atom.")
    return indices


def per_system(value, n_systems: int, name: str) -> list:
    """A one-dimensional index list applied to every system, or one list per system (DScribe's include/exclude)."""
    if value is None:
        return [None] * n_systems
    items = list(value)
    if all(np.ndim(v) == 0 for v in items):
        return [items] * n_systems
    if len(items) != n_systems:
        raise ValueError(f"The given number of {name}s does not match the given number of systems.")
    return items


def displaced_per_system(systems: Sequence, single: bool, include, exclude) -> List[np.ndarray]:
    """The atoms whose derivatives each system returns: DScribe's include/exclude, given for one system or, for
    many, once for all or per system."""
    if single:
        includes, excludes = [include], [exclude]
    else:
        includes = per_system(include, len(systems), "include")
        excludes = per_system(exclude, len(systems), "exclude")
    return [displaced_indices(len(s), i, e) for s, i, e in zip(systems, includes, excludes)]


class SwiftDescriptor:
    """A Swift descriptor made from JSON settings."""

    def __init__(self, settings: dict):
        self.settings = settings  # what `Pooled` extends with its pooling
        raw = c_void_p()
        call("swiftgap_descriptor_new", json.dumps(settings).encode(), ctypes.byref(raw))
        self._handle = Handle(raw)
        self._address = raw.value  # the handle's address, as the C helper takes it
        self.n_features = int(function("swiftgap_descriptor_features")(self._handle.raw))
        # A local descriptor has a row per center (every atom by default), a global one a row per system.
        self.local = int(function("swiftgap_descriptor_is_local")(self._handle.raw)) == 1

    def location(self, z1: int, z2: int) -> slice:
        start, stop = c_int64(0), c_int64(0)
        call("swiftgap_descriptor_location", self._handle.raw, int(z1), int(z2), ctypes.byref(start), ctypes.byref(stop))
        return slice(start.value, stop.value)

    def compute(
        self, systems: Sequence, centers: Optional[List[list]], derivatives: bool, attach: bool, threads: int,
        indices: Optional[List[np.ndarray]] = None, site_weights: Optional[np.ndarray] = None,
    ):
        """Rows of every system and, with `derivatives`, the derivatives of each system's rows with respect to its
        `indices` atoms: (rows, per-system row counts (a list), derivatives). `rows` holds all systems' rows one after
        another, (total rows, F); derivatives are a list of (rows, len(indices), 3, F) arrays, or one
        (systems, rows, atoms, 3, F) array when there are several systems and those shapes all agree.

        `centers`: None, or per system a list of atom indices (int) and points (three floats). `site_weights`: for a
        descriptor pooled by site weights, every system's atom weights one after another (C-contiguous float64)."""
        if not derivatives:
            # Packing, the rows' array and the call in one, in C.
            rows, counts_list = _native.rows(
                self._address, systems, centers, self.local, self.n_features, int(threads), site_weights)
            return rows, counts_list, []
        # The structures and centers packed, and where the call finds them (`_native.pack_centers`): arrays go to the C
        # helper as they are (it takes their data pointers), addresses as ints.
        packed = _native.pack_centers(systems, centers, self.local)  # kept: its buffer holds the arguments
        _, atom_counts, arguments, points, counts, atoms, row_counts, counts_list = packed
        rows = np.empty((sum(counts_list), self.n_features))
        structures = arguments + (counts, atoms, points, site_weights)
        chosen = [np.arange(n) if indices is None else np.asarray(indices[k], dtype=np.int64).reshape(-1)
                  for k, n in enumerate(atom_counts)]
        # Each distinct atom is filled once (slot_of_atom, −1 for atoms left out); repeated or unsorted requests are
        # reordered after.
        slot_of_atom = np.full(max(sum(atom_counts), 1), -1, dtype=np.int64)
        uniques, orders, first = [], [], 0
        for n, c in zip(atom_counts, chosen):
            if c.size < 2 or bool((c[1:] > c[:-1]).all()):
                # Increasing (the default, every atom in order): each atom once, in output order. np.unique's sort
                # was a tenth of a small crystal's call.
                unique, order = c, None
            else:
                # Repeated or unsorted: each distinct atom once, the output gathered from them after.
                unique, order = np.unique(c, return_inverse=True)
                order = order.reshape(-1)
            slot_of_atom[first + unique] = np.arange(len(unique))
            uniques.append(unique)
            orders.append(order)
            first += n
        slots = np.array([len(u) for u in uniques], dtype=np.int64)
        # Small outputs uninitialised, for the library to fill; large ones zeroed (see _FILL_LIMIT). One array for all
        # systems when DScribe would stack them (same row and atom counts) and no reordering is needed.
        sizes = [r * len(u) * 3 * self.n_features for r, u in zip(counts_list, uniques)]
        fill = 8 * sum(sizes) <= _FILL_LIMIT
        allocate = np.empty if fill else np.zeros
        shapes = {(r, len(c)) for r, c in zip(counts_list, chosen)}
        stacked = None
        if len(shapes) == 1 and len(atom_counts) > 1 and all(o is None for o in orders):
            r, a = shapes.pop()
            stacked = allocate((len(atom_counts), r, a, 3, self.n_features))
            outputs = list(stacked)
        else:
            # Views of one buffer: one allocation, which the allocator hands back to the next call of the same size
            # without the fresh pages' faults (a fault per 4 kB page was half of a small molecules' call).
            buffer = allocate(sum(sizes))
            ends = list(itertools.accumulate(sizes))
            outputs = [buffer[end - size:end].reshape((r, len(u), 3, self.n_features))
                       for size, end, r, u in zip(sizes, ends, counts_list, uniques)]
        targets = np.array([address(o) if o.size else 0 for o in outputs], dtype=np.uint64)
        _native.descriptor_derivatives(
            self._address, *structures, int(attach), int(threads), int(fill), row_counts, rows, slot_of_atom,
            slots, targets)
        if stacked is not None:
            return rows, counts_list, stacked
        out = [o if order is None else o[:, order] for o, order in zip(outputs, orders)]
        if len(shapes) == 1 and len(atom_counts) > 1:
            out = np.stack(out)
        return rows, counts_list, out


def split_rows(rows: np.ndarray, counts: List[int], stack: bool = True):
    """Per system, its rows as views of `rows` (no copy): a list, or, with `stack`, one stacked array when every
    system has the same count (then `rows` reshaped, still no copy). `counts`: plain ints (numpy's reductions cost
    microseconds on a few elements)."""
    if stack and counts and counts.count(counts[0]) == len(counts):
        return rows.reshape((len(counts), counts[0]) + rows.shape[1:])
    out, start = [], 0
    for count in counts:
        out.append(rows[start:start + count])
        start += count
    return out


def rows_beside(derivatives, rows: np.ndarray, counts: List[int]):
    """Several systems' rows as `derivatives` returns them beside their `derivatives`: stacked exactly when the
    derivatives are (DScribe stacks both or neither, even when every system has as many rows)."""
    return split_rows(rows, counts, stack=not isinstance(derivatives, list))


def species_numbers(species) -> np.ndarray:
    """DScribe's species rule: an iterable of symbols or of atomic numbers, sorted, duplicates removed."""
    if species is None:
        raise ValueError("Please provide the species as an iterable, e.g. a list.")
    if not hasattr(species, "__iter__") or isinstance(species, (str, np.str_)):
        raise ValueError("Please provide the species as an iterable, e.g. a list.")
    species = list(species)
    if all(isinstance(x, (int, np.integer)) for x in species):
        if any(x < 0 for x in species):
            raise ValueError(
                "The given list of species contains negative integers. Please use only non-negative integers")
        values = [int(x) for x in species]
    elif all(isinstance(x, (str, np.str_)) for x in species):
        try:
            values = [_symbol_numbers[x] for x in species]
        except KeyError as e:
            raise ValueError(f"Invalid chemical species: {e.args[0]}") from None
    else:
        raise ValueError(
            "The given list of species does not seem to contain strictly chemical symbols or atomic numbers. "
            "Please use either one.")
    return np.array(sorted(set(values)), dtype=int)


def output(out, dtype: str, sparse: bool):
    """DScribe's output format of an array or a list of arrays: dtype, and `sparse.COO` when `sparse=True`."""
    if dtype == "float64" and not sparse:
        return out  # what the library wrote (the common case: no pass over a list of small arrays)
    if isinstance(out, list):
        return [output(o, dtype, sparse) for o in out]
    return _format(out, dtype, sparse)


def _format(array, dtype: str, sparse: bool):
    """DScribe's output format: dtype, and a `sparse.COO` when `sparse=True`."""
    if dtype != "float64":
        array = array.astype(dtype)
    if sparse:
        import sparse as sp  # DScribe's own dependency for sparse output

        array = sp.COO.from_numpy(array)
    return array


def check_output_options(dtype: str, sparse: bool) -> None:
    """DScribe's `dtype` choices; `sparse=True` needs the `sparse` package."""
    if dtype not in ("float32", "float64"):
        raise ValueError(
            f"Invalid output data type '{dtype}' given. Please use one of the following: {{'float32', 'float64'}}")
    if sparse:
        try:
            import sparse as _  # noqa: F401
        except ImportError:
            raise ValueError("sparse=True needs the 'sparse' package (pip install sparse)") from None


def as_list(system):
    """One `ase.Atoms` or an iterable of them, as a list."""
    return [system] if isinstance(system, Atoms) else list(system)


#: center_lists(systems, centers, parse) -> every system's centers for the library: atom indices (a list or tuple of
#: Python or numpy ints, an integer array: the usual centers) checked in C, any other centers by `parse(n_atoms,
#: centers)`; None for a system whose centers are every atom in order — `range(n)` or such a list: the rows of no
#: centers, with no indices to pack (the lesson's crystal script passes the range, DScribe's users the list) —, and
#: None when every system's are. In C: in Python, this took a tenth of the lesson molecules' `SOAP.create`.
center_lists = _native.center_lists


def global_derivatives(
    swift, system, include, exclude, return_descriptor, threads, dtype, sparse, centers=None, site_weights=None,
):
    """DScribe's `derivatives` of a global descriptor (one row per system): (n_atoms, 3, F) and the (F,) row for
    one system, stacked or listed for many. `centers` and `site_weights`: those of a pooled descriptor, as
    `SwiftDescriptor.compute` takes them."""
    systems = as_list(system)
    indices = displaced_per_system(systems, isinstance(system, Atoms), include, exclude)
    rows, counts, d = swift.compute(
        systems, centers, derivatives=True, attach=True, threads=threads, indices=indices, site_weights=site_weights)
    if len(systems) == 1:
        d, c = d[0][0], rows[0]
    else:
        # Each system's one row, beside its derivatives as for a local descriptor, then without the row axis.
        c = rows_beside(d, rows, counts)
        d, c = ([x[0] for x in a] if isinstance(a, list) else a[:, 0] for a in (d, c))
    d, c = output(d, dtype, sparse), output(c, dtype, sparse)
    return (d, c) if return_descriptor else d
