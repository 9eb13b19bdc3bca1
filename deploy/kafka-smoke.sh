#!/usr/bin/env bash
# The whole Kafka story on one machine, checked end to end. Starts a real broker (deploy/kafka.sh),
# the job (deploy/job.sh, MiniCluster) and the gateway (deploy/gateway.sh); produces 3,000 valid
# MovieTweetings events plus 320 hostile records (280 malformed, 40 duplicates of the newest) with kcat; asks for recommendations through the
# requests topic (kcat) and the gateway (curl); then checks, reading with read_committed:
#   every valid event evaluated and trained, every hostile record in dead-letters with the right
#   reason, every request answered, no request id twice in results.
# Prints one summary line; exits non-zero on any mismatch; stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
ensure_tools
ensure_commands kcat jq curl

WORK="$PWD/target/smoke"
stop_leftovers "$WORK"; rm -rf "$WORK"; mkdir -p "$WORK"
export KAFKA_PORT="${SMOKE_KAFKA_PORT:-29092}" KAFKA_DIR="$WORK/kafka"
B="127.0.0.1:$KAFKA_PORT"
GW_PORT="${SMOKE_GATEWAY_PORT:-28080}"
GW="http://127.0.0.1:$GW_PORT"
job_pid=""; gw_pid=""
cleanup() {
  [ -z "$gw_pid" ] || stop_pid "$gw_pid" gateway >/dev/null
  [ -z "$job_pid" ] || stop_pid "$job_pid" job >/dev/null
  deploy/kafka.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_classpath
export STREAMREC_SKIP_BUILD=1
deploy/kafka.sh start
STREAMREC_CHECKPOINTS="$WORK/checkpoints" deploy/job.sh -Dkafka.bootstrap-servers="$B" \
  -Dkafka.transactional-id-prefix="smoke-$$" -Ditems.path=data/movietweetings-100k/movies.dat \
  > "$WORK/job.log" 2>&1 &
job_pid=$!
echo "$job_pid" > "$WORK/job.pid" # for stop_leftovers after a hard kill
# its audit log under WORK also puts WORK on its command line, for stop_leftovers
deploy/gateway.sh -Dkafka.bootstrap-servers="$B" -Dgateway.port="$GW_PORT" \
  -Dgateway.audit-log="$WORK/gateway-audit.log" > "$WORK/gateway.log" 2>&1 &
gw_pid=$!
echo "$gw_pid" > "$WORK/gateway.pid"

job_alive() { kill -0 "$job_pid" 2>/dev/null || { echo "job exited; see $WORK/job.log" >&2; exit 1; }; }
committed_reports() { job_alive; [ -n "$(consume_committed eval-reports)" ]; }
gateway_healthy() { curl -sf "$GW/health" >/dev/null; }
echo "Waiting for the job's first committed checkpoint ..."
wait_until 180 "the job's first committed checkpoint (see $WORK/job.log)" committed_reports
wait_until 60 "the gateway (see $WORK/gateway.log)" gateway_healthy

# ---- input ----
VALID=3000
NOW_MS=$(($(date +%s) * 1000))
awk -F'::' '{print $4" "NR" "$1" "$2" "$3}' data/movietweetings-100k/ratings.dat | sort -k1,1n -k2,2n | awk -v n=$VALID 'NR <= n' \
  | awk '{printf "%s|{\"eventId\":\"mt-%s\",\"userId\":\"%s\",\"itemId\":\"%s\",\"type\":\"rating\",\"value\":%s,\"timestamp\":%s000}\n", $3, $2, $3, $4, $5, $1}' \
  > "$WORK/valid.txt"
{
  for i in $(seq 1 40); do echo "{broken json $i"; done
  for i in $(seq 1 40); do echo "{\"eventId\":\"h-mf-$i\",\"userId\":\"u\",\"type\":\"view\",\"timestamp\":$NOW_MS}"; done
  for i in $(seq 1 30); do echo "{\"eventId\":\"h-wt-$i\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":\"soon\"}"; done
  for i in $(seq 1 30); do echo "{\"eventId\":\"h-id-$i\",\"userId\":\"bad user\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":$NOW_MS}"; done
  for i in $(seq 1 30); do echo "{\"eventId\":\"h-ty-$i\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"teleport\",\"timestamp\":$NOW_MS}"; done
  for i in $(seq 1 20); do echo "{\"eventId\":\"h-nf-$i\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"rating\",\"value\":1e999,\"timestamp\":$NOW_MS}"; done
  for i in $(seq 1 30); do echo "{\"eventId\":\"h-fu-$i\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":$((NOW_MS + 86400000))}"; done
  for i in $(seq 1 30); do echo "{\"eventId\":\"h-la-$i\",\"userId\":\"u\",\"itemId\":\"i\",\"type\":\"view\",\"timestamp\":946684800000}"; done
  for i in $(seq 1 20); do echo "[1,2,$i]"; done
  pad=$(head -c 70000 /dev/zero | tr '\0' 'x')
  for i in $(seq 1 10); do echo "{\"eventId\":\"h-big-$i\",\"pad\":\"$pad\"}"; done
} > "$WORK/hostile.txt"
HOSTILE_FORMAT=$(wc -l < "$WORK/hostile.txt")
DUPLICATES=40
EXPECTED_DEAD=$((HOSTILE_FORMAT + DUPLICATES))

echo "Producing $VALID valid events, $HOSTILE_FORMAT malformed records and $DUPLICATES duplicates with kcat ..."
head -1500 "$WORK/valid.txt" | kcat -b "$B" -P -t events -K '|' -X message.max.bytes=2000000
kcat -b "$B" -P -t events -X message.max.bytes=2000000 < "$WORK/hostile.txt"
tail -n +1501 "$WORK/valid.txt" | kcat -b "$B" -P -t events -K '|'
tail -n $DUPLICATES "$WORK/valid.txt" | kcat -b "$B" -P -t events -K '|'

