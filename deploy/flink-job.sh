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
#                                                        one taken here), optionally rescaled;
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
# $FLINK_DIR/run/last-savepoint.
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
  if [ -n "${3:-}" ]; then
    out=$(curl -sS -X "$1" -H 'Content-Type: application/json' -d "$3" "$REST$2")
  else
    out=$(curl -sS -X "$1" "$REST$2")
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
  job=$(rest POST "/jars/$jar_id/run" "$body" | jq -r '.jobid')
  echo "$job" > "$DIR/run/job.id"
  # remembered for `resume`: without it Flink's default (1) would rescale the job on every upgrade
  if [ -n "$parallelism" ]; then echo "$parallelism" > "$DIR/run/parallelism"; else rm -f "$DIR/run/parallelism"; fi
  echo "Submitted job $job${parallelism:+ at parallelism $parallelism}${savepoint:+ from $savepoint}"
}

savepoint_completed() { # job trigger-id; keeps the last answer in SAVEPOINT_STATUS
  SAVEPOINT_STATUS=$(rest GET "/jobs/$1/savepoints/$2")
  [ "$(jq -r '.status.id' <<< "$SAVEPOINT_STATUS")" = COMPLETED ]
}

wait_savepoint() { # job trigger-id -> prints the savepoint location
  wait_until 300 "the savepoint" savepoint_completed "$1" "$2" || return 1
  if jq -e '.operation."failure-cause"' <<< "$SAVEPOINT_STATUS" >/dev/null 2>&1; then
    echo "savepoint failed: $(jq -r '.operation."failure-cause"."stack-trace"' <<< "$SAVEPOINT_STATUS" | sed -n 1,5p)" >&2
    return 1
  fi
  jq -r '.operation.location' <<< "$SAVEPOINT_STATUS" | tee "$DIR/run/last-savepoint"
}

job_finished() { [ "$(rest GET "/jobs/$1" | jq -r '.state')" = FINISHED ]; }

savepoint() {
  local job trigger
  job=$(job_id)
  trigger=$(rest POST "/jobs/$job/savepoints" '{"cancel-job": false}' | jq -r '.["request-id"]')
  wait_savepoint "$job" "$trigger"
}

latest_checkpoint() { rest GET "/jobs/$1/checkpoints" | jq -r '.latest.completed.id // 0'; }

running_with_checkpoint_after() { # job checkpoint-id
  [ "$(rest GET "/jobs/$1" | jq -r '.state')" = RUNNING ] && [ "$(latest_checkpoint "$1")" -gt "$2" ]
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
    if trigger=$(rest POST "/jobs/$job/stop" '{"drain": false}' | jq -r '.["request-id"]') \
      && location=$(wait_savepoint "$job" "$trigger"); then
      break
    fi
    if [ "$attempt" -ge "${STOP_ATTEMPTS:-6}" ]; then
      echo "stop-with-savepoint failed $attempt times; job $job was not stopped" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    # read after the failure: only a checkpoint completed since then shows the job ran again
    before=$(latest_checkpoint "$job" || echo 0)
    echo "Job $job restarts after the failed stop; stopping again (attempt $attempt) once it has checkpointed ..." >&2
    wait_until 300 "job $job to run and checkpoint again" running_with_checkpoint_after "$job" "$before" || return 1
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
    [ -s "$DIR/run/last-savepoint" ] || { echo "no savepoint taken here; pass -s PATH" >&2; exit 1; }
    savepoint=$(cat "$DIR/run/last-savepoint")
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
