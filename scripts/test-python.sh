#!/usr/bin/env bash
# The Python part of `make test`: a venv ($VENV, default .venv) with the peer tools the integration tests run
# (quippy-ase, which ships QUIP and gap_fit; ase; numpy), made once and reused, then the integration scripts
# against the swiftgap binary given. Skipped with a message only when PyPI cannot be reached.
#   scripts/test-python.sh PATH/TO/swiftgap
set -euo pipefail
swiftgap=$1
venv=${VENV:-.venv}
if ! "$venv/bin/python" -c "import quippy, ase, numpy" 2>/dev/null; then
  echo "== making the test venv $venv (quippy-ase, ase, numpy)"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q "quippy-ase==0.10.3" "ase>=3.22" numpy; then
    if ! python3 -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/quippy-ase/', timeout=20)" 2>/dev/null; then
      echo "skipped: the Python integration tests (PyPI is unreachable, so quippy-ase cannot be installed)"
      exit 0
    fi
    echo "pip could not install quippy-ase although PyPI answers; see the messages above" >&2
    exit 1
  fi
fi
echo "== quippy reads SwiftGAP's GAP XML"
"$venv/bin/python" scripts/integration/quippy_reads_swiftgap_xml.py --swiftgap "$swiftgap"
echo "== swiftgap serve answers ASE's SocketIOCalculator and i-PI as swiftgap predict computes"
"$venv/bin/python" scripts/integration/ipi_client.py --swiftgap "$swiftgap"
