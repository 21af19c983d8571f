"""swiftgap.dscribe against DScribe 2.1 itself: values, derivatives (both attach values), shapes and types of
single systems and batches, centers as indices and points, averaging, the Coulomb matrix's permutations."""
import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk, molecule

import swiftgap.dscribe as ours

dscribe = pytest.importorskip("dscribe.descriptors")

MOLECULES = [molecule("H2O"), molecule("NO2"), molecule("CO2"), molecule("CH3CH2OH")]


def crystals():
    nacl = bulk("NaCl", "rocksalt", a=5.64)
    nacl.rattle(0.05, seed=1)
    si = bulk("Si", "diamond", a=5.43, cubic=True)
    si.rattle(0.05, seed=2)
    return [bulk("Cu", "fcc", a=3.6), si, nacl]


def largest(b) -> float:
    if isinstance(b, (list, tuple)):
        return max(largest(x) for x in b)
    return float(np.abs(b.todense() if hasattr(b, "todense") else np.asarray(b)).max())


def relative(a, b, scale=None):
    """Largest difference relative to the largest entry of `b` (or `scale`); arrays that are zero up to rounding
    compare absolutely."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(np.abs(b).max(), 1e-6) if scale is None else scale
    return np.abs(a - b).max() / scale


def same(a, b, tol, scale=None):
    """Same type, shapes and values (lists element by element, relative to the largest entry of all of `b`)."""
    assert type(a) is type(b), (type(a), type(b))
    scale = max(largest(b), 1e-6) if scale is None else scale
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y, tol, scale)
    else:
        assert a.dtype == b.dtype
        assert relative(a, b, scale) <= tol


def both(name, **kwargs):
    return getattr(ours, name)(**kwargs), getattr(dscribe, name)(**kwargs)


SOAP_SETTINGS = [
    dict(species=["H", "C", "N", "O"], r_cut=5.0, n_max=8, l_max=6),
    dict(species=[1, 6, 7, 8], r_cut=4.0, n_max=4, l_max=4, sigma=0.4, compression={"mode": "crossover"}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=3, average="inner"),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=3, average="outer"),
    dict(species=["H", "C", "N", "O"], n_max=4, l_max=4, weighting={"function": "poly", "r0": 4, "c": 1, "m": 2}),
    dict(species=["H", "C", "N", "O"], n_max=4, l_max=4, weighting={"function": "pow", "r0": 2, "c": 1, "d": 1, "m": 4}),
    # A key the function does not read (poly's d, exp's m) is ignored, as DScribe ignores it.
    dict(species=["H", "C", "N", "O"], n_max=4, l_max=4,
         weighting={"function": "poly", "r0": 4, "c": 1, "m": 2, "d": 5}),
    dict(species=["H", "C", "N", "O"], n_max=4, l_max=4,
         weighting={"function": "exp", "r0": 1, "c": 1, "d": 1, "m": 3}),
    # Every species in one channel, and each species' densities weighted (the center's own too), in every mode.
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=4, compression={"mode": "mu2"}),
    dict(species=[1, 6, 7, 8], r_cut=4.5, n_max=5, l_max=4,
         compression={"mode": "off", "species_weighting": {1: 0.5, 6: 1.5, 7: 1.0, 8: 2.0}}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=4,
         compression={"mode": "mu2", "species_weighting": {"H": 0.5, "C": 1.5, "N": -1.0, "O": 2.0}}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=4, average="outer",
         compression={"mode": "crossover", "species_weighting": {"H": 0.5, "C": 1.5, "N": 1.0, "O": 2.0}}),
    # Each species against the sum of all, alone, weighted and averaged both ways.
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=5, l_max=4, compression={"mode": "mu1nu1"}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=4, l_max=3,
         compression={"mode": "mu1nu1", "species_weighting": {"H": 0.5, "C": 1.5, "N": -1.0, "O": 2.0}}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=4, l_max=3, average="inner", compression={"mode": "mu1nu1"}),
    dict(species=["H", "C", "N", "O"], r_cut=4.5, n_max=4, l_max=3, average="outer", compression={"mode": "mu1nu1"}),
]


@pytest.mark.parametrize("settings", SOAP_SETTINGS)
def test_soap_create_molecules(settings):
    s, d = both("SOAP", **settings)
    assert s.get_number_of_features() == d.get_number_of_features()
    same(s.create(MOLECULES[0]), d.create(MOLECULES[0]), 1e-8)
    same(s.create(MOLECULES), d.create(MOLECULES), 1e-8)          # different sizes: a list
    same(s.create(MOLECULES[:3]), d.create(MOLECULES[:3]), 1e-8)  # same sizes: stacked
    same(s.create([MOLECULES[3]]), d.create([MOLECULES[3]]), 1e-8)  # one system in a list: DScribe unstacks it


def test_soap_create_crystals_periodic():
    s, d = both("SOAP", species=["Cu", "Si", "Na", "Cl"], r_cut=4.0, n_max=6, l_max=4, periodic=True)
    for crystal in crystals():
        same(s.create(crystal), d.create(crystal), 1e-8)
    same(s.create(crystals()), d.create(crystals()), 1e-8)
    s, d = both("SOAP", species=["Cu", "Si", "Na", "Cl"], r_cut=4.0, n_max=6, l_max=4, periodic=True, average="inner")
    same(s.create(crystals()), d.create(crystals()), 1e-8)


def test_soap_centers_indices_and_points():
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=5.0, n_max=6, l_max=5)
    ethanol = MOLECULES[3]
    same(s.create(ethanol, centers=[0, 2]), d.create(ethanol, centers=[0, 2]), 1e-8)
    points = [[0.0, 0.0, 0.0], [1.0, -0.5, 0.3]]
    same(s.create(ethanol, centers=points), d.create(ethanol, centers=points), 1e-8)
    mixed = [[0.0, 0.5, 0.0], 1]
    same(s.create(ethanol, centers=mixed), d.create(ethanol, centers=mixed), 1e-8)
    # A range, which DScribe rejects, is the same as the list.
    same(s.create(ethanol, centers=range(3)), d.create(ethanol, centers=[0, 1, 2]), 1e-8)
    # Every atom as a range or a list of ints (both taken as no centers) gives what every atom checked one by one
    # (an index array) gives, in both derivative modes, for a molecule and a crystal; lists that are not every atom
    # in order are centers.
    every = list(range(len(ethanol)))
    same(s.create(ethanol, centers=range(len(ethanol))), d.create(ethanol, centers=every), 1e-8)
    same(s.create(ethanol, centers=every), d.create(ethanol, centers=every), 1e-8)
    same(s.create(ethanol, centers=every[::-1]), d.create(ethanol, centers=every[::-1]), 1e-8)
    same(s.create(ethanol, centers=every + [0]), d.create(ethanol, centers=every + [0]), 1e-8)
    periodic = ours.SOAP(species=["Na", "Cl"], r_cut=4.0, n_max=4, l_max=3, periodic=True)
    for system, descriptor in ((ethanol, s), (crystals()[2], periodic)):
        n = len(system)
        for attach in (False, True):
            expected = descriptor.derivatives(system, centers=np.arange(n), attach=attach)
            for centers in (range(n), list(range(n))):
                got = descriptor.derivatives(system, centers=centers, attach=attach)
                for a, b in zip(got, expected):
                    assert np.array_equal(a, b)
    # Index arrays as np.where gives them (checked at once) and negative indices, as DScribe reads them.
    indices = np.where(ethanol.numbers == 8)[0]
    same(s.create(ethanol, centers=indices), d.create(ethanol, centers=indices), 1e-8)
    same(s.create(ethanol, centers=np.array([-1, 0])), d.create(ethanol, centers=[8, 0]), 1e-8)
    for bad in (np.array([0, 9]), [9], np.array([-10])):
        with pytest.raises(IndexError, match="out of bounds for a system of 9 atoms"):
            s.create(ethanol, centers=bad)


@pytest.mark.parametrize("attach", [True, False])
def test_soap_derivatives_molecules(attach):
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=5.0, n_max=5, l_max=4)
    oxygens = [list(np.where(m.get_atomic_numbers() == 8)[0]) for m in MOLECULES]
    ds, cs = s.derivatives(MOLECULES, centers=oxygens, attach=attach)
    dd, cd = d.derivatives(MOLECULES, centers=oxygens, attach=attach)
    same(cs, cd, 1e-8)
    same(ds, dd, 1e-8)  # DScribe's derivatives are analytic here
    single = s.derivatives(MOLECULES[3], attach=attach, return_descriptor=False)
    reference = d.derivatives(MOLECULES[3], attach=attach, return_descriptor=False)
    same(single, reference, 1e-8)


def test_soap_derivatives_include_exclude():
    s, d = both("SOAP", species=["H", "C", "O"], r_cut=4.0, n_max=4, l_max=3)
    ethanol = MOLECULES[3]
    same(s.derivatives(ethanol, include=[4, 1]), d.derivatives(ethanol, include=[4, 1]), 1e-8)
    same(s.derivatives(ethanol, exclude=[0, 8]), d.derivatives(ethanol, exclude=[0, 8]), 1e-8)
    # Same rows, different derivative shapes: DScribe lists the descriptors too.
    two, include = [ethanol, ethanol], [[4], [1, 2]]
    same(s.derivatives(two, include=include), d.derivatives(two, include=include), 1e-8)
    with pytest.raises(ValueError):
        s.derivatives(ethanol, include=[1], exclude=[2])


@pytest.mark.parametrize("attach", [True, False])
def test_soap_derivatives_periodic(attach):
    """DScribe differentiates periodic systems numerically (h = 1e-4 Å): agreement to its accuracy."""
    s, d = both("SOAP", species=["Cu", "Si", "Na", "Cl"], r_cut=4.0, n_max=4, l_max=3, periodic=True)
    ds, cs = s.derivatives(crystals(), attach=attach)
    dd, cd = d.derivatives(crystals(), attach=attach)
    same(cs, cd, 1e-8)
    same(ds, dd, 2e-6)


def test_soap_point_center_derivatives():
    s, d = both("SOAP", species=["H", "C", "O"], r_cut=4.0, n_max=4, l_max=3)
    points = [[0.2, 0.1, -0.3], [1.0, 1.0, 1.0]]
    same(s.derivatives(MOLECULES[3], centers=points), d.derivatives(MOLECULES[3], centers=points), 1e-8)


def test_soap_averaged_derivatives():
    """DScribe differentiates averaged output numerically."""
    s, d = both("SOAP", species=["H", "C", "O"], r_cut=4.0, n_max=4, l_max=3, average="inner")
    same(s.derivatives(MOLECULES[3]), d.derivatives(MOLECULES[3]), 2e-6)


@pytest.mark.parametrize("attach", [True, False])
@pytest.mark.parametrize("w0", [0.0, 0.3])
def test_soap_inner_average_with_w0_derivatives(attach, w0):
    """w0 ≠ w(0): a center atom's own density jumps to w(0) once its atom moves off a center that stays put
    (attach=False); DScribe's finite differences see the inner average at that shifted reference, and so do ours."""
    water_na = molecule("H2O") + Atoms("Na", positions=[[2.0, 0.5, 0.3]])
    s, d = both("SOAP", species=["H", "O", "Na"], r_cut=4.0, n_max=3, l_max=2, average="inner",
                weighting={"function": "poly", "r0": 4.0, "c": 1, "m": 1, "w0": w0})
    same(s.derivatives(water_na, attach=attach), d.derivatives(water_na, attach=attach), 2e-6)
    s, d = both("SOAP", species=["Na", "Cl"], r_cut=4.0, n_max=3, l_max=2, average="inner", periodic=True,
                weighting={"w0": w0})
    same(s.derivatives(crystals()[2], attach=attach), d.derivatives(crystals()[2], attach=attach), 2e-6)


