#!/usr/bin/env bash
# A private CA and a server certificate for localhost and 127.0.0.1, made once per state
# directory: target/peers/certs/{ca.pem,server.pem,server.key}.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir="$STATE/certs"
[ -s "$dir/server.pem" ] && exit 0
command -v openssl >/dev/null || fail "openssl is not installed"
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=persistent-auth test CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
cat > server.ext <<EXT
subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -out server.pem \
  -extfile server.ext 2>/dev/null
rm -f server.csr server.ext ca.srl
echo "certificates in $dir"
