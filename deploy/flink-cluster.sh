#!/usr/bin/env bash
# A standalone Flink session cluster (a JobManager and TaskManagers, each its own JVM) from Maven
# Central jars; there is no flink-dist on Central, so deploy/flink/pom.xml lists what its lib/
# would hold (DJL's PyTorch engine and CPU native library included).
#
#   deploy/flink-cluster.sh start [N]     fetch the jars (first time), start a JobManager and N
#                                         TaskManagers (default 2), wait until their slots register
#   deploy/flink-cluster.sh start-tm      start one more TaskManager
#   deploy/flink-cluster.sh kill-tm [I]   SIGKILL TaskManager I (default: the oldest), for fault drills
#   deploy/flink-cluster.sh kill-jm       SIGKILL the JobManager, for fault drills (no HA: its jobs
#                                         are gone; resubmit from a retained checkpoint)
#   deploy/flink-cluster.sh start-jm      start a JobManager (TaskManagers reconnect to it)
#   deploy/flink-cluster.sh stop          stop every JVM this script started (by pid)
#   deploy/flink-cluster.sh status
#
# A standalone cluster has no resource manager to replace a TaskManager that exits by itself, so
# `start` also starts a supervisor (log: $FLINK_DIR/log/supervisor.log) that starts a new
# TaskManager for each one that exited while its pidfile says it should run. Flink ends a
# TaskManager on a fatal error: in CI one did so while it cleaned up after the TaskManager a drill
# had killed ("FATAL - exception in exception handler", a lost peer's error rethrown as its input
# buffers were recycled). kill-tm removes the pidfile before the kill, so a drill's kill stays a
# kill; stop stops the supervisor first.
#
# FLINK_CONF (default flink-conf/config-cpu.yaml) is the cluster configuration; FLINK_DIR (default
# target/flink) holds jars, logs, checkpoints and savepoints; FLINK_REST_PORT (default 8081) and
# FLINK_RPC_PORT (default 6123) choose the JobManager's ports. Web UI and REST: http://localhost:8081
# A JobManager is not started while something listens on either port (another cluster, whose REST
# would pass for this one's and which this one's TaskManagers would join), and `start` waits for a
# REST answer with this cluster's io.tmp.dirs ($FLINK_DIR/tmp).
# `start` keeps FLINK_CONF and the ports in $FLINK_DIR/run/cluster-settings: a later command
# without them (start-tm, start-jm, another start) uses that cluster's, and only start or a
# FLINK_CONF given copies a configuration over $FLINK_DIR/conf/config.yaml.
# ITEM_TEXT_VECTORS=1 adds the MiniLM model and onnxruntime to lib/ at the first fetch (the
# ranker.item-text-vectors option needs them; about 180 MB more).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
DIR="$(mkdir -p "${FLINK_DIR:-target/flink}" && cd "${FLINK_DIR:-target/flink}" && pwd)"
SETTINGS="$DIR/run/cluster-settings"
CONF_SRC="${FLINK_CONF:-$(cluster_setting "$DIR" conf)}"
CONF_SRC="${CONF_SRC:-flink-conf/config-cpu.yaml}"
REST_PORT="${FLINK_REST_PORT:-$(cluster_setting "$DIR" rest-port)}"
REST_PORT="${REST_PORT:-8081}"
RPC_PORT="${FLINK_RPC_PORT:-$(cluster_setting "$DIR" rpc-port)}"
RPC_PORT="${RPC_PORT:-6123}"
REST="http://127.0.0.1:$REST_PORT"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}"

# settings that depend on where this cluster runs; everything else comes from $CONF_SRC
DYNAMIC=(
  -Drest.port="$REST_PORT"
  -Djobmanager.rpc.port="$RPC_PORT"
  -Dexecution.checkpointing.dir="file://$DIR/checkpoints"
  -Dexecution.checkpointing.savepoint-dir="file://$DIR/savepoints"
  -Dio.tmp.dirs="$DIR/tmp"
  -Dweb.tmpdir="$DIR/tmp"
)

# oldest first, by the TaskManager's number (a "-" in $DIR must not decide the order)
tm_pidfiles() {
  local f
  for f in "$DIR"/run/taskmanager-*.pid; do
    [ -e "$f" ] && echo "${f##*taskmanager-} $f"
  done | sort -n | cut -d' ' -f2- || true
}

