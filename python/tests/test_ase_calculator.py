"""SwiftGAPCalculator against `swiftgap predict`, finite differences, ASE's dynamics, optimisers, cell filters and
phonons, and quippy on the same GAP XML."""
import numpy as np
import pytest
from ase import units
from ase.build import bulk
from ase.calculators.calculator import PropertyNotImplementedError
from ase.io import read

from swiftgap import Potential
from swiftgap.ase import LOCAL_ENERGY_VARIANCE, SwiftGAPCalculator
from conftest import GAP_XML, SI_DIAMOND, SI_GAP, SI_TEST, predict


def si_cell(repeat=(2, 2, 2), rattle=0.05, seed=7, strain=0.0):
    atoms = bulk("Si", "diamond", a=5.43, cubic=True) * repeat
    atoms.set_cell(atoms.cell * (1 + strain), scale_atoms=True)
    atoms.rattle(rattle, seed=seed)
    return atoms


def test_same_numbers_as_swiftgap_predict(cli, tmp_path):
    frames = read(SI_TEST, ":")
    predicted = read(predict(cli, SI_GAP, SI_TEST, tmp_path), ":")
    calc = SwiftGAPCalculator(SI_GAP)
    # `predict` computes consecutive configurations together (one kernel product over all their atoms), the
    # calculator one at a time: the same sums in another order, equal to rounding (~1e-11 relative).
    for atoms, reference in zip(frames, predicted):
        atoms.calc = calc
        assert atoms.get_potential_energy() == pytest.approx(reference.info["gap_energy"], rel=1e-12, abs=1e-9)
        np.testing.assert_allclose(atoms.get_forces(), reference.arrays["gap_forces"], atol=1e-9)
        np.testing.assert_allclose(atoms.get_potential_energies(), reference.arrays["gap_energies"], atol=1e-10)
        stress = np.asarray(reference.info["gap_stress"]).reshape(-1)
        full = stress.reshape(3, 3) if stress.size == 9 else None
        voigt = atoms.get_stress()
        if full is not None:
            np.testing.assert_allclose(voigt, [full[0, 0], full[1, 1], full[2, 2], full[1, 2], full[0, 2], full[0, 1]],
                                       atol=1e-12)
        else:
            np.testing.assert_allclose(voigt, stress, atol=1e-12)


def test_forces_are_minus_energy_gradient():
    atoms = si_cell((1, 1, 1))
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    forces = atoms.get_forces()
    # GAP energies carry ~1e-10 eV of rounding (large α of both signs), so h stays ≥ 1e-4.
    h = 2e-4
    for i in (0, 3):
        for a in range(3):
            e = []
            for s in (1, -1):
                moved = atoms.copy()
                moved.calc = atoms.calc
                moved.positions[i, a] += s * h
                e.append(moved.get_potential_energy())
            assert -(e[0] - e[1]) / (2 * h) == pytest.approx(forces[i, a], abs=2e-6)


@pytest.mark.parametrize("repeat", [(1, 1, 1), (2, 1, 1)])
def test_stress_is_strain_derivative_of_energy(repeat):
    """σ_ab = (1/V) ∂E/∂ε_ab, by central differences under a homogeneous strain (cells smaller than the cutoff
    included: the 8-atom cubic cell is 5.43 Å against a 4 Å cutoff plus the Gaussian tails)."""
    atoms = si_cell(repeat)
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    stress = atoms.get_stress(voigt=False)
    volume = atoms.get_volume()
    h = 1e-4
    cell, positions = atoms.cell.array.copy(), atoms.positions.copy()
    for a, b in [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]:
        e = []
        for s in (1, -1):
            eps = np.eye(3)
            eps[a, b] += s * h / 2
            eps[b, a] += s * h / 2
            strained = atoms.copy()
            strained.calc = atoms.calc
            strained.set_cell(cell @ eps)
            strained.positions = positions @ eps
            e.append(strained.get_potential_energy())
        assert (e[0] - e[1]) / (2 * h) / volume == pytest.approx(stress[a, b], abs=2e-8)


def test_caching_follows_system_changes():
    atoms = si_cell((1, 1, 1))
    calc = SwiftGAPCalculator(SI_GAP)
    atoms.calc = calc
    calls = []
    original = calc.calculate

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    calc.calculate = counting
    atoms.get_potential_energy()
    atoms.get_forces()
    atoms.get_stress()
    assert len(calls) == 1
    atoms.positions[0, 0] += 0.01
    atoms.get_forces()
    assert len(calls) == 2
    # ASE's tolerance (1e-15 Å) still decides when the atoms are not exactly those of the last calculation.
    atoms.positions[0] = 0.0
    atoms.get_forces()
    atoms.positions[0, 0] = 1e-16
    atoms.get_forces()
    assert len(calls) == 3
    atoms.set_cell(atoms.cell * 1.01, scale_atoms=False)
    atoms.get_stress()
    assert len(calls) == 4


