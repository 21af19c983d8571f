"""A Python loop of SOAP derivative calls, with glibc malloc as it is and keeping freed pages.

What it measures
    The wall time of ``swiftgap.dscribe.SOAP(species, r_cut=5, n_max=8, l_max=6, sigma=0.5,
    periodic=True).derivatives(atoms)`` called back to back on one structure of ``soap.py`` (each output
    dropped before the next call, as a script looping over a trajectory does), after one untimed call:
    the best and the median of --calls calls. Each measurement runs in a process of its own, under one of
    soap.py's allocators: ``system`` (malloc as it is) or ``retain`` (GLIBC_TUNABLES keeping freed
    memory, so that a call's output reuses the pages of the one before instead of fresh pages the kernel
    zeroes first); --rounds alternates the two. The README's "Derivatives call after call" quotes it.

How to run (from the repository root, with `make test`'s venv .venv, where swiftgap is installed):
    .venv/bin/python bench/derivative_loop.py                     # Si 216 (dense output 282 MB), ~20 s
    .venv/bin/python bench/derivative_loop.py --structure water --calls 10 --rounds 3
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

import soap
import soap_structures


def worker(path, calls):
    """One measurement, in this process: prints a JSON object with the call times."""
    import ase.io
    from swiftgap.dscribe import SOAP

    atoms = ase.io.read(path)
    descriptor = SOAP(species=sorted(set(atoms.get_chemical_symbols())), r_cut=soap.CUTOFF, n_max=soap.N_MAX,
                      l_max=soap.L_MAX, sigma=soap.SIGMA, periodic=True)
    out = descriptor.derivatives(atoms, return_descriptor=False)
    megabytes = out.nbytes / 1e6
    del out
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        out = descriptor.derivatives(atoms, return_descriptor=False)
        seconds.append(time.perf_counter() - start)
        del out
    print(json.dumps({"seconds": seconds, "megabytes": megabytes}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--structure", choices=list(soap.SPECIES), default="si216", help="one of soap.py's")
    parser.add_argument("--calls", type=int, default=6, help="timed calls per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="measurements per allocator, alternated")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.calls)
    path = soap_structures.ensure(args.structure)
    print(f"{args.structure}: swiftgap.dscribe.SOAP(periodic=True).derivatives, {args.calls} calls a measurement")
    for _ in range(args.rounds):
        for allocator in soap.ALLOCATORS:
            out = subprocess.run([sys.executable, __file__, "--worker", path, "--calls", str(args.calls)],
                                 check=True, capture_output=True, text=True,
                                 env=soap.python_env(1, allocator)).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"  {allocator:7} output {r['megabytes']:.0f} MB: best {min(r['seconds']) * 1e3:.1f} ms, "
                  f"median {statistics.median(r['seconds']) * 1e3:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
