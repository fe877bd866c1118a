#!/usr/bin/env bash
# curl with a cookie jar (-c/-b) against a persistent-auth server at URL: login, reuse, logout,
# the dead cookie refused, bad credentials refused with one challenge.
#   curl.sh URL [CA_FILE]
set -euo pipefail
url=$1
ca=${2:-}
user=admin@internal
password=${PEERS_PASSWORD:-ours-secret}
jar=$(mktemp)
head=$(mktemp)
trap 'rm -f "$jar" "$jar.old" "$head"' EXIT
tls=()
[ -n "$ca" ] && tls=(--cacert "$ca")

# Runs curl with the jar; prints the status; the response head goes to $head.
call() { curl -sS "${tls[@]}" -o /dev/null -D "$head" -w '%{http_code}' -c "$jar" -b "$jar" "$@" "$url"; }
check() { # description expected actual
  if [ "$2" = "$3" ]; then echo "  ok   $1 ($3)"; else echo "  FAIL $1: expected $2, got $3"; cat "$head"; exit 1; fi
}
has() { grep -qi "$1" "$head"; }

status=$(call -I -u "$user:$password" -H 'Prefer: persistent-auth')
check "login with Basic and Prefer: persistent-auth" 200 "$status"
has '^Set-Cookie: JSESSIONID=' || { echo "  FAIL no session cookie"; exit 1; }
grep -q JSESSIONID "$jar" || { echo "  FAIL the jar did not keep the cookie"; exit 1; }
cp "$jar" "$jar.old"

for i in 1 2 3; do
  status=$(call -I -H 'Prefer: persistent-auth')
  check "reuse $i with the cookie alone" 200 "$status"
done

status=$(call -I)
check "logout: the cookie without Prefer" 200 "$status"
has '^Set-Cookie: JSESSIONID=;.*Max-Age=0' || { echo "  FAIL the logout did not expire the cookie"; exit 1; }
grep -q JSESSIONID "$jar" && { echo "  FAIL curl kept the expired cookie"; exit 1; }

cp "$jar.old" "$jar"
status=$(call -I -H 'Prefer: persistent-auth')
check "the dead cookie, replayed" 401 "$status"
[ "$(grep -ci '^WWW-Authenticate: Basic realm="RESTAPI"' "$head")" = 1 ] || { echo "  FAIL not exactly one challenge"; exit 1; }

rm -f "$jar"
status=$(call -I -u "$user:wrong" -H 'Prefer: persistent-auth')
check "bad credentials" 401 "$status"
[ "$(grep -ci '^WWW-Authenticate: Basic realm="RESTAPI"' "$head")" = 1 ] || { echo "  FAIL not exactly one challenge"; exit 1; }
has '^Set-Cookie' && { echo "  FAIL a cookie on a 401"; exit 1; }
echo "  curl: all checks passed"
