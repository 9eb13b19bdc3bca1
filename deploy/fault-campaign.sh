#!/usr/bin/env bash
# Fault campaign on a real standalone Flink cluster, checked end to end from Kafka. Starts a broker
# (deploy/kafka.sh, events topic with 2 partitions) and a 1 JobManager + 2 TaskManager cluster
# (deploy/flink-cluster.sh, retaining its last checkpoints), submits the job at parallelism 2 and
# replays MovieTweetings (ten times for 1,000,000 events: each replay shifted by the data's span,
# fresh event ids, users and items kept) in one chunk per fault plus one, with requests. Mid-way
# through each chunk (half of it trained) it injects the next fault:
#   tm-kill           SIGKILL the TaskManager running the job's first task, start a replacement
#   broker-restart    stop and start the Kafka broker
#   rescale:P         stop the job with a savepoint, resume it from the savepoint at parallelism P
#   jm-kill           SIGKILL the JobManager, start a new one, resubmit from the latest retained
#                     checkpoint (no HA configured)
#   older-checkpoint  cancel the job, resubmit from the newest retained checkpoint but the latest,
#                     which must have been triggered after training was first seen (else the
#                     campaign fails: a restore from before the first event proves nothing); the
#                     events after it are trained again
# and measures its recovery: from the fault to the ack of the first checkpoint triggered after it.
# Then ModelAudit reads Kafka only (read_committed; the model-updates rows of the final job's
# lineage, docs/architecture.md, "Restoring an older checkpoint"): every row's update and positive counters equal
# what the input implies (a failure-free run ends with exactly these: they are computed, not run),
# every version within 1..updates, every request answered once, no accepted event dead-lettered.
# Prints one summary line (PASS/FAIL, counts, each fault's recovery time), writes
# target/fault-campaign/recovery.json, exits non-zero on any mismatch, stops only what it started.
#
#   deploy/fault-campaign.sh            1,000,000 events, 10 faults (4 tm-kill, 2 broker-restart,
#                                       2 rescale, 1 jm-kill, 1 older-checkpoint); with
#                                       -- -Dmodel.type=BPR 21 minutes on 2 shared cores
#   deploy/fault-campaign.sh --short    30,000 events, 2 faults (older-checkpoint, jm-kill)
#   deploy/fault-campaign.sh --events N --faults tm-kill,rescale:1,... [-- -Dmodel.type=BPR ...]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
source deploy/cluster-lib.sh

EVENTS=1000000
AUDIT_TIMEOUT_S=1800
EXTRA_OPTS=()
FAULTS=tm-kill,broker-restart,rescale:1,tm-kill,older-checkpoint,rescale:2,tm-kill,jm-kill,broker-restart,tm-kill
while [ $# -gt 0 ]; do
  case "$1" in
    --short) EVENTS=30000; FAULTS=older-checkpoint,jm-kill; AUDIT_TIMEOUT_S=300; shift ;;
    --events) EVENTS=$2; shift 2 ;;
    --faults) FAULTS=$2; shift 2 ;;
    --) shift; EXTRA_OPTS=("$@"); break ;;
    *) echo "usage: $0 [--short] [--events N] [--faults KIND,...] [-- -Dkey=value ...]" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a FAULT_LIST <<< "$FAULTS"
ensure_tools
ensure_commands kcat jq curl

