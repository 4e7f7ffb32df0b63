package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;

import java.util.Optional;

/** The result of one policy check at one endpoint in one direction. */
public enum CheckOutcome {
    /** A matching ALLOW rule of a selecting policy, and no matching DENY rule. */
    ALLOWED_BY_RULE,
    /** A matching DENY rule of a selecting policy (deny wins over any ALLOW). */
    DENIED_BY_RULE,
    /** Nothing matched and no selecting policy has a rule list for the direction: not isolated, allowed. */
    DEFAULT_ALLOW,
    /** Nothing matched and the endpoint is isolated in the direction. */
    DEFAULT_DENY;

    public boolean allows() {
        return this == ALLOWED_BY_RULE || this == DEFAULT_ALLOW;
    }

    /** POLICY_DENIED or POLICY_DEFAULT_DENY for the dropping outcomes, empty for the allowing ones. */
    public Optional<DropReason> dropReason() {
        return switch (this) {
            case DENIED_BY_RULE -> Optional.of(DropReason.POLICY_DENIED);
            case DEFAULT_DENY -> Optional.of(DropReason.POLICY_DEFAULT_DENY);
            default -> Optional.empty();
        };
    }
}
