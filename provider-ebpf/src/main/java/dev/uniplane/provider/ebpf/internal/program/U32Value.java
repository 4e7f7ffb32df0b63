package dev.uniplane.provider.ebpf.internal.program;

/**
 * The 4-byte values: {@code struct up_route} (next-hop group id), {@code struct up_identity} (identity) and the
 * endpoint index of {@code up_ifindex}; also its u32 keys (ifindex, group id, counter index). Host order.
 */
public final class U32Value {
    public static final int SIZE = 4;

    private U32Value() {
    }

    public static byte[] encode(int value) {
        byte[] b = new byte[SIZE];
        Wire.u32(b, 0, value);
        return b;
    }

    public static int decode(byte[] b) {
        if (b.length != SIZE) {
            throw new IllegalArgumentException("u32 of " + b.length + " bytes");
        }
        return Wire.u32(b, 0);
    }
}
