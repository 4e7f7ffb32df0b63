package dev.uniplane.bench.ebpf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ebpf.internal.ffm.LibBpf;
import dev.uniplane.provider.ebpf.internal.ffm.Mounts;

/**
 * Shared pieces of the eBPF benchmarks: preconditions, random route sets, frames (the approach of provider-ebpf's test
 * {@code Packets}, copied: the bench does not depend on test jars), CPU clocks and small statistics.
 */
final class BenchSupport {
    static final int ETH_HLEN = 14;
    static final int TCP = 6;

    private BenchSupport() {
    }

    /** Exits with a message unless libbpf loads and we have the privileges for BPF. */
    static void requireBpf() {
        if (LibBpf.loadFailure().isPresent()) {
            System.err.println("libbpf.so.1 is not loadable (apt-get install libbpf1): " + LibBpf.loadFailure().get());
            System.exit(2);
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    boolean bpf = (caps & (1L << 39)) != 0 || (caps & (1L << 21)) != 0;
                    if (bpf && (caps & (1L << 12)) != 0) {
                        return;
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        System.err.println("needs root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN)");
        System.exit(2);
    }

    /** Mounts bpffs at /sys/fs/bpf when it is not mounted there. */
    static void ensureBpffs() {
        if (!Mounts.isBpffsMounted(Mounts.BPFFS)) {
            int errno = Mounts.mountBpffs(Mounts.BPFFS);
            if (errno != 0) {
                throw new IllegalStateException("mount -t bpf bpf /sys/fs/bpf failed, errno " + errno);
            }
        }
    }

    /**
     * {@code n} distinct random IPv4 prefixes, half /24 and half /32, outside 10.0.0.0/8 (the endpoints), 0/8,
     * 127/8, 169.254/16 and multicast, deterministic for a seed. Encoded as {@code (len << 32) | addr}.
     */
    static long[] randomRoutes(int n, long seed) {
        Random rnd = new Random(seed);
        Set<Long> seen = new HashSet<>(n * 2);
        long[] out = new long[n];
        int i = 0;
        while (i < n) {
            int len = (i & 1) == 0 ? 24 : 32;
            int addr = rnd.nextInt();
            int first = addr >>> 24;
            if (first == 0 || first == 10 || first == 127 || first >= 224 || (first == 169 && ((addr >>> 16) & 0xff) == 254)) {
                continue;
            }
            if (len == 24) {
                addr &= 0xffffff00;
            }
            long key = ((long) len << 32) | (addr & 0xffffffffL);
            if (seen.add(key)) {
                out[i++] = key;
            }
        }
        return out;
    }

    static int len(long route) {
        return (int) (route >>> 32);
    }

    static int addr(long route) {
        return (int) route;
    }

    static IpPrefix prefix(long route) {
        return new IpPrefix(IpAddress.ofV4(addr(route)), len(route));
    }

    /** Whether {@code a} is covered by a route of {@code routes} (which are /24 and /32 only). */
    static boolean covered(long[] sortedRoutes, int a) {
        long host = (32L << 32) | (a & 0xffffffffL);
        long net = (24L << 32) | ((a & 0xffffff00) & 0xffffffffL);
        return Arrays.binarySearch(sortedRoutes, host) >= 0 || Arrays.binarySearch(sortedRoutes, net) >= 0;
    }

    /** Ethernet + IPv4 (TTL {@code ttl}, valid header checksum) + a TCP SYN: 54 bytes. */
    static byte[] tcpSyn(MacAddress dstMac, MacAddress srcMac, IpAddress src, IpAddress dst, int ttl, int sport, int dport) {
        ByteBuffer l4 = ByteBuffer.allocate(20);
        l4.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + 20 + 20);
        b.put(dstMac.toBytes()).put(srcMac.toBytes()).putShort((short) 0x0800);
        int start = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) ttl).put((byte) TCP).putShort((short) 0)
                .put(src.toBytes()).put(dst.toBytes());
        b.putShort(start + 10, (short) ipv4Checksum(b.array(), start));
        b.put(l4.array());
        return b.array();
    }

    static int ipv4Checksum(byte[] frame, int start) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            if (i == 10) {
                continue;
            }
            sum += ((frame[start + i] & 0xff) << 8) | (frame[start + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    static boolean ipv4ChecksumValid(byte[] frame) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((frame[ETH_HLEN + i] & 0xff) << 8) | (frame[ETH_HLEN + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum == 0xffff;
    }

    static int ttl(byte[] frame) {
        return frame[ETH_HLEN + 8] & 0xff;
    }

    static MacAddress dstMac(byte[] frame) {
        return MacAddress.ofBytes(Arrays.copyOfRange(frame, 0, 6));
    }

    /** CPU time (utime + stime) of reaped children of this process, from /proc/self/stat, in ns. */
    static long childrenCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "(comm)": state is index 0, cutime (field 16) index 13, cstime index 14; USER_HZ = 100
        return (long) ((Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0 * 1e9);
    }

    /** The 1-minute load average and the CPU count, for the report. */
    static String load() {
        try {
            String l = Files.readString(Path.of("/proc/loadavg")).strip();
            return "loadavg " + l.substring(0, l.indexOf(' ', l.indexOf(' ', l.indexOf(' ') + 1) + 1)) + " on "
                    + Runtime.getRuntime().availableProcessors() + " CPUs";
        } catch (IOException | RuntimeException e) {
            return "loadavg ?";
        }
    }
}
