"""Fitting accuracy on revised MD17 (ethanol, malonaldehyde, uracil, toluene, benzene; split 01): SwiftGAP
(and optionally gap_fit on chosen molecules) beside the published GAP figures.

What it does
    Data: ``<datasets>/rmd17/rmd17_<mol>_{train,test}_01.xyz`` (1000 + 1000 configurations, keys
    ``energy`` and ``forces``, eV and eV/Å). E0 of each element comes from ``isolated_atoms.xyz``
    (same DFT level) and is passed as ``--e0 H=…,C=…,O=…,N=…``.
    1. Hyper-parameters are chosen on the TRAIN file only: its 1000 configurations are shuffled
       (numpy seed 0) and split into 900 for fitting and 100 for validation (written as raw extxyz
       slices to the scratch folder, never into the repository). Starting from a base setting
       (cutoff 5, width 0.5, n_max 8, l_max 6, atom_sigma 0.5, ζ 4, δ 4, σ_E 0.0005 eV/atom,
       σ_F 0.01 eV/Å, CUR sparse points; δ, σ_E and σ_F from a first search on ethanol's 900/100
       split), one setting at a time is varied over a short list (σ_F, σ_E, δ, (n_max, l_max),
       atom_sigma, sparse points per element) and the value with the lowest validation score
       √(E_MAE · F_MAE) is kept (coordinate descent, one pass). The test file is not read.
    2. The chosen setting is refitted on all 1000 train configurations and evaluated on the 1000 test
       configurations: energy MAE per molecule (total, meV — the published tables are per molecule,
       not per atom) and force-component MAE (meV/Å).
    n_sparse is per element and ``swiftgap fit`` refuses more sparse points than an element has atoms,
    so each element gets min(requested, its atoms in the fitting set), passed as --n-sparse
    "2000,O=900,C=1800": e.g. ethanol has one O per molecule, 900 O atoms in the 900-configuration fit.
    The last search step tries 1000, 2000 and 4000 requested sparse points per element.
    With ``--gap-fit MOL …`` the final setting is also fitted with gap_fit (same sparse count, CUR,
    default_sigma {σ_E σ_F 0 0}, e0 from isolated atoms) and evaluated with quippy. gap_fit silently
    drops the energies of configurations without a Lattice (it reports "Number of target energies …
    found: 0" and fits forces only), so it gets a scratch copy of the train file with a 50 Å
    Lattice added (pbc stays "F F F"); quippy predicts on the original test file.
    All errors are computed by the same Python code from each tool's raw predictions.
    Published GAP: Kovács et al., JCTC 17, 7696 (2021), as quoted in the MACE / Allegro tables
    (published_figures.csv).

Results are cached in bench/.data/rmd17/ (search log per molecule, final models and JSON); --force refits.

How to run (from the repository root)
    .venv/bin/python bench/fit_rmd17.py                               # search + final fit, all five
    .venv/bin/python bench/fit_rmd17.py --molecules ethanol --gap-fit ethanol
    .venv/bin/python bench/fit_rmd17.py --no-search                   # final fits with the base setting
    .venv/bin/python bench/fit_rmd17.py --table                       # print cached results
"""
import argparse
import copy
import json
import math
import os

import numpy as np

import gap_common as gc

MOLECULES = ["ethanol", "malonaldehyde", "uracil", "toluene", "benzene"]
PUBLISHED = {"ethanol": (3.5, 18.1), "malonaldehyde": (4.8, 26.4), "uracil": (3.0, 17.6),
             "toluene": (4.0, 17.8), "benzene": (0.75, 6.0)}  # GAP MAE, meV and meV/Å
BASE = {"cutoff": 5.0, "cutoff_transition_width": 0.5, "n_max": 8, "l_max": 6, "atom_sigma": 0.5, "zeta": 4,
        "delta": 4.0, "sigma": [0.0005, 0.01, 0.0, 0.0], "jitter": 1e-8}
# Coordinate-descent search: (name, values); each is applied by `apply`.
SEARCH = [
    ("sigma_F", [0.005, 0.01, 0.02]),
    ("sigma_E", [0.0002, 0.0005, 0.001, 0.002]),
    ("delta", [1.0, 4.0, 16.0]),
    ("nl", [(8, 4), (8, 6), (10, 6)]),
    ("atom_sigma", [0.4, 0.5]),
    ("sparse_per_element", [1000, 2000, 4000]),   # per element, each capped at that element's atom count
]


