#!/usr/bin/env bash
# Copies a savepoint without the Kafka sinks' pending transactions, for a restore against a broker
# that does not know them: another Kafka cluster, or the same one after
# transactional.id.expiration.ms (7 days by default) without the job running. There, restoring the
# original fails at every restart with InvalidPidMappingException (FLINK-39072). Make the copy only
# after that failure: on a broker that still holds a transaction of the savepoint open, the copy
# would leave it uncommitted. Every other operator's state is copied unchanged; the copy may refer
# to the original's files, so keep the original (docs/kafka-transactions.md, "Exactly-once and the
# "already fenced" ERROR").
#   deploy/savepoint-without-transactions.sh FROM TO   # local paths (relative to where you are)
#                                                      # or file: URIs; TO must not exist
#   deploy/flink-job.sh resume -s <the URI it prints> -Dkafka.bootstrap-servers=...
set -euo pipefail
CALLER_DIR="$PWD"
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
[ $# -eq 2 ] || { echo "usage: $0 FROM TO (--help for more)" >&2; exit 2; }
# Flink prints savepoint locations as file:/path; a plain path is taken from the caller's directory
uri() {
  case "$1" in
    [a-z]*:/*) echo "$1" ;;
    /*) echo "file://$1" ;;
    *) echo "file://$CALLER_DIR/$1" ;;
  esac
}
ensure_tools
build_classpath
run_streamrec_main 1g io.streamrec.tools.savepoint.WithoutPendingTransactions --from "$(uri "$1")" --to "$(uri "$2")"
