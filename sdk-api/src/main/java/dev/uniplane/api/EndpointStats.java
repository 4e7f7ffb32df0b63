package dev.uniplane.api;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of one endpoint, from the workload's point of view: {@code tx} = sent by the workload, {@code rx} =
 * delivered to it. Drops count packets the dataplane discarded on the endpoint's behalf, by reason.
 */
public record EndpointStats(EndpointId endpoint, long rxPackets, long rxBytes, long txPackets, long txBytes,
                            Map<DropReason, Long> drops) {

    public EndpointStats {
        Check.notNull("endpoint", endpoint);
        EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            all.put(r, 0L);
        }
        all.putAll(Check.notNull("drops", drops));
        drops = java.util.Collections.unmodifiableMap(all);
    }

    public static EndpointStats zero(EndpointId endpoint) {
        return new EndpointStats(endpoint, 0, 0, 0, 0, Map.of());
    }

    public long drops(DropReason reason) {
        return drops.get(reason);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }

    /** This minus {@code earlier}, counter by counter. */
    public EndpointStats minus(EndpointStats earlier) {
        EnumMap<DropReason, Long> d = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            d.put(r, drops(r) - earlier.drops(r));
        }
        return new EndpointStats(endpoint, rxPackets - earlier.rxPackets, rxBytes - earlier.rxBytes,
                txPackets - earlier.txPackets, txBytes - earlier.txBytes, d);
    }
}
