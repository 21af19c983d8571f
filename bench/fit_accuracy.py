"""Fitting accuracy on Zuo et al. 2020 (Si, Cu, Ni, Li): SwiftGAP and gap_fit with the published GAP settings.

What it does
    For each element it reads the published gap_fit command line
    (``<datasets>/zuo2020/<El>_gap_fit_command_line.txt``) and fits the train split
    (``<El>_train.xyz``; keys ``energy`` and per-atom ``force``; no virials) with the same settings:
    SOAP l_max, n_max, atom_sigma, cutoff, cutoff_transition_width, zeta, dot-product kernel with δ,
    n_sparse CUR points, sparse_jitter, e0 and default_sigma {E F V H}. The published files name the
    keys dft_energy/dft_force; the extxyz copies here use energy/force, so those names are passed.
      * SwiftGAP: ``swiftgap fit train -o POT --cutoff … --n-sparse … --sparse-method cur
        --sigma-energy E --sigma-force F --sigma-virial V --jitter J --e0 El=… --threads 2``;
      * gap_fit (quippy-ase): ``gap_fit at_file=train gap={soap … sparse_method=cur_points
        covariance_type=dot_product} default_sigma={E F V H} sparse_jitter=J e0={El:…}
        energy_parameter_name=energy force_parameter_name=force gp_file=…`` with OMP_NUM_THREADS=2 and
        OPENBLAS_NUM_THREADS=2 (this gap_fit build has no OpenMP, so only its LAPACK/BLAS calls use
        the second core).
    Both fits run under ``/usr/bin/time -v`` (wall time, peak RSS). Then each model predicts the train
    and test splits: gap_fit's xml through quippy (``atoms.calc = Potential(param_filename=xml)``),
    SwiftGAP's model through ``swiftgap predict --no-variance``; the MAEs (energy per atom, force
    components) are computed from those predictions by the same Python code for both.
    Published figures: Zuo et al., J. Phys. Chem. A 124, 731 (2020), GAP test MAE, as transcribed in
    published_figures.csv (secondary source).

Results are cached in bench/.data/fit_accuracy/<El>/{swiftgap,gap_fit}.json (fitted models beside them);
a second run only prints the table unless --force. gap_fit with 4000 sparse points takes a long time
(tens of minutes per element on 2 cores), so the elements run one at a time.

How to run (from the repository root)
    .venv/bin/python bench/fit_accuracy.py                              # all four elements, both tools
    .venv/bin/python bench/fit_accuracy.py --elements Si --tools swiftgap
    .venv/bin/python bench/fit_accuracy.py --table                      # only print cached results
    .venv/bin/python bench/fit_accuracy.py --swiftgap path/to/swiftgap  # a particular binary
"""
import argparse
import json
import os
import re

import gap_common as gc

ELEMENTS = ["Si", "Cu", "Ni", "Li"]
PUBLISHED = {"Si": (2.91, 0.07), "Cu": (0.46, 0.01), "Ni": (0.42, 0.02), "Li": (0.49, 0.01)}  # meV/atom, eV/Å


def published_settings(element):
    """Settings of the published GAP, parsed from <El>_gap_fit_command_line.txt."""
    path = os.path.join(gc.DATASETS, "zuo2020", f"{element}_gap_fit_command_line.txt")
    text = open(path).read()
    gap = re.search(r"gap=\{([^}]*)\}", text).group(1)
    kv = dict(re.findall(r"(\w+)=(\S+)", gap))
    sigma = [float(x) for x in re.search(r"default_sigma=\{([^}]*)\}", text).group(1).split()]
    return {
        "cutoff": float(kv["cutoff"]), "cutoff_transition_width": float(kv["cutoff_transition_width"]),
        "n_max": int(kv["n_max"]), "l_max": int(kv["l_max"]), "atom_sigma": float(kv["atom_sigma"]),
        "zeta": float(kv["zeta"]), "delta": float(kv["delta"]), "n_sparse": int(kv["n_sparse"]),
        "sigma": sigma, "jitter": float(re.search(r"sparse_jitter=(\S+)", text).group(1)),
        "e0": {element: float(re.search(r"\be0=(\S+)", text).group(1))},
        "command_line": text.strip(),
    }


