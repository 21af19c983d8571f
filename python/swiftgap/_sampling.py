"""Random centers for a local descriptor in large cells, drawn by the library from a seed."""
from __future__ import annotations

import numbers

import numpy as np
from ase import Atoms

from ._descriptor import as_list
from ._library import address, call


def sample_centers(system, count=None, fraction=None, seed=0, centers=None):
    """A random subset of each system's atoms, as the `centers` of a local descriptor (SOAP, ACSF, `Pooled`) when
    describing every atom of a large cell costs more than the statistics need: `count` atoms per system (all of
    them when it has fewer), or the `fraction` of them (rounded, at least one). Drawn without replacement and
    reproducibly from `seed` and each system's position in the list — the draws of `swiftgap describe
    --sample-count/--sample-fraction --seed` for the frames of a file.

    `centers`: the candidates (atom indices; per system for many), default every atom. One system gives an int64
    array of ascending atom indices, several a list of them.

        centers = sample_centers(cells, fraction=0.25, seed=7)
        rows = soap.create(cells, centers=centers)
    """
    if (count is None) == (fraction is None):
        raise ValueError("give count or fraction (not both)")
    if count is not None and (isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1):
        raise ValueError(f"count must be a positive integer (got {count!r})")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise ValueError(f"seed must be an integer in [0, 2**64) (got {seed!r})")
    single = isinstance(system, Atoms)
    systems = as_list(system)
    atoms = np.array([len(s) for s in systems], dtype=np.int64)
    center_counts = center_atoms = None
    capacity = int(atoms.sum())
    if centers is not None:
        lists = [centers] if single else list(centers)
        if len(lists) != len(systems):
            raise ValueError(f"give one list of centers per system ({len(systems)}), not {len(lists)}")
        chosen = []
        for k, (s, c) in enumerate(zip(systems, lists)):
            c = np.asarray(c)
            if c.size and c.dtype.kind not in "iu":
                raise ValueError(f"system {k}: centers to sample from are atom indices (got {c.dtype} values)")
            c = c.astype(np.int64).reshape(-1)
            if np.any(c < -len(s)) or np.any(c >= len(s)):
                raise IndexError(f"system {k}: a center index is out of bounds for a system of {len(s)} atoms")
            chosen.append(c % max(len(s), 1))
        center_counts = np.array([len(c) for c in chosen], dtype=np.int64)
        center_atoms = np.ascontiguousarray(np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64))
        capacity = len(center_atoms)
    out_counts = np.zeros(len(systems), dtype=np.int64)
    out_atoms = np.zeros(max(capacity, 1), dtype=np.int64)
    call("swiftgap_sample_centers", len(systems), address(atoms), address(center_counts), address(center_atoms),
         int(count or 0), float(fraction or 0.0), int(seed), address(out_counts), address(out_atoms))
    out = np.split(out_atoms[:int(out_counts.sum())], np.cumsum(out_counts)[:-1]) if systems else []
    return out[0] if single else out
