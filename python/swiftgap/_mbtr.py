"""MBTR with DScribe 2.1's API: `swiftgap.dscribe.MBTR` (re-exported there)."""
from __future__ import annotations

from ase.data import atomic_numbers as _symbol_numbers

from ._descriptor import (
    SwiftDescriptor, as_list, check_output_options, global_derivatives, output, species_numbers, thread_count,
)

_DEGREE = {"atomic_number": 1, "distance": 2, "inverse_distance": 2, "angle": 3, "cosine": 3}
_WEIGHTINGS = {1: {"unity"}, 2: {"unity", "exp", "inverse_square"}, 3: {"unity", "exp", "smooth_cutoff"}}
# The weighting keys DScribe reads for each function (it ignores any other).
_WEIGHTING_KEYS = {
    "unity": (), "exp": ("threshold", "scale", "r_cut"), "inverse_square": ("r_cut",),
    "smooth_cutoff": ("r_cut", "sharpness"),
}


class MBTR:
    """The many-body tensor representation, DScribe 2.1's definition (values equal to DScribe's; derivatives
    analytic for every setting, including the "angle" geometry and "l2" normalization where DScribe has only
    numerical ones). Arguments as `dscribe.descriptors.MBTR`."""

    def __init__(
        self, geometry=None, grid=None, weighting=None, normalize_gaussians=True, normalization="none",
        species=None, periodic=False, sparse=False, dtype="float64",
    ):
        check_output_options(dtype, sparse)
        self.periodic = bool(periodic)
        self.sparse = bool(sparse)
        self.dtype = dtype
        if not isinstance(geometry, dict) or "function" not in geometry:
            raise ValueError("Please specify a geometry function.")
        if geometry["function"] not in _DEGREE:
            raise ValueError(
                f"Unknown geometry function. Please use one of the following: {sorted(_DEGREE)}")
        self.k = _DEGREE[geometry["function"]]
        grid = dict(grid or {})
        for name in ("min", "max", "sigma", "n"):
            if name not in grid:
                raise KeyError(f"The grid information is missing the value for {name}")
        grid["n"] = int(grid["n"])
        if grid["min"] >= grid["max"]:
            raise ValueError("The min value should be smaller than the max value.")
        self._check_weighting(weighting)
        if normalization not in ("none", "l2", "n_atoms", "valle_oganov"):
            raise ValueError(
                "Unknown normalization option given. Please use one of the following: l2, n_atoms, none, valle_oganov.")
        if normalization == "valle_oganov" and not self.periodic:
            raise ValueError("Valle-Oganov normalization does not support non-periodic systems.")
        self._atomic_numbers = species_numbers(species)
        self._species = species
        self.geometry = dict(geometry)
        self.grid = grid
        self.weighting = weighting
        self.normalize_gaussians = bool(normalize_gaussians)
        self.normalization = normalization
        settings = {
            "kind": "mbtr", "species": [int(z) for z in self._atomic_numbers],
            "geometry": {"function": geometry["function"]},
            "grid": {"min": float(grid["min"]), "max": float(grid["max"]), "n": grid["n"],
                     "sigma": float(grid["sigma"])},
            "normalize_gaussians": self.normalize_gaussians, "normalization": normalization,
            "periodic": self.periodic,
        }
        if weighting is not None:
            function = weighting["function"]
            settings["weighting"] = {"function": function}
            settings["weighting"].update(
                {key: float(weighting[key]) for key in _WEIGHTING_KEYS[function] if key in weighting})
        self._swift = SwiftDescriptor(settings)

    def _check_weighting(self, weighting) -> None:
        """DScribe's checks of the weighting for this k and periodicity, with its messages."""
        if weighting is not None:
            function = weighting.get("function")
            if function not in _WEIGHTINGS[self.k]:
                raise ValueError(
                    f"Unknown weighting function specified for k={self.k}. Please use one of the following: "
                    f"{sorted(_WEIGHTINGS[self.k])}")
            if function == "exp":
                if "threshold" not in weighting:
                    raise ValueError("Missing value for 'threshold' in the weighting.")
                if "scale" not in weighting and "r_cut" not in weighting:
                    raise ValueError("Provide either 'scale' or 'r_cut' in the weighting.")
                if "scale" in weighting and "r_cut" in weighting:
                    raise ValueError("Provide either 'scale' or 'r_cut', not both in the weighting.")
            elif function in ("inverse_square", "smooth_cutoff") and "r_cut" not in weighting:
                raise ValueError("Missing value for 'r_cut' in the weighting.")
        if self.periodic and self.k > 1 and (weighting is None or weighting.get("function") in (None, "unity")):
            raise ValueError("Periodic systems need to have a weighting function.")

    @property
    def species(self):
        return self._species

    def get_number_of_features(self) -> int:
        """Length of the output vector: species combinations times the grid's n."""
        return self._swift.n_features

    def get_location(self, species) -> slice:
        """The slice of the output that holds a species combination (symbols or atomic numbers): one for k=1, a
        pair for k=2, a triplet (end, middle, end) for k=3, as DScribe's `get_location`."""
        k = len(species)
        if self.k != k:
            raise ValueError(
                f"Cannot retrieve the location for {species}, as the term k={k} has not been specified.")
        numbers_ = []
        for s in species:
            if isinstance(s, str):
                if s not in _symbol_numbers:
                    raise ValueError(f"Invalid chemical species: {s}")
                s = _symbol_numbers[s]
            numbers_.append(int(s))
        index = {int(z): i for i, z in enumerate(self._atomic_numbers)}
        for z in numbers_:
            if z not in index:
                raise ValueError(
                    f"The following atomic numbers are not defined for this descriptor: {z}")
        idx = [index[z] for z in numbers_]
        s, n = len(self._atomic_numbers), self.grid["n"]
        if k > 1 and idx[0] > idx[-1]:
            idx.reverse()
        # DScribe's layout: pairs a <= c by rows of the upper triangle; triplets by middle species, then pair.
        m = idx[0] if k == 1 else idx[-1] + idx[0] * s - idx[0] * (idx[0] + 1) // 2
        if k == 3:
            m += idx[1] * s * (s + 1) // 2
        return slice(m * n, (m + 1) * n)

    def create(self, system, n_jobs=1, only_physical_cores=False, verbose=False):
        """The MBTR vector of one system (F,) or of many (n_systems, F), as DScribe's `create`."""
        systems = as_list(system)
        rows, _, _ = self._swift.compute(
            systems, None, derivatives=False, attach=False, threads=thread_count(n_jobs, only_physical_cores))
        return output(rows[0] if len(systems) == 1 else rows, self.dtype, self.sparse)

    def derivatives(
        self, system, include=None, exclude=None, method="auto", return_descriptor=True, n_jobs=1,
        only_physical_cores=False, verbose=False,
    ):
        """Derivatives with respect to atom positions, as DScribe's `derivatives`: (n_atoms, 3, F) for one system
        (with the (F,) descriptor), stacked or listed for many. Analytic for every setting; `method` is checked
        and otherwise ignored."""
        if method not in ("numerical", "analytical", "auto"):
            raise ValueError("Invalid method specified. Please choose from: {'numerical', 'analytical', 'auto'}")
        return global_derivatives(
            self._swift, system, include, exclude, return_descriptor, thread_count(n_jobs, only_physical_cores),
            self.dtype, self.sparse)
