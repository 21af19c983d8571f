"""swiftgap.dscribe.Pooled and sample_centers: pooled rows against numpy pooling of the local rows (and average
pooling against DScribe's own averaged SOAP), pooled derivatives against the local derivatives pooled the same way and
against central finite differences of `create` (a molecule, and a periodic cell smaller than the cutoff), the library's
seeded draws, and the errors."""
import subprocess

import ase.io
import numpy as np
import pytest
from ase.build import bulk, molecule

from swiftgap.dscribe import ACSF, SOAP, CoulombMatrix, Pooled, sample_centers
from swiftgap.errors import SwiftGAPError


def small_cell():
    """A rattled 8-atom NaCl cell (5.64 Å) with per-atom weights: smaller than twice the 4 Å cutoff."""
    a = bulk("NaCl", "rocksalt", a=5.64, cubic=True)
    a.rattle(0.08, seed=3)
    a.set_array("w", 0.5 + np.arange(len(a)) % 3)
    return a


def water_dimer():
    """Two waters, rattled: no two atoms alike (a tie in max-pooling is not differentiable)."""
    a = molecule("H2O") + molecule("H2O")
    a.positions[3:] += (2.7, 0.3, 0.2)
    a.rattle(0.05, seed=4)
    a.set_array("w", np.array([2.0, 1.0, 0.5, 0.0, 1.5, 3.0]))
    return a


def soap(periodic):
    return SOAP(species=["Na", "Cl"] if periodic else ["H", "O"], r_cut=4, n_max=3, l_max=3, sigma=0.5,
                periodic=periodic)


def acsf(periodic):
    return ACSF(species=["Na", "Cl"] if periodic else ["H", "O"], r_cut=4, g2_params=[[1, 1], [0.5, 2]],
                g4_params=[[0.02, 2, 1], [0.02, 1, -1]], periodic=periodic)


def pooled_reference(rows, pooling, weights):
    """Numpy's pooling of local rows (n_centers, F) and the center index of each feature's maximum."""
    if pooling == "max":
        return rows.max(axis=0), rows.argmax(axis=0)
    w = np.ones(len(rows)) if pooling == "average" else weights
    return (w[:, None] * rows).sum(axis=0) / w.sum(), None


SYSTEMS = [(water_dimer, False), (small_cell, True)]


@pytest.mark.parametrize("make, periodic", SYSTEMS)
@pytest.mark.parametrize("kind", [soap, acsf])
@pytest.mark.parametrize("pooling", ["average", "max", "weighted"])
def test_rows_and_derivatives_are_the_local_ones_pooled(make, periodic, kind, pooling):
    system, base = make(), kind(periodic)
    pooled = Pooled(base, pooling, site_weights="w" if pooling == "weighted" else None)
    assert pooled.get_number_of_features() == base.get_number_of_features()
    centers = [0, 2, 3, 5]
    weights = system.arrays["w"][centers]
    local_d, local = base.derivatives(system, centers=centers, attach=True)
    expected, argmax = pooled_reference(local, pooling, weights)
    row = pooled.create(system, centers=centers)
    assert row.shape == expected.shape
    np.testing.assert_allclose(row, expected, rtol=1e-12, atol=1e-14)
    d, q = pooled.derivatives(system, centers=centers)
    np.testing.assert_allclose(q, expected, rtol=1e-12, atol=1e-14)
    assert d.shape == (len(system), 3, len(expected))
    if argmax is None:
        w = np.ones(len(centers)) if pooling == "average" else weights
        expected_d = np.einsum("c,cakf->akf", w / w.sum(), local_d)
    else:
        expected_d = np.take_along_axis(local_d, argmax[None, None, None, :], axis=0)[0]
    np.testing.assert_allclose(d, expected_d, rtol=1e-10, atol=1e-12 * np.abs(expected_d).max())


