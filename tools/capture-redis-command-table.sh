#!/usr/bin/env bash
# Regenerates the command metadata HeliosDB's command table is built from, by asking a real
# redis-server (Debian's 7.0 package) for COMMAND INFO and COMMAND DOCS. The JSON is Redis' own
# metadata; which commands HeliosDB implements is decided by the handlers registered in code.
set -euo pipefail
port=${1:-7779}
dest="$(dirname "$0")/../resp3/src/main/resources/io/heliosdb/resp/command"
redis-server --port "$port" --save '' --appendonly no --daemonize yes --pidfile /tmp/capture-redis.pid
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true' EXIT
sleep 0.5
redis-cli -p "$port" --json COMMAND INFO > "$dest/redis-7.0-command-info.json"
redis-cli -p "$port" --json COMMAND DOCS > "$dest/redis-7.0-command-docs.json"
echo "captured from $(redis-server --version)"
redis-cli -p "$port" --json CONFIG GET '*' > "$(dirname "$0")/../resp3/src/main/resources/io/heliosdb/resp/engine/redis-7.0-config-defaults.json"
echo "captured CONFIG GET * defaults"
