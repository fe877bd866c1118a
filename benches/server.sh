#!/usr/bin/env bash
# Requests per second the reference server sustains under many concurrent session clients (wrk with
# benches/wrk/session.lua: log in once per thread, then reuse), side by side with a plain hyper
# server doing no authentication. Each server runs on one worker thread; wrk on the other core.
#
#   bash benches/server.sh [SECONDS] [CONNECTIONS]    (10 s, 64 connections)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=${1:-10}
connections=${2:-64}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
(cd "$root" && cargo build -q --release --locked -p persistent-auth-benches --bin loopback)
bin="$root/target/release/loopback"
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

run() { # name subcommand
  local p pid out
  p=$(port)
  "$bin" "$2" "127.0.0.1:$p" 2>/dev/null &
  pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.1; done
  out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$root/benches/wrk/session.lua" "http://127.0.0.1:$p/ovirt-engine/api")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-none}"
}

echo "wrk -t1 -c$connections -d${seconds}s, GET /ovirt-engine/api (wrk mishandles bodiless answers to HEAD); each server on one worker thread"
echo
echo "| server | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
run "persistent-auth serve (sessions: login once, then the cookie)" serve-ours
run "plain hyper, no authentication" serve-hyper
