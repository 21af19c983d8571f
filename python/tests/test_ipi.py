"""The i-PI client of the Python package (swiftgap.ipi.IPIClient, in-process in a thread) driven by a real ASE
SocketIOCalculator: forces, energies and stresses equal the in-process calculator's to 1e-10 (i-PI itself drives
`swiftgap serve` in scripts/integration/ipi_client.py, also run by make test)."""
import os

import numpy as np
import pytest
from ase import units
from ase.calculators.socketio import SocketIOCalculator
from ase.io import read
from ase.md.verlet import VelocityVerlet

from swiftgap import SwiftGAPError
from swiftgap.ase import SwiftGAPCalculator
from swiftgap.ipi import IPIClient
from conftest import SI_DIAMOND, SI_GAP


def as_sent(atoms):
    """The atoms as the client sees them: positions and cell through Bohr and back, as the protocol carries them."""
    seen = atoms.copy()
    seen.positions = atoms.positions / units.Bohr * units.Bohr
    seen.set_cell(atoms.cell.array.T / units.Bohr * units.Bohr, scale_atoms=False)
    seen.set_cell(seen.cell.array.T, scale_atoms=False)
    return seen


def test_ase_socketio_drives_the_client():
    atoms = read(SI_DIAMOND)
    atoms.rattle(0.03, seed=4)
    reference = SwiftGAPCalculator(SI_GAP, threads=1)
    name = f"swiftgap-test-{os.getpid()}"
    with SocketIOCalculator(unixsocket=name) as calc:
        client = IPIClient(SI_GAP, atoms, unix=name, threads=1, connect_wait=30).start()
        atoms.calc = calc
        dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
        worst = 0.0
        for _ in range(4):
            dyn.run(1)
            seen = as_sent(atoms)
            seen.calc = reference
            assert atoms.get_potential_energy() == pytest.approx(seen.get_potential_energy(), abs=1e-10)
            worst = max(worst, np.abs(atoms.get_forces() - seen.get_forces()).max())
            np.testing.assert_allclose(atoms.get_stress(), seen.get_stress(), atol=1e-12)
        assert worst < 1e-10
    assert client.join(timeout=30) >= 5


def test_no_server_is_an_error():
    atoms = read(SI_DIAMOND)
    client = IPIClient(SI_GAP, atoms, unix=f"/tmp/swiftgap-nobody-{os.getpid()}", connect_wait=0.5)
    with pytest.raises(SwiftGAPError, match="swiftgap-nobody"):
        client.run()


def test_bad_settings():
    atoms = read(SI_DIAMOND)
    with pytest.raises(ValueError):
        IPIClient(SI_GAP, atoms, unix="x", threads=0)
    with pytest.raises(SwiftGAPError, match="port"):
        IPIClient(SI_GAP, atoms, port=0, connect_wait=0.1).run()
