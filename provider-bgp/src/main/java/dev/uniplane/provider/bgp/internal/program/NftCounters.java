package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import java.util.List;
import java.util.Map;

/**
 * The counters of the nftables program.
 *
 * @param rules per rule, its counters
 * @param drops per endpoint, packets dropped by reason
 */
public record NftCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops) {
}
