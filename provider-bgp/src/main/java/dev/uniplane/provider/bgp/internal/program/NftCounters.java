package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of one nftables table, read at one moment (one {@code list table}).
 *
 * @param rules per rule of the applied policy set, the packets it decided, one entry per verdict (a rule has one
 *              verdict, its action, so each list holds exactly one {@link RuleStats}); zero since the last apply
 * @param drops per endpoint of the last apply, its drops by reason: {@link DropReason#POLICY_DENIED},
 *              {@link DropReason#POLICY_DEFAULT_DENY}, {@link DropReason#INVALID} (a source address that is not
 *              the endpoint's: anti-spoofing), {@link DropReason#NO_ROUTE} and {@link DropReason#TTL_EXCEEDED},
 *              monotonic for as long as the endpoint is in the applied list
 * @param traffic per endpoint of the last apply, the unicast IP packets it sent and was delivered, monotonic like
 *              {@code drops} (link counters would also count ARP and the workload's own IPv6 link-up chatter)
 */
public record NftCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops,
                          Map<EndpointId, Traffic> traffic) {

    /**
     * One endpoint's traffic, IP lengths.
     *
     * @param txPackets packets the endpoint sent (counted before any check drops them)
     * @param txBytes   their bytes
     * @param rxPackets packets delivered to the endpoint
     * @param rxBytes   their bytes
     */
    public record Traffic(long txPackets, long txBytes, long rxPackets, long rxBytes) {
        /** No traffic. */
        public static final Traffic ZERO = new Traffic(0, 0, 0, 0);
    }

    /** Counters without traffic counts. */
    public NftCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops) {
        this(rules, drops, Map.of());
    }

    /** Copies the maps, keeping their order. */
    public NftCounters {
        Map<RuleRef, List<RuleStats>> r = new LinkedHashMap<>();
        rules.forEach((ref, list) -> r.put(ref, List.copyOf(list)));
        rules = Collections.unmodifiableMap(r);
        Map<EndpointId, Map<DropReason, Long>> d = new LinkedHashMap<>();
        drops.forEach((id, byReason) -> d.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(byReason))));
        drops = Collections.unmodifiableMap(d);
        traffic = Collections.unmodifiableMap(new LinkedHashMap<>(traffic));
    }

    /** The packets {@code rule} decided, 0 when it is unknown. */
    public long packets(RuleRef rule) {
        return rules.getOrDefault(rule, List.of()).stream().mapToLong(RuleStats::packets).sum();
    }

    /** The drops of {@code endpoint} for {@code reason}, 0 when unknown. */
    public long drops(EndpointId endpoint, DropReason reason) {
        return drops.getOrDefault(endpoint, Map.of()).getOrDefault(reason, 0L);
    }
}
