#!/usr/bin/env bash
# A real single-node Kafka broker (KRaft mode) from Maven Central jars: no tarball, no docker.
#
#   deploy/kafka.sh start      fetch the jars (first time), format the storage, start the broker
#   deploy/kafka.sh topics     create the job's topics (events, requests, results, ...)
#   deploy/kafka.sh stop       stop the broker this script started (by pid)
#   deploy/kafka.sh status
#
# KAFKA_PORT (default 9092) and KAFKA_DIR (default target/kafka) choose where it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
PORT="${KAFKA_PORT:-9092}"
CPORT=$((PORT + 1))
DIR="$(mkdir -p "${KAFKA_DIR:-target/kafka}" && cd "${KAFKA_DIR:-target/kafka}" && pwd)"
PIDFILE="$DIR/kafka.pid"
BOOTSTRAP="127.0.0.1:$PORT"

running() { alive "$PIDFILE"; }

start() {
  ensure_tools
  if running; then echo "Kafka already running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"; return; fi
  if [ ! -d "$DIR/lib" ] || [ -z "$(ls -A "$DIR/lib" 2>/dev/null)" ]; then
    echo "Fetching the Kafka 4.2.1 broker jars from Maven Central ..."
    mvn -B -q -f deploy/kafka/pom.xml dependency:copy-dependencies \
      -DoutputDirectory="$DIR/lib" -DincludeScope=runtime
  fi
  mkdir -p "$DIR/config" "$DIR/data" "$DIR/logs"
  cat > "$DIR/config/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DIR/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  local java_opts=(-Xmx1g -Dkafka.logs.dir="$DIR/logs" -Dlog4j.configurationFile="$PWD/deploy/log4j2-kafka.properties")
  if [ ! -f "$DIR/data/meta.properties" ]; then
    local cid
    cid=$(java -cp "$DIR/lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java "${java_opts[@]}" -cp "$DIR/lib/*" kafka.tools.StorageTool format -t "$cid" \
      -c "$DIR/config/server.properties" >/dev/null
  fi
  # server.log is appended across restarts: only a "started" line this start writes counts.
  STARTED_BEFORE=$(started_lines)
  nohup java "${java_opts[@]}" -cp "$DIR/lib/*" kafka.Kafka "$DIR/config/server.properties" \
    > "$DIR/logs/stdout.log" 2>&1 &
  echo $! > "$PIDFILE"
  if ! wait_until 60 "the broker at $BOOTSTRAP (see $DIR/logs)" ready; then
    tail -20 "$DIR/logs/stdout.log" >&2
    exit 1
  fi
  echo "Kafka started (pid $(cat "$PIDFILE")). Connect with bootstrap servers $BOOTSTRAP"
  echo "  e.g. kcat -b $BOOTSTRAP -L"
}

started_lines() {
  local n
  n=$(grep -c "Kafka Server started" "$DIR/logs/server.log" 2>/dev/null) || true
  echo "${n:-0}"
}

# a "started" line written by this start and an open port; exits if the broker died
ready() {
  running || { echo "Kafka failed to start; see $DIR/logs" >&2; tail -20 "$DIR/logs/stdout.log" >&2; exit 1; }
  [ "$(started_lines)" -gt "${STARTED_BEFORE:-0}" ] && (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

stop() {
  if running; then
    stop_pidfile "$PIDFILE"
  else
    echo "Kafka is not running (no live pid in $PIDFILE)"
    rm -f "$PIDFILE"
  fi
}

topics() {
  ensure_tools
  build_classpath
  java -cp "$STREAMREC_CP" io.streamrec.job.TopicSetup \
    -Dkafka.bootstrap-servers="$BOOTSTRAP" "$@"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"; else echo "not running"; fi ;;
  topics) shift; topics "$@" ;;
  *) echo "usage: $0 start|stop|status|topics [-Dkey=value ...]" >&2; exit 2 ;;
esac
