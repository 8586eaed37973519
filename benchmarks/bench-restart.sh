#!/usr/bin/env bash
# Restart time with about 1 GB of data: load 1M keys of 1000-byte (incompressible) values into HeliosDB, stop it
# (SIGKILL: the worst case, nothing flushed on the way out; then a clean SHUTDOWN), start it again on
# the same directory and time until it answers PING with every key there. Report in
# perf-reports/restart/. Usage: ./heliosdb bench restart [keys]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
KEYS=${1:-1000000}; PORT=16381
WORK=$(mktemp -d); trap 'redis-cli -p $PORT shutdown >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
wait_up() { for i in $(seq 1 2400); do redis-cli -p $PORT ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no start" >&2; exit 1; }
start() { ./heliosdb server --port $PORT --dir "$WORK/data" ${HELIOS_ARGS:-} >> "$WORK/helios.log" 2>&1 & }
# Values that do not compress (a pool of 997 random strings, so neighbours in a block differ): the
# directory really holds about 1 GB.
gen() { awk -v n=$KEYS 'BEGIN { srand(7); for (p = 0; p < 997; p++) { s = ""; while (length(s) < 1000) s = s sprintf("%08x", int(rand() * 4294967296)); pool[p] = substr(s, 1, 1000) }
  for (i = 0; i < n; i++) { k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$1000\r\n%s\r\n", k, pool[i % 997] } }'; }
start; wait_up
gen | redis-cli -p $PORT --pipe >/dev/null
LOADED=$(redis-cli -p $PORT dbsize)
sleep 2
DISK=$(du -sb "$WORK/data" | cut -f1)
timed_restart() { # how: kill|shutdown
  if [ "$1" = kill ]; then kill -9 "$(pgrep -f "io.heliosdb.server.Main.*--port $PORT" | head -1)"; sleep 0.5
  else redis-cli -p $PORT shutdown >/dev/null 2>&1 || true; while pgrep -f "io.heliosdb.server.Main.*--port $PORT" >/dev/null; do sleep 0.1; done; fi
  local t0=$(date +%s.%N); start; wait_up; local t1=$(date +%s.%N)
  local n=$(redis-cli -p $PORT dbsize)
  echo "$1 $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.2f", b-a}') $n"
}
R1=$(timed_restart kill); R2=$(timed_restart shutdown); R3=$(timed_restart kill)
DATE=$(date -u +%Y-%m-%dT%H-%MZ); OUT=perf-reports/restart; mkdir -p $OUT
{
  echo "# Restart time with $((DISK / 1048576)) MiB of data ($DATE)"
  echo
  echo "- Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, data on $(df -T "$WORK" | awk 'NR==2{print $2}'); HeliosDB $(git rev-parse --short HEAD), default settings${HELIOS_ARGS:+ plus $HELIOS_ARGS}"
  echo "- Command: \`./heliosdb bench restart $KEYS\`: $LOADED keys of 1000-byte values loaded with redis-cli --pipe; data directory $DISK bytes (log + tables)"
  echo "- Time: from starting the JVM to the first PONG (the server accepts clients only after every key is loaded), measured by the script, including JVM start"
  echo
  echo "| stop before restart | seconds to ready | keys after restart |"
  echo "|---|---|---|"
  for r in "$R1" "$R2" "$R3"; do set -- $r; echo "| $1 | $2 | $3 |"; done
  echo
  echo "Server log lines of the last start:"; echo; echo '```'; grep "HeliosDB storage" "$WORK/helios.log" | tail -3; echo '```'
} > "$OUT/$DATE.md"
cat "$OUT/$DATE.md"
