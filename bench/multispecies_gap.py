"""Fit and prediction speed of a multi-species SOAP GAP (rMD17 uracil: C, H, N, O), recorded per revision so
that a change of the descriptor path can be reported before and after.

What it measures
    ``swiftgap fit`` on the first 300 configurations of ``rmd17_uracil_train_01.xyz`` (3 600 atoms, energies and
    forces) with the base settings of fit_rmd17.py (cutoff 5, width 0.5, n_max 8, l_max 6, atom σ 0.5, ζ 4, δ 4,
    σ_E 0.0005, σ_F 0.01, CUR, 300 sparse points per element, e0 from isolated_atoms.xyz), and
    ``swiftgap predict`` of the fitted model on the 1000 configurations of the test split (energies and forces,
    no variance). Each run is timed under ``/usr/bin/time -v`` on --threads threads (default 1): wall seconds,
    user+system CPU seconds and peak RSS; the minimum over --repeats runs is kept. Results go to
    bench/.data/multispecies_gap/<revision>.json, the revision being ``git rev-parse --short HEAD`` (or --label);
    ``--table`` prints every recorded revision with its ratio to the first (oldest) one.

How to run (from the repository root)
    .venv/bin/python bench/multispecies_gap.py                    # builds .build/release/swiftgap if missing
    .venv/bin/python bench/multispecies_gap.py --swiftgap PATH --label before
    .venv/bin/python bench/multispecies_gap.py --table
"""
import argparse
import glob
import json
import os

import gap_common as gc

SETTINGS = {"cutoff": 5.0, "cutoff_transition_width": 0.5, "n_max": 8, "l_max": 6, "atom_sigma": 0.5, "zeta": 4,
            "delta": 4.0, "n_sparse": 300, "sigma": [0.0005, 0.01, 0.0, 0.0], "jitter": 1e-8}
RESULTS = os.path.join(gc.DATA_DIR, "multispecies_gap")


def isolated_e0():
    """E0 per element from the rMD17 isolated atoms (same DFT level)."""
    import ase.io
    e0 = {}
    for a in ase.io.read(os.path.join(gc.DATASETS, "rmd17", "isolated_atoms.xyz"), ":"):
        e0[a.get_chemical_symbols()[0]] = float(a.info["energy"] if "energy" in a.info else a.calc.results["energy"])
    return e0


def training_subset(count):
    """The first ``count`` configurations of the uracil train split, in the scratch folder."""
    source = os.path.join(gc.DATASETS, "rmd17", "rmd17_uracil_train_01.xyz")
    path = os.path.join(gc.mkdir(gc.SCRATCH, "multispecies_gap"), f"uracil_train_{count}.xyz")
    if not os.path.exists(path):
        with open(source) as f:
            lines = f.readlines()
        out, i = [], 0
        for _ in range(count):
            n = int(lines[i])
            out += lines[i:i + n + 2]
            i += n + 2
        with open(path + ".tmp", "w") as f:
            f.writelines(out)
        os.replace(path + ".tmp", path)
    return path


def measure(binary, threads, repeats, configs):
    train = training_subset(configs)
    test = os.path.join(gc.DATASETS, "rmd17", "rmd17_uracil_test_01.xyz")
    work = gc.mkdir(gc.SCRATCH, "multispecies_gap", "runs")
    model = os.path.join(work, "uracil.gap")
    settings = dict(SETTINGS, e0={k: v for k, v in isolated_e0().items() if k in "CHNO"})
    fit_cmd = gc.swiftgap_fit_command(binary, train, model, settings, threads)
    predicted = os.path.join(work, "predicted.xyz")
    predict_cmd = [binary, "predict", model, test, "-o", predicted, "--no-variance", "--threads", str(threads)]
    out = {}
    for name, cmd in (("fit", fit_cmd), ("predict", predict_cmd)):
        best = None
        for k in range(repeats):
            gc.wait_idle(max_wait=60)
            r = gc.timed(cmd, os.path.join(work, f"{name}.log"), env=gc.env_threads(threads))
            if r["returncode"] != 0:
                raise SystemExit(f"{name} failed:\n{gc.tail(r['log'])}")
            if best is None or r["seconds"] < best["seconds"]:
                best = r
        out[name] = {k: best[k] for k in ("seconds", "cpu_seconds", "peak_rss_bytes")}
        print(f"{name:8s} {best['seconds']:8.2f} s wall {best['cpu_seconds']:8.2f} s CPU "
              f"{best['peak_rss_bytes'] / 2**20:8.0f} MiB", flush=True)
    return out


def table():
    rows = []
    for path in sorted(glob.glob(os.path.join(RESULTS, "*.json")), key=os.path.getmtime):
        with open(path) as f:
            rows.append(json.load(f))
    if not rows:
        print("no results yet")
        return
    first = rows[0]
    print(f"{'revision':>16} {'threads':>7} {'fit s':>14} {'fit CPU s':>10} {'predict s':>16} {'predict CPU s':>13}")
    for r in rows:
        def cell(stage, key):
            v, ref = r[stage][key], first[stage][key]
            return f"{v:.2f}" + (f" ({ref / v:.2f}×)" if r is not first else "")
        print(f"{r['revision']:>16} {r['threads']:>7} {cell('fit', 'seconds'):>14} {r['fit']['cpu_seconds']:>10.2f} "
              f"{cell('predict', 'seconds'):>16} {r['predict']['cpu_seconds']:>13.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--configs", type=int, default=300, help="training configurations")
    parser.add_argument("--label", help="name of the recorded result (default: the git revision)")
    parser.add_argument("--table", action="store_true", help="only print recorded results")
    args = parser.parse_args()
    if not args.table:
        binary = gc.swiftgap_binary(args.swiftgap)
        label = args.label or gc.git_revision()
        result = {"revision": label, "threads": args.threads, "configs": args.configs,
                  **measure(binary, args.threads, args.repeats, args.configs)}
        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, f"{label.replace('/', '_')}-{args.threads}t.json"), "w") as f:
            json.dump(result, f, indent=1)
    table()


if __name__ == "__main__":
    main()
