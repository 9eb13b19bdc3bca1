#!/usr/bin/env bash
# Runs the streamrec job on an embedded Flink MiniCluster against a running Kafka (for example
# the one from deploy/kafka.sh), with streamrec's runtime defaults (io.streamrec.job.RuntimeDefaults:
# RocksDB, exactly-once checkpoints every 2 s, exponential-delay restarts):
#
#   deploy/job.sh -Dkafka.bootstrap-servers=127.0.0.1:9092 [-Ditems.path=data/movietweetings-100k/movies.dat]
#
# Topics are created if missing. Any job option (README) or Flink option goes as -Dkey=value.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
build_classpath
CHECKPOINTS="${STREAMREC_CHECKPOINTS:-$PWD/target/job/checkpoints}"
mkdir -p "$CHECKPOINTS"
# exec: the job's JVM takes this script's pid, so stopping the script stops the job
exec_streamrec_main 4g io.streamrec.job.StreamrecMain --create-topics --checkpoint-dir "$CHECKPOINTS" "$@"
