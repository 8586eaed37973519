#!/usr/bin/env bash
# Side-by-side benchmark of the collection types: redis-server (Debian package) and HeliosDB on the
# same machine, same run, same settings (no persistence for either, or both with AOF everysec when
# PERSIST=1), driven by redis-benchmark. Three parts:
#   1. redis-benchmark's own tests LPUSH, RPOP, SADD, HSET, ZADD, LRANGE_100, LRANGE_600 at -c 50, -P 1 and -P 16
#      (plus SET and GET: the network path's baseline in the same run);
#   2. a 1M-member sorted set and a 1M-field hash: ZADD / ZRANGEBYSCORE..LIMIT / ZRANK and HSET / HGET latency;
#   3. memory: used_memory and RSS growth for 1M-member hash, set, sorted set and list.
# Writes perf-reports/collections/<date>.md (+ .csv). Usage: ./heliosdb bench collections
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ "${1:-}" = "collections" ] && shift

need=(); command -v redis-server >/dev/null || need+=(redis-server); command -v redis-benchmark >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

REDIS_PORT=16389; HELIOS_PORT=16390
N=${N:-200000}
ROUNDS=${ROUNDS:-3}
BIG=${BIG:-1000000}
PERSIST=${PERSIST:-0}
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT

if [ "$PERSIST" = 1 ]; then
  REDIS_P=(--appendonly yes --appendfsync everysec); HELIOS_P=(--appendonly yes --appendfsync everysec)
else
  REDIS_P=(--appendonly no); HELIOS_P=(--appendonly no)
fi
redis-server --port $REDIS_PORT --save "" "${REDIS_P[@]}" --daemonize yes --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" "${HELIOS_P[@]}" ${HELIOS_ARGS:-} > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
HELIOS_JAVA_PID=$(pgrep -f "io.heliosdb.server.Main.*--port $HELIOS_PORT" | head -1)
REDIS_PID=$(cat "$WORK/redis.pid")
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
used() { redis-cli -p "$1" info memory | awk -F: '/^used_memory:/{print $2}' | tr -d '\r'; }
# HeliosDB's live heap: a full GC first (jcmd), so garbage does not count; checks its used_memory estimate.
live_heap() { jcmd "$HELIOS_JAVA_PID" GC.run >/dev/null 2>&1; redis-cli -p $HELIOS_PORT info memory | awk -F: '/^heliosdb_heap_used:/{print $2}' | tr -d '\r'; }

DATE=$(date -u +%Y-%m-%dT%H-%MZ)
OUT_DIR=perf-reports/collections; mkdir -p "$OUT_DIR"
REPORT="$OUT_DIR/$DATE.md"; CSV="$OUT_DIR/$DATE.csv"
echo "round,server,test,clients,pipeline,rps,avg_ms,p50_ms,p99_ms" > "$CSV"
ROUND=0
csv() { # server clients pipeline
  tail -n +2 | tr -d '"' | awk -F, -v r="$ROUND" -v s="$1" -v c="$2" -v p="$3" '{print r","s","$1","c","p","$2","$3","$5","$7}' >> "$CSV"
}
run() { # server port tests clients pipeline
  redis-benchmark -p "$2" -t "$3" -c "$4" -P "$5" -n "$N" -r 100000 --csv -q 2>/dev/null | csv "$1" "$4" "$5"
}
TESTS=set,get,lpush,rpop,sadd,hset,zadd,lrange_100,lrange_600 # SET and GET: the same run's baseline for the network path
for p in $REDIS_PORT $HELIOS_PORT; do
  redis-benchmark -p $p -t $TESTS -c 50 -P 16 -n 400000 -r 100000 -q >/dev/null 2>&1
  redis-benchmark -p $p -t $TESTS -c 50 -n 100000 -r 100000 -q >/dev/null 2>&1
done
for ROUND in $(seq 1 "$ROUNDS"); do
  for cfg in "50 1" "50 16"; do
    set -- $cfg
    if [ $((ROUND % 2)) = 1 ]; then
      run redis $REDIS_PORT $TESTS $1 $2; run helios $HELIOS_PORT $TESTS $1 $2
    else
      run helios $HELIOS_PORT $TESTS $1 $2; run redis $REDIS_PORT $TESTS $1 $2
    fi
  done