def create_differences(descriptor, system, centers, h=1e-5):
    """Central differences of `descriptor.create` with every atom moved in turn and the index centers moving with
    their atoms (attach=True), shaped as `derivatives` returns them: (rows, atoms, 3, F), one row when averaged."""
    columns = []
    for atom in range(len(system)):
        for axis in range(3):
            plus, minus = system.copy(), system.copy()
            plus.positions[atom, axis] += h
            minus.positions[atom, axis] -= h
            columns.append((descriptor.create(plus, centers=centers) - descriptor.create(minus, centers=centers)) / (2 * h))
    d = np.array(columns)  # (atoms·3, [rows,] F)
    d = d.reshape((len(system), 3) + d.shape[1:])
    return d[np.newaxis] if d.ndim == 3 else d.transpose(2, 0, 1, 3)


def test_soap_attached_derivatives_where_dscribe_moves_the_wrong_centers():
    """DScribe's finite differences with attach=True move the wrong centers for averaged output (an index into the
    centers near the atom taken as an index into all) and in periodic cells (a center index mapped twice), so its
    `derivatives` there are not those of its own `create`. Ours are: against central differences of DScribe's
    `create`, the centers moving with their atoms."""
    cases = [
        # Ethanol with a range (2.5 + 3.7 σ) shorter than the molecule: not every center is near every atom.
        (dict(species=["H", "C", "O"], r_cut=2.5, n_max=3, l_max=2, sigma=0.3, average="inner"), MOLECULES[3], None),
        (dict(species=["Na", "Cl"], r_cut=4.0, n_max=3, l_max=3, periodic=True), crystals()[2], [1]),
    ]
    for settings, system, centers in cases:
        s, d = both("SOAP", **settings)
        got = s.derivatives(system, centers=centers, attach=True, return_descriptor=False)
        expected = create_differences(d, system, centers)
        assert relative(got, expected, largest(expected)) <= 1e-6, settings


