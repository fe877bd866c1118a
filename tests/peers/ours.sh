#!/usr/bin/env bash
# This project's reference server (persistent-auth serve), plain and over TLS, for the client peers.
#   ours.sh start   build the command if needed, start both servers, wait until they answer
#   ours.sh stop    stop them by PID
#   ours.sh urls    print the plain and TLS base URLs
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin="$ROOT/target/debug/persistent-auth"
plain_port=$(port_for ours-plain)
tls_port=$(port_for ours-tls)
export PEERS_PASSWORD="${PEERS_PASSWORD:-ours-secret}"

case "${1:-}" in
  start)
    [ -x "$bin" ] || (cd "$ROOT" && cargo build -q -p persistent-auth-tokio)
    bash "$(dirname "$0")/certs.sh" >/dev/null
    if ! running ours-plain; then
      "$bin" serve --listen "127.0.0.1:$plain_port" --user admin@internal --password-env PEERS_PASSWORD \
        > "$STATE/ours-plain.log" 2>&1 &
      echo $! > "$STATE/ours-plain.pid"
    fi
    if ! running ours-tls; then
      "$bin" serve --listen "127.0.0.1:$tls_port" --user admin@internal --password-env PEERS_PASSWORD \
        --tls-cert "$STATE/certs/server.pem" --tls-key "$STATE/certs/server.key" > "$STATE/ours-tls.log" 2>&1 &
      echo $! > "$STATE/ours-tls.pid"
    fi
    wait_http "http://127.0.0.1:$plain_port/" 30 || fail "persistent-auth serve did not answer on $plain_port"
    wait_http "https://localhost:$tls_port/" 30 || fail "persistent-auth serve (TLS) did not answer on $tls_port"
    echo "persistent-auth serve on http://127.0.0.1:$plain_port and https://localhost:$tls_port"
    ;;
  stop) stop_pid ours-plain; stop_pid ours-tls ;;
  urls) echo "http://127.0.0.1:$plain_port/ovirt-engine/api https://localhost:$tls_port/ovirt-engine/api" ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
