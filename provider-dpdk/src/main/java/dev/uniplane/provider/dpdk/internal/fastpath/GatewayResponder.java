package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_ARP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_IPV4;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_IPV6;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ICMPV6;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U16_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U64_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.mac;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.setMac;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u8;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's answers as the workloads' gateway, on endpoint ports: an ARP request for 169.254.1.1 and a Neighbour
 * Solicitation for fe80::1 are rewritten in place into the reply with the port's own MAC and sent straight back out of
 * that port (not counted on any endpoint).
 */
final class GatewayResponder {
    /** The IPv4 gateway every workload routes to (169.254.1.1, see sdk-linux WorkloadInterface). */
    static final int GATEWAY4 = 0xa9fe_0101;
    static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
    /** An Ethernet ARP frame: 14 + 28 bytes. */
    static final int ARP_LENGTH = 42;
    /** The workloads' IPv6 gateway fe80::1 (sdk-linux {@code WorkloadInterface.GATEWAY_V6}). */
    static final long GATEWAY6_HIGH = 0xfe80_0000_0000_0000L;
    static final long GATEWAY6_LOW = 1;
    /** Ethernet multicast of fe80::1's solicited-node address ff02::1:ff00:1. */
    static final long GATEWAY_SOLICITED_MAC = 0x3333_ff00_0001L;
    /** Ethernet + IPv6 + Neighbour Advertisement with a target link-layer address option. */
    static final int NA_LENGTH = 14 + 40 + 24 + 8;
    private static final short QUEUE = 0;

    private final Forwarder forwarder;
    private final MemorySegment single = Arena.ofAuto().allocate(ADDRESS);
    private final AtomicLong advertisements = new AtomicLong();
    private final AtomicLong arpReplies = new AtomicLong();