@pytest.mark.parametrize("attach", [True, False])
def test_soap_compression_and_species_weighting_derivatives(attach):
    """DScribe differentiates mu2 numerically (and periodic cells); with species weights alone, analytically."""
    weights = {"H": 0.5, "C": 1.5, "N": 1.0, "O": 2.0}
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=4.0, n_max=4, l_max=3,
                compression={"mode": "off", "species_weighting": weights})
    same(s.derivatives(MOLECULES[:3], attach=attach), d.derivatives(MOLECULES[:3], attach=attach), 1e-8)
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=4.0, n_max=4, l_max=3,
                compression={"mode": "mu2", "species_weighting": weights})
    same(s.derivatives(MOLECULES[3], attach=attach), d.derivatives(MOLECULES[3], attach=attach), 2e-6)
    s, d = both("SOAP", species=["Cu", "Si", "Na", "Cl"], r_cut=4.0, n_max=4, l_max=3, periodic=True,
                compression={"mode": "mu2", "species_weighting": {"Cu": 1, "Si": 1, "Na": 0.7, "Cl": 1.3}})
    same(s.derivatives(crystals()[2], attach=attach), d.derivatives(crystals()[2], attach=attach), 2e-6)
    # mu1nu1: DScribe's finite differences, against the contraction of analytic derivatives.
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=4.0, n_max=4, l_max=3,
                compression={"mode": "mu1nu1", "species_weighting": weights})
    same(s.derivatives(MOLECULES[3], attach=attach), d.derivatives(MOLECULES[3], attach=attach), 2e-6)
    s, d = both("SOAP", species=["Na", "Cl"], r_cut=4.0, n_max=3, l_max=3, periodic=True,
                compression={"mode": "mu1nu1"})
    same(s.derivatives(crystals()[2], attach=attach), d.derivatives(crystals()[2], attach=attach), 2e-6)


