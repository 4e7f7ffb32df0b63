package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A raw IP socket for one protocol number through FFM (Java has none), used for protocols the kernel has no module
 * for, such as SCTP. Open it inside the namespace it should live in ({@link dev.uniplane.linux.NetNs#run}); it may be
 * used from any thread afterwards. IPv4 sockets receive the IP header in front of the payload, IPv6 sockets do not.
 */
final class RawSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int MAX_PACKET = 65536;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = libc("socket", true, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = libc("bind", true, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = libc("sendto", true, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECVFROM = libc("recvfrom", false, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle POLL = libc("poll", false, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = libc("close", false, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", true, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final int IPPROTO_IP = 0;
    private static final int IP_TTL = 2;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_UNICAST_HOPS = 16;

    private final IpFamily family;
    private final int protocol;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(MAX_PACKET);
    private final MemorySegment peer = arena.allocate(28);
    private final MemorySegment peerLength = arena.allocate(ValueLayout.JAVA_INT);
    private final MemorySegment pollfd = arena.allocate(8);

    /**
     * A packet received.
     *
     * @param data    the bytes (for IPv4 the IP header first)
     * @param from    the sender's address
     * @param payload offset of the protocol's header in {@code data}
     */
    record Received(byte[] data, IpAddress from, int payload) {
    }

    private RawSocket(IpFamily family, int protocol, int fd) {
        this.family = family;
        this.protocol = protocol;
        this.fd = fd;
    }

    private static MethodHandle libc(String name, boolean errno, FunctionDescriptor fd) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
        return errno ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno")) : LINKER.downcallHandle(symbol, fd);
    }

    /** A raw socket of {@code family} for IP protocol {@code protocol}, in the calling thread's namespace. */
    static RawSocket open(IpFamily family, int protocol) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, family == IpFamily.IPV4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new IllegalStateException("raw socket for protocol " + protocol + " failed, errno " + errno(state)
                        + " (needs CAP_NET_RAW)");
            }
            return new RawSocket(family, protocol, fd);
        } catch (Throwable t) {
            throw rethrow(t, "raw socket for protocol " + protocol);
        }
    }

    /** Binds to a local address: sends from it and receives only packets addressed to it. */
    void bind(IpAddress local) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment sa = sockaddr(call, local);
            int rc = (int) BIND.invokeExact(state, fd, sa, (int) sa.byteSize());
            if (rc != 0) {
                throw new IllegalStateException("bind raw socket (protocol " + protocol + ") to " + local + " failed, errno " + errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t, "bind to " + local);
        }
    }

    /** Sets the TTL (IPv4) or unicast hop limit (IPv6) of the packets this socket sends, 1-255. */
    void hopLimit(int ttl) {
        boolean v4 = family == IpFamily.IPV4;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment value = call.allocateFrom(ValueLayout.JAVA_INT, ttl);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TTL : IPV6_UNICAST_HOPS, value, 4);
            if (rc != 0) {
                throw new IllegalStateException("setsockopt TTL " + ttl + " failed, errno " + errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t, "set TTL " + ttl);
        }
    }

    /** Sends {@code payload} (the protocol header onwards; the kernel adds the IP header) to {@code destination}. */
    void send(byte[] payload, IpAddress destination) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment sa = sockaddr(call, destination);
            MemorySegment data = call.allocateFrom(ValueLayout.JAVA_BYTE, payload);
            long sent = (long) SENDTO.invokeExact(state, fd, data, (long) payload.length, 0, sa, (int) sa.byteSize());
            if (sent != payload.length) {
                throw new IllegalStateException("sendto " + destination + " (protocol " + protocol + ") failed, errno " + errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t, "send to " + destination);
        }
    }

    /** The next packet within {@code timeout}, or empty. Not thread-safe: one receiver per socket. */
    Optional<Received> receive(Duration timeout) {
        try {
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int ready = (int) POLL.invokeExact(pollfd, 1L, (int) Math.max(0, timeout.toMillis()));
            if (ready <= 0) {
                return Optional.empty();
            }
            peerLength.set(ValueLayout.JAVA_INT, 0, (int) peer.byteSize());
            long n = (long) RECVFROM.invokeExact(fd, buffer, buffer.byteSize(), 0, peer, peerLength);
            if (n <= 0) {
                return Optional.empty();
            }
            byte[] data = Arrays.copyOf(buffer.toArray(ValueLayout.JAVA_BYTE), (int) n);
            boolean v4 = family == IpFamily.IPV4;
            byte[] address = v4 ? peer.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE) : peer.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            int payload = v4 ? (data[0] & 0x0f) * 4 : 0;
            return Optional.of(new Received(data, IpAddress.ofBytes(address), payload));
        } catch (Throwable t) {
            throw rethrow(t, "receive");
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t, "close");
        } finally {
            arena.close();
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t, String what) {
        return t instanceof RuntimeException re ? re : new IllegalStateException(what + " failed", t);
    }

    private static MemorySegment sockaddr(Arena arena, IpAddress address) {
        byte[] ip = address.toBytes();
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
}