WORK="$PWD/target/fault-campaign"
stop_leftovers "$WORK"
mkdir -p "$WORK"
# a fresh start, but the broker's and the cluster's jars are kept (fetching them takes a minute)
for d in "$WORK"/* "$WORK"/kafka/* "$WORK"/flink/*; do
  case "$d" in "$WORK/kafka" | "$WORK/flink" | "$WORK/kafka/lib" | "$WORK/flink/lib") ;; *) rm -rf "$d" ;; esac
done
REQUESTS_PER_CHUNK=25
# ports apart from cluster-smoke's and the defaults, so that both can run beside it
# below 32768: ports in Linux's ephemeral range (32768-60999) can be held by any outgoing
# connection at the moment a listener binds (CI failed once with 39092 "Address already in use")
export KAFKA_PORT="${FAULT_CAMPAIGN_KAFKA_PORT:-31092}" KAFKA_DIR="$WORK/kafka"
export FLINK_DIR="$WORK/flink" FLINK_REST_PORT="${FAULT_CAMPAIGN_REST_PORT:-31081}" FLINK_RPC_PORT="${FAULT_CAMPAIGN_RPC_PORT:-31123}"
# the cluster's configuration, retaining enough checkpoints that an older one is still there
export FLINK_CONF="$WORK/config.yaml"
{ cat flink-conf/config-cpu.yaml; echo "execution.checkpointing.num-retained: 10"; } > "$FLINK_CONF"
B="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$FLINK_REST_PORT"
ITEMS="$PWD/data/movietweetings-100k/movies.dat"
PREFIX="fault-campaign-$$"
JOB_OPTS=(-Dkafka.bootstrap-servers="$B" -Dkafka.transactional-id-prefix="$PREFIX" -Ditems.path="$ITEMS"
  -Dresults.delivery-guarantee=exactly-once ${EXTRA_OPTS[@]+"${EXTRA_OPTS[@]}"})
# the earlier runs the current job's state descends from, JOB:CHECKPOINT,... (ModelAudit --lineage)
LINEAGE=""
# the results offsets at each restore of an older checkpoint (ModelAudit --results-cuts)
RESULTS_CUTS=""
PARALLELISM=2
FAULT_RECORDS="$WORK/faults.jsonl"

trap cluster_cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----
# The TaskManager (its index) running the first subtask of the job's workers: a kill of it fails
# the job even at parallelism 1, where the other TaskManager is idle.
busy_tm() {
  local vertex
  vertex=$(curl -sf "$REST/jobs/$(job_id)" | jq -r '.vertices[] | select(.name == "workers") | .id')
  curl -sf "$REST/jobs/$(job_id)/vertices/$vertex/taskmanagers" \
    | jq -r '[.taskmanagers[] | ."taskmanager-id"] | sort | .[0]' | sed 's/^taskmanager-//'
}
job_running() { [ "$(curl -sf "$REST/jobs/$(job_id)" | jq -r '.state' 2>/dev/null)" = RUNNING ]; }
job_ended() { curl -sf "$REST/jobs/$(job_id)" | jq -e '.state | IN("CANCELED", "FINISHED", "FAILED")' >/dev/null 2>&1; }
tms_registered() { [ "$(curl -sf "$REST/taskmanagers" 2>/dev/null | jq '.taskmanagers | length' 2>/dev/null || echo 0)" -ge 2 ]; }
# completed, retained checkpoints of job $1 (ids, ascending): a chk dir with its metadata
retained_checkpoints() {
  local d
  # a glob, not ls: Flink deletes subsumed checkpoints meanwhile, and ls exits 2 for one gone
  # between the glob and its stat, which pipefail and set -e turned into a silent exit 2 (CI, once)
  for d in "$FLINK_DIR/checkpoints/$1"/chk-*; do
    if [ -f "$d/_metadata" ]; then echo "${d##*/chk-}"; fi
  done | sort -n
}
# Resubmits the job from snapshot PATH at PARALLELISM after job OLD's run; extends LINEAGE with
# OLD and the checkpoint id the new job restored.
resubmit() { # old-job path
  deploy/flink-job.sh submit -p "$PARALLELISM" -s "$2" "${JOB_OPTS[@]}"
  WAIT_INTERVAL=0.2 wait_until 180 "the resubmitted job to restore" restored_known || exit 1
  LINEAGE="${LINEAGE:+$LINEAGE,}$1:$(restored_checkpoint_id)"
}
results_end_offsets() { # -> 0:N0,1:N1
  local partitions p out=()
  partitions=$(kcat -b "$B" -L -t results -J | jq '.topics[0].partitions | length')
  for p in $(seq 0 $((partitions - 1))); do
    out+=("$p:$(kcat -b "$B" -Q -t "results:$p:-1" | sed -n 's/.* offset \([0-9]*\).*/\1/p')")
  done
  (IFS=,; echo "${out[*]}")
}
restored_known() { [ "$(restored_checkpoint_id)" != none ]; }
# Appends one fault's record: index kind detail fault_ms recovery_ms
record_fault() {
  jq -nc --argjson n "$1" --arg kind "$2" --arg detail "$3" --argjson at "$4" --argjson ms "$5" \
    --argjson trained "$(trained)" --argjson produced "$PRODUCED" --argjson p "$PARALLELISM" \
    '{n: $n, kind: $kind, detail: $detail, fault_ms: $at, recovery_ms: $ms, parallelism_after: $p,
      produced_before: $produced, trained_after: $trained}' >> "$FAULT_RECORDS"
  echo "Fault $1 ($2): $3; recovered (first checkpoint after it) in $(secs "$5") s"
}

