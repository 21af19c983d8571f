"""Builds the Swift library the package loads (libSwiftGAPC) and puts it inside the package.

`pip install ./python` from a clone runs `swift build -c release --product SwiftGAPC` in the clone (its `.build`
folder, shared with `make demo`). Set SWIFTGAP_LIBRARY=/path/to/libSwiftGAPC.so to ship a library built
already (what `make test` does) instead of building.
"""
import os
import platform
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = "libSwiftGAPC.dylib" if platform.system() == "Darwin" else "libSwiftGAPC.so"


def swift_library() -> Path:
    given = os.environ.get("SWIFTGAP_LIBRARY")
    if given:
        path = Path(given)
        if not path.is_file():
            raise SystemExit(f"SWIFTGAP_LIBRARY={given} is not a file")
        return path
    if not (ROOT / "Package.swift").is_file():
        raise SystemExit(
            f"{ROOT} is not a SwiftGAP clone (no Package.swift): install from the clone with `pip install ./python`, "
            "or set SWIFTGAP_LIBRARY to a built libSwiftGAPC")
    swift = shutil.which("swift")
    if swift is None:
        raise SystemExit("building the package needs the Swift toolchain (`swift` on PATH); see the README")
    print("building libSwiftGAPC with swift build -c release (a few minutes the first time)")
    subprocess.run([swift, "build", "-c", "release", "--product", "SwiftGAPC"], cwd=ROOT, check=True)
    out = subprocess.run(
        [swift, "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return Path(out.stdout.strip()) / LIBRARY


class BuildWithSwift(build_py):
    """build_py that also copies the Swift library into the built package."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "swiftgap" / LIBRARY
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(swift_library(), target)


class BinaryDistribution(Distribution):
    """The wheel holds a compiled library: tag it for this platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithSwift}, distclass=BinaryDistribution)
