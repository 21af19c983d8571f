"""GAP XML models: SwiftGAP against quippy on the same file — agreement (energy, forces, virial) and speed.

What it measures
    For each GAP XML model the SAME file is evaluated by quippy (``Potential(param_filename=xml)``) and by
    ``swiftgap predict xml FILE -o OUT --threads 1 --no-variance`` (SwiftGAP reads QUIP's GAP XML itself),
    on the same extxyz structures. Per model and structure set it reports the largest differences between
    the two, the speed of each (µs/atom, one thread) and the process wall times.

    Models (each skipped with a message when its file is absent):
      mlearn_Mo   Zuo et al.'s published mlearn GAP example for Mo (not fitted by us): SOAP n_max 8, l_max 8,
                  cutoff 5, 200 sparse points, gap_version 1525123159. soap.xml and its sparseX file
                  GAPotential.soapparam are taken from the mlearn mirror (``git show HEAD:notebooks/
                  GAP_example/…`` in /work/.mirror/materialsvirtuallab+mlearn/repo, or $SWIFTGAP_MLEARN_REPO)
                  into the scratch folder (gap_common.SCRATCH/predict_xml/mlearn_Mo/), never into the
                  repository. Structures: bcc Mo, a = 3.16 Å, 3×3×3 conventional cells (54 atoms) and
                  4×4×4 (128 atoms), 10 cells each (seeds 31, 32).
      quip_water  QUIP's regression model <datasets>/quip-regression/GAP.xml (3 distance_2b terms, O/H),
                  read in place. Structures: frame 0 of gap_sample.xyz (81 atoms) and 19 rattled copies
                  (Gaussian width uniform in 0.02–0.06 Å, seed 41; no strain).
      soap_si_inline, soap_2b_si, sic, sic_old_version, zbl_2b_si
                  the committed gap_fit fixtures Tests/InteropTests/Fixtures/gapxml/<name>/gap.xml (see that
                  folder's README): SOAP only with its sparse points inside the xml, 2b + SOAP, SiC with 2b, 3b
                  and SOAP terms, the same SiC under gap_version 1426000000 (QUIP's older SOAP rules), and 2b
                  on a ZBL core. Structures, bigger than the fixtures' test configurations: for the Si
                  models Si diamond 64 atoms (40 cells) and 216 atoms (15 cells), the sets of predict_speed.py
                  (bench/sw_silicon.py, seeds 11 and 12, a = 5.431 Å); for the SiC models SiC zincblende
                  (a = 4.36 Å) 64 atoms (20 cells, seed 51) and 216 atoms (8 cells, seed 52); for zbl_2b_si
                  also 20 compressed Si 64-atom cells (a = 5.0 Å, bonds ~2.17 Å, inside the ZBL core's
                  1.6–2.2 Å switch; seed 61).
      --model X.xml --structures F.xyz [F2.xyz …]   any other model (then only it runs, unless --models
                  is given too).
    Unless said otherwise every cell is rattled (Gaussian, width uniform in 0.05–0.1 Å per cell) and
    strained (symmetric strain, components uniform in ±1 %), numpy default_rng(seed). The generated sets
    are written to bench/.data/predict_xml/structures/ (Si: bench/.data/predict_speed/).

    Agreement: quippy in a child process (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1), for each frame a copy
    of the Atoms with ``pot.calculate(atoms, properties=["energy", "forces", "virial"])`` (virial =
    extra_results["config"]["virial"]); SwiftGAP: gap_energy, gap_forces, gap_virial (column-major) of
    ``swiftgap predict``'s output file. Reported: max over frames of |ΔE|/N (eV/atom), max over atoms of the
    norm of the force difference |ΔF| (eV/Å), max over frames and the 9 components of |Δvirial| (eV). The
    JSON also has the scales (max |E|/N, max |F|, max |virial|) and per-frame values of ΔE/N.

    Speed, one thread, after waiting (up to 3 min) for the 1-minute load per core to drop below 0.3:
      * quippy E+F: predict_speed.quippy_worker (a child process: one Atoms whose cell and positions are set
        to each next frame, ``get_forces()`` timed, first frame an untimed warm-up) — energy and forces
        only, as in predict_speed.py. Only when all frames have the same species in the same order.
      * quippy E+F+V: the agreement pass above, timed the same way (each ``calculate`` call, first frame
        not counted) — the same work as SwiftGAP's, which always computes the virial.
      * SwiftGAP: predict_speed.time_swiftgap — the µs/atom ``swiftgap predict --threads 1 --no-variance``
        prints (all frames: energy, forces, virial, plus formatting the output; not the model load or the
        file read), minimum of 3 runs, OPENBLAS_NUM_THREADS=1.
      The ratio is quippy E+F+V / SwiftGAP; quippy E+F is printed beside it.
      Wall times: the whole quippy child process of the agreement pass (interpreter, import, model load,
      all frames) and the fastest ``swiftgap predict`` process (start-up, model load, read, predict,
      write), with the model load times each reports.
    Other jobs may share the machine: the load seen by wait_idle and uptime before/after each timed
    measurement (fit_multiterm.LoadMonitor) are stored in the JSON and the largest load is printed.

Results: a table on stdout and bench/.data/predict_xml/results.json (git-ignored). ``swiftgap info`` of
each model is stored there too. A model SwiftGAP (or quippy) refuses gets a row with the error message.

How to run (from the repository root; the venv .venv has quippy-ase, ase, numpy)
    .venv/bin/python bench/predict_xml.py                               # all built-in models
    .venv/bin/python bench/predict_xml.py --models mlearn_Mo quip_water
    .venv/bin/python bench/predict_xml.py --swiftgap .build-xmlbench/release/swiftgap
    .venv/bin/python bench/predict_xml.py --model my.xml --structures my.xyz
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

import common
import gap_common as gc
import predict_speed
from fit_multiterm import LoadMonitor

OUT_DIR = os.path.join(gc.DATA_DIR, "predict_xml")
STRUCT_DIR = os.path.join(OUT_DIR, "structures")
FIXTURES = os.path.join(gc.ROOT_DIR, "Tests", "InteropTests", "Fixtures", "gapxml")
MLEARN_REPO = os.environ.get("SWIFTGAP_MLEARN_REPO", "/work/.mirror/materialsvirtuallab+mlearn/repo")
MLEARN_FILES = ["notebooks/GAP_example/soap.xml", "notebooks/GAP_example/GAPotential.soapparam"]
WATER_DIR = os.path.join(gc.DATASETS, "quip-regression")
BUILTIN = ["mlearn_Mo", "quip_water", "soap_si_inline", "soap_2b_si", "sic", "sic_old_version", "zbl_2b_si"]


# ---------------------------------------------------------------------------------------------- structures

def perturbed(prototype, repeat, count, seed, rattle=(0.05, 0.1), max_strain=0.01):
    """``count`` copies of ``prototype.repeat(repeat)``, each strained (symmetric, components uniform in
    ±max_strain) and rattled (Gaussian, width uniform in ``rattle``), then wrapped."""
    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(count):
        a = prototype.repeat(repeat)
        e = rng.uniform(-max_strain, max_strain, (3, 3))
        a.set_cell(a.cell[:] @ (np.eye(3) + (e + e.T) / 2), scale_atoms=True)
        a.positions += rng.normal(0.0, rng.uniform(*rattle), a.positions.shape)
        a.wrap()
        frames.append(a)
    return frames


def write_frames(name, frames):
    """Writes the set to bench/.data/predict_xml/structures/<name>.xyz (rewritten every run; cheap)."""
    import ase.io
    path = os.path.join(gc.mkdir(STRUCT_DIR), name + ".xyz")
    ase.io.write(path + ".tmp.xyz", frames, format="extxyz")
    os.replace(path + ".tmp.xyz", path)
    return path


def si_sets():
    return [("Si64", predict_speed.structures(64)), ("Si216", predict_speed.structures(216))]


def sic_sets():
    from ase.build import bulk
    proto = bulk("SiC", "zincblende", a=4.36, cubic=True)
    return [("SiC64", write_frames("sic64", perturbed(proto, 2, 20, 51))),
            ("SiC216", write_frames("sic216", perturbed(proto, 3, 8, 52)))]


def mo_sets():
    from ase.build import bulk
    proto = bulk("Mo", "bcc", a=3.16, cubic=True)
    return [("Mo54", write_frames("mo54", perturbed(proto, 3, 10, 31))),
            ("Mo128", write_frames("mo128", perturbed(proto, 4, 10, 32)))]


def water_sets():
    import ase.io
    from ase import Atoms
    f = ase.io.read(os.path.join(WATER_DIR, "gap_sample.xyz"), 0)
    base = Atoms(numbers=f.numbers, positions=f.positions, cell=f.cell, pbc=f.pbc)
    rng = np.random.default_rng(41)
    frames = [base.copy()]
    for _ in range(19):
        a = base.copy()
        a.positions += rng.normal(0.0, rng.uniform(0.02, 0.06), a.positions.shape)
        a.wrap()
        frames.append(a)
    return [("water81", write_frames("water81", frames))]


def si_compressed_set():
    from ase.build import bulk
    proto = bulk("Si", "diamond", a=5.0, cubic=True)
    return [("Si64 a=5.0", write_frames("si64_compressed", perturbed(proto, 2, 20, 61)))]


# ------------------------------------------------------------------------------------------------- models

def mlearn_model():
    """soap.xml and GAPotential.soapparam from the mlearn mirror into the scratch folder; None + reason."""
    if not os.path.isdir(MLEARN_REPO):
        return None, f"no mlearn mirror at {MLEARN_REPO}"
    folder = gc.mkdir(gc.SCRATCH, "predict_xml", "mlearn_Mo")
    for rel in MLEARN_FILES:
        dest = os.path.join(folder, os.path.basename(rel))
        r = subprocess.run(["git", "-C", MLEARN_REPO, "show", f"HEAD:{rel}"], capture_output=True)
        if r.returncode != 0:
            return None, f"git show HEAD:{rel} in {MLEARN_REPO} failed: {r.stderr.decode(errors='replace').strip()}"
        with open(dest + ".tmp", "wb") as f:
            f.write(r.stdout)
        os.replace(dest + ".tmp", dest)
    return os.path.join(folder, "soap.xml"), None


def builtin_model(name):
    """(xml, structure sets, None) or (None, None, reason)."""
    if name == "mlearn_Mo":
        xml, why = mlearn_model()
        return (xml, mo_sets, None) if xml else (None, None, why)
    if name == "quip_water":
        xml = os.path.join(WATER_DIR, "GAP.xml")
        sample = os.path.join(WATER_DIR, "gap_sample.xyz")
        missing = [p for p in (xml, sample) if not os.path.exists(p)]
        return (xml, water_sets, None) if not missing else (None, None, "missing " + ", ".join(missing))
    xml = os.path.join(FIXTURES, name, "gap.xml")
    if not os.path.exists(xml):
        return None, None, f"missing {xml}"
    sets = {"soap_si_inline": si_sets, "soap_2b_si": si_sets, "sic": sic_sets, "sic_old_version": sic_sets,
            "zbl_2b_si": lambda: si_sets() + si_compressed_set()}[name]
    return xml, sets, None


# ------------------------------------------------------------------------------------------ the two tools

def quippy_values_worker(xml, path, out):
    """Child process (one thread): energy, forces, virial of every frame with quippy; times each call.
    Writes an .npz to ``out``: energies, forces (concatenated), virials (F×3×3), natoms, seconds."""
    import ase.io
    from quippy.potential import Potential
    frames = ase.io.read(path, ":")
    t_load = time.perf_counter()
    pot = Potential(param_filename=xml)
    load = time.perf_counter() - t_load
    energies, forces, virials, seconds = [], [], [], []
    for f in frames:
        a = f.copy()
        a.calc = None
        t0 = time.perf_counter()
        with np.errstate(divide="ignore", invalid="ignore"):   # stress = -virial/volume of a cluster
            pot.calculate(a, properties=["energy", "forces", "virial"])
        seconds.append(time.perf_counter() - t0)
        energies.append(float(pot.results["energy"]))
        forces.append(np.array(pot.results["forces"], dtype=float))
        virials.append(np.array(pot.extra_results["config"]["virial"], dtype=float).reshape(3, 3))
    np.savez(out, energies=np.array(energies), forces=np.concatenate(forces), virials=np.array(virials),
             natoms=np.array([len(f) for f in frames]), seconds=np.array(seconds), load=load)


def quippy_values(xml, path):
    out = os.path.join(gc.mkdir(gc.SCRATCH, "predict_xml"), f"quippy-{os.getpid()}-{time.time_ns()}.npz")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--quippy-values", xml, path, out],
                       env=gc.env_threads(1), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"quippy failed ({r.returncode}):\n{(r.stdout + r.stderr)[-3000:]}")
    d = np.load(out)
    vals = {k: d[k] for k in d.files}
    os.remove(out)
    n, secs = vals["natoms"], vals["seconds"]
    timed = slice(1, None) if len(secs) > 1 else slice(None)   # first call is the warm-up, as in quippy_worker
    vals["timing"] = {"us_per_atom": float(secs[timed].sum() / n[timed].sum() * 1e6),
                      "seconds": float(secs[timed].sum()), "atoms": int(n[timed].sum()),
                      "calls": int(len(secs[timed])), "process_wall": wall, "model_load": float(vals["load"])}
    return vals


def swiftgap_values(binary, xml, path):
    """gap_energy, gap_forces, gap_virial of ``swiftgap predict`` (gap_common.swiftgap_predict reads no
    virial). The output goes to the scratch folder and is deleted after reading."""
    import ase.io
    out = os.path.join(gc.mkdir(gc.SCRATCH, "predict_xml"), f"swiftgap-{os.getpid()}-{time.time_ns()}.xyz")
    cmd = [binary, "predict", xml, path, "-o", out, "--threads", "1", "--no-variance"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=gc.env_threads(1))
    if r.returncode != 0:
        raise RuntimeError(f"swiftgap predict failed ({r.returncode}): {' '.join(cmd)}\n"
                           f"{(r.stdout + r.stderr).strip()[-3000:]}")
    frames = ase.io.read(out, ":")
    os.remove(out)
    return {"energies": np.array([float(a.info["gap_energy"]) for a in frames]),
            "forces": np.concatenate([np.array(a.arrays["gap_forces"], dtype=float) for a in frames]),
            "virials": np.array([np.asarray(a.info["gap_virial"], dtype=float).reshape(-1).reshape(3, 3, order="F")
                                 for a in frames]),
            "natoms": np.array([len(a) for a in frames])}


def swiftgap_info(binary, xml):
    r = subprocess.run([binary, "info", xml], capture_output=True, text=True, env=gc.env_threads(1))
    return {"returncode": r.returncode, "output": (r.stdout + r.stderr).strip()}


def compare(q, s):
    """Largest differences between quippy's and SwiftGAP's values, and the scales of the values."""
    if not np.array_equal(q["natoms"], s["natoms"]):
        raise RuntimeError(f"frame sizes differ: quippy {q['natoms'].tolist()}, swiftgap {s['natoms'].tolist()}")
    n = q["natoms"].astype(float)
    de = (s["energies"] - q["energies"]) / n
    df = np.linalg.norm(s["forces"] - q["forces"], axis=1)
    dv = np.abs(s["virials"] - q["virials"])
    return {"max_dE_per_atom": float(np.max(np.abs(de))), "max_dF": float(np.max(df)),
            "max_dF_component": float(np.max(np.abs(s["forces"] - q["forces"]))),
            "max_dvirial": float(np.max(dv)),
            "scale": {"max_abs_E_per_atom": float(np.max(np.abs(q["energies"] / n))),
                      "max_F": float(np.max(np.linalg.norm(q["forces"], axis=1))),
                      "max_abs_virial": float(np.max(np.abs(q["virials"])))},
            "dE_per_atom": de.tolist()}


def same_species(path):
    import ase.io
    frames = ase.io.read(path, ":")
    return all(np.array_equal(f.numbers, frames[0].numbers) for f in frames)


def monitored(fn, idle_wait):
    """Waits for an idle machine, runs ``fn()`` under a LoadMonitor; returns (result, load record)."""
    seen = gc.wait_idle(idle_wait)
    with LoadMonitor(every=1.0) as mon:
        result = fn()
    rec = mon.record()
    rec["load_per_core_at_start"] = seen
    return result, rec


def run_set(model, xml, set_name, path, binary, repeats, idle_wait):
    import ase.io
    frames = ase.io.read(path, ":")
    row = {"model": model, "xml": xml, "set": set_name, "structures": path, "frames": len(frames),
           "atoms_per_frame": sorted({len(f) for f in frames}), "atoms": int(sum(len(f) for f in frames))}
    loads = {}
    try:
        q, loads["quippy_efv"] = monitored(lambda: quippy_values(xml, path), idle_wait)
    except RuntimeError as e:
        row["error"] = {"tool": "quippy", "message": str(e)}
        gc.log(f"[{model} {set_name}] quippy failed: {e}")
        return row
    row["quippy_efv"] = q["timing"]
    try:
        s = swiftgap_values(binary, xml, path)
    except RuntimeError as e:
        row["error"] = {"tool": "swiftgap", "message": str(e)}
        gc.log(f"[{model} {set_name}] SwiftGAP refused: {e}")
        return row
    row["agreement"] = compare(q, s)
    if same_species(path):
        row["quippy_ef"], loads["quippy_ef"] = monitored(lambda: predict_speed.time_quippy(xml, path), idle_wait)
    row["swiftgap"], loads["swiftgap"] = monitored(
        lambda: predict_speed.time_swiftgap(binary, xml, path, repeats), idle_wait)
    m = re.search(r"potential loaded in ([\d.]+) s", row["swiftgap"]["line"])
    row["swiftgap"]["model_load"] = float(m.group(1)) if m else None
    row["load"] = loads
    a = row["agreement"]
    gc.log(f"[{model} {set_name}] |dE|/N {a['max_dE_per_atom']:.2e} eV, |dF| {a['max_dF']:.2e} eV/Å, "
           f"|dV| {a['max_dvirial']:.2e} eV; quippy {q['timing']['us_per_atom']:.0f} µs/atom, "
           f"SwiftGAP {row['swiftgap']['us_per_atom']:.0f} µs/atom")
    return row


# ------------------------------------------------------------------------------------------------ output

def fmt(x, spec):
    return "—" if x is None else format(x, spec)


def print_table(results):
    rows = results["rows"]
    print("GAP XML models, the same file in quippy and `swiftgap predict`: largest differences and speed, 1 thread")
    print("(µs/atom; quippy E+F+V = energy, forces and virial, the work SwiftGAP does; ratio = quippy E+F+V / "
          "SwiftGAP; quippy E+F = predict_speed.py's timing; walls: quippy child process, fastest swiftgap process)")
    head = (f"{'model':<11} {'structures':<11} {'atoms':>10} {'|ΔE|/atom eV':>12} {'|ΔF| eV/Å':>9} {'|ΔV| eV':>9} "
            f"{'quippy':>7} {'SwiftGAP':>8} {'ratio':>6} {'quippy E+F':>10} {'wall q / S s':>13} {'load':>5}")
    print(head)
    for r in rows:
        shape = f"{r['frames']}×{'/'.join(map(str, r['atoms_per_frame']))}"
        if "error" in r:
            lines = [ln.strip() for ln in r["error"]["message"].splitlines() if ln.strip()]
            msg = next((ln for ln in lines if ln.startswith("Error")), lines[-1] if lines else "")
            print(f"{r['model']:<11} {r['set']:<11} {shape:>10}  {r['error']['tool']} refused: {msg}")
            continue
        a, q, s = r["agreement"], r["quippy_efv"], r["swiftgap"]
        qef = r.get("quippy_ef", {}).get("us_per_atom")
        load = max(v["load1_max"] for v in r["load"].values()) / (os.cpu_count() or 1)
        print(f"{r['model']:<11} {r['set']:<11} {shape:>10} {a['max_dE_per_atom']:>12.1e} {a['max_dF']:>9.1e} "
              f"{a['max_dvirial']:>9.1e} {q['us_per_atom']:>7.0f} {s['us_per_atom']:>8.0f} "
              f"{q['us_per_atom'] / s['us_per_atom']:>5.1f}× {fmt(qef, '.0f'):>10} "
              f"{q['process_wall']:>6.2f} / {s['process_wall']:<5.2f} {load:>5.2f}")
    for sk in results["skipped"]:
        print(f"skipped {sk['model']}: {sk['reason']}")
    print(f"(load = largest 1-minute load average per core seen during the row's timed runs; "
          f"{results['machine']}; {results['date']})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", choices=BUILTIN,
                        help="built-in models to run (default: all, or none when --model is given)")
    parser.add_argument("--model", help="another GAP XML model")
    parser.add_argument("--structures", nargs="+", help="extxyz file(s) for --model")
    parser.add_argument("--name", help="name of --model in the table (default: the file name)")
    parser.add_argument("--repeats", type=int, default=3, help="swiftgap predict runs (the fastest counts)")
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--idle-wait", type=float, default=180)
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--quippy-values", nargs=3, metavar=("XML", "FILE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quippy_values:
        quippy_values_worker(*args.quippy_values)
        return
    if bool(args.model) != bool(args.structures):
        parser.error("--model and --structures go together")

    binary = gc.swiftgap_binary(args.swiftgap)
    models = args.models if args.models is not None else ([] if args.model else BUILTIN)
    jobs, skipped = [], []
    for name in models:
        xml, sets, why = builtin_model(name)
        if xml is None:
            gc.log(f"skipping {name}: {why}")
            skipped.append({"model": name, "reason": why})
        else:
            jobs.append((name, xml, sets))
    if args.model:
        name = args.name or os.path.basename(args.model)
        missing = [p for p in [args.model, *args.structures] if not os.path.exists(p)]
        if missing:
            gc.log(f"skipping {name}: missing {', '.join(missing)}")
            skipped.append({"model": name, "reason": "missing " + ", ".join(missing)})
        else:
            user_sets = [(os.path.basename(p), os.path.abspath(p)) for p in args.structures]
            jobs.append((name, os.path.abspath(args.model), lambda: user_sets))

    results = {"date": datetime.date.today().isoformat(), "machine": common.machine(),
               "git": gc.git_revision(), "swiftgap": binary, "command": " ".join(sys.argv),
               "versions": {p: importlib.metadata.version(p) for p in ("quippy-ase", "ase", "numpy")},
               "python": sys.version.split()[0], "rows": [], "skipped": skipped, "info": {}}
    for name, xml, sets in jobs:
        results["info"][name] = swiftgap_info(binary, xml)
        if results["info"][name]["returncode"] != 0:
            gc.log(f"swiftgap info {xml} failed: {results['info'][name]['output']}")
        for set_name, path in sets():
            results["rows"].append(run_set(name, xml, set_name, path, binary, args.repeats, args.idle_wait))
        gc.save_json(os.path.join(OUT_DIR, "results.json"), results)
    gc.save_json(os.path.join(OUT_DIR, "results.json"), results)
    print_table(results)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
