#!/usr/bin/env bash
# The e2e latency ladder on this machine, one rung per process pair, alternating so each round shares the hour:
#   floor        bench/floor/e2e-floor.c: paced writes relayed by a C process, no protocol (needs gcc)
#   shaped       bench/floor/dotnet: the broker's shape in .NET (Kestrel, acks, long-poll fetch, pwrite/pread,
#                early writeback), nothing else
#   broker-probe the real broker, driven by the smallest blocking client of our protocol
#   brokerctl    the real broker, driven by `brokerctl perf e2e` (the client library)
# Each rung: RATE records/s of 1 KiB for SECONDS, the first WARMUP seconds left out; a fresh broker per broker run.
# Prints one line per run: rung and latency percentiles in microseconds. Everything listens on 127.0.0.1 only.
# With gcc, stall-probe.c runs beside each rung over its measured window and the line ends with what it saw: wake-ups
# of a real-time thread (SCHED_FIFO, as root) that only sleeps, 1 ms at a time, coming more than 1 ms late, their
# total and the worst. That is the machine's share of the tail; the round's first line, "idle", is the same probe
# with nothing else running.
#   ROUNDS=3 RATE=50000 SECONDS_=15 WARMUP=5 bench/floor/run-dotnet.sh
set -euo pipefail
rounds=${ROUNDS:-3}
rate=${RATE:-50000}
seconds=${SECONDS_:-15}
warmup=${WARMUP:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the floors, the broker and brokerctl (Release)" >&2
dotnet build -c Release "$here/dotnet" -o "$work/floor" >/dev/null
dotnet build -c Release "$root/src/Broker.Server" -o "$work/server" >/dev/null
dotnet build -c Release "$root/src/Broker.Cli" -o "$work/cli" >/dev/null
have_gcc=false
if command -v gcc >/dev/null; then
  gcc -O2 -Wall -Wextra -o "$work/c-floor" "$here/e2e-floor.c" -lpthread
  gcc -O2 -Wall -Wextra -o "$work/stall-probe" "$here/stall-probe.c"
  have_gcc=true
else
  echo "no gcc: the C floor is left out (apt-get install gcc)" >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# The machine's stalls beside a run, as the end of its line ("" without gcc): see stall-probe.c.
stalls_text() {
  [ -s "$work/stalls.json" ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  machine stalls %3d, %6.1f ms, worst %5.1f ms" % (d["stalls_over_1ms"], d["stalled_ms"], d["worst_ms"]))' "$work/stalls.json" || true
}
show() { python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["latency_us"]; print("%-13s p50 %6d  p95 %6d  p99 %6d  p99.9 %6d  max %6d%s" % (sys.argv[1], l["p50"], l["p95"], l["p99"], l["p999"], l["max"], sys.argv[2]))' "$1" "$2"; }

# rung NAME COMMAND...: runs one rung, with the stall probe beside it over the measured window, and prints its line.
rung() {
  local name=$1 out stalls_pid=
  shift
  rm -f "$work/stalls.json"
  if $have_gcc; then
    (sleep "$warmup"; "$work/stall-probe" "$((seconds - warmup))" > "$work/stalls.json") &
    stalls_pid=$!
  fi
  out=$("$@")
  [ -n "$stalls_pid" ] && wait "$stalls_pid"
  printf '%s\n' "$out" | show "$name" "$(stalls_text)"
}

start_broker() {
  [ -n "$broker_pid" ] && { kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; }
  rm -rf "$work/data"
  port=$(free_port)
  dotnet "$work/server/Broker.Server.dll" --data-dir "$work/data" --listen "127.0.0.1:$port" --http-listen "" \
    --Logging:LogLevel:Default=Warning >/dev/null &
  broker_pid=$!
  until ctl cluster describe >/dev/null 2>&1; do sleep 0.2; done
  ctl topic create e2e --partitions 1 >/dev/null
}
ctl() { dotnet "$work/cli/brokerctl.dll" --bootstrap "127.0.0.1:$port" "$@"; }
ctl_quiet() { ctl "$@" 2>/dev/null; }

for _ in $(seq "$rounds"); do
  if $have_gcc; then
    "$work/stall-probe" "$((seconds - warmup))" > "$work/stalls.json"
    echo "idle$(stalls_text)"
    rung floor "$work/c-floor" "$rate" "$seconds" "$warmup" 100 "$work/c-floor.log"
  fi
  rung shaped "$work/floor/e2e-floor" shaped "$rate" "$seconds" "$warmup"
  start_broker
  rung broker-probe "$work/floor/e2e-floor" broker-probe "$port" e2e "$rate" "$seconds" "$warmup"
  start_broker
  total=$(python3 -c "print(int($rate * $seconds))"); warm=$(python3 -c "print(int($rate * $warmup))")
  rung brokerctl ctl_quiet perf e2e --topic e2e --num-records "$total" --warmup-records "$warm" --record-size 1024 --rate "$rate" --output json
done
