"""Serve a SwiftGAP potential to an i-PI-protocol server (i-PI itself, ASE's `SocketIOCalculator`) from Python,
in-process: the i-PI client of the Swift library runs in a thread of its own while Python goes on.

    from swiftgap.ipi import IPIClient
    client = IPIClient("model.gap", atoms, unix="mysocket")      # /tmp/ipi_mysocket, as i-PI and ASE name it
    client.start()                                               # or client.run() to block
    ...                                                          # the server sends positions, gets forces
    client.join()                                                # raises the client's error, if any

The command-line equivalent is `swiftgap serve POTENTIAL --unix NAME --structure FILE`. Replies carry energy,
forces and virial in atomic units, and the per-atom energies (and local-energy variances, when the potential has
them) as JSON in the extra bytes.
"""
from __future__ import annotations

import ctypes
import os
import threading
from ctypes import c_int64
from typing import Optional, Union


from ._library import call
from ._structures import Packed
from .potential import Potential, default_threads


class IPIClient:
    """An i-PI client for `atoms` (species in the server's order; its cell for servers that send none).

    Args:
        potential: a `.gap` / GAP XML path or a loaded `swiftgap.Potential`.
        atoms: the structure the server drives (its positions are replaced by the server's).
        unix: connect to the unix socket `/tmp/ipi_<unix>` (a name with `/` is the path itself); else `host`, `port`.
        threads: worker threads per force call (default: all available).
        variances: send per-atom local-energy variances when the potential has them.
        timeout: seconds one message may take once it started; connect_wait: seconds to keep trying to connect;
        reconnect: connections to try again after the server closed one.
    """

    def __init__(
        self, potential: Union[str, os.PathLike, Potential], atoms, unix: Optional[str] = None,
        host: str = "localhost", port: int = 31415, threads: Optional[int] = None, variances: bool = True,
        timeout: float = 600.0, connect_wait: float = 10.0, reconnect: int = 0,
    ):
        self.potential = potential if isinstance(potential, Potential) else Potential(potential)
        self._structure = Packed([atoms])
        self.unix, self.host, self.port = unix, host, int(port)
        self.threads = default_threads() if threads is None else int(threads)
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1 (got {threads})")
        self.variances, self.timeout, self.connect_wait, self.reconnect = variances, timeout, connect_wait, reconnect
        self.requests: Optional[int] = None
        """Force requests answered, once the run ended."""
        self.error: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None

    def run(self) -> int:
        """Serves until the server sends EXIT or closes the connection; returns the force requests answered.
        Raises SwiftGAPError for no server, a malformed message, a timeout or a failed calculation."""
        requests = c_int64(0)
        call(
            "swiftgap_ipi_serve", self.potential._handle.raw, None if self.unix is None else self.unix.encode(),
            self.host.encode(), self.port, *self._structure.one, self.threads, int(self.variances), float(self.timeout),
            float(self.connect_wait), int(self.reconnect), ctypes.byref(requests))
        self.requests = requests.value
        return self.requests

    def start(self) -> "IPIClient":
        """Runs the client in a background thread (the GIL is released while it serves)."""
        if self._thread is not None:
            raise RuntimeError("the client was started already")

        def target():
            try:
                self.run()
            except BaseException as e:  # handed to join()
                self.error = e

        self._thread = threading.Thread(target=target, name="swiftgap-ipi", daemon=True)
        self._thread.start()
        return self

    def join(self, timeout: Optional[float] = None) -> int:
        """Waits for a started client to end; raises its error, if it had one; returns the requests answered."""
        if self._thread is None:
            raise RuntimeError("the client was not started")
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the i-PI client is still serving after {timeout} s")
        if self.error is not None:
            raise self.error
        return self.requests or 0
