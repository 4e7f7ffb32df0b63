package dev.uniplane.spi.policy;

import dev.uniplane.api.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * The rules that apply at one local endpoint in one direction.
 *
 * @param isolated whether a policy selecting the endpoint has a rule list for the direction (then traffic no rule
 *                 allows is denied by default)
 * @param rules    the rules of the selecting policies for the direction, in {@link ResolvedRule#PRECEDENCE} order
 *                 (DENY rules first, then ALLOW rules, each by RuleRef), so the first match decides
 */
public record EndpointRules(boolean isolated, List<ResolvedRule> rules) {
    static final EndpointRules OPEN = new EndpointRules(false, List.of());

    /** Copies the rules. */
    public EndpointRules {
        rules = List.copyOf(rules);
    }

    /** The deciding rule for a packet from or to {@code peer}: the first matching one, if any. */
    public Optional<ResolvedRule> deciding(IpAddress peer, int protocolNumber, int port) {
        for (ResolvedRule r : rules) {
            if (r.matches(peer, protocolNumber, port)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
