#!/usr/bin/env bash
# Side-by-side benchmark: redis-server (Debian package) and HeliosDB on the same machine, same run,
# same settings (no persistence for either), driven by redis-benchmark. Writes a report to
# perf-reports/redis-side-by-side/. Usage: ./heliosdb bench redis [--quick]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
QUICK=0; [ "${1:-}" = "redis" ] && shift; [ "${1:-}" = "--quick" ] && QUICK=1

need=(); command -v redis-server >/dev/null || need+=(redis-server); command -v redis-benchmark >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

REDIS_PORT=16379; HELIOS_PORT=16380
N=${N:-200000}; [ $QUICK = 1 ] && N=50000
ROUNDS=${ROUNDS:-3}; [ $QUICK = 1 ] && ROUNDS=1
WORK=$(mktemp -d); trap 'redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; kill $HPID 2>/dev/null || true; rm -rf "$WORK"' EXIT

redis-server --port $REDIS_PORT --save "" --appendonly no --daemonize yes --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendonly no ${HELIOS_ARGS:-} > "$WORK/helios.log" 2>&1 &
HPID=$!
for p in $REDIS_PORT $HELIOS_PORT; do
  for i in $(seq 1 120); do redis-cli -p $p ping >/dev/null 2>&1 && break; sleep 0.5; done
done
HELIOS_JAVA_PID=$(pgrep -f "io.heliosdb.server.Main.*--port $HELIOS_PORT" | head -1)
REDIS_PID=$(cat "$WORK/redis.pid")
rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }
IDLE_RSS_KB=$(rss_kb "$HELIOS_JAVA_PID")

DATE=$(date -u +%Y-%m-%dT%H-%MZ)
OUT_DIR=perf-reports/redis-side-by-side; mkdir -p "$OUT_DIR"
REPORT="$OUT_DIR/$DATE.md"
CSV="$OUT_DIR/$DATE.csv"
echo "round,server,test,clients,pipeline,rps,avg_ms,p50_ms,p99_ms" > "$CSV"

ROUND=0
run() { # server port test clients pipeline
  local name=$1 port=$2 test=$3 c=$4 p=$5 n=$N
  [ "$c" = 1 ] && n=$((N / 4))
  redis-benchmark -p "$port" -t "$test" -c "$c" -P "$p" -n "$n" -r 100000 --csv -q 2>/dev/null | tail -n +2 | tr -d '"' |
    awk -F, -v r="$ROUND" -v s="$name" -v c="$c" -v p="$p" '{print r","s","$1","c","p","$2","$3","$5","$7}' | tee -a "$CSV"
}

# Warm both (HeliosDB's JIT needs a few hundred thousand requests on each path; both allocators),
# then measure, alternating who goes first.
for p in $REDIS_PORT $HELIOS_PORT; do
  redis-benchmark -p $p -t set,get,incr,mset -c 50 -P 16 -n 400000 -r 100000 -q >/dev/null 2>&1
  redis-benchmark -p $p -t set,get,incr,mset -c 50 -n 100000 -r 100000 -q >/dev/null 2>&1
done
for ROUND in $(seq 1 "$ROUNDS"); do
  for cfg in "50 1" "50 16" "1 1"; do
    set -- $cfg
    tests="set,get,incr,mset"; [ "$1" = 1 ] && tests="set,get"
    if [ $((ROUND % 2)) = 1 ]; then # alternate who goes first
      run redis $REDIS_PORT $tests $1 $2 > /dev/null; run helios $HELIOS_PORT $tests $1 $2 > /dev/null
    else
      run helios $HELIOS_PORT $tests $1 $2 > /dev/null; run redis $REDIS_PORT $tests $1 $2 > /dev/null
    fi
  done
done

# Memory: exactly 1M keys with 100-byte values through redis-cli --pipe, into both.
mem_keys=1000000; [ $QUICK = 1 ] && mem_keys=200000
gen() { awk -v n=$mem_keys 'BEGIN { v=sprintf("%0100d", 7); for (i = 0; i < n; i++) { k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$100\r\n%s\r\n", k, v } }'; }
for p in $REDIS_PORT $HELIOS_PORT; do redis-cli -p $p flushall >/dev/null; gen | redis-cli -p $p --pipe >/dev/null; done
sleep 2
REDIS_RSS_KB=$(rss_kb "$REDIS_PID"); HELIOS_RSS_KB=$(rss_kb "$HELIOS_JAVA_PID")
REDIS_USED=$(redis-cli -p $REDIS_PORT info memory | awk -F: '/^used_memory:/{print $2}' | tr -d '\r')
HELIOS_USED=$(redis-cli -p $HELIOS_PORT info memory | awk -F: '/^used_memory:/{print $2}' | tr -d '\r')
REDIS_KEYS=$(redis-cli -p $REDIS_PORT dbsize); HELIOS_KEYS=$(redis-cli -p $HELIOS_PORT dbsize)

{
  echo "# HeliosDB vs redis-server, side by side ($DATE)"
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r)"
  echo "- Peers: $(redis-server --version | cut -d' ' -f1-3); HeliosDB $(git rev-parse --short HEAD) on $($JAVA_HOME/bin/java -version 2>&1 | head -1), $(grep -o 'transport=[a-z_]* shards=[0-9]*' "$WORK/helios.log")"
  echo "- Settings: no persistence for either (redis: --save '' --appendonly no); client and both servers share the machine's cores"
  echo "- Command: \`${HELIOS_ARGS:+HELIOS_ARGS=\"$HELIOS_ARGS\" }./heliosdb bench redis$( [ $QUICK = 1 ] && echo ' --quick')\` (redis-benchmark -c C -P P -n $N -r 100000 --csv after a warm-up run; $ROUNDS round(s) alternating which server goes first; each cell is the median over the rounds)"
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
  echo "Memory with $mem_keys keys of 100-byte values (loaded with redis-cli --pipe):"
  echo
  echo "| | redis-server | HeliosDB | ratio |"
  echo "|---|---|---|---|"
  echo "| keys | $REDIS_KEYS | $HELIOS_KEYS | |"
  echo "| RSS | $((REDIS_RSS_KB / 1024)) MiB | $((HELIOS_RSS_KB / 1024)) MiB | $(awk -v a=$HELIOS_RSS_KB -v b=$REDIS_RSS_KB 'BEGIN{printf "%.2f", a/b}') |"
  echo "| used_memory | $((REDIS_USED / 1048576)) MiB | $((HELIOS_USED / 1048576)) MiB | $(awk -v a=$HELIOS_USED -v b=$REDIS_USED 'BEGIN{printf "%.2f", a/b}') |"
  echo
  echo "HeliosDB idle RSS right after start: $((IDLE_RSS_KB / 1024)) MiB."
  echo
  echo "Raw numbers: \`$(basename "$CSV")\`."
} > "$REPORT"
cat "$REPORT"
