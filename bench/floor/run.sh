#!/usr/bin/env bash
# The latency floor of this machine for `brokerctl perf e2e` (see e2e-floor.c): builds the C pipeline and runs it
# at the perf e2e settings. usage: bench/floor/run.sh [RATE] [SECONDS] [WARMUP_SECONDS] [RUNS]
# Needs gcc (apt-get install gcc). Prints one JSON line per run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v gcc >/dev/null || { echo "e2e floor: gcc is needed (apt-get install gcc)" >&2; exit 1; }
gcc -O2 -Wall -Wextra -o "$work/e2e-floor" "$here/e2e-floor.c" -lpthread
for _ in $(seq "${4:-3}"); do
  "$work/e2e-floor" "${1:-50000}" "${2:-15}" "${3:-3}" 100 "$work/log"
done
