package dev.uniplane.provider.dpdk;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a gateway's MAC through the node namespace's kernel: the uplink keeps its address there, so the kernel owns
 * ARP on the uplink (it answers the router's requests for the node address, and it resolves gateways). A UDP datagram
 * to the discard port from a socket opened in the node namespace makes it resolve; the entry is then read over
 * rtnetlink. Resolved once per gateway and dataplane (a changed gateway MAC needs the route to be programmed again).
 */
final class GatewayResolver {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int USABLE = ~(NeighbourInfo.NUD_INCOMPLETE | 0x20 /* NUD_FAILED */) & 0xff;

    private final NetNs node;
    private final RtNetlink links;
    private final Map<IpAddress, Long> cache = new HashMap<>();

    GatewayResolver(NetNs node, RtNetlink links) {
        this.node = node;
        this.links = links;
    }

    /** The gateway's MAC as a 48-bit value; waits up to 3 s for ARP. */
    long resolve(IpAddress gateway) {
        Long known = cache.get(gateway);
        if (known != null) {
            return known;
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long nextProbe = 0;
        while (true) {
            Optional<Long> mac = lookup(gateway);
            if (mac.isPresent()) {
                cache.put(gateway, mac.get());
                return mac.get();
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new BackendException("resolve gateway " + gateway, "EHOSTUNREACH",
                        "no ARP answer on the uplink within " + TIMEOUT.toSeconds() + " s (node namespace " + node.path() + ")");
            }
            if (now - nextProbe > 0) {
                probe(gateway);
                nextProbe = now + Duration.ofMillis(500).toNanos();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("resolve gateway " + gateway, "EINTR", "interrupted");
            }
        }
    }

    private Optional<Long> lookup(IpAddress gateway) {
        return links.neighbours(RtNetlink.AF_INET).stream()
                .filter(n -> !n.proxy() && n.mac() != null && (n.state() & USABLE) != 0)
                .filter(n -> IpAddress.of(n.address()).equals(gateway))
                .map(n -> dev.uniplane.api.MacAddress.ofBytes(n.mac().bytes()).value())
                .findFirst();
    }

    private void probe(IpAddress gateway) {
        node.execute(() -> {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.send(ByteBuffer.wrap(new byte[] {0}), new InetSocketAddress(gateway.toInetAddress(), 9));
            } catch (java.io.IOException e) {
                // no route to it from the node: the deadline reports it
            }
        });
    }
}
