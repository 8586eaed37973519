#!/usr/bin/env bash
# Data beyond RAM: a keyspace 4x larger than maxmemory (persistence on), hot-key GET latency against
# the same data held entirely in RAM, and cold GETs served from disk. Same machine, same run.
# Report in perf-reports/tiering/. Usage: ./heliosdb bench tiering
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MAXMEM_MB=${MAXMEM_MB:-64}; KEYS=${KEYS:-262144}; HOT=${HOT:-10000}; N=${N:-200000}
PORT=16382; WORK=$(mktemp -d)
trap 'redis-cli -p $PORT shutdown >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
wait_up() { for i in $(seq 1 2400); do redis-cli -p $PORT ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no start" >&2; exit 1; }
# KEYS keys of 1000 bytes: 4x a 64 MB budget. redis-benchmark's key:__rand_int__ names key:%012d.
gen() { awk -v n=$KEYS 'BEGIN { v=sprintf("%01000d", 7); for (i = 0; i < n; i++) { k = sprintf("key:%012d", i); printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$1000\r\n%s\r\n", k, v } }'; }
measure() { # label keyrange
  redis-benchmark -p $PORT -t get -c 50 -n $N -r "$2" --csv -q 2>/dev/null | tail -n +2 | tr -d '"' |
    awk -F, -v l="$1" '{print l","$2","$5","$7","$8}' >> "$WORK/results.csv"
}
echo "label,rps,p50_ms,p99_ms,max_ms" > "$WORK/results.csv"
for cfg in ram tiered; do
  rm -rf "$WORK/data"
  extra=""; [ $cfg = tiered ] && extra="--maxmemory ${MAXMEM_MB}mb"
  ./heliosdb server --port $PORT --dir "$WORK/data" $extra ${HELIOS_ARGS:-} > "$WORK/helios-$cfg.log" 2>&1 &
  wait_up
  gen | redis-cli -p $PORT --pipe >/dev/null
  # Let the background flushes and compactions of the bulk load finish (same wait for both
  # configurations): the target is the steady state of hot keys, not the minute after a bulk load.
  prev=""; for i in $(seq 1 60); do
    cur=$(redis-cli -p $PORT info persistence | tr -d '\r' | grep -E "^heliosdb_lsm_(flushes|compactions)" | tr '\n' ' ')
    [ "$cur" = "$prev" ] && break; prev=$cur; sleep 3
  done
  redis-cli -p $PORT info memory | tr -d '\r' | grep -E "^(used_memory_offheap|heliosdb_tier_(ram_values|disk_only_values))" | sed "s/^/$cfg /" >> "$WORK/tiers.txt"
  redis-benchmark -p $PORT -t get -c 50 -n $N -r $HOT -q >/dev/null 2>&1 # warm the hot set (and the JIT)
  for round in 1 2 3; do measure "$cfg-hot" $HOT; done
  [ $cfg = tiered ] && for round in 1 2 3; do measure "$cfg-cold-uniform" $KEYS; done
  redis-cli -p $PORT info memory | tr -d '\r' | grep -E "^heliosdb_tier_(ram_hits|disk_hits|ram_hit_rate)" | sed "s/^/$cfg /" >> "$WORK/tiers.txt"
  redis-cli -p $PORT shutdown >/dev/null 2>&1 || true; sleep 2
done
DATE=$(date -u +%Y-%m-%dT%H-%MZ); OUT=perf-reports/tiering; mkdir -p $OUT
{
  echo "# Data beyond RAM: $KEYS keys of 1000 bytes with maxmemory ${MAXMEM_MB}mb vs all in RAM ($DATE)"
  echo
  echo "- Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, data on $(df -T "$WORK" | awk 'NR==2{print $2}'); HeliosDB $(git rev-parse --short HEAD), persistence on (everysec) in both"
  echo "- Command: \`./heliosdb bench tiering\`: load with redis-cli --pipe, wait until the engine's flush and compaction counters stay still for 3 s, then redis-benchmark -t get -c 50 -n $N (-r $HOT for the hot set of $HOT keys, -r $KEYS for uniform reads over all keys); 3 rounds each, medians"
  echo
  echo "| configuration | GET ops/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|"
  awk -F, 'function median(list,   n, v, i, j, t) { n = split(list, v, " "); for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] + 0 > t + 0; j--) v[j + 1] = v[j]; v[j + 1] = t } return v[int((n + 1) / 2)] }
    NR > 1 { k[$1] = 1; r[$1] = r[$1] " " $2; p50[$1] = p50[$1] " " $3; p99[$1] = p99[$1] " " $4 }
    END { for (x in k) printf "| %s | %.0f | %s | %s |\n", x, median(r[x]), median(p50[x]), median(p99[x]) }' "$WORK/results.csv" | sort
  echo
  HOT_RAM=$(awk -F, '$1=="ram-hot"{print $4}' "$WORK/results.csv" | sort -n | sed -n 2p)
  HOT_TIER=$(awk -F, '$1=="tiered-hot"{print $4}' "$WORK/results.csv" | sort -n | sed -n 2p)
  echo "Hot-key GET p99, tiered / all in RAM: $(awk -v a=$HOT_TIER -v b=$HOT_RAM 'BEGIN{printf "%.2f", a/b}') (target <= 1.5)."
  echo
  echo "Tiers (INFO memory):"; echo; echo '```'; cat "$WORK/tiers.txt"; echo '```'
  echo; echo "Raw: \`$DATE.csv\`"
} > "$OUT/$DATE.md"
cp "$WORK/results.csv" "$OUT/$DATE.csv"
cat "$OUT/$DATE.md"
