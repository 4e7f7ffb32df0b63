package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One OXM match field (OpenFlow 1.3 section 7.2.3.7) of class {@code OFPXMC_OPENFLOW_BASIC} (0x8000): the fields a
 * dataplane needs, each with its prerequisites left to the caller (OVS enforces them: IPV4_DST without ETH_TYPE
 * 0x0800 is BAD_MATCH/BAD_PREREQ). Address fields carry a prefix length; a full-length prefix is sent unmasked.
 * Also used as the payload of {@link Action.SetField}.
 */
public sealed interface Oxm {
    /** The OpenFlow basic class. */
    int CLASS_OPENFLOW_BASIC = 0x8000;

    /** The field number ({@code OFPXMT_OFB_*}). */
    int field();

    /** Ingress port. */
    record InPort(long port) implements Oxm {
        public int field() {
            return 0;
        }
    }

    /** Destination MAC (48 bits in a long). */
    record EthDst(long mac) implements Oxm {
        public int field() {
            return 3;
        }
    }

    /** Source MAC (48 bits in a long). */
    record EthSrc(long mac) implements Oxm {
        public int field() {
            return 4;
        }
    }

    /** Ethertype (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP). */
    record EthType(int ethType) implements Oxm {
        public int field() {
            return 5;
        }
    }

    /** IP protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6); needs ETH_TYPE. */
    record IpProto(int protocol) implements Oxm {
        public int field() {
            return 10;
        }
    }

    /** IPv4 source prefix; needs ETH_TYPE 0x0800. */
    record Ipv4Src(Inet4Address address, int prefixLength) implements Oxm {
        public Ipv4Src {
            checkPrefix(prefixLength, 32);
        }

        public int field() {
            return 11;
        }
    }

    /** IPv4 destination prefix; needs ETH_TYPE 0x0800. */
    record Ipv4Dst(Inet4Address address, int prefixLength) implements Oxm {
        public Ipv4Dst {
            checkPrefix(prefixLength, 32);
        }

        public int field() {
            return 12;
        }
    }

    /** TCP source port; needs IP_PROTO 6. */
    record TcpSrc(int port) implements Oxm {
        public int field() {
            return 13;
        }
    }

    /** TCP destination port; needs IP_PROTO 6. */
    record TcpDst(int port) implements Oxm {
        public int field() {
            return 14;
        }
    }

    /** UDP source port; needs IP_PROTO 17. */
    record UdpSrc(int port) implements Oxm {
        public int field() {
            return 15;
        }
    }

    /** UDP destination port; needs IP_PROTO 17. */
    record UdpDst(int port) implements Oxm {
        public int field() {
            return 16;
        }
    }

    /** IPv6 source prefix; needs ETH_TYPE 0x86dd. */
    record Ipv6Src(Inet6Address address, int prefixLength) implements Oxm {
        public Ipv6Src {
            checkPrefix(prefixLength, 128);
        }

        public int field() {
            return 26;
        }
    }

    /** IPv6 destination prefix; needs ETH_TYPE 0x86dd. */
    record Ipv6Dst(Inet6Address address, int prefixLength) implements Oxm {
        public Ipv6Dst {
            checkPrefix(prefixLength, 128);
        }

        public int field() {
            return 27;
        }
    }

    /** Any other TLV as received (hex strings keep equality by value). */
    record Other(int oxmClass, int field, boolean hasMask, String valueHex) implements Oxm {
    }

