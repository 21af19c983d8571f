"""Predicted standard deviations against actual errors: are SwiftGAP's force and energy error bars calibrated?

What it does
    For each data set the training file is split (numpy seed 0) into 90 % for the fit and 10 % for
    calibration; the test file is never used to fit or calibrate.
    1. ``swiftgap fit`` on the 90 % with ``--calibration`` the 10 %: the fit stores the factors
       s = √(mean (error/σ)²) of energies and force components (variance model ``full``).
    2. ``swiftgap predict --uncertainty full`` on the test file: the fractions of test force components and
       energies within 1σ and 2σ of the calibrated deviations (a calibrated Gaussian has 68.3 % and 95.4 %),
       RMS error / RMS σ, and the same before calibration.
    3. The ``projected`` variance (weights' posterior only), calibrated the same way on the 10 % here in
       Python from ``predict`` outputs, for comparison.
    Data sets: the shipped SW silicon set (training-sets/si-sw, the demo's settings) and rMD17 ethanol
    (split 01: 1000 train → 900 + 100, the first 200 test configurations; SOAP n 8 l 6, 1000 sparse points
    per element capped at the element's atoms, σ_E 0.5 meV/atom, σ_F 10 meV/Å).
    The issue's goal: after calibration, 90–98 % of test force components within 2σ.

Results are cached in bench/.data/uncertainty/ (--force refits).

How to run (from the repository root)
    .venv/bin/python bench/uncertainty.py                 # both sets
    .venv/bin/python bench/uncertainty.py --sets si-sw
"""
import argparse
import json
import os
import subprocess

import numpy as np

import fit_rmd17
import gap_common as gc

SI_SW = ["--cutoff", "4.0", "--n-max", "10", "--l-max", "8", "--n-sparse", "800", "--e0", "average"]
ETHANOL = {"cutoff": 5.0, "cutoff_transition_width": 0.5, "n_max": 8, "l_max": 6, "atom_sigma": 0.5, "zeta": 4,
           "delta": 4.0, "sigma": [0.0005, 0.01, 0.0], "jitter": 1e-8, "n_sparse_request": 1000}


def split(path, folder, name):
    """The 90 % / 10 % split of ``path`` (seed 0) as raw extxyz files in ``folder``."""
    fit, val = os.path.join(folder, f"{name}_fit.xyz"), os.path.join(folder, f"{name}_calibration.xyz")
    frames = gc.raw_frames(path)
    order = np.random.default_rng(0).permutation(len(frames))
    cut = int(round(0.9 * len(frames)))
    for out, members in [(fit, order[:cut]), (val, order[cut:])]:
        with open(out, "w") as f:
            for k in members:
                f.writelines(frames[k])
    return fit, val


def head(path, folder, count):
    out = os.path.join(folder, f"{os.path.basename(path)[:-4]}_first{count}.xyz")
    with open(out, "w") as f:
        for frame in gc.raw_frames(path)[:count]:
            f.writelines(frame)
    return out


def predicted(binary, model, path, model_kind, threads, folder, tag):
    """(errors, σ) of force components and of energies from ``swiftgap predict --uncertainty``; the metrics JSON."""
    out, metrics = os.path.join(folder, f"{tag}.xyz"), os.path.join(folder, f"{tag}.json")
    cmd = [binary, "predict", model, path, "-o", out, "--uncertainty", model_kind, "--threads", str(threads),
           "--metrics", metrics]
    info = gc.timed(cmd, os.path.join(folder, f"{tag}.log"), env=gc.env_threads(threads))
    if info["returncode"] != 0:
        raise SystemExit(f"swiftgap predict failed: {' '.join(cmd)}\n{gc.tail(info['log'])}")
    frames = gc.read_frames(out)
    energies, forces = gc.reference(frames)
    f_err = np.concatenate([(a.arrays["gap_forces"] - f).ravel() for a, f in zip(frames, forces)])
    f_sd = np.concatenate([a.arrays["gap_force_std"].ravel() for a in frames])
    e_err = np.array([a.info["gap_energy"] - e for a, e in zip(frames, energies)])
    e_sd = np.array([a.info["gap_energy_std"] for a in frames])
    os.remove(out)
    return {"forces": (f_err, f_sd), "energy": (e_err, e_sd), "metrics": gc.load_json(metrics),
            "seconds": info["seconds"]}