def run(element, tool, binary, threads, force):
    folder = gc.mkdir(gc.DATA_DIR, "fit_accuracy", element)
    result_path = os.path.join(folder, f"{tool}.json")
    if os.path.exists(result_path) and not force:
        return gc.load_json(result_path)
    s = published_settings(element)
    train = gc.linked(os.path.join(gc.DATASETS, "zuo2020", f"{element}_train.xyz"))
    test = gc.linked(os.path.join(gc.DATASETS, "zuo2020", f"{element}_test.xyz"))
    env = gc.env_threads(threads)
    logf = os.path.join(folder, f"{tool}-fit.log")
    if tool == "gap_fit":
        model = os.path.join(folder, "gap_fit.xml")
        cmd = gc.gap_fit_command(train, model, s, [element], energy_key="energy", forces_key="force")
        gc.log(f"[{element}] gap_fit: {' '.join(cmd)}")
        run_info = gc.timed(cmd, logf, env=env, cwd=folder)
    else:
        model = os.path.join(folder, "swiftgap.gap")
        metrics = os.path.join(folder, "swiftgap-metrics.json")
        cmd = gc.swiftgap_fit_command(binary, train, model, s, threads, test=test, metrics=metrics,
                                      energy_key="energy", forces_key="force")
        gc.log(f"[{element}] swiftgap: {' '.join(cmd)}")
        run_info = gc.timed(cmd, logf, env=env)
    if run_info["returncode"] != 0:
        raise SystemExit(f"[{element}] {tool} failed (rc {run_info['returncode']}), log {logf}:\n{gc.tail(logf)}")
    gc.log(f"[{element}] {tool} fit: {run_info['seconds']:.1f} s, {gc.gb(run_info['peak_rss_bytes']):.2f} GB")
    errs = {name: gc.model_errors(tool, model, path, binary, forces_key="force", threads=2,
                                  log=os.path.join(folder, f"predict-{name}.log"))
            for name, path in (("train", train), ("test", test))}
    result = {"element": element, "tool": tool, "settings": s, "command": [os.path.basename(str(cmd[0]))] + [str(c) for c in cmd[1:]],
              "fit": run_info, "errors": errs, "threads": threads,
              "revision": gc.git_revision() if tool == "swiftgap" else None}
    if tool == "swiftgap":
        result["swiftgap_metrics"] = gc.load_json(metrics)
    gc.save_json(result_path, result)
    return result


def table(results, elements):
    print("Zuo et al. 2020 — MAE, energy meV/atom / forces eV/Å, test and train splits; "
          "fit wall time (CPU time, user+system) and peak RSS, 2 threads")
    head = (f"{'El':<3} {'published GAP':>14} {'gap_fit test':>14} {'SwiftGAP test':>14} "
            f"{'gap_fit train':>14} {'SwiftGAP train':>15} {'gap_fit fit':>22} {'SwiftGAP fit':>22} {'time ratio':>10}")
    print(head)
    for el in elements:
        pub = PUBLISHED[el]
        cells = [f"{el:<3}", f"{pub[0]:.2f} / {pub[1]:.2f}".rjust(14)]
        r = results.get(el, {})

        def pair(tool, split):
            x = r.get(tool)
            if not x:
                return "—"
            e = x["errors"][split]
            return f"{e['energy_mae_per_atom'] * 1e3:.2f} / {e['forces_mae']:.3f}"

        def fit(tool):
            x = r.get(tool)
            if not x:
                return "—"
            cpu = x["fit"].get("cpu_seconds") or gc.time_stats(x["fit"]["log"] + ".time").get("cpu_seconds", float("nan"))
            return f"{x['fit']['seconds']:.0f} s ({cpu:.0f}) {gc.gb(x['fit']['peak_rss_bytes']):.2f} GB"

        cells += [pair("gap_fit", "test").rjust(14), pair("swiftgap", "test").rjust(14),
                  pair("gap_fit", "train").rjust(14), pair("swiftgap", "train").rjust(15),
                  fit("gap_fit").rjust(22), fit("swiftgap").rjust(22)]
        if r.get("gap_fit") and r.get("swiftgap"):
            cells.append(f"{r['gap_fit']['fit']['seconds'] / r['swiftgap']['fit']['seconds']:.1f}×".rjust(10))
        else:
            cells.append("—".rjust(10))
        print(" ".join(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elements", nargs="+", default=ELEMENTS, choices=ELEMENTS)
    parser.add_argument("--tools", nargs="+", default=["swiftgap", "gap_fit"], choices=["swiftgap", "gap_fit"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--force", action="store_true", help="refit even when a cached result exists")
    parser.add_argument("--table", action="store_true", help="only print the cached results")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args()

    results = {}
    binary = None if args.table else gc.swiftgap_binary(args.swiftgap)
    for el in args.elements:
        results[el] = {}
        for tool in args.tools:
            path = os.path.join(gc.DATA_DIR, "fit_accuracy", el, f"{tool}.json")
            if args.table:
                if os.path.exists(path):
                    results[el][tool] = gc.load_json(path)
                continue
            results[el][tool] = run(el, tool, binary, args.threads, args.force)
    table(results, args.elements)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
