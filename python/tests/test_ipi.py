"""The i-PI clients driven by a real ASE SocketIOCalculator: the Python package's (swiftgap.ipi.IPIClient,
in-process in a thread) over a unix socket and `swiftgap serve` over TCP; forces, energies and stresses equal the
in-process calculator's to 1e-10 (i-PI itself drives `swiftgap serve` in scripts/integration/ipi_client.py, also run
by make test)."""
import os
import socket
import subprocess

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


def rattled():
    """The structure the servers drive: 64 Si atoms of diamond, rattled."""
    atoms = read(SI_DIAMOND)
    atoms.rattle(0.03, seed=4)
    return atoms


def run_and_compare(atoms, calc):
    """Four VelocityVerlet steps of `atoms` on the socket calculator `calc`; after each, the energy, forces and
    stress equal the in-process calculator's for the atoms as the client saw them."""
    reference = SwiftGAPCalculator(SI_GAP, threads=1)
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


def free_port():
    """A TCP port nothing listens on: the one the system gives a socket bound to port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def test_ase_socketio_drives_the_client():
    atoms = rattled()
    name = f"swiftgap-test-{os.getpid()}"
    with SocketIOCalculator(unixsocket=name) as calc:
        client = IPIClient(SI_GAP, atoms, unix=name, threads=1, connect_wait=30).start()
        run_and_compare(atoms, calc)
    assert client.join(timeout=30) >= 5


def test_ase_socketio_drives_swiftgap_serve_over_tcp(cli):
    atoms = rattled()
    port = free_port()
    with SocketIOCalculator(port=port, timeout=60) as calc:
        serve = subprocess.Popen(
            [str(cli), "serve", str(SI_GAP), "--structure", str(SI_DIAMOND), "--host", "127.0.0.1", "--port",
             str(port), "--threads", "1", "--wait", "30", "--timeout", "60"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            run_and_compare(atoms, calc)
        except BaseException:
            serve.kill()
            raise
    out, err = serve.communicate(timeout=30)
    assert serve.returncode == 0, err
    served = int(out.split("served ")[1].split()[0])
    assert served >= 5, out


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
