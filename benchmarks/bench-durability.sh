#!/usr/bin/env bash
# Side-by-side benchmark of durable writes: redis-server with its AOF (appendonly yes) and HeliosDB
# with its LSM engine, same appendfsync policy, same machine, same run, driven by redis-benchmark SET.
# Writes a report to perf-reports/durability/. Usage: ./heliosdb bench durability
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
need=(); command -v redis-server >/dev/null || need+=(redis-server); command -v redis-benchmark >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
REDIS_PORT=${REDIS_PORT:-16379}; HELIOS_PORT=${HELIOS_PORT:-16380} # env: parallel sessions use their own ports
N=${N:-200000}; ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d)
stop_all() {
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
  redis-cli -p $HELIOS_PORT shutdown >/dev/null 2>&1 || true
  sleep 1
}
trap 'stop_all; rm -rf "$WORK"' EXIT
wait_up() { for i in $(seq 1 240); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "server on $1 did not start" >&2; exit 1; }

DATE=$(date -u +%Y-%m-%dT%H-%MZ)
OUT_DIR=perf-reports/durability; mkdir -p "$OUT_DIR"
REPORT="$OUT_DIR/$DATE.md"; CSV="$OUT_DIR/$DATE.csv"
echo "mode,round,server,test,clients,pipeline,rps,avg_ms,p50_ms,p99_ms" > "$CSV"
run() { # mode round server port clients pipeline
  redis-benchmark -p "$4" -t set,mset -c "$5" -P "$6" -n "$N" -r 1000000 -d 100 --csv -q 2>/dev/null | tail -n +2 | tr -d '"' |
    awk -F, -v m="$1" -v r="$2" -v s="$3" -v c="$5" -v p="$6" '{print m","r","s","$1","c","p","$2","$3","$5","$7}' >> "$CSV"
}
for MODE in ${MODES:-everysec always}; do
  rm -rf "$WORK/redis" "$WORK/helios"; mkdir -p "$WORK/redis"
  redis-server --port $REDIS_PORT --save "" --appendonly yes --appendfsync $MODE --daemonize yes --dir "$WORK/redis" \
    --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  ./heliosdb server --port $HELIOS_PORT --dir "$WORK/helios" --appendfsync $MODE ${HELIOS_ARGS:-} > "$WORK/helios-$MODE.log" 2>&1 &
  wait_up $REDIS_PORT; wait_up $HELIOS_PORT
  for p in $REDIS_PORT $HELIOS_PORT; do # warm-up (JIT, allocators, file sizes)
    redis-benchmark -p $p -t set -c 50 -n 200000 -r 1000000 -d 100 -q >/dev/null 2>&1
  done
  for ROUND in $(seq 1 "$ROUNDS"); do
    for cfg in "50 1" "50 16"; do
      set -- $cfg
      if [ $((ROUND % 2)) = 1 ]; then
        run $MODE $ROUND redis $REDIS_PORT $1 $2; run $MODE $ROUND helios $HELIOS_PORT $1 $2
      else
        run $MODE $ROUND helios $HELIOS_PORT $1 $2; run $MODE $ROUND redis $REDIS_PORT $1 $2
      fi
    done
  done
  REDIS_AOF_BYTES=$(du -sb "$WORK/redis" | cut -f1); HELIOS_BYTES=$(du -sb "$WORK/helios" | cut -f1)
  echo "$MODE,disk,redis,$REDIS_AOF_BYTES" >> "$WORK/disk.txt"; echo "$MODE,disk,helios,$HELIOS_BYTES" >> "$WORK/disk.txt"
  grep -E "^heliosdb_lsm_(write_stall|flushes|compactions|sstables)" <(redis-cli -p $HELIOS_PORT info persistence | tr -d '\r') \
    | sed "s/^/$MODE /" >> "$WORK/lsm.txt" || true
  stop_all
done
{
  echo "# Durable writes: HeliosDB vs redis-server with AOF, side by side ($DATE)"
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, kernel $(uname -r), data on $(df -T "$WORK" | awk 'NR==2{print $2}')"
  echo "- Peers: $(redis-server --version | cut -d' ' -f1-3) with --appendonly yes --appendfsync MODE --save ''; HeliosDB $(git rev-parse --short HEAD) with --appendfsync MODE (LSM engine, default settings)${HELIOS_ARGS:+ and $HELIOS_ARGS}"
  echo "- Command: \`${HELIOS_ARGS:+HELIOS_ARGS=\"$HELIOS_ARGS\" }${ROUNDS:+ROUNDS=$ROUNDS }./heliosdb bench durability\` (redis-benchmark -t set,mset -c C -P P -n $N -r 1000000 -d 100 --csv after a 200K warm-up; $ROUNDS rounds alternating which server goes first; medians)"
  echo "- always: a reply is sent only after the fsync that covers its write (both servers group the writes of one event-loop turn into one fsync)"
  echo
  echo "| appendfsync | test | clients | pipeline | redis ops/s | helios ops/s | ratio | redis p50 ms | helios p50 ms | redis p99 ms | helios p99 ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F, '
    function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t } return v[int((n + 1) / 2)] }
    NR > 1 { k = $1","$4","$5","$6; key[k] = 1; rps[$3, k] = rps[$3, k] " " $7; p50[$3, k] = p50[$3, k] " " $9; p99[$3, k] = p99[$3, k] " " $10 }
    END { for (k in key) { split(k, f, ","); r = median(rps["redis", k]); h = median(rps["helios", k]);
      printf "| %s | %s | %s | %s | %.0f | %.0f | %.2f | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4], r, h, h / r,
        median(p50["redis", k]), median(p50["helios", k]), median(p99["redis", k]), median(p99["helios", k]) } }' "$CSV" | sort
  echo
  echo "Disk used after each mode's runs (bytes): $(tr '\n' ';' < "$WORK/disk.txt")"
  echo
  echo "HeliosDB engine counters at the end of each mode: $(tr '\n' ';' < "$WORK/lsm.txt")"
  echo
  echo "Raw numbers: \`$(basename "$CSV")\`."
} > "$REPORT"
cat "$REPORT"
