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