REQUESTS=50
cut -d'|' -f1 "$WORK/valid.txt" | sort -u | awk -v n=$((REQUESTS - 5)) 'NR <= n' > "$WORK/users.txt"
for i in 1 2 3 4 5; do echo "smoke-new-user-$i" >> "$WORK/users.txt"; done
awk '{printf "%s|{\"requestId\":\"smoke-r%d\",\"userId\":\"%s\",\"k\":10}\n", $1, NR, $1}' "$WORK/users.txt" \
  | kcat -b "$B" -P -t requests -K '|'

echo "Asking the gateway ..."
GW_OK=0
for user in $(head -10 "$WORK/users.txt"); do
  code=$(curl -s -o "$WORK/gw-$user.json" -w '%{http_code}' "$GW/recommendations/$user?k=5")
  if [ "$code" = 200 ] && [ "$(jq '.items | length' "$WORK/gw-$user.json")" = 5 ]; then GW_OK=$((GW_OK + 1)); fi
done
GW_POST=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$GW/events" -d '{"eventId":"gw-1","userId":"gw-user","itemId":"0114508","type":"click","timestamp":'"$NOW_MS"'}')
GW_BAD=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$GW/events" -d '{"eventId":"gw-2"}')
EXPECTED_VALID=$((VALID + 1))

echo "Waiting for the job to evaluate and train every valid event ..."
all_done() { # reads the committed topics; true once everything expected is there
  job_alive
  consume_committed eval-reports > "$WORK/reports.json"
  evaluated=$(jq -s 'group_by(.subtask) | map(last.events) | add // 0' "$WORK/reports.json")
  trained=$(jq -s 'group_by(.subtask) | map(last.trained_events) | add // 0' "$WORK/reports.json")
  consume_committed results > "$WORK/results.json"
  answered=$(jq -r '.requestId' "$WORK/results.json" | grep -c '^smoke-r' || true)
  consume_committed dead-letters > "$WORK/dead.json"
  dead=$(wc -l < "$WORK/dead.json")
  [ "$evaluated" -ge "$EXPECTED_VALID" ] && [ "$trained" -ge "$EXPECTED_VALID" ] \
    && [ "$answered" -ge "$REQUESTS" ] && [ "$dead" -ge "$EXPECTED_DEAD" ]
}
# on a timeout the checks below say what is missing
WAIT_INTERVAL=1 wait_until 300 "every valid event evaluated and trained" all_done || true
# Request latency as a client sees it: GET through the gateway (request produced, job, result read
# back uncommitted; results.delivery-guarantee at its default, at-least-once), job idle here.
echo "Timing 30 gateway requests one after another ..."
for user in $(head -30 "$WORK/users.txt"); do
  curl -s -o /dev/null -w '%{time_total}\n' "$GW/recommendations/$user?k=10"
done | sort -n > "$WORK/gateway-latency-s.txt"
latency_ms() { awk -v q="$1" '{v[NR]=$1} END {i=int(q*NR+0.999); if (i<1) i=1; printf "%.0f", v[i]*1000}' "$WORK/gateway-latency-s.txt"; }
GW_P50=$(latency_ms 0.5); GW_MAX=$(latency_ms 1.0)

jq -r '.reason' "$WORK/dead.json" | sort | uniq -c | awk '{print $2"="$1}' | sort > "$WORK/dead-reasons.txt"
cat > "$WORK/expected-reasons.txt" <<REASONS
duplicate_event=40
future_timestamp=30
invalid_id=30
missing_field=40
non_finite_number=20
not_an_object=20
oversized_payload=10
too_late=30
unknown_event_type=30
unparseable_json=40
wrong_type=30
REASONS
sort -o "$WORK/expected-reasons.txt" "$WORK/expected-reasons.txt"
duplicate_results=$(jq -r '.requestId' "$WORK/results.json" | sort | uniq -d | wc -l)
# any task that failed, also while it started (INITIALIZING or DEPLOYING) and the restart recovered
restarts=$(grep -c "switched from [A-Z]* to FAILED" "$WORK/job.log" || true)

fail=0
check() { if [ "$2" != "$3" ]; then echo "MISMATCH $1: expected $3, got $2" >&2; fail=1; fi; }
check "evaluated events" "$evaluated" "$EXPECTED_VALID"
check "trained events" "$trained" "$EXPECTED_VALID"
check "dead letters" "$(wc -l < "$WORK/dead.json")" "$EXPECTED_DEAD"
check "dead-letter reasons" "$(tr '\n' ' ' < "$WORK/dead-reasons.txt")" "$(tr '\n' ' ' < "$WORK/expected-reasons.txt")"
check "requests answered via topic" "$answered" "$REQUESTS"
check "duplicate request ids in results" "$duplicate_results" 0
check "gateway answers" "$GW_OK" 10
check "gateway POST valid" "$GW_POST" 202
check "gateway POST invalid" "$GW_BAD" 400
check "task failures" "$restarts" 0
status=PASS; [ "$fail" = 0 ] || status=FAIL
echo "kafka-smoke $status: valid $evaluated/$EXPECTED_VALID evaluated+trained, dead-letters $(wc -l < "$WORK/dead.json")/$EXPECTED_DEAD by reason, requests $answered/$REQUESTS (duplicates $duplicate_results), gateway $GW_OK/10 + POST $GW_POST/$GW_BAD, task failures $restarts; gateway request latency at the client (30 sequential GETs) p50 ${GW_P50} ms, max ${GW_MAX} ms"
exit $fail
