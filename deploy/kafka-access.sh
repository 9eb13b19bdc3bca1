#!/usr/bin/env bash
# Grants a principal the Kafka ACLs the streamrec job and gateway need, and nothing else
# (io.streamrec.tools.access.JobAccess), connecting as an administrator:
#
#   deploy/kafka-access.sh --principal User:streamrec -Dkafka.bootstrap-servers=127.0.0.1:9092 \
#     -Dkafka.properties-file=target/kafka/secrets/admin.properties [job options: topics, group, ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
build_classpath
exec_streamrec_main 512m io.streamrec.tools.access.JobAccess "$@"
