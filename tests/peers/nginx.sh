#!/usr/bin/env bash
# nginx (Debian's nginx-light) as a reverse proxy in front of this project's plain server.
#   nginx.sh start   write the configuration, start nginx, wait until it answers
#   nginx.sh stop    stop it by PID
#   nginx.sh url     print the API URL through the proxy
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir="$STATE/nginx"
port=$(port_for nginx)
upstream=$(port_for ours-plain)

case "${1:-}" in
  start)
    command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx-light)"
    running nginx && exit 0
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<CONF
# Loopback only, everything under $dir, no root needed.
daemon on;
pid $STATE/nginx.pid;
error_log $dir/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream persistent_auth { server 127.0.0.1:$upstream; keepalive 4; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://persistent_auth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
    }
  }
}
CONF
    nginx -c "$dir/nginx.conf" -p "$dir" 2>>"$dir/error.log" || { cat "$dir/error.log" >&2; fail "nginx did not start"; }
    wait_http "http://127.0.0.1:$port/" 30 || fail "nginx did not answer on $port"
    echo "nginx on http://127.0.0.1:$port, proxying to 127.0.0.1:$upstream"
    ;;
  stop) stop_pid nginx ;;
  url) echo "http://127.0.0.1:$port/ovirt-engine/api" ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
