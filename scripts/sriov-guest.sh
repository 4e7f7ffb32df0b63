#!/usr/bin/env bash
# Boots a QEMU 10 guest with an emulated Intel 82576 (-device igb): a real SR-IOV PF whose VFs Debian's own guest
# kernel creates (igb/igbvf). NOTES.md section 5.5 has the recipe and what was measured.
#
# Nothing is installed on the machine: QEMU comes from bookworm-backports, the guest kernel and busybox from bookworm,
# all fetched with `apt-get download` through a private apt configuration under $WORK and unpacked with `dpkg-deb -x`.
# The apt sources are the machine's own: the first stanza of /etc/apt/sources.list.d/debian.sources, once as it is and
# once with only its suite changed to bookworm-backports (no host is named here).
#
# The guest's /init creates 4 VFs, prints the PF/VF sysfs tree, applies VF settings through the PF with iproute2, moves
# a VF netdev into a netns and back, and powers off. Markers in the log (SRIOV-GUEST: ...) say how far it got.
#
# JUnit mode (how the build runs it, from provider-sriov's SriovGuestRunTest): with SRIOV_GUEST_JUNIT_CLASSES (test
# classes, space separated), SRIOV_GUEST_JUNIT_CP (their class path: target dirs and ~/.m2 jars, all visible over the
# read-only 9p share of the host root) and SRIOV_GUEST_REPORTS (a host directory, shared writable), the guest skips the
# iproute2 scenario and runs dev.uniplane.provider.sriov.GuestJUnit with the host's JDK, which writes surefire XML
# reports into SRIOV_GUEST_REPORTS.
#
# Usage: scripts/sriov-guest.sh            (work dir: $SRIOV_GUEST_WORK, default /var/tmp/uniplane-sriov-guest)
set -euo pipefail

WORK=${SRIOV_GUEST_WORK:-/var/tmp/uniplane-sriov-guest}
APT="$WORK/apt"
ROOT="$WORK/root"       # unpacked packages
TREE="$WORK/initramfs"  # the guest's root file system
LOG=${SRIOV_GUEST_LOG:-$WORK/guest.log}
NUM_VFS=${SRIOV_GUEST_VFS:-4}
TIMEOUT=${SRIOV_GUEST_TIMEOUT:-600}
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
JUNIT_CLASSES=${SRIOV_GUEST_JUNIT_CLASSES:-}
BENCH=${SRIOV_GUEST_BENCH:-}            # 1: run scripts/sriov-bench.sh --in-guest instead of JUnit (class path as for JUnit)
BENCH_CYCLES=${SRIOV_GUEST_BENCH_CYCLES:-100}
JUNIT_CP=${SRIOV_GUEST_JUNIT_CP:-}
REPORTS=${SRIOV_GUEST_REPORTS:-}
MEMORY=${SRIOV_GUEST_MEMORY:-1536}
# RealVfCheck runs inside the guest when the provider's test classes are compiled (scripts/mvn -pl provider-sriov -am test-compile)
JAVA_CP=""
if [ -n "$JUNIT_CLASSES$BENCH" ]; then
    [ -n "$JUNIT_CP" ] && [ -n "$REPORTS" ] || { echo "sriov-guest: JUnit and bench mode need SRIOV_GUEST_JUNIT_CP and SRIOV_GUEST_REPORTS" >&2; exit 2; }
    mkdir -p "$REPORTS"
elif [ -d "$REPO/provider-sriov/target/test-classes/dev/uniplane/provider/sriov/internal/host" ]; then
    M2=${M2_REPO:-$HOME/.m2/repository}
    JAVA_CP="$REPO/provider-sriov/target/test-classes:$REPO/provider-sriov/target/classes:$REPO/sdk-linux/target/classes"
    JAVA_CP="$JAVA_CP:$REPO/sdk-api/target/classes"
    for jar in com/fasterxml/jackson/core/jackson-databind/2.21.3/jackson-databind-2.21.3.jar \
               com/fasterxml/jackson/core/jackson-core/2.21.3/jackson-core-2.21.3.jar \
               com/fasterxml/jackson/core/jackson-annotations/2.21/jackson-annotations-2.21.jar \
               org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar org/slf4j/slf4j-simple/2.0.17/slf4j-simple-2.0.17.jar; do
        JAVA_CP="$JAVA_CP:$M2/$jar"
    done
fi

say() { echo "sriov-guest: $*" >&2; }

apt_private() {
    apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$APT/sources.list.d" \
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::status=/var/lib/dpkg/status \
        -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 "$@"
}

apt_cache_private() {
    apt-cache -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$APT/sources.list.d" \
        -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o Dir::State::status=/var/lib/dpkg/status "$@"
}

