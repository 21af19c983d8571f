"""SOAP speed benchmark: SwiftGAP against featomic, DScribe and quippy, descriptors alone and with
position derivatives, on 1 and 2 threads.

What it measures
    Wall-clock time of one descriptor call on one periodic structure, reported per atom (µs/atom),
    with the same settings everywhere: cutoff 5 Å, n_max 8 radial functions, l_max 6, Gaussian
    atom width 0.5 Å. Each measurement is one untimed warm-up call, then the minimum of up to
    --repeats timed calls (fewer when a call is slow: at most ~10 s of timed calls). A measurement
    whose warm-up call runs longer than 60 s is stopped and printed as "skipped". Before each
    measurement the driver waits (up to 3 min) until the CPUs are idle, since other work on a 2-core
    machine distorts the timings; --rounds N repeats every measurement and keeps the fastest. Every
    measurement is appended to bench/.data/soap-results.jsonl; --reuse counts the ones in there that
    were taken on idle CPUs, so an interrupted or disturbed run can be completed later, and with
    --strict nothing is measured on busy CPUs (it is left "pending" for a later --reuse run).
      * SwiftGAP   ``swiftgap-bench soap FILE --layout quip|dscribe``: ``SOAP.quip(...)`` (QUIP/GAP
                   definition) and ``SOAP.dscribe(...)`` (DScribe definition), ``create`` or
                   ``derivatives`` with threads: T;
      * featomic   ``SoapPowerSpectrum`` (ShiftedCosine cutoff width 0.5, Gaussian density width
                   0.5, GTO radial basis with max_radial 7 = 8 functions, max_angular 6),
                   ``compute(atoms)`` and ``compute(atoms, gradients=["positions"])``; threads via
                   RAYON_NUM_THREADS (set before featomic is imported, so every measurement runs in
                   a fresh process);
      * DScribe    ``SOAP(species, r_cut=5, n_max=8, l_max=6, sigma=0.5, periodic=True)``, ``create``
                   and ``derivatives(method="auto")``, which is numerical for periodic systems and
                   returns a dense centers × atoms × 3 × D array: it is timed on 24 random centers
                   only and reported per center. DScribe parallelises over structures only, so
                   n_jobs=2 is measured by passing the structure twice with the centers split in
                   halves (``create([a, a], centers=[first, second], n_jobs=2)``, joblib processes);
      * quippy     ``Descriptor("soap cutoff=5 cutoff_transition_width=0.5 n_max=8 l_max=6
                   atom_sigma=0.5 n_species=S species_Z={...}")``, ``calc(atoms)`` and
                   ``calc(atoms, grad=True)``; single-threaded (the wheel has no OpenMP).
    Structures (written once to bench/.data/ as extxyz with repr() floats, read back with ase.io.read
    for the Python tools, so every tool sees identical geometry): rattled Si diamond with 216 and
    1000 atoms, 64 water molecules (H, O), 32 water + 16 methanol (H, C, O) and a 135-atom
    Ba₀.₅Sr₀.₅TiO₃ perovskite (O, Ti, Sr, Ba), all periodic.
    --allocator retain runs every tool's process (SwiftGAP's and the Python tools' alike) with glibc's
    malloc set to keep freed memory (GLIBC_TUNABLES: mmap_max=0, a large trim_threshold and top_pad),
    so that a call's output reuses the pages of the previous call's instead of fresh ones from the
    kernel, which must zero every page before handing it out. That zeroing costs about as much as
    writing the memory once more (for the derivatives' hundreds of MB, tens of ms a call on a VM):
    a cost of the operating system and the allocator, paid in proportion to the output's size, not
    of the tool's computation. The default, system, leaves malloc as it is (malloc settings in the
    caller's environment are removed either way); --allocator system retain measures each case under
    both, alternating round by round, and adds a table of each tool's faster of the two. glibc only:
    elsewhere the setting is ignored and the two tables measure the same thing.
    It also prints SwiftGAP's derivative memory (stored values plus rank-one coefficients) against
    what the blocks need (3 × 8 bytes per feature that is non-zero in a block before normalisation:
    a neighbor changes only the species pairs containing its species) and against dense blocks,
    pairs × 3 × D × 8 bytes, where pairs counts the distinct (center, neighbor atom) pairs from
    ase.neighborlist.neighbor_list plus one block per center.

How to run (from the repository root)
    .venv/bin/python bench/soap.py                     # everything, ~5 min
    .venv/bin/python bench/soap.py --only si216 water  # some structures (si216 si1000 water watmeoh bsto)
    .venv/bin/python bench/soap.py --tools swiftgap featomic --json
    .venv/bin/python bench/soap.py --rounds 2          # every measurement twice, fastest kept
    .venv/bin/python bench/soap.py --rounds 3 --reuse  # top up to 3 quiet rounds from earlier runs
    .venv/bin/python bench/soap.py --rounds 3 --reuse --strict --patience 60  # only on idle CPUs
    .venv/bin/python bench/soap.py --no-build          # use bench/.build as it is
    .venv/bin/python bench/soap.py --allocator retain  # every tool with malloc keeping freed pages
    .venv/bin/python bench/soap.py --allocator system retain  # both, and each tool's faster of the two

It builds ``bench/`` first (``swift build -c release --package-path bench``) unless --no-build.
"""
import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import numpy as np

