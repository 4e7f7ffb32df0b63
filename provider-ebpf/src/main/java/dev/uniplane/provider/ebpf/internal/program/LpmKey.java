package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_LPM_V4_KEY;
import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_LPM_V6_KEY;

import java.util.Objects;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;

/**
 * Key of the route and ipcache LPM tries ({@code struct up_lpm_v4_key}, 8 bytes / {@code up_lpm_v6_key}, 20 bytes):
 * host-order prefix length, then the (masked) address in network order.
 */
public record LpmKey(IpPrefix prefix) {
    public static final int V4_SIZE = (int) UP_LPM_V4_KEY.byteSize();
    public static final int V6_SIZE = (int) UP_LPM_V6_KEY.byteSize();

    public LpmKey {
        Objects.requireNonNull(prefix, "prefix");
    }

    public static int size(IpFamily family) {
        return family == IpFamily.IPV4 ? V4_SIZE : V6_SIZE;
    }

    public byte[] encode() {
        byte[] b = new byte[size(prefix.family())];
        Wire.u32(b, 0, prefix.length());
        Wire.bytes(b, 4, prefix.address().toBytes());
        return b;
    }

    public static LpmKey decode(byte[] b) {
        if (b.length != V4_SIZE && b.length != V6_SIZE) {
            throw new IllegalArgumentException("LPM key of " + b.length + " bytes");
        }
        return new LpmKey(new IpPrefix(IpAddress.ofBytes(Wire.bytes(b, 4, b.length - 4)), Wire.u32(b, 0)));
    }
}
