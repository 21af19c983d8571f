"""Fitting speed: gap_fit against SwiftGAP on identical data and settings, wall time and peak memory.

What it measures
    Each tool fits the same training file with the same SOAP GAP settings (dot-product kernel, CUR
    sparse points chosen by each tool itself) on 2 threads, under ``/usr/bin/time -v``: wall time of the
    whole process (reading, descriptors, sparse points, covariances, solve, writing the model) and peak
    resident memory. gap_fit runs with OMP_NUM_THREADS=2 and OPENBLAS_NUM_THREADS=2 (the quippy-ase
    build has no OpenMP, so only its LAPACK/BLAS calls use the second core); ``swiftgap fit --threads 2``.
    Before each run the driver waits (up to 3 min) for the machine to be idle. After each fit the
    model predicts a held-out set (gap_fit's through quippy, SwiftGAP's through ``swiftgap predict``)
    and the errors are computed by the same Python code, to show both fits are equally accurate.
    Cases
      sw500   100 Stillinger–Weber silicon cells of 64 atoms (6 400 atoms; bench/sw_silicon.py, seed 1),
              energies, forces and virials; held-out set: 20 more cells (seed 2).
              SOAP cutoff 5, width 0.5, n_max 8, l_max 6, atom_sigma 0.5, ζ 4, δ 1, 500 sparse points,
              default_sigma {0.001 0.05 0.05 0}, sparse_jitter 1e-8, e0 Si = 0 (SW isolated atom).
      zuo_si  Zuo et al. 2020 Si train split (214 cells, 13 233 atoms; energies and forces), the size
              of their Ge problem (Ge is not in this copy of the data): cutoff 5.4, n_max 8, l_max 8,
              2000 sparse points, default_sigma {0.01 0.05 0.01 1}, sparse_jitter 1e-8, e0 Si = −0.79;
              held-out set: the Si test split.
      sw_gap18  (optional, not run by default) the sw500 data with a GAP-18-sized SOAP: n_max 10,
              l_max 12, 2000 sparse points; fitted for predict_speed.py's large-model case.
    The sw500 (and sw_gap18) models are the ones predict_speed.py times.

Results are cached in bench/.data/fit_speed/<case>/{swiftgap,gap_fit}.json; --force refits.

How to run (from the repository root)
    .venv/bin/python bench/fit_speed.py                   # both cases (gap_fit zuo_si takes ~1 h)
    .venv/bin/python bench/fit_speed.py --cases sw500
    .venv/bin/python bench/fit_speed.py --table
"""
import argparse
import json
import os

import gap_common as gc
import sw_silicon


def cases():
    sw = {"cutoff": 5.0, "cutoff_transition_width": 0.5, "n_max": 8, "l_max": 6, "atom_sigma": 0.5, "zeta": 4,
          "delta": 1.0, "n_sparse": 500, "sigma": [0.001, 0.05, 0.05, 0.0], "jitter": 1e-8, "e0": {"Si": 0.0}}
    zuo = {"cutoff": 5.4, "cutoff_transition_width": 0.5, "n_max": 8, "l_max": 8, "atom_sigma": 0.5, "zeta": 4,
           "delta": 1.0, "n_sparse": 2000, "sigma": [0.01, 0.05, 0.01, 1.0], "jitter": 1e-8, "e0": {"Si": -0.79}}
    big = dict(sw, n_max=10, l_max=12, n_sparse=2000)
    return {
        "sw_gap18": {"settings": big, "forces_key": "forces", "virial_key": "virial",
                     "train": lambda: sw_silicon.write_set(os.path.join(gc.DATA_DIR, "fit_speed", "sw64_train.xyz"), 100, 2, 1),
                     "test": lambda: sw_silicon.write_set(os.path.join(gc.DATA_DIR, "fit_speed", "sw64_test.xyz"), 20, 2, 2)},
        "sw500": {"settings": sw, "forces_key": "forces", "virial_key": "virial",
                  "train": lambda: sw_silicon.write_set(os.path.join(gc.DATA_DIR, "fit_speed", "sw64_train.xyz"), 100, 2, 1),
                  "test": lambda: sw_silicon.write_set(os.path.join(gc.DATA_DIR, "fit_speed", "sw64_test.xyz"), 20, 2, 2)},
        "zuo_si": {"settings": zuo, "forces_key": "force", "virial_key": None,
                   "train": lambda: gc.linked(os.path.join(gc.DATASETS, "zuo2020", "Si_train.xyz")),
                   "test": lambda: gc.linked(os.path.join(gc.DATASETS, "zuo2020", "Si_test.xyz"))},
    }