def test_soap_compression_locations_and_errors():
    s, d = both("SOAP", species=["H", "O"], r_cut=4.0, n_max=3, l_max=2, compression={"mode": "mu2"})
    for pair in [("H", "H"), ("O", "H"), (8, 8)]:
        assert s.get_location(pair) == d.get_location(pair)
    with pytest.raises(ValueError, match="C"):
        s.create(molecule("CH4"))
    s, d = both("SOAP", species=["H", "O"], r_cut=4.0, n_max=3, l_max=2, compression={"mode": "mu1nu1"})
    assert s.get_number_of_features() == d.get_number_of_features()
    for pair in [("H", "H"), (8, 8)]:
        assert s.get_location(pair) == d.get_location(pair)
    with pytest.raises(ValueError, match="No cross-species output"):
        s.get_location(("O", "H"))
    # DScribe's checks of species_weighting, with its messages.
    for bad in [[1.0], {"H": 1.0}, {"H": 1.0, "C": 1.0}, {1: 1.0, 8: 1.0}]:
        compression = {"mode": "mu2", "species_weighting": bad}
        with pytest.raises(ValueError) as ours_error:
            ours.SOAP(species=["H", "O"], r_cut=3.0, n_max=2, l_max=2, compression=compression)
        with pytest.raises(ValueError) as their_error:
            dscribe.SOAP(species=["H", "O"], r_cut=3.0, n_max=2, l_max=2, compression=compression)
        assert str(ours_error.value) == str(their_error.value)


