#!/usr/bin/env bash
# The interop suite: real peers nobody here wrote, installed the way a user would install them,
# started in the background on 127.0.0.1, stopped by PID at the end.
#
#   Apache Tomcat 10  <- our client (the Rust API: login, reuse, Session-TTL expiry and re-login,
#                        logout; and the persistent-auth session command), over HTTP and HTTPS
#   curl (cookie jar) -> our server, plain and TLS
#   Python requests   -> our server, TLS
#   nginx             -> our server as a reverse proxy; our command and curl through it
#
# A peer that cannot be installed or started fails the suite with a message; nothing is skipped.
# Set PEERS_INSTALL=1 to let it apt-get/pip install what is missing (CI does).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"

if [ "${PEERS_INSTALL:-0}" = 1 ]; then
  need=()
  [ -x /usr/share/tomcat10/bin/catalina.sh ] || need+=(tomcat10-common libtomcat10-java)
  command -v nginx >/dev/null || need+=(nginx-light)
  command -v curl >/dev/null || need+=(curl)
  command -v openssl >/dev/null || need+=(openssl)
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || fail "could not install ${need[*]}"
  fi
  python3 -c 'import requests' 2>/dev/null || python3 -m pip install -q requests || fail "could not install requests"
fi

cleanup() {
  bash "$here/nginx.sh" stop || true
  bash "$here/ours.sh" stop || true
  bash "$here/tomcat.sh" stop || true
}
trap cleanup EXIT

(cd "$ROOT" && cargo build -q -p persistent-auth-tokio)
bash "$here/certs.sh" >/dev/null
bash "$here/tomcat.sh" start
bash "$here/ours.sh" start
bash "$here/nginx.sh" start

export PEERS_PASSWORD=ours-secret PEERS_CA="$STATE/certs/ca.pem"
export PEERS_TOMCAT_USER=admin@internal PEERS_TOMCAT_PASSWORD=tomcat-secret
read -r PEERS_TOMCAT_HTTP PEERS_TOMCAT_HTTPS <<<"$(bash "$here/tomcat.sh" urls)"
read -r ours_plain ours_tls <<<"$(bash "$here/ours.sh" urls)"
proxied=$(bash "$here/nginx.sh" url)
export PEERS_TOMCAT_HTTP PEERS_TOMCAT_HTTPS
cli="$ROOT/target/debug/persistent-auth"

echo "== our client -> Tomcat: the command, over HTTP and HTTPS"
PW=$PEERS_TOMCAT_PASSWORD "$cli" session "$PEERS_TOMCAT_HTTP" --user admin@internal --password-env PW --requests 3
PW=$PEERS_TOMCAT_PASSWORD "$cli" session "$PEERS_TOMCAT_HTTPS" --user admin@internal --password-env PW --requests 3 \
  --method GET --ca-file "$PEERS_CA"
if PW=wrong "$cli" session "$PEERS_TOMCAT_HTTP" --user admin@internal --password-env PW >/dev/null; then
  fail "Tomcat accepted a wrong password"
fi
log="$STATE/tomcat/logs/$(ls "$STATE/tomcat/logs" | grep '^access' | tail -1)"
if grep -E '^(HEAD|GET) /ovirt-engine/api HTTP/1.1 200 ' "$log" | grep -qv -E ' (session|credentials)$'; then
  fail "an unexpected line in Tomcat's access log"
fi
echo "  Tomcat's access log: $(grep -c ' 200 session$' "$log") requests let in on the session alone, $(grep -c ' 200 credentials$' "$log") on credentials"

echo "== our client -> Tomcat: the Rust API, Session-TTL expiry and re-login (a minute of Tomcat's time)"
(cd "$ROOT" && cargo test -q -p persistent-auth-tests --features interop --test interop_tomcat)

echo "== curl -> persistent-auth serve (plain)"
bash "$here/curl.sh" "$ours_plain"
echo "== curl -> persistent-auth serve (TLS)"
bash "$here/curl.sh" "$ours_tls" "$PEERS_CA"
echo "== Python requests.Session -> persistent-auth serve (TLS)"
python3 "$here/python/requests_session.py" "$ours_tls" "$PEERS_CA"
echo "== nginx -> persistent-auth serve: the command and curl through the proxy"
PW=$PEERS_PASSWORD "$cli" session "$proxied" --user admin@internal --password-env PW --requests 3 --method GET
bash "$here/curl.sh" "$proxied"
grep -q 'GET /ovirt-engine/api HTTP/1.1" 200' "$STATE/nginx/access.log" || fail "nothing went through nginx"

echo "== interop: all peers passed"
