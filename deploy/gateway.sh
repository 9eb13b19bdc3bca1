#!/usr/bin/env bash
# Starts the streamrec HTTP gateway against a Kafka cluster:
#
#   deploy/gateway.sh -Dkafka.bootstrap-servers=127.0.0.1:9092 -Dgateway.port=8080
#
# POST /events, GET /recommendations/{userId}?k=10, GET /health (see README). Ctrl-C stops it.
# HTTPS: -Dgateway.tls.keystore=... -Dgateway.tls.keystore-password-file=... (a test certificate:
# mapfile -t tls < <(deploy/gateway-tls.sh secrets/gateway-tls); deploy/gateway.sh ... "${tls[@]}",
# then curl --cacert secrets/gateway-tls/ca.pem https://localhost:8080/health).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
build_classpath gateway
exec_streamrec_main 1g io.streamrec.gateway.GatewayMain "$@"
