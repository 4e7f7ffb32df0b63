package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.RtNetlink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers SCTP INITs sent to one port of a host with an INIT ACK (ports swapped, the client's tag as verification
 * tag), so that a probe sees the server side's reply cross the dataplane as return traffic of its flow. The kernel needs
 * no SCTP module: one raw socket per local address of the host's namespace, each bound to it so that the answer leaves
 * from the address the INIT was sent to. Raw sockets get a copy of every SCTP packet, so several responders (one per
 * port) can run in one namespace. Close it to stop.
 */
public final class SctpResponder implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    private final Host host;
    private final int port;
    private final List<RawSocket> sockets = new ArrayList<>();
    private final List<Thread> loops = new ArrayList<>();
    private final List<IpAddress> peers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private SctpResponder(Host host, int port) {
        this.host = host;
        this.port = port;
        host.netns().run(() -> {
            try (RtNetlink nl = RtNetlink.open()) {
                for (AddressInfo a : nl.addresses(RtNetlink.AF_UNSPEC)) {
                    if (a.prefix().address().toInetAddress().isLinkLocalAddress()) {
                        continue;
                    }
                    IpAddress local = a.prefix().address();
                    RawSocket socket = RawSocket.open(local.family(), SctpPackets.PROTOCOL);
                    try {
                        socket.bind(local);
                    } catch (IllegalStateException notYetUsable) {
                        socket.close(); // e.g. an IPv6 address still in DAD
                        continue;
                    }
                    sockets.add(socket);
                }
            }
            return null;
        });
        for (RawSocket socket : sockets) {
            loops.add(Thread.ofPlatform().daemon().name("sctp-" + host.name() + "-" + port).start(() -> serve(socket)));
        }
    }

    /** Starts answering INITs to {@code port} on every address of {@code host}. */
    static SctpResponder start(Host host, int port) {
        return new SctpResponder(host, port);
    }

    /** The port it answers on. */
    public int port() {
        return port;
    }

    /** Addresses of the clients whose INIT it answered, oldest first. */
    public List<IpAddress> peers() {
        return List.copyOf(peers);
    }

    private void serve(RawSocket socket) {
        while (running) {
            Optional<RawSocket.Received> in;
            try {
                in = socket.receive(POLL);
            } catch (IllegalStateException closed) {
                return;
            }
            try {
                in.ifPresent(packet -> answer(socket, packet));
            } catch (IllegalStateException sendFailed) {
                // An answer that cannot be sent is lost, as on a real network; keep serving.
            }
        }
    }

    private void answer(RawSocket socket, RawSocket.Received packet) {
        Optional<SctpPackets.Header> parsed = SctpPackets.parse(packet.data(), packet.payload(), packet.data().length - packet.payload());
        if (parsed.isEmpty()) {
            return;
        }
        SctpPackets.Header init = parsed.get();
        if (init.destinationPort() != port || init.chunkType() != SctpPackets.CHUNK_INIT || init.verificationTag() != 0) {
            return;
        }
        peers.add(packet.from());
        int ownTag = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        socket.send(SctpPackets.initAck(port, init.sourcePort(), init.initiateTag(), ownTag), packet.from());
    }

    @Override
    public void close() {
        running = false;
        try {
            for (Thread loop : loops) {
                loop.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.forEach(RawSocket::close);
        }
    }

    @Override
    public String toString() {
        return "SctpResponder[" + host.name() + ":" + port + "]";
    }
}
