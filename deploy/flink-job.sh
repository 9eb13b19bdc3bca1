#!/usr/bin/env bash
# Builds the job jar and drives the streamrec job on a Flink cluster through its REST API (the
# cluster from deploy/flink-cluster.sh, or any session cluster: set FLINK_REST).
#
#   deploy/flink-job.sh jar                              build the shaded job jar, print its path
#   deploy/flink-job.sh submit [-p N] [--force] [-Dkey=value ...]
#                                                        upload the jar and start the job
#   deploy/flink-job.sh status                           state, parallelism, last checkpoint
#   deploy/flink-job.sh savepoint                        take a savepoint, the job keeps running
#   deploy/flink-job.sh stop                             stop with a savepoint (printed)
#   deploy/flink-job.sh resume [-p N] [-s PATH] [--allow-non-restored-state] [--force] [-Dkey=value ...]
#                                                        start from a savepoint (default: the last
#                                                        one taken here, if of the job submitted
#                                                        last from here), optionally rescaled;
#                                                        --allow-non-restored-state drops the state
#                                                        of operators the job no longer has (the
#                                                        item flood guard turned off), which is
#                                                        refused otherwise
#   deploy/flink-job.sh cancel
#
# submit and resume refuse while the job submitted last from here has not ended (stop or cancel it
# first): a second job would run beside it with the same transactional ids and model-updates topic.
# --force starts one anyway.
#
# Job options (README, "Configuration") go as -Dkey=value, e.g. -Dkafka.bootstrap-servers=host:9092.
# The job id of the last submit is kept in $FLINK_DIR/run/job.id; the last savepoint in
# $FLINK_DIR/run/last-savepoint, the id of the job it is of in run/last-savepoint.job. resume
# without -s refuses a savepoint of another job than the one in job.id (an earlier one: its state
# and Kafka offsets would be rolled back to), and a submit without -s forgets the last savepoint.
# SAVEPOINT_TIMEOUT_S (default 300) bounds the wait for a savepoint; a stop that outlasts it and
# still ends the job records its savepoint all the same.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
DIR="$(mkdir -p "${FLINK_DIR:-target/flink}/run" && cd "${FLINK_DIR:-target/flink}" && pwd)"
# the REST port deploy/flink-cluster.sh start kept for this FLINK_DIR, unless told otherwise
SAVED_REST_PORT=$(cluster_setting "$DIR" rest-port)
REST="${FLINK_REST:-http://127.0.0.1:${FLINK_REST_PORT:-${SAVED_REST_PORT:-8081}}}"
ENTRY=io.streamrec.job.StreamrecMain

jar_path() { ls job/pipeline/target/streamrec-job-*-flink.jar 2>/dev/null | sed -n 1p; }

build_jar() {
  if [ "${STREAMREC_SKIP_BUILD:-}" != "1" ] || [ -z "$(jar_path)" ]; then
    echo "Building the job jar (mvn install, tests skipped) ..." >&2
    # "|| return": in jar=$(build_jar) set -e is off, and a failed build printed the old jar
    mvn_quiet -DskipTests -Dspotless.check.skip=true install >&2 || return 1
  fi
  jar_path
}

job_id() {
  [ -s "$DIR/run/job.id" ] || { echo "no job submitted from here ($DIR/run/job.id)" >&2; exit 1; }
  cat "$DIR/run/job.id"
}

rest() { # method path [json]
  local out
  # "|| return": rest runs inside $(...), where set -e is off, and an unanswered call must not pass
  # for an empty answer (jq 1.6's -e says true on empty input, 1.7's says "no result")
  if [ -n "${3:-}" ]; then
    out=$(curl -sS -X "$1" -H 'Content-Type: application/json' -d "$3" "$REST$2") || return 1
  else
    out=$(curl -sS -X "$1" "$REST$2") || return 1
  fi
  if jq -e 'has("errors")' <<< "$out" >/dev/null 2>&1; then
    echo "REST $1 $2 failed: $(jq -r '.errors | join(" | ")' <<< "$out" | cut -c1-2000)" >&2
    return 1
  fi
  echo "$out"
}

# Exits if the job submitted last from here has not ended (a job the cluster does not know, after
# a JobManager restart without HA, has).
refuse_if_running() {
  local job state
  [ -s "$DIR/run/job.id" ] || return 0
  job=$(cat "$DIR/run/job.id")
  state=$(curl -sS "$REST/jobs/$job" 2>/dev/null | jq -r '.state // empty' 2>/dev/null) || true
  case "$state" in "" | FINISHED | CANCELED | FAILED) return 0 ;; esac
  echo "job $job, submitted from here, is $state: stop or cancel it first, or pass --force to start" \
    "another beside it (sharing its transactional ids and the model-updates topic)" >&2
  exit 1
}

