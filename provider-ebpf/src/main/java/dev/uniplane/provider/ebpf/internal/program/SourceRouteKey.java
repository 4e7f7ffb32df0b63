package dev.uniplane.provider.ebpf.internal.program;

import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import java.util.Objects;

/**
 * Key of {@code up_src_routes} ({@code struct up_src_key}, 25 bytes, packed): a prefix an endpoint may send from
 * because it is routed to that endpoint. The LPM data is {be32 host ifindex; u8 family; addr[16]}, so the prefix
 * length is 40 + the prefix's own length.
 */
public record SourceRouteKey(int hostIfindex, IpPrefix prefix) {
    public static final int SIZE = 25;

    public SourceRouteKey {
        Objects.requireNonNull(prefix, "prefix");
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, 0, 40 + prefix.length());
        Wire.be32(b, 4, hostIfindex);
        Wire.u8(b, 8, prefix.family() == IpFamily.IPV4 ? 4 : 6);
        Wire.bytes(b, 9, prefix.address().toBytes());
        return b;
    }
}
