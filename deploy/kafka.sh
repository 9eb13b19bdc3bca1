#!/usr/bin/env bash
# A real single-node Kafka broker (KRaft mode) from Maven Central jars: no tarball, no docker.
#
#   deploy/kafka.sh start      fetch the jars (first time), format the storage, start the broker
#   deploy/kafka.sh topics     create the job's missing topics (events, requests, results, ...):
#                              -Dpartitions=N (default 2), -Devents-partitions=N (default 1)
#                              (TopicSetupOptions) and the job's Kafka and topic options
#   deploy/kafka.sh stop       stop the broker this script started (by pid)
#   deploy/kafka.sh status
#
# KAFKA_PORT (default 9092) and KAFKA_DIR (default target/kafka) choose where it runs.
# KAFKA_SASL_SSL=1 starts it secured instead: its client listener speaks SASL_SSL (SCRAM-SHA-512,
# a self-signed certificate made with keytool), an authorizer with ACLs (nothing allowed without
# one), and three principals with random passwords: admin (super user), streamrec and intruder.
# The controller listener (loopback) takes SASL PLAIN with a fourth random password, controller's,
# which only the broker itself uses (KRaft controllers cannot use SCRAM): no one connects to it
# anonymously. Passwords never go on a command line. A directory first started without
# KAFKA_SASL_SSL has no SCRAM credentials in its storage: a secured start there is refused; so is
# a start without KAFKA_SASL_SSL=1 of storage formatted secured, and a start while the directory's
# broker runs in the other mode (the same mode only says it runs).
# Their client settings go to KAFKA_DIR/secrets/NAME.properties (Java clients; the password stays
# in NAME.secret, read through Kafka's FileConfigProvider). Grant the job's principal its ACLs with
# io.streamrec.tools.access.JobAccess (deploy/security-smoke.sh does). kcat 1.7.1 (librdkafka
# 2.0.2) fails SCRAM-SHA-512 against this broker; the scripts use Java clients on it.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
PORT="${KAFKA_PORT:-9092}"
CPORT=$((PORT + 1))
DIR="$(mkdir -p "${KAFKA_DIR:-target/kafka}" && cd "${KAFKA_DIR:-target/kafka}" && pwd)"
PIDFILE="$DIR/kafka.pid"
BOOTSTRAP="127.0.0.1:$PORT"

running() { alive "$PIDFILE"; }

