package dev.uniplane.spi.policy;

import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resolves a {@link PolicySet} against the local endpoints and the registered remote endpoints (SEMANTICS' policy
 * check, without any datapath):
 * <ul>
 * <li>rules: every rule of the set, numbered in {@link RuleRef} order;</li>
 * <li>peers: a selector peer becomes the host prefixes of the addresses of the local and remote endpoints whose
 * labels it matches (never an address of no endpoint); a CIDR peer its prefix minus its excepts; no peers = any;</li>
 * <li>ports: a port range with protocol ANY becomes TCP, UDP and SCTP with that range;</li>
 * <li>per local endpoint and direction: the rules of the policies whose selector matches its labels and that have a
 * rule list for the direction (any such policy isolates it), DENY rules first, then ALLOW rules, each by RuleRef.</li>
 * </ul>
 */
public final class PolicyResolver {
    private static final List<Protocol> PORT_PROTOCOLS = List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP);

    private PolicyResolver() {
    }

    /**
     * Resolves {@code set}.
     *
     * @param locals  the local endpoints (selected by policies and matched as peers), with distinct indexes
     * @param remotes the registered remote endpoints (matched as peers only)
     */
    public static ResolvedPolicy resolve(PolicySet set, List<PolicyEndpoint> locals, List<RemoteEndpoint> remotes) {
        Set<Integer> indexes = new HashSet<>();
        for (PolicyEndpoint e : locals) {
            if (!indexes.add(e.index())) {
                throw new IllegalArgumentException("two local endpoints with index " + e.index());
            }
        }
        TreeMap<RuleRef, Rule> ordered = new TreeMap<>();
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                List<Rule> rules = p.rules(d).orElse(List.of());
                for (int i = 0; i < rules.size(); i++) {
                    ordered.put(new RuleRef(p.name(), d, i), rules.get(i));
                }
            }
        }
        List<ResolvedRule> rules = new ArrayList<>();
        Map<RuleRef, ResolvedRule> byRef = new LinkedHashMap<>();
        for (Map.Entry<RuleRef, Rule> e : ordered.entrySet()) {
            ResolvedRule r = new ResolvedRule(rules.size(), e.getKey(), e.getValue(), peers(e.getValue(), locals, remotes),
                    ports(e.getValue()));
            rules.add(r);
            byRef.put(r.ref(), r);
        }
        Map<String, List<PolicyEndpoint>> selected = new LinkedHashMap<>();
        for (Policy p : set.policies()) {
            selected.put(p.name(), locals.stream().filter(e -> p.selector().matches(e.labels())).toList());
        }
        List<ResolvedEndpoint> endpoints = new ArrayList<>();
        for (PolicyEndpoint e : locals) {
            endpoints.add(new ResolvedEndpoint(e, at(set, e, Direction.INGRESS, byRef), at(set, e, Direction.EGRESS, byRef)));
        }
        return new ResolvedPolicy(rules, endpoints, selected);
    }

    private static EndpointRules at(PolicySet set, PolicyEndpoint endpoint, Direction direction, Map<RuleRef, ResolvedRule> byRef) {
        boolean isolated = false;
        List<ResolvedRule> rules = new ArrayList<>();
        for (Policy p : set.policies()) {
            List<Rule> list = p.rules(direction).orElse(null);
            if (list == null || !p.selector().matches(endpoint.labels())) {
                continue;
            }
            isolated = true;
            for (int i = 0; i < list.size(); i++) {
                rules.add(byRef.get(new RuleRef(p.name(), direction, i)));
            }
        }
        rules.sort(ResolvedRule.PRECEDENCE);
        return new EndpointRules(isolated, rules);
    }

    private static PeerSet peers(Rule rule, List<PolicyEndpoint> locals, List<RemoteEndpoint> remotes) {
        if (rule.peers().isEmpty()) {
            return PeerSet.anyPeer();
        }
        PeerSet.Builder out = new PeerSet.Builder();
        for (Peer peer : rule.peers()) {
            switch (peer) {
                case Peer.Selector s -> {
                    List<IpAddress> addresses = new ArrayList<>();
                    for (PolicyEndpoint e : locals) {
                        if (s.selector().matches(e.labels())) {
                            addresses.addAll(e.addresses());
                        }
                    }
                    for (RemoteEndpoint r : remotes) {
                        if (s.selector().matches(r.labels())) {
                            addresses.addAll(r.addresses());
                        }
                    }
                    out.hosts(addresses);
                }
                case Peer.Cidr c -> out.cidr(c);
            }
        }
        return out.build();
    }

    private static List<ResolvedPort> ports(Rule rule) {
        List<ResolvedPort> out = new ArrayList<>();
        for (PortMatch m : rule.ports()) {
            if (m.protocol() == Protocol.ANY && m.range() != null) {
                PORT_PROTOCOLS.forEach(p -> out.add(new ResolvedPort(p, m.range())));
            } else {
                out.add(new ResolvedPort(m.protocol(), m.range()));
            }
        }
        return out;
    }
}
