"""Multi-term GAP (distance_2b + SOAP) on Zuo et al. 2020 (Si, Li, Cu, Ni): `swiftgap gap_fit` against
gap_fit on the same gap_fit command line.

What it does
    Data: ``<datasets>/zuo2020/<El>_{train,test}.xyz`` (keys ``energy`` and per-atom ``force``, no
    virials) and the published command line ``<El>_gap_fit_command_line.txt`` (SOAP n 8, l 8, atom σ 0.5,
    ζ 4, δ 1, the element's cutoff and width 0.5, CUR sparse points, default_sigma {0.01 0.05 0.01 1},
    sparse_jitter 1e-8, e0, e0_offset 0). The published line is kept as it is except: at_file and gp_file,
    energy_parameter_name=energy force_parameter_name=force (the copies here use those keys),
    rnd_seed=1, and a distance_2b term in front of the SOAP term:
        gap={distance_2b cutoff=<SOAP cutoff> n_sparse=20 covariance_type=ard_se delta=δ_2b
             theta_uniform=θ sparse_method=uniform : soap <published settings>}
    SwiftGAP gets exactly the same arguments through ``swiftgap gap_fit … --threads 2`` with gp_file=X.gap
    (gap_fit gets gp_file=X.xml; SwiftGAP does not write GAP XML yet).

    1. Choosing the 2-body settings, on the TRAINING file only (the test file is not read in this step):
       the train file is shuffled (numpy default_rng(0).permutation over configurations) and split 90/10
       (round(0.9·N) configurations to fit, the rest to validate; raw extxyz slices written to the scratch
       folder, never into the repository). On that split ``swiftgap gap_fit`` fits the SOAP-only baseline
       (the published line) and every 2b setting of the grid δ_2b ∈ {0.1, 0.5, 2.0} × θ ∈ {0.5, 1.0} Å
       (cutoff = the SOAP cutoff, 20 uniform sparse points); ``swiftgap predict`` gives validation MAEs.
       Rule: among the 2b settings, those whose validation force MAE is within 3 % of the best 2b force
       MAE (F ≤ 1.03·F_min) are eligible, and the eligible one with the lowest validation energy MAE
       (per atom) is chosen; i.e. the lowest energy MAE wins unless its forces are more than 3 % worse
       than the best. The baseline is recorded for comparison but is not a candidate (a 2b term is always
       added). Every trial is recorded in validation.json.
       ``--grid wide`` widens the search: θ_2b ∈ {0.5, 1, 2} Å, then, on the 2b setting this rule picks,
       an angle_3b term (cutoff 3.5 Å, 100 uniform points) with δ_3b ∈ {0.1, 0.5} × theta_fac ∈ {0.5, 1};
       the same rule then picks among all 2b and 2b+3b trials.
       ``--sigma`` then tries the energy entry of default_sigma at 0.003 and 0.001 eV/atom (published 0.01;
       sigma_per_atom as gap_fit) with every 2b (and 2b+3b) setting, and the same rule picks among all trials: the
       published energy σ is ~20× the SOAP models' energy errors (Si 3, Cu 0.46 meV/atom), so energies weigh
       little against the forces. These runs keep their own files (validation-sigma.json, <tool>-sigma.json);
       the final fits pass the chosen σ to both tools.
    2. With the chosen setting both tools fit the full train file: gap_fit (quippy-ase's compiled binary,
       ``gap_common.gap_fit_binary``; its input is a symbolic link in the scratch folder, so the .idx file
       it writes next to at_file lands there) with OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2, and
       ``swiftgap gap_fit --threads 2`` with the same environment, each under ``/usr/bin/time -v``
       (wall time, user+system CPU time, peak RSS). The machine has 2 cores shared with other work, so
       ``uptime`` is recorded before and after each timed fit and the 1-minute load average is sampled
       every 5 s during it (mean and max stored). Then each model predicts the train and test splits by
       the same Python code (gap_fit's xml through quippy ``Potential``, SwiftGAP's model through
       ``swiftgap predict --no-variance``): energy MAE per atom (meV/atom) and force-component MAE (meV/Å).
    The table puts the test MAEs beside the published GAP (Zuo et al., J. Phys. Chem. A 124, 731 (2020),
    SOAP only) and beside the SOAP-only fits of ``fit_accuracy.py`` as recorded in bench/README.md.

Results are cached in bench/.data/fit_multiterm/<El>/ (validation/<trial>.json and validation.json,
{swiftgap,gap_fit}.json, models and logs beside them); a second run reuses them unless --force.

How to run (from the repository root)
    .venv/bin/python bench/fit_multiterm.py --elements Si                  # validation grid + both final fits
    .venv/bin/python bench/fit_multiterm.py --elements Cu --stages validate
    .venv/bin/python bench/fit_multiterm.py --elements Si --grid wide      # the wider search, then both fits
    .venv/bin/python bench/fit_multiterm.py --elements Ni --tools swiftgap # final fit with SwiftGAP only
    .venv/bin/python bench/fit_multiterm.py --elements Si --grid wide --sigma  # the energy σ too, then both fits
    .venv/bin/python bench/fit_multiterm.py --table                        # print cached results
    python3 bench/fit_multiterm.py --python /work/venv-quip/bin/python …   # re-run under that interpreter
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time


def _reexec_under_python():
    """``--python PY`` (or ``--python=PY``): run this script again under PY (before numpy and quippy are
    imported, so the calling interpreter needs neither). Without it the current interpreter is used."""
    argv, python, rest, i = sys.argv[1:], None, [], 0
    while i < len(argv):
        if argv[i] == "--python" and i + 1 < len(argv):
            python, i = argv[i + 1], i + 2
            continue
        if argv[i].startswith("--python="):
            python = argv[i].split("=", 1)[1]
        else:
            rest.append(argv[i])
        i += 1
    if python and os.path.abspath(python) != os.path.abspath(sys.executable):
        os.execv(python, [python, os.path.abspath(__file__), *rest])


if __name__ == "__main__":
    _reexec_under_python()

import numpy as np  # noqa: E402

import gap_common as gc  # noqa: E402
from fit_accuracy import PUBLISHED, published_settings  # noqa: E402

ELEMENTS = ["Si", "Li", "Cu", "Ni"]
# SOAP-only test MAE (E meV/atom, F meV/Å) of fit_accuracy.py as recorded in bench/README.md
# (gap_fit 2026-11-24, SwiftGAP 2026-11-25; published command line, same splits).
SOAP_ONLY = {"Si": {"gap_fit": (3.81, 72.8), "swiftgap": (3.28, 72.2)},
             "Cu": {"gap_fit": (0.456, 8.2), "swiftgap": (0.456, 8.2)},
             "Ni": {"gap_fit": (0.422, 16.4), "swiftgap": (0.421, 16.4)},
             "Li": {"gap_fit": (0.495, 10.5), "swiftgap": (0.483, 10.5)}}
GRID_DELTA = [0.1, 0.5, 2.0]
GRID_THETA = [0.5, 1.0]
N_SPARSE_2B = 20
# --grid wide: θ_2b also 2 Å, then an angle_3b term on top of the chosen 2b term (cutoff 3.5 Å, the first
# neighbor shell of Si and the metals' nearest neighbors; 100 uniform points; θ from theta_fac).
WIDE_THETA = [0.5, 1.0, 2.0]
GRID_3B_DELTA = [0.1, 0.5]
GRID_3B_THETA_FAC = [0.5, 1.0]
CUTOFF_3B, N_SPARSE_3B = 3.5, 100
# --sigma: the energy σ of default_sigma (eV per atom; published 0.01) tried with every 2b (and 2b+3b) setting.
GRID_ENERGY_SIGMA = [0.003, 0.001]
PUBLISHED_ENERGY_SIGMA = 0.01
FORCE_TOLERANCE = 0.03
VALIDATION_FRACTION = 0.1


def soap_term(s):
    return ("soap l_max={l_max} n_max={n_max} atom_sigma={atom_sigma} zeta={zeta:g} cutoff={cutoff:g} "
            "cutoff_transition_width={cutoff_transition_width:g} delta={delta:g} f0=0.0 n_sparse={n_sparse} "
            "covariance_type=dot_product sparse_method=cur_points").format(**s)


def twob_term(b):
    return (f"distance_2b cutoff={b['cutoff']:g} n_sparse={b['n_sparse']} covariance_type=ard_se "
            f"delta={b['delta']:g} theta_uniform={b['theta']:g} sparse_method=uniform")


def threeb_term(b):
    return (f"angle_3b cutoff={b['cutoff']:g} n_sparse={b['n_sparse']} covariance_type=ard_se "
            f"delta={b['delta']:g} theta_fac={b['theta_fac']:g} sparse_method=uniform")


def gap_fit_arguments(s, twob, at_file, gp_file, threeb=None, energy_sigma=None):
    """The published command line with at_file, gp_file, the key names, rnd_seed and the gap string replaced;
    with ``energy_sigma`` also the energy entry of default_sigma."""
    line = re.sub(r"^<command_line>\s*|\s*</command_line>$", "", s["command_line"].strip())
    terms = ([twob_term(twob)] if twob else []) + ([threeb_term(threeb)] if threeb else []) + [soap_term(s)]
    gap = "gap={" + " : ".join(terms) + "}"
    line = re.sub(r"gap=\{[^}]*\}", lambda m: gap, line)
    line = re.sub(r"\bat_file=\S+", f"at_file={at_file}", line)
    line = re.sub(r"\bgp_file=\S+", f"gp_file={gp_file}", line)
    line = re.sub(r"\benergy_parameter_name=\S+", "energy_parameter_name=energy", line)
    line = re.sub(r"\bforce_parameter_name=\S+", "force_parameter_name=force", line)
    if energy_sigma is not None:
        line = re.sub(r"default_sigma=\{\s*\S+", lambda m: f"default_sigma={{{energy_sigma:g}", line)
    # Split into arguments the way a shell would with the braces quoted: keep {…} together.
    args = re.findall(r"\S+=\{[^}]*\}|\S+", line)
    return args + ["rnd_seed=1"]


def split_train(element):
    """90/10 split of the train file (seed 0), written to the scratch folder."""
    folder = gc.mkdir(gc.SCRATCH, "fit_multiterm")
    fit, val = os.path.join(folder, f"{element}_fit90.xyz"), os.path.join(folder, f"{element}_val10.xyz")
    if not (os.path.exists(fit) and os.path.exists(val)):
        frames = gc.raw_frames(os.path.join(gc.DATASETS, "zuo2020", f"{element}_train.xyz"))
        order = np.random.default_rng(0).permutation(len(frames))
        n_fit = int(round((1 - VALIDATION_FRACTION) * len(frames)))
        for path, ks in ((fit, order[:n_fit]), (val, order[n_fit:])):
            with open(path + ".tmp", "w") as f:
                for k in ks:
                    f.writelines(frames[k])
            os.replace(path + ".tmp", path)
    return fit, val


class LoadMonitor:
    """Records ``uptime`` before and after a run and samples the 1-minute load average every ``every`` s."""

    def __init__(self, every=5.0):
        self.every, self.samples, self._stop = every, [], threading.Event()

    def __enter__(self):
        self.before = uptime()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self):
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = uptime()

    def record(self):
        s = self.samples or [os.getloadavg()[0]]
        return {"uptime_before": self.before, "uptime_after": self.after, "load1_mean": float(np.mean(s)),
                "load1_max": float(np.max(s)), "samples": len(self.samples), "cores": os.cpu_count()}


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def trial_name(twob, threeb=None, energy_sigma=None):
    name = "soap_only" if twob is None else f"d{twob['delta']:g}_t{twob['theta']:g}_n{twob['n_sparse']}_c{twob['cutoff']:g}"
    if threeb:
        name += f"+3b_d{threeb['delta']:g}_tf{threeb['theta_fac']:g}_n{threeb['n_sparse']}_c{threeb['cutoff']:g}"
    if energy_sigma is not None:
        name += f"_sE{energy_sigma:g}"
    return name


def variant(sigma):
    """Suffix of the summary and final result files: the σ_E search keeps its own (the published-σ runs stay)."""
    return "-sigma" if sigma else ""


def swiftgap_fit(binary, args, logf, threads, metrics=None):
    cmd = [binary, "gap_fit", *args, "--threads", str(threads)] + (["--metrics", metrics] if metrics else [])
    with LoadMonitor() as mon:
        info = gc.timed(cmd, logf, env=gc.env_threads(threads))
    info["load"] = mon.record()
    return cmd, info


def validate(element, binary, threads, force, grid="small", sigma=False):
    """Step 1: the SOAP-only baseline and the 2b grid on the 90/10 split of the train file; with
    ``grid="wide"`` θ_2b = 2 Å too, then angle_3b terms added to the 2b setting chosen so far; with ``sigma``
    the energy σ of default_sigma (``GRID_ENERGY_SIGMA``) with every 2b (and 2b+3b) setting."""
    folder = gc.mkdir(gc.DATA_DIR, "fit_multiterm", element, "validation")
    summary_path = os.path.join(os.path.dirname(folder), f"validation{variant(sigma)}.json")
    s = published_settings(element)
    fit, val = split_train(element)

    def run(twob, threeb=None, energy_sigma=None):
        name = trial_name(twob, threeb, energy_sigma)
        path = os.path.join(folder, f"{name}.json")
        if os.path.exists(path) and not force:
            return gc.load_json(path)
        model = os.path.join(folder, f"{name}.gap")
        args = gap_fit_arguments(s, twob, fit, model, threeb, energy_sigma)
        logf = os.path.join(folder, f"{name}-fit.log")
        gc.log(f"[{element}] validation {name}")
        cmd, info = swiftgap_fit(binary, args, logf, threads)
        if info["returncode"] != 0:
            raise SystemExit(f"[{element}] swiftgap gap_fit failed (rc {info['returncode']}): {' '.join(cmd)}\n"
                             f"log {logf}:\n{gc.tail(logf)}")
        err = gc.model_errors("swiftgap", model, val, binary, forces_key="force", threads=threads,
                              log=os.path.join(folder, f"{name}-predict.log"))
        trial = {"name": name, "twob": twob, "threeb": threeb, "energy_sigma": energy_sigma,
                 "command": ["swiftgap"] + [str(c) for c in cmd[1:]],
                 "fit": info, "validation": err}
        gc.save_json(path, trial)
        gc.log(f"[{element}]   E {err['energy_mae_per_atom'] * 1e3:.3f} meV/atom  F {err['forces_mae'] * 1e3:.2f} meV/Å"
               f"  ({info['seconds']:.1f} s)")
        return trial

    thetas = WIDE_THETA if grid == "wide" else GRID_THETA
    trials = [run(twob) for twob in [None] + [{"cutoff": s["cutoff"], "n_sparse": N_SPARSE_2B, "delta": d, "theta": t}
                                              for d in GRID_DELTA for t in thetas]]
    if grid == "wide":
        best2b = next(t["twob"] for t in trials if t["name"] == choose(trials))
        trials += [run(best2b, {"cutoff": CUTOFF_3B, "n_sparse": N_SPARSE_3B, "delta": d, "theta_fac": tf})
                   for d in GRID_3B_DELTA for tf in GRID_3B_THETA_FAC]
    if sigma:
        trials += [run(t["twob"], t.get("threeb"), e) for t in list(trials) if t["twob"] for e in GRID_ENERGY_SIGMA]
    chosen = choose(trials)
    summary = {"element": element, "grid": grid, "energy_sigma_grid": GRID_ENERGY_SIGMA if sigma else None,
               "rule": f"min validation E MAE among 2b (and 2b+3b) settings with F MAE <= "
                       f"{1 + FORCE_TOLERANCE:g} x best F MAE of those",
               "fit_file": fit, "validation_file": val, "fit_configurations": len(gc.raw_frames(fit)),
               "validation_configurations": len(gc.raw_frames(val)), "trials": trials, "chosen": chosen}
    gc.save_json(summary_path, summary)
    return summary


def choose(trials):
    twob = [t for t in trials if t["twob"] is not None]
    f_best = min(t["validation"]["forces_mae"] for t in twob)
    eligible = [t for t in twob if t["validation"]["forces_mae"] <= (1 + FORCE_TOLERANCE) * f_best]
    return min(eligible, key=lambda t: t["validation"]["energy_mae_per_atom"])["name"]


def final(element, tool, binary, threads, force, sigma=False):
    """Step 2: the chosen setting on the full train file, timed; errors on train and test."""
    folder = gc.mkdir(gc.DATA_DIR, "fit_multiterm", element)
    tag = variant(sigma)
    result_path = os.path.join(folder, f"{tool}{tag}.json")
    summary_path = os.path.join(folder, f"validation{tag}.json")
    if not os.path.exists(summary_path):
        raise SystemExit(f"[{element}] no validation result ({summary_path}); run the validate stage first")
    summary = gc.load_json(summary_path)
    # A cached fit counts only for the setting validation chooses now (a wider grid may choose another).
    cached = gc.load_json(result_path) if os.path.exists(result_path) and not force else None
    if cached and cached["chosen"] == summary["chosen"]:
        return cached
    chosen = next(t for t in summary["trials"] if t["name"] == summary["chosen"])
    twob, threeb, energy_sigma = chosen["twob"], chosen.get("threeb"), chosen.get("energy_sigma")
    s = published_settings(element)
    train = gc.linked(os.path.join(gc.DATASETS, "zuo2020", f"{element}_train.xyz"))
    test = gc.linked(os.path.join(gc.DATASETS, "zuo2020", f"{element}_test.xyz"))
    logf = os.path.join(folder, f"{tool}{tag}-fit.log")
    if tool == "gap_fit":
        model = os.path.join(folder, f"gap_fit{tag}.xml")
        cmd = [gc.gap_fit_binary(), *gap_fit_arguments(s, twob, train, model, threeb, energy_sigma)]
        gc.log(f"[{element}] gap_fit: {' '.join(cmd)}")
        with LoadMonitor() as mon:
            info = gc.timed(cmd, logf, env=gc.env_threads(threads), cwd=folder)
        info["load"] = mon.record()
    else:
        model = os.path.join(folder, f"swiftgap{tag}.gap")
        metrics = os.path.join(folder, f"swiftgap{tag}-metrics.json")
        args = gap_fit_arguments(s, twob, train, model, threeb, energy_sigma)
        gc.log(f"[{element}] swiftgap gap_fit: {' '.join(args)} --threads {threads}")
        cmd, info = swiftgap_fit(binary, args, logf, threads, metrics=metrics)
    if info["returncode"] != 0:
        raise SystemExit(f"[{element}] {tool} failed (rc {info['returncode']}): {' '.join(map(str, cmd))}\n"
                         f"log {logf}:\n{gc.tail(logf)}")
    gc.log(f"[{element}] {tool} fit: {info['seconds']:.1f} s wall, {info['cpu_seconds']:.1f} s CPU, "
           f"{gc.gb(info['peak_rss_bytes']):.2f} GB; load {info['load']['load1_mean']:.2f} (max {info['load']['load1_max']:.2f})")
    errs = {name: gc.model_errors(tool, model, path, binary, forces_key="force", threads=threads,
                                  log=os.path.join(folder, f"{tool}{tag}-predict-{name}.log"))
            for name, path in (("train", train), ("test", test))}
    result = {"element": element, "tool": tool, "twob": twob, "threeb": threeb, "energy_sigma": energy_sigma,
              "chosen": summary["chosen"],
              "command": [os.path.basename(str(cmd[0]))] + [str(c) for c in cmd[1:]], "fit": info, "errors": errs,
              "threads": threads, "revision": gc.git_revision() if tool == "swiftgap" else None}
    if tool == "swiftgap":
        result["swiftgap_metrics"] = gc.load_json(metrics) if os.path.exists(metrics) else None
    gc.save_json(result_path, result)
    return result


def em(e):
    return e["energy_mae_per_atom"] * 1e3, e["forces_mae"] * 1e3


def pair(e_mev, f_mev):
    """'E / F' with 3 significant digits for energies below 1 meV/atom."""
    return (f"{e_mev:.3f}" if e_mev < 1 else f"{e_mev:.2f}") + f" / {f_mev:.1f}"


def validation_table(summaries):
    print("Choice of the distance_2b term on a 90/10 split of the train file (swiftgap gap_fit; validation MAE, "
          f"E meV/atom / F meV/Å; rule: lowest E among 2b settings with F ≤ {1 + FORCE_TOLERANCE:g}·best F)")
    print(f"{'El':<3} {'trial':<22} {'δ_2b':>5} {'θ':>4} {'σ_E':>6} {'val E':>7} {'val F':>7} {'fit s':>6}  chosen")
    for el, sm in summaries.items():
        for t in sm["trials"]:
            b = t["twob"] or {}
            e, f = em(t["validation"])
            mark = "  <==" if t["name"] == sm["chosen"] else ""
            sigma = t.get("energy_sigma") or PUBLISHED_ENERGY_SIGMA
            print(f"{el:<3} {t['name']:<22} {b.get('delta', '—')!s:>5} {b.get('theta', '—')!s:>4} {sigma:6g} {e:7.3f} "
                  f"{f:7.2f} {t['fit']['seconds']:6.1f}{mark}")


def final_table(results, summaries):
    print()
    print("Full train file, distance_2b + SOAP, both tools (test MAE E meV/atom / F meV/Å; fit wall s (CPU s), "
          "peak RSS; load = 1-min load average during the fit, mean/max, 2 cores)")
    head = (f"{'El':<3} {'2b (δ, θ)':>10} {'published':>12} {'SOAP gap_fit':>13} {'SOAP SwiftGAP':>13} "
            f"{'2b+S gap_fit':>13} {'2b+S SwiftGAP':>13} {'train gap_fit':>13} {'train SwiftGAP':>14} "
            f"{'gap_fit fit':>24} {'SwiftGAP fit':>24} {'time':>6} {'CPU':>6} {'mem':>6}  load gap_fit / SwiftGAP")
    print(head)
    for el, r in results.items():
        if not r:
            continue
        pub = PUBLISHED[el]
        soap = SOAP_ONLY[el]
        sm = summaries.get(el)
        b = next((t["twob"] for t in sm["trials"] if t["name"] == sm["chosen"]), None) if sm else None

        def mae(tool, split):
            x = r.get(tool)
            return "—" if not x else pair(*em(x["errors"][split]))

        def fit(tool):
            x = r.get(tool)
            if not x:
                return "—"
            return f"{x['fit']['seconds']:.1f} s ({x['fit']['cpu_seconds']:.0f}) {gc.gb(x['fit']['peak_rss_bytes']):.2f} GB"

        def ratio(key):
            if r.get("gap_fit") and r.get("swiftgap"):
                return f"{r['gap_fit']['fit'][key] / r['swiftgap']['fit'][key]:.1f}×"
            return "—"

        def load(tool):
            x = r.get(tool)
            return "—" if not x else f"{x['fit']['load']['load1_mean']:.1f}/{x['fit']['load']['load1_max']:.1f}"

        chosen = next((t for t in sm["trials"] if t["name"] == sm["chosen"]), {}) if sm else {}
        b3, sigma = chosen.get("threeb"), chosen.get("energy_sigma")
        b2 = ("%g, %g" % (b["delta"], b["theta"])) if b else "—"
        b2 += (" +3b %g, %g" % (b3["delta"], b3["theta_fac"])) if b3 else ""
        b2 += (" σE %g" % sigma) if sigma else ""
        print(f"{el:<3} {b2:>10} " + f"{pub[0]:.2f} / {pub[1] * 1e3:.0f}".rjust(12)
              + pair(*soap["gap_fit"]).rjust(14)
              + pair(*soap["swiftgap"]).rjust(14)
              + mae("gap_fit", "test").rjust(14) + mae("swiftgap", "test").rjust(14)
              + mae("gap_fit", "train").rjust(14) + mae("swiftgap", "train").rjust(15)
              + fit("gap_fit").rjust(25) + fit("swiftgap").rjust(25)
              + ratio("seconds").rjust(7) + ratio("cpu_seconds").rjust(7) + ratio("peak_rss_bytes").rjust(7)
              + f"  {load('gap_fit')} / {load('swiftgap')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elements", nargs="+", default=ELEMENTS, choices=ELEMENTS)
    parser.add_argument("--tools", nargs="+", default=["gap_fit", "swiftgap"], choices=["gap_fit", "swiftgap"],
                        help="tools for the final fits (validation always uses swiftgap)")
    parser.add_argument("--stages", nargs="+", default=["validate", "final"], choices=["validate", "final"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--grid", choices=["small", "wide"], default="small",
                        help="small: δ_2b × θ_2b ∈ {0.1, 0.5, 2} × {0.5, 1}; wide: θ_2b 2 too, then angle_3b terms "
                             "on the chosen 2b term")
    parser.add_argument("--sigma", action="store_true",
                        help=f"also try the energy σ of default_sigma ∈ {GRID_ENERGY_SIGMA} eV/atom (published "
                             f"{PUBLISHED_ENERGY_SIGMA}) with every 2b (and 2b+3b) setting of the grid; results kept "
                             "apart (*-sigma.json)")
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--python", help="Python with quippy-ase, ase and numpy (the script re-runs itself under it)")
    parser.add_argument("--force", action="store_true", help="refit even when a cached result exists")
    parser.add_argument("--table", action="store_true", help="only print the cached results")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args()

    binary = None if args.table else gc.swiftgap_binary(args.swiftgap)
    summaries, results = {}, {}
    tag = variant(args.sigma)
    for el in args.elements:
        folder = os.path.join(gc.DATA_DIR, "fit_multiterm", el)
        results[el] = {}
        summary_path = os.path.join(folder, f"validation{tag}.json")
        if "validate" in args.stages and not args.table:
            summaries[el] = validate(el, binary, args.threads, args.force, args.grid, args.sigma)
        elif os.path.exists(summary_path):
            summaries[el] = gc.load_json(summary_path)
        if "final" in args.stages and not args.table:
            for tool in args.tools:
                results[el][tool] = final(el, tool, binary, args.threads, args.force, args.sigma)
        for tool in ["gap_fit", "swiftgap"]:
            if tool not in results[el] and os.path.exists(os.path.join(folder, f"{tool}{tag}.json")):
                results[el][tool] = gc.load_json(os.path.join(folder, f"{tool}{tag}.json"))
    if summaries:
        validation_table(summaries)
    final_table(results, summaries)
    if args.json:
        print(json.dumps({"validation": summaries, "final": results}, indent=1))


if __name__ == "__main__":
    main()