def stats(err, sd, scale=1.0):
    z = np.abs(err) / (scale * sd)
    return {"within_1": float(np.mean(z <= 1)), "within_2": float(np.mean(z <= 2)),
            "rms_ratio": float(np.sqrt(np.mean(err ** 2) / np.mean((scale * sd) ** 2))),
            "corr_abs_error_sigma": float(np.corrcoef(np.abs(err), sd)[0, 1])}


def run_set(name, binary, threads, force):
    folder = gc.mkdir(gc.SCRATCH, "uncertainty", name)
    cache = os.path.join(gc.mkdir(gc.DATA_DIR, "uncertainty"), f"{name}.json")
    if os.path.exists(cache) and not force:
        return gc.load_json(cache)
    if name == "si-sw":
        train, test = (os.path.join(gc.ROOT_DIR, "training-sets", "si-sw", f) for f in ("train.xyz", "test.xyz"))
        fit, val = split(train, folder, name)
        fit_args = SI_SW
    else:
        train = os.path.join(gc.DATASETS, "rmd17", f"rmd17_{name}_train_01.xyz")
        test = head(os.path.join(gc.DATASETS, "rmd17", f"rmd17_{name}_test_01.xyz"), folder, 200)
        fit, val = split(train, folder, name)
        s = fit_rmd17.cap(dict(ETHANOL, e0=fit_rmd17.isolated_e0()), fit_rmd17.species_counts(fit))
        # swiftgap_fit_command's list is: binary fit train -o output, the settings, --threads N: the settings only.
        fit_args = gc.swiftgap_fit_command(binary, fit, "x", s, threads)[5:]
        fit_args = fit_args[:fit_args.index("--threads")]
    model = os.path.join(folder, f"{name}.gap")
    cmd = [binary, "fit", fit, "-o", model, "--calibration", val, "--uncertainty", "full", "--threads", str(threads),
           "--metrics", os.path.join(folder, "fit.json"), *fit_args]
    info = gc.timed(cmd, os.path.join(folder, "fit.log"), env=gc.env_threads(threads))
    if info["returncode"] != 0:
        raise SystemExit(f"swiftgap fit failed: {' '.join(cmd)}\n{gc.tail(info['log'])}")
    stored = json.loads(subprocess.run([binary, "info", "--json", model], capture_output=True, text=True).stdout)
    calibration = stored["calibration"]
    result = {"fit_command": " ".join(cmd[1:]), "fit_seconds": info["seconds"], "calibration": calibration,
              "revision": gc.git_revision()}
    full = predicted(binary, model, test, "full", threads, folder, "test-full")
    result["predict_full_seconds"] = full["seconds"]
    result["full"] = {
        q: {"calibrated": stats(*full[q]), "uncalibrated": stats(full[q][0], full[q][1], 1 / calibration[c])}
        for q, c in [("forces", "force"), ("energy", "energy")]}
    # The projected variance, calibrated here on the same 10 %.
    val_projected = predicted(binary, model, val, "projected", threads, folder, "val-projected")
    test_projected = predicted(binary, model, test, "projected", threads, folder, "test-projected")
    result["projected"] = {}
    for q in ["forces", "energy"]:
        err, sd = val_projected[q]
        scale = float(np.sqrt(np.mean((err / sd) ** 2)))
        result["projected"][q] = {"scale": scale, "calibrated": stats(*test_projected[q], scale),
                                  "uncalibrated": stats(*test_projected[q])}
    gc.save_json(cache, result)
    return result


def table(results):
    print("| set | variance | quantity | calibration factor | within 1σ | within 2σ | RMS err / RMS σ | corr(|err|, σ) |"
          " within 2σ uncalibrated |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        for kind in ["full", "projected"]:
            for q, c in [("forces", "force"), ("energy", "energy")]:
                cal = r[kind][q]["calibrated"]
                unc = r[kind][q]["uncalibrated"]
                factor = r["calibration"][c] if kind == "full" else r[kind][q]["scale"]
                print(f"| {name} | {kind} | {q} | {factor:.3g} | {100 * cal['within_1']:.1f} % | "
                      f"{100 * cal['within_2']:.1f} % | {cal['rms_ratio']:.3g} | {cal['corr_abs_error_sigma']:.2f} | "
                      f"{100 * unc['within_2']:.1f} % |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=["si-sw", "ethanol"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--binary")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    binary = gc.swiftgap_binary(args.binary)
    results = {name: run_set(name, binary, args.threads, args.force) for name in args.sets}
    table(results)


if __name__ == "__main__":
    main()
