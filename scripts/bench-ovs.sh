#!/usr/bin/env bash
# OVS-DPDK benchmarks of provider-ovsdpdk (issue #6), plain main() harnesses in module bench (package dev.uniplane.bench.ovs):
#   flows   10k flows in one bundle: our OpenFlowChannel.applyBundle vs `ovs-ofctl -O OpenFlow13 --bundle add-flows <br> <file>`
#           on the same private OvsInstance (netdev bridge), interleaved rounds (OvsFlowProgramBench)
#   iperf   iperf3 TCP between two workloads through the Uniplane OVS-DPDK dataplane (OvsDpdkProvider) vs a hand-made netdev
#           bridge with two DPDK af_packet ports, actions=NORMAL and (3rd path) ct() + NORMAL (OvsIperfBench)
# Usage: scripts/bench-ovs.sh [flows|iperf|all] [harness args...]
#   scripts/bench-ovs.sh flows 10000 9     (flows, rounds; the defaults)
#   scripts/bench-ovs.sh iperf 6 4         (seconds per run, rounds; the defaults)
# Needs root, openvswitch-switch-dpdk (ovs-vswitchd-dpdk), ovs-vsctl/ovs-ofctl, ethtool, nsenter and iperf3. Every
# namespace, link and bridge is named uph12<random>...; daemons are stopped with `exit --cleanup`, /var/run/dpdk/<prefix>,
# the instance directory (/tmp/upovs*) and the namespaces are removed at exit, also on failure and SIGINT/SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  export JAVA_HOME="$jdk"
fi
what="${1:-all}"
[[ $# -gt 0 ]] && shift

mvn -q -o -pl bench -am package -DskipTests

need_iperf3() {
  command -v iperf3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >/dev/null
}

run() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" "$@"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
case "$what" in
  flows) run dev.uniplane.bench.ovs.OvsFlowProgramBench "$@" ;;
  iperf) need_iperf3; run dev.uniplane.bench.ovs.OvsIperfBench "$@" ;;
  all)
    need_iperf3
    run dev.uniplane.bench.ovs.OvsFlowProgramBench
    run dev.uniplane.bench.ovs.OvsIperfBench
    ;;
  *) echo "usage: $0 [flows|iperf|all] [harness args...]" >&2; exit 2 ;;
esac
