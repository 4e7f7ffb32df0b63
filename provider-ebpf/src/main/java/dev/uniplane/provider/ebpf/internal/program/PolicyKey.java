package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_POLICY_KEY;

/**
 * Key of the policy LPM ({@code struct up_policy_key}, 16 bytes, packed). The data part (after the host-order prefix
 * length) is big-endian and matched MSB first: endpoint index (bits 0-31), direction (32-39), peer identity
 * (40-71), protocol (72-79), destination port (80-95). Bits beyond the prefix length are encoded as zero.
 *
 * @param prefixLen {@link #ISOLATION} (40), {@link #IDENTITY} (72), {@link #PROTOCOL} (80) or 80 + port prefix bits
 */
public record PolicyKey(int prefixLen, int endpointIndex, int direction, int identity, int protocol, int port) {
    public static final int SIZE = (int) UP_POLICY_KEY.byteSize();
    /** {endpoint, direction}: the isolation catch-all. */
    public static final int ISOLATION = 40;
    /** + identity: any protocol. */
    public static final int IDENTITY = 72;
    /** + protocol: any port. */
    public static final int PROTOCOL = 80;
    /** Everything: what the program looks up. */
    public static final int FULL = 96;
    public static final int INGRESS = 0;
    public static final int EGRESS = 1;
    private static final long PREFIXLEN = Wire.offset(UP_POLICY_KEY, "prefixlen");
    private static final long EP = Wire.offset(UP_POLICY_KEY, "ep_index");
    private static final long DIR = Wire.offset(UP_POLICY_KEY, "direction");
    private static final long ID = Wire.offset(UP_POLICY_KEY, "identity");
    private static final long PROTO = Wire.offset(UP_POLICY_KEY, "proto");
    private static final long PORT = Wire.offset(UP_POLICY_KEY, "dport");

    public PolicyKey {
        if (prefixLen < ISOLATION || prefixLen > FULL) {
            throw new IllegalArgumentException("policy prefix length " + prefixLen);
        }
        // canonical form: nothing beyond the prefix
        if (prefixLen < IDENTITY) {
            identity = 0;
        }
        if (prefixLen < PROTOCOL) {
            protocol = 0;
        }
        int portBits = Math.max(0, prefixLen - PROTOCOL);
        port = portBits == 0 ? 0 : port & (0xffff << (16 - portBits)) & 0xffff;
    }

    public static PolicyKey isolation(int endpointIndex, int direction) {
        return new PolicyKey(ISOLATION, endpointIndex, direction, 0, 0, 0);
    }

    public static PolicyKey identity(int endpointIndex, int direction, int identity) {
        return new PolicyKey(IDENTITY, endpointIndex, direction, identity, 0, 0);
    }

    public static PolicyKey protocol(int endpointIndex, int direction, int identity, int protocol) {
        return new PolicyKey(PROTOCOL, endpointIndex, direction, identity, protocol, 0);
    }

    public static PolicyKey port(int endpointIndex, int direction, int identity, int protocol, int port, int portBits) {
        return new PolicyKey(PROTOCOL + portBits, endpointIndex, direction, identity, protocol, port);
    }

    /** The key the program looks up for a packet. */
    public static PolicyKey lookup(int endpointIndex, int direction, int identity, int protocol, int port) {
        return new PolicyKey(FULL, endpointIndex, direction, identity, protocol, port);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, PREFIXLEN, prefixLen);
        Wire.be32(b, EP, endpointIndex);
        Wire.u8(b, DIR, direction);
        Wire.be32(b, ID, identity);
        Wire.u8(b, PROTO, protocol);
        Wire.be16(b, PORT, port);
        return b;
    }

    public static PolicyKey decode(byte[] b) {
        Wire.check(b, UP_POLICY_KEY);
        return new PolicyKey(Wire.u32(b, PREFIXLEN), Wire.be32(b, EP), Wire.u8(b, DIR), Wire.be32(b, ID),
                Wire.u8(b, PROTO), Wire.be16(b, PORT));
    }

    /** Whether this (stored) prefix covers {@code full} (a {@link #FULL} key): the LPM match test. */
    public boolean covers(PolicyKey full) {
        byte[] mine = encode();
        byte[] other = full.encode();
        for (int bit = 0; bit < prefixLen; bit++) {
            int i = 4 + bit / 8;
            int mask = 0x80 >>> (bit % 8);
            if ((mine[i] & mask) != (other[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
