#!/usr/bin/env bash
# Prepares this machine (Debian bookworm) for building and testing Uniplane. Idempotent: when every package is
# already installed it does not touch apt. Checks for JDK 25 and mounts bpffs at /sys/fs/bpf.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/jdk.sh
source scripts/lib/jdk.sh

# Everything the build and the tests need today.
PACKAGES=(
  maven                                    # the build
  iproute2 iputils-ping ethtool tcpdump iperf3 strace python3-pyroute2   # namespaces, traffic, decoding in tests
  clang llvm libbpf1 libbpf-dev bpftool linux-libc-dev                   # eBPF provider: compile and load BPF objects
  gcc pkg-config                           # native shims
  dpdk dpdk-dev libdpdk-dev                # DPDK provider (issue #7): runtime + PMDs, dpdk-testpmd, headers/pkg-config for the shim
  librte-net-memif23 librte-net-vhost23 librte-vhost23 librte-net-virtio23   # DPDK provider MEMIF/VHOST_USER endpoints; virtio-user for testpmd in its tests
  openvswitch-switch openvswitch-common openvswitch-switch-dpdk          # OVS-DPDK provider: private ovsdb-server + DPDK vswitchd
  librte-net-af-packet23 librte-mempool-ring23   # DPDK PMD plugins vswitchd needs (only Recommends of dpdk, so --no-install-recommends skips them)
  gobgpd frr                               # BGP provider (issue #13): the GoBGP daemon it drives over gRPC; FRR 8.4 as the peer in its interop tests
  libnftables1 nftables                    # BGP provider policy: libnftables loaded through FFM; nft for inspecting rulesets by hand
)
# The BGP provider's build downloads (never installs) golang-github-osrg-gobgp-dev for GoBGP's .proto files with
# 'apt-get download', which needs the package lists: see provider-bgp/src/build/gobgp-protos.sh.

# VPP (issue #15) is not packaged in bookworm: a relocatable VPP 26.06 build is shipped beside the checkout as
# ../shared/vpp/vpp-26.06-dist.tar.zst (CI clones the repo with shared/ next to it). When it is there, its runtime
# packages are installed and it is unpacked once to $VPP_HOME below.
VPP_TARBALL="$(cd .. && pwd -P)/shared/vpp/vpp-26.06-dist.tar.zst"
VPP_HOME=/opt/uniplane/vpp-26.06
if [[ -f "$VPP_TARBALL" ]]; then
  PACKAGES+=(zstd libunwind8)             # VPP: unpack the tarball; vpp's only runtime library beyond libc
fi

# ---- NOT INSTALLED YET: packages of providers that are not implemented. Add them to PACKAGES when the provider lands.
#   SR-IOV needs an SR-IOV NIC and a kernel with CONFIG_PCI_IOV, not a package.
# ----

missing=()
for package in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" != installed ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages are installed"
else
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "error: missing packages: ${missing[*]}; run this as root: sudo bash scripts/setup.sh" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Other users of the machine may hold the dpkg lock for a while: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ -f "$VPP_TARBALL" ]]; then
  if [[ -x "$VPP_HOME/bin/vpp" ]]; then
    echo "setup: VPP 26.06 is unpacked at $VPP_HOME"
  elif [[ "$(id -u)" -ne 0 ]]; then
    echo "warning: VPP is not unpacked at $VPP_HOME (needs root: sudo bash scripts/setup.sh)" >&2
  else
    # Unpack beside the target and rename, so an interrupted run never leaves a half tree at $VPP_HOME.
    mkdir -p "$(dirname "$VPP_HOME")"
    staging="$(mktemp -d "$VPP_HOME.unpack.XXXXXX")"
    tar --zstd -xf "$VPP_TARBALL" -C "$staging"
    mv "$staging/vpp-dist" "$VPP_HOME"
    rm -rf "$staging"
    echo "setup: unpacked VPP 26.06 to $VPP_HOME"
  fi
fi

uniplane_use_jdk25
echo "setup: JDK $(uniplane_jdk_major "$JAVA_HOME") at $JAVA_HOME"

if awk '$2 == "/sys/fs/bpf" && $3 == "bpf" { found = 1 } END { exit !found }' /proc/mounts; then
  echo "setup: bpffs is mounted at /sys/fs/bpf"
elif [[ "$(id -u)" -eq 0 ]] && mkdir -p /sys/fs/bpf && mount -t bpf bpf /sys/fs/bpf; then
  echo "setup: mounted bpffs at /sys/fs/bpf"
else
  # Not fatal: only eBPF tests need it, and they report the missing prerequisite themselves.
  echo "warning: bpffs is not mounted at /sys/fs/bpf and could not be mounted (needs root)" >&2
fi