def test_soap_location_and_errors():
    s, d = both("SOAP", species=["H", "O"], r_cut=4.0, n_max=3, l_max=2)
    for pair in [("H", "H"), ("O", "H"), (8, 8)]:
        assert s.get_location(pair) == d.get_location(pair)
    with pytest.raises(ValueError):
        s.get_location(("H", "C"))
    with pytest.raises(ValueError, match="C"):
        s.create(molecule("CH4"))
    with pytest.raises(ValueError, match="periodicity"):
        ours.SOAP(species=["H"], r_cut=3, n_max=2, l_max=2, periodic=True).create(molecule("H2"))
    for bad in [dict(r_cut=0.5), dict(n_max=0), dict(l_max=21), dict(sigma=0), dict(average="mean"),
                dict(rbf="polynomial"), dict(compression={"mode": "mu3"})]:
        settings = dict(species=["H"], r_cut=3.0, n_max=2, l_max=2) | bad
        with pytest.raises(ValueError):
            ours.SOAP(**settings)
    # A GTO basis that double precision cannot orthonormalise (DScribe computes one, off by more than 1e-6).
    with pytest.raises(ValueError, match=r"GTO basis for l = \d+ cannot be orthonormalised.*smaller n_max"):
        ours.SOAP(species=["H"], r_cut=5.0, n_max=12, l_max=9, sigma=0.5)
    # A cutoff inferred from the weighting (DScribe's rule) beyond the library's 50 Å: the message says where it came
    # from; DScribe itself accepts it.
    weighting = {"function": "pow", "r0": 4.45, "c": 0.8, "d": 1.3, "m": 2, "threshold": 1e-3}
    dscribe.SOAP(species=["H"], n_max=2, l_max=1, weighting=weighting)
    with pytest.raises(ValueError, match=r"r_cut = 125.763 Å is what DScribe infers .* threshold 0.001: give r_cut"):
        ours.SOAP(species=["H"], n_max=2, l_max=1, weighting=weighting)
    with pytest.raises(ValueError, match="centers"):
        s.create([molecule("H2O")] * 2, centers=[[0]])
    with pytest.raises(ValueError):
        s.create(molecule("H2O"), centers=[])
    # pow with d = 0 is infinite at r = 0: a center that stays put on its atom has no derivative (DScribe's finite
    # differences return entries of 6e14 there, for rows of 2e3); values and attached centers are fine.
    infinite = ours.SOAP(species=["H", "O"], r_cut=4.0, n_max=3, l_max=2,
                         weighting={"function": "pow", "r0": 2, "c": 1, "d": 0, "m": 3, "w0": 0.5})
    with pytest.raises(ValueError, match="center 1: the derivatives are undefined.*attach=True or d > 0"):
        infinite.derivatives(molecule("H2O"), centers=[[0.1, 0.2, 0.3], 2])
    assert np.isfinite(infinite.derivatives(molecule("H2O"), attach=True)[0]).all()
    # With a huge m the same weighting overflows at the O–H distance, where DScribe returns NaN rows.
    steep = ours.SOAP(species=["H", "O"], r_cut=3.0, n_max=2, l_max=2,
                      weighting={"function": "pow", "r0": 2, "c": 1, "d": 0, "m": 1e6, "w0": 1})
    with pytest.raises(ValueError, match="overflows; pow and exp with d = 0 grow without bound"):
        steep.create(molecule("H2O"))
    # Without w0 the center's own weight is w(0), infinite here (DScribe returns NaN rows).
    with pytest.raises(ValueError, match="give w0"):
        ours.SOAP(species=["H", "O"], r_cut=4.0, n_max=3, l_max=2,
                  weighting={"function": "pow", "r0": 2, "c": 1, "d": 0, "m": 3})


