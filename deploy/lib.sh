# The shell library every deploy script sources: tools, the build and its classpath, the JVM
# launcher, waiting, stopping by pid, reading committed records. Source it from the repository root:
#   cd "$(dirname "$0")/.." && source deploy/lib.sh

# ---- usage ----

# Prints the calling script's header comment (its usage) and exits 0 when an argument before any
# "--" is --help or -h. Scripts whose arguments go to a Java main with its own --help do not call
# it. The caller has changed to the repository root, so its path is deploy/ plus its name.
help_if_asked() {
  local arg
  for arg in "$@"; do
    [ "$arg" = -- ] && return 0
    if [ "$arg" = --help ] || [ "$arg" = -h ]; then
      awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' \
        "deploy/$(basename "${BASH_SOURCE[1]}")"
      exit 0
    fi
  done
}

# ---- tools ----

# Runs apt-get install for the given packages, with sudo when not root.
apt_install() {
  echo "Installing $* with apt-get ..."
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@"
}

# Installs Java 17 and Maven from Debian if they are missing.
ensure_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | sed -n 1p)
  if [ "${v:-0}" -lt 17 ]; then
    echo "streamrec needs Java 17 or newer (found: $(java -version 2>&1 | sed -n 1p))" >&2
    exit 1
  fi
}

# Installs command-line tools (jq, curl, kcat: package name = command name) if they are missing.
ensure_commands() {
  local missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# ---- build and classpath ----

# Maven, quiet: Debian's Maven 3.8 writes a colour reset (ESC[0m) per line even with -B -q and
# style.color=never, which a user saw as a row of "[0m" before the run's first line; they are
# stripped, everything else (errors included) passes through on stdout.
mvn_quiet() {
  mvn -B -q "$@" 2>&1 | sed -u 's/\x1b\[0m//g'
  return "${PIPESTATUS[0]}"
}

# Builds streamrec (tests skipped) and sets STREAMREC_CP to a module's classes plus every
# dependency an embedded run needs. MODULE under job/: tools (default: quickstart, benchmarks,
# audit, and the pipeline they drive) or gateway. STREAMREC_SKIP_BUILD=1 reuses an earlier build.
build_classpath() {
  local module="job/${1:-tools}"
  # a pom newer than the classpath (a dependency added since) makes it stale: build again
  if [ "${STREAMREC_SKIP_BUILD:-}" != "1" ] || [ ! -f "$module/target/cp-runtime.txt" ] \
    || [ "$module/pom.xml" -nt "$module/target/cp-runtime.txt" ] || [ pom.xml -nt "$module/target/cp-runtime.txt" ]; then
    echo "Building (mvn install, tests skipped; run the tests with: mvn -B verify) ..."
    mvn_quiet -DskipTests -Dspotless.check.skip=true install
    # both runnable modules' classpaths, so that a later call with STREAMREC_SKIP_BUILD=1 finds
    # the other current too
    local m
    for m in job/tools job/gateway; do
      (cd "$m" && mvn_quiet dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/cp-compile.txt \
        && mvn_quiet dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/cp-runtime.txt)
    done
  fi
  STREAMREC_CP=$(this_trees_modules "$module/target/classes:$(cat "$module/target/cp-compile.txt"):$(cat "$module/target/cp-runtime.txt")")
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}"
}

# The classpath files name the project's own modules by their jars in the local Maven repository,
# which the last `mvn install` of any checkout wrote: another clone's install would otherwise run
# its code here. Each is swapped for this working tree's classes.
this_trees_modules() {
  local cp="$1" pair
  for pair in job:job/pipeline state-schemas:state-schemas wire:job/wire \
    parameter-server:parameter-server gateway:job/gateway tools:job/tools; do
    cp=$(printf '%s' "$cp" | sed -E "s#[^:]*/io/streamrec/streamrec-${pair%%:*}/[^:]*\.jar#$PWD/${pair#*:}/target/classes#g")
  done
  printf '%s' "$cp"
}

