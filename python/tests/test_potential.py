"""swiftgap.Potential: loading both formats, and every error as a SwiftGAPError carrying the Swift message."""
import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk

import swiftgap
from swiftgap import Potential, SwiftGAPError
from conftest import AR_KR_GAP, GAP_XML, SI_GAP


def test_version_and_metadata():
    assert swiftgap.library_version == swiftgap.__version__
    gap = Potential(SI_GAP)
    assert gap.elements == [14]
    assert gap.metadata["format"] == "swiftgap-potential"
    assert gap.metadata["soap"]["cutoff"] == 4.0
    assert gap.has_variance is False


def test_gap_xml_loads():
    gap = Potential(GAP_XML / "sic" / "gap.xml")
    assert sorted(gap.elements) == [6, 14]
    assert "GAP XML" in gap.metadata["file_format"]


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        Potential("/nonexistent/model.gap")


def test_garbage_file_is_a_swift_error(tmp_path):
    bad = tmp_path / "bad.gap"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(SwiftGAPError, match="bad.gap"):
        Potential(bad)
    xml = tmp_path / "bad.xml"
    xml.write_text("<GAP_params label='x'>")
    with pytest.raises(SwiftGAPError, match="bad.xml"):
        Potential(xml)


def test_unknown_element_names_it():
    gap = Potential(SI_GAP)
    with pytest.raises(SwiftGAPError, match="C"):
        gap.compute(Atoms("SiC", positions=[[0, 0, 0], [0, 0, 2.0]]))


def test_non_finite_positions():
    gap = Potential(SI_GAP)
    atoms = bulk("Si", "diamond", a=5.43)
    atoms.positions[1, 0] = np.nan
    with pytest.raises(SwiftGAPError, match="atom 1"):
        gap.compute(atoms)


def test_variance_needs_factors():
    gap = Potential(SI_GAP)
    with pytest.raises(SwiftGAPError, match="variance"):
        gap.compute(bulk("Si", "diamond", a=5.43), variances=True)


def test_threads_checked():
    with pytest.raises(ValueError):
        Potential(AR_KR_GAP).compute(Atoms("Ar", positions=[[0, 0, 0]]), threads=0)


def test_results_do_not_depend_on_threads():
    atoms = bulk("Si", "diamond", a=5.43, cubic=True) * (2, 2, 2)
    atoms.rattle(0.05, seed=3)
    gap = Potential(SI_GAP)
    one, two = gap.compute(atoms, threads=1), gap.compute(atoms, threads=2)
    assert one["energy"] == pytest.approx(two["energy"], abs=1e-10)
    np.testing.assert_allclose(one["forces"], two["forces"], atol=1e-10)
    assert one["energies"].sum() == pytest.approx(one["energy"], abs=1e-9)
