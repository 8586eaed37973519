#!/usr/bin/env bash
# Scripting (and, once present, stream) commands side by side: redis-benchmark runs the same
# custom command against redis-server and HeliosDB (no persistence for either), ROUNDS rounds
# alternating, N requests each, 50 clients, pipeline P, keys drawn from R; prints per-round ratios
# and their median.
#   evalsha-ratelimit: EVALSHA of a rate limiter (GET, compare, INCR, EXPIRE on first hit) on
#                      rl:<random>, limit 100 per 60 s (so most calls INCR and some refuse).
# Usage: P=1 N=300000 ROUNDS=5 ./heliosdb bench scripts
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
P=${P:-1}; N=${N:-300000}; ROUNDS=${ROUNDS:-5}; R=${R:-10000}
REDIS_PORT=16395; HELIOS_PORT=16396
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
redis-server --port $REDIS_PORT --save "" --appendonly no --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendonly no > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
RATE_LIMITER="local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= tonumber(ARGV[1]) then return 0 end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1"
SHA=$(redis-cli -p $REDIS_PORT SCRIPT LOAD "$RATE_LIMITER")
[ "$(redis-cli -p $HELIOS_PORT SCRIPT LOAD "$RATE_LIMITER")" = "$SHA" ] || { echo "SHA mismatch" >&2; exit 1; }
rate() { redis-benchmark -p "$1" -c 50 -P "$P" -n "$2" -r "$R" --csv EVALSHA "$SHA" 1 rl:__rand_int__ 100 60 2>/dev/null | tail -1 | tr -d '"' | cut -d, -f2; }
for p in $REDIS_PORT $HELIOS_PORT; do rate $p 100000 >/dev/null; done   # warm-up
echo "# $(date -u +%Y-%m-%dT%H-%MZ) $(nproc) cores; redis $(redis-server --version | awk '{print $3}'); HeliosDB $(git rev-parse --short HEAD)"
echo "# P=$P N=$N ROUNDS=$ROUNDS R=$R ./heliosdb bench scripts   (redis-benchmark -c 50 EVALSHA <rate limiter> 1 rl:__rand_int__ 100 60)"
echo "# round  redis ops/s  helios ops/s  ratio"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  r=$(rate $REDIS_PORT "$N"); h=$(rate $HELIOS_PORT "$N")
  x=$(awk -v a="$h" -v b="$r" 'BEGIN{printf "%.2f", a/b}')
  ratios+=("$x"); echo "$round  $r  $h  $x"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {printf "evalsha-ratelimit median ratio %.2f\n", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'
