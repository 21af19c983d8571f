#!/usr/bin/env python3
"""Mutation run over the extxyz reader: `swiftgap info` on thousands of malformed files.

Takes seed files (default: the first lines of training-sets/*/*.xyz and the libFuzzer seed corpus
fuzz/corpus/extxyz), writes mutated copies (byte flips, truncations, absurd atom counts and column widths,
NaN/inf, unicode, CR-only line ends, duplicated columns, huge integers, long lines, ...) from a fixed
random seed, runs `swiftgap info FILE` on each with a timeout and sorts the outcomes into

  ok       exit 0
  error    exit 1 with a message on stderr (a clean ExtXYZError)
  crash    killed by a signal, a Swift runtime failure / fatal error, an allocation failure or any other exit
  hang     no exit within the timeout

Exits 1 when there is any crash or hang; the offending files are kept in --keep (default fuzz/artifacts/mutate).

  python3 scripts/fuzz/mutate_extxyz.py --binary .build/release/swiftgap --count 2000 --seed 1
"""
import argparse
import concurrent.futures
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

CRASH_MARKS = (b"Fatal error", b"Swift runtime failure", b"failed to allocate", b"Illegal instruction",
               b"Segmentation fault", b"AddressSanitizer", b"Stack dump", b"Current stack trace")

ABSURD_NUMBERS = ["0", "-1", "-0", "1000000000000", "2147483648", "2147483647", "4294967296",
                  "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
                  "1073741824", "1073741825", "1048576", "1048577", "65537", "1e3", "0x10", "+5", " 7 ", "3.0", ""]
ODD_REALS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e-400", "0x1p3", "4.9e-324",
             "1.7976931348623157e308", "--1", "1e", ".", "-", "+.e1", "1" * 400, "0." + "0" * 300 + "1"]
UNICODE = ["Ü", "α", "🧪", "\u00a0", "\u2028", "\u0085", "\ufeff", "é", "١٢", "\u200b"]
CONTROL = [b"\x00", b"\r", b"\x0b", b"\x0c", b"\xff", b"\xc3", b"\xe2\x80", b"\t", b"\\", b"\"", b"'", b"[", b"{", b"="]


def seed_files(paths, head_lines):
    seeds = []
    for path in paths:
        with open(path, "rb") as f:
            lines = []
            for _ in range(head_lines):
                line = f.readline()
                if not line:
                    break
                lines.append(line)
        seeds.append(b"".join(lines))
    return [s for s in seeds if s]


def replace_token(rng, data, choices):
    """Replaces one whitespace-separated token with a random choice."""
    tokens = data.split(b" ")
    if len(tokens) < 2:
        return data + b" " + rng.choice(choices).encode()
    k = rng.randrange(len(tokens))
    tokens[k] = rng.choice(choices).encode()
    return b" ".join(tokens)


def mutate_count(rng, data):
    lines = data.split(b"\n")
    counts = [k for k, line in enumerate(lines) if line.strip().isdigit()] or [0]
    lines[rng.choice(counts)] = rng.choice(ABSURD_NUMBERS).encode()
    return b"\n".join(lines)


