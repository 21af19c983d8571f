"""Helpers shared by the GAP fitting and prediction benchmarks (fit_accuracy.py, fit_rmd17.py,
fit_speed.py, predict_speed.py).

What is here
    * paths: the public data sets (/work/shared/datasets, or $SWIFTGAP_DATASETS), the scratch folder
      for files derived from them ($SWIFTGAP_BENCH_SCRATCH, default /tmp/swiftgap-bench: subsets of the
      public data and prediction outputs that carry their values never go into the repository), and
      bench/.data/ for generated data and fitted models;
    * ``timed``: runs a command under ``/usr/bin/time -v`` and returns wall seconds and peak RSS;
    * ``gap_fit_command``: a gap_fit command line for a SOAP GAP (dot-product kernel, CUR sparse points);
    * ``swiftgap_fit_command``: the same settings for ``swiftgap fit``;
    * ``quip_predict`` / ``swiftgap_predict``: energies and forces of a fitted model on a file, so the
      errors of both tools are computed by the same code (``errors``) from the raw predictions.

gap_fit writes an index file ``<at_file>.idx`` next to its input, so the public files are never passed
to it directly: ``linked`` makes a symbolic link in the scratch folder and gap_fit gets that path.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

import common

DATASETS = os.environ.get("SWIFTGAP_DATASETS", "/work/shared/datasets")
SCRATCH = os.environ.get("SWIFTGAP_BENCH_SCRATCH", os.path.join(tempfile.gettempdir(), "swiftgap-bench"))
DATA_DIR = common.DATA_DIR
ROOT_DIR = common.ROOT_DIR
PYTHON_BIN = os.path.join(ROOT_DIR, ".venv", "bin")


def gap_fit_binary():
    """The compiled gap_fit shipped in quippy-ase (.venv/bin/gap_fit is a Python wrapper that starts it;
    calling the binary directly keeps the wrapper's interpreter start-up out of the timings)."""
    import quippy
    path = os.path.join(quippy.__path__[0], "gap_fit")
    return path if os.path.exists(path) else os.path.join(PYTHON_BIN, "gap_fit")


def swiftgap_binary(path=None):
    """The swiftgap CLI to benchmark: ``path`` if given, else .build/release/swiftgap (built if missing)."""
    if path:
        return os.path.abspath(path)
    return common.ensure_cli()


def git_revision():
    """HEAD of the main repository and whether Sources/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT_DIR, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "Sources"], cwd=ROOT_DIR, capture_output=True,
                               text=True).stdout.strip()
        return head + ("+dirty Sources" if dirty else "")
    except OSError:
        return "unknown"


def mkdir(*parts):
    path = os.path.join(*parts)
    os.makedirs(path, exist_ok=True)
    return path


def linked(path, folder="links"):
    """A symbolic link to ``path`` inside the scratch folder (so gap_fit's .idx file lands there)."""
    d = mkdir(SCRATCH, folder)
    link = os.path.join(d, os.path.basename(path))
    if os.path.islink(link) and os.readlink(link) == os.path.abspath(path):
        return link
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(path), link)
    return link


def timed(cmd, log, env=None, cwd=None):
    """Runs ``cmd`` under /usr/bin/time -v, stdout+stderr to ``log``.

    Returns {"seconds": wall, "peak_rss_bytes": maximum resident set size, "returncode": rc}. GNU time
    reports the peak of the process (and of children it waited for), from getrusage.
    """
    tfile = log + ".time"
    full = ["/usr/bin/time", "-v", "-o", tfile] + [str(c) for c in cmd]
    with open(log, "w") as f:
        f.write("$ " + " ".join(str(c) for c in cmd) + "\n")
        f.flush()
        t0 = time.perf_counter()
        rc = subprocess.run(full, stdout=f, stderr=subprocess.STDOUT, env=env, cwd=cwd).returncode
        wall = time.perf_counter() - t0
    stats = time_stats(tfile)
    return {"seconds": stats.get("seconds", wall), "peak_rss_bytes": stats.get("peak_rss_bytes"),
            "cpu_seconds": stats.get("cpu_seconds"), "returncode": rc, "log": log}


def time_stats(tfile):
    """Wall seconds, user+system CPU seconds and peak RSS from a ``/usr/bin/time -v -o`` file."""
    text = open(tfile).read() if os.path.exists(tfile) else ""
    out = {}
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:
        secs = 0.0
        for p in m.group(1).split(":"):
            secs = secs * 60 + float(p)
        out["seconds"] = secs
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["peak_rss_bytes"] = int(m.group(1)) * 1024
    u = re.search(r"User time \(seconds\): ([\d.]+)", text)
    s = re.search(r"System time \(seconds\): ([\d.]+)", text)
    if u and s:
        out["cpu_seconds"] = float(u.group(1)) + float(s.group(1))
    return out


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def env_threads(threads):
    """Environment for a run on ``threads`` threads: OpenMP and OpenBLAS limited to that many."""
    return {**os.environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)}


