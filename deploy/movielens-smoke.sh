#!/usr/bin/env bash
# The README's MovieLens commands, run as written, on MovieLens-format files made from the bundled
# MovieTweetings data (MovieLensExport: a shuffled tab-separated u.data with a Latin-1 u.item, a
# header-and-quotes ratings.csv / movies.csv). The public sets' licence keeps them out of this
# repository, so this is how a parsing, charset or ordering fault on their path shows here first.
# Checks each run read every event and every item (nothing skipped), dead-lettered nothing, and
# ranked above all-time popularity (quickstart) or trending (replay); exits non-zero otherwise.
#   deploy/movielens-smoke.sh            # the first 20,000 events
#   deploy/movielens-smoke.sh 100000     # all of them
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
ensure_tools
ensure_commands jq
build_classpath

LIMIT="${1:-20000}"
WORK="$PWD/target/movielens-smoke"
rm -rf "$WORK"; mkdir -p "$WORK"
ITEMS=$(grep -c . data/movietweetings-100k/movies.dat)

streamrec_command 2g io.streamrec.tools.datasets.MovieLensExport \
  data/movietweetings-100k/ratings.dat data/movietweetings-100k/movies.dat "$WORK" --limit "$LIMIT"
"${STREAMREC_CMD[@]}"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# quickstart RATINGS ITEMS FORMAT: the README's command, then its summary checked
quickstart() {
  local name=$1 ratings=$2 items=$3 format=$4 log="$WORK/$1.log"
  echo "== deploy/quickstart.sh --ratings $ratings --ratings-format $format --items $items --items-format $format"
  # the previous run's summary must not pass for this one's if this run writes none
  rm -f target/quickstart/summary.json
  STREAMREC_SKIP_BUILD=1 deploy/quickstart.sh --ratings "$ratings" --ratings-format "$format" \
    --items "$items" --items-format "$format" > "$log" 2>&1 || fail "$name: quickstart exited $?"
  cp target/quickstart/summary.json "$WORK/$name.summary.json" 2>/dev/null || fail "$name: no summary"
  local read_line items_line
  read_line=$(grep -m1 '^Read ' "$log" || true)
  items_line=$(grep -m1 ' items in the catalog$' "$log" || true)
  echo "   $read_line; $items_line"
  [[ "${read_line//,/}" == "Read $LIMIT events from "*" skipped none" ]] \
    && [ "${items_line//,/}" = "$ITEMS items in the catalog" ] \
    || fail "$name: expected $LIMIT events and $ITEMS items read, nothing skipped"
  local s="$WORK/$name.summary.json"
  [ -f "$s" ] || return 0
  jq -r '"   events \(.events), dead letters \(.dead_letters), HR@10 model \(.hr_at_10), popularity \(.baseline_popularity_hr_at_10), trending \(.baseline_trending_hr_at_10)"' "$s"
  jq -e --argjson n "$LIMIT" '.events == $n and .dead_letters == 0' "$s" >/dev/null \
    || fail "$name: not every event evaluated, or some dead-lettered"
  jq -e '.hr_at_10 > .baseline_popularity_hr_at_10' "$s" >/dev/null \
    || fail "$name: the model ranks below all-time popularity"
}

quickstart ml-100k "$WORK/ml-100k/u.data" "$WORK/ml-100k/u.item" movielens-100k
quickstart ml-latest-small "$WORK/ml-latest-small/ratings.csv" "$WORK/ml-latest-small/movies.csv" movielens-csv

echo "== deploy/ranker-replay.sh $WORK/ml-100k/u.data $WORK/ml-100k/u.item movielens-100k"
STREAMREC_SKIP_BUILD=1 deploy/ranker-replay.sh "$WORK/ml-100k/u.data" "$WORK/ml-100k/u.item" movielens-100k \
  > "$WORK/replay.log" 2>&1 || fail "replay exited $?"
ranker=$(awk '/^all events/{a=1} a && $1=="ranker"{print $2; exit}' "$WORK/replay.log")
trending=$(awk '/^all events/{a=1} a && $1=="trending"{print $2; exit}' "$WORK/replay.log")
echo "   $(grep -m1 '^all events' "$WORK/replay.log" || echo 'no summary'): ranker ${ranker:-?}, trending ${trending:-?}"
awk -v r="${ranker:-0}" -v t="${trending:-1}" 'BEGIN{exit !(r > t)}' \
  || fail "replay: the ranker (${ranker:-none}) not above trending (${trending:-none})"

if [ "$failures" -gt 0 ]; then
  echo "movielens-smoke: $failures check(s) failed (logs in $WORK)" >&2
  exit 1
fi
echo "movielens-smoke: PASS ($LIMIT events, $ITEMS items, both MovieLens layouts, quickstart and replay)"
