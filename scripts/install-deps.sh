#!/usr/bin/env bash
# Makes sure the system libraries SwiftGAP links against are present: OpenBLAS (CBLAS), LAPACKE and OpenMPI
# (its library, headers and mpirun: `swiftgap fit`/`predict` share their work among the ranks of `mpirun -np K`),
# and what the Python package's C helper compiles with: the C compiler and the headers of the python3 on PATH.
# On Debian/Ubuntu it installs the missing -dev packages with apt-get (through sudo when not root);
# elsewhere it says exactly what to install. It also checks for a Swift 6 toolchain.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "error: no 'swift' on PATH. Install a Swift 6 toolchain (https://www.swift.org/install/linux/) and retry." >&2
  exit 1
fi

packages=(libopenblas-dev liblapacke-dev libopenmpi-dev openmpi-bin pkgconf)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  # Not Debian: look for the headers and libraries directly.
  have() { ls $1 >/dev/null 2>&1; }
  have "/usr/include/cblas.h /usr/include/*/cblas.h /usr/include/openblas/cblas.h" || missing+=(openblas)
  have "/usr/include/lapacke.h /usr/include/*/lapacke.h /usr/include/openblas/lapacke.h" || missing+=(lapacke)
  pkg-config --exists ompi-c 2>/dev/null || missing+=(openmpi)
fi

# The Python package (`pip install ./python`, and `make test`'s venv) compiles a small C extension.
if command -v python3 >/dev/null 2>&1; then
  headers=$(python3 -c 'import os, sysconfig; print(os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))')
  if [ "$headers" != "True" ]; then
    command -v dpkg-query >/dev/null 2>&1 && missing+=(python3-dev) || missing+=("the Python headers (Python.h)")
  fi
  if ! command -v cc >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
    command -v dpkg-query >/dev/null 2>&1 && missing+=(gcc) || missing+=("a C compiler")
  fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: missing ${missing[*]}; run as root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "Installing ${missing[*]} with apt-get…"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  cat >&2 <<MSG
error: SwiftGAP needs OpenBLAS (with CBLAS headers), LAPACKE and OpenMPI development files (and, for its Python
  package, a C compiler and the Python headers); missing: ${missing[*]}.
  Debian/Ubuntu: apt-get install libopenblas-dev liblapacke-dev libopenmpi-dev openmpi-bin pkgconf
  Fedora/RHEL:   dnf install openblas-devel lapack-devel openmpi-devel pkgconf (and load the mpi module)
  Arch:          pacman -S openblas lapacke openmpi pkgconf
MSG
  exit 1
fi