fetch_jars() { # [copy]: copy $CONF_SRC over the cluster's configuration even without FLINK_CONF
  if [ ! -d "$DIR/lib" ] || [ -z "$(ls -A "$DIR/lib" 2>/dev/null)" ]; then
    echo "Fetching the Flink 2.2.1 cluster jars (and DJL's PyTorch engine) from Maven Central ..."
    local profile=()
    [ "${ITEM_TEXT_VECTORS:-0}" = 1 ] && profile=(-Pitem-text-vectors)
    mvn_quiet -f deploy/flink/pom.xml dependency:copy-dependencies "${profile[@]}" \
      -DoutputDirectory="$DIR/lib" -DincludeScope=runtime
  fi
  mkdir -p "$DIR/conf" "$DIR/log" "$DIR/run" "$DIR/tmp" "$DIR/checkpoints" "$DIR/savepoints"
  # not by default: a TaskManager or JobManager started later joins the cluster as it was started
  if [ "${1:-}" = copy ] || [ -n "${FLINK_CONF:-}" ] || [ ! -f "$DIR/conf/config.yaml" ]; then
    cp "$CONF_SRC" "$DIR/conf/config.yaml"
  fi
}

# JVM flags from the configuration's env.java.opts.all (Flink's scripts do the same)
java_opts() { sed -n 's/^env\.java\.opts\.all: *//p' "$DIR/conf/config.yaml"; }

# Memory flags (-Xmx, direct, metaspace) and derived dynamic settings, computed by Flink itself from
# the configured process size: what flink-dist's jobmanager.sh/taskmanager.sh do.
resource_params() {
  local out
  if ! out=$(java -cp "$DIR/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$DIR/conf" "${DYNAMIC[@]}" 2>&1) || ! grep -q '^BASH_JAVA_UTILS_EXEC_RESULT:' <<< "$out"; then
    echo "could not compute memory settings from $CONF_SRC ($DIR/conf/config.yaml):" >&2
    tail -20 <<< "$out" >&2
    return 1
  fi
  sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$out"
}

launch() { # name main-class resource-kind pidfile [extra -D settings]
  local name=$1 main=$2 kind=$3 pidfile=$4 params jvm dyn
  shift 4
  # "|| return": set -e is off in the supervisor's start_tm ||, which launched with no memory flags
  params=$(resource_params "$kind") || return 1
  jvm=$(sed -n 1p <<< "$params")
  dyn=$(sed -n 2p <<< "$params")
  # shellcheck disable=SC2046,SC2086 # word splitting of flag lists is intended
  nohup java $jvm $(java_opts) \
    -Dlog.file="$DIR/log/$name.log" \
    -Dlog4j.configurationFile="$PWD/deploy/log4j2-cluster.properties" \
    -Djna.tmpdir="$DIR/tmp" \
    -cp "$DIR/lib/*" "$main" --configDir "$DIR/conf" "${DYNAMIC[@]}" "$@" $dyn \
    > "$DIR/log/$name.out" 2>&1 &
  echo $! > "$pidfile"
}

registered_tms() { curl -sf "$REST/taskmanagers" 2>/dev/null | jq '.taskmanagers | length' 2>/dev/null || echo 0; }

tm_registered() { # resource id
  curl -sf "$REST/taskmanagers" 2>/dev/null | jq -e --arg id "$1" 'any(.taskmanagers[]; .id == $id)' >/dev/null 2>&1
}

# True when something accepts connections on 127.0.0.1:PORT.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ", held by pid N (its command line, shortened)" for a listener on PORT, where ss can tell (the
# pid only for this user's processes); a Flink JVM is named by its --configDir, its FLINK_DIR
port_holder() {
  local pid cmd
  pid=$(ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | sed -n 1p)
  [ -n "$pid" ] || return 0
  cmd=$( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) || true
  if [[ $cmd == *"--configDir "* ]]; then
    cmd="a Flink JVM with --configDir $(sed 's/.*--configDir \([^ ]*\).*/\1/' <<< "$cmd")"
  fi
  echo ", held by pid $pid${cmd:+ ($(cut -c1-200 <<< "$cmd"))}"
}

