package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;

/**
 * ICMP/ICMPv6 echo over a raw socket through FFM (Java has no raw sockets). Runs in the calling thread's namespace:
 * call it inside {@link dev.uniplane.linux.NetNs#run}. The kernel computes the ICMPv6 checksum; ours covers ICMPv4.
 */
final class IcmpEcho {
    static final int PAYLOAD = 32;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final short POLLIN = 1;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = libc("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = libc("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle POLL = libc("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final int IPPROTO_IP = 0;
    private static final int IP_TTL = 2;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_UNICAST_HOPS = 16;
    /** Leave the TTL / hop limit at the kernel's default. */
    static final int DEFAULT_TTL = 0;

    private IcmpEcho() {
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /** Sends one echo request and waits for the matching reply; false on timeout. */
    static boolean ping(IpAddress destination, int sequence, Duration timeout) {
        return ping(destination, sequence, timeout, DEFAULT_TTL);
    }

    /** Like {@link #ping(IpAddress, int, Duration)} with the request's TTL (hop limit) set to {@code ttl} (1-255). */
    static boolean ping(IpAddress destination, int sequence, Duration timeout, int ttl) {
        boolean v4 = destination.family() == IpFamily.IPV4;
        int identifier = (int) (ProcessHandle.current().pid() & 0xffff);
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) SOCKET.invokeExact(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
            if (fd < 0) {
                throw new IllegalStateException("raw ICMP socket failed (needs CAP_NET_RAW)");
            }
            try {
                if (ttl != DEFAULT_TTL) {
                    MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, ttl);
                    int rc = (int) SETSOCKOPT.invokeExact(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TTL : IPV6_UNICAST_HOPS,
                            value, 4);
                    if (rc != 0) {
                        throw new IllegalStateException("setsockopt TTL " + ttl + " failed");
                    }
                }
                MemorySegment packet = arena.allocate(8 + PAYLOAD);
                packet.set(ValueLayout.JAVA_BYTE, 0, (byte) (v4 ? 8 : 128));
                packet.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4, (short) identifier);
                packet.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 6, (short) sequence);
                for (int i = 0; i < PAYLOAD; i++) {
                    packet.set(ValueLayout.JAVA_BYTE, 8 + i, (byte) i);
                }
                if (v4) {
                    packet.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2, checksum(packet));
                }
                MemorySegment addr = sockaddr(arena, destination);
                long sent = (long) SENDTO.invokeExact(fd, packet, packet.byteSize(), 0, addr, (int) addr.byteSize());
                if (sent < 0) {
                    return false;
                }
                return awaitReply(arena, fd, v4, identifier, sequence, timeout);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("ping " + destination + " failed", t);
        }
    }

    private static boolean awaitReply(Arena arena, int fd, boolean v4, int identifier, int sequence, Duration timeout) throws Throwable {
        long deadline = System.nanoTime() + timeout.toNanos();
        MemorySegment pollfd = arena.allocate(8);
        MemorySegment buf = arena.allocate(2048);
        while (true) {
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int ready = (int) POLL.invokeExact(pollfd, 1L, left);
            if (ready <= 0) {
                return false;
            }
            long n = (long) RECV.invokeExact(fd, buf, buf.byteSize(), 0);
            // IPv4 raw sockets deliver the IP header; ICMPv6 raw sockets deliver only the ICMPv6 message.
            int off = v4 ? (buf.get(ValueLayout.JAVA_BYTE, 0) & 0x0f) * 4 : 0;
            if (n >= off + 8) {
                int type = buf.get(ValueLayout.JAVA_BYTE, off) & 0xff;
                int id = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), off + 4) & 0xffff;
                int seq = buf.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), off + 6) & 0xffff;
                if (type == (v4 ? 0 : 129) && id == identifier && seq == sequence) {
                    return true;
                }
            }
        }
    }

    private static MemorySegment sockaddr(Arena arena, IpAddress destination) {
        byte[] ip = destination.toBytes();
        if (ip.length == 4) {
            MemorySegment sa = arena.allocate(16);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(ip, 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
            return sa;
        }
        MemorySegment sa = arena.allocate(28);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(ip, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        return sa;
    }

    private static short checksum(MemorySegment packet) {
        long sum = 0;
        for (long i = 0; i + 1 < packet.byteSize(); i += 2) {
            sum += ((packet.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8) | (packet.get(ValueLayout.JAVA_BYTE, i + 1) & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