def test_molecule_has_no_stress():
    from ase import Atoms

    atoms = Atoms("Si3", positions=[[0, 0, 0], [2.3, 0, 0], [0, 2.3, 0]])
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    assert np.isfinite(atoms.get_potential_energy())
    with pytest.raises(PropertyNotImplementedError):
        atoms.get_stress()


def test_local_energy_variance(cli, variance_potential, tmp_path):
    frames = read(SI_TEST, ":2")
    predicted = read(predict(cli, variance_potential, SI_TEST, tmp_path), ":2")
    calc = SwiftGAPCalculator(variance_potential)
    for atoms, reference in zip(frames, predicted):
        atoms.calc = calc
        variance = calc.get_property(LOCAL_ENERGY_VARIANCE, atoms)
        assert variance.shape == (len(atoms),) and np.all(variance >= 0)
        np.testing.assert_allclose(variance, reference.arrays["gap_variance"], rtol=1e-9, atol=1e-14)


def test_velocity_verlet_conserves_energy():
    from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
    from ase.md.verlet import VelocityVerlet

    atoms = read(SI_DIAMOND)
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    MaxwellBoltzmannDistribution(atoms, temperature_K=1000, rng=np.random.default_rng(1))  # noqa
    dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
    energies = []
    dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=10)
    dyn.run(300)
    drift = (max(energies) - min(energies)) / len(atoms)
    assert drift < 2e-3, f"total energy wandered by {drift * 1000:.3f} meV/atom over 300 fs"


def test_langevin_runs_and_heats():
    from ase.md.langevin import Langevin

    atoms = si_cell((2, 2, 2), rattle=0.0)
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    dyn = Langevin(atoms, 1.0 * units.fs, temperature_K=600, friction=0.05, rng=np.random.default_rng(2))
    dyn.run(100)
    assert 100 < atoms.get_temperature() < 1500


def test_bfgs_relaxes_positions():
    from ase.optimize import BFGS

    atoms = si_cell((1, 1, 1), rattle=0.1)
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    assert BFGS(atoms, logfile=None).run(fmax=1e-3, steps=200)
    assert np.abs(atoms.get_forces()).max() < 1e-3


@pytest.mark.parametrize("filter_name", ["FrechetCellFilter", "ExpCellFilter"])
def test_cell_filters_relax_the_cell(filter_name):
    import ase.filters
    from ase.optimize import BFGS

    atoms = si_cell((1, 1, 1), rattle=0.02, strain=0.02)
    atoms.calc = SwiftGAPCalculator(SI_GAP)
    relaxing = getattr(ase.filters, filter_name)(atoms)
    assert BFGS(relaxing, logfile=None).run(fmax=1e-3, steps=300)
    assert np.abs(atoms.get_stress()).max() < 1e-4
    assert np.abs(atoms.get_forces()).max() < 1e-3


def test_phonons_have_acoustic_modes_at_gamma(tmp_path):
    from ase.phonons import Phonons

    atoms = bulk("Si", "diamond", a=5.43)
    ph = Phonons(atoms, SwiftGAPCalculator(SI_GAP), supercell=(3, 3, 3), delta=0.01, name=str(tmp_path / "phonon"))
    ph.run()
    ph.read(acoustic=True)
    frequencies = ph.band_structure([[0, 0, 0], [0.5, 0, 0]])
    assert np.all(np.abs(frequencies[0][:3]) < 1e-4)
    assert np.all(frequencies[0][3:] > 0.03)  # optical modes at Γ, eV


def test_gap_xml_equals_quippy():
    quippy = pytest.importorskip("quippy.potential")
    model = GAP_XML / "soap_2b_si" / "gap.xml"
    ours = SwiftGAPCalculator(model)
    theirs = quippy.Potential(param_filename=str(model))
    for seed in (1, 2):
        atoms = si_cell((1, 1, 1), rattle=0.08, seed=seed)
        atoms.calc = ours
        e, f, s = atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()
        atoms.calc = theirs
        assert e == pytest.approx(atoms.get_potential_energy(), abs=1e-8 * len(atoms))
        np.testing.assert_allclose(f, atoms.get_forces(), atol=1e-7)
        np.testing.assert_allclose(s, atoms.get_stress(), atol=1e-8)
