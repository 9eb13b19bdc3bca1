#!/usr/bin/env bash
# Makes a self-signed test certificate for the gateway's HTTPS (for localhost and 127.0.0.1, EC
# P-256, valid GATEWAY_TLS_DAYS days, 30 by default) under DIR, unless DIR already holds one that
# its password opens and that has more than 3 days left (else a new one replaces it: restart the
# gateway, and clients fetch ca.pem again):
#   DIR/gateway.p12       PKCS12 keystore (gateway.tls.keystore)
#   DIR/gateway.password  its random password (gateway.tls.keystore-password-file), mode 600
#   DIR/ca.pem            the certificate, for clients to trust (curl --cacert DIR/ca.pem)
# Prints the gateway options that use it on stdout, one per line (a path may hold spaces):
#   mapfile -t tls < <(deploy/gateway-tls.sh secrets/gateway-tls)
#   deploy/gateway.sh -Dkafka.bootstrap-servers=127.0.0.1:9092 "${tls[@]}"
#   curl --cacert secrets/gateway-tls/ca.pem https://localhost:8080/health
# For anything but tests use a certificate from a CA your clients trust, in a PKCS12 keystore.
set -euo pipefail
case "${1:-}" in -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -ne 1 ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
dir=$1
command -v keytool >/dev/null || { echo "keytool not found: install a JDK" >&2; exit 1; }
# keytool's chatter only when it fails; then no half-made keystore stays behind
keytool_quietly() {
  local out
  out=$(keytool "$@" 2>&1) || { echo "$out" >&2; rm -f "$dir/gateway.p12"; exit 1; }
}
# only a directory made here is narrowed to its owner: DIR may be one the caller shares
if [ ! -d "$dir" ]; then mkdir -p "$dir" && chmod 700 "$dir"; fi
dir=$(cd "$dir" && pwd) # printed below for deploy/gateway.sh, which runs from the repository root
# whether a keystore must be made: none, one its password does not open, or one whose certificate
# ends within 3 days (read from the certificate: a copied file's time says nothing)
needs_new_keystore() {
  local until ends
  [ -f "$dir/gateway.p12" ] || return 0
  # in English and UTC, whatever the JVM's defaults: date reads few zone abbreviations
  until=$(GATEWAY_TLS_PASSWORD=$(cat "$dir/gateway.password" 2>/dev/null) LC_ALL=C TZ=UTC \
    keytool -J-Duser.language=en -J-Duser.country=US -J-Duser.timezone=UTC -list -v \
    -alias gateway -keystore "$dir/gateway.p12" -storepass:env GATEWAY_TLS_PASSWORD 2>/dev/null \
    | sed -n 's/^Valid from: .* until: //p' | sed -n 1p) || return 0
  [ -n "$until" ] || return 0
  ends=$(TZ=UTC date -d "$until" +%s 2>/dev/null) || return 0
  [ "$ends" -le $(($(date +%s) + 3 * 86400)) ]
}
if needs_new_keystore; then
  rm -f "$dir/gateway.p12" "$dir/ca.pem"
  ( umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/gateway.password" )
  pw=$(cat "$dir/gateway.password")
  # the password goes to keytool through the environment, never as an argument
  export GATEWAY_TLS_PASSWORD="$pw"
  keytool_quietly -genkeypair -alias gateway -keyalg EC -groupname secp256r1 \
    -validity "${GATEWAY_TLS_DAYS:-30}" -storetype PKCS12 -keystore "$dir/gateway.p12" \
    -storepass:env GATEWAY_TLS_PASSWORD -keypass:env GATEWAY_TLS_PASSWORD \
    -dname "CN=localhost" -ext "SAN=dns:localhost,ip:127.0.0.1"
  keytool_quietly -exportcert -rfc -alias gateway -keystore "$dir/gateway.p12" \
    -storepass:env GATEWAY_TLS_PASSWORD -file "$dir/ca.pem"
  chmod 600 "$dir/gateway.p12"
fi
printf '%s\n' "-Dgateway.tls.keystore=$dir/gateway.p12" \
  "-Dgateway.tls.keystore-password-file=$dir/gateway.password"
