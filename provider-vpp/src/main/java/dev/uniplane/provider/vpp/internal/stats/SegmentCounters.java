package dev.uniplane.provider.vpp.internal.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Endpoint counters from VPP's stats segment: {@code /if/rx} and {@code /if/tx} of the endpoint's interface, summed
 * over VPP's threads. VPP's rx on the interface is what the workload sent. The segment is mapped on first use and
 * mapped again when a read fails (a VPP that restarted hands out a new segment).
 */
public final class SegmentCounters implements InterfaceCounters {
    private final Path statsSocket;
    private StatsSegment segment;

    /** Reads the segment that VPP hands out on {@code statsSocket}. */
    public SegmentCounters(Path statsSocket) {
        this.statsSocket = statsSocket;
    }

    @Override
    public synchronized Counters read(String hostInterface, int swIfIndex) {
        try {
            return readOnce(swIfIndex);
        } catch (RuntimeException e) {
            closeSegment();
            return readOnce(swIfIndex);
        }
    }

    private Counters readOnce(int swIfIndex) {
        StatsSegment s = segment();
        var rx = s.combinedCounter("/if/rx").filter(c -> swIfIndex < c.size());
        var tx = s.combinedCounter("/if/tx").filter(c -> swIfIndex < c.size());
        if (rx.isEmpty() || tx.isEmpty()) {
            return Counters.ZERO;
        }
        return new Counters(tx.get().packets(swIfIndex), tx.get().bytes(swIfIndex), rx.get().packets(swIfIndex),
                rx.get().bytes(swIfIndex));
    }

    private StatsSegment segment() {
        if (segment == null) {
            try {
                segment = StatsSegment.open(statsSocket);
            } catch (IOException e) {
                throw new UncheckedIOException("VPP stats segment at " + statsSocket, e);
            }
        }
        return segment;
    }

    private void closeSegment() {
        if (segment != null) {
            segment.close();
            segment = null;
        }
    }
}
