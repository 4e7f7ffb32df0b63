package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import java.util.List;
import java.util.Map;

/**
 * PLACEHOLDER (replaced by vppacl's file on merge): what the ACL plugin counts.
 *
 * @param rules per rule, its counters
 * @param drops per endpoint, its drops by reason
 */
public record AclCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops) {
}
