"""SwiftGAP in Python: fitted GAP potentials as an ASE calculator (`swiftgap.ase`), DScribe-compatible SOAP and
Coulomb-matrix descriptors (`swiftgap.dscribe`), and an i-PI socket client (`swiftgap.ipi`), all computed
in-process by the Swift library.

    from swiftgap.ase import SwiftGAPCalculator
    from swiftgap.dscribe import SOAP, CoulombMatrix
"""
from ._library import version as _library_version
from .errors import SwiftGAPError
from .potential import Potential

__version__ = "0.1.0"
library_version = _library_version()

__all__ = ["Potential", "SwiftGAPError", "__version__", "library_version"]