@pytest.mark.parametrize("make, periodic", SYSTEMS)
@pytest.mark.parametrize("pooling", ["average", "max", "weighted"])
def test_derivatives_match_finite_differences(make, periodic, pooling):
    system = make()
    pooled = Pooled(soap(periodic), pooling, site_weights="w" if pooling == "weighted" else None)
    d, _ = pooled.derivatives(system)
    h, worst = 1e-5, 0.0
    for atom in range(len(system)):
        for axis in range(3):
            plus, minus = system.copy(), system.copy()
            plus.positions[atom, axis] += h
            minus.positions[atom, axis] -= h
            numeric = (pooled.create(plus) - pooled.create(minus)) / (2 * h)
            worst = max(worst, np.abs(numeric - d[atom, axis]).max())
    assert worst < 1e-6 * max(1.0, np.abs(d).max()), worst


def test_average_pooling_is_dscribes_outer_average():
    """Values on a periodic cell; derivatives on a molecule (DScribe's central differences, attach=True: in a cell,
    those of atoms near its faces are not those of DScribe's own `create`, see bench/README.md, stop 50)."""
    dscribe = pytest.importorskip("dscribe.descriptors")
    system = small_cell()
    settings = dict(species=["Na", "Cl"], r_cut=4, n_max=3, l_max=3, sigma=0.5, periodic=True)
    ours = Pooled(SOAP(**settings), "average").create(system)
    theirs = dscribe.SOAP(average="outer", **settings).create(system)
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12 * np.abs(theirs).max())
    dimer, settings = water_dimer(), dict(species=["H", "O"], r_cut=4, n_max=3, l_max=3, sigma=0.5)
    d, q = Pooled(SOAP(**settings), "average").derivatives(dimer)
    e, r = dscribe.SOAP(average="outer", **settings).derivatives(dimer, attach=True)
    e, r = e[0], r[0]  # DScribe keeps the averaged row's axis
    assert d.shape == e.shape
    np.testing.assert_allclose(q, r, rtol=1e-8, atol=1e-12 * np.abs(r).max())
    assert np.abs(d - e).max() < 1e-6 * np.abs(e).max()


def test_many_systems_stack_or_list():
    cells = [small_cell(), small_cell()]
    cells[1].rattle(0.05, seed=9)
    pooled = Pooled(soap(True), "max")
    rows = pooled.create(cells, n_jobs=2)
    assert rows.shape == (2, pooled.get_number_of_features())
    np.testing.assert_array_equal(rows[1], pooled.create(cells[1]))
    d, q = pooled.derivatives(cells, n_jobs=2)
    assert d.shape == (2, 8, 3, pooled.get_number_of_features()) and q.shape == rows.shape
    centers = sample_centers(cells, count=3, seed=1)
    np.testing.assert_array_equal(pooled.create(cells, centers=centers)[0], pooled.create(cells[0], centers=centers[0]))
    mixed = [small_cell(), small_cell().repeat((2, 1, 1))]
    d, q = pooled.derivatives(mixed)
    assert isinstance(d, list) and [x.shape[0] for x in d] == [8, 16] and len(q) == 2
    np.testing.assert_allclose(q[1], pooled.create(mixed[1]), rtol=1e-12, atol=1e-15)
    assert pooled.create(mixed, n_jobs=1).dtype == np.float64
    single = Pooled(SOAP(species=["Na", "Cl"], r_cut=4, n_max=3, l_max=3, periodic=True, dtype="float32"), "max")
    assert single.create(mixed[0]).dtype == np.float32


def test_sampled_centers_are_reproducible_distinct_and_sorted():
    big = small_cell().repeat((3, 3, 3))  # 216 atoms
    first = sample_centers(big, count=20, seed=5)
    assert first.dtype == np.int64 and len(first) == 20 and len(set(first)) == 20
    assert np.all(np.diff(first) > 0) and first.max() < len(big)
    np.testing.assert_array_equal(first, sample_centers(big, count=20, seed=5))
    assert not np.array_equal(first, sample_centers(big, count=20, seed=6))
    two = sample_centers([big, big], count=20, seed=5)
    np.testing.assert_array_equal(two[0], first)
    assert not np.array_equal(two[0], two[1]), "each system draws from its own position in the list"
    assert len(sample_centers(big, fraction=0.25, seed=1)) == 54
    assert len(sample_centers(big, fraction=1e-4, seed=1)) == 1
    np.testing.assert_array_equal(sample_centers(big, count=1000, seed=1), np.arange(len(big)))
    sodium = np.flatnonzero(big.numbers == 11)
    among = sample_centers(big, count=10, seed=2, centers=sodium)
    assert len(among) == 10 and set(among) <= set(sodium)
    np.testing.assert_array_equal(sample_centers(big, count=3, seed=2, centers=[-1, 0, 5]), [0, 5, 215])
    # The sampled rows are the rows of their centers.
    base = soap(True)
    np.testing.assert_array_equal(base.create(big, centers=among), base.create(big)[among])