# ---- JVMs ----

# Flink's --add-opens/--add-exports list for Java 17 and the Vector API module serving's scorer
# pass uses: one list, kept in pom.xml (jvm.add-opens).
jvm_add_opens() { sed -n 's:.*<jvm.add-opens>\(.*\)</jvm.add-opens>.*:\1:p' pom.xml; }

# Transparent huge pages for the heap where the kernel hands them out on request ("madvise", the
# common default; "always" gives them without asking, "never" not at all): the ranker's statistics
# are read at random, and 2 MB pages miss the TLB less. deploy/quickstart.sh ran 2.5-5% faster
# with them in four alternating pairs (BENCHMARKS, 2026-12-03).
huge_pages_flag() {
  if grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then
    echo -XX:+UseTransparentHugePages
  fi
}

# JVM flags every streamrec JVM needs.
# shellcheck disable=SC2207 # the list is space-separated flags without spaces inside
STREAMREC_JAVA_OPTS=(
  $(huge_pages_flag)
  -Djava.awt.headless=true
  -Dai.djl.offline=true
  -Dai.djl.pytorch.num_threads=1
  -Dai.djl.pytorch.num_interop_threads=1
  $(jvm_add_opens)
)

# A smaller C2 inlining budget (JDK 17's defaults: 35 / 325 / 2500 bytes) for bounded runs that
# end before the compiler settles: in deploy/quickstart.sh C2 took about a fifth of two cores'
# CPU during the 42-s replay, over 2,000 compilations. With these it ran faster in each of seven
# alternating rounds, by 5-22% (BENCHMARKS, "A refused stop-with-savepoint, a TaskManager that
# ended itself, and a smaller inlining budget for the quickstart, 2026-12-03"). Not for
# long-running JVMs: there compile time is paid once, and the benchmark's warm runs did not show a
# gain.
# The compiler directives keep the broker's, the Kafka clients', Jackson's, Pekko's and Scala's
# code at C1: compiler CPU 14% lower and the replay faster in five of six alternating pairs, by
# 5% on average (BENCHMARKS, "The top-k cut without mispredicted branches, and what bounds the
# quickstart, 2026-12-05").
SHORT_RUN_JIT_FLAGS=(-XX:MaxInlineSize=20 -XX:FreqInlineSize=150 -XX:InlineSmallCode=1000
  -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="$PWD/deploy/short-run-compiler-directives.json")

# Sets STREAMREC_CMD to the java command line of a streamrec main class (classpath from
# build_classpath).
#   streamrec_command HEAP MAIN-CLASS [ARGS...]
streamrec_command() {
  local heap=$1 main=$2
  shift 2
  STREAMREC_CMD=(java "-Xmx$heap" "${STREAMREC_JAVA_OPTS[@]}"
    -Djna.tmpdir="$PWD/target"
    -Dlog4j.configurationFile="$PWD/deploy/log4j2-quickstart.properties"
    -cp "$STREAMREC_CP" "$main" "$@")
}

# Replaces this shell with the main class's JVM (its pid becomes the script's, so stopping the
# script stops the JVM).
exec_streamrec_main() {
  streamrec_command "$@"
  exec "${STREAMREC_CMD[@]}"
}

# Runs a streamrec main class in the foreground; Ctrl-C or a kill of the calling script stops the
# JVM, whose shutdown hooks stop what it started.
#   run_streamrec_main HEAP MAIN-CLASS [ARGS...]
run_streamrec_main() {
  streamrec_command "$@"
  "${STREAMREC_CMD[@]}" &
  STREAMREC_MAIN_PID=$!
  trap 'kill -TERM $STREAMREC_MAIN_PID 2>/dev/null; wait $STREAMREC_MAIN_PID 2>/dev/null; exit 130' INT TERM
  wait $STREAMREC_MAIN_PID
}

# ---- Flink clusters ----

