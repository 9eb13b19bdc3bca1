#!/usr/bin/env bash
# Fault drill on a real standalone Flink cluster, checked end to end. Starts a Kafka broker
# (deploy/kafka.sh) and a 1 JobManager + 2 TaskManager cluster (deploy/flink-cluster.sh), submits
# the job jar at parallelism 2 (deploy/flink-job.sh) and replays MovieTweetings in four chunks with
# recommendation requests. During the replay it
#   1. kills a TaskManager with SIGKILL and starts a new one,
#   2. restarts the Kafka broker,
#   3. stops the job with a savepoint and resumes it from the savepoint at parallelism 1,
# and at the end checks with ModelAudit (reading Kafka only, read_committed): every event applied
# exactly once (each user's row counter = their events, the sum of all row counters = the count the
# input implies), every request answered exactly once, the model beating popularity.
# Prints one summary line, writes target/cluster-smoke/recovery.json (recovery figures), exits
# non-zero on any mismatch, and stops only what it started.
#
#   deploy/cluster-smoke.sh            30,000 events (CI size); CLUSTER_SMOKE_EVENTS=100000 for all
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
ensure_commands kcat jq curl

WORK="$PWD/target/cluster-smoke"
rm -rf "$WORK"; mkdir -p "$WORK"
EVENTS="${CLUSTER_SMOKE_EVENTS:-30000}"
REQUESTS_PER_CHUNK=25
export KAFKA_PORT="${CLUSTER_SMOKE_KAFKA_PORT:-39092}" KAFKA_DIR="$WORK/kafka"
export FLINK_DIR="$WORK/flink" FLINK_REST_PORT="${CLUSTER_SMOKE_REST_PORT:-38081}" FLINK_RPC_PORT="${CLUSTER_SMOKE_RPC_PORT:-36123}"
B="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$FLINK_REST_PORT"
ITEMS="$PWD/data/movietweetings-100k/movies.dat"
PREFIX="cluster-smoke-$$"
# results transactional: the drill checks every request is answered exactly once across faults
JOB_OPTS=(-Dkafka.bootstrap-servers="$B" -Dkafka.transactional-id-prefix="$PREFIX" -Ditems.path="$ITEMS"
  -Dresults.delivery-guarantee=exactly-once)