# ---- the faults: each sets FAULT_MS (when it struck), RECOVERY_MS and DETAIL ----
fault_tm_kill() {
  local tm
  tm=$(busy_tm)
  deploy/flink-cluster.sh kill-tm "$tm"
  # after the kill: a checkpoint triggered (and done) while kill-tm started up must not count
  FAULT_MS=$(now_ms)
  deploy/flink-cluster.sh start-tm
  local ack
  ack=$(wait_checkpoint_after "$FAULT_MS" "the TaskManager kill" 300)
  RECOVERY_MS=$((ack - FAULT_MS))
  DETAIL="taskmanager-$tm killed"
}

fault_broker_restart() {
  FAULT_MS=$(now_ms)
  deploy/kafka.sh stop
  deploy/kafka.sh start
  local up_ms
  up_ms=$(now_ms)
  # a checkpoint triggered while the broker went down proves nothing: one triggered after it is back
  local ack
  ack=$(wait_checkpoint_after "$up_ms" "the broker restart" 300)
  RECOVERY_MS=$((ack - FAULT_MS))
  DETAIL="broker down $(secs $((up_ms - FAULT_MS))) s"
}

fault_rescale() { # parallelism
  local old savepoint stop_ms
  old=$(job_id)
  FAULT_MS=$(now_ms)
  deploy/flink-job.sh stop
  stop_ms=$(($(now_ms) - FAULT_MS))
  savepoint=$(cat "$FLINK_DIR/run/last-savepoint")
  PARALLELISM=$1
  resubmit "$old" "$savepoint"
  local ack
  ack=$(wait_checkpoint_after "$FAULT_MS" "the resume at parallelism $1" 300)
  RECOVERY_MS=$((ack - FAULT_MS))
  DETAIL="savepoint in $(secs $stop_ms) s, resumed at p=$(job_parallelism)"
  [ "$(job_parallelism)" = "$1" ] || { echo "MISMATCH resumed parallelism: expected $1, got $(job_parallelism)" >&2; FAIL=1; }
}

fault_jm_kill() {
  local old chk
  old=$(job_id)
  FAULT_MS=$(now_ms)
  deploy/flink-cluster.sh kill-jm
  deploy/flink-cluster.sh start-jm
  wait_until 120 "both TaskManagers to register with the new JobManager" tms_registered || exit 1
  chk=$(retained_checkpoints "$old" | tail -1)
  [ -n "$chk" ] || { echo "no retained checkpoint of job $old" >&2; exit 1; }
  resubmit "$old" "file://$FLINK_DIR/checkpoints/$old/chk-$chk"
  local ack
  ack=$(wait_checkpoint_after "$FAULT_MS" "the JobManager kill" 300)
  RECOVERY_MS=$((ack - FAULT_MS))
  DETAIL="resubmitted from chk-$chk, the latest retained"
}

