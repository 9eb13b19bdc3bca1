#!/usr/bin/env bash
# Copies a savepoint (or retained checkpoint) without the Kafka sinks' pending transactions, for a
# restore against a broker that does not know them: another Kafka cluster, or the same one after
# transactional.id.expiration.ms (7 days by default) without the job running. Such a restore of
# the original fails at every restart with InvalidPidMappingException (FLINK-39072). Every other
# operator's state is copied unchanged (README, "Exactly-once and the "already fenced" ERROR").
# On the broker that ran the job, within the expiration, resume from the original instead.
#   deploy/savepoint-without-transactions.sh FROM TO    # paths or URIs (file://, s3://...)
#   deploy/flink-job.sh resume -s TO -Dkafka.bootstrap-servers=...
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
[ $# -eq 2 ] || { echo "usage: $0 FROM TO" >&2; exit 2; }
uri() { case "$1" in *://*) echo "$1" ;; /*) echo "file://$1" ;; *) echo "file://$PWD/$1" ;; esac; }
FROM=$(uri "$1")
TO=$(uri "$2")
[[ "$TO" != file://* ]] || [ ! -e "${TO#file://}" ] || { echo "$2 exists; the copy needs a new path" >&2; exit 1; }
ensure_tools
build_classpath
run_streamrec_main 1g io.streamrec.tools.savepoint.WithoutPendingTransactions --from "$FROM" --to "$TO"
