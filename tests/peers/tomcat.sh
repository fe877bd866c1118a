#!/usr/bin/env bash
# A private Apache Tomcat 10 (Debian's tomcat10-common and libtomcat10-java) serving /ovirt-engine.
#   tomcat.sh start   set up target/peers/tomcat (once) and start it, waiting until it answers
#   tomcat.sh stop    stop it by PID
#   tomcat.sh urls    print its http and https base URLs
set -euo pipefail
source "$(dirname "$0")/lib.sh"
home=/usr/share/tomcat10
base="$STATE/tomcat"
src="$(cd "$(dirname "$0")/tomcat" && pwd)"
http_port=$(port_for tomcat-http)
https_port=$(port_for tomcat-https)

setup() {
  [ -x "$home/bin/catalina.sh" ] || fail "Tomcat 10 is not installed (apt-get install tomcat10-common libtomcat10-java)"
  command -v java >/dev/null || fail "no Java runtime for Tomcat"
  bash "$(dirname "$0")/certs.sh" >/dev/null
  rm -rf "$base"
  mkdir -p "$base"/{conf,logs,temp,work,lib,webapps/ovirt-engine}
  sed -e "s|@HTTP_PORT@|$http_port|" -e "s|@HTTPS_PORT@|$https_port|" \
      -e "s|@CERT@|$STATE/certs/server.pem|" -e "s|@KEY@|$STATE/certs/server.key|" \
      "$src/server.xml.in" > "$base/conf/server.xml"
  cat > "$base/conf/tomcat-users.xml" <<USERS
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users>
  <role rolename="api-user"/>
  <user username="${TOMCAT_USER:-admin@internal}" password="${TOMCAT_PASSWORD:-tomcat-secret}" roles="api-user"/>
</tomcat-users>
USERS
  cp -r "$src/webapp/." "$base/webapps/ovirt-engine/"
  # Jasper compiles the JSP with Eclipse's compiler, which Debian ships outside Tomcat's lib.
  local jdt
  jdt=$(ls /usr/share/java/eclipse-jdt-core*.jar 2>/dev/null | head -1) || true
  [ -n "$jdt" ] || fail "Eclipse JDT core (libeclipse-jdt-core-java) is missing: Jasper cannot compile JSPs"
  ln -sf "$jdt" "$base/lib/"
}

case "${1:-}" in
  start)
    running tomcat && exit 0
    setup
    CATALINA_HOME=$home CATALINA_BASE=$base CATALINA_PID="$STATE/tomcat.pid" CATALINA_OUT="$base/logs/catalina.out" \
      "$home/bin/catalina.sh" start >/dev/null
    wait_http "http://127.0.0.1:$http_port/ovirt-engine/api" 90 \
      || { tail -30 "$base/logs/catalina.out" >&2; fail "Tomcat did not answer on port $http_port"; }
    echo "Tomcat on http://127.0.0.1:$http_port and https://localhost:$https_port"
    ;;
  stop) stop_pid tomcat ;;
  urls) echo "http://127.0.0.1:$http_port/ovirt-engine/api https://localhost:$https_port/ovirt-engine/api" ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
