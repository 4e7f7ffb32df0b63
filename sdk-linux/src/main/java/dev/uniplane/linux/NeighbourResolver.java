package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a neighbour's MAC (typically a gateway on an uplink) through a namespace's kernel: when its neighbour table
 * has no usable entry, one datagram to the address's discard port, sent from a socket opened in that namespace, makes
 * the kernel resolve it (ARP or ND); the table is then polled over rtnetlink. Results are cached; a changed MAC needs
 * {@link #forget}.
 */
public final class NeighbourResolver {
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    private static final int UNUSABLE = NeighbourInfo.NUD_INCOMPLETE | 0x20 /* NUD_FAILED */;

    private final NetNs netns;
    private final RtNetlink links;
    private final int ifIndex;
    private final Duration timeout;
    private final Map<IpAddress, MacAddress> cache = new HashMap<>();

    /**
     * @param links   a netlink socket of {@code netns}
     * @param ifIndex only entries on this interface count (0: any interface)
     */
    public NeighbourResolver(NetNs netns, RtNetlink links, int ifIndex, Duration timeout) {
        this.netns = netns;
        this.links = links;
        this.ifIndex = ifIndex;
        this.timeout = timeout;
    }

    /** The MAC of {@code address}; throws EHOSTUNREACH when nothing answered within the timeout. */
    public synchronized MacAddress resolve(IpAddress address) {
        MacAddress known = cache.get(address);
        if (known != null) {
            return known;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProbe = System.nanoTime();
        while (true) {
            Optional<MacAddress> mac = lookup(address);
            if (mac.isPresent()) {
                cache.put(address, mac.get());
                return mac.get();
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new LinuxException("resolve neighbour", address.toString(), Errno.EHOSTUNREACH,
                        "no ARP/ND answer within " + timeout.toMillis() + " ms in " + netns.path());
            }
            if (now - nextProbe >= 0) {
                probe(address);
                nextProbe = now + PROBE_INTERVAL.toNanos();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LinuxException("resolve neighbour", address.toString(), Errno.EINTR, "interrupted");
            }
        }
    }

    /** Drops a cached answer (the neighbour changed its MAC). */
    public synchronized void forget(IpAddress address) {
        cache.remove(address);
    }

    private Optional<MacAddress> lookup(IpAddress address) {
        return links.neighbours(address.isV4() ? RtNetlink.AF_INET : RtNetlink.AF_INET6).stream()
                .filter(n -> !n.proxy() && n.mac() != null && (n.state() & UNUSABLE) == 0 && n.state() != 0)
                .filter(n -> ifIndex == 0 || n.ifIndex() == ifIndex)
                .filter(n -> n.address().equals(address))
                .map(NeighbourInfo::mac)
                .findFirst();
    }

    private void probe(IpAddress address) {
        netns.execute(() -> {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.send(ByteBuffer.wrap(new byte[] {0}), new InetSocketAddress(address.toInetAddress(), 9));
            } catch (java.io.IOException e) {
                // no route to it from this namespace: the deadline reports it
            }
        });
    }
}