# The REST answer is this JobManager's: its configuration has this cluster's io.tmp.dirs (only
# $DIR's JobManager has $DIR/tmp). Another cluster on the port would otherwise pass for it while
# this one dies on "Address already in use", and this cluster's TaskManagers join that one.
jm_ours() {
  curl -sf "$REST/jobmanager/config" 2>/dev/null \
    | jq -e --arg tmp "$DIR/tmp" 'any(.[]; .key == "io.tmp.dirs" and .value == $tmp)' >/dev/null 2>&1
}

jm_up() { # exits if the JobManager died
  if ! alive "$DIR/run/jobmanager.pid" "$DIR"; then
    echo "JobManager failed; see $DIR/log/jobmanager.*" >&2
    tail -20 "$DIR/log/jobmanager.out" >&2
    grep -m1 -o 'java.net.BindException.*' "$DIR/log/jobmanager.log" >&2 || true
    exit 1
  fi
  jm_ours
}

start_jm() {
  if alive "$DIR/run/jobmanager.pid" "$DIR"; then
    echo "JobManager already running (pid $(cat "$DIR/run/jobmanager.pid")) at $REST"
    return
  fi
  local port
  for port in "$REST_PORT" "$RPC_PORT"; do
    if port_taken "$port"; then
      echo "port $port (FLINK_REST_PORT $REST_PORT, FLINK_RPC_PORT $RPC_PORT) is already in use$(port_holder "$port"):" \
        "another Flink cluster? A JobManager for $DIR could not bind it, and its TaskManagers would" \
        "join whatever listens there. Stop that, or choose other ports with FLINK_REST_PORT and FLINK_RPC_PORT." >&2
      exit 1
    fi
  done
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    GET_JM_RESOURCE_PARAMS "$DIR/run/jobmanager.pid"
  wait_until 60 "the JobManager's REST API (see $DIR/log)" jm_up || exit 1
  echo "JobManager up (pid $(cat "$DIR/run/jobmanager.pid")): $REST"
}

start_tm() { # [--keep]: leave a TaskManager that did not register running (the supervisor's: it
  # may wait for a JobManager that is down); otherwise it is stopped
  local n=1
  # claims a number by creating its pidfile (empty until launch writes the pid), so the supervisor
  # and a drill's start-tm never pick the same one
  while [ -e "$DIR/log/taskmanager-$n.log" ] || ! (set -C; : > "$DIR/run/taskmanager-$n.pid") 2>/dev/null; do
    n=$((n + 1))
  done
  launch "taskmanager-$n" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    GET_TM_RESOURCE_PARAMS "$DIR/run/taskmanager-$n.pid" -Dtaskmanager.resource-id="taskmanager-$n" \
    || { rm -f "$DIR/run/taskmanager-$n.pid"; return 1; }
  echo "TaskManager $n starting (pid $(cat "$DIR/run/taskmanager-$n.pid"))"
  if ! wait_until 120 "TaskManager $n to register (see $DIR/log/taskmanager-$n.*)" tm_registered "taskmanager-$n"; then
    [ "${1:-}" = --keep ] || abandon_tm "$n"
    return 1
  fi
  echo "TaskManager $n registered"
}

# Stops TaskManager N, its pidfile removed first: the supervisor replaces one whose pidfile outlives it
abandon_tm() {
  local pidfile="$DIR/run/taskmanager-$1.pid" pid
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  stop_pid "$pid" "TaskManager $1"
}

start() {
  ensure_tools
  ensure_commands curl jq
  fetch_jars copy
  printf 'conf=%s\nrest-port=%s\nrpc-port=%s\n' "$CONF_SRC" "$REST_PORT" "$RPC_PORT" > "$SETTINGS"
  start_jm
  local want=${1:-2} have
  # "if", not "&&": a stale last pidfile must not end the loop (and under set -e the script) with 1
  have=$(tm_pidfiles | while read -r f; do if alive "$f" "$DIR"; then echo "$f"; fi; done | wc -l)
  for _ in $(seq $((have + 1)) "$want"); do start_tm; done
  start_supervisor
  echo "Flink cluster ready: $(registered_tms) TaskManagers, web UI and REST at $REST"
}

