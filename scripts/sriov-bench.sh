#!/usr/bin/env bash
# VF attach/detach latency: the SR-IOV dataplane (SriovLatencyBench) against the same steps done with `ip` commands,
# both on VF 0 of the igb PF inside the QEMU guest of scripts/sriov-guest.sh. Prints median and p99 over the measured
# cycles and the ratio dataplane/ip (docs/performance.md has a result).
#
# Usage (host):  scripts/sriov-bench.sh [cycles, default 100]   (builds provider-sriov's test classes, boots the guest)
# In the guest:  scripts/sriov-bench.sh --in-guest               (called by sriov-guest.sh with SRIOV_GUEST_BENCH=1)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WARMUP=${SRIOV_BENCH_WARMUP:-5}

stats() { # $1 = label, reads nanoseconds on stdin: median and p99 in ms
    sort -n | awk -v label="$1" '{ v[NR] = $1 } END {
        m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]; if (p == "") p = v[NR]
        printf "%-22s n=%d median %.2f ms  p99 %.2f ms\n", label, NR, m / 1e6, p / 1e6 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [ "${1:-}" = "--in-guest" ]; then
    : "${JAVA:?}" "${CP:?}" "${OUT:?}" "${CYCLES:?}"
    pf=""
    for n in /sys/class/net/*; do [ -e "$n/device/sriov_totalvfs" ] && pf=$(basename "$n"); done
    dev=/sys/class/net/$pf/device
    [ "$(cat "$dev/sriov_numvfs")" = 4 ] || { echo 0 > "$dev/sriov_numvfs"; echo 4 > "$dev/sriov_numvfs"; }
    for _ in $(seq 50); do [ -n "$(ls "$dev/virtfn0/net" 2>/dev/null)" ] && break; sleep 0.1; done
    ip link set "$pf" up
    vfdev=$(ls "$dev/virtfn0/net")
    hostmac=$(cat "/sys/class/net/$vfdev/address")
    echo "bench: PF $pf, VF 0 = $vfdev ($hostmac), $WARMUP warm-up + $CYCLES cycles each"

    "$JAVA" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$CP" dev.uniplane.provider.sriov.SriovLatencyBench \
        "$pf" "$WARMUP" "$CYCLES" "$OUT/dataplane.txt"

    # the same steps with iproute2: VF settings through the PF one per command, move + rename, configure inside;
    # back: reset the settings, move home under the old name, restore the MAC
    mac=02:00:00:00:0b:01
    ip netns add usrbw
    : > "$OUT/ip.txt"
    for i in $(seq $((WARMUP + CYCLES))); do
        t0=$(date +%s%N)
        ip link set "$pf" vf 0 vlan 100
        ip link set "$pf" vf 0 mac "$mac"
        ip link set "$pf" vf 0 max_tx_rate 50
        ip link set "$pf" vf 0 spoofchk off
        ip link set "$pf" vf 0 trust on
        ip link set "$vfdev" netns usrbw name net1
        ip -n usrbw link set net1 address "$mac"
        ip -n usrbw link set net1 up
        ip -n usrbw addr add 192.0.2.50/24 dev net1
        ip -n usrbw route add 169.254.1.1/32 dev net1 scope link
        ip -n usrbw route add default via 169.254.1.1 dev net1
        t1=$(date +%s%N)
        ip link set "$pf" vf 0 vlan 0
        ip link set "$pf" vf 0 mac 00:00:00:00:00:00
        ip link set "$pf" vf 0 max_tx_rate 0
        ip link set "$pf" vf 0 spoofchk on
        ip link set "$pf" vf 0 trust off
        ip -n usrbw link set net1 down
        ip -n usrbw link set net1 netns 1 name "$vfdev"
        ip link set "$vfdev" address "$hostmac"
        t2=$(date +%s%N)
        if [ "$i" -gt "$WARMUP" ]; then
            echo "attach $((t1 - t0))" >> "$OUT/ip.txt"
            echo "detach $((t2 - t1))" >> "$OUT/ip.txt"
        fi
    done
    ip netns del usrbw
    {
        for op in attach detach; do
            grep "^$op " "$OUT/dataplane.txt" | cut -d' ' -f2 | stats "dataplane $op"
            grep "^$op " "$OUT/ip.txt" | cut -d' ' -f2 | stats "ip commands $op"
            d=$(grep "^$op " "$OUT/dataplane.txt" | cut -d' ' -f2 | median)
            c=$(grep "^$op " "$OUT/ip.txt" | cut -d' ' -f2 | median)
            awk -v d="$d" -v c="$c" -v op="$op" 'BEGIN { printf "ratio %s (median dataplane / median ip): %.2fx\n", op, d / c }'
        done
    } | tee "$OUT/result.txt"
    exit 0
fi

CYCLES=${1:-100}
OUT="$REPO/provider-sriov/target/sriov-bench"
mkdir -p "$OUT"
(cd "$REPO" && bash scripts/mvn -o -q -pl provider-sriov -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test -Djacoco.skip=true)
CP="$REPO/provider-sriov/target/test-classes:$REPO/provider-sriov/target/classes:$(cat "$OUT/cp.txt")"
# under TCG one cycle of ip commands takes seconds: give the guest time for both loops
SRIOV_GUEST_TIMEOUT=${SRIOV_GUEST_TIMEOUT:-2700} SRIOV_GUEST_BENCH=1 SRIOV_GUEST_JUNIT_CP="$CP" SRIOV_GUEST_REPORTS="$OUT" SRIOV_GUEST_BENCH_CYCLES="$CYCLES" \
    SRIOV_GUEST_LOG="$OUT/guest.log" bash "$REPO/scripts/sriov-guest.sh" || true
grep -a -E '^(bench:|dataplane|ip commands|ratio)' "$OUT/guest.log" || { echo "no result; see $OUT/guest.log" >&2; exit 1; }
