# Builds streamrec (tests skipped) and sets STREAMREC_CP to the job module's classes plus every
# dependency an embedded run needs (sourced by the deploy scripts).
build_classpath() {
  if [ "${STREAMREC_SKIP_BUILD:-}" != "1" ]; then
    echo "Building (mvn install, tests skipped; run the tests with: mvn -B verify) ..."
    mvn -B -q -DskipTests -Dspotless.check.skip=true install
    (cd job && mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/cp-compile.txt \
      && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/cp-runtime.txt)
  fi
  STREAMREC_CP="job/target/classes:$(cat job/target/cp-compile.txt):$(cat job/target/cp-runtime.txt)"
  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$PWD/target/djl-cache}"
}
