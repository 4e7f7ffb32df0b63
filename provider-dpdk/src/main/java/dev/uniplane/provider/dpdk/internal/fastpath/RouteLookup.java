package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_IPV4;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.TCP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.UDP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.dataLength;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.frame;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The router's route lookup: the ECMP group of the longest prefix ({@code rte_lpm} for IPv4, {@link Lpm6} for IPv6)
 * and the group member a 5-tuple hashes to. IPv4 destinations are looked up per burst in one
 * {@code rte_lpm_lookup_bulk} downcall ({@link #lookUpDestinations}); a packet whose destination differs from what was
 * looked up for its burst entry (which cannot happen with one mbuf per frame) falls back to a single lookup.
 */
final class RouteLookup {
    private final MemorySegment nextHop;
    // this burst's IPv4 destinations (host order, 0 for other frames) and their rte_lpm_lookup_bulk results
    private final MemorySegment lpmIps;
    private final long lpmIpsAddress;
    private final MemorySegment lpmHops;
    private final long lpmHopsAddress;
    private boolean lpmLookedUp;

    RouteLookup(int burst) {
        Arena arena = Arena.ofAuto();
        this.nextHop = arena.allocate(JAVA_INT);
        this.lpmIps = arena.allocate(JAVA_INT, burst);
        this.lpmIpsAddress = lpmIps.address();
        this.lpmHops = arena.allocate(JAVA_INT, burst);
        this.lpmHopsAddress = lpmHops.address();
    }

    /**
     * One {@code rte_lpm_lookup_bulk} for the IPv4 destinations of the first {@code n} mbufs of the burst at
     * {@code burstAddress} (0 for frames that are not IPv4, whose result is never used); skipped when the table has no
     * IPv4 routes or no frame is IPv4.
     */
    void lookUpDestinations(ForwardingTable t, long burstAddress, int n) {
        lpmLookedUp = false;
        if (!t.hasLpm) {
            return;
        }
        int v4 = 0;
        for (int k = 0; k < n; k++) {
            long m = ALL.get(JAVA_LONG, burstAddress + 8L * k);
            long f = frame(m);
            int ip = 0;
            if (dataLength(m) >= 34 && u16(f + 12) == ETH_IPV4) {
                ip = ALL.get(U32_BE, f + 30);
                v4++;
            }
            ALL.set(JAVA_INT, lpmIpsAddress + 4L * k, ip);
        }
        if (v4 > 0) {
            RteLpm.lookupBulk(t.lpm, lpmIps, lpmHops, n);
            lpmLookedUp = true;
        }
    }

    /** The ECMP group of the parsed packet's destination, entry {@code k} of the burst (-1: none), or -1. */
    int group(ForwardingTable t, FrameParser p, int k) {
        return p.v6 ? t.lpm6.lookup(p.dstHigh, p.dstLow) : lookup4(t, (int) p.dstLow, k);
    }

    /** The member of {@code group} the parsed packet hashes to. */
    static int member(ForwardingTable t, int group, FrameParser p) {
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            int ports = p.firstFragment && (p.protocol == TCP || p.protocol == UDP) && p.l4Length >= 4 ? ALL.get(U32_BE, p.l4) : 0;
            slot += (int) ((flowHash(p.srcHigh, p.srcLow, p.dstHigh, p.dstLow, p.protocol, ports) >>> 1) % members);
        }
        return t.slots[slot];
    }

    /** The endpoint slot a 5-tuple ({@code ports}: source port high, destination port low) is delivered to, or -1. */
    int receiverOf(ForwardingTable t, long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                   int proto, int ports) {
        int group = lookup(t, destinationHigh, destinationLow);
        if (group < 0) {
            return -1;
        }
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            slot += (int) ((flowHash(sourceHigh, sourceLow, destinationHigh, destinationLow, proto, ports) >>> 1) % members);
        }
        int member = t.slots[slot];
        return t.memberKind[member] == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
    }

    /** The ECMP group of the longest prefix containing the destination, or -1. */
    private int lookup(ForwardingTable t, long high, long low) {
        if (!FlowTable.isV4(high, low)) {
            return t.lpm6.lookup(high, low);
        }
        return lookup4(t, (int) low, -1);
    }

    /** As {@link #lookup} for IPv4 {@code ip}: the burst's bulk result when entry {@code k} looked up that address. */
    private int lookup4(ForwardingTable t, int ip, int k) {
        if (!t.hasLpm) {
            return -1;
        }
        if (k >= 0 && lpmLookedUp && ALL.get(JAVA_INT, lpmIpsAddress + 4L * k) == ip) {
            int result = ALL.get(JAVA_INT, lpmHopsAddress + 4L * k);
            return (result & Layouts.LPM_LOOKUP_SUCCESS) != 0 ? result & 0xff_ffff : -1;
        }
        return RteLpm.lookup(t.lpm, ip, nextHop) != 0 ? -1 : nextHop.get(JAVA_INT, 0);
    }

    /** The ECMP hash of a 5-tuple of either family (IPv4-mapped addresses hash as {@link #hash} of the IPv4 values). */
    static long flowHash(long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int ports) {
        if (FlowTable.isV4(srcHigh, srcLow)) {
            return hash((int) srcLow, (int) dstLow, protocol, ports);
        }
        return hash(fold(srcHigh, srcLow), fold(dstHigh, dstLow), protocol, ports);
    }

    private static int fold(long high, long low) {
        long x = high * 0x9E3779B97F4A7C15L ^ low;
        return (int) (x ^ (x >>> 32));
    }

    /** A 64-bit mix of the 5-tuple: the same flow always gets the same member. */
    static long hash(int source, int destination, int protocol, int ports) {
        long h = (source & 0xffffffffL) * 0x9E3779B97F4A7C15L ^ (destination & 0xffffffffL);
        h = (h ^ ((long) protocol << 32 | (ports & 0xffffffffL))) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }
}
