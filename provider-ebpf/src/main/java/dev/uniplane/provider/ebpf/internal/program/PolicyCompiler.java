package dev.uniplane.provider.ebpf.internal.program;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.spi.policy.EndpointRules;
import dev.uniplane.spi.policy.PeerSet;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.PortPrefix;
import dev.uniplane.spi.policy.PortPrefixes;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedPort;
import dev.uniplane.spi.policy.ResolvedRule;

/**
 * Compiles a {@link PolicySet} for the eBPF datapath: one LPM lookup per check decides, so the whole decision is
 * encoded here, from what {@link PolicyResolver} resolved (rules in RuleRef order, rule id = resolver id + 1, so the
 * lowest id of the winning action is the smallest RuleRef; peers; ports; the rules per endpoint and direction).
 * <ol>
 * <li>Identities: endpoint addresses bring their own (input); every CIDR and except prefix of every rule becomes an
 * ipcache prefix with an identity of its own. An address takes the identity of its longest prefix, whose region (the
 * prefix minus the longer prefixes inside it) lies either entirely inside "C and in no except" or entirely outside,
 * for every CIDR peer C. So a peer match is decided per identity exactly.</li>
 * <li>Per local endpoint and direction: the rules of the selecting policies. Isolation becomes a catch-all entry at
 * /40 ({endpoint, direction}) with verdict DEFAULT_DENY.</li>
 * <li>Per identity: the decision (deny overrides allow; the deciding rule is the lowest id of the winning action)
 * over the protocol/port space, emitted as an identity entry (/72, protocols no rule names), protocol entries (/80,
 * ports no range names) and port-prefix entries (80 + n) wherever the decision differs from the enclosing entry.
 * Port ranges become prefixes ({@link PortPrefixes}); ANY with ports becomes TCP, UDP and SCTP (resolver).</li>
 * </ol>
 * A result that does not fit the maps is rejected with the limit named, before anything is written.
 */
public final class PolicyCompiler {

    /** Map capacities the result must fit. */
    public record Limits(int policyEntries, int ipcachePerFamily, int rules) {
        /** The defaults of uniplane_maps.h; rule ids are split in two halves, one per slot. */
        public static final Limits DEFAULT = new Limits(262_144, 65_536, 16_384 / 2 - 1);
    }

    /** An endpoint address and its identity. */
    public record AddressIdentity(IpAddress address, int identity) {
        public AddressIdentity {
            Objects.requireNonNull(address, "address");
            if (identity < Identities.FIRST_ENDPOINT || identity >= Identities.FIRST_CIDR) {
                throw new IllegalArgumentException("endpoint identity " + identity + " outside ["
                        + Identities.FIRST_ENDPOINT + ", " + Identities.FIRST_CIDR + ")");
            }
        }
    }

    /** A local endpoint: selected by policies (by its index) and matched as a peer. */
    public record LocalEndpoint(int index, Labels labels, List<AddressIdentity> addresses) {
        public LocalEndpoint {
            if (index < 1) {
                throw new IllegalArgumentException("endpoint index starts at 1 (0 = unattributed)");
            }
            Objects.requireNonNull(labels, "labels");
            addresses = List.copyOf(addresses);
        }
    }

    /** A registered remote endpoint: matched as a peer only. */
    public record RemoteEndpoint(String id, Labels labels, List<AddressIdentity> addresses) {
        public RemoteEndpoint {
            Objects.requireNonNull(labels, "labels");
            addresses = List.copyOf(addresses);
        }
    }

    /** Sentinel protocol for "a protocol no rule names" (only used to compute the identity-level decision). */
    private static final int OTHER_PROTOCOL = 255;
    private static final int[] PORT_PROTOCOLS = {Protocol.TCP.number(), Protocol.UDP.number(), Protocol.SCTP.number()};

    private final Limits limits;

