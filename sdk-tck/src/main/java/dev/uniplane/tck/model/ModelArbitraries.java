package dev.uniplane.tck.model;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.LabelRequirement;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Reusable jqwik generators for policy sets, selectors, CIDRs, ports and flows over a small fixed topology
 * ({@link ModelTopology}). Values are drawn from small domains (three label keys, seven label values, five ports, CIDRs
 * around the topology's addresses) so that generated rules actually match generated flows.
 */
public final class ModelArbitraries {
    /** The destination ports generated flows and rules use. */
    public static final List<Integer> PORTS = List.of(22, 53, 80, 443, 8080);
    /** The label keys and, per key, the values selectors use (the standard topology's labels come from them). */
    public static final Map<String, List<String>> LABELS = labelDomain();

    private ModelArbitraries() {
    }

    private static Map<String, List<String>> labelDomain() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("app", List.of("web", "db", "cache"));
        m.put("tier", List.of("front", "back"));
        m.put("env", List.of("prod", "dev"));
        return Collections.unmodifiableMap(m);
    }

    /** One match expression over the label domain, every operator. */
    public static Arbitrary<LabelRequirement> labelRequirements() {
        return Arbitraries.of(List.copyOf(LABELS.keySet())).flatMap(key -> Arbitraries.of(LabelRequirement.Operator.values())
                .flatMap(op -> switch (op) {
                    case EXISTS -> Arbitraries.just(LabelRequirement.exists(key));
                    case DOES_NOT_EXIST -> Arbitraries.just(LabelRequirement.doesNotExist(key));
                    case IN, NOT_IN -> Arbitraries.subsetOf(LABELS.get(key)).ofMinSize(1).ofMaxSize(2)
                            .map(values -> new LabelRequirement(key, op, values));
                }));
    }

    /** Selectors: often empty (selects all), else up to one matchLabels pair and up to two expressions. */
    public static Arbitrary<LabelSelector> labelSelectors() {
        Arbitrary<Labels> matchLabels = Arbitraries.of(List.copyOf(LABELS.keySet()))
                .flatMap(key -> Arbitraries.of(LABELS.get(key)).map(value -> Labels.of(key, value)))
                .injectNull(0.5)
                .map(labels -> labels == null ? Labels.of() : labels);
        Arbitrary<LabelSelector> constrained = Combinators.combine(matchLabels, labelRequirements().list().ofMaxSize(2))
                .as(LabelSelector::new);
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(LabelSelector.all())),
                Tuple.of(3, constrained));
    }

    /** Prefixes containing one of {@code addresses}, of lengths 0, 8, 16, 24, 30 or 32 (IPv6: 0, 32, 64, 120, 128). */
    public static Arbitrary<IpPrefix> prefixesAround(List<IpAddress> addresses) {
        return Arbitraries.of(addresses).flatMap(address -> Arbitraries.of(lengths(address.family()))
                .map(length -> new IpPrefix(address, length)));
    }

    /** CIDR peers around {@code addresses}, with up to two except prefixes strictly inside, also around them. */
    public static Arbitrary<Peer.Cidr> cidrPeers(List<IpAddress> addresses) {
        return prefixesAround(addresses).flatMap(cidr -> {
            List<IpPrefix> inside = new ArrayList<>();
            for (IpAddress address : addresses) {
                for (int length : lengths(address.family())) {
                    IpPrefix candidate = new IpPrefix(address, length);
                    if (length > cidr.length() && cidr.contains(candidate) && !inside.contains(candidate)) {
                        inside.add(candidate);
                    }
                }
            }
            if (inside.isEmpty()) {
                return Arbitraries.just(new Peer.Cidr(cidr, List.of()));
            }
            return Arbitraries.subsetOf(inside).ofMaxSize(2).map(except -> new Peer.Cidr(cidr, List.copyOf(except)));
        });
    }

    /** Selector peers and CIDR peers, half each. */
    public static Arbitrary<Peer> peers(List<IpAddress> addresses) {
        return Arbitraries.oneOf(labelSelectors().map(Peer.Selector::new), cidrPeers(addresses));
    }

    /** Port entries: TCP/UDP/SCTP/ANY with a range over {@link #PORTS} or none, ICMP and ICMPv6 without one. */
    public static Arbitrary<PortMatch> portMatches() {
        Arbitrary<PortRange> ranges = Arbitraries.of(PORTS).list().ofSize(2)
                .map(ends -> new PortRange(Math.min(ends.get(0), ends.get(1)), Math.max(ends.get(0), ends.get(1))))
                .injectNull(0.25);
        return Arbitraries.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP, Protocol.ANY, Protocol.ICMP, Protocol.ICMPV6)
                .flatMap(protocol -> protocol.hasPorts() || protocol == Protocol.ANY
                        ? ranges.map(range -> new PortMatch(protocol, range))
                        : Arbitraries.just(PortMatch.any(protocol)));
    }

    /** Rules with up to two peers and up to two port entries (empty = any). */
    public static Arbitrary<Rule> rules(List<IpAddress> addresses) {
        return Combinators.combine(Arbitraries.of(Action.values()), peers(addresses).list().ofMaxSize(2),
                portMatches().list().ofMaxSize(2)).as(Rule::new);
    }

    /** A direction's rule list: {@code null} (not isolating) about 40% of the time, else 0-3 rules. */
    public static Arbitrary<List<Rule>> ruleLists(List<IpAddress> addresses) {
        return rules(addresses).list().ofMaxSize(3).injectNull(0.4);
    }

    /** A policy named {@code name}; a policy that would have neither list gets an empty ingress list (deny all in). */
    public static Arbitrary<Policy> policies(String name, List<IpAddress> addresses) {
        return Combinators.combine(labelSelectors(), ruleLists(addresses), ruleLists(addresses))
                .as((selector, ingress, egress) -> new Policy(name, selector,
                        ingress == null && egress == null ? List.of() : ingress, egress));
    }

    /** Sets of 0-4 policies named {@code p0}, {@code p1}, ... */
    public static Arbitrary<PolicySet> policySets(List<IpAddress> addresses) {
        return Arbitraries.integers().between(0, 4).flatMap(n -> {
            List<Arbitrary<Policy>> each = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                each.add(policies("p" + i, addresses));
            }
            return n == 0 ? Arbitraries.just(PolicySet.empty()) : Combinators.combine(each).as(PolicySet::new);
        });
    }

    public static Arbitrary<PolicySet> policySets(ModelTopology topology) {
        return policySets(topology.addresses());
    }

    /** The same set with its policies (and, if {@code rulesToo}, each rule list) in a random order. */
    public static Arbitrary<PolicySet> reorderings(PolicySet set, boolean rulesToo) {
        return Arbitraries.randoms().map(random -> reorder(set, random, rulesToo));
    }

    /** {@code set} with its policies (and, if {@code rulesToo}, each rule list) shuffled by {@code random}. */
    public static PolicySet reorder(PolicySet set, Random random, boolean rulesToo) {
        List<Policy> policies = new ArrayList<>();
        for (Policy p : set.policies()) {
            policies.add(rulesToo ? new Policy(p.name(), p.selector(), shuffled(p.ingress(), random), shuffled(p.egress(), random)) : p);
        }
        Collections.shuffle(policies, random);
        return new PolicySet(policies);
    }

    /**
     * First packets of new flows over the topology: from a local endpoint (origin = that endpoint) or from a remote or
     * external address (origin = uplink), to any topology address of the same family; TCP SYN, UDP, SCTP or ICMP
     * (ICMPv6 for IPv6) echo request; destination port from {@link #PORTS}.
     */
    public static Arbitrary<Packet> newFlows(ModelTopology topology) {
        List<Map.Entry<Origin, IpAddress>> sources = new ArrayList<>();
        for (AttachSpec endpoint : topology.endpoints()) {
            endpoint.addresses().forEach(a -> sources.add(Map.entry(Origin.endpoint(endpoint.id()), a)));
        }
        topology.remoteAddresses().forEach(a -> sources.add(Map.entry(Origin.uplink(), a)));
        topology.externals().forEach(a -> sources.add(Map.entry(Origin.uplink(), a)));
        return Arbitraries.of(sources).flatMap(source -> {
            List<IpAddress> sameFamily = topology.addresses().stream()
                    .filter(a -> a.family() == source.getValue().family()).toList();
            return Combinators.combine(Arbitraries.of(sameFamily),
                            Arbitraries.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP, Protocol.ICMP),
                            Arbitraries.integers().between(40000, 40003), Arbitraries.of(PORTS))
                    .as((destination, protocol, sourcePort, port) ->
                            packet(source.getKey(), source.getValue(), destination, protocol, sourcePort, port));
        });
    }

    private static Packet packet(Origin origin, IpAddress source, IpAddress destination, Protocol protocol, int sourcePort, int port) {
        if (protocol == Protocol.ICMP) {
            IcmpMessage echo = IcmpMessage.echoRequest(source.family(), sourcePort);
            return new Packet(origin, source, destination, IcmpKind.protocolNumber(source.family()), 0, 0, null, echo,
                    Packet.DEFAULT_TTL, Packet.DEFAULT_LENGTH);
        }
        return new Packet(origin, source, destination, protocol.number(), sourcePort, port,
                protocol == Protocol.TCP ? TcpFlags.SYN : null, null, Packet.DEFAULT_TTL, Packet.DEFAULT_LENGTH);
    }

    private static List<Rule> shuffled(List<Rule> rules, Random random) {
        if (rules == null) {
            return null;
        }
        List<Rule> copy = new ArrayList<>(rules);
        Collections.shuffle(copy, random);
        return copy;
    }

    private static List<Integer> lengths(IpFamily family) {
        return family == IpFamily.IPV4 ? List.of(0, 8, 16, 24, 30, 32) : List.of(0, 32, 64, 120, 128);
    }
}