    GatewayResponder(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    /**
     * Answers frame {@code f} ({@code length} bytes, {@code etherType}) of mbuf {@code m}, received on endpoint port
     * {@code port} whose MAC is {@code own}, when it asks for the gateway; false (nothing done) for any other frame.
     */
    boolean answered(short port, long m, long f, int length, int etherType, long own) {
        if (etherType == ETH_IPV6 && answeredSolicitation(m, f, length, own)) {
            advertisements.lazySet(advertisements.get() + 1);
        } else if (etherType == ETH_ARP && answeredArp(m, f, length, own)) {
            arpReplies.lazySet(arpReplies.get() + 1);
        } else {
            return false;
        }
        single.set(JAVA_LONG, 0, m);
        if (RteEthDev.txBurst(port, QUEUE, single, (short) 1) == 0) {
            forwarder.drop(m);
        }
        return true;
    }

    /** Neighbour Solicitations for fe80::1 answered. */
    long advertisements() {
        return advertisements.get();
    }

    /** ARP requests for 169.254.1.1 answered. */
    long arpReplies() {
        return arpReplies.get();
    }

    /** A Neighbour Solicitation for the gateway rewritten in place into the Advertisement. */
    private static boolean answeredSolicitation(long m, long f, int length, long own) {
        if (length < NA_LENGTH - 8 || u16(f + 12) != ETH_IPV6 || (mac(f) != own && mac(f) != GATEWAY_SOLICITED_MAC)) {
            return false;
        }
        int answer = answerSolicitation(f, length, own);
        if (answer < 0) {
            return false;
        }
        ALL.set(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN, (short) answer);
        ALL.set(JAVA_INT, m + Layouts.MBUF_PKT_LEN, answer);
        return true;
    }

    /** An ARP request for the gateway rewritten in place into the reply. */
    private static boolean answeredArp(long m, long f, int length, long own) {
        if (length < ARP_LENGTH || u16(f + 12) != ETH_ARP || (mac(f) != own && mac(f) != BROADCAST_MAC)) {
            return false;
        }
        if (answerArp(f, length, own) < 0) {
            return false;
        }
        ALL.set(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN, (short) ARP_LENGTH);
        ALL.set(JAVA_INT, m + Layouts.MBUF_PKT_LEN, ARP_LENGTH);
        return true;
    }

    /**
     * RFC 826: rewrites an Ethernet/IPv4 ARP request for 169.254.1.1 in frame {@code f} in place into the reply that
     * gives {@code gatewayMac}.
     *
     * @return the reply's length, or -1 when the frame is not such a request
     */
    static int answerArp(long f, int length, long gatewayMac) {
        if (length < ARP_LENGTH || u16(f + 12) != ETH_ARP || u16(f + 14) != 1 || u16(f + 16) != ETH_IPV4
                || u8(f + 18) != 6 || u8(f + 19) != 4 || u16(f + 20) != 1 || ALL.get(U32_BE, f + 38) != GATEWAY4) {
            return -1;
        }
        long requesterMac = mac(f + 22);
        int requesterIp = ALL.get(U32_BE, f + 28);
        setMac(f, requesterMac);
        setMac(f + 6, gatewayMac);
        ALL.set(U16_BE, f + 20, (short) 2);
        setMac(f + 22, gatewayMac);
        ALL.set(U32_BE, f + 28, GATEWAY4);
        setMac(f + 32, requesterMac);
        ALL.set(U32_BE, f + 38, requesterIp);
        return ARP_LENGTH;
    }

    /**
     * RFC 4443/4861: rewrites the Neighbour Solicitation for fe80::1 in frame {@code f} ({@code length} bytes) in place
     * into the solicited Neighbour Advertisement from fe80::1 with {@code gatewayMac} (router, solicited, override flags
     * and a target link-layer address option), with its ICMPv6 checksum.
     *
     * @return the new frame length, or -1 when the frame is not such a solicitation (or is a DAD probe from ::)
     */
    static int answerSolicitation(long f, int length, long gatewayMac) {
        if (length < 14 + 40 + 24 || u16(f + 12) != ETH_IPV6 || (u8(f + 14) >>> 4) != 6 || u8(f + 20) != ICMPV6
                || u8(f + 21) != 255 || u8(f + 54) != 135 || u8(f + 55) != 0) {
            return -1;
        }
        int payload = u16(f + 18);
        if (payload < 24 || 54 + payload > length || ALL.get(U64_BE, f + 62) != GATEWAY6_HIGH
                || ALL.get(U64_BE, f + 70) != GATEWAY6_LOW) {
            return -1;
        }
        long requesterHigh = ALL.get(U64_BE, f + 22);
        long requesterLow = ALL.get(U64_BE, f + 30);
        if (requesterHigh == 0 && requesterLow == 0) {
            return -1;
        }
        long requesterMac = mac(f + 6);
        setMac(f, requesterMac);
        setMac(f + 6, gatewayMac);
        ALL.set(U32_BE, f + 14, 0x6000_0000);
        ALL.set(U16_BE, f + 18, (short) (NA_LENGTH - 54));
        ALL.set(JAVA_BYTE, f + 20, (byte) ICMPV6);
        ALL.set(JAVA_BYTE, f + 21, (byte) 255);
        ALL.set(U64_BE, f + 22, GATEWAY6_HIGH);
        ALL.set(U64_BE, f + 30, GATEWAY6_LOW);
        ALL.set(U64_BE, f + 38, requesterHigh);
        ALL.set(U64_BE, f + 46, requesterLow);
        ALL.set(JAVA_BYTE, f + 54, (byte) 136);
        ALL.set(JAVA_BYTE, f + 55, (byte) 0);
        ALL.set(U32_BE, f + 58, 0xe000_0000); // router, solicited, override; the target (fe80::1) stays at f + 62
        ALL.set(JAVA_BYTE, f + 78, (byte) 2); // target link-layer address, 1 unit of 8 bytes
        ALL.set(JAVA_BYTE, f + 79, (byte) 1);
        setMac(f + 80, gatewayMac);
        ALL.set(U16_BE, f + 56, (short) 0);
        ALL.set(U16_BE, f + 56, (short) Checksums.l4Checksum6(f + 14, f + 54, NA_LENGTH - 54, ICMPV6));
        return NA_LENGTH;
    }
}
