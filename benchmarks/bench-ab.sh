#!/usr/bin/env bash
# Quick side-by-side of chosen redis-benchmark tests with more requests per run than the full
# reports: redis-server and HeliosDB (no persistence for either), ROUNDS rounds alternating
# redis first, N requests each; prints per-round ratios and their median. For settling a row
# whose full-report median sits within the machine's round-to-round spread.
# Usage: TESTS=get,lpush,rpop,lrange_100 P=1 N=600000 ROUNDS=5 ./heliosdb bench ab
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TESTS=${TESTS:-get,set}; P=${P:-1}; N=${N:-600000}; ROUNDS=${ROUNDS:-5}; R=${R:-100000}
REDIS_PORT=16391; HELIOS_PORT=16392
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
redis-server --port $REDIS_PORT --save "" --appendonly no --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendonly no > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
rates() { redis-benchmark -p "$1" -t "$TESTS" -c 50 -P "$P" -n "$N" -r "$R" --csv 2>/dev/null | tail -n +2 | tr -d '"' | awk -F, '{print $1 "\t" $2}'; }
for p in $REDIS_PORT $HELIOS_PORT; do redis-benchmark -p $p -t "$TESTS" -c 50 -P "$P" -n 200000 -r "$R" -q >/dev/null 2>&1; done
echo "# $(date -u +%Y-%m-%dT%H-%MZ) $(nproc) cores; redis $(redis-server --version | awk '{print $3}'); HeliosDB $(git rev-parse --short HEAD)"
echo "# TESTS=$TESTS P=$P N=$N ROUNDS=$ROUNDS ./heliosdb bench ab   (-c 50 -r $R)"
for round in $(seq 1 "$ROUNDS"); do
  rates $REDIS_PORT | sed "s/^/$round\tredis\t/"
  rates $HELIOS_PORT | sed "s/^/$round\thelios\t/"
done | awk -F'\t' '
  { v[$1 SUBSEP $2 SUBSEP $3] = $4; tests[$3] = 1; rounds[$1] = 1 }
  END {
    for (t in tests) {
      n = 0; line = ""
      for (r in rounds) { x = v[r SUBSEP "helios" SUBSEP t] / v[r SUBSEP "redis" SUBSEP t]; q[++n] = x; line = line sprintf(" %.2f", x) }
      for (i = 2; i <= n; i++) { x = q[i]; for (j = i - 1; j >= 1 && q[j] > x; j--) q[j + 1] = q[j]; q[j + 1] = x }
      med = (n % 2) ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
      printf "%-40s median %.2f   rounds:%s\n", t, med, line
      delete q
    }
  }' | sort
