package dev.uniplane.provider.dpdk.internal.fastpath;

import java.util.List;

/**
 * One IPv4 or IPv6 prefix of a {@link ForwardingTable} and its next hops (several = ECMP).
 *
 * @param v6     whether the prefix is IPv6
 * @param high   IPv6: the high 64 bits of the network address; IPv4: 0
 * @param low    IPv6: the low 64 bits; IPv4: the network address (host byte order) in the low 32 bits
 * @param length the prefix length, 0-32 (IPv4) or 0-128 (IPv6)
 * @param hops   one or more hops
 */
public record TableRoute(boolean v6, long high, long low, int length, List<Hop> hops) {
    /** Validates and copies. */
    public TableRoute {
        if (length < 0 || length > (v6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length must be 0-" + (v6 ? 128 : 32) + ": " + length);
        }
        if (!v6 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address exceeds 32 bits: " + Long.toHexString(low));
        }
        hops = List.copyOf(hops);
        if (hops.isEmpty()) {
            throw new IllegalArgumentException("a route needs a hop");
        }
    }

    /** An IPv4 route. */
    public TableRoute(int address, int length, List<Hop> hops) {
        this(false, 0, address & 0xffffffffL, length, hops);
    }

    /** An IPv6 route. */
    public static TableRoute v6(long high, long low, int length, List<Hop> hops) {
        return new TableRoute(true, high, low, length, hops);
    }

    /** The IPv4 network address (host byte order); meaningless for IPv6. */
    public int address() {
        return (int) low;
    }
}
