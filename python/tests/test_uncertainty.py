"""Predictive standard deviations from Python: `Potential.uncertainty` and the ASE calculator's extra properties
"energy_std" and "forces_std" against `swiftgap predict --uncertainty`, the two models against each other, ASE's
caching, and the errors."""
import numpy as np
import pytest
from ase.build import bulk
from ase.io import read

from swiftgap import Potential, SwiftGAPError
from swiftgap.ase import ENERGY_STD, FORCES_STD, SwiftGAPCalculator
from conftest import SI_GAP, SI_TEST, predict


def si_cell(seed=5):
    atoms = bulk("Si", "diamond", a=5.43, cubic=True)
    atoms.rattle(0.08, seed=seed)
    return atoms


@pytest.mark.parametrize("model", ["full", "projected"])
def test_deviations_equal_swiftgap_predict(cli, calibrated_potential, tmp_path, model):
    """With calibration factors stored for the full variance (which scale its deviations and leave the projected
    ones as they are), the calculator's deviations are the command line's, written as gap_energy_std and
    gap_force_std."""
    assert Potential(calibrated_potential).metadata["calibration"]["model"] == "full"
    frames = read(SI_TEST, ":4")
    predicted = read(predict(cli, calibrated_potential, SI_TEST, tmp_path, "--uncertainty", model), ":4")
    calc = SwiftGAPCalculator(calibrated_potential, uncertainty_model=model)
    for atoms, reference in zip(frames, predicted):
        atoms.calc = calc
        energy_std = calc.get_property(ENERGY_STD, atoms)
        forces_std = calc.get_property(FORCES_STD, atoms)
        assert energy_std > 0 and forces_std.shape == (len(atoms), 3) and np.all(forces_std > 0)
        assert energy_std == pytest.approx(reference.info["gap_energy_std"], abs=1e-10)
        np.testing.assert_allclose(forces_std, reference.arrays["gap_force_std"], rtol=0, atol=1e-10)
        e, f = calc.potential.uncertainty(atoms, model=model, threads=1)
        assert e == pytest.approx(energy_std, abs=1e-12)
        np.testing.assert_allclose(f, forces_std, rtol=0, atol=1e-12)


def test_projected_is_below_full(variance_potential):
    """Without calibration the full variance is the projected one plus the prior the sparse points cannot
    represent (positive), so every projected deviation is the smaller."""
    gap = Potential(variance_potential)
    assert "calibration" not in gap.metadata or gap.metadata["calibration"] is None
    for atoms in read(SI_TEST, ":3") + [si_cell()]:
        full_energy, full_forces = gap.uncertainty(atoms, model="full")
        projected_energy, projected_forces = gap.uncertainty(atoms, model="projected")
        assert 0 < projected_energy < full_energy
        assert np.all(projected_forces > 0) and np.all(projected_forces < full_forces)


def test_deviations_are_computed_when_asked_and_cached(variance_potential):
    atoms = si_cell()
    calc = SwiftGAPCalculator(variance_potential)
    atoms.calc = calc
    calls = {"compute": 0, "uncertainty": 0}
    for name in calls:
        original = getattr(calc.potential, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        setattr(calc.potential, name, counting)
    energy, forces = atoms.get_potential_energy(), atoms.get_forces()
    assert calls == {"compute": 1, "uncertainty": 0}
    assert ENERGY_STD not in calc.results and FORCES_STD not in calc.results
    forces_std = calc.get_property(FORCES_STD, atoms)
    energy_std = calc.get_property(ENERGY_STD, atoms)
    assert calls == {"compute": 1, "uncertainty": 1}
    assert atoms.get_potential_energy() == energy and np.array_equal(atoms.get_forces(), forces)
    assert calls == {"compute": 1, "uncertainty": 1}
    # A new model drops only the deviations; moving an atom drops everything.
    calc.set(uncertainty_model="projected")
    projected = calc.get_property(ENERGY_STD, atoms)
    assert calls == {"compute": 1, "uncertainty": 2} and projected < energy_std
    assert calc.get_property(FORCES_STD, atoms).shape == forces_std.shape
    atoms.positions[0, 0] += 0.01
    calc.get_property(FORCES_STD, atoms)
    assert calls == {"compute": 1, "uncertainty": 3}
    atoms.get_forces()
    assert calls == {"compute": 2, "uncertainty": 3}


def test_properties_are_declared():
    assert {ENERGY_STD, FORCES_STD} <= set(SwiftGAPCalculator.implemented_properties)
    assert SwiftGAPCalculator(SI_GAP).uncertainty_model == "full"


def test_potential_without_variance_is_an_error():
    """The shipped si-sw potential was fitted with --no-variance (Makefile): its deviations are an error that says
    why, from the potential and from the calculator; an unknown model is a ValueError."""
    atoms = si_cell()
    gap = Potential(SI_GAP)
    assert gap.has_variance is False
    with pytest.raises(SwiftGAPError, match="no variance factors.*--no-variance"):
        gap.uncertainty(atoms)
    atoms.calc = SwiftGAPCalculator(gap)
    assert np.isfinite(atoms.get_potential_energy())
    for name in (ENERGY_STD, FORCES_STD):
        with pytest.raises(SwiftGAPError, match="no variance factors"):
            atoms.calc.get_property(name, atoms)
    with pytest.raises(ValueError, match="model"):
        gap.uncertainty(atoms, model="bayesian")
    with pytest.raises(ValueError, match="uncertainty_model"):
        SwiftGAPCalculator(gap, uncertainty_model="bayesian")
    with pytest.raises(ValueError, match="threads"):
        gap.uncertainty(atoms, threads=0)
