#!/usr/bin/env bash
# DPDK benchmarks of provider-dpdk (issue #7), one plain main() harness in module bench (dev.uniplane.bench.dpdk.DpdkBench),
# interleaved rounds:
#   forwarding  dpdk-testpmd (C, separate process, own --file-prefix) vs our ForwardingLoop (Java, EAL lcore in a child JVM
#               of its own per variant and round, so C2 compiles the loop for that one variant only), io and macswap, on a
#               net_null pair and on a net_memif pair connected to itself (--tx-first)
#   full path   our Router (flow lookup, LPM, TTL/checksum, MAC rewrite, counters) vs the shim's C loop doing the same
#               lookups (rte_hash, rte_lpm) on the same net_pcap replay (infinite_rx), plus an io baseline on that port;
#               in the parent JVM
# Reported: Mpps per CPU-second of the forwarding thread (testpmd: /proc/<pid>/task/<tid>/schedstat; Java: ThreadMXBean),
# medians (min-max) and ratios. The forwarding thread runs on CPU 1 on both sides.
# Usage: scripts/bench-dpdk.sh [rounds=5] [seconds=2] [hugepages|no-huge] [all|forwarding|fullpath]
# Extra JVM options (passed on to the child JVMs too): DPDK_BENCH_JVM_OPTS, e.g. -XX:+PrintCompilation.
# Needs root, dpdk + dpdk-dev (dpdk-testpmd), librte-net-memif23, librte-net-pcap23. With hugepages (the default) it
# raises /proc/sys/vm/nr_hugepages until 256 pages are free and puts the old value back at exit. Everything is named
# uph6<random>; /var/run/dpdk/<prefix> of testpmd and the JVMs, memif sockets and the pcap file are removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q 'version "25'; then
  export JAVA_HOME="$jdk"
fi
rounds="${1:-5}"
seconds="${2:-2}"
memory="${3:-hugepages}"
suite="${4:-all}"

command -v dpdk-testpmd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpdk-dev >/dev/null
for pkg in librte-net-memif23 librte-net-pcap23; do
  dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null
done

# tests of the upstream modules are not compiled: only their main classes are needed here
mvn -q -o -pl bench -am package -Dmaven.test.skip=true

old_nr=""
restore_hugepages() {
  # only when nobody changed it since we raised it
  if [[ -n "$old_nr" && "$(cat /proc/sys/vm/nr_hugepages)" == "$raised_nr" ]]; then
    echo "$old_nr" > /proc/sys/vm/nr_hugepages
  fi
}
if [[ "$memory" == hugepages ]]; then
  free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
  if (( free < 256 )); then
    old_nr=$(cat /proc/sys/vm/nr_hugepages)
    echo $(( old_nr + 256 - free )) > /proc/sys/vm/nr_hugepages
    raised_nr=$(cat /proc/sys/vm/nr_hugepages)
    trap restore_hugepages EXIT
  fi
fi

echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg), HugePages_Free $(awk '/HugePages_Free/ {print $2}' /proc/meminfo)"
# shellcheck disable=SC2086 # word splitting of the options is intended
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${DPDK_BENCH_JVM_OPTS:-} -cp "bench/target/classes:bench/target/lib/*" \
  dev.uniplane.bench.dpdk.DpdkBench "$rounds" "$seconds" "$memory" "$suite"
echo "# done $(date -u +%FT%TZ), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
