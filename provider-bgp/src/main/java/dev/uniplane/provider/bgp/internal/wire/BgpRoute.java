package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * One BGP path, decoded: prefix, next hop, communities (each {@code AS << 16 | value}), the neighbor it came from
 * (empty for a locally originated path), whether GoBGP selected it as best, and whether it is a withdrawal.
 */
public record BgpRoute(IpPrefix prefix, IpAddress nextHop, List<Long> communities, String neighbor, boolean best,
                       boolean withdrawal) {
    public BgpRoute {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(nextHop, "nextHop");
        communities = List.copyOf(communities);
        Objects.requireNonNull(neighbor, "neighbor");
    }

    /** A locally originated announcement of {@code prefix} via {@code nextHop}. */
    public static BgpRoute announce(IpPrefix prefix, IpAddress nextHop, List<Long> communities) {
        return new BgpRoute(prefix, nextHop, communities, "", false, false);
    }

    /** Community {@code asn:value} as the 32-bit number BGP carries. */
    public static long community(int asn, int value) {
        return (asn & 0xffffL) << 16 | (value & 0xffffL);
    }
}
