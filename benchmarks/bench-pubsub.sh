#!/usr/bin/env bash
# PUBLISH fan-out, side by side: one channel, SUBS subscribers (raw sockets drained by one
# selector thread), one publisher pipelining DEPTH PUBLISHes, PUBLISHES messages per run; the same
# Java client against redis-server and HeliosDB (no persistence), ROUNDS rounds alternating.
# Prints delivered messages/s per round, the ratios and their median.
# Usage: SUBS=100 PUBLISHES=200000 DEPTH=32 ROUNDS=5 ./heliosdb bench pubsub
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SUBS=${SUBS:-100}; PUBLISHES=${PUBLISHES:-200000}; DEPTH=${DEPTH:-32}; ROUNDS=${ROUNDS:-5}
REDIS_PORT=16393; HELIOS_PORT=16394
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
redis-server --port $REDIS_PORT --save "" --appendonly no --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendonly no > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
JAR=benchmarks/target/heliosdb-benchmarks-0.1.0-SNAPSHOT-jmh.jar
run() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$JAR" io.heliosdb.benchmarks.PubSubThroughput "$1" "$SUBS" "$PUBLISHES" "$DEPTH"; }
run $REDIS_PORT >/dev/null; run $HELIOS_PORT >/dev/null   # warm-up (JIT of both the client and HeliosDB)
echo "# $(date -u +%Y-%m-%dT%H-%MZ) $(nproc) cores; redis $(redis-server --version | awk '{print $3}'); HeliosDB $(git rev-parse --short HEAD)"
echo "# SUBS=$SUBS PUBLISHES=$PUBLISHES DEPTH=$DEPTH ROUNDS=$ROUNDS ./heliosdb bench pubsub"
echo "# round  redis msg/s  helios msg/s  ratio   (publishes/s redis, helios)"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  read -r rm rp < <(run $REDIS_PORT)
  read -r hm hp < <(run $HELIOS_PORT)
  r=$(awk -v a="$hm" -v b="$rm" 'BEGIN{printf "%.2f", a/b}')
  ratios+=("$r")
  echo "$round  $rm  $hm  $r   ($rp, $hp)"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median ratio %.2f\n", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'
