# Builds streamrec (tests skipped) and sets STREAMREC_CP to a module's classes plus every
# dependency an embedded run needs (sourced by the deploy scripts, from the repository root, with
# ensure-tools.sh and java-opts.sh: all a script needs to start a streamrec JVM).
#   build_classpath [MODULE]    MODULE under job/: tools (default: quickstart, benchmarks, audit,
#                               and the pipeline they drive) or gateway
source deploy/ensure-tools.sh
source deploy/java-opts.sh

build_classpath() {
  local module="job/${1:-tools}"
  ensure_tools
  if [ "${STREAMREC_SKIP_BUILD:-}" != "1" ] || [ ! -f "$module/target/cp-runtime.txt" ]; then
    echo "Building (mvn install, tests skipped; run the tests with: mvn -B verify) ..."
    mvn -B -q -DskipTests -Dspotless.check.skip=true install
    (cd "$module" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/cp-compile.txt \
      && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/cp-runtime.txt)
  fi
  STREAMREC_CP="$module/target/classes:$(cat "$module/target/cp-compile.txt"):$(cat "$module/target/cp-runtime.txt")"
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}"
}
