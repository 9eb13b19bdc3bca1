#!/usr/bin/env bash
# The gateway cannot be stalled, checked end to end. Starts a real broker (deploy/kafka.sh), the
# job (deploy/job.sh, MiniCluster) and the gateway (deploy/gateway.sh) as kafka-smoke.sh does, posts
# a batch of events, then measures ~200 legitimate requests/s (half GET /health, half
# GET /recommendations) with deploy/security-load.py: first unloaded, then while 1,000 slow
# connections trickle one byte per second each, half of them the request head after a completed
# TLS handshake, half the ClientHello itself (reopened when the gateway's read or handshake
# timeout closes them). The gateway requires bearer tokens (gateway.tokens-file, made with
# deploy/gateway-token.sh); before the load it checks who may do what: no token -> 401 for POST and
# GET, a token bound to u1 -> 403 for u2's recommendations and for writing events, 200 for u1's.
# The broker is secured (deploy/kafka.sh with KAFKA_SASL_SSL=1: SASL_SSL with SCRAM-SHA-512, ACLs):
# the job and the gateway run as principal streamrec with the ACLs io.streamrec.tools.access.JobAccess
# grants, their credentials from a properties file whose password is a FileConfigProvider reference;
# an unprivileged principal (intruder) tries to read model-updates and to write results, and both
# must be denied, as must an anonymous client describing the cluster through the controller port
# (that listener takes SASL PLAIN, its one user the broker: controller=denied); Flink's REST API (job and JobManager configuration) must show no password.
# The gateway speaks HTTPS (gateway.tls.*, a test certificate from deploy/gateway-tls.sh): every
# request above, the load and the slow connections go over TLS, trusting that certificate; plain
# HTTP to its port and a client that does not trust the certificate must get no answer.
# After the load it forgets a user whose events it sent (u199, trained: model-updates holds its
# row) with POST /admin/forget/u199 (admin token; 202), polls io.streamrec.tools.privacy.ForgetAudit
# --topic-only until u:u199's latest committed record on model-updates is a tombstone, takes a
# savepoint through the MiniCluster's REST API (deploy/flink-job.sh savepoint; the job keeps
# running) and runs ForgetAudit on it (u199 in no state, u198 kept everywhere); the gateway's audit
# log (gateway.audit-log) must hold the action as accepted under the token's hash, never the token.
# Prints ONE summary line:
#   security-smoke PASS|FAIL health_p99_ms=.. health_p99_ms_unloaded=.. health_p99_ms_unloaded_after=.. get_p99_ms_loaded=.. get_p99_ms_unloaded=.. get_p99_ms_unloaded_after=.. slow_connections=.. auth=401/401/403/403/200 tls=on kafka=SASL_SSL intruder=denied/denied controller=denied rest_secrets=0 forget=verified
# (slow_connections: the lowest median, over a loaded run, of the connections the attacker held each
# second; "exited" if its client ended before the loaded runs did.)
# PASS iff the slow connections lasted: a median of at least 98% of them held over every loaded run,
# their client still running (else the "loaded" runs were not, and meet any bound); and
# the loaded health p99 <= 2x the unloaded health p99, floored at 100 ms (it was an
# absolute 100 ms until 2026-12-03, which a slow host failed with 76 ms unloaded; slow connections
# that starve the gateway show as seconds, its read timeout being 10 s), and
# the loaded GET p99 <= 2x the unloaded GET p99 (floored at 20 ms so that a very fast unloaded run's
# noise does not fail it). A miss of either bound is measured once more beside the slow connections.
# If that misses too, the slow connections are closed, the gateway is given its read timeout to drop
# them, and unloaded is measured again (the *_unloaded_after figures; "-" when not measured): each
# bound's base is then the slower of its two unloaded p99s. A host that keeps stalling for seconds
# slows that run too and passes; slow connections that starve the gateway slow only the loaded runs
# and still fail. A missed bound also prints each run's three slowest seconds (when, how many requests,
# max and p50; every request in target/security-smoke/requests-*.txt, the slow connections held each
# second in slow.log), to tell one stalled second from a tail spread over the run. Every
# measured request got 200, every auth check got its expected code, the TLS checks held (tls=on;
# else tls= shows the codes: https trusted/plain http/https untrusted, expected 200/000/000), both
# intruder operations were denied, no secret appeared in the REST API and the forget was verified
# (else forget=FAILED:<step>, the details on stderr and in the work directory).
# Exits non-zero on FAIL; stops everything it started. About 3 minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
ensure_tools
ensure_commands kcat jq curl python3