def apply(s, name, value):
    s = copy.deepcopy(s)
    if name == "sigma_F":
        s["sigma"][1] = value
    elif name == "sigma_E":
        s["sigma"][0] = value
    elif name == "nl":
        s["n_max"], s["l_max"] = value
    elif name == "sparse_per_element":
        s["n_sparse_request"] = value
    else:
        s[name] = value
    return s


def describe(s):
    return (f"n{s['n_max']} l{s['l_max']} as{s['atom_sigma']} δ{s['delta']} σE{s['sigma'][0]} σF{s['sigma'][1]} "
            f"M{s['n_sparse']}")


def isolated_e0():
    import ase.io
    e0 = {}
    for a in ase.io.read(os.path.join(gc.DATASETS, "rmd17", "isolated_atoms.xyz"), ":"):
        e0[a.get_chemical_symbols()[0]] = float(a.calc.results["energy"]) if a.calc else float(a.info["energy"])
    return e0


def split_train(mol):
    """900/100 split of the train file (seed 0), written to the scratch folder."""
    folder = gc.mkdir(gc.SCRATCH, "rmd17")
    fit, val = os.path.join(folder, f"{mol}_fit900.xyz"), os.path.join(folder, f"{mol}_val100.xyz")
    if not (os.path.exists(fit) and os.path.exists(val)):
        frames = gc.raw_frames(os.path.join(gc.DATASETS, "rmd17", f"rmd17_{mol}_train_01.xyz"))
        order = np.random.default_rng(0).permutation(len(frames))
        with open(fit, "w") as f:
            for k in order[:900]:
                f.writelines(frames[k])
        with open(val, "w") as f:
            for k in order[900:]:
                f.writelines(frames[k])
    return fit, val


def with_lattice(path, box=50.0):
    """A copy of ``path`` (in the scratch folder) with Lattice="box 0 0 0 box 0 0 0 box" added to every
    comment line, pbc unchanged ("F F F"). gap_fit ignores the energy of a configuration that has no
    Lattice ("Number of target energies … found: 0") and then fits forces only; with a lattice it reads
    them. SwiftGAP reads the original file."""
    out = os.path.join(gc.mkdir(gc.SCRATCH, "rmd17"), os.path.basename(path).replace(".xyz", "_lattice.xyz"))
    if not os.path.exists(out):
        with open(out, "w") as f:
            for frame in gc.raw_frames(path):
                comment = frame[1]
                if "Lattice=" not in comment:
                    comment = f'Lattice="{box} 0 0 0 {box} 0 0 0 {box}" ' + comment
                f.write(frame[0])
                f.write(comment)
                f.writelines(frame[2:])
    return out


def species_counts(path):
    import ase.io
    counts = {}
    for a in ase.io.read(path, ":"):
        for sym in a.get_chemical_symbols():
            counts[sym] = counts.get(sym, 0) + 1
    return counts


def swift_fit_eval(binary, train, evals, s, folder, tag, threads):
    """Fits with swiftgap and returns (fit info, {name: errors}) on the files in ``evals``."""
    model = os.path.join(folder, f"{tag}.gap")
    cmd = gc.swiftgap_fit_command(binary, train, model, s, threads, energy_key="energy", forces_key="forces")
    info = gc.timed(cmd, os.path.join(folder, f"{tag}-fit.log"), env=gc.env_threads(threads))
    if info["returncode"] != 0:
        raise SystemExit(f"swiftgap fit failed: {' '.join(cmd)}\n{gc.tail(info['log'])}")
    out = {name: gc.model_errors("swiftgap", model, path, binary, threads=threads) for name, path in evals.items()}
    return info, out, cmd, model


def score(err):
    return math.sqrt(err["energy_mae"] * err["forces_mae"])


def cap(s, counts):
    """``s`` with n_sparse = min(requested, atoms of the element) per element: the requested count, or
    swiftgap's per-element form such as "2000,O=900,C=1800" when some elements have fewer atoms."""
    s = copy.deepcopy(s)
    request = s["n_sparse_request"]
    fewer = {el: n for el, n in sorted(counts.items()) if n < request}
    s["n_sparse"] = request if not fewer else ",".join([str(request)] + [f"{el}={n}" for el, n in fewer.items()])
    return s


