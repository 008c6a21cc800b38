#!/usr/bin/env bash
# Measures Redis Streams (pipelined XADD; without persistence, then with its append-only file) and this broker
# (`brokerctl perf produce`, acks=1) on this machine with the same record size, one after the other, and prints
# MB/s for each and the ratio. Everything listens on 127.0.0.1 only; everything it starts it stops.
#   RECORDS=1000000 RECORD_SIZE=1024 bench/compare-redis.sh
set -euo pipefail
records=${RECORDS:-1000000}
size=${RECORD_SIZE:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  echo "installing redis-server and redis-tools from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

redis_mb_per_sec() { # $1 = extra redis-server arguments
  local port; port=$(free_port)
  # shellcheck disable=SC2086
  redis-server --port "$port" --bind 127.0.0.1 --save "" --dir "$work" $1 --daemonize no >/dev/null &
  pids+=($!)
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
  local value rps
  value=$(head -c "$size" /dev/zero | tr '\0' 'x')
  rps=$(redis-benchmark -h 127.0.0.1 -p "$port" -n "$records" -P 64 -c 4 --csv XADD bench '*' v "$value" 2>/dev/null \
    | tail -1 | cut -d, -f2 | tr -d '"')
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  python3 -c "print(f'{$rps * $size / 1e6:.1f}')"
}

echo "building the broker and brokerctl (Release)" >&2
dotnet build -c Release "$root/src/Broker.Server" -o "$work/server" >/dev/null
dotnet build -c Release "$root/src/Broker.Cli" -o "$work/cli" >/dev/null

port=$(free_port)
dotnet "$work/server/Broker.Server.dll" --data-dir "$work/data" --listen "127.0.0.1:$port" --http-listen "" \
  --Logging:LogLevel:Default=Warning &
pids+=($!)
ctl() { dotnet "$work/cli/brokerctl.dll" --bootstrap "127.0.0.1:$port" "$@"; }
until ctl cluster describe >/dev/null 2>&1; do sleep 0.2; done
ctl topic create perf --partitions 1 >/dev/null
broker=$(ctl perf produce --topic perf --num-records "$records" --record-size "$size" --acks 1 --output json \
  | python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)["mb_per_sec"])')

redis_memory=$(redis_mb_per_sec "--appendonly no")
redis_aof=$(redis_mb_per_sec "--appendonly yes --appendfsync everysec")

printf '%-40s %10s %8s\n' "system ($records records of $size B)" "MB/s" "broker/x"
printf '%-40s %10s %8s\n' "broker (brokerctl perf produce, acks=1)" "$broker" "1.00"
printf '%-40s %10s %8s\n' "redis XADD, no persistence" "$redis_memory" "$(python3 -c "print(f'{$broker/$redis_memory:.2f}')")"
printf '%-40s %10s %8s\n' "redis XADD, appendonly everysec" "$redis_aof" "$(python3 -c "print(f'{$broker/$redis_aof:.2f}')")"
