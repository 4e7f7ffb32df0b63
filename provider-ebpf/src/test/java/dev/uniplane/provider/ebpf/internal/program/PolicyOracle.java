package dev.uniplane.provider.ebpf.internal.program;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;

/**
 * Test-side models: a direct evaluation of the semantics (deny overrides, deciding rule = lowest id of the winning
 * action, isolation) and a simulation of what the program does with a compiled policy (exact endpoint identity,
 * longest-prefix ipcache, longest-prefix policy lookup).
 */
final class PolicyOracle {

    /** The outcome of one check: verdict and deciding rule id (0 = none). */
    record Outcome(Verdict verdict, int ruleId) {
        static final Outcome OPEN = new Outcome(Verdict.DEFAULT_ALLOW, 0);

        Outcome normalised() {
            return verdict == Verdict.DEFAULT_ALLOW ? OPEN : this;
        }
    }

    private PolicyOracle() {
    }

    /** Direct evaluation of the semantics for endpoint {@code self}, peer address {@code peer}. */
    static Outcome direct(PolicySet set, Labels self, Direction dir, IpAddress peer, Optional<Labels> peerLabels,
                          int protocol, int port) {
        int id = 0;
        boolean isolated = false;
        int deny = 0;
        int allow = 0;
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                List<Rule> rules = p.rules(d).orElse(null);
                if (rules == null) {
                    continue;
                }
                boolean applies = d == dir && p.selector().matches(self);
                isolated |= applies;
                for (Rule r : rules) {
                    id++;
                    if (!applies || !peerMatches(r, peer, peerLabels) || !r.matchesPort(protocol, port)) {
                        continue;
                    }
                    if (r.action() == Action.DENY) {
                        deny = deny == 0 ? id : Math.min(deny, id);
                    } else {
                        allow = allow == 0 ? id : Math.min(allow, id);
                    }
                }
            }
        }
        if (deny != 0) {
            return new Outcome(Verdict.DENY, deny);
        }
        if (allow != 0) {
            return new Outcome(Verdict.ALLOW, allow);
        }
        return isolated ? new Outcome(Verdict.DEFAULT_DENY, 0) : Outcome.OPEN;
    }

    private static boolean peerMatches(Rule r, IpAddress peer, Optional<Labels> peerLabels) {
        if (r.peers().isEmpty()) {
            return true;
        }
        for (Peer p : r.peers()) {
            boolean m = switch (p) {
                case Peer.Selector s -> peerLabels.isPresent() && s.selector().matches(peerLabels.get());
                case Peer.Cidr c -> c.matches(peer);
            };
            if (m) {
                return true;
            }
        }
        return false;
    }

    /** What the program decides: identity of the peer, then one longest-prefix lookup. */
    static Outcome simulated(CompiledPolicy compiled, Map<IpAddress, Integer> endpointIdentities, int epIndex, Direction dir,
                             IpAddress peer, int protocol, int port) {
        int identity = identityOf(compiled, endpointIdentities, peer);
        PolicyKey full = PolicyKey.lookup(epIndex, dir == Direction.INGRESS ? PolicyKey.INGRESS : PolicyKey.EGRESS,
                identity, protocol, port);
        PolicyKey best = null;
        for (PolicyKey k : compiled.entries().keySet()) {
            if (k.covers(full) && (best == null || k.prefixLen() > best.prefixLen())) {
                best = k;
            }
        }
        if (best == null) {
            return Outcome.OPEN;
        }
        PolicyValue v = compiled.entries().get(best);
        return new Outcome(v.verdict(), v.ruleId()).normalised();
    }

    static int identityOf(CompiledPolicy compiled, Map<IpAddress, Integer> endpointIdentities, IpAddress address) {
        Integer exact = endpointIdentities.get(address);
        if (exact != null) {
            return exact;
        }
        IpPrefix best = null;
        for (IpPrefix p : compiled.ipcache().keySet()) {
            if (p.contains(address) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best == null ? Identities.WORLD : compiled.ipcache().get(best);
    }
}