# The newest retained checkpoint of job $1 other than its latest, and when it was triggered (the
# REST API's checkpoint history; 0 if the history no longer lists it): "id trigger_ms"
older_retained_checkpoint() {
  local chk
  chk=$(retained_checkpoints "$1" | sed '$d' | tail -1)
  [ -n "$chk" ] || { echo "- 0"; return; }
  echo "$chk $(job_checkpoints | jq -r --argjson id "$chk" '[.history[] | select(.id == $id)][0].trigger_timestamp // 0')"
}
# True once that checkpoint was triggered after training was first seen (TRAINING_SEEN_MS): it then
# holds trained state, since the report that showed trained events was committed by an earlier one.
# Sets OLDER_CHK and OLDER_TRIGGER.
older_checkpoint_trained() {
  read -r OLDER_CHK OLDER_TRIGGER <<< "$(older_retained_checkpoint "$1")"
  [ "${OLDER_TRIGGER:-0}" -gt "$TRAINING_SEEN_MS" ]
}
# job $1's retained checkpoints, each with its trigger time relative to training first seen
retained_with_triggers() {
  job_checkpoints | jq -r --argjson since "$TRAINING_SEEN_MS" \
    --argjson ids "[$(retained_checkpoints "$1" | paste -sd, -)]" \
    '[.history[] | select(.id as $i | any($ids[]; . == $i))] | sort_by(.id)
     | map("chk-\(.id) \(if .trigger_timestamp > $since then "+" else "" end)\((.trigger_timestamp - $since) / 100 | round / 10) s")
     | join(", ")'
}

fault_older_checkpoint() {
  local old chk latest
  old=$(job_id)
  # The newest retained checkpoint but the latest, and one with trained state: until 2026-12-07 it
  # was the middle one of the (up to 10) retained, which in --short was often chk-1, taken before
  # the first event, so the fault restarted from nothing and the audit still passed. Not the oldest
  # either: it can be subsumed when a checkpoint completes before the cancel takes effect (CI). Half
  # a chunk can train within a checkpoint or two, so this waits (a few intervals) for the second
  # checkpoint triggered after training was first seen.
  if ! WAIT_INTERVAL=0.5 wait_until 120 "a retained checkpoint other than the latest triggered after training began" \
      older_checkpoint_trained "$old"; then
    echo "FAIL older-checkpoint: no retained checkpoint of job $old other than the latest was triggered after" \
      "training was first seen (a restore would start from no trained state); retained, relative to it:" \
      "$(retained_with_triggers "$old")" >&2
    exit 1
  fi
  chk=$OLDER_CHK
  latest=$(retained_checkpoints "$old" | tail -1)
  echo "older-checkpoint: retained (trigger time relative to training first seen): $(retained_with_triggers "$old")"
  FAULT_MS=$(now_ms)
  deploy/flink-job.sh cancel
  wait_until 60 "job $old to be cancelled" job_ended || exit 1
  [ -f "$FLINK_DIR/checkpoints/$old/chk-$chk/_metadata" ] || { echo "chk-$chk was not retained on cancel" >&2; exit 1; }
  # the abandoned run's answers end here; the restored run answers its requests again after it
  RESULTS_CUTS="${RESULTS_CUTS:+$RESULTS_CUTS/}$(results_end_offsets)"
  resubmit "$old" "file://$FLINK_DIR/checkpoints/$old/chk-$chk"
  local ack
  ack=$(wait_checkpoint_after "$FAULT_MS" "the restore of an older checkpoint" 300)
  RECOVERY_MS=$((ack - FAULT_MS))
  DETAIL="cancelled after chk-$latest, resubmitted from chk-$chk (triggered $(secs $((OLDER_TRIGGER - TRAINING_SEEN_MS))) s after training was first seen)"
}

inject() { # index kind
  case "$2" in
    tm-kill) fault_tm_kill ;;
    broker-restart) fault_broker_restart ;;
    rescale:*) fault_rescale "${2#rescale:}" ;;
    jm-kill) fault_jm_kill ;;
    older-checkpoint) fault_older_checkpoint ;;
    *) echo "unknown fault $2" >&2; exit 2 ;;
  esac
  record_fault "$1" "$2" "$DETAIL" "$FAULT_MS" "$RECOVERY_MS"
}

# ---- start ----
START_MS=$(now_ms)
FAIL=0
build_classpath
export STREAMREC_SKIP_BUILD=1
deploy/kafka.sh start
# the events topic with two partitions (the job creates only missing topics, events with one)
deploy/kafka.sh topics -Devents-partitions=2
deploy/flink-cluster.sh start 2
deploy/flink-job.sh submit -p "$PARALLELISM" "${JOB_OPTS[@]}"
echo "Waiting for the job's first committed checkpoint ..."
wait_until 120 "the job's first committed checkpoint (see $FLINK_DIR/log)" committed_reports
partitions=$(kcat -b "$B" -L -t events -J 2>/dev/null | jq '.topics[0].partitions | length')
[ "$partitions" = 2 ] || { echo "events topic has $partitions partitions, expected 2" >&2; exit 1; }

