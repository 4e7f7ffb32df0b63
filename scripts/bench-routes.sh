#!/usr/bin/env bash
# Route install benchmark: sdk-linux batched rtnetlink vs `ip -n NS -batch FILE` (100k /32 routes by default).
# Usage: scripts/bench-routes.sh [routes] [rounds]   (needs root: creates and deletes its own uph1b* netns)
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  export JAVA_HOME="$jdk"
fi
mvn -q -o -pl bench -am package -DskipTests
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "bench/target/classes:bench/target/lib/*" dev.uniplane.bench.RouteInstallBench "$@"
