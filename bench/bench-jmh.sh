#!/usr/bin/env bash
# The per-message path (parse, authenticate, route, encode) measured with JMH, in seconds, without
# sockets: sip-server's PerMessageBenchmark (sip-server/src/test/java/org/liaison/sip/routing/).
#
#   bench/bench-jmh.sh                     # all benchmarks, JMH's table at the end
#   bench/bench-jmh.sh register -f 2       # any JMH arguments: a name pattern, forks, -prof gc, ...
#
# Compiles sip-server's tests (JMH's annotation processor generates the harness) with Maven, offline
# when the dependencies are in ~/.m2, and runs org.openjdk.jmh.Main on the test classpath.
# Needs: a JDK 17 and Maven.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP_FILE="$ROOT/sip-server/target/jmh.classpath"
cd "$ROOT"
mvn -B -q -o -pl sip-server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/jmh.classpath >&2 ||
  mvn -B -q -pl sip-server -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/jmh.classpath >&2
CP="$ROOT/sip-server/target/test-classes:$ROOT/sip-server/target/classes:$(cat "$CP_FILE")"
exec java -cp "$CP" org.openjdk.jmh.Main "${@:-PerMessageBenchmark}"