# ---- input, one chunk per fault plus one ----
replay_events "$EVENTS" "$WORK/events.txt"
CHUNKS=$(( ${#FAULT_LIST[@]} + 1 ))
split -n "l/$CHUNKS" -d -a 2 "$WORK/events.txt" "$WORK/chunk-"
for f in "$WORK"/chunk-*; do
  n="$WORK/chunk-$((10#${f##*chunk-}))"
  [ "$f" = "$n" ] || mv "$f" "$n"
done
: > "$FAULT_RECORDS"

# when a committed report first counted trained events: a checkpoint triggered after it holds
# trained state (fault_older_checkpoint restores only such a one)
TRAINING_SEEN_MS=""
for i in "${!FAULT_LIST[@]}"; do
  produce_chunk "$i"
  if [ -z "$TRAINING_SEEN_MS" ]; then
    wait_trained 1 1800
    TRAINING_SEEN_MS=$(now_ms)
  fi
  wait_trained "$(half_of_chunk "$i")" 1800
  inject $((i + 1)) "${FAULT_LIST[$i]}"
done
produce_chunk $((CHUNKS - 1))

# ---- audit ----
echo "Auditing job $(job_id) (lineage: ${LINEAGE:-none}; waits for the job to commit everything) ..."
run_audit --requests-prefix "$PREFIX-r" --requests $((CHUNKS * REQUESTS_PER_CHUNK)) \
  --run "$(job_id)" --lineage "$LINEAGE" --results-cuts "$RESULTS_CUTS" --timeout-s "$AUDIT_TIMEOUT_S" \
  --rows-off "$WORK/rows-off.txt"
ELAPSED_S=$(( ($(now_ms) - START_MS) / 1000 ))
[ "$AUDIT_RC" = 0 ] || FAIL=1
[ -z "$AUDIT" ] || audit_covers_input "$EVENTS" || FAIL=1
jq -n --slurpfile faults "$FAULT_RECORDS" --argjson events "$EVENTS" --arg list "$FAULTS" \
  --argjson audit "${AUDIT:-null}" --arg date "$(date -u +%FT%TZ)" --argjson elapsed "$ELAPSED_S" \
  --arg lineage "$LINEAGE" \
  '{date: $date, events: $events, fault_list: $list, elapsed_s: $elapsed, lineage: $lineage,
    faults: $faults, recovery_ms_by_kind: ($faults | group_by(.kind | sub(":.*"; ""))
      | map({key: (.[0].kind | sub(":.*"; "")), value: map(.recovery_ms)}) | from_entries),
    audit: $audit}' > "$WORK/recovery.json"
if [ -n "$AUDIT" ]; then
  summary=$(jq -r '"events \(.user_row_updates)/\(.events) applied once, \(.rows_checked) rows: \(.rows_counters_off) with counters off the failure-free run, \(.rows_versions_off) versions outside 1..updates (row updates \(.row_updates) = expected \(.expected_row_updates), \(.rows_of_abandoned_runs) abandoned-run rows dropped), requests \(.requests_answered) answered, \(.requests_answered_twice) twice (\(.requests_answered_again_after_older_checkpoint) again after restoring an older checkpoint), \(.dead_lettered_accepted) accepted events dead-lettered"' <<< "$AUDIT")
else
  summary="audit failed: $(tail -3 "$WORK/audit.log")"; FAIL=1
fi
recoveries=$(jq -rs 'map("\(.n) \(.kind) \(.recovery_ms / 100 | round / 10) s") | join(", ")' "$FAULT_RECORDS")
status=PASS; [ "$FAIL" = 0 ] || status=FAIL
echo "fault-campaign $status: $summary; ${#FAULT_LIST[@]} faults recovered (fault -> first checkpoint): $recoveries; ${ELAPSED_S} s in all"
exit $FAIL
