package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the dataplane must do with one packet.
 *
 * @param dropReason   empty when the packet is delivered or forwarded, else why it is dropped
 * @param flowMatch    whether it was evaluated as a new flow or passed as part of a live one
 * @param egressCheck  the egress check at the source endpoint (new flows from a local endpoint only)
 * @param ingressCheck the ingress check at the receiving local endpoint (new flows reaching one only; absent when an
 *                     earlier stage dropped the packet)
 * @param route        the routing outcome (absent when the egress check dropped the packet before routing)
 */
public record Verdict(Optional<DropReason> dropReason, FlowMatch flowMatch, Optional<PolicyCheck> egressCheck,
                      Optional<PolicyCheck> ingressCheck, Optional<RouteDecision> route) {

    /** Rejects nulls. */
    public Verdict {
        Objects.requireNonNull(dropReason, "dropReason");
        Objects.requireNonNull(flowMatch, "flowMatch");
        Objects.requireNonNull(egressCheck, "egressCheck");
        Objects.requireNonNull(ingressCheck, "ingressCheck");
        Objects.requireNonNull(route, "route");
    }

    /** True when the packet passes (to a local endpoint or out of the uplink). */
    public boolean delivered() {
        return dropReason.isEmpty();
    }

    public boolean dropped() {
        return dropReason.isPresent();
    }

    /** The local endpoint that receives the packet, if it is delivered locally. */
    public Optional<EndpointId> deliveredTo() {
        return delivered() && route.orElse(null) instanceof RouteDecision.LocalDelivery local
                ? Optional.of(local.endpoint()) : Optional.empty();
    }

    /**
     * The rule that decided the verdict: for a packet dropped by policy, the deciding rule of the dropping check
     * (empty for a default deny); for a delivered new flow, the ingress check's deciding rule if it has one, else the
     * egress check's; empty when no rule decided (default allow, routing drop, tracked flow).
     */
    public Optional<RuleRef> decidingRule() {
        if (dropped()) {
            if (dropReason.get() != DropReason.POLICY_DENIED && dropReason.get() != DropReason.POLICY_DEFAULT_DENY) {
                return Optional.empty();
            }
            Optional<PolicyCheck> dropping = ingressCheck.filter(c -> !c.allows()).or(() -> egressCheck.filter(c -> !c.allows()));
            return dropping.flatMap(PolicyCheck::rule);
        }
        return ingressCheck.flatMap(PolicyCheck::rule).or(() -> egressCheck.flatMap(PolicyCheck::rule));
    }

    /** The rules whose counters this packet incremented: the deciding rule of each check that ran, egress first. */
    public List<RuleRef> countedRules() {
        List<RuleRef> rules = new ArrayList<>(2);
        egressCheck.flatMap(PolicyCheck::rule).ifPresent(rules::add);
        ingressCheck.flatMap(PolicyCheck::rule).ifPresent(rules::add);
        return List.copyOf(rules);
    }
}