done

# Large collections: BIG members loaded with redis-cli --pipe (1000 per command).
load() { # port
  awk -v n=$BIG 'BEGIN {
    for (i = 0; i < n; i += 1000) {
      m = (n - i < 1000) ? n - i : 1000
      printf "*%d\r\n$4\r\nZADD\r\n$4\r\nbigz\r\n", 2 + 2 * m
      for (j = i; j < i + m; j++) { s = sprintf("%d", j); k = sprintf("m:%d", j); printf "$%d\r\n%s\r\n$%d\r\n%s\r\n", length(s), s, length(k), k }
      printf "*%d\r\n$4\r\nHSET\r\n$4\r\nbigh\r\n", 2 + 2 * m
      for (j = i; j < i + m; j++) { k = sprintf("f:%d", j); printf "$%d\r\n%s\r\n$5\r\nvalue\r\n", length(k), k }
    } }' | redis-cli -p "$1" --pipe >/dev/null
}
big() { # server port name command...
  local s=$1 p=$2 name=$3; shift 3
  redis-benchmark -p "$p" -c 50 -n "$N" -r "$BIG" --csv -q "$@" 2>/dev/null | tail -n +2 | tr -d '"' |
    awk -F, -v r="$ROUND" -v s="$s" -v t="$name" '{print r","s","t",50,1,"$2","$3","$5","$7}' >> "$CSV"
}
for p in $REDIS_PORT $HELIOS_PORT; do redis-cli -p $p flushall >/dev/null; load $p; done
for ROUND in $(seq 1 "$ROUNDS"); do
  for pair in "redis $REDIS_PORT" "helios $HELIOS_PORT"; do
    set -- $pair
    big $1 $2 "ZADD 1M zset" zadd bigz __rand_int__ m:__rand_int__
    big $1 $2 "ZRANGEBYSCORE 1M zset LIMIT 10" zrangebyscore bigz __rand_int__ +inf LIMIT 0 10
    big $1 $2 "ZRANK 1M zset" zrank bigz m:__rand_int__
    big $1 $2 "HSET 1M hash" hset bigh f:__rand_int__ value2
    big $1 $2 "HGET 1M hash" hget bigh f:__rand_int__
  done
done
ZCARD_R=$(redis-cli -p $REDIS_PORT zcard bigz); ZCARD_H=$(redis-cli -p $HELIOS_PORT zcard bigz)

# Memory: growth of used_memory and RSS from an empty server to 1M-member collections of each type.
mem_row() { # type command-builder
  local type=$1
  for p in $REDIS_PORT $HELIOS_PORT; do redis-cli -p $p flushall >/dev/null; done
  sleep 1
  local r0 h0 rr0 hr0 lh0; r0=$(used $REDIS_PORT); h0=$(used $HELIOS_PORT); rr0=$(rss_kb $REDIS_PID); hr0=$(rss_kb $HELIOS_JAVA_PID); lh0=$(live_heap)
  for p in $REDIS_PORT $HELIOS_PORT; do
    awk -v n=$BIG -v t="$type" 'BEGIN {
      cmd = (t == "hash") ? "HSET" : (t == "set") ? "SADD" : (t == "zset") ? "ZADD" : "RPUSH"
      per = (t == "hash" || t == "zset") ? 2 : 1
      for (i = 0; i < n; i += 1000) {
        m = (n - i < 1000) ? n - i : 1000
        printf "*%d\r\n$%d\r\n%s\r\n$3\r\nbig\r\n", 2 + per * m, length(cmd), cmd
        for (j = i; j < i + m; j++) {
          k = sprintf("member:%08d", j)
          if (t == "zset") { s = sprintf("%d", j); printf "$%d\r\n%s\r\n", length(s), s }
          printf "$%d\r\n%s\r\n", length(k), k
          if (t == "hash") printf "$5\r\nvalue\r\n"
        }
      } }' | redis-cli -p $p --pipe >/dev/null
  done
  sleep 2
  local r1 h1 rr1 hr1 lh1; r1=$(used $REDIS_PORT); h1=$(used $HELIOS_PORT); rr1=$(rss_kb $REDIS_PID); hr1=$(rss_kb $HELIOS_JAVA_PID); lh1=$(live_heap)
  echo "| $type | $(( (r1 - r0) / 1048576 )) MiB | $(( (h1 - h0) / 1048576 )) MiB | $(awk -v a=$((h1 - h0)) -v b=$((r1 - r0)) 'BEGIN{printf "%.2f", a/b}') | $(( (lh1 - lh0) / 1048576 )) MiB | $(( (rr1 - rr0) / 1024 )) MiB | $(( (hr1 - hr0) / 1024 )) MiB |"
}
MEM_ROWS=$(for t in hash set zset list; do mem_row $t; done)

