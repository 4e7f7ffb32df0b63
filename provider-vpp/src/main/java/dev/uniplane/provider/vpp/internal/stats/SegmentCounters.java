package dev.uniplane.provider.vpp.internal.stats;

/**
 * Endpoint counters from VPP's stats segment: {@code /if/rx} and {@code /if/tx} of the endpoint's interface, summed
 * over VPP's threads. VPP's rx on the interface is what the workload sent. A read that fails maps the segment again
 * once (a VPP that restarted hands out a new segment).
 */
public final class SegmentCounters implements InterfaceCounters {
    private final StatsSegmentSource stats;

    /** Reads through {@code stats}, the dataplane's one mapping of the segment. */
    public SegmentCounters(StatsSegmentSource stats) {
        this.stats = stats;
    }

    @Override
    public Counters read(String hostInterface, int swIfIndex) {
        try {
            return readOnce(swIfIndex);
        } catch (RuntimeException e) {
            stats.reset();
            return readOnce(swIfIndex);
        }
    }

    private Counters readOnce(int swIfIndex) {
        StatsSegment s = stats.segment().orElse(null);
        if (s == null) {
            return Counters.ZERO;
        }
        var rx = s.combinedCounter("/if/rx").filter(c -> swIfIndex < c.size());
        var tx = s.combinedCounter("/if/tx").filter(c -> swIfIndex < c.size());
        if (rx.isEmpty() || tx.isEmpty()) {
            return Counters.ZERO;
        }
        return new Counters(tx.get().packets(swIfIndex), tx.get().bytes(swIfIndex), rx.get().packets(swIfIndex),
                rx.get().bytes(swIfIndex));
    }
}