def search(mol, binary, threads, n_sparse, force):
    """Coordinate descent over SEARCH on the 900/100 split of the train file; resumable (the result
    after each step is saved in search.json, and steps added to SEARCH later are run on the next call)."""
    folder = gc.mkdir(gc.DATA_DIR, "rmd17", mol, "search")
    path = os.path.join(gc.DATA_DIR, "rmd17", mol, "search.json")
    fit, val = split_train(mol)
    counts = species_counts(fit)
    tried, done = {}, []
    if os.path.exists(path) and not force:
        result = gc.load_json(path)
        for x in result["tried"]:
            x["settings"].setdefault("n_sparse_request", n_sparse)
            tried[describe(x["settings"])] = x
        best = result["best"]
        best.setdefault("n_sparse_request", n_sparse)
        # Searches saved before the n_sparse step existed ran the first five steps.
        done = result.get("done_steps", [name for name, _ in SEARCH[:5]])
    else:
        e0 = isolated_e0()
        best = copy.deepcopy(BASE)
        best["e0"] = {el: e0[el] for el in counts}
        best["n_sparse_request"] = n_sparse
        best = cap(best, counts)

    def evaluate(s):
        key = describe(s)
        if key not in tried:
            tag = f"m{len(tried):02d}"
            info, errs, _, model = swift_fit_eval(binary, fit, {"val": val}, s, folder, tag, threads)
            os.remove(model)
            tried[key] = {"settings": s, "val": errs["val"], "fit_seconds": info["seconds"]}
            v = errs["val"]
            gc.log(f"[{mol}] {key}: val E {v['energy_mae'] * 1e3:.2f} meV, F {v['forces_mae'] * 1e3:.1f} meV/Å "
                   f"({info['seconds']:.0f} s)")
        return score(tried[key]["val"])

    def save():
        result = {"molecule": mol, "best": best, "best_score_meV": best_score * 1e3, "done_steps": done,
                  "tried": list(tried.values()), "fit_file_counts": counts}
        gc.save_json(path, result)
        return result

    best_score = evaluate(best)
    result = save()
    for name, values in SEARCH:
        if name in done:
            continue
        for v in values:
            s = cap(apply(best, name, v), counts)
            sc = evaluate(s)
            if sc < best_score:
                best, best_score = s, sc
        done.append(name)
        result = save()
    return result


def final(mol, binary, threads, settings, n_sparse, force, tools):
    folder = gc.mkdir(gc.DATA_DIR, "rmd17", mol)
    path = os.path.join(folder, "final.json")
    result = gc.load_json(path) if os.path.exists(path) and not force else {"molecule": mol}
    train = gc.linked(os.path.join(gc.DATASETS, "rmd17", f"rmd17_{mol}_train_01.xyz"))
    test = gc.linked(os.path.join(gc.DATASETS, "rmd17", f"rmd17_{mol}_test_01.xyz"))
    s = copy.deepcopy(settings)
    s.setdefault("n_sparse_request", n_sparse)
    s = cap(s, species_counts(train))
    for tool in ("swiftgap", "gap_fit"):   # a cached fit with other settings is redone
        if tool in result and describe(result[tool]["settings"]) != describe(s):
            del result[tool]
    if "swiftgap" in tools and "swiftgap" not in result:
        info, errs, cmd, model = swift_fit_eval(binary, train, {"train": train, "test": test}, s, folder,
                                                "swiftgap", threads)
        result["swiftgap"] = {"fit": info, "errors": errs, "settings": s, "command": cmd[1:]}
        gc.log(f"[{mol}] SwiftGAP test: E {errs['test']['energy_mae'] * 1e3:.2f} meV, "
               f"F {errs['test']['forces_mae'] * 1e3:.1f} meV/Å; fit {info['seconds']:.0f} s")
        gc.save_json(path, result)
    if "gap_fit" in tools and "gap_fit" not in result:
        if not isinstance(s["n_sparse"], int):
            raise SystemExit(f"[{mol}] gap_fit is run here with one n_sparse for all elements (add_species); the "
                             f"setting has {s['n_sparse']}: use --no-search --n-sparse N for the gap_fit comparison")
        xml = os.path.join(folder, "gap_fit.xml")
        cmd = gc.gap_fit_command(with_lattice(train), xml, s, list(s["e0"]), energy_key="energy", forces_key="forces")
        gc.log(f"[{mol}] gap_fit: {' '.join(cmd)}")
        info = gc.timed(cmd, os.path.join(folder, "gap_fit-fit.log"), env=gc.env_threads(threads), cwd=folder)
        if info["returncode"] != 0:
            raise SystemExit(f"gap_fit failed: {' '.join(cmd)}\n{gc.tail(info['log'])}")
        errs = {name: gc.model_errors("gap_fit", xml, p) for name, p in (("train", train), ("test", test))}
        result["gap_fit"] = {"fit": info, "errors": errs, "settings": s, "command": cmd[1:]}
        gc.log(f"[{mol}] gap_fit test: E {errs['test']['energy_mae'] * 1e3:.2f} meV, "
               f"F {errs['test']['forces_mae'] * 1e3:.1f} meV/Å; fit {info['seconds']:.0f} s")
        gc.save_json(path, result)
    return result


