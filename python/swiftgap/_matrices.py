"""DScribe 2.1's matrix descriptors — `CoulombMatrix`, `SineMatrix`, `EwaldSumMatrix` — computed by SwiftGAP:
the same constructor arguments, methods, output shapes and checks. One base class holds what DScribe's
`DescriptorMatrix` holds (options, padding, permutations, derivatives); each kind adds its JSON settings.

Differences, all in the user's favour: derivatives are analytic (DScribe takes finite differences of `create`).
Where equivalent atoms tie in the sorted order (water's two H), or eigenvalues are degenerate (methane's), they are
the limit of DScribe's central differences, which mix the two orders a step forward and a step back give; DScribe's
own step leaves an error of about 1e-4 of the largest entry there. Also:
`n_jobs` runs threads in one process; `EwaldSumMatrix.derivatives` also takes `create`'s Ewald arguments
(DScribe's always uses their defaults). With `permutation="random"` the noise follows SwiftGAP's generator
(seeded by `seed` and the system's place in the batch), not NumPy's.

One difference neither side can avoid: rows whose norms are equal in exact arithmetic but computed with rounding
(symmetry-equivalent atoms of a crystal, as in conventional NaCl's Ewald sum matrix) may come out of `sorted_l2` in
another order than DScribe's, whose order there follows its own rounding. Both are orders by norm, and the unsorted
matrices agree.
"""
from __future__ import annotations

import numpy as np

from ._descriptor import SwiftDescriptor, as_list, check_output_options, global_derivatives, output, thread_count

__all__ = ["CoulombMatrix", "SineMatrix", "EwaldSumMatrix"]

_PERMUTATIONS = ("none", "sorted_l2", "eigenspectrum", "random")


class _MatrixDescriptor:
    """What DScribe's `DescriptorMatrix` holds: n_atoms_max, the permutation options, output format."""

    _kind = ""
    #: DScribe's attribute, False for all three matrices (the sine and Ewald matrices take every cell as periodic
    #: without it).
    periodic = False

    def __init__(self, n_atoms_max, permutation="sorted_l2", sigma=None, seed=None, sparse=False, dtype="float64"):
        check_output_options(dtype, sparse)
        if n_atoms_max <= 0:
            raise ValueError("The maximum number of atoms must be a positive number.")
        if permutation not in _PERMUTATIONS:
            raise ValueError(
                f"Unknown permutation option given. Please use one of the following: {', '.join(_PERMUTATIONS)}.")
        if not sigma and permutation == "random":
            raise ValueError("Please specify sigma as a degree of random noise.")
        if permutation != "random" and sigma is not None:
            raise ValueError("Sigma value specified but the parameter 'permutation' not set as 'random'.")
        self.n_atoms_max = int(n_atoms_max)
        self.permutation = permutation
        self.sigma = sigma
        self.seed = seed
        self.sparse = bool(sparse)
        self.dtype = dtype
        self._swift = self._descriptor()

    def _descriptor(self, **extra) -> SwiftDescriptor:
        """The Swift descriptor of these options and the kind's `extra` settings."""
        settings = {"kind": self._kind, "n_atoms_max": self.n_atoms_max, "permutation": self.permutation}
        if self.permutation == "random":
            settings.update(sigma=float(self.sigma), seed=int(self.seed or 0))
        settings.update({k: v for k, v in extra.items() if v is not None})
        return SwiftDescriptor(settings)

    def get_number_of_features(self) -> int:
        """n_atoms_max² (n_atoms_max for the eigenspectrum)."""
        return self._swift.n_features

    def _check(self, systems) -> None:
        for s in systems:
            n = len(s.arrays["positions"])  # len(s), without its method call
            if n > self.n_atoms_max:
                raise ValueError(
                    f"One of the given systems has more atoms ({n}) than allowed by n_atoms_max ({self.n_atoms_max}).")

    def _rows(self, systems: list, swift: SwiftDescriptor, n_jobs, only_physical_cores) -> np.ndarray:
        """The flattened matrices of `systems`, (n_systems, F)."""
        self._check(systems)
        rows, _, _ = swift.compute(
            systems, None, derivatives=False, attach=False, threads=thread_count(n_jobs, only_physical_cores))
        return rows

    def _create(self, system, swift: SwiftDescriptor, n_jobs, only_physical_cores):
        """The flattened matrix of one system (F,) or of many (n_systems, F), as DScribe's `create`."""
        systems = as_list(system)
        rows = self._rows(systems, swift, n_jobs, only_physical_cores)
        return output(rows[0] if len(systems) == 1 else rows, self.dtype, self.sparse)

    def _derivatives(self, system, swift, include, exclude, method, return_descriptor, n_jobs, only_physical_cores):
        """Derivatives with respect to atom positions: (n_atoms, 3, F) for one system (with the (F,) descriptor),
        stacked or listed for many, as DScribe's; analytic, with the permutation held at the structure's."""
        if method not in ("numerical", "auto"):
            raise ValueError("Invalid method specified. Please choose from: {'numerical', 'auto'}")
        self._check(as_list(system))
        return global_derivatives(
            swift, system, include, exclude, return_descriptor, thread_count(n_jobs, only_physical_cores),
            self.dtype, self.sparse)

    def derivatives(
        self, system, include=None, exclude=None, method="auto", return_descriptor=True, n_jobs=1,
        only_physical_cores=False, verbose=False,
    ):
        """Derivatives with respect to atom positions: (n_atoms, 3, F) for one system (with the (F,) descriptor),
        stacked or listed for many, as DScribe's; analytic, with the permutation held at the structure's."""
        return self._derivatives(
            system, self._swift, include, exclude, method, return_descriptor, n_jobs, only_physical_cores)

    def create(self, system, n_jobs=1, only_physical_cores=False, verbose=False):
        """The flattened matrix of one system (F,) or of many (n_systems, F), as DScribe's `create`."""
        return self._create(system, self._swift, n_jobs, only_physical_cores)

    def unflatten(self, features, n_systems=None):
        """The flattened output (dense or sparse) as square matrices, as DScribe's `unflatten`."""
        if not hasattr(features, "reshape"):
            features = np.asarray(features)
        n = self.n_atoms_max
        if self.permutation == "eigenspectrum":
            return features
        if n_systems is None:
            n_systems = 1 if len(features.shape) == 1 else features.shape[0]
        return features.reshape((n, n)) if n_systems == 1 else features.reshape((n_systems, n, n))


