#!/usr/bin/env bash
# The Python part of `make test`: a venv ($VENV, default .venv) with the peer tools (quippy-ase, which ships QUIP and
# gap_fit; ase; numpy; dscribe 2.1.2; i-PI; pytest), made once and reused; the swiftgap Python package installed into
# it from python/ with the library built already; then the package's pytest suite and the integration scripts.
# Skipped with a message only when PyPI cannot be reached.
#   scripts/test-python.sh PATH/TO/swiftgap PATH/TO/libSwiftGAPC.so
#   scripts/test-python.sh --venv-only      # only make the venv (make test runs this beside the Swift build)
set -euo pipefail
venv=${VENV:-.venv}
peers=("quippy-ase==0.10.3" "ase>=3.22" numpy "dscribe==2.1.2" ipi pytest)
if ! "$venv/bin/python" -c "import quippy, ase, numpy, dscribe, ipi, pytest" 2>/dev/null; then
  echo "== making the test venv $venv (${peers[*]})"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q "${peers[@]}"; then
    if ! python3 -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/quippy-ase/', timeout=20)" 2>/dev/null; then
      echo "skipped: the Python tests (PyPI is unreachable, so the peer tools cannot be installed)"
      exit 0
    fi
    echo "pip could not install the peer tools although PyPI answers; see the messages above" >&2
    exit 1
  fi
fi
[ "${1:-}" = "--venv-only" ] && exit 0
swiftgap=$(realpath "$1")
library=$(realpath "$2")
echo "== installing the swiftgap Python package (pip install ./python, with $library)"
SWIFTGAP_LIBRARY="$library" "$venv/bin/pip" install -q --force-reinstall --no-deps ./python
echo "== the Python package's tests (ASE calculator, DScribe API, lesson scripts, i-PI client)"
# Run from python/tests so that the installed package, not the source folder, is imported.
(cd python/tests && SWIFTGAP_CLI="$swiftgap" "../../$venv/bin/python" -m pytest -q -p no:cacheprovider .)
echo "== quippy reads SwiftGAP's GAP XML"
"$venv/bin/python" scripts/integration/quippy_reads_swiftgap_xml.py --swiftgap "$swiftgap"
echo "== swiftgap serve answers ASE's SocketIOCalculator and i-PI as swiftgap predict computes"
"$venv/bin/python" scripts/integration/ipi_client.py --swiftgap "$swiftgap"
