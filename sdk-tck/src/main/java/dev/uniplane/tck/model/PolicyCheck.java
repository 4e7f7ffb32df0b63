package dev.uniplane.tck.model;

import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.RuleRef;

import java.util.Objects;
import java.util.Optional;

/**
 * One policy check of a new flow: the egress check at the source endpoint or the ingress check at the destination
 * endpoint.
 *
 * @param endpoint  the local endpoint checked
 * @param direction EGRESS at the source, INGRESS at the destination
 * @param outcome   what the check decided
 * @param rule      the deciding rule, present exactly for {@link CheckOutcome#ALLOWED_BY_RULE} and
 *                  {@link CheckOutcome#DENIED_BY_RULE} (see {@link PolicyEvaluator} for which rule is chosen when
 *                  several match)
 */
public record PolicyCheck(EndpointId endpoint, Direction direction, CheckOutcome outcome, Optional<RuleRef> rule) {

    /** Checks that a rule is present exactly for the by-rule outcomes. */
    public PolicyCheck {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(rule, "rule");
        boolean byRule = outcome == CheckOutcome.ALLOWED_BY_RULE || outcome == CheckOutcome.DENIED_BY_RULE;
        if (byRule != rule.isPresent()) {
            throw new IllegalArgumentException(outcome + " with rule " + rule);
        }
    }

    public boolean allows() {
        return outcome.allows();
    }
}
