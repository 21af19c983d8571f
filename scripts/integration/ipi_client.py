"""swiftgap serve answers i-PI-protocol servers exactly as swiftgap predict computes.

  (a) ASE: a SocketIOCalculator on a unix socket (64 Si atoms in a triclinic cell), `swiftgap serve` started as a subprocess, 5 steps of ASE
      VelocityVerlet; the energy, forces, stress and the extra string's per-atom energies and variances of every
      step must equal `swiftgap predict` on the same frames (written at full precision) to 1e-10.
  (b) i-PI: `i-pi input.xml` (NVT, 20 steps, SVR thermostat, unix socket, a triclinic cell) with `swiftgap serve` as its driver;
      both must finish (i-PI sends EXIT), and the forces and potential i-PI logged (binary trajectories, atomic
      units) at the last step must equal `swiftgap predict` on the logged positions to 1e-10 (eV/Å, eV; ASE's
      Bohr and Hartree).
Everything runs in a scratch folder. Part (b) is skipped with a message when i-PI is not installed.

Run:  /work/venv-quip/bin/python scripts/integration/ipi_client.py --swiftgap PATH \
          [--potential potentials/si-sw/si-sw.gap --structure training-sets/si-sw/diamond64.xyz]
Exits non-zero on any difference above the tolerance, printing the deviations either way.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import ase.io
import numpy as np
from ase import units
from ase.calculators.socketio import SocketIOCalculator
from ase.md.verlet import VelocityVerlet
from ase.stress import full_3x3_to_voigt_6_stress

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 1e-10


def write_exact(frames, path):
    """extxyz with every number written by repr (ASE's writer rounds positions to 1e-8 Å)."""
    with open(path, "w") as f:
        for a in frames:
            lattice = " ".join(repr(float(x)) for x in a.cell.array.ravel())
            pbc = " ".join("T" if p else "F" for p in a.pbc)
            f.write(f'{len(a)}\nLattice="{lattice}" Properties=species:S:1:pos:R:3 pbc="{pbc}"\n')
            for s, r in zip(a.get_chemical_symbols(), a.positions):
                f.write(f"{s} {float(r[0])!r} {float(r[1])!r} {float(r[2])!r}\n")


def predict(swiftgap, potential, frames, work, name):
    """swiftgap predict on `frames`: a list of dicts energy, forces, stress (Voigt), energies, variances."""
    inp, out = os.path.join(work, name + ".xyz"), os.path.join(work, name + ".predicted.xyz")
    write_exact(frames, inp)
    done = subprocess.run([swiftgap, "predict", potential, inp, "-o", out, "--threads", "2"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"swiftgap predict failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    result = []
    for a in ase.io.read(out, ":"):
        stress = a.info.get("gap_stress")
        result.append(dict(
            energy=float(a.info["gap_energy"]), forces=np.array(a.arrays["gap_forces"]),
            stress=None if stress is None else full_3x3_to_voigt_6_stress(np.array(stress, float).reshape(3, 3).T),
            energies=np.array(a.arrays["gap_energies"]).ravel(),
            variances=np.array(a.arrays["gap_variance"]).ravel() if "gap_variance" in a.arrays else None))
    return result


def deviation(a, b):
    """Largest |a − b| relative to max(1, |b|)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def start_serve(swiftgap, potential, structure, name):
    return subprocess.Popen(
        [swiftgap, "serve", potential, "--structure", structure, "--unix", name, "--threads", "2", "--wait", "30",
         "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc, what):
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.exit(f"{what} did not end")
    if proc.returncode != 0:
        sys.exit(f"{what} failed with status {proc.returncode}:\n{out[-2000:]}\n{err[-2000:]}")
    return out


def sheared(structure):
    """The structure in a triclinic cell (a along x, b in the xy plane, as i-PI builds h from a, b, c, α, β, γ), so
    that a cell transposed anywhere would show in the forces."""
    atoms = ase.io.read(structure)
    length = atoms.cell.lengths()[0]
    atoms.set_cell(np.array([[length, 0, 0], [0.3, length, 0], [0.2, -0.25, length]]), scale_atoms=True)
    return atoms


def ase_part(swiftgap, potential, structure, work):
    atoms = sheared(structure)
    atoms.rattle(0.05, seed=3)
    kt = 600 * units.kB
    rng = np.random.default_rng(5)
    atoms.set_momenta(rng.normal(size=(len(atoms), 3)) * np.sqrt(kt * atoms.get_masses())[:, None])
    name = f"swiftgap_ase_{os.getpid()}"
    frames, results = [], []
    with SocketIOCalculator(unixsocket=name, timeout=60) as calc:
        proc = start_serve(swiftgap, potential, structure, name)
        atoms.calc = calc

        def record():
            frames.append(atoms.copy())
            r = calc.results
            results.append(dict(energy=r["energy"], forces=r["forces"].copy(), stress=r["stress"].copy(),
                                extra=json.loads(bytes(r["morebytes"]).decode())))

        dyn = VelocityVerlet(atoms, timestep=1.0 * units.fs)
        dyn.attach(record, interval=1)
        dyn.run(5)
    out = finish(proc, "swiftgap serve (ASE)")
    reference = predict(swiftgap, potential, frames, work, "ase_frames")
    worst = dict(energy=0.0, forces=0.0, stress=0.0, energies=0.0, variances=0.0)
    for got, ref in zip(results, reference):
        worst["energy"] = max(worst["energy"], deviation(got["energy"], ref["energy"]))
        worst["forces"] = max(worst["forces"], deviation(got["forces"], ref["forces"]))
        worst["stress"] = max(worst["stress"], deviation(got["stress"], ref["stress"]))
        worst["energies"] = max(worst["energies"], deviation(got["extra"]["energies"], ref["energies"]))
        if ref["variances"] is not None:
            worst["variances"] = max(worst["variances"], deviation(got["extra"]["variances"], ref["variances"]))
    print(f"(a) ASE SocketIOCalculator, {len(results)} VelocityVerlet frames: {out.strip()}")
    has_variances = reference[0]["variances"] is not None and "variances" in results[0]["extra"]
    for k, v in worst.items():
        if k != "variances" or has_variances:
            print(f"    max deviation {k:9s} {v:.3e}")
    return len(results) == 6 and all(v <= TOLERANCE for v in worst.values())


IPI_INPUT = """<simulation verbosity='low' safe_stride='1' floatformat='%.17e'>
  <output prefix='run'>
    <properties stride='1' filename='out'> [ step, potential, temperature{{kelvin}} ] </properties>
    <trajectory filename='pos' stride='{steps}' format='bin'> positions </trajectory>
    <trajectory filename='frc' stride='{steps}' format='bin'> forces </trajectory>
  </output>
  <total_steps> {steps} </total_steps>
  <prng><seed> 31415 </seed></prng>
  <ffsocket name='swiftgap' mode='unix' pbc='false'>
    <address> {name} </address>
    <timeout> 60 </timeout>
  </ffsocket>
  <system>
    <initialize nbeads='1'>
      <file mode='xyz' units='angstrom'> init.xyz </file>
      <velocities mode='thermal' units='kelvin'> 600 </velocities>
    </initialize>
    <forces><force forcefield='swiftgap'/></forces>
    <motion mode='dynamics'>
      <dynamics mode='nvt'>
        <timestep units='femtosecond'> 1.0 </timestep>
        <thermostat mode='svr'><tau units='femtosecond'> 20 </tau></thermostat>
      </dynamics>
    </motion>
    <ensemble><temperature units='kelvin'> 600 </temperature></ensemble>
  </system>
</simulation>
"""


def read_binary_frames(path, natoms):
    """Frames of an i-PI binary trajectory: (h, values) in atomic units. Each frame: h (9 float64), natoms
    (int64), 3·natoms float64, the names' length (int64), the names and a title ("Step: … cell{atomic_unit}"),
    both as UTF-32 without a length for the title: it ends at its closing cell units."""
    data = open(path, "rb").read()
    end_of_title = "cell{atomic_unit}".encode("utf-32-le")
    frames, offset = [], 0
    while offset < len(data):
        h = np.frombuffer(data, np.float64, 9, offset).reshape(3, 3)
        offset += 72
        n = int(np.frombuffer(data, np.int64, 1, offset)[0])
        offset += 8
        if n != natoms:
            sys.exit(f"{path}: a frame with {n} atoms, expected {natoms}")
        q = np.frombuffer(data, np.float64, 3 * n, offset).reshape(n, 3)
        offset += 24 * n
        length = int(np.frombuffer(data, np.int64, 1, offset)[0])
        offset += 8 + 4 * length
        title = data.find(end_of_title, offset)
        if title < 0:
            sys.exit(f"{path}: a frame without its title")
        offset = title + len(end_of_title)
        frames.append((h.copy(), q.copy()))
    return frames


def ipi_part(swiftgap, potential, structure, work, steps=20):
    if shutil.which("i-pi") is None:
        venv_ipi = os.path.join(os.path.dirname(sys.executable), "i-pi")
        if not os.path.exists(venv_ipi):
            print("(b) i-PI: skipped (no i-pi command)")
            return True
    ipi = shutil.which("i-pi") or os.path.join(os.path.dirname(sys.executable), "i-pi")
    atoms = sheared(structure)
    cell = " ".join(repr(float(x)) for x in atoms.cell.cellpar())
    with open(os.path.join(work, "init.xyz"), "w") as f:
        f.write(f"{len(atoms)}\n# CELL(abcABC): {cell} positions{{angstrom}} cell{{angstrom}}\n")
        for s, r in zip(atoms.get_chemical_symbols(), atoms.positions):
            f.write(f"{s} {float(r[0])!r} {float(r[1])!r} {float(r[2])!r}\n")
    name = f"swiftgap_ipi_{os.getpid()}"
    with open(os.path.join(work, "input.xml"), "w") as f:
        f.write(IPI_INPUT.format(steps=steps, name=name))
    start = time.time()
    server = subprocess.Popen([ipi, "input.xml"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    proc = start_serve(swiftgap, potential, structure, name)
    try:
        log, _ = server.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        server.kill()
        proc.kill()
        sys.exit("i-pi did not finish in 90 s")
    if server.returncode != 0:
        proc.kill()
        sys.exit(f"i-pi failed with status {server.returncode}:\n{log[-3000:]}")
    out = finish(proc, "swiftgap serve (i-PI)")
    positions = read_binary_frames(os.path.join(work, "run.pos_0.bin"), len(atoms))
    forces = read_binary_frames(os.path.join(work, "run.frc_0.bin"), len(atoms))
    table = np.loadtxt(os.path.join(work, "run.out"), ndmin=2)
    if len(table) != steps + 1 or table[-1, 0] != steps:
        sys.exit(f"i-PI wrote {len(table)} property rows, the last for step {table[-1, 0]}; expected {steps + 1}")
    h, q = positions[-1]
    frame = atoms.copy()
    frame.cell = h.T * units.Bohr
    frame.positions = q * units.Bohr
    ref = predict(swiftgap, potential, [frame], work, "ipi_frame")[0]
    dev_forces = deviation(forces[-1][1] * (units.Ha / units.Bohr), ref["forces"])
    dev_energy = deviation(table[-1, 1] * units.Ha, ref["energy"])
    print(f"(b) i-PI NVT (SVR), {steps} steps in {time.time() - start:.1f} s: {out.strip()}")
    print(f"    step {steps}: max deviation forces {dev_forces:.3e}, potential {dev_energy:.3e}")
    return dev_forces <= TOLERANCE and dev_energy <= TOLERANCE


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--swiftgap", required=True)
    parser.add_argument("--potential", default=os.path.join(ROOT, "potentials", "si-sw", "si-sw.gap"))
    parser.add_argument("--structure", default=os.path.join(ROOT, "training-sets", "si-sw", "diamond64.xyz"))
    args = parser.parse_args()
    swiftgap, potential, structure = (os.path.abspath(p) for p in (args.swiftgap, args.potential, args.structure))
    with tempfile.TemporaryDirectory(prefix="swiftgap-ipi-") as work:
        ok = ase_part(swiftgap, potential, structure, work)
        ok = ipi_part(swiftgap, potential, structure, work) and ok
    print("PASS" if ok else f"FAIL: a deviation above {TOLERANCE}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