def gap_fit_command(at_file, gp_file, s, species, energy_key="energy", forces_key="forces", virial_key=None,
                    extra=()):
    """gap_fit arguments for a SOAP GAP with dot-product kernel and CUR sparse points.

    ``s``: dict with cutoff, cutoff_transition_width, n_max, l_max, atom_sigma, zeta, delta, n_sparse,
    sigma (E, F, V, H), jitter and e0 (dict element -> eV). gap_fit's n_sparse is per descriptor and
    (add_species, on by default) there is one descriptor per center species, so it is per element like
    swiftgap's --n-sparse.
    """
    soap = ("soap l_max={l_max} n_max={n_max} atom_sigma={atom_sigma} zeta={zeta} cutoff={cutoff} "
            "cutoff_transition_width={cutoff_transition_width} delta={delta} f0=0.0 n_sparse={n_sparse} "
            "covariance_type=dot_product sparse_method=cur_points").format(**s)
    e0 = ":".join(f"{el}:{v!r}" for el, v in s["e0"].items())
    cmd = [gap_fit_binary(), f"at_file={at_file}", "gap={" + soap + "}",
           "default_sigma={" + " ".join(repr(float(x)) for x in s["sigma"]) + "}",
           f"sparse_jitter={s['jitter']!r}", "e0={" + e0 + "}", "e0_offset=0.0",
           f"energy_parameter_name={energy_key}", f"force_parameter_name={forces_key}"]
    if virial_key:
        cmd.append(f"virial_parameter_name={virial_key}")
    cmd += [f"gp_file={gp_file}", "rnd_seed=1", *extra]
    return cmd


def swiftgap_fit_command(binary, train, output, s, threads, test=None, metrics=None, energy_key="energy",
                         forces_key="forces", extra=()):
    """``swiftgap fit`` arguments with the settings of ``gap_fit_command``."""
    sigma = list(s["sigma"]) + [0.0] * (3 - len(s["sigma"]))
    e0 = ",".join(f"{el}={v!r}" for el, v in s["e0"].items())
    cmd = [binary, "fit", train, "-o", output, "--cutoff", s["cutoff"], "--cutoff-width", s["cutoff_transition_width"],
           "--n-max", s["n_max"], "--l-max", s["l_max"], "--atom-sigma", s["atom_sigma"], "--zeta", s["zeta"],
           "--delta", s["delta"], "--n-sparse", s["n_sparse"], "--sparse-method", s.get("sparse_method", "cur"),
           "--sigma-energy", sigma[0], "--sigma-force", sigma[1],
           # swiftgap rejects σ_V = 0 even without virials in the data (gap_fit accepts it); it is unused then.
           *(["--sigma-virial", sigma[2]] if sigma[2] > 0 else []),
           "--jitter", s["jitter"], "--e0", e0, "--energy-key", energy_key, "--forces-key", forces_key,
           "--threads", threads]
    if test:
        cmd += ["--test", test]
    if metrics:
        cmd += ["--metrics", metrics]
    return [str(c) for c in [*cmd, *extra]]


def read_frames(path):
    import ase.io
    return ase.io.read(path, ":")