{
  echo "# Collections: HeliosDB vs redis-server, side by side ($DATE)"
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r)"
  echo "- Peers: $(redis-server --version | cut -d' ' -f1-3); HeliosDB $(git rev-parse --short HEAD) on $($JAVA_HOME/bin/java -version 2>&1 | head -1), $(grep -o 'transport=[a-z_]* shards=[0-9]*' "$WORK/helios.log")"
  echo "- Settings: $( [ "$PERSIST" = 1 ] && echo 'both with AOF, appendfsync everysec' || echo 'no persistence for either (redis: --save "" --appendonly no; HeliosDB: --appendonly no)'); client and both servers share the machine's cores"
  echo "- Command: \`PERSIST=$PERSIST ROUNDS=$ROUNDS N=$N BIG=$BIG ${HELIOS_ARGS:+HELIOS_ARGS=\"$HELIOS_ARGS\" }./heliosdb bench collections\` (redis-benchmark -n $N -r 100000 after a warm-up; $ROUNDS round(s) alternating who goes first; medians)"
  echo
  echo "## redis-benchmark tests"
  echo
  echo "| test | clients | pipeline | redis ops/s | helios ops/s | ratio | redis p50 ms | helios p50 ms | redis p99 ms | helios p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  awk -F, '
    function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t } return v[int((n + 1) / 2)] }
    NR > 1 { k = $3","$4","$5; key[k] = 1; rps[$2, k] = rps[$2, k] " " $6; p50[$2, k] = p50[$2, k] " " $8; p99[$2, k] = p99[$2, k] " " $9 }
    END { for (k in key) { split(k, f, ","); r = median(rps["redis", k]); h = median(rps["helios", k]);
      printf "| %s | %s | %s | %.0f | %.0f | %.2f | %s | %s | %s | %s |\n", f[1], f[2], f[3], r, h, h / r,
        median(p50["redis", k]), median(p50["helios", k]), median(p99["redis", k]), median(p99["helios", k]) } }' "$CSV" | sort
  echo
  echo "The rows named \"1M ...\" run against a $BIG-member sorted set (ZCARD: redis $ZCARD_R, HeliosDB $ZCARD_H) and a $BIG-field hash, -c 50 -P 1, random members."
  echo
  echo "## Memory for $BIG-member collections (growth from an empty server; members \"member:NNNNNNNN\", hash values \"value\")"
  echo
  echo "| type | redis used_memory | helios used_memory | ratio | helios live heap growth | redis RSS growth | helios RSS growth |"
  echo "|---|---|---|---|---|---|---|"
  echo "$MEM_ROWS"
  echo
  echo "HeliosDB's used_memory counts off-heap entries plus its estimate of the collections' heap bytes; 'live heap growth' checks that estimate: the JVM heap in use after a full GC (jcmd GC.run) before and after loading. (With PERSIST=1 the storage engine's flush and compaction buffers come and go in the same heap, so that column is only indicative there.) The RSS columns are what the processes grew by (a JVM's RSS keeps heap pages it already had, so it says little here)."
  echo
  echo "Raw numbers: \`$(basename "$CSV")\`."
} > "$REPORT"
cat "$REPORT"
