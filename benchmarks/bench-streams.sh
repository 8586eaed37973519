#!/usr/bin/env bash
# Streams side by side: the same Java client (benchmarks' StreamThroughput) against redis-server
# and HeliosDB (no persistence for either), ROUNDS rounds alternating. CLIENTS threads each own a
# stream: XADD * pipelined DEPTH deep, then XREADGROUP COUNT BATCH > + XACK until drained.
# Prints entries/s per round for both phases, the ratios and their medians.
# Usage: CLIENTS=50 PER_CLIENT=20000 DEPTH=16 BATCH=10 ROUNDS=5 ./heliosdb bench streams
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLIENTS=${CLIENTS:-50}; PER_CLIENT=${PER_CLIENT:-20000}; DEPTH=${DEPTH:-16}; BATCH=${BATCH:-10}; ROUNDS=${ROUNDS:-5}
REDIS_PORT=16397; HELIOS_PORT=16398
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
redis-server --port $REDIS_PORT --save "" --appendonly no --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendonly no > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
JAR=benchmarks/target/heliosdb-benchmarks-0.1.0-SNAPSHOT-jmh.jar
run() { "$JAVA_HOME/bin/java" -XX:+UseParallelGC -cp "$JAR" io.heliosdb.benchmarks.StreamThroughput "$1" "$CLIENTS" "$PER_CLIENT" "$DEPTH" "$BATCH"; }
run $REDIS_PORT >/dev/null; run $HELIOS_PORT >/dev/null   # warm-up
echo "# $(date -u +%Y-%m-%dT%H-%MZ) $(nproc) cores; redis $(redis-server --version | awk '{print $3}'); HeliosDB $(git rev-parse --short HEAD)"
echo "# CLIENTS=$CLIENTS PER_CLIENT=$PER_CLIENT DEPTH=$DEPTH BATCH=$BATCH ROUNDS=$ROUNDS ./heliosdb bench streams"
echo "# round  xadd/s redis  helios  ratio   consume/s redis  helios  ratio"
for round in $(seq 1 "$ROUNDS"); do
  read -r rx rc < <(run $REDIS_PORT)
  read -r hx hc < <(run $HELIOS_PORT)
  echo "$round  $rx $hx $(awk -v a="$hx" -v b="$rx" 'BEGIN{printf "%.2f", a/b}')   $rc $hc $(awk -v a="$hc" -v b="$rc" 'BEGIN{printf "%.2f", a/b}')"
done | tee "$WORK/rounds"
for col in 4 7; do
  name=$([ $col = 4 ] && echo xadd || echo "xreadgroup+xack")
  awk -v c=$col '{print $c}' "$WORK/rounds" | sort -n | awk -v n="$name" '{a[NR]=$1} END {printf "%s median ratio %.2f\n", n, (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'
done
