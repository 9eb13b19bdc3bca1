#!/usr/bin/env bash
# The benchmark suite (io.streamrec.tools.bench.BenchMain): training throughput at parallelism 1
# and 2 beside the in-process loop, freshness at half of peak, serving latency over 10k/100k/1M
# items (--serving-sizes, for both: the factorization model's exact and HNSW scoring, and the
# learned ranker's requests over the bundled events and synthetic ones, about 2 minutes), quality
# against baselines on MovieTweetings, parameter rows per TaskManager with RocksDB, serving heap per
# subtask at parallelism 1 and 2.
# Writes target/bench/results.json, PNG plots and target/bench/report.html, and appends a dated
# section to BENCHMARKS.md. About 40 minutes on 2 cores with the defaults (the heap section about 8); options:
#
#   deploy/bench.sh --repeats 3 --events 100000 --serving-sizes 10000,100000,1000000 \
#                   --scale-rows 1000000,10000000 --heap-load 1000000,100000,3 \
#                   --ranker-load 100000,5 \
#                   --only serving,ranker-serving,loop,pipeline,freshness,quality,scale,heap
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh
ensure_tools
build_classpath
mkdir -p target/bench
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain 2>/dev/null)" ] || commit="$commit (with local changes)"
# A fixed, pre-touched heap, as latency-sensitive JVMs are run (Flink's TaskManagers fix -Xms to
# -Xmx too): the heap's first touches are paid before the first run instead of inside the
# freshness run, where on a VM whose host reclaims freed guest memory they stalled serving for
# seconds (BENCHMARKS, "The freshness episode is the heap's first touches on a VM that hands freed
# memory back, 2026-12-02"). Pre-touching 12 GB takes a few seconds at start and makes all of it
# resident, so only where the machine has 20 GiB or more;
# STREAMREC_BENCH_PRETOUCH=1 or 0 decides instead.
mem_kib=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo 2>/dev/null || true)
pretouch=${STREAMREC_BENCH_PRETOUCH:-$([ "${mem_kib:-0}" -ge $((20 * 1024 * 1024)) ] && echo 1 || echo 0)}
if [ "$pretouch" = "1" ]; then
  STREAMREC_JAVA_OPTS+=(-Xms12g -XX:+AlwaysPreTouch)
else
  echo "Heap not pre-touched (STREAMREC_BENCH_PRETOUCH=1 to force): freshness may include the" \
    "kernel's first touches of the heap's pages (BENCHMARKS, \"The freshness episode is the" \
    "heap's first touches on a VM that hands freed memory back, 2026-12-02\")" >&2
fi
run_streamrec_main 12g io.streamrec.tools.bench.BenchMain \
  --commit "$commit" --command "deploy/bench.sh${*:+ $*}" "$@"