def reference(frames, energy_key="energy", forces_key="forces"):
    """Reference energies (list) and forces (list of N×3 arrays) from frames read by ase.

    ase's extxyz reader moves the keys ``energy``/``forces`` into a SinglePointCalculator; other keys
    (``force``, ``dft_energy``) stay in info/arrays.
    """
    energies, forces = [], []
    for a in frames:
        if energy_key in a.info:
            energies.append(float(a.info[energy_key]))
        else:
            energies.append(float(a.calc.results[energy_key]))
        if forces_key in a.arrays:
            forces.append(np.array(a.arrays[forces_key], dtype=float))
        else:
            forces.append(np.array(a.calc.results[forces_key], dtype=float))
    return energies, forces


def quip_predict(xml, frames):
    """Energies and forces of gap_fit's model (quippy Potential) on ``frames``; also the seconds taken."""
    from quippy.potential import Potential
    pot = Potential(param_filename=xml)
    energies, forces = [], []
    t0 = time.perf_counter()
    for a in frames:
        b = a.copy()
        b.calc = pot
        energies.append(float(b.get_potential_energy()))
        forces.append(np.array(b.get_forces()))
    return energies, forces, time.perf_counter() - t0


def swiftgap_predict(binary, potential, path, threads=2, log=None):
    """Energies and forces of a swiftgap model on the extxyz ``path`` via ``swiftgap predict``.

    The output file (a copy of the input with gap_energy / gap_forces added) goes to the scratch
    folder and is deleted after reading.
    """
    import ase.io
    out = os.path.join(mkdir(SCRATCH, "predict"), f"pred-{os.getpid()}-{time.time_ns()}.xyz")
    cmd = [binary, "predict", potential, path, "-o", out, "--no-variance", "--threads", str(threads)]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    if log:
        with open(log, "w") as f:
            f.write("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
    if r.returncode != 0:
        raise RuntimeError(f"swiftgap predict failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    frames = ase.io.read(out, ":")
    os.remove(out)
    energies = [float(a.info["gap_energy"]) for a in frames]
    forces = [np.array(a.arrays["gap_forces"], dtype=float) for a in frames]
    return energies, forces


def model_errors(tool, model, path, binary=None, forces_key="forces", threads=2, log=None):
    """Errors (``errors``) of a fitted model on the extxyz ``path`` against its ``energy`` and ``forces_key``:
    gap_fit's xml through quippy, SwiftGAP's model through ``swiftgap predict``."""
    frames = read_frames(path)
    ref_e, ref_f = reference(frames, "energy", forces_key)
    if tool == "gap_fit":
        e, f, _ = quip_predict(model, frames)
    else:
        e, f = swiftgap_predict(binary, model, path, threads=threads, log=log)
    return errors(e, f, ref_e, ref_f, [len(a) for a in frames])


def errors(pred_e, pred_f, ref_e, ref_f, natoms):
    """MAE and RMSE of energies (per atom and per configuration) and of force components."""
    pe, re_, n = np.array(pred_e), np.array(ref_e), np.array(natoms, dtype=float)
    de = pe - re_
    df = np.concatenate([(np.asarray(p) - np.asarray(r)).ravel() for p, r in zip(pred_f, ref_f)])
    return {
        "energy_mae_per_atom": float(np.mean(np.abs(de / n))),
        "energy_rmse_per_atom": float(np.sqrt(np.mean((de / n) ** 2))),
        "energy_mae": float(np.mean(np.abs(de))),
        "energy_rmse": float(np.sqrt(np.mean(de ** 2))),
        "forces_mae": float(np.mean(np.abs(df))),
        "forces_rmse": float(np.sqrt(np.mean(df ** 2))),
        "configurations": len(pe),
    }


def save_json(path, obj):
    mkdir(os.path.dirname(path))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


def load_json(path):
    with open(path) as f:
        return json.load(f)


def gb(nbytes):
    return nbytes / 1e9 if nbytes else float("nan")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def wait_idle(max_wait=180, threshold=0.3):
    """Waits (up to ``max_wait`` s) until the 1-minute load average per core drops below ``threshold``,
    since other jobs on this 2-core machine distort timings. Returns the load seen."""
    t0 = time.time()
    while True:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
        if load < threshold or time.time() - t0 > max_wait:
            return load
        time.sleep(10)


def raw_frames(path):
    """The frames of an extxyz file as lists of raw lines (so subsets keep the exact digits)."""
    lines = open(path).read().splitlines(True)
    frames, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        frames.append(lines[i:i + n + 2])
        i += n + 2
    return frames