    public PolicyCompiler(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public PolicyCompiler() {
        this(Limits.DEFAULT);
    }

    public Limits limits() {
        return limits;
    }

    // ------------------------------------------------------------------------------------------ identities

    /** One identity of the universe: an endpoint address, a CIDR prefix region, or WORLD. */
    private sealed interface Ident permits EndpointIdent, CidrIdent, WorldIdent {
        int id();
    }

    private record EndpointIdent(int id, IpAddress address, Labels labels) implements Ident {
    }

    private record CidrIdent(int id, IpPrefix prefix) implements Ident {
    }

    private record WorldIdent(int id) implements Ident {
    }

    /** A resolved rule with its logical id ({@code resolved.id() + 1}) and the identities its peers match. */
    private record CompiledRule(int id, ResolvedRule resolved, BitSet identities) {
    }

    /** The decision at one point of the (protocol, port) space. */
    private record Decision(Verdict verdict, int ruleId) {
        PolicyValue value() {
            return new PolicyValue(verdict, ruleId);
        }
    }

    /** An entry below an identity: prefix length, protocol, port. */
    private record Suffix(int prefixLen, int protocol, int port, Decision decision) {
    }

    public CompiledPolicy compile(PolicySet set, List<LocalEndpoint> locals, List<RemoteEndpoint> remotes) {
        Objects.requireNonNull(set, "set");
        // 1. ipcache prefixes
        TreeSet<IpPrefix> prefixes = new TreeSet<>();
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                for (Rule r : p.rules(d).orElse(List.of())) {
                    for (Peer peer : r.peers()) {
                        if (peer instanceof Peer.Cidr c) {
                            prefixes.add(c.cidr());
                            prefixes.addAll(c.except());
                        }
                    }
                }
            }
        }
        for (IpFamily f : IpFamily.values()) {
            long n = prefixes.stream().filter(p -> p.family() == f).count();
            if (n > limits.ipcachePerFamily()) {
                throw new InvalidSpecException("policies", n + " " + f + " CIDR prefixes",
                        "exceeds the eBPF ipcache limit up_ipcache_" + (f == IpFamily.IPV4 ? "v4" : "v6")
                                + "_slot0/1 max_entries=" + limits.ipcachePerFamily());
            }
        }
        Map<IpPrefix, Integer> ipcache = new LinkedHashMap<>();
        List<Ident> universe = new ArrayList<>();
        universe.add(new WorldIdent(Identities.WORLD));
        int nextCidr = Identities.FIRST_CIDR;
        for (IpPrefix p : prefixes) {
            ipcache.put(p, nextCidr);
            universe.add(new CidrIdent(nextCidr++, p));
        }
        for (LocalEndpoint e : locals) {
            for (AddressIdentity a : e.addresses()) {
                universe.add(new EndpointIdent(a.identity(), a.address(), e.labels()));
            }
        }
        for (RemoteEndpoint e : remotes) {
            for (AddressIdentity a : e.addresses()) {
                universe.add(new EndpointIdent(a.identity(), a.address(), e.labels()));
            }
        }

        // 2. rule ids (the resolver's RuleRef order, from 1) and the identities each rule's peers match
        ResolvedPolicy resolved = PolicyResolver.resolve(set,
                locals.stream().map(e -> new PolicyEndpoint(e.index(), e.labels(), addresses(e.addresses()))).toList(),
                remotes.stream().filter(e -> !e.addresses().isEmpty())
                        .map(e -> new dev.uniplane.api.RemoteEndpoint(e.id(), addresses(e.addresses()), e.labels())).toList());
        List<RuleRef> ruleRefs = new ArrayList<>();
        List<CompiledRule> compiled = new ArrayList<>();
        for (ResolvedRule r : resolved.rules()) {
            ruleRefs.add(r.ref());
            compiled.add(new CompiledRule(r.id() + 1, r, peerMatches(r.peers(), universe)));
        }
        if (ruleRefs.size() > limits.rules()) {
            throw new InvalidSpecException("policies", ruleRefs.size() + " rules",
                    "exceeds the eBPF per-rule counter limit up_rule_stats (" + limits.rules() + " rules per slot)");
        }

