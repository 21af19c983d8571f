"""`swiftgap fit` and `swiftgap predict` under `mpirun -np 2` (OpenMPI, which `make test` installs) against the
one-process runs: the shipped single-species set (Si, Stillinger-Weber) and the two-species one (Ar-Kr,
Lennard-Jones), a rank failure that must stop every rank with its message, and commands that refuse mpirun."""
import os
import shutil
import subprocess

import ase.io
import numpy as np
import pytest

from conftest import ROOT, SI_TEST, SI_TRAIN

AR_KR_TRAIN = ROOT / "training-sets" / "ar-kr-lj" / "train.xyz"
AR_KR_TEST = ROOT / "training-sets" / "ar-kr-lj" / "test.xyz"

FITS = {
    "si-sw": (SI_TRAIN, SI_TEST, ["--cutoff", "4", "--n-max", "6", "--l-max", "4", "--n-sparse", "200", "--e0", "average"]),
    "ar-kr": (AR_KR_TRAIN, AR_KR_TEST, ["--cutoff", "6.5", "--n-max", "6", "--l-max", "4", "--zeta", "2", "--delta", "0.05",
                                        "--n-sparse", "100", "--sigma-energy", "0.0002", "--sigma-force", "0.002",
                                        "--sigma-virial", "0.002", "--e0", "average",
                                        "--gap", "distance_2b cutoff=5 n_sparse=12 covariance_type=ard_se delta=0.1 "
                                                 "theta_uniform=1 sparse_method=uniform add_species=T"]),
}


def mpirun(ranks: int) -> list:
    if shutil.which("mpirun") is None:
        pytest.skip("no mpirun: `make test` installs OpenMPI (scripts/install-deps.sh)")
    flags = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return ["mpirun", *flags, "-np", str(ranks)]


def run(command: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=300, **kw)


def weights(path) -> np.ndarray:
    with np.load(path) as archive:
        return np.concatenate([archive[k] for k in sorted(archive.files) if "alpha" in k])


@pytest.mark.parametrize("name", sorted(FITS))
def test_two_rank_fit_matches_one_rank_fit(cli, tmp_path, name):
    train, test, args = FITS[name]
    fits = {}
    for ranks in (1, 2, "2-again"):
        out = tmp_path / f"{ranks}.gap"
        prefix = mpirun(2) if ranks != 1 else []
        done = run(prefix + [cli, "fit", train, "-o", out, "--test", test, "--threads", "1", *args])
        assert done.returncode == 0, done.stderr
        fits[ranks] = out
        assert done.stdout.count("wrote ") == 1  # rank 0 alone prints and writes
    one, two = weights(fits[1]), weights(fits[2])
    assert one.shape == two.shape
    # The merge order is fixed for a number of ranks: a run repeats bit for bit.
    assert np.array_equal(two, weights(fits["2-again"]))
    # Different merge orders of the least-squares triangles round differently; the fit's conditioning amplifies it
    # as much as changing --threads does (measured ~5e-9 here).
    assert np.linalg.norm(one - two) / np.linalg.norm(one) < 1e-7
    predicted = {}
    for ranks, potential in [(1, fits[1]), (2, fits[2])]:
        out = tmp_path / f"predicted-{ranks}.xyz"
        done = run(mpirun(2) + [cli, "predict", potential, test, "-o", out])
        assert done.returncode == 0, done.stderr
        predicted[ranks] = ase.io.read(out, ":")
    for a, b in zip(predicted[1], predicted[2]):
        assert abs(a.info["gap_energy"] - b.info["gap_energy"]) / len(a) < 1e-9
        assert np.abs(a.arrays["gap_forces"] - b.arrays["gap_forces"]).max() < 1e-8


@pytest.mark.parametrize("name", sorted(FITS))
def test_fixed_parts_give_the_one_process_weights_on_any_number_of_ranks(cli, tmp_path, name):
    # With the rows cut into 4 fixed parts (--partitions), the triangles' merge order no longer depends on the
    # ranks: 1, 2 and 3 processes (one part each, two, or uneven shares) give the same weights.
    train, _, args = FITS[name]
    found = {}
    for ranks in (1, 2, 3):
        out = tmp_path / f"{ranks}.gap"
        prefix = mpirun(ranks) if ranks > 1 else []
        done = run(prefix + [cli, "fit", train, "-o", out, "--threads", "1", "--partitions", "4", *args])
        assert done.returncode == 0, done.stderr
        found[ranks] = weights(out)
    for ranks in (2, 3):
        assert np.linalg.norm(found[ranks] - found[1]) / np.linalg.norm(found[1]) < 1e-10


def test_two_rank_predict_equals_one_rank_predict(cli, tmp_path):
    potential = ROOT / "potentials" / "si-sw" / "si-sw.gap"
    outputs = []
    for ranks in (1, 2):
        out = tmp_path / f"{ranks}.xyz"
        prefix = mpirun(ranks) if ranks > 1 else []
        done = run(prefix + [cli, "predict", potential, SI_TEST, "-o", out])
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_failing_rank_stops_every_rank_with_its_message(cli, tmp_path):
    bad = tmp_path / "bad.xyz"
    bad.write_text(SI_TEST.read_text() + "2\nenergy=1.0 pbc=\"F F F\"\nSi 0 0 0\nXx 1 1 1\n")
    done = run(mpirun(2) + [cli, "predict", ROOT / "potentials" / "si-sw" / "si-sw.gap", bad, "-o", tmp_path / "o.xyz"])
    assert done.returncode != 0
    assert done.stderr.count("'Xx' is not an element symbol") == 1
    assert not (tmp_path / "o.xyz").exists()


def test_commands_that_do_not_share_work_refuse_mpirun(cli):
    done = run(mpirun(2) + [cli, "info", SI_TEST])
    assert done.returncode != 0
    assert "run it without mpirun" in done.stderr


def test_a_rank_that_dies_ends_the_job(cli, tmp_path):
    """A rank killed mid-fit (as the out-of-memory killer does) makes mpirun end every rank: no hang, no file."""
    import signal
    import time
    out = tmp_path / "killed.gap"
    job = subprocess.Popen([str(c) for c in mpirun(2) + [cli, "fit", SI_TRAIN, "-o", out, "--threads", "1",
                                                          *FITS["si-sw"][2], "--n-max", "10", "--l-max", "8",
                                                          "--n-sparse", "800"]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ranks = []
        for _ in range(200):  # until both ranks run (up to 20 s)
            found = subprocess.run(["pgrep", "-f", f"fit {SI_TRAIN} -o {out}"], capture_output=True, text=True)
            ranks = [int(p) for p in found.stdout.split()]
            if len(ranks) >= 2:
                break
            time.sleep(0.1)
        assert len(ranks) >= 2, "the ranks did not start"
        time.sleep(1)
        os.kill(max(ranks), signal.SIGKILL)
        start = time.monotonic()
        _, stderr = job.communicate(timeout=60)
        assert time.monotonic() - start < 60
    finally:
        if job.poll() is None:
            job.kill()
    assert job.returncode != 0
    assert "signal 9" in stderr or "Killed" in stderr
    assert not out.exists()
