"""Builds the Swift library the package loads (libSwiftGAPC) and puts it inside the package, and compiles the C helper
`swiftgap._native` (packing of structures and the descriptor calls; it needs the Python headers and the C ABI's
header `Sources/CAPI/swiftgap.h` of the clone, and links against nothing else).

`pip install ./python` from a clone runs `swift build -c release --product SwiftGAPC` in the clone (its `.build`
folder, shared with `make demo`). Set SWIFTGAP_LIBRARY=/path/to/libSwiftGAPC.so to ship a library built
already (what `make test` does) instead of building.
"""
import os
import platform
import shutil
import subprocess
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

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


# The C helper (native/native.h says what its parts hold), with hidden symbols: only its init function is exported.
NATIVE = Extension(
    "swiftgap._native", sources=[f"native/{part}.c" for part in ("module", "packing", "centers", "calls")],
    include_dirs=["native", str(ROOT / "Sources" / "CAPI")], extra_compile_args=["-fvisibility=hidden"])

# The extension also tags the wheel for this platform, as the Swift library inside it needs.
setup(cmdclass={"build_py": BuildWithSwift}, ext_modules=[NATIVE])
