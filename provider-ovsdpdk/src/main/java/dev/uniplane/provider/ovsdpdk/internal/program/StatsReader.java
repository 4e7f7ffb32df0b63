package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.Kind;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.PortStats;
import dev.uniplane.provider.ovsdpdk.internal.host.Wiring;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one stats snapshot from the switch: port counters seen from the workload (the port's rx is what the workload
 * sent) and the packet counts of the flows whose cookie kind names a drop reason or a policy rule.
 */
public final class StatsReader {
    private final OpenFlowChannel openflow;

    public StatsReader(OpenFlowChannel openflow) {
        this.openflow = openflow;
    }

    /**
     * The snapshot for these endpoints and rules. {@code beforeFlowCounts} runs after the port counters are read and
     * before the flow counters (a datapath purge hands the cached megaflows' counts to the rules).
     */
    public StatsSnapshot read(Map<EndpointId, Wiring> wirings, Map<Integer, RuleRef> ruleRefs, Map<Integer, dev.uniplane.api.Action> ruleActions,
                       Runnable beforeFlowCounts) {
        Instant now = Instant.now();
        Map<Long, PortStats> ports = new HashMap<>();
        Map<Integer, Long> perRule = new HashMap<>();
        Map<Long, long[]> unrouted = new HashMap<>();
        openflow.portStats().forEach(p -> ports.put(p.portNo(), p));
        beforeFlowCounts.run();
        // NO_ROUTE flows are per endpoint in table 4 (drop routes also lead there).
        Map<Long, Long> noRoute = counters(FlowTables.NO_ROUTE, Kind.NO_ROUTE);
        for (FlowStats f : flowsOfKind(FlowTables.CLASSIFY, Kind.LOCAL)) {
            unrouted.merge(f.cookie() & 0xffff_ffffL, new long[] {f.packetCount(), f.byteCount()},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        Map<Long, Long> ttl = counters(FlowTables.CLASSIFY, Kind.TTL);
        Map<Long, Long> invalid = counters(FlowTables.CLASSIFY, Kind.INVALID);
        Map<Long, Long> denied = counters(FlowTables.INGRESS, Kind.POLICY_DENY, 0xfff);
        counters(FlowTables.EGRESS, Kind.POLICY_DENY, 0xfff).forEach((k, v) -> denied.merge(k, v, Long::sum));
        Map<Long, Long> defaultDenied = counters(FlowTables.INGRESS, Kind.POLICY_DEFAULT, 0xfff);
        counters(FlowTables.EGRESS, Kind.POLICY_DEFAULT, 0xfff).forEach((k, v) -> defaultDenied.merge(k, v, Long::sum));
        for (Kind k : List.of(Kind.POLICY_ALLOW, Kind.POLICY_DENY)) {
            for (int table : List.of(FlowTables.EGRESS, FlowTables.INGRESS)) {
                counters(table, k, 0xffff_ffffL).forEach((id, v) -> perRule.merge((int) (id >>> 12), v, Long::sum));
            }
        }
        Map<EndpointId, EndpointStats> endpoints = new LinkedHashMap<>();
        wirings.forEach((id, w) -> {
            PortStats p = ports.get(w.ofport());
            Map<DropReason, Long> drops = Map.of(DropReason.NO_ROUTE, noRoute.getOrDefault((long) w.index(), 0L),
                    DropReason.TTL_EXCEEDED, ttl.getOrDefault((long) w.index(), 0L),
                    DropReason.POLICY_DENIED, denied.getOrDefault((long) w.index(), 0L),
                    DropReason.POLICY_DEFAULT_DENY, defaultDenied.getOrDefault((long) w.index(), 0L),
                    DropReason.INVALID, invalid.getOrDefault((long) w.index(), 0L));
            endpoints.put(id, p == null ? new EndpointStats(id, 0, 0, 0, 0, drops)
                    : new EndpointStats(id, counter(p.txPackets()), counter(p.txBytes()),
                    counter(p.rxPackets() - unrouted.getOrDefault((long) w.index(), new long[2])[0]),
                    counter(p.rxBytes() - unrouted.getOrDefault((long) w.index(), new long[2])[1]), drops));
        });
        Map<RuleRef, RuleStats> rules = new TreeMap<>();
        ruleRefs.forEach((n, ref) -> rules.put(ref, new RuleStats(ref, ruleActions.get(n), perRule.getOrDefault(n, 0L))));
        return new StatsSnapshot(now, endpoints, rules);
    }

    /** Packet counts of the drop flows of one kind in one table, summed per endpoint index (the cookie's id). */
    private Map<Long, Long> counters(int table, Kind kind) {
        return counters(table, kind, 0xffff_ffffL);
    }

    /** Packet counts of one kind's flows in one table, summed per {@code cookie id & idMask}. */
    private Map<Long, Long> counters(int table, Kind kind, long idMask) {
        Map<Long, Long> counts = new HashMap<>();
        for (FlowStats f : flowsOfKind(table, kind)) {
            counts.merge(f.cookie() & 0xffff_ffffL & idMask, f.packetCount(), Long::sum);
        }
        return counts;
    }

    private List<FlowStats> flowsOfKind(int table, Kind kind) {
        return openflow.flowStats(new FlowStatsRequest(0, table, Action.PORT_ANY, Action.PORT_ANY, FlowTables.kindOf(kind),
                FlowTables.KIND_MASK, Match.any()));
    }

    /** Unsupported counters read as -1 (all ones on the wire). */
    private static long counter(long value) {
        return Math.max(0, value);
    }
}
