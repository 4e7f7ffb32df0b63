#!/usr/bin/env bash
# VPP programming and forwarding benchmark on one VPP started for the bench (see bench/.../vpp/VppProgrammingBench.java):
# N routes (default 10k, half ECMP) and an ACL of M rules (default 1k) through our binary API client vs `vppctl exec` of
# the equivalent CLI script, rounds interleaved; iperf3 TCP through VPP (af_packet) vs kernel forwarding.
# Usage: scripts/bench-vpp.sh [routes] [aclRules] [rounds] [iperfSeconds]
# (needs root, iperf3 and a VPP install: UNIPLANE_VPP_HOME or /opt/uniplane/vpp-26.06; creates and deletes uvn* netns)
set -euo pipefail
# shellcheck source=lib/root.sh
source "$(dirname "$0")/lib/root.sh"
cd "$(dirname "$0")/.."
bash scripts/mvn -q -o -pl bench -am package -DskipTests
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
exec "${JAVA_HOME:-$jdk}/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "bench/target/classes:bench/target/lib/*" dev.uniplane.bench.vpp.VppProgrammingBench "$@"