def test_soap_dtype_and_sparse():
    s, d = both("SOAP", species=["H", "O"], r_cut=4.0, n_max=3, l_max=2, dtype="float32")
    same(s.create(MOLECULES[0]), d.create(MOLECULES[0]), 1e-6)
    s, d = both("SOAP", species=["H", "O"], r_cut=4.0, n_max=3, l_max=2, sparse=True)
    a, b = s.create(MOLECULES[0]), d.create(MOLECULES[0])
    assert type(a) is type(b)
    assert relative(a.todense(), b.todense()) < 1e-8


@pytest.mark.parametrize("permutation", ["none", "sorted_l2", "eigenspectrum"])
def test_coulomb_matrix(permutation):
    s, d = both("CoulombMatrix", n_atoms_max=9, permutation=permutation)
    same(s.create(MOLECULES[3]), d.create(MOLECULES[3]), 1e-12)
    same(s.create(MOLECULES), d.create(MOLECULES), 1e-12)
    # DScribe differentiates the Coulomb matrix numerically; rattled molecules have no ties in the sorted order
    # (at a tie its finite differences mix the two orders).
    rattled = [m.copy() for m in MOLECULES]
    for k, m in enumerate(rattled):
        m.rattle(0.02, seed=k)
    same(s.derivatives(rattled[3]), d.derivatives(rattled[3]), 1e-6)
    same(s.derivatives(rattled, include=[0, 1]), d.derivatives(rattled, include=[0, 1]), 1e-6)
    # Different atom counts: the derivatives are listed, and so are the descriptors, as DScribe does.
    same(s.derivatives(rattled), d.derivatives(rattled), 1e-6)


def test_coulomb_matrix_derivatives_at_ties():
    """The lesson's molecules as built (water's two H, NO2's and CO2's two O tie in the sorted order): DScribe's central
    differences mix the orders a step forward and a step back give, and so do ours. At a tie DScribe's step (1e-4 Å)
    leaves an error of its order (the two orders' second derivatives differ): about 1e-4 of the largest entry here,
    against differences of the entries' own size when one order is taken."""
    s, d = both("CoulombMatrix", n_atoms_max=3, permutation="sorted_l2")
    for m in MOLECULES[:3]:
        same(s.derivatives(m), d.derivatives(m), 3e-4)
    same(s.derivatives(MOLECULES[:3]), d.derivatives(MOLECULES[:3]), 3e-4)
    methane = molecule("CH4")  # four equivalent H, and degenerate eigenvalues
    for permutation in ("sorted_l2", "eigenspectrum"):
        s, d = both("CoulombMatrix", n_atoms_max=5, permutation=permutation)
        same(s.derivatives(methane), d.derivatives(methane), 3e-4)


