"""A local descriptor's center rows pooled into one row per system: average, max or site-weighted."""
from __future__ import annotations

from typing import Optional

import numpy as np
from ase import Atoms

from ._descriptor import SwiftDescriptor, as_list, global_derivatives, output, thread_count


class Pooled:
    """One row per system from the rows of a local descriptor's centers (SOAP with `average="off"`, ACSF), with
    analytic derivatives:

    - `"average"`: their mean (SOAP's DScribe `average="outer"`, for any local descriptor);
    - `"max"`: each feature's largest value over the centers (its derivative is that of the center holding the
      maximum; the first such center on a tie, where the maximum is not differentiable);
    - `"weighted"`: Σ w_i q_i / Σ w_i, with w_i from the per-atom array `site_weights` of each system
      (`atoms.arrays[site_weights]`, e.g. `"initial_charges"` or `"initial_magmoms"`; finite, ≥ 0, not all zero over
      the centers).

    `centers` (atom indices, per system for many, e.g. from `sample_centers`) choose the rows that are pooled;
    default every atom. Each center moves with its atom, so the derivatives are those of the pooled row as a
    function of the positions (SOAP's `attach=True`).

        soap = SOAP(species=["Si", "O"], r_cut=5, n_max=6, l_max=4, periodic=True)
        pooled = Pooled(soap, "max")
        rows = pooled.create(cells, centers=sample_centers(cells, fraction=0.25, seed=7), n_jobs=2)
    """

    def __init__(self, descriptor, pooling: str = "average", site_weights: Optional[str] = None):
        swift = getattr(descriptor, "_swift", None)
        if not isinstance(swift, SwiftDescriptor) or not swift.local:
            raise ValueError(
                "Pooled needs a local descriptor of this package (one row per center): SOAP with average='off', or ACSF")
        if pooling not in ("average", "max", "weighted"):
            raise ValueError(f"Invalid pooling '{pooling}' given. Please use one of the following: "
                             "{'average', 'max', 'weighted'}")
        if pooling == "weighted" and not site_weights:
            raise ValueError("pooling='weighted' needs site_weights: the name of a per-atom array of the systems")
        if pooling != "weighted" and site_weights is not None:
            raise ValueError("site_weights go with pooling='weighted'")
        self.descriptor = descriptor
        self.pooling = pooling
        self.site_weights = site_weights
        self.dtype = descriptor.dtype
        self.sparse = descriptor.sparse
        settings = dict(swift.settings, pooling=pooling)
        if site_weights is not None:
            settings["site_weights"] = str(site_weights)
        self._swift = SwiftDescriptor(settings)

    def get_number_of_features(self) -> int:
        """Length of each output vector (that of the pooled descriptor's rows)."""
        return self._swift.n_features

    def _weights(self, systems) -> Optional[np.ndarray]:
        """Every system's site weights one after another, as the library takes them; None without weighting."""
        if self.site_weights is None:
            return None
        name, parts = self.site_weights, []
        for k, s in enumerate(systems):
            if name not in s.arrays:
                raise ValueError(
                    f"system {k} has no per-atom array '{name}' for the site weights (it has {sorted(s.arrays)}); "
                    f"set it with atoms.set_array('{name}', weights)")
            w = np.asarray(s.arrays[name], dtype=np.float64)
            if w.shape != (len(s),):
                raise ValueError(
                    f"system {k}: its array '{name}' has shape {w.shape}; site weights are one number per atom "
                    f"({len(s)},)")
            parts.append(w)
        return np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros(0))

    def _centers(self, systems, single: bool, centers):
        """The library's centers: the pooled descriptor's rules (atom indices; periodic systems need a cell)."""
        return self.descriptor._all_centers(systems, [centers] if single else centers)

    def create(self, system, centers=None, n_jobs=1, only_physical_cores=False, verbose=False):
        """The pooled row of one system (F,) or of many (n_systems, F)."""
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        rows, _, _ = self._swift.compute(
            systems, self._centers(systems, single, centers), derivatives=False, attach=True, threads=threads,
            site_weights=self._weights(systems))
        if verbose:
            print(f"SwiftGAP {self.pooling} pooling: {len(systems)} systems on {threads} threads")
        return output(rows[0] if single else rows, self.dtype, self.sparse)

    def derivatives(
        self, system, centers=None, include=None, exclude=None, method="auto", return_descriptor=True, attach=True,
        n_jobs=1, only_physical_cores=False, verbose=False,
    ):
        """Derivatives of the pooled row with respect to atom positions, as DScribe's `derivatives` of a global
        descriptor: one system gives (n_atoms, 3, F) (and the (F,) row); many give those stacked when their shapes
        agree, else lists. `include`/`exclude` choose the atoms, as in DScribe; `method` is checked and otherwise
        ignored (the derivatives are analytic); the centers move with their atoms (`attach=True`, the only value
        taken: the derivatives of `create`)."""
        if method not in ("numerical", "analytical", "auto"):
            raise ValueError("Invalid method specified. Please choose from: {'numerical', 'analytical', 'auto'}")
        if not attach:
            raise ValueError("pooled derivatives move each center with its atom: only attach=True is allowed")
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        if verbose:
            print(f"SwiftGAP {self.pooling} pooling derivatives: {len(systems)} systems on {threads} threads")
        return global_derivatives(
            self._swift, systems[0] if single else systems, include, exclude, return_descriptor, threads, self.dtype,
            self.sparse, centers=self._centers(systems, single, centers), site_weights=self._weights(systems))
