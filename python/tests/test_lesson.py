"""The two scripts of the DScribe lesson our users start from (../shared/lesson, beside the clone) run with only
their import line changed, print what DScribe prints, and give DScribe's numbers.

DScribe itself rejects the crystal script's `centers=range(len(mat))`; its reference run gets the same centers
as a list."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

pytest.importorskip("dscribe")
LESSON = Path(os.environ.get("SWIFTGAP_LESSON", ROOT.parent / "shared" / "lesson"))
IMPORT = "from dscribe.descriptors import SOAP, CoulombMatrix"
pytestmark = pytest.mark.skipif(not LESSON.is_dir(), reason=f"the lesson scripts are not at {LESSON}")


def variants(name: str, tmp_path: Path):
    """The lesson script with SwiftGAP's import, and DScribe's reference run of it."""
    text = (LESSON / name).read_text()
    assert IMPORT in text
    ours = tmp_path / f"swiftgap_{name}"
    ours.write_text(text.replace(IMPORT, "from swiftgap.dscribe import SOAP, CoulombMatrix"))
    theirs = tmp_path / f"dscribe_{name}"
    theirs.write_text(text.replace("centers=range(len(mat))", "centers=list(range(len(mat)))"))
    return ours, theirs


def run(script: Path) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", ["molecules_dscribe.py", "crystals_dscribe.py"])
def test_prints_what_dscribe_prints(name, tmp_path):
    ours, theirs = variants(name, tmp_path)
    printed = run(ours)
    assert "Error computing derivatives" not in printed
    assert printed == run(theirs)


def largest(b) -> float:
    return max(largest(x) for x in b) if isinstance(b, (list, tuple)) else float(np.abs(np.asarray(b)).max())


def compare(a, b, tol, scale=None):
    """Equal shapes and types; values to `tol` relative to the largest entry of all of `b`."""
    scale = max(largest(b), 1e-6) if scale is None else scale
    if isinstance(b, (list, tuple)):
        assert isinstance(a, type(b)) and len(a) == len(b)
        for x, y in zip(a, b):
            compare(x, y, tol, scale)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= tol * scale


def test_molecule_numbers(tmp_path):
    ours, theirs = (runpy.run_path(str(p), run_name="lesson") for p in variants("molecules_dscribe.py", tmp_path))
    for key in ("cm_single", "cm_batch", "cm_batch_parallel", "oxygen_soap_list", "oxygen_soap_flat",
                "derivatives_list", "descriptors_list"):
        compare(ours[key], theirs[key], 1e-8)


def test_crystal_numbers(tmp_path):
    ours, theirs = (runpy.run_path(str(p), run_name="lesson") for p in variants("crystals_dscribe.py", tmp_path))
    compare(ours["global_soap_matrix"], theirs["global_soap_matrix"], 1e-8)
    compare(ours["descriptors_list"], theirs["descriptors_list"], 1e-8)
    # DScribe differentiates periodic systems by central differences (h = 1e-4 Å), and in these perfect crystals
    # every derivative vanishes by symmetry: its numbers are rounding noise, so they compare absolutely.
    compare(ours["derivatives_list"], theirs["derivatives_list"], 2e-6, scale=max(largest(theirs["derivatives_list"]), 1.0))
    assert largest(ours["derivatives_list"]) < 1e-9