# What deploy/flink-cluster.sh start kept for the cluster in FLINK_DIR under KEY (conf, rest-port,
# rpc-port) in FLINK_DIR/run/cluster-settings; nothing where it kept none.
cluster_setting() { # FLINK_DIR KEY
  local file="$1/run/cluster-settings"
  [ ! -f "$file" ] || sed -n "s/^$2=//p" "$file"
}

# ---- waiting and stopping ----

now_ms() { date +%s%3N; }

# Runs COMMAND every WAIT_INTERVAL seconds (default 0.5) until it succeeds; after SECONDS fails
# with WHAT.
#   wait_until SECONDS WHAT COMMAND [ARGS...]
wait_until() {
  local seconds=$1 what=$2 deadline
  shift 2
  deadline=$(($(date +%s) + seconds))
  until "$@"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "timed out after $seconds s waiting for $what" >&2
      return 1
    fi
    sleep "${WAIT_INTERVAL:-0.5}"
  done
}

# True while the process in PIDFILE runs. A process that started after the pidfile was written is
# not the one it names: after a reboot or a hard kill its pid went to another process, which must
# be neither reported running nor stopped. Start times are read on the wall clock, which a step
# forward (a VM resumed, NTP) moves past a pidfile's time, so such a process still counts when its
# command line names WORK (by default the pidfile's directory), as every process these scripts
# start does. Without procps' etimes, the pid alone decides.
#   alive PIDFILE [WORK]
alive() {
  local pid age
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
  [ -n "$age" ] || return 0
  # 2 s: both clocks read in whole seconds, at different moments
  [ $(($(date +%s) - age)) -le $(($(date -r "$1" +%s) + 2)) ] && return 0
  local work=${2:-$(dirname "$1")} cmd
  cmd=" $( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) "
  # WORK as a directory of a path, or as a whole argument: /x/flink is not /x/flink2
  [[ $cmd == *"$work/"* || $cmd == *" $work "* ]]
}

# Stops a process by pid: SIGTERM, up to 30 s to exit, then SIGKILL. Prints NAME stopped.
#   stop_pid PID NAME
stop_pid() {
  local pid=$1 name=$2
  kill "$pid" 2>/dev/null || return 0
  wait_until 30 "$name (pid $pid) to exit" not_running "$pid" || kill -9 "$pid" 2>/dev/null || true
  echo "$name (pid $pid) stopped"
}
not_running() { ! kill -0 "$1" 2>/dev/null; }

# Stops what an earlier run, killed hard, left running under WORK (its broker, its Flink JVMs)
# before WORK is wiped with their pidfiles: each process a pidfile under WORK names, if its
# command line names WORK too (a pid reused since by another process is left alone).
#   stop_leftovers WORK
stop_leftovers() {
  local f pid cmd
  [ -d "$1" ] || return 0
  # supervisors first: one stopped after its TaskManagers would have started others meanwhile
  while IFS= read -r f <&3; do
    pid=$(cat "$f" 2>/dev/null) || continue
    cmd=$( { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) || continue
    if [ -n "$pid" ] && [[ $cmd == *"$1"* ]]; then
      stop_pid "$pid" "leftover $(basename "$f" .pid)"
    fi
  done 3< <(find "$1" -name '*.pid' -type f 2>/dev/null | awk '/supervisor/ {print; next} {rest = rest $0 "\n"} END {printf "%s", rest}')
}

# Stops the process in PIDFILE (if alive, see alive for WORK) and removes the file.
#   stop_pidfile PIDFILE [WORK]
stop_pidfile() {
  if alive "$1" "${2:-$(dirname "$1")}"; then stop_pid "$(cat "$1")" "$(basename "$1" .pid)"; fi
  rm -f "$1"
}

# ---- Kafka ----

# Every committed record of TOPIC (read_committed), one per line. BROKER defaults to $B.
#   consume_committed TOPIC [BROKER]
consume_committed() {
  kcat -b "${2:-$B}" -C -t "$1" -o beginning -e -q -X isolation.level=read_committed 2>/dev/null || true
}
