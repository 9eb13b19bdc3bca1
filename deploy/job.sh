#!/usr/bin/env bash
# Runs the streamrec job on an embedded Flink MiniCluster against a running Kafka (for example
# the one from deploy/kafka.sh), with RocksDB, exactly-once checkpoints every second and restarts:
#
#   deploy/job.sh -Dkafka.bootstrap-servers=127.0.0.1:9092 [-Ditems.path=data/movietweetings-100k/movies.dat]
#
# Topics are created if missing. Any job option (README) or Flink option goes as -Dkey=value.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/build-classpath.sh
build_classpath
CHECKPOINTS="${STREAMREC_CHECKPOINTS:-$PWD/target/job/checkpoints}"
mkdir -p "$CHECKPOINTS"
exec java -Xmx4g "${STREAMREC_JAVA_OPTS[@]}" \
  -Djna.tmpdir="$PWD/target" \
  -Dlog4j.configurationFile="$PWD/deploy/log4j2-quickstart.properties" \
  -cp "$STREAMREC_CP" io.streamrec.job.StreamrecMain --create-topics \
  -Dstate.backend.type=rocksdb \
  -Dexecution.checkpointing.incremental=true \
  -Dexecution.checkpointing.interval=1s \
  -Dexecution.checkpointing.storage=filesystem \
  -Dexecution.checkpointing.dir="file://$CHECKPOINTS" \
  -Drestart-strategy.type=fixed-delay \
  -Drestart-strategy.fixed-delay.attempts=10 \
  -Drestart-strategy.fixed-delay.delay=1s \
  -Dtaskmanager.memory.managed.size=256m \
  "$@"
