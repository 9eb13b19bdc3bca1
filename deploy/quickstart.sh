#!/usr/bin/env bash
# One command on a fresh machine: builds streamrec, starts an in-process Kafka broker, runs the job
# on a Flink MiniCluster (RocksDB, exactly-once checkpoints every 2 s), replays the bundled MovieTweetings
# ratings in time order and prints what the model learned. Writes target/quickstart/summary.json.
#
#   deploy/quickstart.sh                       # the bundled data, full speed
#   deploy/quickstart.sh --rate 2000           # paced replay (events/s)
#   deploy/quickstart.sh --ratings u.data --ratings-format movielens-100k \
#                        --items u.item --items-format movielens-100k
#   deploy/quickstart.sh -Dworker.batch-size=128 -Dmodel.dim=64
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
build_classpath
mkdir -p target/quickstart
STREAMREC_JAVA_OPTS+=("${SHORT_RUN_JIT_FLAGS[@]}")
run_streamrec_main 6g io.streamrec.tools.quickstart.QuickstartMain "$@"