def run(name, case, tool, binary, threads, force, idle_wait):
    folder = gc.mkdir(gc.DATA_DIR, "fit_speed", name)
    path = os.path.join(folder, f"{tool}.json")
    if os.path.exists(path) and not force:
        return gc.load_json(path)
    s = case["settings"]
    train, test = case["train"](), case["test"]()
    if name.startswith("sw"):   # gap_fit's .idx goes next to its input: keep the generated files' folder clean
        train = gc.linked(train, "links-sw")
    load = gc.wait_idle(idle_wait)
    logf = os.path.join(folder, f"{tool}-fit.log")
    if tool == "gap_fit":
        model = os.path.join(folder, "gap_fit.xml")
        cmd = gc.gap_fit_command(train, model, s, ["Si"], energy_key="energy", forces_key=case["forces_key"],
                                 virial_key=case["virial_key"])
        info = gc.timed(cmd, logf, env=gc.env_threads(threads), cwd=folder)
    else:
        model = os.path.join(folder, "swiftgap.gap")
        metrics = os.path.join(folder, "swiftgap-metrics.json")
        cmd = gc.swiftgap_fit_command(binary, train, model, s, threads, metrics=metrics, energy_key="energy",
                                      forces_key=case["forces_key"])
        info = gc.timed(cmd, logf, env=gc.env_threads(threads))
    gc.log(f"[{name}] {tool}: {info['seconds']:.1f} s, {gc.gb(info['peak_rss_bytes']):.2f} GB (load before {load:.2f})")
    if info["returncode"] != 0:
        raise SystemExit(f"[{name}] {tool} failed: {' '.join(map(str, cmd))}\n{gc.tail(logf)}")
    result = {"case": name, "tool": tool, "settings": s, "fit": info, "load_before": load, "threads": threads,
              "command": [os.path.basename(str(cmd[0]))] + [str(c) for c in cmd[1:]],
              "test": gc.model_errors(tool, model, test, binary, forces_key=case["forces_key"], threads=threads),
              "model": model,
              "revision": gc.git_revision() if tool == "swiftgap" else None}
    if tool == "swiftgap":
        result["swiftgap_metrics"] = gc.load_json(metrics)
    gc.save_json(path, result)
    return result


def table(results):
    print("Fit speed, 2 threads each: wall time (s) and peak RSS (GB); held-out MAE E meV/atom / F meV/Å")
    print(f"{'case':<8} {'gap_fit s':>10} {'SwiftGAP s':>10} {'ratio':>7} {'gap_fit GB':>10} {'SwiftGAP GB':>11} "
          f"{'ratio':>7} {'gap_fit test':>13} {'SwiftGAP test':>13}")
    for name, r in results.items():
        g, s = r.get("gap_fit"), r.get("swiftgap")

        def err(x):
            return f"{x['test']['energy_mae_per_atom'] * 1e3:.2f} / {x['test']['forces_mae'] * 1e3:.1f}" if x else "—"

        gs = f"{g['fit']['seconds']:.1f}" if g else "—"
        ss = f"{s['fit']['seconds']:.1f}" if s else "—"
        gm = f"{gc.gb(g['fit']['peak_rss_bytes']):.2f}" if g else "—"
        sm = f"{gc.gb(s['fit']['peak_rss_bytes']):.2f}" if s else "—"
        rt = f"{g['fit']['seconds'] / s['fit']['seconds']:.1f}×" if g and s else "—"
        rm = f"{g['fit']['peak_rss_bytes'] / s['fit']['peak_rss_bytes']:.1f}×" if g and s else "—"
        print(f"{name:<8} {gs:>10} {ss:>10} {rt:>7} {gm:>10} {sm:>11} {rm:>7} {err(g):>13} {err(s):>13}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", nargs="+", default=["sw500", "zuo_si"], choices=["sw500", "zuo_si", "sw_gap18"])
    parser.add_argument("--tools", nargs="+", default=["swiftgap", "gap_fit"], choices=["swiftgap", "gap_fit"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--idle-wait", type=float, default=180, help="max seconds to wait for an idle machine")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    all_cases = cases()
    results = {}
    binary = None if args.table else gc.swiftgap_binary(args.swiftgap)
    for name in args.cases:
        results[name] = {}
        for tool in args.tools:
            p = os.path.join(gc.DATA_DIR, "fit_speed", name, f"{tool}.json")
            if args.table:
                if os.path.exists(p):
                    results[name][tool] = gc.load_json(p)
            else:
                results[name][tool] = run(name, all_cases[name], tool, binary, args.threads, args.force, args.idle_wait)
    table(results)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