def mutate_properties(rng, data):
    start = data.find(b"Properties=")
    if start < 0:
        lines = data.split(b"\n", 2)
        if len(lines) < 2:
            return data
        lines[1] = b"Properties=species:S:1:pos:R:3 " + lines[1]
        data = b"\n".join(lines)
        start = data.find(b"Properties=")
    end = start + len(b"Properties=")
    while end < len(data) and data[end:end + 1] not in (b" ", b"\n", b"\r"):
        end += 1
    fields = data[start + len(b"Properties="):end].decode("utf-8", "replace").split(":")
    choice = rng.randrange(7)
    if choice == 0 and len(fields) >= 3:  # absurd width
        k = 3 * rng.randrange(len(fields) // 3) + 2
        fields[k] = rng.choice(ABSURD_NUMBERS).strip()
    elif choice == 1 and len(fields) >= 3:  # duplicated column
        k = 3 * rng.randrange(len(fields) // 3)
        fields += fields[k:k + 3]
    elif choice == 2:  # extra huge column
        fields += ["x", rng.choice("SRILQ"), rng.choice(ABSURD_NUMBERS).strip()]
    elif choice == 3 and len(fields) >= 3:  # bad type letter
        k = 3 * rng.randrange(len(fields) // 3) + 1
        fields[k] = rng.choice(["", "RR", "r", "Z", "🧪"])
    elif choice == 4 and fields:  # drop a field
        del fields[rng.randrange(len(fields))]
    elif choice == 5:  # species as Z
        fields = ["Z", "I", "1"] + fields[3:]
    else:  # many columns
        fields += ["w", "R", str(rng.choice([50, 500, 5000, 100000]))]
    return data[:start] + b"Properties=" + ":".join(fields).encode() + data[end:]


def mutate(rng, data):
    """One to three random mutations of `data`."""
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(16)
        if choice == 0 and data:  # byte flips
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        elif choice == 1 and data:  # truncation
            data = data[:rng.randrange(len(data))]
        elif choice == 2:
            data = mutate_count(rng, data)
        elif choice == 3:
            data = mutate_properties(rng, data)
        elif choice == 4:
            data = replace_token(rng, data, ODD_REALS)
        elif choice == 5:
            data = replace_token(rng, data, UNICODE)
        elif choice == 6:  # CR-only or mixed line ends
            data = data.replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\r", b"\r\r\n"]))
        elif choice == 7 and data:  # control or delimiter byte inserted
            k = rng.randrange(len(data))
            data = data[:k] + rng.choice(CONTROL) + data[k:]
        elif choice == 8:  # huge integer tokens in an I column
            data = data.replace(b"Properties=species:S:1:pos:R:3", b"Properties=species:S:1:pos:R:3:n:I:1", 1)
            data = b"\n".join(line + b" " + rng.choice(ABSURD_NUMBERS).encode() if line[:1].isalpha()
                              and b"=" not in line else line for line in data.split(b"\n"))
        elif choice == 9:  # a very long line
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            lines[k] += rng.choice([b" 0", b" k=v", b"x", b"\""]) * rng.choice([1000, 50000, 400000])
            data = b"\n".join(lines)
        elif choice == 10:  # NaN/inf in the Lattice
            data = data.replace(b"Lattice=\"", b"Lattice=\"" + rng.choice(ODD_REALS).encode() + b" ", 1)
        elif choice == 11:  # duplicate or delete lines
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(k, lines[k])
            else:
                del lines[k]
            data = b"\n".join(lines)
        elif choice == 12:  # unbalanced quotes and brackets
            data = data.replace(rng.choice([b"\"", b"[", b"]", b"'", b"{"]), b"", 1)
        elif choice == 13:  # empty or whitespace-only
            data = rng.choice([b"", b"\n", b"\r", b" \t\n", b"\x00"])
        elif choice == 14:  # repeat frames
            data = data * rng.randint(2, 5)
        else:  # splice a value into the comment line
            lines = data.split(b"\n")
            if len(lines) > 1:
                lines[1] += rng.choice([b" pbc=[T, T]", b" pbc=\"T T T\"", b" Lattice=\"0 0 0 0 0 0 0 0 0\"",
                                        b" a=\"\\", b" k=[1, 2", b" =", b" ==", b" energy=nan", b" j=\"_JSON {\""])
            data = b"\n".join(lines)
    return data


def classify(binary, path, timeout):
    try:
        result = subprocess.run([binary, "info", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", b""
    stderr = result.stderr
    if result.returncode < 0 or any(mark in stderr for mark in CRASH_MARKS):
        return "crash", stderr
    if result.returncode == 0:
        return "ok", stderr
    if result.returncode == 1 and stderr.strip():
        return "error", stderr
    return "crash", stderr


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="*", help="seed files (default: training-sets/*/*.xyz heads and fuzz/corpus/extxyz)")
    parser.add_argument("--binary", default=os.path.join(root, ".build/release/swiftgap"))
    parser.add_argument("--count", type=int, default=2000, help="mutated files to write and run")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a run counts as a hang")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--head-lines", type=int, default=40, help="lines taken from each training-set file")
    parser.add_argument("--keep", default=os.path.join(root, "fuzz/artifacts/mutate"),
                        help="folder for the files that crashed or hung")
    args = parser.parse_args()

    paths = args.seeds or (sorted(glob.glob(os.path.join(root, "training-sets/*/*.xyz")))
                           + sorted(glob.glob(os.path.join(root, "fuzz/corpus/extxyz/*"))))
    seeds = seed_files(paths, args.head_lines)
    if not seeds:
        sys.exit("no seed files")
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="mutate-extxyz-")
    files = []
    for k in range(args.count):
        path = os.path.join(work, f"m{k:05d}.xyz")
        with open(path, "wb") as f:
            f.write(mutate(rng, rng.choice(seeds)))
        files.append(path)

    counts = {"ok": 0, "error": 0, "crash": 0, "hang": 0}
    bad = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for path, (outcome, stderr) in zip(files, pool.map(lambda p: classify(args.binary, p, args.timeout), files)):
            counts[outcome] += 1
            if outcome in ("crash", "hang"):
                bad.append((path, outcome, stderr))
    if bad:
        os.makedirs(args.keep, exist_ok=True)
        for path, outcome, stderr in bad:
            kept = os.path.join(args.keep, f"{outcome}-{os.path.basename(path)}")
            shutil.copy(path, kept)
            print(f"{outcome}: {kept}: {stderr.decode('utf-8', 'replace').strip()[:300]}")
    shutil.rmtree(work)
    print(f"files {len(files)} (seed {args.seed}, {len(seeds)} seed files): ok {counts['ok']}, "
          f"clean errors {counts['error']}, crashes {counts['crash']}, hangs {counts['hang']}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