class CoulombMatrix(_MatrixDescriptor):
    """The Coulomb matrix, DScribe 2.1's definition (zero-padded to `n_atoms_max`, flattened). Arguments as
    `dscribe.descriptors.CoulombMatrix`."""

    _kind = "coulomb_matrix"

    def __init__(self, n_atoms_max, permutation="sorted_l2", sigma=None, seed=None, sparse=False):
        super().__init__(n_atoms_max, permutation, sigma, seed, sparse)


class SineMatrix(_MatrixDescriptor):
    """The sine matrix of periodic cells, DScribe 2.1's definition (zero-padded to `n_atoms_max`, flattened).
    Arguments as `dscribe.descriptors.SineMatrix`; as DScribe, every cell is taken as periodic along all three
    axes, and a cell without three independent lattice vectors is an error."""

    _kind = "sine_matrix"


class EwaldSumMatrix(_MatrixDescriptor):
    """The Ewald sum matrix of periodic cells, DScribe 2.1's definition (zero-padded to `n_atoms_max`,
    flattened). Arguments as `dscribe.descriptors.EwaldSumMatrix`, with the Ewald parameters given per
    `create` call (one value, or one per system) as DScribe does."""

    _kind = "ewald_sum_matrix"

    def _ewald(self, accuracy, w, r_cut, g_cut, a) -> SwiftDescriptor:
        """The Swift descriptor of one set of Ewald arguments (the constructor's when they are the defaults)."""
        if (r_cut is None) != (g_cut is None):
            raise ValueError(
                "If you do not want to use the default cutoffs, please provide both cutoffs r_cut and g_cut.")
        if (accuracy, w, r_cut, g_cut, a) == (1e-5, 1, None, None, None):
            return self._swift
        as_float = lambda x: None if x is None else float(x)  # noqa: E731
        return self._descriptor(
            accuracy=float(accuracy), w=float(w), r_cut=as_float(r_cut), g_cut=as_float(g_cut), a=as_float(a))

    def create(self, system, accuracy=1e-5, w=1, r_cut=None, g_cut=None, a=None, n_jobs=1, only_physical_cores=False,
               verbose=False):
        """The flattened matrix of one system (F,) or of many (n_systems, F), as DScribe's `create`. `accuracy`,
        `w`, `r_cut`, `g_cut` and `a` are one value for all systems or a list with one per system."""
        systems = as_list(system)
        arguments = [accuracy, w, r_cut, g_cut, a]
        if all(np.ndim(x) == 0 for x in arguments):
            return self._create(system, self._ewald(*arguments), n_jobs, only_physical_cores)
        per_system = [x if np.ndim(x) else [x] * len(systems) for x in arguments]
        if any(len(x) != len(systems) for x in per_system):
            raise ValueError("Give the Ewald arguments once, or once per system.")
        groups = {}
        for k, values in enumerate(zip(*per_system)):
            groups.setdefault(tuple(None if v is None else float(v) for v in values), []).append(k)
        out = np.empty((len(systems), self.get_number_of_features()))
        for values, members in groups.items():
            out[members] = self._rows([systems[k] for k in members], self._ewald(*values), n_jobs, only_physical_cores)
        return output(out[0] if len(systems) == 1 else out, self.dtype, self.sparse)

    def derivatives(
        self, system, include=None, exclude=None, method="auto", return_descriptor=True, n_jobs=1,
        only_physical_cores=False, verbose=False, accuracy=1e-5, w=1, r_cut=None, g_cut=None, a=None,
    ):
        """Derivatives with respect to atom positions: (n_atoms, 3, F) for one system (with the (F,) descriptor),
        stacked or listed for many, as DScribe's; analytic, with the permutation held at the structure's. The
        Ewald arguments (DScribe's derivatives always use their defaults) apply to every system."""
        return self._derivatives(
            system, self._ewald(accuracy, w, r_cut, g_cut, a), include, exclude, method, return_descriptor, n_jobs,
            only_physical_cores)
