package dev.uniplane.tck.model;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;

import java.util.List;
import java.util.Optional;

/**
 * The policy check of SEMANTICS at one local endpoint in one direction, for a peer address, protocol and destination
 * port:
 * <ol>
 * <li>the policies whose selector matches the endpoint's labels are the selecting ones (a policy selects local
 * endpoints only);</li>
 * <li>a rule matches when its peers are empty or one matches the peer address, and its ports are empty or one matches
 * the protocol and destination port ({@link Rule#matchesPort}); a selector peer matches an address only through an
 * endpoint that has it — a local endpoint or a registered remote one — whose labels the selector matches, so even an
 * empty selector never matches an unknown address; a CIDR peer matches addresses in the CIDR but in no except;</li>
 * <li>any matching DENY rule → {@link CheckOutcome#DENIED_BY_RULE}; else any matching ALLOW rule →
 * {@link CheckOutcome#ALLOWED_BY_RULE}; else if a selecting policy has a rule list for the direction (even an empty or
 * DENY-only one) → {@link CheckOutcome#DEFAULT_DENY}; else {@link CheckOutcome#DEFAULT_ALLOW}.</li>
 * </ol>
 * <p><b>Counter attribution rule.</b> When several rules match, the deciding rule is the matching DENY rule with the
 * smallest {@link RuleRef} (policy name in {@link String#compareTo} order, then rule index), else the matching ALLOW
 * rule with the smallest {@link RuleRef}. This choice does not depend on the order of the policies in the set. It is
 * the rule whose counter a new-flow packet increments, and the TCK's rule-counter assertions use the same choice.
 */
final class PolicyEvaluator {
    private PolicyEvaluator() {
    }

    static PolicyCheck check(PolicySet policies, EndpointDirectory directory, EndpointId endpoint, Direction direction,
                             IpAddress peer, int protocol, int destinationPort) {
        Labels labels = directory.local(endpoint).orElseThrow().labels();
        RuleRef deny = null;
        RuleRef allow = null;
        boolean isolated = false;
        for (Policy policy : policies.policies()) {
            Optional<List<Rule>> rules = policy.rules(direction);
            if (rules.isEmpty() || !policy.selector().matches(labels)) {
                continue;
            }
            isolated = true;
            for (int i = 0; i < rules.get().size(); i++) {
                Rule rule = rules.get().get(i);
                if (!matches(rule, directory, peer, protocol, destinationPort)) {
                    continue;
                }
                RuleRef ref = new RuleRef(policy.name(), direction, i);
                if (rule.action() == Action.DENY) {
                    deny = smaller(deny, ref);
                } else {
                    allow = smaller(allow, ref);
                }
            }
        }
        if (deny != null) {
            return new PolicyCheck(endpoint, direction, CheckOutcome.DENIED_BY_RULE, Optional.of(deny));
        }
        if (allow != null) {
            return new PolicyCheck(endpoint, direction, CheckOutcome.ALLOWED_BY_RULE, Optional.of(allow));
        }
        return new PolicyCheck(endpoint, direction, isolated ? CheckOutcome.DEFAULT_DENY : CheckOutcome.DEFAULT_ALLOW,
                Optional.empty());
    }

    static boolean matches(Rule rule, EndpointDirectory directory, IpAddress peer, int protocol, int destinationPort) {
        boolean peerMatches = rule.peers().isEmpty()
                || rule.peers().stream().anyMatch(p -> peerMatches(p, directory, peer));
        return peerMatches && rule.matchesPort(protocol, destinationPort);
    }

    static boolean peerMatches(Peer peer, EndpointDirectory directory, IpAddress address) {
        return switch (peer) {
            case Peer.Cidr cidr -> cidr.matches(address);
            case Peer.Selector selector -> directory.identitiesAt(address).stream().anyMatch(selector.selector()::matches);
        };
    }

    private static RuleRef smaller(RuleRef current, RuleRef candidate) {
        return current == null || candidate.compareTo(current) < 0 ? candidate : current;
    }
}
