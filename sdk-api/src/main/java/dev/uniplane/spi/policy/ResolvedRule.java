package dev.uniplane.spi.policy;

import dev.uniplane.api.Action;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a policy set, resolved.
 *
 * @param id    its position in {@link ResolvedPolicy#rules()} (the rules in {@link RuleRef} order), from 0: a dense
 *              number an encoder may use as a table index or counter slot
 * @param ref   which rule it is
 * @param rule  the rule as written (for encoders that keep the port list as given)
 * @param peers its peers, resolved
 * @param ports its port entries, resolved (empty = any protocol and port)
 */
public record ResolvedRule(int id, RuleRef ref, Rule rule, PeerSet peers, List<ResolvedPort> ports) {

    /**
     * The precedence of rules at one check: DENY rules before ALLOW rules, each in {@link RuleRef} order. The first
     * matching rule in this order decides (deny overrides allow; the smallest RuleRef of the winning action is the
     * deciding rule, whose counter counts).
     */
    public static final Comparator<ResolvedRule> PRECEDENCE = Comparator
            .comparing((ResolvedRule r) -> r.action() != Action.DENY)
            .thenComparing(ResolvedRule::ref);

    /** Copies the ports. */
    public ResolvedRule {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(peers, "peers");
        ports = List.copyOf(ports);
    }

    public Action action() {
        return rule.action();
    }

    /** Whether a packet with this IANA protocol number and destination port matches the port list. */
    public boolean matchesPort(int protocolNumber, int port) {
        if (ports.isEmpty()) {
            return true;
        }
        for (ResolvedPort p : ports) {
            if (p.matches(protocolNumber, port)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the rule matches a packet from or to {@code peer} with this protocol and destination port. */
    public boolean matches(IpAddress peer, int protocolNumber, int port) {
        return peers.contains(peer) && matchesPort(protocolNumber, port);
    }

    /** The deciding rule among rules that all match one packet: the first in {@link #PRECEDENCE}. */
    public static Optional<ResolvedRule> deciding(Collection<ResolvedRule> matching) {
        return matching.stream().min(PRECEDENCE);
    }

    @Override
    public String toString() {
        return "#" + id + " " + ref + " " + action() + " peers " + peers + " ports " + ports;
    }
}