WORK="$PWD/target/security-smoke"
stop_leftovers "$WORK"; rm -rf "$WORK"; mkdir -p "$WORK"
export KAFKA_PORT="${SMOKE_KAFKA_PORT:-29192}" KAFKA_DIR="$WORK/kafka" KAFKA_SASL_SSL=1
B="127.0.0.1:$KAFKA_PORT"
SECRETS="$KAFKA_DIR/secrets"
GW_PORT="${SMOKE_GATEWAY_PORT:-28180}"
GW="https://127.0.0.1:$GW_PORT"
GW_TLS="$WORK/gateway-tls"
REST_PORT="${SMOKE_REST_PORT:-28181}"
PREFIX="security-smoke-$$"
AUDIT_LOG="$WORK/gateway-audit.log"
# both among the users whose events the smoke posts (u0..u199)
FORGET_USER=u199 KEPT_USER=u198
SLOW=1000 RATE=200 SECONDS_EACH=20 WARMUP_SECONDS=15 USERS=200 FLOOR_MS=20 HEALTH_FLOOR_MS=100
GATEWAY_READ_TIMEOUT_S=10 # the gateway's default, set here because the smoke waits on it
job_pid=""; gw_pid=""; slow_pid=""
cleanup() {
  [ -z "$slow_pid" ] || kill "$slow_pid" 2>/dev/null || true
  [ -z "$gw_pid" ] || stop_pid "$gw_pid" gateway >/dev/null
  [ -z "$job_pid" ] || stop_pid "$job_pid" job >/dev/null
  deploy/kafka.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_classpath
export STREAMREC_SKIP_BUILD=1
deploy/kafka.sh start
# a Java client as PRINCIPAL (its properties file from deploy/kafka.sh): JobAccess, AccessProbe
as() { local who="$1"; shift; java -cp "$STREAMREC_CP" "$@" -Dkafka.bootstrap-servers="$B" \
  -Dkafka.properties-file="$SECRETS/$who.properties" -Dkafka.transactional-id-prefix="$PREFIX" 2>>"$WORK/clients.log" | tail -1; }
deploy/kafka.sh topics -Dkafka.properties-file="$SECRETS/admin.properties" >/dev/null
as admin io.streamrec.tools.access.JobAccess --principal User:streamrec
STREAMREC_CHECKPOINTS="$WORK/checkpoints" deploy/job.sh -Dkafka.bootstrap-servers="$B" \
  -Dkafka.properties-file="$SECRETS/streamrec.properties" -Drest.port="$REST_PORT" \
  -Dkafka.transactional-id-prefix="$PREFIX" -Ditems.path=data/movietweetings-100k/movies.dat \
  -Dexecution.checkpointing.savepoint-dir="file://$WORK/savepoints" > "$WORK/job.log" 2>&1 &
job_pid=$!
echo "$job_pid" > "$WORK/job.pid" # for stop_leftovers after a hard kill
# tokens: an admin for the measured traffic, a producer, and one user's app (u1 only)
TOKENS="$WORK/gateway-tokens"
ADMIN_TOKEN=$(deploy/gateway-token.sh "$TOKENS" admin)
WRITER_TOKEN=$(deploy/gateway-token.sh "$TOKENS" events:write)
U1_TOKEN=$(deploy/gateway-token.sh "$TOKENS" recommendations:read u1)
export GATEWAY_TOKEN="$ADMIN_TOKEN"
# HTTPS with a self-signed certificate; clients trust it by its PEM (curl --cacert, GATEWAY_CA)
deploy/gateway-tls.sh "$GW_TLS" >/dev/null
CA=(--cacert "$GW_TLS/ca.pem")
export GATEWAY_CA="$GW_TLS/ca.pem"
deploy/gateway.sh -Dkafka.bootstrap-servers="$B" -Dgateway.port="$GW_PORT" \
  -Dgateway.read-timeout="${GATEWAY_READ_TIMEOUT_S}s" \
  -Dkafka.properties-file="$SECRETS/streamrec.properties" \
  -Dgateway.tls.keystore="$GW_TLS/gateway.p12" \
  -Dgateway.tls.keystore-password-file="$GW_TLS/gateway.password" \
  -Dgateway.tokens-file="$TOKENS" -Dgateway.audit-log="$AUDIT_LOG" > "$WORK/gateway.log" 2>&1 &
gw_pid=$!
echo "$gw_pid" > "$WORK/gateway.pid"

job_alive() { kill -0 "$job_pid" 2>/dev/null || { echo "job exited; see $WORK/job.log" >&2; exit 1; }; }
committed_reports() { job_alive; [ "$(as admin io.streamrec.tools.access.AccessProbe --count eval-reports)" -gt 0 ] 2>/dev/null; }
gateway_healthy() { curl -sf "${CA[@]}" "$GW/health" >/dev/null; }
echo "Waiting for the job's first committed checkpoint ..."
wait_until 180 "the job's first committed checkpoint (see $WORK/job.log)" committed_reports
wait_until 60 "the gateway (see $WORK/gateway.log)" gateway_healthy

# some history for the users asked about, through the gateway
NOW_MS=$(($(date +%s) * 1000))
awk -F'::' 'NR <= 1000 {print $2}' data/movietweetings-100k/ratings.dat \
  | awk -v now="$NOW_MS" -v users="$USERS" 'BEGIN {printf "["} {printf "%s{\"eventId\":\"sec-%d\",\"userId\":\"u%d\",\"itemId\":\"%s\",\"type\":\"click\",\"timestamp\":%.0f}", (NR > 1 ? "," : ""), NR, NR % users, $1, now - 1000} END {print "]"}' \
  > "$WORK/events.json"
posted=$(curl -s "${CA[@]}" -o /dev/null -w '%{http_code}' -X POST "$GW/events" \
  -H "Authorization: Bearer $WRITER_TOKEN" --data-binary @"$WORK/events.json")
[ "$posted" = 202 ] || { echo "POST /events answered $posted; see $WORK/gateway.log" >&2; exit 1; }

# TLS: the trusted certificate answers; plain HTTP and an untrusted client get no HTTP answer (000)
any_code() { curl -s -o /dev/null -w '%{http_code}' -m 15 "$@" || true; }
TLS_CODES="$(any_code "${CA[@]}" "$GW/health")/$(any_code "http://127.0.0.1:$GW_PORT/health")"
TLS_CODES="$TLS_CODES/$(any_code "$GW/health")"
TLS=$([ "$TLS_CODES" = 200/000/000 ] && echo on || echo "$TLS_CODES")
echo "tls: https trusted/plain http/https untrusted: $TLS_CODES (expected 200/000/000)"

# who may do what: expected codes, in order
code() { curl -s "${CA[@]}" -o /dev/null -w '%{http_code}' -m 15 "$@"; }
AUTH="$(code -X POST "$GW/events" --data-binary @"$WORK/events.json")"            # no token: 401
AUTH="$AUTH/$(code "$GW/recommendations/u1")"                                      # no token: 401
AUTH="$AUTH/$(code -H "Authorization: Bearer $U1_TOKEN" "$GW/recommendations/u2")" # another user: 403
AUTH="$AUTH/$(code -H "Authorization: Bearer $U1_TOKEN" -X POST "$GW/events" \
  --data-binary @"$WORK/events.json")"                                            # no write scope: 403
AUTH="$AUTH/$(code -H "Authorization: Bearer $U1_TOKEN" "$GW/recommendations/u1")" # own: 200
echo "auth: $AUTH (expected 401/401/403/403/200)"

# Kafka: the job runs as streamrec (it committed reports); the intruder may neither read the model
# nor forge results
# a read the broker did not answer prints unknown (exit 3): the summary then says FAIL with it
INTRUDER="$(as intruder io.streamrec.tools.access.AccessProbe --read model-updates || true)"
INTRUDER="$INTRUDER/$(as intruder io.streamrec.tools.access.AccessProbe --write results)"
echo "intruder: read model-updates, write results: $INTRUDER (expected denied/denied)"
CONTROLLER_PORT=$((KAFKA_PORT + 1))
if (exec 3<> "/dev/tcp/127.0.0.1/$CONTROLLER_PORT") 2>/dev/null; then
  CONTROLLER="$(as intruder io.streamrec.tools.access.AccessProbe --controller "127.0.0.1:$CONTROLLER_PORT")"
  # "denied" is the client's timeout: the broker's log must say it refused the request unauthenticated
  if [ "$CONTROLLER" = denied ] && ! grep -q "DESCRIBE_CLUSTER during SASL handshake" "$KAFKA_DIR/logs/server.log"; then
    CONTROLLER="no-answer"
  fi
else
  CONTROLLER="port-closed" # a closed port would also refuse: the probe means nothing then
fi
echo "anonymous client at the controller port: $CONTROLLER (expected denied)"
# no password (SCRAM, keystore) in what Flink's REST API shows of the job and the JobManager
REST="http://127.0.0.1:$REST_PORT"
JOB_ID=$(curl -sf "$REST/jobs" | jq -r '.jobs[0].id')
curl -sf "$REST/jobs/$JOB_ID/config" > "$WORK/rest-job-config.json"
curl -sf "$REST/jobmanager/config" > "$WORK/rest-jobmanager-config.json"
grep -q "kafka.properties-file" "$WORK/rest-jobmanager-config.json" "$WORK/rest-job-config.json" \
  || { echo "the REST API shows no job configuration; see $WORK/rest-*.json" >&2; exit 1; }
REST_SECRETS=0
for secret in "$SECRETS"/*.password; do
  if grep -qFf "$secret" "$WORK/rest-job-config.json" "$WORK/rest-jobmanager-config.json"; then
    REST_SECRETS=$((REST_SECRETS + 1))
  fi
done
echo "secrets in the REST API's job and JobManager configuration: $REST_SECRETS (expected 0)"

echo "Warming up, then $RATE requests/s for $SECONDS_EACH s unloaded ..."
# the job's first answers are slow (serving warms up): not part of the unloaded baseline
python3 deploy/security-load.py measure 127.0.0.1 "$GW_PORT" "$RATE" "$WARMUP_SECONDS" "$USERS" >&2
read -r HEALTH_UNLOADED GET_UNLOADED N_UNLOADED ERR_UNLOADED GET_P50_UNLOADED \
  < <(SECURITY_LOAD_TRACE="$WORK/requests-unloaded.txt" \
    python3 deploy/security-load.py measure 127.0.0.1 "$GW_PORT" "$RATE" "$SECONDS_EACH" "$USERS")

echo "Opening $SLOW slow connections ..."
# held long enough for a second loaded run (below); stopped once the measuring is done
# opened over 70% of the read timeout, so that the gateway's 408s and the reconnects are spread
# out rather than a burst every read timeout (security-load.py's slow() says why that matters)
# (held through the first reconnect wave, below, and two loaded runs, with 30 s to spare)
python3 deploy/security-load.py slow 127.0.0.1 "$GW_PORT" "$SLOW" \
  $((2 * SECONDS_EACH + 30 + 3 * GATEWAY_READ_TIMEOUT_S + 10)) \
  $((GATEWAY_READ_TIMEOUT_S * 7 / 10)) > "$WORK/slow.out" 2> "$WORK/slow.log" &
slow_pid=$!
# all but 2% at once: the first ones are reopened at their read timeout while the last open
held_all() {
  awk -v want=$((SLOW * 98 / 100)) '/held:/ && $NF >= want { found = 1 } END { exit !found }' \
    "$WORK/slow.log"
}
wait_until 30 "$SLOW slow connections open (see $WORK/slow.log)" held_all
# and closed by the gateway and reopened once each: the first wave of 408s, handshake timeouts and
# new handshakes (and the JIT compiling those paths) is the attack's onset, which stalled the shared
# cores for a second or two at the start of the first loaded run; what is measured is the gateway
# beside slow connections that keep coming back
first_wave_done() {
  awk -v want="$SLOW" '/reopened:/ && $5 >= want { found = 1 } END { exit !found }' "$WORK/slow.log"
}
wait_until $((3 * GATEWAY_READ_TIMEOUT_S + 10)) "the slow connections reopened once each" first_wave_done
measure_loaded() {
  echo "$RATE requests/s for $SECONDS_EACH s beside them ..."
  LOADED_TRACE="$WORK/requests-loaded-$((${#LOADED_TRACES[@]} + 1)).txt"
  LOADED_TRACES+=("$LOADED_TRACE")
  local from
  from=$(date +%s)
  read -r HEALTH_LOADED GET_LOADED N_LOADED ERR_LOADED GET_P50_LOADED \
    < <(SECURITY_LOAD_TRACE="$LOADED_TRACE" \
      python3 deploy/security-load.py measure 127.0.0.1 "$GW_PORT" "$RATE" "$SECONDS_EACH" "$USERS")
  ERR_LOADED_RUNS=$((ERR_LOADED_RUNS + ERR_LOADED))
  # The attack must last the whole run: a run beside an attacker that crashed, or whose
  # connections are no longer held, is an unloaded run and meets the bound. The median of the
  # attacker's per-second "held:" counts over the run (0 if it logged none): a reconnect wave dips
  # one second's count by up to 5% (951 of 1000 seen), so the last count alone would fail a sound run
  HELD_RUN=$(awk -v from="$from" -v to="$(date +%s)" '/held:/ && $1 >= from && $1 <= to + 1 { print $NF }' \
    "$WORK/slow.log" | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }')
  [ "$HELD_RUN" -ge "$HELD_MIN" ] || HELD_MIN=$HELD_RUN
  slow_alive || SLOW_EXITED=1
}
# the lowest median of slow connections held over a loaded run, and whether their client exited early
HELD_MIN=$SLOW SLOW_EXITED=0
slow_alive() { kill -0 "$slow_pid" 2>/dev/null; }
# each measured run's requests (security-load.py's trace), for the slowest seconds shown on a miss
LOADED_TRACES=()
show_slowest_seconds() {
  local trace
  for trace in "$WORK/requests-unloaded.txt" "${LOADED_TRACES[@]}" "$@"; do
    echo "slowest seconds of $(basename "$trace" .txt) (slow connections held each second: $WORK/slow.log):" >&2
    python3 deploy/security-load.py slowest "$trace" 3 >&2
  done
}
# the unloaded run after the slow connections closed, measured only when the loaded runs miss
HEALTH_UNLOADED_AFTER=0 GET_UNLOADED_AFTER=0 ERR_UNLOADED_AFTER=0
HEALTH_AFTER_SHOWN=- GET_AFTER_SHOWN=- # as the summary line shows them
# non-200 answers over every loaded run, not only the last
ERR_LOADED_RUNS=0
# true when each loaded p99, GET and health, is within twice its unloaded one (or its floor); the
# unloaded one is the slower of the runs before and after the slow connections
loaded_within_bound() {
  awk -v l="$GET_LOADED" -v u="$GET_UNLOADED" -v ua="$GET_UNLOADED_AFTER" -v f="$FLOOR_MS" \
    -v hl="$HEALTH_LOADED" -v hu="$HEALTH_UNLOADED" -v hua="$HEALTH_UNLOADED_AFTER" \
    -v hf="$HEALTH_FLOOR_MS" \
    'BEGIN { if (ua > u) u = ua; if (hua > hu) hu = hua
             base = (u < f ? f : u); hbase = (hu < hf ? hf : hu)
             exit !(l <= 2 * base && hl <= 2 * hbase) }'
}
measure_loaded
LOADED_RUNS=1
# A tail that the slow connections cause is there in every run; one noisy second on a shared host
# (CI once measured 92 ms against 34 ms unloaded, its median unmoved) is not. So a miss is measured
# once more, still beside the slow connections, and the second run decides; both are printed.
if ! loaded_within_bound; then
  echo "loaded GET p99 $GET_LOADED ms (unloaded $GET_UNLOADED ms, loaded p50 $GET_P50_LOADED ms) or health p99 $HEALTH_LOADED ms (unloaded $HEALTH_UNLOADED ms) over its bound; measuring once more" >&2
  GET_LOADED_FIRST=$GET_LOADED
  measure_loaded
  LOADED_RUNS="2 (first p99 ${GET_LOADED_FIRST} ms)"
fi
# nothing left to kill (a crash, or its time ran out) means the last run was not loaded throughout
kill "$slow_pid" 2>/dev/null || SLOW_EXITED=1
wait "$slow_pid" 2>/dev/null || true
slow_pid=""
# A host that stalls for seconds (seen on CI's VMs) slows the unloaded runs as much as the loaded
# ones, but it may start after the first unloaded run. Slow connections that starve the gateway
# slow only the loaded runs. So a miss is judged once more against an unloaded run measured after
# they close. The gateway drops a closed client's connection at its read timeout at the latest
# (gateway.read-timeout, GATEWAY_READ_TIMEOUT_S), so the run waits that long first: starvation
# that outlived the slow clients would otherwise raise the base.
if ! loaded_within_bound; then
  echo "loaded p99s still over their bound; measuring $SECONDS_EACH s unloaded again, after the gateway's read timeout" >&2
  sleep $((GATEWAY_READ_TIMEOUT_S + 2))
  read -r HEALTH_UNLOADED_AFTER GET_UNLOADED_AFTER _ ERR_UNLOADED_AFTER _ \
    < <(SECURITY_LOAD_TRACE="$WORK/requests-unloaded-after.txt" \
      python3 deploy/security-load.py measure 127.0.0.1 "$GW_PORT" "$RATE" "$SECONDS_EACH" "$USERS")
  HEALTH_AFTER_SHOWN=$HEALTH_UNLOADED_AFTER GET_AFTER_SHOWN=$GET_UNLOADED_AFTER
  LOADED_RUNS="$LOADED_RUNS, unloaded again after them: GET p99 $GET_UNLOADED_AFTER ms, health p99 $HEALTH_UNLOADED_AFTER ms, $ERR_UNLOADED_AFTER not 200"
fi

# ---- forget: through the gateway, then verified on the topic and in a savepoint ----
# ForgetAudit as the job's principal (it reads model-updates); prints its JSON line, exits as it does
forget_audit() {
  streamrec_command 1g io.streamrec.tools.privacy.ForgetAudit "$@" -Dkafka.bootstrap-servers="$B" \
    -Dkafka.properties-file="$SECRETS/streamrec.properties"
  "${STREAMREC_CMD[@]}" 2>>"$WORK/forget-audit.log" | grep '^{' | tail -1
}
tombstoned() { job_alive; forget_audit --topic-only --user "$FORGET_USER" > "$WORK/forget-topic.json"; }
# the audit log's line for the accepted request, under the token's hash (never the token itself)
audited() {
  local who="token:$(printf '%s' "$ADMIN_TOKEN" | sha256sum | cut -c1-12)"
  ! grep -qF "$ADMIN_TOKEN" "$AUDIT_LOG" && jq -e -s --arg who "$who" --arg user "$FORGET_USER" \
    --arg id "$1" 'any(.[]; .action == "forget" and .result == "accepted" and .who == $who
      and .user == $user and .requestId == $id)' "$AUDIT_LOG" >/dev/null
}
# sets FORGET to verified or FAILED:<step>
verify_forget() {
  local before posted request savepoint
  # exits 1 while the row is there: what is asked here
  before=$(forget_audit --topic-only --user "$FORGET_USER" | jq -r .model_updates_last || true)
  [ "$before" = row ] || { FORGET="FAILED:untrained_$before"; return; }
  posted=$(curl -s "${CA[@]}" -o "$WORK/forget.json" -w '%{http_code}' -m 15 -X POST \
    -H "Authorization: Bearer $ADMIN_TOKEN" "$GW/admin/forget/$FORGET_USER" || true)
  [ "$posted" = 202 ] || { FORGET="FAILED:post_$posted"; return; }
  request=$(jq -r .requestId "$WORK/forget.json" || true)
  audited "$request" || { FORGET="FAILED:audit_log"; return; }
  wait_until 120 "the tombstone of u:$FORGET_USER on model-updates (see $WORK/forget-topic.json)" \
    tombstoned || { FORGET="FAILED:no_tombstone"; return; }
  mkdir -p "$WORK/flink/run"; echo "$JOB_ID" > "$WORK/flink/run/job.id"
  savepoint=$(FLINK_DIR="$WORK/flink" FLINK_REST="$REST" deploy/flink-job.sh savepoint) \
    || { FORGET="FAILED:savepoint"; return; }
  echo "forget: $FORGET_USER tombstoned, savepoint $savepoint" >&2
  forget_audit --savepoint "$savepoint" --user "$FORGET_USER" --kept "$KEPT_USER" > "$WORK/forget-audit.json" \
    || { FORGET="FAILED:savepoint_audit"; cat "$WORK/forget-audit.json" >&2; return; }
  FORGET=verified
}
echo "Forgetting $FORGET_USER through the gateway (kept: $KEPT_USER) ..."
FORGET_MS=$(now_ms)
verify_forget
echo "forget: $FORGET in $(( ($(now_ms) - FORGET_MS) / 1000 )) s ($(cat "$WORK/forget-audit.json" 2>/dev/null || true))" >&2

LOADED_BOUND=$(loaded_within_bound && echo met || echo missed)
if [ "$LOADED_BOUND" = missed ]; then
  # one stalled second and a tail spread over the run read alike as a p99; these tell them apart
  if [ -f "$WORK/requests-unloaded-after.txt" ]; then
    show_slowest_seconds "$WORK/requests-unloaded-after.txt"
  else
    show_slowest_seconds
  fi
fi
# every loaded run beside at least 98% of the slow connections (as held_all asks of their opening)
SLOW_HELD=$HELD_MIN
[ "$SLOW_EXITED" = 0 ] || { SLOW_HELD=exited; echo "the slow-connection client exited before the loaded runs ended (lowest median held over a loaded run $HELD_MIN); see $WORK/slow.log" >&2; }
status=$(awk -v bound="$LOADED_BOUND" -v held="$SLOW_HELD" -v want=$((SLOW * 98 / 100)) \
  -v e="$ERR_LOADED_RUNS" -v eu="$ERR_UNLOADED" -v eua="$ERR_UNLOADED_AFTER" -v auth="$AUTH" -v tls="$TLS" -v intruder="$INTRUDER" -v controller="$CONTROLLER" -v rs="$REST_SECRETS" -v forget="$FORGET" \
  'BEGIN { print (bound == "met" && held != "exited" && held >= want && e == 0 && eu == 0 && eua == 0 && auth == "401/401/403/403/200" && tls == "on" && intruder == "denied/denied" && controller == "denied" && rs == 0 && forget == "verified") ? "PASS" : "FAIL" }')
echo "requests: unloaded $N_UNLOADED ($ERR_UNLOADED not 200, GET p50 $GET_P50_UNLOADED ms, health p99 $HEALTH_UNLOADED ms), loaded $N_LOADED ($ERR_LOADED_RUNS not 200 over its runs, GET p50 $GET_P50_LOADED ms, runs: $LOADED_RUNS); slow connections held (median over each loaded run): at least $HELD_MIN of $SLOW" >&2
echo "security-smoke $status health_p99_ms=$HEALTH_LOADED health_p99_ms_unloaded=$HEALTH_UNLOADED health_p99_ms_unloaded_after=$HEALTH_AFTER_SHOWN get_p99_ms_loaded=$GET_LOADED get_p99_ms_unloaded=$GET_UNLOADED get_p99_ms_unloaded_after=$GET_AFTER_SHOWN slow_connections=$SLOW_HELD auth=$AUTH tls=$TLS kafka=SASL_SSL intruder=$INTRUDER controller=$CONTROLLER rest_secrets=$REST_SECRETS forget=$FORGET"
[ "$status" = PASS ]