submit() { # [-p N] [-s SAVEPOINT] [--allow-non-restored-state] [--force] [-Dkey=value ...]
  local parallelism="" savepoint="" allow_non_restored=false force=false args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -p) parallelism=$2; shift 2 ;;
      -s) savepoint=$2; shift 2 ;;
      --allow-non-restored-state) allow_non_restored=true; shift ;;
      --force) force=true; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [ "$force" = true ] || refuse_if_running
  local jar jar_id body job
  jar=$(build_jar) && [ -f "$jar" ] || { echo "no job jar to upload (the build failed)" >&2; exit 1; }
  jar_id=$(curl -sS -X POST -F "jarfile=@$jar" "$REST/jars/upload" | jq -r '.filename' | sed 's#.*/##')
  [ -n "$jar_id" ] && [ "$jar_id" != null ] || { echo "jar upload to $REST failed" >&2; exit 1; }
  local program_args
  program_args=$(printf '%s\n' --create-topics "${args[@]}" | jq -R . | jq -s -c .)
  body=$(jq -n --arg entry "$ENTRY" --arg p "$parallelism" --arg sp "$savepoint" \
    --argjson args "$program_args" --argjson allow "$allow_non_restored" \
    '{entryClass: $entry, programArgsList: $args}
     + (if $p != "" then {parallelism: ($p | tonumber)} else {} end)
     + (if $sp != "" then {savepointPath: $sp, allowNonRestoredState: $allow} else {} end)')
  job=$(rest POST "/jars/$jar_id/run" "$body" | jq -r '.jobid // empty') || true
  # an empty id would leave run/job.id naming no job: stop, cancel and the refusal above then
  # could not find the one that may be running
  [ -n "$job" ] || { echo "job submission to $REST failed: no job id in its answer" >&2; exit 1; }
  echo "$job" > "$DIR/run/job.id"
  # a job started without a savepoint has no state in any earlier one: resume must not use them
  if [ -z "$savepoint" ]; then rm -f "$DIR/run/last-savepoint" "$DIR/run/last-savepoint.job"; fi
  # remembered for `resume`: without it Flink's default (1) would rescale the job on every upgrade
  if [ -n "$parallelism" ]; then echo "$parallelism" > "$DIR/run/parallelism"; else rm -f "$DIR/run/parallelism"; fi
  echo "Submitted job $job${parallelism:+ at parallelism $parallelism}${savepoint:+ from $savepoint}"
}

savepoint_completed() { # job trigger-id; keeps the last answer in SAVEPOINT_STATUS
  SAVEPOINT_STATUS=$(rest GET "/jobs/$1/savepoints/$2")
  [ "$(jq -r '.status.id' <<< "$SAVEPOINT_STATUS")" = COMPLETED ]
}

# Records the savepoint of job $1 in SAVEPOINT_STATUS (a completed trigger) as the last one, with
# the job's id; prints its location. Fails if the savepoint failed.
record_savepoint() { # job
  local location
  if jq -e '.operation."failure-cause"' <<< "$SAVEPOINT_STATUS" >/dev/null 2>&1; then
    echo "savepoint failed: $(jq -r '.operation."failure-cause"."stack-trace"' <<< "$SAVEPOINT_STATUS" | sed -n 1,5p)" >&2
    return 1
  fi
  location=$(jq -r '.operation.location // empty' <<< "$SAVEPOINT_STATUS")
  [ -n "$location" ] || { echo "savepoint of job $1 completed without a location" >&2; return 1; }
  # the path last, so that a path is never read beside the job id of an earlier savepoint
  rm -f "$DIR/run/last-savepoint"
  echo "$1" > "$DIR/run/last-savepoint.job"
  echo "$location" | tee "$DIR/run/last-savepoint"
}

wait_savepoint() { # job trigger-id -> prints the savepoint location
  wait_until "${SAVEPOINT_TIMEOUT_S:-300}" "the savepoint" savepoint_completed "$1" "$2" || return 1
  record_savepoint "$1"
}

job_state() { rest GET "/jobs/$1" | jq -r '.state'; }

job_finished() { [ "$(rest GET "/jobs/$1" | jq -r '.state')" = FINISHED ]; }

savepoint() {
  local job trigger
  job=$(job_id)
  trigger=$(rest POST "/jobs/$job/savepoints" '{"cancel-job": false}' | jq -r '.["request-id"]')
  wait_savepoint "$job" "$trigger"
}

latest_checkpoint() { rest GET "/jobs/$1/checkpoints" | jq -r '.latest.completed.id // 0'; }

# True once job $1 runs again and has checkpointed after checkpoint $2, or has ended
running_with_checkpoint_after_or_ended() { # job checkpoint-id
  case "$(job_state "$1")" in
    FINISHED | CANCELED | FAILED) return 0 ;;
    RUNNING) [ "$(latest_checkpoint "$1")" -gt "$2" ] ;;
    *) return 1 ;;
  esac
}

# After a stop that failed or timed out: returns 1 while job $1 has not ended. A stop's savepoint
# that outlasted wait_savepoint still ends the job (FINISHED): then the savepoint of trigger $2 is
# recorded (LOCATION) and this returns 0. A job that ended without one recorded exits 1, its
# earlier savepoints forgotten: they hold older state than it ended with.
stopped_anyway() { # job trigger-id
  local state
  state=$(job_state "$1") || return 1
  case "$state" in FINISHED | CANCELED | FAILED) ;; *) return 1 ;; esac
  if [ -n "$2" ] && savepoint_completed "$1" "$2" && LOCATION=$(record_savepoint "$1"); then return 0; fi
  rm -f "$DIR/run/last-savepoint" "$DIR/run/last-savepoint.job"
  echo "job $1 is $state, but no savepoint of its stop was recorded; resume with -s PATH from a" \
    "savepoint or a retained checkpoint of it (e.g. under $DIR/checkpoints/$1)" >&2
  exit 1
}

