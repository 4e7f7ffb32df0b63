package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U64_BE;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's forward stage and its packet accounting: rewrites a routed packet (TTL or hop limit − 1, the L4 checksum
 * an uplink sender left partial, both MACs), stages it per output port and sends each port's packets in one tx burst
 * ({@link #flush}); collects dropped frames and frees them in one bulk call. Counters are added per burst: the sender's
 * tx ({@link #countSent}), each receiver's rx before its tx burst (taken off again for what tx refuses).
 */
final class Forwarder {
    private static final short QUEUE = 0;
    private static final int OTHER = EndpointCounters.DROPS + 5;
    private static final int BURST = Router.BURST;

    private final EndpointCounters counters;
    private final MemorySegment stage;
    private final long stageAddress;
    private final MemorySegment[] stageTails;
    private final int[] staged = new int[Layouts.MAX_ETHPORTS];
    private final long[] stagedBytes = new long[Layouts.MAX_ETHPORTS];
    private final int[] touched = new int[Layouts.MAX_ETHPORTS];
    private int touchedCount;
    private final MemorySegment drops;
    private int dropCount;
    // the sender's tx counters of this burst, added to EndpointCounters once per burst
    private long txPackets;
    private long txBytes;
    private final AtomicLong ignored = new AtomicLong();

    Forwarder(EndpointCounters counters) {
        this.counters = counters;
        Arena arena = Arena.ofAuto();
        this.stage = arena.allocate(ADDRESS.byteSize() * BURST * Layouts.MAX_ETHPORTS, 64);
        this.stageAddress = stage.address();
        this.stageTails = new MemorySegment[Layouts.MAX_ETHPORTS * (BURST + 1)];
        for (int p = 0; p < Layouts.MAX_ETHPORTS; p++) {
            for (int i = 0; i <= BURST; i++) {
                stageTails[p * (BURST + 1) + i] = stage.asSlice((p * BURST + Math.min(i, BURST - 1)) * ADDRESS.byteSize());
            }
        }
        this.drops = arena.allocate(ADDRESS, BURST);
    }

    /** A packet of {@code bytes} sent by the endpoint whose burst this is. */
    void sent(int bytes) {
        txPackets++;
        txBytes += bytes;
    }

    /**
     * Forwards the parsed packet in mbuf {@code m} (frame {@code f}, {@code bytes} long) to group member {@code member}
     * of kind {@code hop}, its TTL/hop limit being {@code ttl} (above 1).
     */
    void forward(ForwardingTable t, long m, long f, FrameParser p, int member, byte hop, int ttl, boolean uplink, int bytes) {
        if (p.v6) {
            ALL.set(JAVA_BYTE, p.hopLimitAt, (byte) (ttl - 1)); // IPv6 has no header checksum
        } else {
            Checksums.decrementTtl(f + 14, ttl, p.protocol);
        }
        if (uplink && p.firstFragment) {
            completeChecksum(f, p);
        }
        long dstMac = t.memberDstMac[member];
        long srcMac = hop == ForwardingTable.ENDPOINT ? t.gatewayMac : t.memberSrcMac[member];
        // both MACs in two writes (each off-heap access costs C2 parse nodes in route()'s budget)
        ALL.set(U64_BE, f, dstMac << 16 | (srcMac >>> 32 & 0xffff));
        ALL.set(U32_BE, f + 8, (int) srcMac);
        int out = t.memberPort[member];
        int count = staged[out];
        if (count == 0) {
            touched[touchedCount++] = out;
        }
        ALL.set(JAVA_LONG, stageAddress + 8L * ((long) out * BURST + count), m);
        staged[out] = count + 1;
        stagedBytes[out] += bytes;
    }

    /**
     * Frames from the uplink may carry CHECKSUM_PARTIAL (the sender's veth offloads it); AF_PACKET hands us the bytes
     * without the checksum, and the workload would drop them. Finish it in software.
     */
    private static void completeChecksum(long f, FrameParser p) {
        if (p.v6) {
            Checksums.completeL4Checksum6(f + 14, p.l4, p.l4Length, p.protocol);
        } else {
            Checksums.completeL4Checksum(f + 14, p.l4, p.l4Length, p.protocol);
        }
    }

    /** Adds this burst's tx counters to the sender ({@code source}, not the uplink: nothing is pending for it). */
    void countSent(int source) {
        if (txPackets != 0) {
            counters.add(source, EndpointCounters.TX_PACKETS, txPackets);
            counters.add(source, EndpointCounters.TX_BYTES, txBytes);
            txPackets = 0;
            txBytes = 0;
        }
    }

    /** Sends what was staged, one tx burst per output port, and frees what was dropped. */
    void flush(ForwardingTable t) {
        for (int i = 0; i < touchedCount; i++) {
            int port = touched[i];
            int count = staged[port];
            staged[port] = 0;
            // Counted before the tx burst: once sent, the workload may see the packet (and a test read the counters)
            // before this thread gets back from tx; what tx refuses is taken off again below.
            long bytes = stagedBytes[port];
            stagedBytes[port] = 0;
            int slot = t.endpointOfPort[port];
            if (slot >= 0) {
                counters.add(slot, EndpointCounters.RX_PACKETS, count);
                counters.add(slot, EndpointCounters.RX_BYTES, bytes);
            }
            int sent = RteEthDev.txBurst((short) port, QUEUE, stageTails[port * (BURST + 1)], (short) count);
            if (sent < count) {
                if (slot >= 0) {
                    counters.add(slot, EndpointCounters.RX_PACKETS, sent - count);
                    counters.add(slot, EndpointCounters.RX_BYTES, -bytesOfStaged(port, sent, count));
                }
                RteMbuf.freeBulk(stageTails[port * (BURST + 1) + sent], count - sent);
                counters.add(slot >= 0 ? slot : counters.unattributed(), OTHER, count - sent);
            }
        }
        touchedCount = 0;
        if (dropCount > 0) {
            RteMbuf.freeBulk(drops, dropCount);
            dropCount = 0;
        }
    }

    private long bytesOfStaged(int port, int from, int to) {
        long bytes = 0;
        for (int k = from; k < to; k++) {
            bytes += ALL.get(JAVA_INT, ALL.get(JAVA_LONG, stageAddress + 8L * ((long) port * BURST + k)) + Layouts.MBUF_PKT_LEN);
        }
        return bytes;
    }

    /** Drops mbuf {@code m}, counted in {@code column} of endpoint slot {@code slot}. */
    void drop(long m, int slot, int column) {
        counters.add(slot, column, 1);
        drop(m);
    }

    /** Frees mbuf {@code m} with the burst, without counting it. */
    void drop(long m) {
        drops.setAtIndex(JAVA_LONG, dropCount++, m);
    }

    /** Frees a frame that is not ours to route (not counted on any endpoint, only in {@link #ignored}). */
    void ignore(long m) {
        ignored.lazySet(ignored.get() + 1);
        drop(m);
    }

    /** Frames ignored. */
    long ignored() {
        return ignored.get();
    }

    /** Frames dropped this burst and not yet freed (tests). */
    int pendingDrops() {
        return dropCount;
    }

    /** Frames staged for output port {@code port} and not yet sent (tests). */
    int pendingTx(int port) {
        return staged[port];
    }

    /** Forgets staged and dropped frames without sending or freeing them (tests with fake mbufs). */
    void forgetPending() {
        for (int i = 0; i < touchedCount; i++) {
            staged[touched[i]] = 0;
            stagedBytes[touched[i]] = 0;
        }
        touchedCount = 0;
        dropCount = 0;
    }
}