    private static void checkPrefix(int prefixLength, int max) {
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " outside 0.." + max);
        }
    }

    /** Writes the TLV: class, field&lt;&lt;1|hasmask, length, value[, mask]. */
    static void write(Oxm oxm, ByteBuffer out) {
        switch (oxm) {
            case InPort p -> header(out, p.field(), false, 4).putInt((int) p.port());
            case EthDst e -> putMac(header(out, e.field(), false, 6), e.mac());
            case EthSrc e -> putMac(header(out, e.field(), false, 6), e.mac());
            case EthType t -> header(out, t.field(), false, 2).putShort((short) t.ethType());
            case IpProto p -> header(out, p.field(), false, 1).put((byte) p.protocol());
            case Ipv4Src a -> putPrefix(out, a.field(), a.address(), a.prefixLength());
            case Ipv4Dst a -> putPrefix(out, a.field(), a.address(), a.prefixLength());
            case Ipv6Src a -> putPrefix(out, a.field(), a.address(), a.prefixLength());
            case Ipv6Dst a -> putPrefix(out, a.field(), a.address(), a.prefixLength());
            case TcpSrc p -> header(out, p.field(), false, 2).putShort((short) p.port());
            case TcpDst p -> header(out, p.field(), false, 2).putShort((short) p.port());
            case UdpSrc p -> header(out, p.field(), false, 2).putShort((short) p.port());
            case UdpDst p -> header(out, p.field(), false, 2).putShort((short) p.port());
            case Other o -> {
                byte[] value = HexFormat.of().parseHex(o.valueHex());
                out.putShort((short) o.oxmClass()).put((byte) (o.field() << 1 | (o.hasMask() ? 1 : 0))).put((byte) value.length).put(value);
            }
        }
    }

    private static ByteBuffer header(ByteBuffer out, int field, boolean hasMask, int length) {
        return out.putShort((short) CLASS_OPENFLOW_BASIC).put((byte) (field << 1 | (hasMask ? 1 : 0))).put((byte) length);
    }

    private static void putMac(ByteBuffer out, long mac) {
        for (int shift = 40; shift >= 0; shift -= 8) {
            out.put((byte) (mac >>> shift));
        }
    }

    private static void putPrefix(ByteBuffer out, int field, InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        boolean masked = prefixLength < bytes.length * 8;
        header(out, field, masked, masked ? 2 * bytes.length : bytes.length);
        byte[] mask = mask(bytes.length, prefixLength);
        for (int i = 0; i < bytes.length; i++) {
            out.put((byte) (bytes[i] & mask[i]));
        }
        if (masked) {
            out.put(mask);
        }
    }

    private static byte[] mask(int length, int prefixLength) {
        byte[] mask = new byte[length];
        for (int bit = 0; bit < prefixLength; bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }

    /** Reads one TLV. */
    static Oxm read(ByteBuffer in) {
        int oxmClass = in.getShort() & 0xffff;
        int fieldAndMask = in.get() & 0xff;
        int length = in.get() & 0xff;
        int field = fieldAndMask >>> 1;
        boolean hasMask = (fieldAndMask & 1) != 0;
        byte[] raw = new byte[length];
        in.get(raw);
        if (oxmClass != CLASS_OPENFLOW_BASIC) {
            return new Other(oxmClass, field, hasMask, HexFormat.of().formatHex(raw));
        }
        ByteBuffer v = ByteBuffer.wrap(raw);
        return switch (field) {
            case 0 -> new InPort(v.getInt() & 0xffffffffL);
            case 3 -> hasMask ? other(field, raw) : new EthDst(getMac(v));
            case 4 -> hasMask ? other(field, raw) : new EthSrc(getMac(v));
            case 5 -> new EthType(v.getShort() & 0xffff);
            case 10 -> new IpProto(v.get() & 0xff);
            case 11 -> new Ipv4Src((Inet4Address) address(raw, 4), prefixLength(raw, 4, hasMask));
            case 12 -> new Ipv4Dst((Inet4Address) address(raw, 4), prefixLength(raw, 4, hasMask));
            case 13 -> hasMask ? other(field, raw) : new TcpSrc(v.getShort() & 0xffff);
            case 14 -> hasMask ? other(field, raw) : new TcpDst(v.getShort() & 0xffff);
            case 15 -> hasMask ? other(field, raw) : new UdpSrc(v.getShort() & 0xffff);
            case 16 -> hasMask ? other(field, raw) : new UdpDst(v.getShort() & 0xffff);
            case 26 -> new Ipv6Src((Inet6Address) address(raw, 16), prefixLength(raw, 16, hasMask));
            case 27 -> new Ipv6Dst((Inet6Address) address(raw, 16), prefixLength(raw, 16, hasMask));
            default -> new Other(oxmClass, field, hasMask, HexFormat.of().formatHex(raw));
        };
    }

    private static Other other(int field, byte[] raw) {
        return new Other(CLASS_OPENFLOW_BASIC, field, true, HexFormat.of().formatHex(raw));
    }

    private static long getMac(ByteBuffer v) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (v.get() & 0xff);
        }
        return mac;
    }

    private static InetAddress address(byte[] raw, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOf(raw, length));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A contiguous mask's prefix length (a non-contiguous mask is rounded to its leading ones). */
    private static int prefixLength(byte[] raw, int length, boolean hasMask) {
        if (!hasMask) {
            return length * 8;
        }
        int bits = 0;
        for (int i = length; i < 2 * length; i++) {
            int b = raw[i] & 0xff;
            if (b == 0xff) {
                bits += 8;
                continue;
            }
            bits += Integer.numberOfLeadingZeros(~b & 0xff) - 24;
            break;
        }
        return bits;
    }

    /** Total TLV size on the wire. */
    static int size(Oxm oxm) {
        ByteBuffer scratch = ByteBuffer.allocate(4 + 32);
        write(oxm, scratch);
        return scratch.position();
    }
}
