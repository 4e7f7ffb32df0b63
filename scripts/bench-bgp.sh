#!/usr/bin/env bash
# BGP learn/withdraw benchmark: N prefixes (default 100k) announced by FRR 8.4, installed into the kernel FIB by the bgp
# provider and by FRR 8.4 itself in the same run, rounds alternating (see bench/.../bgp/BgpLearnBench.java).
# Usage: scripts/bench-bgp.sh [prefixes] [rounds] [gobgpd GOGC, default the provider's 100]   (needs root, gobgpd and frr; creates and deletes ubgb* netns)
set -euo pipefail
# shellcheck source=lib/root.sh
source "$(dirname "$0")/lib/root.sh"
cd "$(dirname "$0")/.."
bash scripts/mvn -q -o -pl bench -am package -DskipTests
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
exec "${JAVA_HOME:-$jdk}/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "bench/target/classes:bench/target/lib/*" dev.uniplane.bench.bgp.BgpLearnBench "$@"
