package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_IP_KEY;

import java.util.Arrays;
import java.util.Objects;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;

/** Key of {@code up_endpoints} ({@code struct up_ip_key}, 20 bytes): family + address, pad bytes zero. */
public record EndpointKey(IpAddress address) {
    public static final int SIZE = (int) UP_IP_KEY.byteSize();
    private static final long FAMILY = Wire.offset(UP_IP_KEY, "family");
    private static final long ADDR = Wire.offset(UP_IP_KEY, "addr");

    public EndpointKey {
        Objects.requireNonNull(address, "address");
    }

    /** {@code UP_FAMILY_V4} = 4 or {@code UP_FAMILY_V6} = 6. */
    public static int familyCode(IpFamily family) {
        return family == IpFamily.IPV4 ? 4 : 6;
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u8(b, FAMILY, familyCode(address.family()));
        Wire.bytes(b, ADDR, address.toBytes());
        return b;
    }

    public static EndpointKey decode(byte[] b) {
        Wire.check(b, UP_IP_KEY);
        int family = Wire.u8(b, FAMILY);
        byte[] addr = Wire.bytes(b, ADDR, 16);
        return new EndpointKey(IpAddress.ofBytes(family == 4 ? Arrays.copyOf(addr, 4) : addr));
    }
}
