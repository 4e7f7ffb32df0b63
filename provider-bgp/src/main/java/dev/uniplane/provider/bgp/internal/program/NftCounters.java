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
 *              {@link DropReason#POLICY_DEFAULT_DENY} and {@link DropReason#INVALID} (a source address that is not
 *              the endpoint's: anti-spoofing), monotonic for as long as the endpoint is in the applied list
 */
public record NftCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops) {

    /** Copies the maps, keeping their order. */
    public NftCounters {
        Map<RuleRef, List<RuleStats>> r = new LinkedHashMap<>();
        rules.forEach((ref, list) -> r.put(ref, List.copyOf(list)));
        rules = Collections.unmodifiableMap(r);
        Map<EndpointId, Map<DropReason, Long>> d = new LinkedHashMap<>();
        drops.forEach((id, byReason) -> d.put(id, Collections.unmodifiableMap(new LinkedHashMap<>(byReason))));
        drops = Collections.unmodifiableMap(d);
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