def table(results):
    print("rMD17 (split 01, 1000 train / 1000 test) — test MAE: energy meV per molecule / forces meV/Å")
    print(f"{'molecule':<14} {'published GAP':>14} {'SwiftGAP':>14} {'gap_fit':>14} {'SwiftGAP train':>15} "
          f"{'fit s (Swift)':>13} {'fit s (gap_fit)':>15}  setting (chosen on 900/100 of train)")
    for mol, r in results.items():
        pub = PUBLISHED[mol]

        def pair(tool, split="test"):
            x = r.get(tool)
            if not x:
                return "—"
            e = x["errors"][split]
            return f"{e['energy_mae'] * 1e3:.2f} / {e['forces_mae'] * 1e3:.1f}"

        fs = f"{r['swiftgap']['fit']['seconds']:.0f}" if r.get("swiftgap") else "—"
        fg = f"{r['gap_fit']['fit']['seconds']:.0f}" if r.get("gap_fit") else "—"
        setting = describe(r["swiftgap"]["settings"]) if r.get("swiftgap") else ""
        print(f"{mol:<14} {f'{pub[0]} / {pub[1]}':>14} {pair('swiftgap'):>14} {pair('gap_fit'):>14} "
              f"{pair('swiftgap', 'train'):>15} {fs:>13} {fg:>15}  {setting}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--molecules", nargs="+", default=MOLECULES, choices=MOLECULES)
    parser.add_argument("--gap-fit", nargs="*", default=[], choices=MOLECULES, help="also fit these with gap_fit")
    parser.add_argument("--n-sparse", type=int, default=1000, help="sparse points per element of the base setting")
    parser.add_argument("--threads", type=int, default=2, help="threads of the final fits")
    parser.add_argument("--search-threads", type=int, default=2, help="threads of the validation-search fits")
    parser.add_argument("--no-search", action="store_true", help="use the base setting, no validation search")
    parser.add_argument("--swiftgap", help="swiftgap binary (default .build/release/swiftgap)")
    parser.add_argument("--force", action="store_true", help="redo search and fits")
    parser.add_argument("--refit", action="store_true", help="redo the final fits (keep the cached search)")
    parser.add_argument("--table", action="store_true", help="only print cached results")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    results = {}
    if args.table:
        for mol in args.molecules:
            p = os.path.join(gc.DATA_DIR, "rmd17", mol, "final.json")
            if os.path.exists(p):
                results[mol] = gc.load_json(p)
    else:
        binary = gc.swiftgap_binary(args.swiftgap)
        e0 = isolated_e0()
        for mol in args.molecules:
            if args.no_search:
                s = dict(copy.deepcopy(BASE), n_sparse_request=args.n_sparse)
            else:
                s = search(mol, binary, args.search_threads, args.n_sparse, args.force)["best"]
            train = os.path.join(gc.DATASETS, "rmd17", f"rmd17_{mol}_train_01.xyz")
            s["e0"] = {el: e0[el] for el in species_counts(train)}
            tools = ["swiftgap"] + (["gap_fit"] if mol in args.gap_fit else [])
            results[mol] = final(mol, binary, args.threads, s, args.n_sparse, args.force or args.refit, tools)
    table(results)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
