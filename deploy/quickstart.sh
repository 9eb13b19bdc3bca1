#!/usr/bin/env bash
# One command on a fresh machine: builds streamrec, starts an in-process Kafka broker, runs the job
# on a Flink MiniCluster (RocksDB, 1 s exactly-once checkpoints), replays the bundled MovieTweetings
# ratings in time order and prints what the model learned. Writes target/quickstart/summary.json.
#
#   deploy/quickstart.sh                       # the bundled data, full speed
#   deploy/quickstart.sh --rate 2000           # paced replay (events/s)
#   deploy/quickstart.sh --ratings u.data --ratings-format movielens-100k \
#                        --items u.item --items-format movielens-100k
#   deploy/quickstart.sh -Dworker.batch-size=128 -Dmodel.dim=64
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/ensure-tools.sh
source deploy/java-opts.sh
ensure_tools

echo "Building (mvn package, tests skipped; run the tests with: mvn -B verify) ..."
mvn -B -q -DskipTests -Dspotless.check.skip=true install
mkdir -p target/quickstart
(cd job && mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/cp-compile.txt \
  && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/cp-runtime.txt)
CP="job/target/classes:$(cat job/target/cp-compile.txt):$(cat job/target/cp-runtime.txt)"

export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}"
java -Xmx6g "${STREAMREC_JAVA_OPTS[@]}" \
  -Djna.tmpdir="$PWD/target" \
  -Dlog4j.configurationFile="$PWD/deploy/log4j2-quickstart.properties" \
  -cp "$CP" io.streamrec.quickstart.QuickstartMain "$@" &
pid=$!
# Ctrl-C or a kill of this script stops the JVM, whose shutdown hook cancels the job and the broker
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; exit 130' INT TERM
wait $pid
