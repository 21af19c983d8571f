"""Loads libSwiftGAPC (the Swift library's C ABI) and declares its functions for ctypes.

Every function returns 0 on success and 1 on failure, with the Swift error's text in a caller buffer; `call`
turns a failure into `SwiftGAPError`. ctypes releases the GIL during each call, so Python threads run on. The
descriptor calls, made many times on small systems, go through the C helper `_native` instead (bound here to this
library's functions), which does the same at a fraction of ctypes' cost per argument.
"""
from __future__ import annotations

import ctypes
import os
import platform
import threading
from ctypes import POINTER, c_char_p, c_double, c_int32, c_int64, c_uint64, c_void_p
from pathlib import Path

import numpy as np

from .errors import SwiftGAPError

try:
    from . import _native
except ImportError as e:
    raise ImportError(
        "swiftgap: its C helper swiftgap._native is not built; install the package with `pip install ./python` from a "
        "SwiftGAP clone (or, to run from the source folder, `python setup.py build_ext --inplace` in python/)") from e

_NAME = "libSwiftGAPC.dylib" if platform.system() == "Darwin" else "libSwiftGAPC.so"
_ERROR_CAPACITY = 16384

# Arrays travel as addresses (c_void_p): cheaper than typed ctypes pointers, and the C side knows each type.
_array = c_void_p
_int64_p = POINTER(c_int64)
_handle_p = POINTER(c_void_p)
_error = [c_char_p, c_int64]

_SIGNATURES = {
    "swiftgap_version": (None, [c_char_p, c_int64]),
    "swiftgap_free": (None, [c_void_p]),
    "swiftgap_potential_load": (c_int32, [c_char_p, _handle_p] + _error),
    "swiftgap_potential_metadata": (c_int32, [c_void_p, c_char_p, c_int64, _int64_p] + _error),
    "swiftgap_potential_compute": (
        c_int32,
        [c_void_p, c_int64, _array, _array, _array, _array, c_int32, POINTER(c_double), _array, _array, _array,
         _array] + _error,
    ),
    "swiftgap_potential_uncertainty": (
        c_int32,
        [c_void_p, c_int64, _array, _array, _array, _array, c_int32, c_int32, POINTER(c_double), _array] + _error,
    ),
    "swiftgap_descriptor_new": (c_int32, [c_char_p, _handle_p] + _error),
    "swiftgap_descriptor_features": (c_int64, [c_void_p]),
    "swiftgap_descriptor_location": (c_int32, [c_void_p, c_int32, c_int32, _int64_p, _int64_p] + _error),
    "swiftgap_descriptor_is_local": (c_int32, [c_void_p]),
    "swiftgap_sample_centers": (
        c_int32, [c_int64, _array, _array, _array, c_int64, c_double, c_uint64, _array, _array] + _error),
    "swiftgap_ipi_serve": (
        c_int32,
        [c_void_p, c_char_p, c_char_p, c_int32, c_int64, _array, _array, _array, _array, c_int32, c_int32, c_double,
         c_double, c_int32, _int64_p] + _error,
    ),
}


def _path() -> Path:
    given = os.environ.get("SWIFTGAP_LIBRARY")
    return Path(given) if given else Path(__file__).with_name(_NAME)


def _load() -> ctypes.CDLL:
    path = _path()
    if not path.is_file():
        raise ImportError(
            f"swiftgap: the Swift library {path} is missing; reinstall with `pip install ./python` from a SwiftGAP "
            "clone (or set SWIFTGAP_LIBRARY to a built libSwiftGAPC)")
    library = ctypes.CDLL(str(path))
    for name, (restype, argtypes) in _SIGNATURES.items():
        function = getattr(library, name, None)
        if function is None:
            continue  # an older library: the Python side reports the missing function when it is used
        function.restype = restype
        function.argtypes = argtypes
    return library


LIBRARY = _load()


def _contiguous(array, dtype: str) -> np.ndarray:
    """A C-contiguous copy of `array` as `dtype`, of the same dimensions (np.ascontiguousarray would make a scalar
    one-dimensional): what the C helper converts an ASE array of another type or layout with. Only a cast within a
    kind or to a wider one (a TypeError for floats as atomic numbers, or strings as positions), except that any
    numbers are periodicity flags."""
    return np.asarray(array).astype(dtype, order="C", casting="unsafe" if dtype == "bool" else "same_kind")


# The C helper calls the descriptor functions of this library, not a second copy of it (their signatures are in
# swiftgap.h, which the helper is compiled with; ctypes only gives their addresses).
_native.bind(
    SwiftGAPError, _contiguous, np.integer, np.empty,
    *(ctypes.cast(getattr(LIBRARY, name), c_void_p).value if hasattr(LIBRARY, name) else None
      for name in ("swiftgap_descriptor_rows", "swiftgap_descriptor_derivatives")))

_functions: dict = {}
_local = threading.local()


def function(name: str):
    """The C function `name`, or a SwiftGAPError when this library lacks it."""
    f = _functions.get(name)
    if f is None:
        f = getattr(LIBRARY, name, None)
        if f is None:
            raise SwiftGAPError(f"{_path()} has no function {name}: rebuild the package with `pip install ./python`")
        _functions[name] = f
    return f


def call(name: str, *args) -> None:
    """Calls the C function `name` with `args` and an error buffer; raises SwiftGAPError with its message."""
    buffer = getattr(_local, "buffer", None)
    if buffer is None:
        buffer = _local.buffer = ctypes.create_string_buffer(_ERROR_CAPACITY)
    if function(name)(*args, buffer, _ERROR_CAPACITY) != 0:
        raise SwiftGAPError(buffer.value.decode("utf-8", errors="replace"))


def version() -> str:
    """The version of the loaded Swift library."""
    buffer = ctypes.create_string_buffer(64)
    LIBRARY.swiftgap_version(buffer, 64)
    return buffer.value.decode()


_from_buffer = ctypes.c_char.from_buffer
_addressof = ctypes.addressof


def address(array):
    """The data address of a C-contiguous numpy array (None for None), for the library's array arguments."""
    if array is None:
        return None
    try:
        # A third of the time of `array.ctypes.data`, which builds a helper object (10 arrays a call showed); the
        # two functions bound once, which saves a quarter more.
        return _addressof(_from_buffer(array))
    except (TypeError, ValueError):  # read-only or empty
        return array.ctypes.data


class Handle:
    """An opaque Swift object owned by Python: freed once, when this object goes away or `close()` is called."""

    def __init__(self, raw: c_void_p):
        self._raw = raw

    @property
    def raw(self) -> c_void_p:
        if self._raw is None:
            raise SwiftGAPError("the object was closed")
        return self._raw

    def close(self) -> None:
        if self._raw is not None:
            LIBRARY.swiftgap_free(self._raw)
            self._raw = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
