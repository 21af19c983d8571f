"""DScribe 2.1's `SOAP`, `ACSF`, `CoulombMatrix`, `SineMatrix`, `EwaldSumMatrix` and `MBTR`, computed by SwiftGAP: the same
constructor arguments, methods, output shapes and types, so that a DScribe script runs with only its import line
changed::

    from swiftgap.dscribe import SOAP, CoulombMatrix      # was: from dscribe.descriptors import …

Differences, all in the user's favour: derivatives are analytic for every setting (DScribe falls back to
finite differences for periodic systems, averaged output, weighting and the mu2 and mu1nu1 compressions; `method` is
accepted and ignored). With `attach=True` they are the derivatives of `create` with the centers moving with their
atoms also where DScribe's finite differences move the wrong centers (averaged output with centers beyond an atom's
reach, and periodic cells: there DScribe's `derivatives` are not those of its own `create`);
`centers` may be any iterable (a `range` too); `n_jobs` runs threads in one process; averaged SOAP's `derivatives`
of several systems stack each system's one row, (systems, 1, n_atoms, 3, F), where DScribe's array has a row per atom
and only the first holds values. Not supported (a clear ValueError): `rbf="polynomial"`, and GTO bases that double
precision cannot orthonormalise to 1e-6 (n_max above 11 at r_cut 5 Å, above 9 at 3 Å), which DScribe computes with
errors of that size and larger.

Beyond DScribe, for local to global descriptors: `Pooled(descriptor, "average" | "max" | "weighted")` pools the rows
of a SOAP (average="off") or ACSF into one row per system, with analytic derivatives, and `sample_centers` draws a
seeded random subset of a large cell's atoms as `centers`.
"""
from __future__ import annotations

import copy
from typing import Optional

import numpy as np
from ase import Atoms
from ase.data import atomic_numbers as _symbol_numbers

from ._acsf import ACSF
from ._descriptor import (
    SwiftDescriptor, as_list, center_lists, check_output_options, displaced_per_system, is_atom_index, output,
    rows_beside, species_numbers, split_rows, thread_count,
)
from ._matrices import CoulombMatrix, EwaldSumMatrix, SineMatrix
from ._structures import cell_volume
from .errors import SwiftGAPError
from ._mbtr import MBTR
from ._pooling import Pooled
from ._sampling import sample_centers

__all__ = ["SOAP", "ACSF", "CoulombMatrix", "SineMatrix", "EwaldSumMatrix", "MBTR", "Pooled", "sample_centers"]

#: The parameters each of DScribe's weighting functions reads, in the order DScribe checks them, and whether each may
#: be zero. Other keys of the dictionary are ignored, as DScribe ignores them.
_WEIGHTING_PARAMETERS = {
    "poly": (("r0", False), ("c", True), ("m", True)),
    "pow": (("r0", False), ("c", True), ("m", True), ("d", True)),
    "exp": (("r0", False), ("c", True), ("d", True)),
}


