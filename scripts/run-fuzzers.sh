#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time: scripts/run-fuzzers.sh BIN_DIR SECONDS TARGET...
# Each target FuzzX reads its seed corpus from fuzz/corpus/x (lower-cased name without "Fuzz"); new inputs go to
# a scratch folder, so the committed corpus stays small. Exits non-zero on the first crash, with the input
# saved under fuzz/artifacts/.
set -euo pipefail
bin=$1; seconds=$2; shift 2
mkdir -p fuzz/artifacts
for target in "$@"; do
  name=$(echo "${target#Fuzz}" | tr '[:upper:]' '[:lower:]')
  scratch=$(mktemp -d)
  echo "== fuzz $target for ${seconds}s (seed corpus fuzz/corpus/$name)"
  if ! "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="fuzz/artifacts/$target-" "$scratch" "fuzz/corpus/$name" > "$scratch.log" 2>&1; then
    tail -40 "$scratch.log"
    echo "fuzz $target: FAILED (input saved in fuzz/artifacts/)" >&2
    rm -rf "$scratch"
    exit 1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$scratch.log" | tail -2
  rm -rf "$scratch" "$scratch.log"
done