def test_coulomb_matrix_random_and_errors():
    s, d = both("CoulombMatrix", n_atoms_max=9, permutation="random", sigma=0.1, seed=1)
    assert s.create(MOLECULES).shape == d.create(MOLECULES).shape
    with pytest.raises(ValueError, match="n_atoms_max"):
        ours.CoulombMatrix(n_atoms_max=2).create(MOLECULES[3])
    with pytest.raises(ValueError):
        ours.CoulombMatrix(n_atoms_max=3, permutation="sorted")
    with pytest.raises(ValueError):
        ours.CoulombMatrix(n_atoms_max=3, permutation="random")
    cm = ours.CoulombMatrix(n_atoms_max=3)
    assert cm.unflatten(cm.create(MOLECULES[0])).shape == (3, 3)
    assert cm.periodic is dscribe.CoulombMatrix(n_atoms_max=3).periodic is False


def test_n_jobs():
    s, d = both("SOAP", species=["H", "C", "N", "O"], r_cut=4.0, n_max=3, l_max=3)
    same(s.create(MOLECULES, n_jobs=2), d.create(MOLECULES, n_jobs=2), 1e-8)
    same(s.create(MOLECULES, n_jobs=-1), s.create(MOLECULES), 0)
    with pytest.raises(ValueError, match="jobs"):
        s.create(MOLECULES, n_jobs=0)


def test_small_derivative_outputs_are_written_whole(monkeypatch):
    """Derivative outputs up to _FILL_LIMIT are left uninitialised for the library to write whole, zeros included:
    filled with NaN first, they must come out as the zeroed outputs of larger calls do, in both of compute's
    allocations (one stacked array; views of one buffer) and for blocks no atom reaches (a cell wider than r_cut)."""
    import swiftgap._descriptor as module

    si = bulk("Si", "diamond", a=5.43, cubic=True) * (2, 2, 2)
    si.rattle(0.05, seed=4)
    ethanol = MOLECULES[3]
    calls = [
        (ours.SOAP(species=["Si"], r_cut=3.0, n_max=3, l_max=2, periodic=True), dict(system=si, centers=[0, 9])),
        (ours.SOAP(species=["H", "C", "O"], r_cut=2.0, n_max=3, l_max=2),
         dict(system=[ethanol, ethanol], centers=[[0, 2], [8, 1]], attach=True)),
        (ours.SOAP(species=["H", "C", "O"], r_cut=2.0, n_max=3, l_max=2),
         dict(system=[ethanol, MOLECULES[0]], include=[[5, 1, 3], [0]])),
        (ours.ACSF(species=["Si"], r_cut=3.0, g2_params=[[1, 0.5]]), dict(system=si, include=[3, 1, 60], attach=True)),
        (ours.CoulombMatrix(n_atoms_max=9), dict(system=[ethanol, ethanol])),
    ]
    limit = module._FILL_LIMIT
    # Zeroed outputs: the path of large ones, forced.
    monkeypatch.setattr(module, "_FILL_LIMIT", -1)
    zeroed = [d.derivatives(**kwargs) for d, kwargs in calls]
    assert limit > 8 * np.asarray(zeroed[0][0]).size
    monkeypatch.setattr(module, "_FILL_LIMIT", limit)
    real_empty = np.empty
    monkeypatch.setattr(np, "empty", lambda shape, *args, **kwargs: np.full(shape, np.nan, *args, **kwargs))
    filled = [d.derivatives(**kwargs) for d, kwargs in calls]
    monkeypatch.setattr(np, "empty", real_empty)
    for a, b in zip(filled, zeroed):
        same(a, b, 0.0)