start_supervisor() {
  alive "$DIR/run/supervisor.pid" "$DIR" && return
  FLINK_DIR="$DIR" FLINK_CONF="$CONF_SRC" FLINK_REST_PORT="$REST_PORT" FLINK_RPC_PORT="$RPC_PORT" \
    nohup "$PWD/deploy/flink-cluster.sh" supervise "$DIR" >> "$DIR/log/supervisor.log" 2>&1 &
  echo $! > "$DIR/run/supervisor.pid"
}

# Runs until `stop` removes its pidfile: replaces TaskManagers that exited by themselves.
supervise() {
  echo $$ > "$DIR/run/supervisor.pid" # also written by start_supervisor, maybe after this reads it
  while [ "$(cat "$DIR/run/supervisor.pid" 2>/dev/null)" = "$$" ]; do
    # read on fd 3: a path may hold spaces, and a TaskManager started here must not read the list
    while IFS= read -r f <&3; do
      # an empty pidfile is a TaskManager being launched; kill-tm may remove one at any time
      if [ -s "$f" ] && ! alive "$f" "$DIR" && mv "$f" "$f.exited" 2>/dev/null; then
        echo "$(date -u +%FT%TZ) $(basename "$f" .pid) (pid $(cat "$f.exited")) exited by itself; starting another"
        start_tm --keep || echo "$(date -u +%FT%TZ) the new TaskManager did not start or register"
      fi
    done 3< <(tm_pidfiles)
    sleep 1
  done
}

kill_tm() {
  local pidfile pid
  if [ -n "${1:-}" ]; then pidfile="$DIR/run/taskmanager-$1.pid"; else pidfile=$(tm_pidfiles | sed -n 1p); fi
  if [ -z "$pidfile" ] || ! alive "$pidfile" "$DIR"; then echo "no such TaskManager running" >&2; exit 1; fi
  pid=$(cat "$pidfile")
  rm -f "$pidfile" # first: the supervisor replaces a TaskManager whose pidfile outlives it
  kill -9 "$pid"
  echo "TaskManager $(basename "$pidfile" .pid) (pid $pid) killed with SIGKILL"
}

kill_jm() {
  local pidfile="$DIR/run/jobmanager.pid"
  alive "$pidfile" "$DIR" || { echo "no JobManager running" >&2; exit 1; }
  local pid
  pid=$(cat "$pidfile")
  kill -9 "$pid"
  # gone, and its ports with it, before this returns: a start-jm right after refuses ports in use
  wait_until 30 "the JobManager (pid $pid) to exit" not_running "$pid" || true
  echo "JobManager (pid $pid) killed with SIGKILL"
  rm -f "$pidfile"
}

stop() {
  stop_pidfile "$DIR/run/supervisor.pid" "$DIR"
  while IFS= read -r f <&3; do stop_pidfile "$f" "$DIR"; done 3< <(tm_pidfiles)
  stop_pidfile "$DIR/run/jobmanager.pid" "$DIR"
}

status() {
  if alive "$DIR/run/jobmanager.pid" "$DIR"; then
    echo "JobManager running (pid $(cat "$DIR/run/jobmanager.pid")) at $REST"
  else
    echo "JobManager not running"
  fi
  while IFS= read -r f <&3; do
    if alive "$f" "$DIR"; then echo "$(basename "$f" .pid) running (pid $(cat "$f"))"; fi
  done 3< <(tm_pidfiles)
  if alive "$DIR/run/supervisor.pid" "$DIR"; then echo "supervisor running (pid $(cat "$DIR/run/supervisor.pid"))"; fi
  # another cluster's REST on this port would count its TaskManagers as this one's
  if jm_ours; then echo "registered TaskManagers: $(registered_tms)"; else echo "no JobManager of this cluster answers at $REST"; fi
}

case "${1:-}" in
  start) shift; start "${1:-2}" ;;
  start-tm) fetch_jars; start_tm ;;
  kill-tm) shift; kill_tm "${1:-}" ;;
  kill-jm) kill_jm ;;
  start-jm) fetch_jars; start_jm ;;
  stop) stop ;;
  status) status ;;
  supervise) supervise ;; # its argument, the cluster's directory, names it in `ps` only
  *) echo "usage: $0 start [N]|start-tm|kill-tm [I]|kill-jm|start-jm|stop|status" >&2; exit 2 ;;
esac
