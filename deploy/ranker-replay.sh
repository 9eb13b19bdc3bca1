#!/usr/bin/env bash
# The learned ranker alone, without Flink or Kafka: replays a ratings file in time order, each event
# ranked before it is learned, the scorer trained per micro-batch as in serving. Prints HR@10 and
# NDCG@10 of the ranker, trending and trending + co-occurrence, and candidate recall, for all
# events, users with no history and items first seen in the last 7 days. Minutes, not seconds.
#   deploy/ranker-replay.sh                                   # the bundled MovieTweetings data
#   deploy/ranker-replay.sh ml-100k/u.data ml-100k/u.item movielens-100k
#   deploy/ranker-replay.sh RATINGS ITEMS FORMAT --without CONTENT,NEIGHBOURS   # an ablation
#   deploy/ranker-replay.sh --min-user-events 20   # only users with long histories, as MovieLens'
#   deploy/ranker-replay.sh --time-scale 30         # every gap between events 30 times as long
#   deploy/ranker-replay.sh --pipeline-order 2      # events in the order serving sees 2 workers' batches
#   deploy/ranker-replay.sh --serving-subtasks 2    # a scorer per serving subtask, each on its own users
#   deploy/ranker-replay.sh --scoring-inline        # scores and training on the replay's one thread
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
help_if_asked "$@"
ensure_tools
build_classpath
if [ $# -eq 0 ] || [[ "$1" == --* ]]; then
  set -- data/movietweetings-100k/ratings.dat data/movietweetings-100k/movies.dat movietweetings "$@"
fi
run_streamrec_main 4g io.streamrec.tools.offline.RankerReplay "$@"
