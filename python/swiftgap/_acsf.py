"""DScribe 2.1's `ACSF` (atom-centered symmetry functions), computed by SwiftGAP: the same constructor arguments,
checks, methods, output shapes and types. Derivatives are analytic (DScribe takes central differences in Python);
like DScribe's they need `attach=True`."""
from __future__ import annotations

import numpy as np
from ase import Atoms

from ._descriptor import (
    SwiftDescriptor, as_list, center_lists, check_output_options, displaced_per_system, is_atom_index, output,
    rows_beside, species_numbers, split_rows, thread_count,
)
from ._structures import cell_volume


def _parameter_matrix(value, columns: int, message: str) -> list:
    """DScribe's check of g2/g4/g5 parameters: None for none, else a matrix with `columns` columns."""
    if value is None:
        return []
    array = np.array(value, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != columns:
        raise ValueError(message)
    return array.tolist()


class ACSF:
    """Atom-centered symmetry functions G1–G5, DScribe 2.1's definition and feature order (values equal to
    DScribe's; derivatives analytic). Arguments as `dscribe.descriptors.ACSF`. Parameters DScribe means to refuse
    but lets through (η ≤ 0 is checked with `np.any(…) is True`, never true) are checked here by the library:
    η ≥ 0, ζ ≥ 1 and |λ| ≤ 1, which keep every value and derivative finite."""

    def __init__(
        self, r_cut, g2_params=None, g3_params=None, g4_params=None, g5_params=None, species=None, periodic=False,
        sparse=False, dtype="float64",
    ):
        check_output_options(dtype, sparse)
        self.periodic = bool(periodic)
        self.sparse = bool(sparse)
        self.dtype = dtype
        self._species = species
        self._atomic_numbers = species_numbers(species)
        self._r_cut = self._check_r_cut(r_cut)
        self._g2 = _parameter_matrix(g2_params, 2, "g2_params should be a matrix with two columns (eta, Rs).")
        self._g3 = self._check_g3(g3_params)
        self._g4 = _parameter_matrix(
            g4_params, 3, "g4_params should be a matrix with three columns (eta, zeta, lambda).")
        self._g5 = _parameter_matrix(
            g5_params, 3, "g5_params should be a matrix with three columns (eta, zeta, lambda).")
        self._build()

    @staticmethod
    def _check_r_cut(value) -> float:
        if value <= 0:
            raise ValueError("Cutoff radius should be positive.")
        return float(value)

    @staticmethod
    def _check_g3(value) -> list:
        if value is None:
            return []
        array = np.array(value, dtype=np.float64)
        if array.ndim != 1:
            raise ValueError("g3_params should be a vector.")
        return array.tolist()

    def _build(self) -> None:
        self._swift = SwiftDescriptor({
            "kind": "acsf", "r_cut": self._r_cut, "species": [int(z) for z in self._atomic_numbers],
            "g2_params": self._g2, "g3_params": self._g3, "g4_params": self._g4, "g5_params": self._g5,
            "periodic": self.periodic,
        })

    # ---- DScribe's attributes (setting one checks it and rebuilds the descriptor)
    @property
    def species(self):
        return self._species

    @species.setter
    def species(self, value):
        self._atomic_numbers = species_numbers(value)
        self._species = value
        self._build()

    @property
    def r_cut(self) -> float:
        return self._r_cut

    @r_cut.setter
    def r_cut(self, value):
        self._r_cut = self._check_r_cut(value)
        self._build()

    @property
    def g2_params(self) -> list:
        return self._g2

    @g2_params.setter
    def g2_params(self, value):
        self._g2 = _parameter_matrix(value, 2, "g2_params should be a matrix with two columns (eta, Rs).")
        self._build()

    @property
    def g3_params(self) -> list:
        return self._g3

    @g3_params.setter
    def g3_params(self, value):
        self._g3 = self._check_g3(value)
        self._build()

    @property
    def g4_params(self) -> list:
        return self._g4

    @g4_params.setter
    def g4_params(self, value):
        self._g4 = _parameter_matrix(value, 3, "g4_params should be a matrix with three columns (eta, zeta, lambda).")
        self._build()

    @property
    def g5_params(self) -> list:
        return self._g5

    @g5_params.setter
    def g5_params(self, value):
        self._g5 = _parameter_matrix(value, 3, "g5_params should be a matrix with three columns (eta, zeta, lambda).")
        self._build()

    def get_number_of_features(self) -> int:
        """(1 + n_G2 + n_G3) × species + (n_G4 + n_G5) × species pairs."""
        return self._swift.n_features

    # ---- centers
    @staticmethod
    def _centers(n, centers):
        """The atom indices of the centers of a system of n atoms (None: every atom); negative indices count from
        the end (atom indices alone are checked by `center_lists` before)."""
        if centers is None:
            return None
        if isinstance(centers, (str, bytes)) or not hasattr(centers, "__iter__"):
            raise ValueError("ACSF centers are a list of atom indices.")
        out = []
        for c in centers:
            if not is_atom_index(c):
                raise ValueError(f"ACSF centers are atom indices, not {c!r}.")
            if c < -n or c >= n:
                raise IndexError(f"index {c} is out of bounds for a system of {n} atoms")
            out.append(int(c) % n)
        return out

    def _all_centers(self, systems, centers):
        """Every system's centers for the library: None when all systems use all their atoms."""
        if self.periodic and any(any(s.pbc.tolist()) and cell_volume(s) == 0 for s in systems):
            raise ValueError("Cannot compute periodic descriptor on a zero-volume cell.")
        return center_lists(systems, centers, self._centers)

    # ---- DScribe's methods
    def create(self, system, centers=None, n_jobs=1, only_physical_cores=False, verbose=False):
        """ACSF of one system (n_centers, F) or of many (stacked when every system has as many centers, else a
        list), as DScribe's `create`; `centers` are atom indices (per system for many systems)."""
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        rows, counts, _ = self._swift.compute(
            systems, self._all_centers(systems, [centers] if single else centers), derivatives=False, attach=True,
            threads=threads)
        if verbose:
            print(f"SwiftGAP ACSF: {len(systems)} systems on {threads} threads")
        return output(rows if len(systems) == 1 else split_rows(rows, counts), self.dtype, self.sparse)

    def derivatives(
        self, system, centers=None, include=None, exclude=None, method="auto", return_descriptor=True, attach=False,
        n_jobs=1, only_physical_cores=False, verbose=False,
    ):
        """Derivatives of the ACSF output with respect to atom positions, as DScribe's `derivatives`: one system
        gives (n_centers, n_atoms, 3, F) (and the (n_centers, F) descriptor); many give those stacked when their
        shapes agree, else lists. As in DScribe, only `attach=True` (each center moves with its atom) is allowed;
        `method` "numerical" or "auto" (the derivatives are analytic either way)."""
        if not attach:
            raise ValueError("ACSF derivatives can only be calculated with attach=True.")
        if method not in ("numerical", "auto"):
            raise ValueError("Invalid method specified. Please choose from: {'numerical', 'auto'}")
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        indices = displaced_per_system(systems, single, include, exclude)
        rows, counts, d = self._swift.compute(
            systems, self._all_centers(systems, [centers] if single else centers), derivatives=True, attach=True,
            threads=threads, indices=indices)
        if verbose:
            print(f"SwiftGAP ACSF derivatives: {len(systems)} systems on {threads} threads")
        d, c = (d[0], rows) if len(systems) == 1 else (d, rows_beside(d, rows, counts))
        d, c = output(d, self.dtype, self.sparse), output(c, self.dtype, self.sparse)
        return (d, c) if return_descriptor else d
