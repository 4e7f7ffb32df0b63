package dev.uniplane.provider.ebpf.internal.datapath;

import java.nio.ByteBuffer;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;

/** Crafts Ethernet frames (IPv4/IPv6 with TCP, UDP, ICMP, ICMPv6) for BPF_PROG_TEST_RUN. */
final class Packets {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;
    static final int ETH_HLEN = 14;

    private Packets() {
    }

    /** A frame: Ethernet + IP (TTL/hop limit {@code ttl}) + an L4 header. */
    static byte[] frame(MacAddress dstMac, MacAddress srcMac, IpAddress src, IpAddress dst, int ttl, byte[] l4, int proto) {
        boolean v4 = src.isV4();
        int ipLen = v4 ? 20 : 40;
        ByteBuffer b = ByteBuffer.allocate(ETH_HLEN + ipLen + l4.length);
        b.put(dstMac.toBytes()).put(srcMac.toBytes()).putShort((short) (v4 ? 0x0800 : 0x86dd));
        if (v4) {
            int start = b.position();
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 0x1234)
                    .putShort((short) 0x4000).put((byte) ttl).put((byte) proto).putShort((short) 0)
                    .put(src.toBytes()).put(dst.toBytes());
            int csum = ipv4Checksum(b.array(), start);
            b.putShort(start + 10, (short) csum);
        } else {
            b.putInt(0x60000000).putShort((short) l4.length).put((byte) proto).put((byte) ttl)
                    .put(src.toBytes()).put(dst.toBytes());
        }
        b.put(l4);
        return b.array();
    }

    static byte[] tcp(int sport, int dport, int flags) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        return b.array();
    }

    static byte[] udp(int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putShort((short) sport).putShort((short) dport).putShort((short) 12).putShort((short) 0).putInt(0xdeadbeef);
        return b.array();
    }

    static byte[] sctp(int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putShort((short) sport).putShort((short) dport).putInt(0).putInt(0);
        return b.array();
    }

    /** ICMP / ICMPv6 echo (type 8/0 or 128/129) with an id. */
    static byte[] echo(int type, int id) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1).putLong(42);
        return b.array();
    }

    /** An ICMP error (e.g. type 3 code 3) quoting {@code quotedIpPacket} (IP header + at least 8 bytes). */
    static byte[] icmpError(int type, int code, byte[] quotedIpPacket) {
        ByteBuffer b = ByteBuffer.allocate(8 + quotedIpPacket.length);
        b.put((byte) type).put((byte) code).putShort((short) 0).putInt(0).put(quotedIpPacket);
        return b.array();
    }

    /** The IP packet of a frame (without Ethernet). */
    static byte[] ipPart(byte[] frame) {
        byte[] out = new byte[frame.length - ETH_HLEN];
        System.arraycopy(frame, ETH_HLEN, out, 0, out.length);
        return out;
    }

    static byte[] arpRequest(MacAddress src) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(src.toBytes()).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(src.toBytes()).put(new byte[] {10, 0, 0, 1}).put(new byte[6]).put(new byte[] {(byte) 169, (byte) 254, 1, 1});
        return b.array();
    }

    static int ipv4Checksum(byte[] frame, int start) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((frame[start + i] & 0xff) << 8) | (frame[start + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    /** True when the IPv4 header checksum of the frame verifies (sum over the header incl. checksum = 0xffff). */
    static boolean ipv4ChecksumValid(byte[] frame) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((frame[ETH_HLEN + i] & 0xff) << 8) | (frame[ETH_HLEN + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum == 0xffff;
    }

    static MacAddress dstMac(byte[] frame) {
        byte[] m = new byte[6];
        System.arraycopy(frame, 0, m, 0, 6);
        return MacAddress.ofBytes(m);
    }

    static MacAddress srcMac(byte[] frame) {
        byte[] m = new byte[6];
        System.arraycopy(frame, 6, m, 0, 6);
        return MacAddress.ofBytes(m);
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    static int ttl(byte[] frame) {
        boolean v4 = ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) == 0x0800;
        return frame[ETH_HLEN + (v4 ? 8 : 7)] & 0xff;
    }
}
