package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.List;

/** One entry of a flow-stats multipart reply ({@code ofp_flow_stats}). */
public record FlowStats(int tableId, long durationSec, long durationNsec, int priority, int idleTimeout, int hardTimeout,
                        int flags, long cookie, long packetCount, long byteCount, Match match,
                        List<Instruction> instructions) {
    public FlowStats {
        instructions = List.copyOf(instructions);
    }
}