def test_sampling_matches_swiftgap_describe(cli, tmp_path):
    """The draws of `describe` for the frames of a file: more frames than its batches of 64, alike in size, so that
    a draw made per batch would repeat."""
    frames = [small_cell() for _ in range(70)]
    for k, frame in enumerate(frames):
        frame.rattle(0.02, seed=k)
    path = tmp_path / "cells.xyz"
    ase.io.write(path, frames, format="extxyz")
    settings = '{"kind": "soap", "species": ["Na", "Cl"], "r_cut": 4, "n_max": 3, "l_max": 3, "periodic": true}'
    out = tmp_path / "described.npz"
    subprocess.run([str(cli), "describe", str(path), "-o", str(out), "--settings", settings, "--sample-count", "3",
                    "--seed", "13"], check=True, capture_output=True)
    ours = sample_centers(frames, count=3, seed=13)
    np.testing.assert_array_equal(np.load(out)["center"], np.concatenate(ours))
    assert not np.array_equal(ours[0], ours[64]), "each frame draws from its own index"


def test_errors_are_clear():
    with pytest.raises(ValueError, match="local descriptor"):
        Pooled(CoulombMatrix(n_atoms_max=8), "max")
    with pytest.raises(ValueError, match="local descriptor"):
        Pooled(SOAP(species=["H"], r_cut=3, n_max=2, l_max=2, average="outer"), "max")
    with pytest.raises(ValueError, match="Invalid pooling"):
        Pooled(soap(False), "sum")
    with pytest.raises(ValueError, match="site_weights"):
        Pooled(soap(False), "weighted")
    with pytest.raises(ValueError, match="site_weights"):
        Pooled(soap(False), "max", site_weights="w")
    weighted = Pooled(soap(False), "weighted", site_weights="w")
    bare = molecule("H2O")
    with pytest.raises(ValueError, match="no per-atom array 'w'"):
        weighted.create(bare)
    bare.set_array("w", np.ones((3, 3)))
    with pytest.raises(ValueError, match="one number per atom"):
        weighted.create(bare)
    bare = molecule("H2O")
    bare.set_array("w", np.array([1.0, -1.0, 1.0]))
    with pytest.raises(SwiftGAPError, match="site weights"):
        weighted.create(bare)
    with pytest.raises(SwiftGAPError, match="atom indices"):
        Pooled(soap(False), "max").create(bare, centers=[[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="count or fraction"):
        sample_centers(bare)
    with pytest.raises(ValueError, match="count or fraction"):
        sample_centers(bare, count=2, fraction=0.5)
    with pytest.raises(ValueError, match="positive integer"):
        sample_centers(bare, count=0)
    with pytest.raises(SwiftGAPError, match=r"\(0, 1\]"):
        sample_centers(bare, fraction=1.5)
    with pytest.raises(ValueError, match="seed"):
        sample_centers(bare, count=1, seed=-1)
    with pytest.raises(IndexError, match="out of bounds"):
        sample_centers(bare, count=1, centers=[3])
    with pytest.raises(ValueError, match="one list of centers per system"):
        sample_centers([bare, bare], count=1, centers=[[0]])
    assert sample_centers([], count=1) == []
    with pytest.raises(ValueError, match="attach=True"):
        Pooled(soap(False), "max").derivatives(water_dimer(), attach=False)
    with pytest.raises(ValueError, match="Invalid method"):
        Pooled(soap(False), "max").derivatives(water_dimer(), method="symbolic")
