#!/usr/bin/env bash
# eBPF datapath benchmarks of provider-ebpf (issue #5), plain main() harnesses in module bench:
#   datapath  BPF_PROG_TEST_RUN ns/packet of from_endpoint vs the minimal C-equivalent program (bench/src/main/bpf/minimal.bpf.c)
#             at 10 / 10k / 1M routes with a 10k-rule policy (EbpfDatapathBench)
#   routes    route install rate into up_routes_v4: Java single updates, Java batch, `bpftool batch file` (EbpfRouteInstallBench)
#   iperf     iperf3 TCP between two workloads attached through the eBPF dataplane vs kernel ip_forward through a router
#             netns (EbpfIperfBench; namespaces/links uph5*, removed at exit)
# Usage: scripts/bench-ebpf.sh [datapath|routes|iperf|all] [harness args...]
#   scripts/bench-ebpf.sh datapath 10,10000,1000000 10000 5 250   (route counts, rules, rounds, repeat)
#   scripts/bench-ebpf.sh routes 100000 5 4096                     (routes, rounds, batch chunk)
#   scripts/bench-ebpf.sh iperf 8 6                                (seconds per run, rounds)
# Needs root (BPF, BPF_PROG_TEST_RUN, pinning under /sys/fs/bpf/uniplane-bench-<pid>/, removed at exit), libbpf1,
# clang (for the minimal program; without it only our program is measured) and bpftool.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  export JAVA_HOME="$jdk"
fi
what="${1:-all}"
[[ $# -gt 0 ]] && shift

mvn -q -o -pl bench -am package -DskipTests

if ! awk '$2 == "/sys/fs/bpf" && $3 == "bpf" { found = 1 } END { exit !found }' /proc/self/mounts; then
  mount -t bpf bpf /sys/fs/bpf
fi

need_iperf3() {
  command -v iperf3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >/dev/null
}

run() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:bench/target/lib/*" "$@"
}

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
case "$what" in
  datapath) run dev.uniplane.bench.ebpf.EbpfDatapathBench "$@" ;;
  routes) run dev.uniplane.bench.ebpf.EbpfRouteInstallBench "$@" ;;
  iperf) need_iperf3; run dev.uniplane.bench.ebpf.EbpfIperfBench "$@" ;;
  all)
    need_iperf3
    run dev.uniplane.bench.ebpf.EbpfDatapathBench
    run dev.uniplane.bench.ebpf.EbpfRouteInstallBench
    run dev.uniplane.bench.ebpf.EbpfIperfBench
    ;;
  *) echo "usage: $0 [datapath|routes|iperf|all] [harness args...]" >&2; exit 2 ;;
esac
