# JVM flags every streamrec JVM needs on Java 17 (sourced by the deploy scripts).
STREAMREC_JAVA_OPTS=(
  -Djava.awt.headless=true
  -Dai.djl.offline=true
  -Dai.djl.pytorch.num_threads=1
  -Dai.djl.pytorch.num_interop_threads=1
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
)

# Runs a streamrec main class (classpath from build_classpath) in the foreground; Ctrl-C or a kill
# of the calling script stops the JVM, whose shutdown hooks stop what it started.
#   run_streamrec_main HEAP MAIN-CLASS [ARGS...]
run_streamrec_main() {
  local heap=$1 main=$2
  shift 2
  java "-Xmx$heap" "${STREAMREC_JAVA_OPTS[@]}" \
    -Djna.tmpdir="$PWD/target" \
    -Dlog4j.configurationFile="$PWD/deploy/log4j2-quickstart.properties" \
    -cp "$STREAMREC_CP" "$main" "$@" &
  STREAMREC_MAIN_PID=$!
  trap 'kill -TERM $STREAMREC_MAIN_PID 2>/dev/null; wait $STREAMREC_MAIN_PID 2>/dev/null; exit 130' INT TERM
  wait $STREAMREC_MAIN_PID
}
