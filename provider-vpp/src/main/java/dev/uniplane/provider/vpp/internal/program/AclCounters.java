package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import java.util.List;
import java.util.Map;

/**
 * What the ACL plugin counted, monotonic since the program was made (counters of replaced ACLs are carried over).
 *
 * @param rules per rule of the applied set, its new-flow packets by verdict (one entry: a rule has one action)
 * @param drops per endpoint, the packets its ACLs dropped by reason: {@link DropReason#POLICY_DENIED} (a DENY rule),
 *              {@link DropReason#POLICY_DEFAULT_DENY} (isolated, no rule matched) and {@link DropReason#INVALID} (a
 *              source address the endpoint does not own)
 */
public record AclCounters(Map<RuleRef, List<RuleStats>> rules, Map<EndpointId, Map<DropReason, Long>> drops) {

    /** Copies the maps. */
    public AclCounters {
        rules = Map.copyOf(rules);
        drops = Map.copyOf(drops);
    }

    /** Nothing counted. */
    public static AclCounters none() {
        return new AclCounters(Map.of(), Map.of());
    }
}
