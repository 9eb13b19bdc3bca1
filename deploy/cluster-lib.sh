# Functions the fault drills on a standalone cluster share (deploy/cluster-smoke.sh,
# deploy/fault-campaign.sh): the job's progress and checkpoints through the REST API and Kafka,
# chunked replay with requests. Source after deploy/lib.sh, with B (bootstrap servers), REST (the
# JobManager's REST address), FLINK_DIR and WORK set.

# Stops the cluster and the broker (by pid, only what the scripts started).
cluster_cleanup() {
  deploy/flink-cluster.sh stop >/dev/null 2>&1 || true
  deploy/kafka.sh stop >/dev/null 2>&1 || true
}

# Events the job has trained, as serving's latest committed reports count them: each serving
# subtask counts its own users' rows, so the latest report of each subtask of the latest
# parallelism adds up to the whole (the latest only: an older checkpoint's restore counts down).
trained() {
  local n
  # one number whatever fails: kcat failing under pipefail still lets jq print its 0
  n=$(kcat -b "$B" -C -t eval-reports -o -20 -e -q -X isolation.level=read_committed 2>/dev/null \
    | jq -s 'sort_by(.time) | (last.parallelism) as $p | map(select(.parallelism == $p))
             | group_by(.subtask) | map(max_by(.time).trained_events) | add // 0' 2>/dev/null \
    | tail -1) || true
  echo "${n:-0}"
}
trained_at_least() { [ "$(trained)" -ge "$1" ]; }
wait_trained() { # count [seconds]
  wait_until "${2:-300}" "the job to train $1 events ; see $FLINK_DIR/log" trained_at_least "$1" || exit 1
}
committed_reports() { [ -n "$(consume_committed eval-reports)" ]; }

job_id() { cat "$FLINK_DIR/run/job.id"; }
job_checkpoints() { curl -sf "$REST/jobs/$(job_id)/checkpoints" 2>/dev/null; }
last_checkpoint() { # -> "trigger_ms ack_ms" of the latest completed checkpoint of the current job
  job_checkpoints | jq -r '.latest.completed | if . == null then "0 0" else "\(.trigger_timestamp) \(.latest_ack_timestamp)" end' 2>/dev/null || echo "0 0"
}
checkpoint_triggered_after() { # time_ms; keeps the ack time in CHECKPOINT_ACK
  local trigger
  read -r trigger CHECKPOINT_ACK <<< "$(last_checkpoint)"
  [ "${trigger:-0}" -gt "$1" ]
}
wait_checkpoint_after() { # time_ms what [seconds] -> prints the ack time of the first checkpoint triggered after it
  WAIT_INTERVAL=0.2 wait_until "${3:-120}" "a checkpoint after $2" checkpoint_triggered_after "$1" || exit 1
  echo "$CHECKPOINT_ACK"
}
restored_checkpoint_id() { job_checkpoints | jq -r '.latest.restored.id // "none"'; }
# the largest parallelism of the job's training vertices
job_parallelism() {
  curl -sf "$REST/jobs/$(job_id)" | jq '[.vertices[] | select(.name == "workers" or (.name | startswith("parameter-server"))) | .parallelism] | max'
}
secs() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# The first EVENTS MovieTweetings ratings in time order (stable tie-break by line), as
# "user|event json" lines keyed by user; beyond the data's 100,000 it replays them again, each
# replay shifted by the data's span (so time order holds across replays) with fresh event ids
# (mt-r<replay>-<line>), users and items kept.
#   replay_events EVENTS FILE
replay_events() {
  local ratings=data/movietweetings-100k/ratings.dat
  awk -F'::' '{print $4" "NR" "$1" "$2" "$3}' "$ratings" | sort -k1,1n -k2,2n \
    | awk -v n="$1" '
        { t[NR] = $1; line[NR] = $2; user[NR] = $3; item[NR] = $4; value[NR] = $5 }
        END {
          span = t[NR] - t[1] + 1
          for (r = 0; emitted < n; r++) {
            for (i = 1; i <= NR && emitted < n; i++) {
              id = (r == 0) ? "mt-" line[i] : "mt-r" r "-" line[i]
              printf "%s|{\"eventId\":\"%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"rating\",\"value\":%s,\"timestamp\":%.0f000}\n",
                user[i], id, user[i], item[i], value[i], t[i] + r * span
              emitted++
            }
          }
        }' > "$2"
}

# Produces chunk file WORK/chunk-I and REQUESTS_PER_CHUNK requests for its first users (ids
# PREFIX-rI-N); PRODUCED counts the events produced so far.
#   produce_chunk I
PRODUCED=0
produce_chunk() {
  local f="$WORK/chunk-$1"
  kcat -b "$B" -P -t events -K '|' < "$f"
  PRODUCED=$((PRODUCED + $(wc -l < "$f")))
  cut -d'|' -f1 "$f" | awk '!seen[$0]++' | awk -v n="$REQUESTS_PER_CHUNK" 'NR <= n' \
    | awk -v c="$1" -v p="$PREFIX" '{printf "%s|{\"requestId\":\"%s-r%s-%d\",\"userId\":\"%s\",\"k\":10}\n", $1, p, c, NR, $1}' \
    | kcat -b "$B" -P -t requests -K '|'
  echo "Produced chunk $1: $PRODUCED events"
}
# the count of events produced when chunk I was half produced
half_of_chunk() { echo $((PRODUCED - $(wc -l < "$WORK/chunk-$1") / 2)); }

# Runs ModelAudit (reading Kafka only, read_committed) with the job options and ARGS; sets AUDIT
# (its JSON line, empty if it failed to run) and AUDIT_RC, logs to WORK/audit.log.
#   run_audit [ModelAudit args...]
# The audit read every produced event as valid (the replay holds valid events only, so fewer means
# the audit's parser, the job's own, dropped some) and derived every row's expected count (-1 when
# an event's item is not in the catalog: then the per-row checks were skipped). Prints MISMATCH.
#   audit_covers_input EVENTS
audit_covers_input() {
  local ok=0
  if [ "$(jq -r '.events' <<< "$AUDIT")" != "$1" ]; then
    echo "MISMATCH audit events: expected $1 produced, read $(jq -r '.events' <<< "$AUDIT")" >&2; ok=1
  fi
  if [ "$(jq -r '.expected_row_updates >= 0' <<< "$AUDIT")" != true ]; then
    echo "MISMATCH audit: expected row counts not derived (an item missing from the catalog)" >&2; ok=1
  fi
  return $ok
}

run_audit() {
  set +e
  AUDIT=$(java -cp "$STREAMREC_CP" io.streamrec.tools.audit.ModelAudit "${JOB_OPTS[@]}" "$@" 2> "$WORK/audit.log")
  AUDIT_RC=$?
  set -e
  echo "$AUDIT" > "$WORK/audit.json"
  if [ -n "$AUDIT" ]; then jq -r '.mismatches[] | "MISMATCH " + .' <<< "$AUDIT" >&2 || true; fi
}