import common
import soap_structures

SPECIES = {"si216": [14], "si1000": [14], "water": [1, 8], "watmeoh": [1, 6, 8], "bsto": [8, 22, 38, 56]}
TOOLS = ["swiftgap", "featomic", "dscribe", "quippy"]
LIMIT = 60.0  # s: a measurement whose warm-up call takes longer is skipped
QUIET = 0.15  # fraction of the CPUs that other work may use before a measurement
LOG = os.path.join(common.DATA_DIR, "soap-results.jsonl")  # every measurement, for --reuse
BUDGET = 10.0  # s: timed calls per measurement, at least one
DSCRIBE_DERIVATIVE_CENTERS = 24
# glibc malloc settings of --allocator retain: no mmap for large blocks (they come from the heap), and the
# heap's top neither trimmed nor grown by less than 1 GB, so freed pages stay mapped for the next call.
ALLOCATORS = {"system": {},
              "retain": {"GLIBC_TUNABLES": "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1099511627776"
                                           ":glibc.malloc.top_pad=1073741824"}}
CUTOFF, N_MAX, L_MAX, SIGMA = 5.0, 8, 6, 0.5


# ---------------------------------------------------------------------------------------------
# Worker: one measurement of one Python tool, in a process of its own (thread settings must be in
# the environment before the tool is imported). Prints {"event": "ready"}, {"event": "warm"} and
# finally the result, one JSON object per line.

def emit(obj):
    print(json.dumps(obj), flush=True)


def featomic_calls(atoms, derivatives, threads):
    import featomic

    t0 = time.perf_counter()
    calc = featomic.SoapPowerSpectrum(
        cutoff={"radius": CUTOFF, "smoothing": {"type": "ShiftedCosine", "width": 0.5}},
        density={"type": "Gaussian", "width": SIGMA},
        basis={"type": "TensorProduct", "max_angular": L_MAX,
               "radial": {"type": "Gto", "max_radial": N_MAX - 1}})  # max_radial is inclusive
    setup = time.perf_counter() - t0
    gradients = ["positions"] if derivatives else None

    def call():
        return calc.compute(atoms, gradients=gradients)

    def describe(out):
        radial = {int(n) for block in out.blocks() for n in block.properties["n_1"]}
        info = {"features": sum(b.values.shape[1] for b in out.blocks()) // len(out),  # per block
                "values_per_atom": sum(b.values.size for b in out.blocks()) / len(atoms),
                "blocks_featomic": len(out), "radial_functions": len(radial)}
        if derivatives:
            info["gradient_bytes"] = sum(b.gradient("positions").values.nbytes for b in out.blocks())
            info["gradient_samples"] = sum(b.gradient("positions").values.shape[0] for b in out.blocks())
        return info

    return setup, call, describe, len(atoms)


def dscribe_calls(atoms, derivatives, threads, species):
    from dscribe.descriptors import SOAP

    t0 = time.perf_counter()
    soap = SOAP(species=species, r_cut=CUTOFF, n_max=N_MAX, l_max=L_MAX, sigma=SIGMA, periodic=True)
    setup = time.perf_counter() - t0
    n = len(atoms)
    if derivatives:
        rng = np.random.default_rng(0)
        centers = sorted(int(i) for i in rng.choice(n, size=min(DSCRIBE_DERIVATIVE_CENTERS, n), replace=False))
    else:
        centers = list(range(n))
    timed = len(centers)
    split = [list(map(int, c)) for c in np.array_split(centers, threads)]

    def call():
        if derivatives:
            if threads == 1:
                return soap.derivatives(atoms, centers=centers, method="auto")
            return soap.derivatives([atoms] * threads, centers=split, method="auto", n_jobs=threads)
        if threads == 1:
            return soap.create(atoms)
        return soap.create([atoms] * threads, centers=split, n_jobs=threads)

    def describe(out):
        info = {"features": soap.get_number_of_features(), "centers_timed": timed,
                "method": soap.validate_derivatives_method("auto", False) if derivatives else None}
        if derivatives:
            # The dense array DScribe returns for all n centers: n × n × 3 × D doubles.
            info["gradient_bytes_all_centers"] = n * n * 3 * soap.get_number_of_features() * 8
        return info

    return setup, call, describe, timed