cleanup() {
  deploy/flink-cluster.sh stop >/dev/null 2>&1 || true
  deploy/kafka.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

trained() { consume_committed eval-reports | jq -s 'map(.trained_events) | max // 0' 2>/dev/null || echo 0; }
job_id() { cat "$FLINK_DIR/run/job.id"; }
last_checkpoint() { # -> "trigger_ms ack_ms" of the latest completed checkpoint of the current job
  curl -sf "$REST/jobs/$(job_id)/checkpoints" 2>/dev/null \
    | jq -r '.latest.completed | if . == null then "0 0" else "\(.trigger_timestamp) \(.latest_ack_timestamp)" end' 2>/dev/null || echo "0 0"
}
checkpoint_triggered_after() { # time_ms; keeps the ack time in CHECKPOINT_ACK
  local trigger
  read -r trigger CHECKPOINT_ACK <<< "$(last_checkpoint)"
  [ "$trigger" -gt "$1" ]
}
wait_checkpoint_after() { # time_ms what -> prints the ack time of the first checkpoint triggered after it
  WAIT_INTERVAL=0.2 wait_until 120 "a checkpoint after $2" checkpoint_triggered_after "$1" || exit 1
  echo "$CHECKPOINT_ACK"
}
trained_at_least() { [ "$(trained)" -ge "$1" ]; }
wait_trained() { # count
  wait_until 300 "the job to train $1 events ; see $FLINK_DIR/log" trained_at_least "$1" || exit 1
}
committed_reports() { [ -n "$(consume_committed eval-reports)" ]; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# ---- start ----
build_classpath
export STREAMREC_SKIP_BUILD=1
deploy/kafka.sh start
deploy/flink-cluster.sh start 2
deploy/flink-job.sh submit -p 2 "${JOB_OPTS[@]}"
echo "Waiting for the job's first committed checkpoint ..."
wait_until 120 "the job's first committed checkpoint (see $FLINK_DIR/log)" committed_reports

# ---- input: the first $EVENTS ratings in time order (stable tie-break by line), keyed by user ----
awk -F'::' '{print $4" "NR" "$1" "$2" "$3}' data/movietweetings-100k/ratings.dat | sort -k1,1n -k2,2n \
  | awk -v n="$EVENTS" 'NR <= n' \
  | awk '{printf "%s|{\"eventId\":\"mt-%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"rating\",\"value\":%s,\"timestamp\":%s000}\n", $3, $2, $3, $4, $5, $1}' \
  > "$WORK/events.txt"
CHUNK=$(( (EVENTS + 3) / 4 ))
split -l "$CHUNK" -d -a 1 "$WORK/events.txt" "$WORK/chunk-"
produced=0
produce_chunk() { # index
  local f="$WORK/chunk-$1"
  kcat -b "$B" -P -t events -K '|' < "$f"
  produced=$((produced + $(wc -l < "$f")))
  # requests for users of this chunk, answered while the chunk trains
  cut -d'|' -f1 "$f" | awk '!seen[$0]++' | awk -v n=$REQUESTS_PER_CHUNK 'NR <= n' \
    | awk -v c="$1" -v p="$PREFIX" '{printf "%s|{\"requestId\":\"%s-r%s-%d\",\"userId\":\"%s\",\"k\":10}\n", $1, p, c, NR, $1}' \
    | kcat -b "$B" -P -t requests -K '|'
  echo "Produced chunk $1: $produced of $EVENTS events"
}
half_of_chunk() { echo $((produced - $(wc -l < "$WORK/chunk-$1") / 2)); }

# ---- 1: SIGKILL a TaskManager mid-chunk, start a replacement ----
produce_chunk 0
wait_trained "$(half_of_chunk 0)"
kill_ms=$(now_ms)
deploy/flink-cluster.sh kill-tm
deploy/flink-cluster.sh start-tm
tm_ack=$(wait_checkpoint_after "$kill_ms" "the TaskManager kill")
TM_RECOVERY_MS=$((tm_ack - kill_ms))
echo "TaskManager kill -> first new checkpoint: $(secs $TM_RECOVERY_MS) s"

# ---- 2: restart the broker mid-chunk ----
produce_chunk 1
wait_trained "$(half_of_chunk 1)"
broker_ms=$(now_ms)
deploy/kafka.sh stop
deploy/kafka.sh start
# a checkpoint triggered while the broker was still going down proves nothing: wait for one
# triggered after it was back, and count the time from the stop.
broker_up_ms=$(now_ms)
broker_ack=$(wait_checkpoint_after "$broker_up_ms" "the broker restart")
BROKER_RECOVERY_MS=$((broker_ack - broker_ms))
echo "Broker restart (down $(secs $((broker_up_ms - broker_ms))) s) -> first new checkpoint: $(secs $BROKER_RECOVERY_MS) s"

# ---- 3: stop with a savepoint mid-chunk, resume at parallelism 1 ----
produce_chunk 2
wait_trained "$(half_of_chunk 2)"
stop_ms=$(now_ms)
deploy/flink-job.sh stop
SAVEPOINT_MS=$(($(now_ms) - stop_ms))
savepoint=$(cat "$FLINK_DIR/run/last-savepoint")
SAVEPOINT_BYTES=$(du -sb "${savepoint#file:}" | cut -f1)
resume_ms=$(now_ms)
deploy/flink-job.sh resume -p 1 "${JOB_OPTS[@]}"
resume_ack=$(wait_checkpoint_after "$resume_ms" "the resume")
RESUME_MS=$((resume_ack - resume_ms))
restored=$(curl -sf "$REST/jobs/$(job_id)/checkpoints" | jq -r '.latest.restored.external_path // "none"')
parallelism=$(curl -sf "$REST/jobs/$(job_id)" | jq '[.vertices[] | select(.name == "workers" or (.name | startswith("parameter-server"))) | .parallelism] | max')
echo "Resumed at parallelism $parallelism from $restored: first checkpoint after $(secs $RESUME_MS) s"

# ---- 4: the rest, then audit ----
produce_chunk 3
echo "Auditing (waits for the job to commit everything) ..."
set +e
audit=$(java -cp "$STREAMREC_CP" io.streamrec.tools.audit.ModelAudit "${JOB_OPTS[@]}" \
  --requests-prefix "$PREFIX-r" --requests $((4 * REQUESTS_PER_CHUNK)) --timeout-s 300 2> "$WORK/audit.log")
audit_rc=$?
set -e
echo "$audit" > "$WORK/audit.json"

fail=0
[ "$audit_rc" = 0 ] || fail=1
[ "$parallelism" = 1 ] || { echo "MISMATCH resumed parallelism: expected 1, got $parallelism" >&2; fail=1; }
jq -n --argjson tm "$TM_RECOVERY_MS" --argjson broker "$BROKER_RECOVERY_MS" \
  --argjson sp_ms "$SAVEPOINT_MS" --argjson sp_bytes "$SAVEPOINT_BYTES" --argjson resume "$RESUME_MS" \
  --argjson events "$EVENTS" --argjson audit "${audit:-null}" --arg date "$(date -u +%FT%TZ)" \
  '{date: $date, events: $events, taskmanager_kill_to_checkpoint_ms: $tm, broker_restart_to_checkpoint_ms: $broker,
    stop_with_savepoint_ms: $sp_ms, savepoint_bytes: $sp_bytes, resume_p1_to_first_checkpoint_ms: $resume, audit: $audit}' \
  > "$WORK/recovery.json"
if [ -n "$audit" ]; then
  jq -r '.mismatches[] | "MISMATCH " + .' <<< "$audit" >&2 || true
  summary=$(jq -r '"events \(.user_row_updates)/\(.events) applied once (row updates \(.row_updates) = expected \(.expected_row_updates)), requests \(.requests_answered) answered, \(.requests_answered_twice) twice, HR@10 model \(.hr_at_10_model * 1000 | round / 1000) vs popularity \(.hr_at_10_popularity * 1000 | round / 1000)"' <<< "$audit")
else
  summary="audit failed: $(tail -3 "$WORK/audit.log")"; fail=1
fi
status=PASS; [ "$fail" = 0 ] || status=FAIL
echo "cluster-smoke $status: $summary; TM kill->checkpoint $(secs $TM_RECOVERY_MS) s, broker restart->checkpoint $(secs $BROKER_RECOVERY_MS) s, savepoint $((SAVEPOINT_BYTES / 1024)) KiB in $(secs $SAVEPOINT_MS) s, resume at p=1 ->checkpoint $(secs $RESUME_MS) s"
exit $fail
