"""quippy reads SwiftGAP's GAP XML: potentials fitted by SwiftGAP and written as GAP XML give, in QUIP
(quippy's Potential(param_filename=…), the code LAMMPS's pair_style quip runs), the energies, forces and
virials SwiftGAP predicts, to 1e-8.

Checks, per model over its configurations (any failure makes the exit status non-zero):
  |ΔE|/N               ≤ 1e-8 eV/atom    absolute, per atom (the limit the import is held to)
  |ΔE|/max(1, |E|)     ≤ 1e-8            relative, total energy
  max |ΔF| component   ≤ 1e-8 eV/Å       absolute (stricter than the import's 1e-7 eV/Å on |ΔF|)
  |ΔW|/max(1, max|W|)  ≤ 1e-8            relative, largest virial component
The norm of the largest force difference |ΔF| (eV/Å) and the largest absolute virial difference |ΔW| (eV)
are printed beside them.

What it runs (all in a scratch folder; nothing is written into the repository):
  1. soap_si   swiftgap fit on training-sets/si-sw (SOAP only, small) -o soap_si.xml
  2. multi_si  swiftgap fit on training-sets/si-sw with distance_2b and angle_3b terms and SOAP -o multi_si.xml
  3. arkr_zbl  swiftgap gap_fit on training-sets/ar-kr-lj (two species: distance_2b with add_species and SOAP)
               on top of core_ip_args={IP ZBL cutoff=2.5 cutoff_width=0.5}, gp_file=arkr_zbl.xml (a Sum potential)
  4. multi_si again through swiftgap convert: .xml -> .gap -> .xml, whose predictions must not change
For each model: swiftgap predict on 6 test configurations of its set, and quippy on the same ones.

Run (make test does, in its venv):  .venv/bin/python scripts/integration/quippy_reads_swiftgap_xml.py --swiftgap PATH
Exits non-zero on any difference above the tolerance, printing the table either way.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import ase.io
import numpy as np
from quippy.potential import Potential

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 1e-8             # relative energy and virial, absolute force components (eV/Å)
ENERGY_PER_ATOM = 1e-8       # absolute, eV/atom
SI = os.path.join(ROOT, "training-sets", "si-sw")
ARKR = os.path.join(ROOT, "training-sets", "ar-kr-lj")
SOAP = ["--cutoff", "4.0", "--n-max", "4", "--l-max", "3", "--n-sparse", "40", "--e0", "average", "--threads", "2"]
TWO_BODY = "distance_2b cutoff=4.5 n_sparse=12 covariance_type=ard_se delta=0.5 theta_uniform=0.6 sparse_method=uniform"
THREE_BODY = "angle_3b cutoff=3.2 n_sparse=20 covariance_type=ard_se delta=0.1 theta_uniform=1.0 sparse_method=random"


def run(cmd, cwd):
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def swiftgap_predictions(swiftgap, model, frames_file, work):
    out = os.path.join(work, os.path.basename(model) + ".predicted.xyz")
    run([swiftgap, "predict", model, frames_file, "-o", out, "--no-variance", "--threads", "2"], work)
    result = []
    for a in ase.io.read(out, ":"):
        virial = np.array(a.info["gap_virial"], dtype=float).reshape(3, 3)
        result.append((float(a.info["gap_energy"]), np.array(a.arrays["gap_forces"]), virial))
    return result


def quippy_predictions(model, frames_file):
    calc = Potential(param_filename=model)
    result = []
    for a in ase.io.read(frames_file, ":"):
        b = a.copy()
        b.calc = calc
        energy = b.get_potential_energy()
        forces = b.get_forces()
        virial = -b.get_stress(voigt=False) * b.get_volume()
        result.append((float(energy), np.array(forces), virial))
    return result


def compare(name, ours, theirs):
    de_atom = max(abs(a[0] - b[0]) / len(b[1]) for a, b in zip(ours, theirs))
    de = max(abs(a[0] - b[0]) / max(1.0, abs(b[0])) for a, b in zip(ours, theirs))
    df = max(np.abs(a[1] - b[1]).max() for a, b in zip(ours, theirs))
    df_norm = max(np.linalg.norm(a[1] - b[1], axis=1).max() for a, b in zip(ours, theirs))
    dw_abs = max(np.abs(a[2] - b[2]).max() for a, b in zip(ours, theirs))
    dw = max(np.abs(a[2] - b[2]).max() / max(1.0, np.abs(b[2]).max()) for a, b in zip(ours, theirs))
    ok = len(ours) == len(theirs) and max(de, df, dw) <= TOLERANCE and de_atom <= ENERGY_PER_ATOM
    print(f"  {name:12s} {len(ours):3d} cfgs  |dE|/N {de_atom:.2e} eV/atom  |dE|/max(1,|E|) {de:.2e}  "
          f"max|dF| {df:.2e} eV/A (norm {df_norm:.2e})  |dW| {dw_abs:.2e} eV  |dW|/max(1,|W|) {dw:.2e}  "
          f"{'ok' if ok else 'FAILED'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--swiftgap", required=True, help="the swiftgap binary")
    args = parser.parse_args()
    swiftgap = os.path.abspath(args.swiftgap)
    with tempfile.TemporaryDirectory(prefix="quippy-xml-") as work:
        si_test = os.path.join(work, "si_test.xyz")
        ase.io.write(si_test, ase.io.read(os.path.join(SI, "test.xyz"), ":6"))
        arkr_test = os.path.join(work, "arkr_test.xyz")
        ase.io.write(arkr_test, ase.io.read(os.path.join(ARKR, "test.xyz"), ":6"))
        train = os.path.join(SI, "train.xyz")

        run([swiftgap, "fit", train, "-o", "soap_si.xml"] + SOAP, work)
        run([swiftgap, "fit", train, "-o", "multi_si.xml", "--gap", TWO_BODY, "--gap", THREE_BODY] + SOAP, work)
        run([swiftgap, "gap_fit", f"at_file={os.path.join(ARKR, 'train.xyz')}",
             "gap={" + TWO_BODY.replace("cutoff=4.5", "cutoff=6.0") + " add_species=T : soap cutoff=5.0 n_max=4 l_max=3 "
             "atom_sigma=0.5 zeta=2 delta=0.05 n_sparse=40 covariance_type=dot_product sparse_method=cur_points add_species=T}",
             "default_sigma={0.0005 0.005 0.005 0.0}", "e0_method=average", "energy_parameter_name=energy",
             "force_parameter_name=forces", "core_ip_args={IP ZBL cutoff=2.5 cutoff_width=0.5}", "gp_file=arkr_zbl.xml",
             "--threads", "2"], work)
        run([swiftgap, "convert", "multi_si.xml", "-o", "multi_si.gap"], work)
        run([swiftgap, "convert", "multi_si.gap", "-o", "multi_si_again.xml"], work)

        ok = True
        print(f"quippy (quippy-ase) against swiftgap predict on the same GAP XML, tolerance {TOLERANCE} "
              f"({ENERGY_PER_ATOM} eV/atom for |dE|/N):")
        for name, model, frames in [("soap_si", "soap_si.xml", si_test), ("multi_si", "multi_si.xml", si_test),
                                    ("arkr_zbl", "arkr_zbl.xml", arkr_test), ("converted", "multi_si_again.xml", si_test)]:
            path = os.path.join(work, model)
            ok &= compare(name, swiftgap_predictions(swiftgap, path, frames, work), quippy_predictions(path, frames))
        # The .gap and the XML it came from predict alike in SwiftGAP too.
        gap = swiftgap_predictions(swiftgap, os.path.join(work, "multi_si.gap"), si_test, work)
        xml = swiftgap_predictions(swiftgap, os.path.join(work, "multi_si.xml"), si_test, work)
        ok &= compare(".gap vs .xml", gap, xml)
    if not ok:
        sys.exit("quippy's numbers differ from SwiftGAP's on SwiftGAP's GAP XML")


if __name__ == "__main__":
    main()
