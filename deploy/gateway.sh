#!/usr/bin/env bash
# Starts the streamrec HTTP gateway against a Kafka cluster:
#
#   deploy/gateway.sh -Dkafka.bootstrap-servers=127.0.0.1:9092 -Dgateway.port=8080
#
# POST /events, GET /recommendations/{userId}?k=10, GET /health (see README). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/build-classpath.sh
build_classpath gateway
exec java -Xmx1g "${STREAMREC_JAVA_OPTS[@]}" \
  -Dlog4j.configurationFile="$PWD/deploy/log4j2-quickstart.properties" \
  -cp "$STREAMREC_CP" io.streamrec.gateway.GatewayMain "$@"