start() {
  ensure_tools
  if running; then
    # "already running" only for the mode asked: a secured start answered so while the broker is
    # PLAINTEXT without an authorizer would leave the operator believing it secured
    local mode; mode=$(configured_mode)
    if [ "${KAFKA_SASL_SSL:-0}" = 1 ] && [ "$mode" = plain ]; then
      echo "Kafka already runs (pid $(cat "$PIDFILE")) at $BOOTSTRAP as a PLAINTEXT broker without" \
        "an authorizer, not secured as KAFKA_SASL_SSL=1 asks. Stop it (deploy/kafka.sh stop) and" \
        "start the secured broker in another KAFKA_DIR (this one's storage has no SCRAM credentials)." >&2
      exit 1
    fi
    if [ "${KAFKA_SASL_SSL:-0}" != 1 ] && [ "$mode" = secured ]; then
      echo "Kafka already runs (pid $(cat "$PIDFILE")) at $BOOTSTRAP secured (SASL_SSL), and this" \
        "start was without KAFKA_SASL_SSL=1. Connect with the client settings in $DIR/secrets, or" \
        "stop it (deploy/kafka.sh stop) and start a plain broker in another KAFKA_DIR." >&2
      exit 1
    fi
    echo "Kafka already running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"
    return
  fi
  # a plain start would rewrite its configuration as PLAINTEXT without an authorizer
  if [ "${KAFKA_SASL_SSL:-0}" != 1 ] && formatted_secured; then
    echo "$DIR/data was formatted for SASL_SSL: start it with KAFKA_SASL_SSL=1 (a plain start would" \
      "serve its data to anyone, unauthenticated), or remove $DIR/data for a plain broker." >&2
    exit 1
  fi
  if [ ! -d "$DIR/lib" ] || [ -z "$(ls -A "$DIR/lib" 2>/dev/null)" ]; then
    echo "Fetching the Kafka 4.2.1 broker jars from Maven Central ..."
    mvn_quiet -f deploy/kafka/pom.xml dependency:copy-dependencies \
      -DoutputDirectory="$DIR/lib" -DincludeScope=runtime
  fi
  mkdir -p "$DIR/config" "$DIR/data" "$DIR/logs"
  if [ "${KAFKA_SASL_SSL:-0}" = 1 ]; then
    secure_config
  else
  { cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
PROPS
    single_node_properties; } > "$DIR/config/server.properties"
  fi
  local java_opts=(-Xmx1g -Dkafka.logs.dir="$DIR/logs" -Dlog4j.configurationFile="$PWD/deploy/log4j2-kafka.properties")
  if [ ! -f "$DIR/data/meta.properties" ]; then
    format_storage
  elif [ "${KAFKA_SASL_SSL:-0}" = 1 ] && [ ! -f "$DIR/secrets/formatted" ] \
    && grep -qaF streamrec "$DIR/data/bootstrap.checkpoint" 2>/dev/null; then
    # a secured directory of the script before 2026-12-07, which kept no marker: the storage's
    # bootstrap records name the SCRAM users it was formatted with
    cluster_id > "$DIR/secrets/formatted"
  fi
  if [ "${KAFKA_SASL_SSL:-0}" = 1 ] \
    && [ "$(cluster_id)" != "$(cat "$DIR/secrets/formatted" 2>/dev/null)" ]; then
    echo "$DIR/data was formatted without these SCRAM credentials (first started without" \
      "KAFKA_SASL_SSL=1, or its secrets replaced): no principal could log in. Stop the broker and" \
      "remove $DIR/data, or use another KAFKA_DIR." >&2
    exit 1
  fi
  # server.log is appended across restarts: only a "started" line this start writes counts.
  STARTED_BEFORE=$(started_lines)
  nohup java "${java_opts[@]}" -cp "$DIR/lib/*" kafka.Kafka "$DIR/config/server.properties" \
    > "$DIR/logs/stdout.log" 2>&1 &
  echo $! > "$PIDFILE"
  if ! wait_until 120 "the broker at $BOOTSTRAP (see $DIR/logs)" ready; then
    tail -20 "$DIR/logs/stdout.log" >&2
    exit 1
  fi
  echo "Kafka started (pid $(cat "$PIDFILE")). Connect with bootstrap servers $BOOTSTRAP"
  echo "  e.g. kcat -b $BOOTSTRAP -L"
}

