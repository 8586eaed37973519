#!/usr/bin/env bash
# usage: cpu.sh BUILD_DIR LABEL [helios args...]; fixed always-mode workload, server CPU per thread
set -u
B=$1; L=$2; shift 2
P=17120; D=/tmp/durab-prof/cpu-data-$L; rm -rf $D
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
cd $B
MALLOC_ARENA_MAX=2 $J --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -Xmx1g -XX:MaxDirectMemorySize=2g -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Dio.netty.leakDetection.level=disabled -cp "server/target/heliosdb-server-0.1.0-SNAPSHOT.jar:server/target/lib/*" io.heliosdb.server.Main --port $P --dir $D --appendfsync ${MODE:-always} "$@" > /tmp/durab-prof/cpu-$L.log 2>&1 &
PID=$!
for i in $(seq 1 100); do redis-cli -p $P ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-benchmark -p $P -t set -c 50 -n 200000 -r 1000000 -d 100 -q >/dev/null 2>&1
tick() { awk '{print $14+$15}' /proc/$PID/task/*/stat | paste -sd+ | bc; }
thr() { for t in /proc/$PID/task/*; do n=$(cat $t/comm); case "$n" in $1) awk '{print $14+$15}' $t/stat;; esac; done | paste -sd+ | bc; }
c0=$(tick); s0=$(thr 'helios-shard*'); l0=$(thr 'lsm-*'); g0=$(thr 'VM Thread'); t0=$(date +%s.%N)
out=""
for r in 1 2; do
  for cfg in "set 1" "set 16" "mset 1" "mset 16"; do set -- $cfg
    x=$(redis-benchmark -p $P -t $1 -c 50 -P $2 -n 300000 -r 1000000 -d 100 --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"')
    out="$out $1/P$2=${x%.*}"
  done
done
t1=$(date +%s.%N); c1=$(tick); s1=$(thr 'helios-shard*'); l1=$(thr 'lsm-*'); g1=$(thr 'VM Thread')
rss=$(awk '/VmRSS/{print $2}' /proc/$PID/status)
info=$(redis-cli -p $P info persistence | tr -d '\r' | grep -E "lsm_(flushes|compactions|write_stalls):" | tr '\n' ' ')
um=$(redis-cli -p $P info memory | tr -d '\r' | grep -E "^used_memory:" )
echo "$L wall=$(echo "$t1-$t0"|bc) cpu_total=$((c1-c0)) shard=$((s1-s0)) lsm=$((l1-l0)) vm=$((g1-g0)) (ticks 1/100s) rss_kb=$rss $um | $out | $info"
redis-cli -p $P shutdown nosave >/dev/null 2>&1; sleep 1; kill $PID 2>/dev/null; rm -rf $D