prepare_apt() {
    mkdir -p "$APT/sources.list.d" "$APT/lists/partial" "$APT/cache/archives/partial"
    local stanza
    stanza=$(awk 'BEGIN{RS="";ORS="\n"} NR==1' /etc/apt/sources.list.d/debian.sources | grep -v '^#')
    printf '%s\n' "$stanza" | sed 's/^Suites:.*/Suites: bookworm/' > "$APT/sources.list.d/bookworm.sources"
    printf '%s\n' "$stanza" | sed 's/^Suites:.*/Suites: bookworm-backports/' > "$APT/sources.list.d/bookworm-backports.sources"
    if [ ! -e "$APT/lists/.updated" ]; then
        say "apt-get update (private lists in $APT)"
        apt_private update >"$WORK/apt-update.log" 2>&1 || { tail -20 "$WORK/apt-update.log" >&2; exit 1; }
        touch "$APT/lists/.updated"
    fi
}

download() {
    mkdir -p "$WORK/debs" "$ROOT"
    local kernel
    kernel=$(apt_cache_private depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
    [ -n "$kernel" ] || { say "cannot resolve the guest kernel package"; exit 1; }
    echo "$kernel" > "$WORK/kernel-package"
    local pkgs=(qemu-system-x86/bookworm-backports qemu-system-common/bookworm-backports
                qemu-system-data/bookworm-backports seabios/bookworm-backports
                libcapstone4 libpmem1 librdmacm1 libslirp0 libvdeplug2 libfuse3-3 libaio1 liburing2 libndctl6
                libdaxctl1 libibverbs1 libnuma1 busybox-static "$kernel")
    (cd "$WORK/debs" && for p in "${pkgs[@]}"; do
        name=${p%%/*}
        if ! ls "${name}"_*.deb >/dev/null 2>&1; then
            say "apt-get download $p"
            apt_private download "$p" >>"$WORK/apt-download.log" 2>&1 || { tail -5 "$WORK/apt-download.log" >&2; exit 1; }
        fi
    done)
    if [ ! -e "$ROOT/.unpacked" ]; then
        for deb in "$WORK"/debs/*.deb; do
            dpkg-deb -x "$deb" "$ROOT"
        done
        touch "$ROOT/.unpacked"
    fi
}

# newc cpio writer (the machine has no cpio; busybox's applet may lack -o)
write_cpio() {
    python3 - "$1" "$2" <<'PY'
import os, stat, sys, gzip
src, out = sys.argv[1], sys.argv[2]
entries = []
for dirpath, dirnames, filenames in os.walk(src):
    dirnames.sort()
    for name in [''] + sorted(dirnames) + sorted(filenames):
        full = os.path.join(dirpath, name) if name else dirpath
        if name and os.path.isdir(full) and not os.path.islink(full):
            continue  # directories are emitted when walked
        entries.append(full)
ino = 1
with gzip.open(out, 'wb') as f:
    def emit(name, st, data):
        global ino
        namez = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08x' % v for v in (ino, st.st_mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(namez), 0))
        ino += 1
        buf = hdr.encode() + namez
        buf += b'\0' * ((4 - len(buf) % 4) % 4)
        f.write(buf + data + b'\0' * ((4 - len(data) % 4) % 4))
    for full in entries:
        rel = os.path.relpath(full, src)
        if rel == '.':
            continue
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(full).encode()
        elif stat.S_ISREG(st.st_mode):
            data = open(full, 'rb').read()
        else:
            data = b''
        emit(rel, st, data)
    class Z: st_mode = 0
    emit('TRAILER!!!', Z, b'')
PY
}

build_initramfs() {
    local kver
    kver=$(ls "$ROOT/lib/modules" | head -1)
    rm -rf "$TREE"
    mkdir -p "$TREE"/{bin,sbin,proc,sys,dev,run,tmp,mnt,lib/modules,lib64,lib/x86_64-linux-gnu,etc,host}
    cp "$ROOT/bin/busybox" "$TREE/bin/busybox"
    for applet in $("$TREE/bin/busybox" --list); do
        [ -e "$TREE/bin/$applet" ] || ln -s busybox "$TREE/bin/$applet"
    done
    rm -f "$TREE/bin/ip"
    cp /usr/sbin/ip "$TREE/sbin/ip"
    for lib in $(ldd /usr/sbin/ip | awk '/=>/{print $3}'); do
        cp -L "$lib" "$TREE/lib/x86_64-linux-gnu/"
    done
    cp -L /lib64/ld-linux-x86-64.so.2 "$TREE/lib64/"
    local m
    for m in dca i2c-algo-bit igb igbvf veth sch_ingress cls_matchall cls_u32 virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
             9pnet 9pnet_virtio netfs fscache 9p; do
        local f
        f=$(find "$ROOT/lib/modules/$kver" -name "$m.ko*" | head -1)
        if [ -n "$f" ]; then
            case "$f" in
                *.xz) xz -dc "$f" > "$TREE/lib/modules/$m.ko" ;;
                *.zst) zstd -qdc "$f" > "$TREE/lib/modules/$m.ko" ;;
                *) cp "$f" "$TREE/lib/modules/$m.ko" ;;
            esac
        fi
    done
    cat > "$TREE/init" <<EOF
#!/bin/busybox sh
export PATH=/sbin:/bin
# busybox sh prefers its own applets (its ip lacks "vf"): iproute2 is called by path
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs dev /dev; mount -t tmpfs run /run
mkdir -p /run/netns; ln -s /run /var/run 2>/dev/null
echo "SRIOV-GUEST: booted \$(uname -r)"
/sbin/ip link set lo up   # gives ::1, so Java finds IPv6 (it looks for a line in /proc/net/if_inet6)
for m in dca i2c-algo-bit igb igbvf veth sch_ingress cls_matchall cls_u32; do
    [ -e /lib/modules/\$m.ko ] && insmod /lib/modules/\$m.ko 2>&1 | sed "s/^/insmod \$m: /"
done
sleep 1
pf=""
for n in /sys/class/net/*; do
    if [ -e \$n/device/sriov_totalvfs ]; then pf=\$(basename \$n); fi
done
echo "SRIOV-GUEST: pf=\$pf totalvfs=\$(cat /sys/class/net/\$pf/device/sriov_totalvfs 2>/dev/null)"
[ -n "\$pf" ] || { echo "SRIOV-GUEST: FAIL no PF"; poweroff -f; }
dev=/sys/class/net/\$pf/device
if [ -z "$JUNIT_CLASSES$BENCH" ]; then
echo $NUM_VFS > \$dev/sriov_numvfs && echo "SRIOV-GUEST: numvfs=\$(cat \$dev/sriov_numvfs)"
echo 2 > \$dev/sriov_numvfs 2>/dev/null || echo "SRIOV-GUEST: $NUM_VFS->2 refused as expected (EBUSY)"
sleep 2
for v in \$dev/virtfn*; do
    vf=\$(readlink \$v); echo "SRIOV-GUEST: \$(basename \$v) -> \$vf driver=\$(basename \$(readlink \$v/driver)) net=\$(ls \$v/net 2>/dev/null)"
done
/sbin/ip link set \$pf up
/sbin/ip link set \$pf vf 0 mac 02:00:00:00:00:10 && echo "SRIOV-GUEST: vf 0 mac ok"
/sbin/ip link set \$pf vf 0 vlan 200 qos 5 && echo "SRIOV-GUEST: vf 0 vlan ok"
/sbin/ip link set \$pf vf 0 spoofchk off && echo "SRIOV-GUEST: vf 0 spoofchk ok"
/sbin/ip link set \$pf vf 0 trust on && echo "SRIOV-GUEST: vf 0 trust ok"
/sbin/ip link set \$pf vf 0 max_tx_rate 50 && echo "SRIOV-GUEST: vf 0 rate ok"
/sbin/ip link show \$pf
vfnet=\$(ls \$dev/virtfn0/net 2>/dev/null)
/sbin/ip netns add w1 && /sbin/ip link set \$vfnet netns w1 name net1 && /sbin/ip -n w1 link set net1 up \
    && /sbin/ip -n w1 addr add 192.0.2.10/24 dev net1 && /sbin/ip -n w1 route add default via 192.0.2.1 dev net1 onlink \
    && echo "SRIOV-GUEST: vf netdev \$vfnet moved and configured"
/sbin/ip -n w1 addr show net1
echo "SRIOV-GUEST: from host sysfs after move: net=[\$(ls \$dev/virtfn0/net 2>/dev/null)]"
/sbin/ip netns del w1; sleep 1
echo "SRIOV-GUEST: after netns delete: net=[\$(ls \$dev/virtfn0/net 2>/dev/null)]"
/sbin/ip link set \$pf vf 0 vlan 0 && /sbin/ip link set \$pf vf 0 trust off && /sbin/ip link set \$pf vf 0 spoofchk on \
    && /sbin/ip link set \$pf vf 0 max_tx_rate 0 && /sbin/ip link set \$pf vf 0 mac 00:00:00:00:00:00 && echo "SRIOV-GUEST: vf 0 reset"
echo 0 > \$dev/sriov_numvfs && echo "SRIOV-GUEST: numvfs=\$(cat \$dev/sriov_numvfs) virtfn=[\$(ls -d \$dev/virtfn* 2>/dev/null)]"
fi
if [ -n "$JAVA_CP$JUNIT_CLASSES$BENCH" ]; then
    for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p; do
        [ -e /lib/modules/\$m.ko ] && insmod /lib/modules/\$m.ko 2>&1 | sed "s/^/insmod \$m: /"
    done
    sleep 1
    if mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /host; then
        mount -t proc proc /host/proc; mount -t sysfs sysfs /host/sys; mount -t devtmpfs dev /host/dev
        mount -t tmpfs run /host/run; mount -t tmpfs tmp /host/tmp; mkdir -p /host/run/netns
        if [ -n "$BENCH" ]; then
            mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 reports /host$REPORTS \
                || echo "SRIOV-GUEST: FAIL cannot mount the reports directory over 9p"
            echo "SRIOV-GUEST: running scripts/sriov-bench.sh in the guest"
            JAVA=$JAVA CP=$JUNIT_CP OUT=$REPORTS CYCLES=$BENCH_CYCLES chroot /host /bin/bash $REPO/scripts/sriov-bench.sh --in-guest
            echo "SRIOV-GUEST: bench exit \$?"
            umount /host$REPORTS
        elif [ -n "$JUNIT_CLASSES" ]; then
            mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 reports /host$REPORTS \
                || echo "SRIOV-GUEST: FAIL cannot mount the reports directory over 9p"
            echo "SRIOV-GUEST: host root mounted over 9p, running $JUNIT_CLASSES with the host's JDK"
            chroot /host $JAVA -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -Duniplane.tck.reportDir=$REPORTS/conformance -Duniplane.tck.timeoutScale=${SRIOV_GUEST_TIMEOUT_SCALE:-4} -cp $JUNIT_CP \
                dev.uniplane.provider.sriov.GuestJUnit $REPORTS $JUNIT_CLASSES; echo "SRIOV-GUEST: JUnit exit \$?"
            umount /host$REPORTS
        else
            echo "SRIOV-GUEST: host root mounted over 9p, running RealVfCheck with the host's JDK"
            chroot /host $JAVA -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -cp $JAVA_CP \
                dev.uniplane.provider.sriov.internal.host.RealVfCheck; echo "SRIOV-GUEST: RealVfCheck exit \$?"
        fi
    else
        echo "SRIOV-GUEST: FAIL cannot mount the host root over 9p"
    fi
fi
echo "SRIOV-GUEST: DONE"
poweroff -f
EOF
    chmod +x "$TREE/init"
    write_cpio "$TREE" "$WORK/initrd.gz"
    echo "$kver" > "$WORK/kernel-version"
}

boot() {
    local kver qemu accel
    kver=$(cat "$WORK/kernel-version")
    qemu="$ROOT/usr/bin/qemu-system-x86_64"
    # TCG by default: on this VM /dev/kvm exists, but nested KVM aborts with "-cpu max" (MSR 0x10a) and hangs after
    # SeaBIOS with "-cpu host,-arch-capabilities"; SRIOV_GUEST_ACCEL=kvm tries it anyway
    accel="tcg,thread=multi"
    local cpu=max
    if [ "${SRIOV_GUEST_ACCEL:-tcg}" = kvm ]; then accel=kvm; cpu=host,-arch-capabilities; fi
    export LD_LIBRARY_PATH="$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu"
    say "booting $kver with $("$qemu" --version 2>/dev/null | head -1 || true) (accel $accel), log $LOG"
    local start=$SECONDS
    timeout "$TIMEOUT" "$qemu" -M q35 -accel "$accel" -cpu "$cpu" -smp 2 -m "$MEMORY" -nographic -no-reboot -nodefaults \
        -serial stdio -L "$ROOT/usr/share/seabios" -L "$ROOT/usr/share/qemu" \
        -kernel "$ROOT/boot/vmlinuz-$kver" -initrd "$WORK/initrd.gz" -append "console=ttyS0 panic=-1 loglevel=4" \
        -netdev hubport,id=n0,hubid=0 -device pcie-root-port,id=rp1,chassis=1,slot=1 \
        -device igb,bus=rp1,netdev=n0,romfile= -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
        ${REPORTS:+-virtfs local,path=$REPORTS,mount_tag=reports,security_model=none} \
        </dev/null >"$LOG" 2>&1 || say "qemu exited with $?"
    say "guest ran $((SECONDS - start)) s"
    grep 'SRIOV-GUEST' "$LOG" || true
    grep -q 'SRIOV-GUEST: DONE' "$LOG"
}

mkdir -p "$WORK"
prepare_apt
download
build_initramfs
boot
