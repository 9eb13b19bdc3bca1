#!/usr/bin/env bash
# Makes a gateway bearer token and appends its SHA-256 hash, scopes and user to a tokens file
# (gateway.tokens-file). Prints the token once, on stdout: the file never holds it.
#   deploy/gateway-token.sh FILE SCOPES [USER]
#   deploy/gateway-token.sh secrets/gateway-tokens events:write                 # a producer
#   deploy/gateway-token.sh secrets/gateway-tokens recommendations:read u42     # one user's app
#   deploy/gateway-token.sh secrets/gateway-tokens admin
# Scopes: events:write, recommendations:read, admin (comma-separated). The gateway reads the file
# at start: restart it after adding a token.
set -euo pipefail
case "${1:-}" in -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
file=$1 scopes=$2 user=${3:-}
# the gateway's user id rule: a token for any other id could never be used
if [ -n "$user" ] && ! [[ "$user" =~ ^[A-Za-z0-9._:-]{1,128}$ ]]; then
  echo "USER must be 1-128 of [A-Za-z0-9._:-], as the gateway's user ids: $user" >&2
  exit 2
fi
token=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
mkdir -p "$(dirname "$file")"
( umask 077; printf '%s  %s%s\n' "$hash" "$scopes" "${user:+  $user}" >> "$file" )
chmod 600 "$file" # umask only applies to a new file: an existing one keeps its mode otherwise
echo "$token"
