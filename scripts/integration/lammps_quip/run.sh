#!/bin/bash
# SwiftGAP's GAP XML in LAMMPS pair_style quip: fit, export, evaluate in SwiftGAP, LAMMPS and quippy, compare.
#
#   SWIFTGAP=.build/release/swiftgap LMP=/path/to/lmp PYTHON=/path/to/venv/bin/python \
#     scripts/integration/lammps_quip/run.sh WORK_FOLDER
#
# LMP: a LAMMPS built with PKG_ML-QUIP (see README.md); PYTHON: one with ase and quippy-ase. MD=0 skips the
# 500-step NVE run (about 35 s). Everything is written into WORK_FOLDER; compare.txt holds the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=${1:?give a work folder}
swiftgap=$(realpath "${SWIFTGAP:-$repo/.build/release/swiftgap}")
lmp=$(realpath "${LMP:?set LMP to a lmp binary built with PKG_ML-QUIP}")
python=${PYTHON:-python3}
mkdir -p "$work"
cd "$work"

# The model: 2b + SOAP on the Stillinger-Weber Si set (200 SOAP and 10 2b sparse points), written as GAP XML.
"$swiftgap" fit "$repo/training-sets/si-sw/train.xyz" -o si.xml --cutoff 4 --n-max 6 --l-max 4 --n-sparse 200 \
  --e0 average --threads 2 \
  --gap "distance_2b cutoff=4 n_sparse=10 covariance_type=ard_se delta=0.5 theta_uniform=0.5 sparse_method=uniform" \
  > fit.log 2>&1
label=$(sed -n 's/.*<Potential label="\([A-Za-z0-9_]*\)".*/\1/p' si.xml | head -1)

"$python" "$here/make_cells.py" "$repo/training-sets/si-sw/diamond64.xyz" > cells.log
sed "s/\${label}/$label/" "$here/in.quip" > in.quip.si
for tag in cell cell_tri; do
  "$swiftgap" predict si.xml "$tag.xyz" -o "$tag.swift.xyz" --no-variance --threads 1 > "$tag.swift.log" 2>&1
  "$lmp" -in in.quip.si -var data "$tag.data" -var xml si.xml -var tag "$tag" -log "$tag.lammps.log" > "$tag.lammps.out"
done
"$python" "$here/compare.py" si.xml "$label" cell cell_tri | tee compare.txt

if [ "${MD:-1}" != 0 ]; then
  sed "s/\${label}/$label/" "$here/in.md" > in.md.si
  "$lmp" -in in.md.si -var data cell.data -var xml si.xml -log md.log > md.out
  sed -n '/^ *Step /,/^Loop/p' md.log | tee -a compare.txt
fi