class SOAP:
    """Smooth Overlap of Atomic Positions, DScribe 2.1's definition with the GTO radial basis (values equal to
    DScribe's; derivatives analytic everywhere). Arguments as `dscribe.descriptors.SOAP`."""

    def __init__(
        self, r_cut=None, n_max=None, l_max=None, sigma=1.0, rbf="gto", weighting=None, average="off",
        compression={"mode": "off", "species_weighting": None}, species=None, periodic=False, sparse=False,
        dtype="float64",
    ):
        check_output_options(dtype, sparse)
        self.periodic = bool(periodic)
        self.sparse = bool(sparse)
        self.dtype = dtype
        self._atomic_numbers = species_numbers(species)
        self._species = species
        if sigma <= 0:
            raise ValueError("Only positive gaussian width parameters 'sigma' are allowed.")
        if rbf == "polynomial":
            raise ValueError("SwiftGAP computes SOAP with rbf='gto' only; the polynomial basis is not supported")
        if rbf != "gto":
            raise ValueError(
                f"Invalid radial basis function of type '{rbf}' given. Please use one of the following: "
                "{'gto', 'polynomial'}")
        if n_max is None or n_max < 1:
            raise ValueError(f"Must have at least one radial basis function.n_max={n_max}")
        if average not in ("off", "inner", "outer"):
            raise ValueError(
                f"Invalid average mode '{average}' given. Please use one of the following: {{'off', 'inner', 'outer'}}")
        if not (weighting or r_cut):
            raise ValueError("Either weighting or r_cut need to be defined")
        weighting = self._check_weighting(copy.deepcopy(weighting) if weighting else {})
        inferred = not r_cut
        if inferred:
            r_cut = self._infer_r_cut(weighting)
        if r_cut <= 1:
            raise ValueError(
                "When using the gaussian radial basis set (gto), the radial cutoff should be bigger than 1 angstrom.")
        if l_max is None or l_max < 0:
            raise ValueError(f"l_max cannot be negative. l_max={l_max}")
        if l_max > 20:
            raise ValueError(f"The maximum available l_max for SOAP is currently 20, you have requested l_max={l_max}")
        mode = compression.get("mode", "off")
        if mode not in ("off", "mu2", "mu1nu1", "crossover"):
            raise ValueError(
                f"Invalid compression mode '{mode}' given. Please use one of the following: "
                "{'off', 'mu2', 'mu1nu1', 'crossover'}")
        species_weighting = compression.get("species_weighting")
        species_weights = self._species_weights(species, species_weighting, compression)
        self._r_cut = float(r_cut)
        self._n_max = int(n_max)
        self._l_max = int(l_max)
        self._sigma = float(sigma)
        self._rbf = rbf
        self._weighting = weighting
        self.average = average
        self._compression = {"mode": mode, "species_weighting": species_weighting}
        function = weighting.get("function")
        settings = {
            "kind": "soap", "species": [int(z) for z in self._atomic_numbers], "r_cut": self._r_cut,
            "n_max": self._n_max, "l_max": self._l_max, "sigma": self._sigma, "periodic": self.periodic,
            "average": average, "compression": mode, "species_weights": species_weights,
            "weighting": None if function is None else {
                "function": function, **{key: weighting[key] for key, _ in _WEIGHTING_PARAMETERS[function]}},
            "w0": weighting.get("w0"),
        }
        try:
            self._swift = SwiftDescriptor(settings)
        except SwiftGAPError as error:
            if not inferred:
                raise
            raise SwiftGAPError(
                f"{error} (r_cut = {self._r_cut:g} Å is what DScribe infers from the weighting function and its "
                f"threshold {weighting['threshold']:g}: give r_cut, or a larger threshold)") from None

    def _species_weights(self, species, species_weighting, compression) -> Optional[list]:
        """DScribe's checks of `species_weighting`; the weights in the order of `self._atomic_numbers`, None without."""
        if species_weighting is None:
            return None
        if not isinstance(species_weighting, dict):
            raise ValueError(
                f"Invalid species weighting '{compression}' given. Species weighting must be either None or a dict.")
        message = ("The species_weighting dictionary, if supplied, must contain the same keys as the list of accepted "
                   "species.")
        if len(species_weighting) != len(self._atomic_numbers):
            raise ValueError(message)
        weights = {}
        for specie in list(species):
            if specie not in species_weighting:
                raise ValueError(message)
            if isinstance(specie, (int, np.integer)) and specie <= 0:
                raise ValueError(f"Species weighting {species_weighting} contained a zero or negative atomic number.")
            weight = float(species_weighting[specie])
            if not np.isfinite(weight):
                raise ValueError(f"species_weighting of {specie} is {weight}; it must be finite")
            weights[int(specie) if isinstance(specie, (int, np.integer)) else _symbol_numbers[specie]] = weight
        return [weights[int(z)] for z in self._atomic_numbers]

    @staticmethod
    def _check_weighting(weighting: dict) -> dict:
        """DScribe's checks of the weighting dictionary (a copy: the caller's stays as given)."""
        if not weighting:
            return {}
        w0 = weighting.get("w0")
        if w0 is not None:
            if w0 < 0:
                raise ValueError("Define w0 > 0 in weighting.")
            weighting["w0"] = float(w0)
        function = weighting.get("function")
        if function is None:
            return weighting
        if function not in _WEIGHTING_PARAMETERS:
            raise ValueError(
                "Weighting function not implemented. Please choose among one of the following {'poly', 'pow', 'exp'}")
        for key, allow_zero in _WEIGHTING_PARAMETERS[function]:
            value = weighting.get(key)
            if value is None or (value < 0 if allow_zero else value <= 0):
                raise ValueError(f"Define {key} {'>=' if allow_zero else '>'} 0 in weighting.")
            weighting[key] = float(value)
        if function in ("pow", "exp"):
            weighting["threshold"] = float(weighting.get("threshold", 1e-2))
        return weighting

    @staticmethod
    def _infer_r_cut(weighting: dict) -> Optional[float]:
        """The cutoff DScribe infers from a weighting function when none is given."""
        function = weighting.get("function")
        if function == "pow":
            return weighting["r0"] * (weighting["c"] / weighting["threshold"] - weighting["d"]) ** (1 / weighting["m"])
        if function == "poly":
            return weighting["r0"]
        if function == "exp":
            return weighting["r0"] * np.log(weighting["c"] / weighting["threshold"] - weighting["d"])
        raise ValueError("Either weighting or r_cut need to be defined")

    # ---- DScribe's attributes
    @property
    def species(self):
        return self._species

    @property
    def compression(self) -> dict:
        return self._compression

    def get_number_of_features(self) -> int:
        """Length of each output vector."""
        return self._swift.n_features

    def get_location(self, species) -> slice:
        """The slice of the output that holds the pair of species (symbols or atomic numbers, either order)."""
        if len(species) != 2:
            raise ValueError("Please use a pair of atomic numbers or chemical symbols.")
        numbers_ = []
        for s in species:
            if isinstance(s, str):
                if s not in _symbol_numbers:
                    raise ValueError(f"Invalid chemical species: {s}")
                s = _symbol_numbers[s]
            if int(s) not in set(int(z) for z in self._atomic_numbers):
                raise ValueError(f"Atomic number {s} was not specified in the species.")
            numbers_.append(int(s))
        if self._compression["mode"] in ("crossover", "mu1nu1") and numbers_[0] != numbers_[1]:
            raise ValueError("Compression has been selected. No cross-species output available")
        return self._swift.location(numbers_[0], numbers_[1])

    # ---- centers
    def _centers(self, n, centers):
        """DScribe's centers of a system of n atoms: None for every atom, else atom indices and Cartesian points (any
        iterable, a `range` included; atom indices alone are checked by `center_lists` before)."""
        if centers is None:
            return None
        if isinstance(centers, (str, bytes)) or not hasattr(centers, "__iter__"):
            raise self._centers_error()
        out = []
        for c in centers:
            if is_atom_index(c):
                c = int(c)
                if c < -n or c >= n:
                    raise IndexError(f"index {c} is out of bounds for a system of {n} atoms")
                out.append(c % n)
            elif hasattr(c, "__len__") and len(c) == 3:
                point = tuple(float(x) for x in c)
                if not all(np.isfinite(point)):
                    raise ValueError(f"center {list(c)} is not a finite point")
                out.append(point)
            else:
                raise self._centers_error()
        if not out:
            raise self._centers_error()
        return out

    @staticmethod
    def _centers_error() -> ValueError:
        """DScribe's error for centers that are neither atom indices nor points (made only when raised)."""
        return ValueError(
            "The argument 'positions' should contain a non-empty one-dimensional list of atomic indices or a "
            "two-dimensional list of cartesian coordinates with x, y and z components.")

    def _all_centers(self, systems, centers):
        """The centers of every system for the library: None when all systems use all their atoms."""
        if self.periodic:
            for s in systems:  # a loop, not any(...): a generator costs more than one small system's check
                if cell_volume(s) == 0:
                    raise ValueError("System doesn't have cell to justify periodicity.")
        return center_lists(systems, centers, self._centers)

    # ---- DScribe's methods
    def create(self, system, centers=None, n_jobs=1, only_physical_cores=False, verbose=False):
        """SOAP of one system ((n_centers, F), or (F,) when averaged) or of many (stacked when every system gives
        the same shape, else a list), as DScribe's `create`."""
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        swift_centers = self._all_centers(systems, [centers] if single else centers)
        rows, counts, _ = self._swift.compute(systems, swift_centers, derivatives=False, attach=False, threads=threads)
        if verbose:
            print(f"SwiftGAP SOAP: {len(systems)} systems on {threads} threads")
        if self.average != "off":
            out = rows[0] if len(systems) == 1 else rows  # one row per system
        else:
            out = rows if len(systems) == 1 else split_rows(rows, counts)
        return output(out, self.dtype, self.sparse)

    def derivatives(
        self, system, centers=None, include=None, exclude=None, method="auto", return_descriptor=True, attach=False,
        n_jobs=1, only_physical_cores=False, verbose=False,
    ):
        """Derivatives of the SOAP output with respect to atom positions, as DScribe's `derivatives`: one system
        gives (n_centers, n_atoms, 3, F) (and the (n_centers, F) descriptor); many give those stacked when their
        shapes agree, else lists. `attach=False` (DScribe's default) keeps an atom-index center where its atom is;
        `attach=True` moves it with its atom (what forces need). Analytic for every setting; `method` is
        checked and otherwise ignored."""
        if method not in ("numerical", "analytical", "auto"):
            raise ValueError("Invalid method specified. Please choose from: {'numerical', 'analytical', 'auto'}")
        single = isinstance(system, Atoms)
        systems = as_list(system)
        threads = thread_count(n_jobs, only_physical_cores)
        indices = displaced_per_system(systems, single, include, exclude)
        swift_centers = self._all_centers(systems, [centers] if single else centers)
        rows, counts, d = self._swift.compute(
            systems, swift_centers, derivatives=True, attach=bool(attach), threads=threads, indices=indices)
        if verbose:
            print(f"SwiftGAP SOAP derivatives: {len(systems)} systems on {threads} threads")
        if len(systems) == 1:
            d, c = d[0], rows
        else:
            c = rows_beside(d, rows, counts)
        d, c = output(d, self.dtype, self.sparse), output(c, self.dtype, self.sparse)
        return (d, c) if return_descriptor else d
