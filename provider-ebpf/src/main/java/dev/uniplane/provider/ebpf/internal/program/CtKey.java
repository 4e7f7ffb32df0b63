package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_CT_KEY;

import java.util.Arrays;

import dev.uniplane.api.IpAddress;

/**
 * Key of {@code up_ct} ({@code struct up_ct_key}, 40 bytes), normalised so that (a, portA) is the smaller endpoint.
 * ICMP echo maps the id to the requester's port (request: source port, reply: destination port).
 */
public record CtKey(int protocol, IpAddress a, int portA, IpAddress b, int portB) {
    public static final int SIZE = (int) UP_CT_KEY.byteSize();

    /** The normalised key of a packet src:sport -> dst:dport. */
    public static CtKey of(int protocol, IpAddress src, int sport, IpAddress dst, int dport) {
        int c = Arrays.compareUnsigned(src.toBytes(), dst.toBytes());
        if (c == 0) {
            c = Integer.compare(sport, dport);
        }
        return c <= 0 ? new CtKey(protocol, src, sport, dst, dport) : new CtKey(protocol, dst, dport, src, sport);
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Wire.u8(out, Wire.offset(UP_CT_KEY, "family"), EndpointKey.familyCode(a.family()));
        Wire.u8(out, Wire.offset(UP_CT_KEY, "proto"), protocol);
        Wire.bytes(out, Wire.offset(UP_CT_KEY, "addr_a"), a.toBytes());
        Wire.bytes(out, Wire.offset(UP_CT_KEY, "addr_b"), b.toBytes());
        Wire.be16(out, Wire.offset(UP_CT_KEY, "port_a"), portA);
        Wire.be16(out, Wire.offset(UP_CT_KEY, "port_b"), portB);
        return out;
    }

    public static CtKey decode(byte[] in) {
        Wire.check(in, UP_CT_KEY);
        int len = Wire.u8(in, Wire.offset(UP_CT_KEY, "family")) == 4 ? 4 : 16;
        return new CtKey(Wire.u8(in, Wire.offset(UP_CT_KEY, "proto")),
                IpAddress.ofBytes(Wire.bytes(in, Wire.offset(UP_CT_KEY, "addr_a"), len)),
                Wire.be16(in, Wire.offset(UP_CT_KEY, "port_a")),
                IpAddress.ofBytes(Wire.bytes(in, Wire.offset(UP_CT_KEY, "addr_b"), len)),
                Wire.be16(in, Wire.offset(UP_CT_KEY, "port_b")));
    }
}
