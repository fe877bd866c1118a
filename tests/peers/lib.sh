# Shared by the peer scripts: where state lives, free ports, starting and stopping in the
# background by PID, waiting until a peer answers. Source it; do not run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${PEERS_STATE:-$ROOT/target/peers}"
mkdir -p "$STATE"

fail() { echo "peers: $*" >&2; exit 1; }

# A TCP port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The port recorded for NAME, chosen once per state directory.
port_for() {
  local file="$STATE/port.$1"
  [ -s "$file" ] || free_port > "$file"
  cat "$file"
}

# Waits until URL answers anything over HTTP (any status), up to SECONDS (60).
wait_http() {
  local url=$1 seconds=${2:-60} i
  for ((i = 0; i < seconds * 5; i++)); do
    if curl -ks -o /dev/null --max-time 2 "$url"; then return 0; fi
    sleep 0.2
  done
  return 1
}

# Stops the process whose PID is in STATE/NAME.pid, if it runs; waits for it to go.
stop_pid() {
  local file="$STATE/$1.pid" pid i
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Whether the process in STATE/NAME.pid runs.
running() {
  [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null
}
