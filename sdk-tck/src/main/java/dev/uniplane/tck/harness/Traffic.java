package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real packets between namespaces. Sockets are created inside the sender's or receiver's namespace (on a platform
 * thread, {@link dev.uniplane.linux.NetNs#run}) and then used from the calling thread: a socket stays in the namespace it
 * was created in. Every probe is bounded by its timeout.
 */
public final class Traffic {
    /** Default deadline for one probe: 1.5 s times {@link KitTimeouts#scale()}. */
    public static final Duration TIMEOUT = KitTimeouts.scaled(Duration.ofMillis(1500));

    private Traffic() {
    }

    /** An echo server on {@code port} (TCP and UDP) inside a host; close it to stop. */
    public static EchoServer serve(Host host, int port) {
        return EchoServer.start(host, port);
    }

    /** Connects, sends a line and expects it echoed: DELIVERED, REFUSED (RST) or TIMED_OUT. */
    public static ProbeResult tcp(Host client, IpAddress destination, int port) {
        return tcp(client, null, destination, port, TIMEOUT);
    }

    /** TCP probe from a given source address of the client ({@code null} = the kernel's choice). */
    public static ProbeResult tcp(Host client, IpAddress source, IpAddress destination, int port, Duration timeout) {
        String what = "tcp " + client.name() + " -> " + hostPort(destination, port);
        long start = System.nanoTime();
        try (SocketChannel ch = client.netns().run(() -> SocketChannel.open(protocolFamily(destination)))) {
            if (source != null) {
                ch.bind(new InetSocketAddress(source.toInetAddress(), 0));
            }
            ch.configureBlocking(false);
            ch.connect(new InetSocketAddress(destination.toInetAddress(), port));
            try (Selector sel = Selector.open()) {
                ch.register(sel, SelectionKey.OP_CONNECT);
                if (sel.select(remainingMillis(start, timeout)) == 0) {
                    return result(Outcome.TIMED_OUT, start, what);
                }
                try {
                    ch.finishConnect();
                } catch (ConnectException refused) {
                    return result(Outcome.REFUSED, start, what);
                }
                byte[] payload = ("probe " + what + "\n").getBytes(StandardCharsets.UTF_8);
                ch.write(ByteBuffer.wrap(payload));
                ByteBuffer in = ByteBuffer.allocate(payload.length);
                ch.register(sel, SelectionKey.OP_READ);
                while (in.hasRemaining()) {
                    sel.selectedKeys().clear();
                    if (sel.select(remainingMillis(start, timeout)) == 0) {
                        return result(Outcome.TIMED_OUT, start, what);
                    }
                    if (ch.read(in) < 0) {
                        return result(Outcome.REFUSED, start, what);
                    }
                }
                return result(Outcome.DELIVERED, start, what);
            }
        } catch (IOException e) {
            return new ProbeResult(Outcome.REFUSED, Duration.ofNanos(System.nanoTime() - start), what + " (" + e + ")", 1, 0);
        }
    }

    /** Sends one datagram and expects it echoed. */
    public static ProbeResult udp(Host client, IpAddress destination, int port) {
        return udp(client, null, destination, port, 0, TIMEOUT);
    }

    /**
     * Sends one datagram from {@code source} ({@code null} = the kernel's choice) and {@code sourcePort} (0 = ephemeral)
     * and waits for the echo. {@code packetsSent}/{@code bytesSent}
     * of the result are exact (one packet; IP + UDP headers + payload).
     */
    public static ProbeResult udp(Host client, IpAddress source, IpAddress destination, int port, int sourcePort, Duration timeout) {
        String what = "udp " + client.name() + " -> " + hostPort(destination, port);
        long start = System.nanoTime();
        byte[] payload = ("probe " + what).getBytes(StandardCharsets.UTF_8);
        long ipBytes = payload.length + 8 + (destination.family() == IpFamily.IPV4 ? 20 : 40);
        try (DatagramChannel ch = client.netns().run(() -> DatagramChannel.open(protocolFamily(destination)))) {
            if (source != null || sourcePort != 0) {
                ch.bind(source == null ? new InetSocketAddress(sourcePort) : new InetSocketAddress(source.toInetAddress(), sourcePort));
            }
            ch.connect(new InetSocketAddress(destination.toInetAddress(), port));
            ch.configureBlocking(false);
            ch.write(ByteBuffer.wrap(payload));
            try (Selector sel = Selector.open()) {
                ch.register(sel, SelectionKey.OP_READ);
                ByteBuffer in = ByteBuffer.allocate(2048);
                if (sel.select(remainingMillis(start, timeout)) == 0) {
                    return new ProbeResult(Outcome.TIMED_OUT, elapsed(start), what, 1, ipBytes);
                }
                try {
                    ch.read(in);
                } catch (PortUnreachableException unreachable) {
                    return new ProbeResult(Outcome.REFUSED, elapsed(start), what, 1, ipBytes);
                }
                return new ProbeResult(Outcome.DELIVERED, elapsed(start), what, 1, ipBytes);
            }
        } catch (IOException e) {
            return new ProbeResult(Outcome.REFUSED, elapsed(start), what + " (" + e + ")", 1, ipBytes);
        }
    }

    /** An SCTP responder on {@code port} inside a host (answers INIT with INIT ACK); close it to stop. */
    public static SctpResponder serveSctp(Host host, int port) {
        return SctpResponder.start(host, port);
    }

    /** Sends one SCTP INIT and expects the INIT ACK of a {@link SctpResponder}: DELIVERED or TIMED_OUT. */
    public static ProbeResult sctp(Host client, IpAddress destination, int port) {
        return sctp(client, null, destination, port, TIMEOUT);
    }

    /**
     * Sends one SCTP INIT from {@code source} ({@code null} = the kernel's choice) and a fresh random source port, so
     * every probe is a new flow, and waits for the matching INIT ACK (ports swapped, our initiate tag as its
     * verification tag). {@code packetsSent}/{@code bytesSent} are exact (one packet; IP header + INIT).
     */
    public static ProbeResult sctp(Host client, IpAddress source, IpAddress destination, int port, Duration timeout) {
        return sctp(client, source, java.util.concurrent.ThreadLocalRandom.current().nextInt(49152, 65536), destination, port, timeout);
    }

    /**
     * Same, from a chosen {@code sourcePort}: e.g. a server's own port, to send what looks like a reply of one of its
     * flows but belongs to none (a different destination port).
     */
    public static ProbeResult sctp(Host client, IpAddress source, int sourcePort, IpAddress destination, int port, Duration timeout) {
        String what = "sctp " + client.name() + " :" + sourcePort + " -> " + hostPort(destination, port);
        long start = System.nanoTime();
        int tag = java.util.concurrent.ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        byte[] init = SctpPackets.init(sourcePort, port, tag);
        long ipBytes = init.length + (destination.family() == IpFamily.IPV4 ? 20 : 40);
        try (RawSocket socket = client.netns().run(() -> RawSocket.open(destination.family(), SctpPackets.PROTOCOL))) {
            if (source != null) {
                socket.bind(source);
            }
            socket.send(init, destination);
            while (true) {
                long left = timeout.toMillis() - (System.nanoTime() - start) / 1_000_000;
                if (left <= 0) {
                    return new ProbeResult(Outcome.TIMED_OUT, elapsed(start), what, 1, ipBytes);
                }
                var in = socket.receive(Duration.ofMillis(left));
                var answer = in.flatMap(p -> SctpPackets.parse(p.data(), p.payload(), p.data().length - p.payload()));
                if (answer.isPresent() && answer.get().sourcePort() == port && answer.get().destinationPort() == sourcePort
                        && answer.get().verificationTag() == tag && answer.get().chunkType() == SctpPackets.CHUNK_INIT_ACK
                        && in.get().from().equals(destination)) {
                    return new ProbeResult(Outcome.DELIVERED, elapsed(start), what, 1, ipBytes);
                }
            }
        }
    }

    /** One ICMP (or ICMPv6) echo request through a raw socket in the client's namespace. */
    public static ProbeResult ping(Host client, IpAddress destination) {
        return ping(client, destination, TIMEOUT);
    }

    public static ProbeResult ping(Host client, IpAddress destination, Duration timeout) {
        return ping(client, destination, IcmpEcho.DEFAULT_TTL, timeout);
    }

    /** One echo request sent with TTL (hop limit) {@code ttl}. */
    public static ProbeResult ping(Host client, IpAddress destination, int ttl, Duration timeout) {
        String what = "ping " + client.name() + " -> " + destination + (ttl == IcmpEcho.DEFAULT_TTL ? "" : " ttl " + ttl);
        long start = System.nanoTime();
        boolean replied = client.netns().run(() -> IcmpEcho.ping(destination, SEQUENCE.incrementAndGet() & 0xffff, timeout, ttl));
        long ipBytes = IcmpEcho.PAYLOAD + 8 + (destination.family() == IpFamily.IPV4 ? 20 : 40);
        return new ProbeResult(replied ? Outcome.DELIVERED : Outcome.TIMED_OUT, elapsed(start), what, 1, ipBytes);
    }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static java.net.ProtocolFamily protocolFamily(IpAddress address) {
        return address.family() == IpFamily.IPV4 ? java.net.StandardProtocolFamily.INET : java.net.StandardProtocolFamily.INET6;
    }

    private static String hostPort(IpAddress address, int port) {
        return (address.family() == IpFamily.IPV6 ? "[" + address + "]" : address.toString()) + ":" + port;
    }

    private static long remainingMillis(long startNanos, Duration timeout) {
        long left = timeout.toMillis() - (System.nanoTime() - startNanos) / 1_000_000;
        return Math.max(1, left);
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static ProbeResult result(Outcome outcome, long start, String what) {
        return new ProbeResult(outcome, elapsed(start), what, 1, 0);
    }
}
