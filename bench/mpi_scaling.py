"""The fit distributed over MPI ranks: wall time, peak memory per rank and parallel efficiency of ``swiftgap``
on 1 and 2 ranks of 1 thread each, and how far the 2-rank weights are from the 1-rank ones.

Cases
    zuo_cu   Zuo et al. 2020 Cu, its published gap_fit command line run unchanged by ``swiftgap gap_fit``
             (SOAP n_max 8, l_max 8, 4 000 CUR sparse points; 262 cells, energies and forces).
    uracil   rMD17 uracil (C, H, N, O), the first 300 configurations of train split 01 with the settings of
             bench/multispecies_gap.py (``swiftgap fit``).

Each run goes through ``mpirun -np K`` (``--oversubscribe``, and ``--allow-run-as-root`` as root) except the
1-rank baseline, which is a plain process; every rank runs under ``/usr/bin/time`` so its own peak RSS is
recorded. Parallel efficiency = T(1) / (K · T(K)). With ``--partitions P`` every run cuts the rows into P fixed
parts (``fit --partitions``), so the weights should equal the 1-rank ones exactly; run it beside a run without
to see what the fixed reduction costs. Results: bench/.data/mpi_scaling/<revision>[-pP].json.

    .venv/bin/python bench/mpi_scaling.py [--cases zuo_cu uracil] [--ranks 1 2] [--partitions P] [--binary PATH]
"""
import argparse
import json
import os
import shutil
import subprocess
import time

import numpy as np

import gap_common as gc
import multispecies_gap

RESULTS = gc.mkdir(gc.DATA_DIR, "mpi_scaling")


def zuo_cu(binary, output, threads):
    text = open(os.path.join(gc.DATASETS, "zuo2020", "Cu_gap_fit_command_line.txt")).read()
    line = text.split("<command_line>")[1].split("</command_line>")[0].split()
    train = gc.linked(os.path.join(gc.DATASETS, "zuo2020", "Cu_train.xyz"))
    # The published line reads dft_energy/dft_force; the extxyz copies here use energy/force (as fit_accuracy.py).
    renamed = {"at_file": f"at_file={train}", "gp_file": f"gp_file={output}",
               "energy_parameter_name": "energy_parameter_name=energy", "force_parameter_name": "force_parameter_name=force"}
    args = [renamed.get(a.split("=")[0], a) for a in line]
    return [binary, "gap_fit", "--threads", str(threads), *args]


def uracil(binary, output, threads):
    settings = dict(multispecies_gap.SETTINGS,
                    e0={k: v for k, v in multispecies_gap.isolated_e0().items() if k in "CHNO"})
    return gc.swiftgap_fit_command(binary, multispecies_gap.training_subset(300), output, settings, threads)


CASES = {"zuo_cu": zuo_cu, "uracil": uracil}


def mpirun(ranks):
    flags = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return ["mpirun", *flags, "-np", str(ranks)]


def run(case, binary, ranks, partitions, folder):
    """Wall seconds, each rank's peak RSS (bytes) and the potential's weights."""
    name = f"{case}-{ranks}" + (f"-p{partitions}" if partitions else "")
    output = os.path.join(folder, f"{name}.gap")
    command = CASES[case](binary, output, 1) + (["--partitions", str(partitions)] if partitions else [])
    timing = os.path.join(folder, f"{name}.rank")
    # Each rank writes its own /usr/bin/time record (OMPI_COMM_WORLD_RANK names it; a plain process is rank 0).
    wrapped = ["sh", "-c", f'exec /usr/bin/time -f "%M" -o {timing}.${{OMPI_COMM_WORLD_RANK:-0}} "$@"', "sh", *command]
    gc.wait_idle(max_wait=120)
    log = os.path.join(folder, f"{name}.log")
    start = time.perf_counter()
    with open(log, "w") as f:
        rc = subprocess.run((mpirun(ranks) if ranks > 1 else []) + wrapped, stdout=f, stderr=subprocess.STDOUT,
                            env=gc.env_threads(1)).returncode
    seconds = time.perf_counter() - start
    if rc != 0:
        raise SystemExit(f"{case} on {ranks} ranks failed:\n{gc.tail(log)}")
    rss = [int(open(f"{timing}.{r}").read().split()[-1]) * 1024 for r in range(ranks)]
    with np.load(output) as archive:
        weights = np.concatenate([archive[k] for k in sorted(archive.files) if "alpha" in k])
    return seconds, rss, weights


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--partitions", type=int, help="fixed parts of the rows (fit --partitions)")
    parser.add_argument("--binary")
    args = parser.parse_args()
    if shutil.which("mpirun") is None:
        raise SystemExit("no mpirun: run scripts/install-deps.sh (OpenMPI)")
    binary = gc.swiftgap_binary(args.binary)
    folder = gc.mkdir(gc.SCRATCH, "mpi_scaling")
    results = {"revision": gc.git_revision(), "cpus": os.cpu_count(), "partitions": args.partitions, "cases": {}}
    for case in args.cases:
        rows, base = {}, None
        for ranks in args.ranks:
            seconds, rss, weights = run(case, binary, ranks, args.partitions, folder)
            base = base or (seconds, weights)
            difference = float(np.linalg.norm(weights - base[1]) / np.linalg.norm(base[1]))
            efficiency = base[0] / (ranks * seconds)
            rows[ranks] = {"seconds": seconds, "peak_rss_bytes": rss, "efficiency": efficiency,
                           "weights_relative_difference": difference}
            print(f"{case:8s} {ranks} rank(s): {seconds:8.1f} s, peak RSS per rank "
                  f"{', '.join(f'{b / 2**20:.0f}' for b in rss)} MiB, efficiency {efficiency:.2f}, "
                  f"weights vs 1 rank {difference:.1e}", flush=True)
        results["cases"][case] = rows
    suffix = f"-p{args.partitions}" if args.partitions else ""
    path = os.path.join(RESULTS, f"{results['revision'].split('+')[0]}{suffix}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