# A stop-with-savepoint can fail in Flink 2.2: each source subtask is stopped in its task thread
# but its savepoint is triggered from an RPC thread, so on a busy machine one subtask may snapshot
# after its operators finished and another before (the race of FLINK-23884). With union state in
# the source's chain Flink then rejects the savepoint (PartialFinishingNotSupportedByStateException)
# and restarts the job from its last checkpoint: nothing lost or applied twice. The validation
# clocks were such state until 2026-12-03 (a slow host refused 4 of 5 tries then); a job restored
# from an older checkpoint still carries it, empty. So the stop is tried again once the job runs
# and has checkpointed; STOP_ATTEMPTS (default 6) bounds the tries.
stop() {
  local job trigger location attempt=1 before
  job=$(job_id)
  while :; do
    trigger=""
    if trigger=$(rest POST "/jobs/$job/stop" '{"drain": false}' | jq -r '.["request-id"] // empty') \
      && location=$(wait_savepoint "$job" "$trigger"); then
      break
    fi
    if stopped_anyway "$job" "$trigger"; then location=$LOCATION; break; fi
    if [ "$attempt" -ge "${STOP_ATTEMPTS:-6}" ]; then
      echo "stop-with-savepoint failed $attempt times; job $job was not stopped" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    # read after the failure: only a checkpoint completed since then shows the job ran again
    before=$(latest_checkpoint "$job" || echo 0)
    echo "Job $job did not stop; stopping again (attempt $attempt) once it runs and has checkpointed, unless it ends first ..." >&2
    wait_until 300 "job $job to run and checkpoint again" running_with_checkpoint_after_or_ended "$job" "$before" || return 1
    if stopped_anyway "$job" "$trigger"; then location=$LOCATION; break; fi
  done
  wait_until 60 "job $job to finish" job_finished "$job" || true
  echo "Job $job stopped with savepoint $location"
}

resume() { # [-s SAVEPOINT] [-p N] [...]: the last submit's parallelism unless -p says otherwise
  local savepoint="" args=() parallelism=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -s) savepoint=$2; shift 2 ;;
      -p) parallelism=$2; shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  if [ -z "$parallelism" ] && [ -s "$DIR/run/parallelism" ]; then
    parallelism=$(cat "$DIR/run/parallelism")
  fi
  if [ -n "$parallelism" ]; then args=(-p "$parallelism" "${args[@]}"); fi
  if [ -z "$savepoint" ]; then
    if [ ! -s "$DIR/run/last-savepoint" ]; then
      echo "no savepoint recorded here (a submit without -s forgets those of earlier jobs); pass -s PATH" >&2
      exit 1
    fi
    savepoint=$(cat "$DIR/run/last-savepoint")
    local of current
    of=$(cat "$DIR/run/last-savepoint.job" 2>/dev/null) || true
    current=$(cat "$DIR/run/job.id" 2>/dev/null) || true
    # a savepoint of an earlier job would roll the state and Kafka offsets back past the later job's
    if [ -z "$of" ] || [ "$of" != "$current" ]; then
      echo "the last savepoint recorded here, $savepoint, is of ${of:+job }${of:-a job not recorded}, not of" \
        "job ${current:-(none)}, the one submitted last from here: resuming from it would roll back that" \
        "job's state and Kafka offsets. Pass -s PATH to resume from a savepoint or checkpoint of your" \
        "choice (-s $savepoint for that one)" >&2
      exit 1
    fi
  fi
  submit -s "$savepoint" "${args[@]}"
}

status() {
  local job
  job=$(job_id)
  rest GET "/jobs/$job" | jq -r '"job \(.jid) \(.state), vertices: " + ([.vertices[] | "\(.name)=\(.parallelism)"] | join(", "))'
  rest GET "/jobs/$job/checkpoints" | jq -r '"checkpoints: \(.counts.completed) completed, \(.counts.failed) failed, \(.counts.restored) restored; last: \(.latest.completed.external_path // "none")"'
}

cancel() {
  local job
  job=$(job_id)
  rest PATCH "/jobs/$job?mode=cancel" >/dev/null
  echo "Job $job cancelled"
}

ensure_commands curl jq
case "${1:-}" in
  jar) build_jar ;;
  submit) shift; submit "$@" ;;
  status) status ;;
  savepoint) savepoint ;;
  stop) stop ;;
  resume) shift; resume "$@" ;;
  cancel) cancel ;;
  *) echo "usage: $0 jar|submit [-p N] [--force] [-Dk=v ...]|status|savepoint|stop|resume [-p N] [-s PATH] [--allow-non-restored-state] [--force] [-Dk=v ...]|cancel" >&2; exit 2 ;;
esac