        // 3. entries per local endpoint, direction and identity
        Map<PolicyKey, PolicyValue> entries = new HashMap<>();
        for (LocalEndpoint ep : locals) {
            for (Direction d : Direction.values()) {
                EndpointRules at = resolved.at(ep.index(), d);
                if (!at.isolated()) {
                    continue;
                }
                List<CompiledRule> rules = at.rules().stream().map(r -> compiled.get(r.id())).toList();
                int dir = d == Direction.INGRESS ? PolicyKey.INGRESS : PolicyKey.EGRESS;
                put(entries, PolicyKey.isolation(ep.index(), dir), new PolicyValue(Verdict.DEFAULT_DENY, 0));
                Decision root = new Decision(Verdict.DEFAULT_DENY, 0);
                Map<BitSet, List<Suffix>> cache = new HashMap<>();
                for (int i = 0; i < universe.size(); i++) {
                    BitSet applicable = new BitSet();
                    for (int r = 0; r < rules.size(); r++) {
                        if (rules.get(r).identities().get(i)) {
                            applicable.set(r);
                        }
                    }
                    if (applicable.isEmpty()) {
                        continue; // the catch-all decides
                    }
                    List<Suffix> suffixes = cache.computeIfAbsent(applicable, a -> suffixes(select(rules, a), root));
                    int identity = universe.get(i).id();
                    for (Suffix s : suffixes) {
                        PolicyKey key = new PolicyKey(s.prefixLen(), ep.index(), dir, identity, s.protocol(), s.port());
                        put(entries, key, s.decision().value());
                    }
                }
            }
        }
        return new CompiledPolicy(entries, ipcache, ruleRefs);
    }

    private void put(Map<PolicyKey, PolicyValue> entries, PolicyKey key, PolicyValue value) {
        entries.put(key, value);
        if (entries.size() > limits.policyEntries()) {
            throw new InvalidSpecException("policies", "more than " + limits.policyEntries() + " policy entries",
                    "exceeds the eBPF policy map limit up_policy_slot0/1 max_entries=" + limits.policyEntries());
        }
    }

    private static List<CompiledRule> select(List<CompiledRule> rules, BitSet which) {
        List<CompiledRule> out = new ArrayList<>();
        which.stream().forEach(i -> out.add(rules.get(i)));
        return out;
    }

    /** The identities whose addresses the peers match: by address, by the region of a CIDR prefix, WORLD only for any. */
    private static BitSet peerMatches(PeerSet peers, List<Ident> universe) {
        BitSet out = new BitSet(universe.size());
        for (int i = 0; i < universe.size(); i++) {
            boolean matches = peers.isAny() || switch (universe.get(i)) {
                case EndpointIdent e -> peers.contains(e.address());
                case CidrIdent p -> peers.containsRegion(p.prefix());
                case WorldIdent w -> false;
            };
            if (matches) {
                out.set(i);
            }
        }
        return out;
    }

    private static List<IpAddress> addresses(List<AddressIdentity> identities) {
        return identities.stream().map(AddressIdentity::address).toList();
    }

    /** The deciding rule among those matching the port (deny overrides allow, the smallest RuleRef wins); else the default. */
    private static Decision decide(List<CompiledRule> rules, int protocol, int port, Decision fallback) {
        List<ResolvedRule> matching = new ArrayList<>();
        for (CompiledRule r : rules) {
            if (r.resolved().matchesPort(protocol, port)) {
                matching.add(r.resolved());
            }
        }
        return ResolvedRule.deciding(matching)
                .map(r -> new Decision(r.action() == Action.DENY ? Verdict.DENY : Verdict.ALLOW, r.id() + 1))
                .orElse(fallback);
    }

    /** The entries below one identity: /72, then /80 per named protocol, then port prefixes. */
    private static List<Suffix> suffixes(List<CompiledRule> rules, Decision root) {
        List<Suffix> out = new ArrayList<>();
        Decision top = decide(rules, OTHER_PROTOCOL, 0, root);
        if (!top.equals(root)) {
            out.add(new Suffix(PolicyKey.IDENTITY, 0, 0, top));
        }
        TreeSet<Integer> protocols = new TreeSet<>();
        for (CompiledRule r : rules) {
            for (ResolvedPort pm : r.resolved().ports()) {
                if (pm.protocol() != Protocol.ANY) {
                    protocols.add(pm.protocol().number());
                }
            }
        }
        for (int proto : protocols) {
            Decision protoLevel = decide(rules, proto, 0, root); // port 0 lies outside every range
            if (!protoLevel.equals(top)) {
                out.add(new Suffix(PolicyKey.PROTOCOL, proto, 0, protoLevel));
            }
            if (!isPortProtocol(proto)) {
                continue;
            }
            TreeSet<Integer> bounds = new TreeSet<>();
            for (CompiledRule r : rules) {
                for (ResolvedPort pm : r.resolved().ports()) {
                    if (pm.range() != null && pm.protocol().number() == proto) {
                        bounds.add(pm.range().from());
                        bounds.add(pm.range().to() + 1);
                    }
                }
            }
            List<Integer> points = new ArrayList<>(bounds);
            int runStart = -1;
            int runEnd = -1;
            Decision runDecision = null;
            for (int i = 0; i < points.size() && points.get(i) <= 65535; i++) {
                int from = points.get(i);
                int to = i + 1 < points.size() ? Math.min(65535, points.get(i + 1) - 1) : 65535;
                Decision d = decide(rules, proto, from, root);
                if (d.equals(runDecision)) {
                    runEnd = to;
                    continue;
                }
                if (runDecision != null) {
                    emitRange(out, proto, runStart, runEnd, runDecision, protoLevel);
                }
                runStart = from;
                runEnd = to;
                runDecision = d;
            }
            if (runDecision != null) {
                emitRange(out, proto, runStart, runEnd, runDecision, protoLevel);
            }
        }
        return out;
    }

    private static void emitRange(List<Suffix> out, int proto, int from, int to, Decision d, Decision protoLevel) {
        if (d.equals(protoLevel)) {
            return;
        }
        for (PortPrefix p : PortPrefixes.of(from, to)) {
            out.add(new Suffix(PolicyKey.PROTOCOL + p.bits(), proto, p.value(), d));
        }
    }

    private static boolean isPortProtocol(int proto) {
        for (int p : PORT_PROTOCOLS) {
            if (p == proto) {
                return true;
            }
        }
        return false;
    }
}