def quippy_calls(atoms, derivatives, threads, species):
    from quippy.descriptors import Descriptor

    t0 = time.perf_counter()
    desc = Descriptor(f"soap cutoff={CUTOFF:g} cutoff_transition_width=0.5 n_max={N_MAX} l_max={L_MAX} "
                      f"atom_sigma={SIGMA:g} n_species={len(species)} "
                      f"species_Z={{{' '.join(map(str, species))}}}")
    setup = time.perf_counter() - t0

    def call():
        return desc.calc(atoms, grad=derivatives)

    def describe(out):
        info = {"features": int(out["data"].shape[1])}
        if derivatives:
            info["gradient_bytes"] = int(out["grad_data"].nbytes)
            info["blocks"] = int(out["grad_data"].shape[0])
        return info

    return setup, call, describe, len(atoms)


def worker(args):
    import ase.io

    atoms = ase.io.read(args.file)
    species = SPECIES[args.structure]
    if args.worker == "featomic":
        setup, call, describe, centers = featomic_calls(atoms, args.derivatives, args.threads)
    elif args.worker == "dscribe":
        setup, call, describe, centers = dscribe_calls(atoms, args.derivatives, args.threads, species)
    else:
        setup, call, describe, centers = quippy_calls(atoms, args.derivatives, args.threads, species)
    emit({"event": "ready"})
    t0 = time.perf_counter()
    out = call()
    warm = time.perf_counter() - t0
    emit({"event": "warm", "seconds": warm})
    info = describe(out)
    del out
    repeats = int(min(args.repeats, max(1, BUDGET // max(warm, 1e-9))))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = call()
        best = min(best, time.perf_counter() - t0)
        del out
    emit({"tool": args.worker, "atoms": len(atoms), "seconds": best, "us_per_atom": best / centers * 1e6,
          "threads": args.threads, "derivatives": args.derivatives, "repeats": repeats,
          "setup_seconds": setup, **info})


# ---------------------------------------------------------------------------------------------
# Driver.

def allocator_env(env, allocator):
    """`env` with glibc malloc set as `allocator` says: malloc settings inherited from the caller removed."""
    kept = {k: v for k, v in env.items() if k != "GLIBC_TUNABLES" and not k.startswith("MALLOC_")}
    return {**kept, **ALLOCATORS[allocator]}


def python_env(threads, allocator):
    return allocator_env({**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                          "RAYON_NUM_THREADS": str(threads)}, allocator)


def run_worker(tool, structure, path, threads, derivatives, repeats, allocator):
    """One measurement in a fresh process; None when the warm-up call exceeded LIMIT."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", tool, "--structure", structure,
           "--file", path, "--threads", str(threads), "--repeats", str(repeats)]
    if derivatives:
        cmd.append("--derivatives")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=python_env(threads, allocator),
                            start_new_session=True)
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout] + [lines.put(None)],
                              daemon=True)
    reader.start()

    def next_event(timeout):
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                raise RuntimeError(f"{tool} worker exited with {proc.wait()}: {' '.join(cmd)}")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    try:
        next_event(timeout=300)  # imports, reading and setup
        try:
            next_event(timeout=LIMIT)  # the warm-up call
        except queue.Empty:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and any joblib processes
            proc.wait()
            return None
        result = next_event(timeout=LIMIT + 2 * BUDGET + 60)
    finally:
        if proc.poll() is None:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return result


def run_swift(layout, path, species, threads, derivatives, repeats, allocator):
    args = ["soap", path, "--layout", layout, "--species", ",".join(map(str, species)),
            "--threads", threads, "--repeats", repeats]
    if derivatives:
        args.append("--derivatives")
    try:
        out = subprocess.run([common.BENCH_BIN, *map(str, args)], check=True, capture_output=True, text=True,
                             env=allocator_env(common.swift_env(), allocator), timeout=LIMIT * (repeats + 1)).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.strip().splitlines()[-1])


def cpu_busy(interval=0.5):
    """Fraction of all cores busy over `interval` seconds (from /proc/stat), or 0 when unknown."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(interval)
        t1, i1 = sample()
    except OSError:
        return 0.0
    return 1 - (i1 - i0) / max(t1 - t0, 1)


def wait_quiet(patience, limit=QUIET):
    """Waits (up to `patience` s) until other processes leave the CPUs idle, since on a 2-core machine a
    concurrent build distorts the timings; returns the busy fraction last seen."""
    start = time.monotonic()
    busy = cpu_busy()
    while busy > limit and time.monotonic() - start < patience:
        time.sleep(2)
        busy = cpu_busy()
    return busy


def pair_count(path, cutoff):
    """Distinct (i, j) atom pairs, i ≠ j, within `cutoff` (periodic images merged), plus one per atom."""
    import ase.io
    from ase.neighborlist import neighbor_list

    atoms = ase.io.read(path)
    i, j = neighbor_list("ij", atoms, cutoff)
    keep = i != j
    return len(np.unique(i[keep].astype(np.int64) * len(atoms) + j[keep])) + len(atoms)


def fmt_us(r):
    if r is None:
        return "skipped"
    v = r["us_per_atom"]
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def measure(job, key, args, log):
    """One round of case `key` = (structure, label, threads, derivatives, allocator) by `job`, once the CPUs are
    idle (or after --patience): its entry, logged ("skipped" when the warm-up call took too long), or None when
    the CPUs stayed busy and --strict leaves it for later."""
    name, label, threads, derivatives, allocator = key
    what = ("values+derivatives" if derivatives else "values") + (
        f" ({allocator})" if len(args.allocator) > 1 else "")
    print(f"{name:8} {label:16} {what:27} {threads} thread(s) ...", end=" ", file=sys.stderr, flush=True)
    busy = wait_quiet(args.patience)
    if busy > QUIET:
        if args.strict:
            print(f"CPU {busy:.0%} busy with other work: left for later", file=sys.stderr, flush=True)
            return None
        print(f"(CPU {busy:.0%} busy with other work, measuring anyway)", end=" ", file=sys.stderr, flush=True)
    r = job(allocator)
    print("skipped (warm-up call > 60 s)" if r is None else f"{fmt_us(r)} µs/atom ({r['repeats']} repeats)",
          file=sys.stderr, flush=True)
    entry = {"structure": name, "label": label, "threads": threads, "derivatives": derivatives, "skipped": True} \
        if r is None else {"structure": name, "label": label, **r}
    entry.update(cpu_busy_before=round(busy, 3), allocator=allocator, date=time.strftime("%Y-%m-%d %H:%M:%S"))
    log.write(json.dumps(entry) + "\n")
    log.flush()
    return entry


def print_table(results, pending, names, labels, columns, markdown):
    """One table: µs/atom per structure and tool, and each tool's ratio to SwiftGAP's QUIP layout."""
    titles = [("values+der" if d else "values") + f" {t}t" for d, t in columns]
    if markdown:
        print("| structure | atoms | tool | D | " + " | ".join(f"{x} µs/atom" for x in titles) + " |")
        print("|---|---:|---|---:|" + "---:|" * len(columns))
    else:
        head = " ".join(f"{x:>18}" for x in titles)
        print(f"{'structure':9} {'atoms':>5} {'tool':16} {'D':>5} {head}")
    for name in names:
        for label in labels:
            cells = []
            d_features = None
            for d, t in columns:
                r = results.get((name, label, t, d), "n/a")
                if (name, label, t, d) in pending and r in ("n/a", None):
                    cells.append(f"{'pending':>18}")
                    continue
                if r == "n/a" or (label == "quippy" and t != 1):
                    cells.append(f"{'—':>18}")
                    continue
                ref = results.get((name, "swiftgap-quip", t, d))
                text = fmt_us(r)
                if r is not None:
                    d_features = int(r.get("values_per_atom", r.get("features", d_features)))
                    if ref is not None and label != "swiftgap-quip":
                        text += f" ({r['us_per_atom'] / ref['us_per_atom']:.1f}×)"
                cells.append(f"{text:>18}")
            atoms = next((r["atoms"] for (n, _, _, _), r in results.items() if n == name and r), 0)
            if markdown:
                print(f"| {name} | {atoms} | {label} | {d_features or 0} | "
                      + " | ".join(c.strip() for c in cells) + " |")
            else:
                print(f"{name:9} {atoms:>5} {label:16} {d_features or 0:>5} {' '.join(cells)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(SPECIES), help="structures to run")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=TOOLS, help="tools to run")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2], help="thread counts")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls at most (minimum reported)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every measurement this many times, keeping the fastest (against noise)")
    parser.add_argument("--patience", type=float, default=180,
                        help="seconds to wait for idle CPUs before each measurement (then measure anyway)")
    parser.add_argument("--strict", action="store_true",
                        help="never measure on busy CPUs: leave the measurement for a later --reuse run")
    parser.add_argument("--reuse", action="store_true",
                        help=f"count measurements already in {os.path.relpath(LOG, common.ROOT_DIR)} that were "
                             "taken on idle CPUs as done rounds")
    parser.add_argument("--json", action="store_true", help="also print the raw measurements")
    parser.add_argument("--markdown", action="store_true", help="print the main table in Markdown")
    parser.add_argument("--no-build", action="store_true", help="use the existing bench binary")
    parser.add_argument("--allocator", nargs="+", choices=list(ALLOCATORS), default=["system"],
                        help="malloc of every measured process: as it is, or keeping freed pages for reuse (both: "
                             "each measurement under each, and a table of each tool's faster of the two)")
    # Internal: one measurement of a Python tool.
    parser.add_argument("--worker", choices=["featomic", "dscribe", "quippy"], help=argparse.SUPPRESS)
    parser.add_argument("--structure", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--derivatives", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.allocator = list(dict.fromkeys(args.allocator))
    if args.worker:
        if len(args.threads) != 1:
            parser.error("--worker takes one --threads value")
        args.threads = args.threads[0]
        return worker(args)

    if "swiftgap" in args.tools:
        common.ensure_bench(rebuild=not args.no_build)
    names = args.only or list(SPECIES)
    paths = {name: soap_structures.ensure(name) for name in names}

    results = {}  # (structure, tool, threads, derivatives, allocator) -> dict or None (skipped)
    raw = []
    previous = {}  # key -> earlier results taken on idle CPUs (--reuse)
    pending = []  # keys left unmeasured (--strict)
    if args.reuse and os.path.exists(LOG):
        with open(LOG) as f:
            for line in f:
                r = json.loads(line)
                # Entries without an allocator predate --allocator: their processes' malloc is unknown.
                if r.get("cpu_busy_before", 1) <= QUIET and "allocator" in r:
                    key = (r["structure"], r["label"], r["threads"], r["derivatives"], r["allocator"])
                    previous.setdefault(key, []).append(r)
    os.makedirs(common.DATA_DIR, exist_ok=True)
    log = open(LOG, "a")
    for name in names:
        path, species = paths[name], SPECIES[name]
        for derivatives in (False, True):
            for threads in args.threads:
                jobs = []
                if "swiftgap" in args.tools:
                    jobs += [("swiftgap-quip", lambda a: run_swift("quip", path, species, threads, derivatives,
                                                                   args.repeats, a)),
                             ("swiftgap-dscribe", lambda a: run_swift("dscribe", path, species, threads,
                                                                      derivatives, args.repeats, a))]
                for tool in ("featomic", "dscribe", "quippy"):
                    if tool in args.tools and not (tool == "quippy" and threads != 1):
                        jobs.append((tool, lambda a, tool=tool: run_worker(tool, name, path, threads, derivatives,
                                                                            args.repeats, a)))
                for label, job in jobs:
                    # Rounds outside, allocators inside: the allocators' measurements of a case alternate.
                    keys = {a: (name, label, threads, derivatives, a) for a in args.allocator}
                    stopped = set()  # allocators whose case was skipped or left for later
                    for allocator, key in keys.items():
                        done = previous.get(key, [])
                        if any(r.get("skipped") for r in done):
                            results[key] = None
                            stopped.add(allocator)
                        elif done:
                            results[key] = min(done, key=lambda r: r["seconds"])
                    for k in range(args.rounds):
                        for allocator, key in keys.items():
                            if allocator in stopped or k < len(previous.get(key, [])):
                                continue
                            entry = measure(job, key, args, log)
                            if entry is None:
                                pending.append(key)
                                stopped.add(allocator)
                            elif entry.get("skipped"):
                                results[key] = None
                                stopped.add(allocator)
                            elif results.get(key) is None or entry["seconds"] < results[key]["seconds"]:
                                results[key] = entry
                    raw += [results[key] for key in keys.values() if results.get(key) is not None]
    log.close()
    if pending:
        print(f"{len(pending)} measurement(s) left for later (CPUs busy); run again with --reuse", file=sys.stderr)

    labels = [label for label in ("swiftgap-quip", "swiftgap-dscribe", "featomic", "dscribe", "quippy")
              if any(key[1] == label for key in results)]
    columns = [(d, t) for d in (False, True) for t in args.threads]
    print(f"SOAP (cutoff 5 Å, n_max 8, l_max 6, atom_sigma 0.5), µs per atom, minimum of repeats; "
          f"{common.machine()}")
    print("ratio = tool time ÷ SwiftGAP (quip layout) time on the same thread count")
    tables = {allocator: {key[:4]: r for key, r in results.items() if key[4] == allocator}
              for allocator in args.allocator}
    for allocator, table in tables.items():
        print()
        print("malloc as it is (system)" if allocator == "system" else
              "malloc keeping freed pages, in every tool's process (retain)")
        waiting = {key[:4] for key in pending if key[4] == allocator}
        print_table(table, waiting, names, labels, columns, args.markdown)
    # Each case's faster measurement: a table of its own with several allocators; setup times and memory (which
    # the allocator does not change) from it.
    fastest = {}
    for table in tables.values():
        for key, r in table.items():
            kept = fastest.get(key)
            if key not in fastest or (r is not None and (kept is None or r["seconds"] < kept["seconds"])):
                fastest[key] = r
    if len(tables) > 1:
        print()
        print("each tool's faster of " + " and ".join(tables) + " malloc")
        print_table(fastest, {key[:4] for key in pending}, names, labels, columns, args.markdown)
    print("D = numbers per center; featomic's: one block per neighbor-type pair, each 7 l × 8 n1 × 8 n2 "
          "(n1 > n2 kept for like types), so more than the others'.")
    print("DScribe derivatives are timed on "
          f"{DSCRIBE_DERIVATIVE_CENTERS} random centers (numerical, dense output) and reported per center.")

    setup = {}
    for (_, label, _, _), r in fastest.items():
        if r:
            setup.setdefault(label, []).append(r["setup_seconds"])
    if setup:
        print("setup of the descriptor object (not in the times above): " + ", ".join(
            f"{label} {min(v) * 1e3:.1f}–{max(v) * 1e3:.1f} ms" for label, v in setup.items()))

    if "swiftgap" in args.tools and True in [d for d, _ in columns]:
        print()
        print("SwiftGAP derivative memory (1 thread): stored MB against the non-zero features' need and against")
        print("dense pairs × 3 × D × 8, pairs = distinct (center, neighbor atom) pairs within the layout's range")
        print("+ one per center")
        print(f"{'structure':9} {'layout':8} {'range Å':>7} {'blocks':>8} {'pairs':>8} {'gradient MB':>12} "
              f"{'need MB':>8} {'÷need':>6} {'pairs×3×D×8 MB':>15} {'ratio':>6}   others' gradient MB")
        t = args.threads[0]
        for name in names:
            for layout in ("quip", "dscribe"):
                r = fastest.get((name, f"swiftgap-{layout}", t, True))
                if not r:
                    continue
                pairs = pair_count(paths[name], r["range"])
                ideal = pairs * 3 * r["features"] * 8
                others = ""
                if layout == "quip":
                    parts = []
                    for label in ("featomic", "quippy", "dscribe"):
                        o = fastest.get((name, label, t, True))
                        if o and "gradient_bytes" in o:
                            parts.append(f"{label} {o['gradient_bytes'] / 1e6:.0f}")
                        elif o and "gradient_bytes_all_centers" in o:
                            parts.append(f"{label} {o['gradient_bytes_all_centers'] / 1e6:.0f} (dense, all centers)")
                    others = ", ".join(parts)
                need = r.get("nonzero_bytes") or ideal
                print(f"{name:9} {layout:8} {r['range']:>7.2f} {r['blocks']:>8} {pairs:>8} "
                      f"{r['gradient_bytes'] / 1e6:>12.1f} {need / 1e6:>8.1f} {r['gradient_bytes'] / need:>6.3f} "
                      f"{ideal / 1e6:>15.1f} {r['gradient_bytes'] / ideal:>6.3f}   {others}")
                raw.append({"structure": name, "label": f"memory-{layout}", "pairs": pairs, "ideal_bytes": ideal,
                            "nonzero_bytes": need, "gradient_bytes": r["gradient_bytes"]})
    if args.json:
        for r in raw:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
