package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ICMP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ICMPV6;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.TCP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U64_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.hasPorts;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u8;

/**
 * The router's parse stage and the packet being routed (lcore only; one instance, refilled per frame, so nothing is
 * allocated): the IP header's addresses as 128 bits (IPv4 as IPv4-mapped IPv6, {@link FlowTable#v4}), protocol, hop
 * limit position and L4 bounds, then the ports, TCP flags and ICMP kind the connection tracker needs. The fields are
 * read directly by the other stages.
 */
final class FrameParser {
    // what a packet is for the connection tracker
    static final int TRACKABLE = 0;
    static final int ECHO_REQUEST = 1;
    static final int ECHO_REPLY = 2;
    static final int ICMP_ERROR = 3;
    static final int ICMP_OTHER = 4;

    boolean v6;
    long srcHigh;
    long srcLow;
    long dstHigh;
    long dstLow;
    int protocol;
    long hopLimitAt;
    long l4;
    int l4Length;
    boolean firstFragment;
    // filled by readTransport
    int sport;
    int dport;
    int tcpFlags;
    int kind;

    /**
     * Parses the IPv4 or IPv6 header of frame {@code f} into the packet fields. IPv6 extension headers are not walked
     * (as provider-ebpf): the first next-header value stands as the protocol, so a fragment is protocol 44 without ports.
     *
     * @return false when the header is malformed (bad version, header or total length, an IPv4-mapped IPv6 address)
     */
    boolean parse(long f, int length, boolean ipv6) {
        v6 = ipv6;
        if (ipv6) {
            int payload = u16(f + 18);
            if (length < 54 || (u8(f + 14) >>> 4) != 6 || 54 + payload > length) {
                return false;
            }
            srcHigh = ALL.get(U64_BE, f + 22);
            srcLow = ALL.get(U64_BE, f + 30);
            dstHigh = ALL.get(U64_BE, f + 38);
            dstLow = ALL.get(U64_BE, f + 46);
            if (FlowTable.isV4(srcHigh, srcLow) || FlowTable.isV4(dstHigh, dstLow)) {
                return false; // IPv4-mapped addresses never appear on the wire (RFC 4291 2.5.5.2); here they would pass as IPv4
            }
            protocol = u8(f + 20);
            hopLimitAt = f + 21;
            l4 = f + 54;
            l4Length = payload;
            firstFragment = true;
            return true;
        }
        int versionIhl = u8(f + 14);
        int ihl = (versionIhl & 0xf) * 4;
        int totalLength = u16(f + 16);
        if ((versionIhl >>> 4) != 4 || ihl < 20 || totalLength < ihl || 14 + totalLength > length) {
            return false;
        }
        srcHigh = FlowTable.V4_HIGH;
        srcLow = FlowTable.v4(ALL.get(U32_BE, f + 26));
        dstHigh = FlowTable.V4_HIGH;
        dstLow = FlowTable.v4(ALL.get(U32_BE, f + 30));
        protocol = u8(f + 23);
        hopLimitAt = f + 22;
        l4 = f + 14 + ihl;
        l4Length = totalLength - ihl;
        firstFragment = (u16(f + 20) & 0x1fff) == 0;
        return true;
    }

    /** Whether the parsed packet is IPv6 to a link-scoped destination (fe80::/10, ff00::/8): never routed. */
    boolean linkScoped() {
        return v6 && ((dstHigh >>> 56) == 0xff || (dstHigh >>> 54) == (0xfe80L >>> 6));
    }

    /** Reads the ports (echo identifier for ICMP echo), the TCP flags and the tracker's kind of the parsed packet. */
    void readTransport() {
        sport = 0;
        dport = 0;
        tcpFlags = 0;
        kind = TRACKABLE;
        if (protocol == (v6 ? ICMPV6 : ICMP)) {
            int type = firstFragment && l4Length >= 8 ? u8(l4) : -1;
            kind = icmpKind(v6, type);
            if (kind == ECHO_REQUEST || kind == ECHO_REPLY) {
                sport = u16(l4 + 4);
                dport = sport;
            }
        } else if (firstFragment && hasPorts(protocol) && l4Length >= 4) {
            sport = u16(l4);
            dport = u16(l4 + 2);
            if (protocol == TCP && l4Length >= 14) {
                tcpFlags = u8(l4 + 13);
            }
        }
    }

    private static int icmpKind(boolean ipv6, int type) {
        if (ipv6) {
            return type == 128 ? ECHO_REQUEST : type == 129 ? ECHO_REPLY : type >= 1 && type <= 4 ? ICMP_ERROR : ICMP_OTHER;
        }
        return type == 8 ? ECHO_REQUEST : type == 0 ? ECHO_REPLY
                : type == 3 || type == 4 || type == 5 || type == 11 || type == 12 ? ICMP_ERROR : ICMP_OTHER;
    }
}
