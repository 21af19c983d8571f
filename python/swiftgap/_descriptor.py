"""What the DScribe-style descriptors share: a Swift descriptor handle, the one call that computes rows and
derivatives for many systems, and DScribe's rules for job counts, indices and output shapes."""
from __future__ import annotations

import ctypes
import json
import os
from ctypes import c_double, c_int32, c_int64, c_uint8, c_void_p
from typing import List, Optional, Sequence

import numpy as np

from ._library import Handle, call, function, pointer
from ._structures import Packed


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


def combine(outputs: List[np.ndarray]):
    """DScribe's result for many systems: one stacked array when every output has the same shape, else a list."""
    if all(o.shape == outputs[0].shape for o in outputs):
        return np.stack(outputs) if outputs else np.empty((0,))
    return outputs


class SwiftDescriptor:
    """A Swift descriptor made from JSON settings."""

    def __init__(self, settings: dict):
        raw = c_void_p()
        call("swiftgap_descriptor_new", json.dumps(settings).encode(), ctypes.byref(raw))
        self._handle = Handle(raw)
        self.n_features = int(function("swiftgap_descriptor_features")(self._handle.raw))

    def location(self, z1: int, z2: int) -> slice:
        start, stop = c_int64(0), c_int64(0)
        call("swiftgap_descriptor_location", self._handle.raw, int(z1), int(z2), ctypes.byref(start), ctypes.byref(stop))
        return slice(start.value, stop.value)

    def compute(
        self, systems: Sequence, centers: Optional[List[list]], derivatives: bool, attach: bool, threads: int,
        indices: Optional[List[np.ndarray]] = None,
    ):
        """Rows of every system (a list of (rows, F) arrays) and, with `derivatives`, the derivatives of each
        system's rows with respect to its `indices` atoms: a list of (rows, len(indices), 3, F) arrays.

        `centers`: None, or per system a list of atom indices (int) and points (three floats)."""
        packed = Packed(systems)
        counts = atoms = points = None
        if centers is not None:
            flat = [c for cs in centers for c in cs]
            counts = np.ascontiguousarray([len(cs) for cs in centers], dtype=np.int64)
            atoms = np.ascontiguousarray([c if isinstance(c, int) else -1 for c in flat], dtype=np.int64)
            points = np.zeros((max(len(flat), 1), 3))
            for k, c in enumerate(flat):
                if not isinstance(c, int):
                    points[k] = c
        result = c_void_p()
        call(
            "swiftgap_descriptor_compute", self._handle.raw, packed.count, pointer(packed.atoms, c_int64),
            pointer(packed.numbers, c_int32), pointer(packed.positions, c_double), pointer(packed.cells, c_double),
            pointer(packed.pbc, c_uint8), pointer(counts, c_int64), pointer(atoms, c_int64), pointer(points, c_double),
            int(derivatives), int(attach), int(threads), ctypes.byref(result))
        handle = Handle(result)
        rows_out, derivatives_out = [], []
        for k in range(packed.count):
            rows = c_int64(0)
            call("swiftgap_result_rows", handle.raw, k, ctypes.byref(rows))
            q = np.empty((rows.value, self.n_features))
            if q.size:
                call("swiftgap_result_descriptors", handle.raw, k, pointer(q, c_double))
            rows_out.append(q)
            if derivatives:
                n_atoms = int(packed.atoms[k])
                chosen = np.arange(n_atoms) if indices is None else np.asarray(indices[k], dtype=np.int64)
                # Each distinct atom is filled once; repeated or unsorted requests are reordered after.
                unique, order = np.unique(chosen, return_inverse=True)
                slot = np.full(max(n_atoms, 1), -1, dtype=np.int64)
                slot[unique] = np.arange(len(unique))
                d = np.zeros((rows.value, len(unique), 3, self.n_features))
                if d.size:
                    call(
                        "swiftgap_result_derivatives", handle.raw, k, pointer(slot, c_int64), n_atoms, len(unique),
                        pointer(d, c_double))
                if len(unique) != len(chosen) or np.any(unique != chosen):
                    d = d[:, order.reshape(-1)]
                derivatives_out.append(d)
        handle.close()
        return rows_out, derivatives_out
