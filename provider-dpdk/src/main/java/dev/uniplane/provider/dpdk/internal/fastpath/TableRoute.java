package dev.uniplane.provider.dpdk.internal.fastpath;

import java.util.List;

/**
 * One IPv4 prefix of a {@link ForwardingTable} and its next hops (several = ECMP).
 *
 * @param address the network address, host byte order
 * @param length  the prefix length, 0-32
 * @param hops    one or more hops
 */
public record TableRoute(int address, int length, List<Hop> hops) {
    /** Validates and copies. */
    public TableRoute {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32: " + length);
        }
        hops = List.copyOf(hops);
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("a route needs a hop");
        }
    }
}
