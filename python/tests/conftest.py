"""Shared fixtures: the repository's shipped potentials and data, the `swiftgap` command-line tool (for
comparisons with `swiftgap predict`, path in $SWIFTGAP_CLI), and small potentials with variance factors (one with
calibration factors too)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SI_GAP = ROOT / "potentials" / "si-sw" / "si-sw.gap"
AR_KR_GAP = ROOT / "potentials" / "ar-kr-lj" / "ar-kr-lj.gap"
SI_TEST = ROOT / "training-sets" / "si-sw" / "test.xyz"
SI_TRAIN = ROOT / "training-sets" / "si-sw" / "train.xyz"
SI_DIAMOND = ROOT / "training-sets" / "si-sw" / "diamond64.xyz"
GAP_XML = ROOT / "Tests" / "InteropTests" / "Fixtures" / "gapxml"


@pytest.fixture(scope="session")
def cli() -> Path:
    """The swiftgap command-line tool ($SWIFTGAP_CLI, or the release build)."""
    given = os.environ.get("SWIFTGAP_CLI")
    for path in ([Path(given)] if given else []) + [ROOT / ".build" / "release" / "swiftgap",
                                                    ROOT / ".build-test" / "release" / "swiftgap"]:
        if path.is_file():
            return path
    pytest.skip("no swiftgap binary: set SWIFTGAP_CLI (make test does)")


@pytest.fixture(scope="session")
def variance_potential(cli, tmp_path_factory) -> Path:
    """A small Si potential fitted with variance factors (a few seconds)."""
    out = tmp_path_factory.mktemp("fit") / "si-variance.gap"
    subprocess.run(
        [str(cli), "fit", str(SI_TRAIN), "-o", str(out), "--cutoff", "4", "--n-max", "4", "--l-max", "3",
         "--n-sparse", "60", "--e0", "average", "--threads", "2"],
        check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def calibrated_potential(cli, tmp_path_factory) -> Path:
    """The small Si potential of `variance_potential` with calibration factors for the full variance, fitted on
    the test split (a few seconds)."""
    out = tmp_path_factory.mktemp("fit") / "si-calibrated.gap"
    subprocess.run(
        [str(cli), "fit", str(SI_TRAIN), "-o", str(out), "--cutoff", "4", "--n-max", "4", "--l-max", "3",
         "--n-sparse", "60", "--e0", "average", "--threads", "2", "--calibration", str(SI_TEST), "--uncertainty",
         "full"],
        check=True, capture_output=True)
    return out


def predict(cli: Path, potential: Path, frames: Path, tmp: Path, *options: str) -> Path:
    """`swiftgap predict` of `frames` into an extxyz file with gap_* keys (`options` added to the command)."""
    out = tmp / "predicted.xyz"
    subprocess.run([str(cli), "predict", str(potential), str(frames), "-o", str(out), *options], check=True,
                   capture_output=True)
    return out
