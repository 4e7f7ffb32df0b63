package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_EP_STATS;

import java.util.EnumMap;
import java.util.Map;

import dev.uniplane.api.DropReason;

/**
 * {@code struct up_ep_stats} summed over CPUs (80 bytes per CPU): from the workload's point of view, rx = delivered
 * to it, tx = sent by it; drops by reason in {@link DropReason} order.
 */
public record EndpointCounters(long rxPackets, long rxBytes, long txPackets, long txBytes, Map<DropReason, Long> drops) {
    public static final int SIZE = (int) UP_EP_STATS.byteSize();

    public EndpointCounters {
        drops = Map.copyOf(drops);
    }

    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** From the u64 words of {@code BpfMap.sumPerCpuCounters}. */
    public static EndpointCounters fromWords(long[] w) {
        if (w.length != SIZE / 8) {
            throw new IllegalArgumentException("up_ep_stats has " + SIZE / 8 + " words, got " + w.length);
        }
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        DropReason[] reasons = DropReason.values();
        for (int i = 0; i < Layouts.DROP_REASONS; i++) {
            drops.put(reasons[i], w[4 + i]);
        }
        return new EndpointCounters(w[0], w[1], w[2], w[3], drops);
    }
}