# Formats the storage; a secured broker's SCRAM credentials go in with it, through a Java argument
# file (umask 077, removed after) so that no password shows in the process list.
format_storage() {
  local cid
  cid=$(java -cp "$DIR/lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
  if [ "${KAFKA_SASL_SSL:-0}" != 1 ]; then
    java "${java_opts[@]}" -cp "$DIR/lib/*" kafka.tools.StorageTool format -t "$cid" \
      -c "$DIR/config/server.properties" >/dev/null
    return
  fi
  local args="$DIR/secrets/format.args" user
  ( umask 077
    { printf 'kafka.tools.StorageTool\nformat\n-t\n%s\n-c\n"%s"\n' "$cid" "$DIR/config/server.properties"
      for user in admin streamrec intruder; do
        printf -- '--add-scram\n"SCRAM-SHA-512=[name=%s,password=%s]"\n' "$user" "$(cat "$DIR/secrets/$user.password")"
      done; } > "$args" )
  # also on Ctrl-C and on a failed format: the file holds the passwords. Expanded now: set -e runs
  # the trap after this function's locals are gone
  trap "rm -f $(printf %q "$args")" EXIT
  java "${java_opts[@]}" -cp "$DIR/lib/*" @"$args" >/dev/null
  rm -f "$args"
  trap - EXIT
  echo "$cid" > "$DIR/secrets/formatted"
}

# How this directory's broker is configured, from its listeners line: secured (SASL_SSL), plain,
# or nothing where there is no configuration to read.
configured_mode() {
  case "$(sed -n 's/^listeners=//p' "$DIR/config/server.properties" 2>/dev/null)" in
    *SASL_SSL://*) echo secured ;;
    *PLAINTEXT://*) echo plain ;;
  esac
}

cluster_id() { sed -n 's/^cluster.id=//p' "$DIR/data/meta.properties" 2>/dev/null; }

# True if the storage there now was formatted by a secured start (the marker names its cluster id;
# a directory of the script before 2026-12-07 has no marker: its bootstrap records name the users).
formatted_secured() {
  local cid
  cid=$(cluster_id) || true
  [ -n "$cid" ] || return 1
  [ "$cid" = "$(cat "$DIR/secrets/formatted" 2>/dev/null)" ] \
    || grep -qaF streamrec "$DIR/data/bootstrap.checkpoint" 2>/dev/null
}

# What every configuration of this single-node broker (broker and controller in one) shares.
single_node_properties() {
  cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
controller.listener.names=CONTROLLER
log.dirs=$DIR/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
}

# A random password (about 24 letters and digits) in FILE, readable by its owner only.
random_password() { ( umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$1" ); }

# The secured broker's configuration, certificate and principals (first start only: the SCRAM
# credentials are written when the storage is formatted). Files that hold a password are written
# under umask 077; keytool reads its password from a file.
secure_config() {
  local secrets="$DIR/secrets"
  mkdir -p "$secrets" && chmod 700 "$secrets"
  if [ ! -f "$secrets/broker.p12" ]; then
    random_password "$secrets/keystore.password"
    local pwfile="$secrets/keystore.password"
    keytool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 30 -storetype PKCS12 \
      -keystore "$secrets/broker.p12" -storepass:file "$pwfile" -keypass:file "$pwfile" \
      -dname "CN=localhost" -ext "SAN=ip:127.0.0.1,dns:localhost" >/dev/null 2>&1
    keytool -exportcert -rfc -alias broker -keystore "$secrets/broker.p12" \
      -storepass:file "$pwfile" -file "$secrets/ca.pem" >/dev/null 2>&1
    for user in admin streamrec intruder; do
      random_password "$secrets/$user.password"
      client_files "$user"
    done
  fi
  if [ ! -f "$secrets/controller.password" ]; then
    random_password "$secrets/controller.password"
  fi
  local kpw cpw; kpw=$(cat "$secrets/keystore.password"); cpw=$(cat "$secrets/controller.password")
  ( umask 077
  { cat <<PROPS
listeners=SASL_SSL://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=SASL_SSL://127.0.0.1:$PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$secrets/admin.password")";
ssl.keystore.location=$secrets/broker.p12
ssl.keystore.type=PKCS12
ssl.keystore.password=$kpw
ssl.key.password=$kpw
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/ca.pem
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# the controller listener (loopback): SASL PLAIN, its one user the broker itself (KRaft
# controllers cannot use SCRAM, whose credentials live in the metadata they serve)
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="$cpw" user_controller="$cpw";
super.users=User:admin;User:controller
PROPS
    single_node_properties; } > "$DIR/config/server.properties" )
  chmod 600 "$DIR/config/server.properties"
}

# NAME.secret (the JAAS line with the password) and NAME.properties (Java clients; the secret by
# reference through Kafka's FileConfigProvider) for a principal.
client_files() (
  local user="$1" secrets="$DIR/secrets" pw
  pw=$(cat "$secrets/$user.password")
  umask 077 # a subshell: the umask ends with the function
  printf 'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
    "$user" "$pw" > "$secrets/$user.secret"
  cat > "$secrets/$user.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
ssl.truststore.type=PEM
ssl.truststore.location=$secrets/ca.pem
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
sasl.jaas.config=\${file:$secrets/$user.secret:sasl.jaas.config}
PROPS
  chmod 600 "$secrets/$user".*
)

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
  java -cp "$STREAMREC_CP" io.streamrec.tools.topics.TopicSetupMain \
    -Dkafka.bootstrap-servers="$BOOTSTRAP" "$@"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE")) at $BOOTSTRAP"; else echo "not running"; fi ;;
  topics) shift; topics "$@" ;;
  *) echo "usage: $0 start|stop|status|topics [-Dkey=value ...]" >&2; exit 2 ;;
esac
