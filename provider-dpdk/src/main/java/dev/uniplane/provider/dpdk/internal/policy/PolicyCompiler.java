package dev.uniplane.provider.dpdk.internal.policy;

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
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Compiles a {@link PolicySet} for the local endpoints (by counter slot) and the registered remote endpoints into a
 * {@link CompiledPolicy}. Selector peers resolve, by address, to the IPv4 and IPv6 addresses of the local and
 * registered remote endpoints whose labels match (never to unknown addresses); CIDR peers to their range minus the excepts. Each rule is
 * compiled once and referenced from the lists of the endpoints its policy selects. Limits are checked before anything
 * is built and reported as {@link InvalidSpecException}s naming the limit.
 */
public final class PolicyCompiler {
    /** Most port entries (PortMatch) over all rules of a set. */
    public static final int MAX_PORT_ENTRIES = 8192;
    /** Most peer address ranges over all rules of a set, after resolution. */
    public static final int MAX_PEER_RANGES = 65536;
    /** Most rules in a set. */
    public static final int MAX_RULES = 16384;
    /** Most rule references over all (endpoint, direction) lists. */
    public static final int MAX_REFERENCES = 1 << 20;

    /** A local endpoint as the compiler sees it. */
    public record LocalEndpoint(int slot, Labels labels, List<IpAddress> addresses) {
    }

    /** The identity of a rule for counter slots: rules of equal policies keep their counters across an apply. */
    public record RuleKey(Policy policy, Direction direction, int index) {
        /** The API reference. */
        public RuleRef ref() {
            return new RuleRef(policy.name(), direction, index);
        }
    }

    private PolicyCompiler() {
    }

    /**
     * Compiles {@code set}.
     *
     * @param counters the rule-counter slot of each rule
     * @throws InvalidSpecException when a limit is exceeded
     */
    public static CompiledPolicy compile(PolicySet set, List<LocalEndpoint> locals, List<RemoteEndpoint> remotes,
                                         ToIntFunction<RuleKey> counters) {
        if (set.policies().isEmpty()) {
            return CompiledPolicy.empty();
        }
        int ruleTotal = set.ruleCount();
        if (ruleTotal > MAX_RULES) {
            throw new InvalidSpecException("policies", ruleTotal + " rules", "exceeds the DPDK provider's limit of " + MAX_RULES
                    + " rules per policy set (PolicyCompiler.MAX_RULES)");
        }
        int portEntries = 0;
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                for (Rule r : p.rules(d).orElse(List.of())) {
                    portEntries += r.ports().size();
                }
            }
        }
        if (portEntries > MAX_PORT_ENTRIES) {
            throw new InvalidSpecException("policies", portEntries + " port entries", "exceeds the DPDK provider's limit of "
                    + MAX_PORT_ENTRIES + " port entries per policy set (PolicyCompiler.MAX_PORT_ENTRIES)");
        }
        // Rules: compiled once each.
        List<Policy> policies = set.policies();
        List<Boolean> deny = new ArrayList<>();
        List<Integer> counter = new ArrayList<>();
        List<Integer> peerStart = new ArrayList<>();
        List<Integer> peerEnd = new ArrayList<>();
        List<Boolean> peerAny = new ArrayList<>();
        List<Integer> portStart = new ArrayList<>();
        List<Integer> portEnd = new ArrayList<>();
        List<String> rulePolicy = new ArrayList<>();
        List<Integer> ruleDirection = new ArrayList<>();
        List<Integer> ruleIndex = new ArrayList<>();
        List<long[]> peerRanges = new ArrayList<>();
        List<Integer> peer6Start = new ArrayList<>();
        List<Integer> peer6End = new ArrayList<>();
        List<BigInteger[]> peer6Ranges = new ArrayList<>();
        List<int[]> portTriples = new ArrayList<>();
        int[][][] ruleIds = new int[policies.size()][2][];
        for (int pi = 0; pi < policies.size(); pi++) {
            Policy policy = policies.get(pi);
            for (Direction d : Direction.values()) {
                int di = d == Direction.INGRESS ? CompiledPolicy.INGRESS : CompiledPolicy.EGRESS;
                Optional<List<Rule>> rules = policy.rules(d);
                if (rules.isEmpty()) {
                    continue;
                }
                int[] ids = new int[rules.get().size()];
                for (int i = 0; i < ids.length; i++) {
                    Rule rule = rules.get().get(i);
                    ids[i] = deny.size();
                    deny.add(rule.action() == Action.DENY);
                    counter.add(counters.applyAsInt(new RuleKey(policy, d, i)));
                    rulePolicy.add(policy.name());
                    ruleDirection.add(di);
                    ruleIndex.add(i);
                    peerAny.add(rule.peers().isEmpty());
                    peerStart.add(peerRanges.size());
                    peer6Start.add(peer6Ranges.size());
                    if (!rule.peers().isEmpty()) {
                        peerRanges.addAll(resolve(rule.peers(), locals, remotes));
                        peer6Ranges.addAll(resolve6(rule.peers(), locals, remotes));
                        if (peerRanges.size() + peer6Ranges.size() > MAX_PEER_RANGES) {
                            throw new InvalidSpecException("policies", policy.name(), "exceeds the DPDK provider's limit of "
                                    + MAX_PEER_RANGES + " peer address ranges per policy set (PolicyCompiler.MAX_PEER_RANGES)");
                        }
                    }
                    peerEnd.add(peerRanges.size());
                    peer6End.add(peer6Ranges.size());
                    portStart.add(portTriples.size());
                    for (PortMatch m : rule.ports()) {
                        int proto = m.protocol() == Protocol.ANY ? CompiledPolicy.ANY_PROTOCOL : m.protocol().number();
                        portTriples.add(m.range() == null ? new int[] {proto, CompiledPolicy.NO_RANGE, CompiledPolicy.NO_RANGE}
                                : new int[] {proto, m.range().from(), m.range().to()});
                    }
                    portEnd.add(portTriples.size());
                }
                ruleIds[pi][di] = ids;
            }
        }
        // Per (endpoint, direction) lists: deny rules by RuleRef, then allow rules by RuleRef.
        int maxSlot = locals.stream().mapToInt(LocalEndpoint::slot).max().orElse(-1);
        int lists = (maxSlot + 1) * 2;
        int[] listStart = new int[lists];
        int[] listLength = new int[lists];
        boolean[] isolated = new boolean[lists];
        List<Integer> refs = new ArrayList<>();
        Comparator<Integer> order = Comparator.<Integer, Boolean>comparing(r -> !deny.get(r))
                .thenComparing(r -> rulePolicy.get(r))
                .thenComparing(r -> ruleIndex.get(r));
        for (LocalEndpoint e : locals) {
            for (int di = 0; di < 2; di++) {
                int list = e.slot() * 2 + di;
                List<Integer> selected = new ArrayList<>();
                for (int pi = 0; pi < policies.size(); pi++) {
                    if (ruleIds[pi][di] != null && policies.get(pi).selector().matches(e.labels())) {
                        isolated[list] = true;
                        for (int id : ruleIds[pi][di]) {
                            selected.add(id);
                        }
                    }
                }
                selected.sort(order);
                listStart[list] = refs.size();
                listLength[list] = selected.size();
                refs.addAll(selected);
                if (refs.size() > MAX_REFERENCES) {
                    throw new InvalidSpecException("policies", refs.size() + " rule references", "exceeds the DPDK provider's "
                            + "limit of " + MAX_REFERENCES + " rule references over all endpoints (PolicyCompiler.MAX_REFERENCES)");
                }
            }
        }
        long[] low = new long[peerRanges.size()];
        long[] high = new long[peerRanges.size()];
        for (int i = 0; i < low.length; i++) {
            low[i] = peerRanges.get(i)[0];
            high[i] = peerRanges.get(i)[1];
        }
        int n6 = peer6Ranges.size();
        long[] lowHigh = new long[n6];
        long[] lowLow = new long[n6];
        long[] highHigh = new long[n6];
        long[] highLow = new long[n6];
        for (int i = 0; i < n6; i++) {
            lowHigh[i] = peer6Ranges.get(i)[0].shiftRight(64).longValue();
            lowLow[i] = peer6Ranges.get(i)[0].longValue();
            highHigh[i] = peer6Ranges.get(i)[1].shiftRight(64).longValue();
            highLow[i] = peer6Ranges.get(i)[1].longValue();
        }
        CompiledPolicy.Peers6 peers6 = new CompiledPolicy.Peers6(ints(peer6Start), ints(peer6End), lowHigh, lowLow, highHigh,
                highLow);
        int[] proto = new int[portTriples.size()];
        int[] from = new int[portTriples.size()];
        int[] to = new int[portTriples.size()];
        for (int i = 0; i < proto.length; i++) {
            proto[i] = portTriples.get(i)[0];
            from[i] = portTriples.get(i)[1];
            to[i] = portTriples.get(i)[2];
        }
        boolean[] denyArr = new boolean[deny.size()];
        boolean[] anyArr = new boolean[deny.size()];
        for (int i = 0; i < denyArr.length; i++) {
            denyArr[i] = deny.get(i);
            anyArr[i] = peerAny.get(i);
        }
        return new CompiledPolicy(listStart, listLength, isolated, ints(refs), denyArr, ints(counter), ints(peerStart),
                ints(peerEnd), anyArr, ints(portStart), ints(portEnd), low, high, peers6, proto, from, to,
                rulePolicy.toArray(String[]::new), ints(ruleDirection), ints(ruleIndex));
    }

    /** The peers of one rule as sorted, disjoint, merged unsigned IPv4 ranges. */
    static List<long[]> resolve(List<Peer> peers, List<LocalEndpoint> locals, List<RemoteEndpoint> remotes) {
        List<long[]> ranges = new ArrayList<>();
        for (Peer peer : peers) {
            switch (peer) {
                case Peer.Selector s -> {
                    for (LocalEndpoint e : locals) {
                        if (s.selector().matches(e.labels())) {
                            addAddresses(ranges, e.addresses());
                        }
                    }
                    for (RemoteEndpoint r : remotes) {
                        if (s.selector().matches(r.labels())) {
                            addAddresses(ranges, r.addresses());
                        }
                    }
                }
                case Peer.Cidr c -> {
                    if (c.cidr().family() == IpFamily.IPV4) {
                        List<long[]> pieces = new ArrayList<>();
                        pieces.add(range(c.cidr()));
                        for (IpPrefix except : c.except()) {
                            pieces = subtract(pieces, range(except));
                        }
                        ranges.addAll(pieces);
                    }
                }
            }
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return merged;
    }

    /** The IPv6 peers of one rule as sorted, disjoint, merged unsigned 128-bit ranges. */
    static List<BigInteger[]> resolve6(List<Peer> peers, List<LocalEndpoint> locals, List<RemoteEndpoint> remotes) {
        List<BigInteger[]> ranges = new ArrayList<>();
        for (Peer peer : peers) {
            switch (peer) {
                case Peer.Selector s -> {
                    for (LocalEndpoint e : locals) {
                        if (s.selector().matches(e.labels())) {
                            addAddresses6(ranges, e.addresses());
                        }
                    }
                    for (RemoteEndpoint r : remotes) {
                        if (s.selector().matches(r.labels())) {
                            addAddresses6(ranges, r.addresses());
                        }
                    }
                }
                case Peer.Cidr c -> {
                    if (c.cidr().family() == IpFamily.IPV6) {
                        List<BigInteger[]> pieces = new ArrayList<>();
                        pieces.add(range6(c.cidr()));
                        for (IpPrefix except : c.except()) {
                            if (except.family() == IpFamily.IPV6) {
                                pieces = subtract6(pieces, range6(except));
                            }
                        }
                        ranges.addAll(pieces);
                    }
                }
            }
        }
        ranges.sort(Comparator.comparing(r -> r[0]));
        List<BigInteger[]> merged = new ArrayList<>();
        for (BigInteger[] r : ranges) {
            BigInteger[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r[0].compareTo(last[1].add(BigInteger.ONE)) <= 0) {
                last[1] = last[1].max(r[1]);
            } else {
                merged.add(new BigInteger[] {r[0], r[1]});
            }
        }
        return merged;
    }

    private static void addAddresses6(List<BigInteger[]> ranges, List<IpAddress> addresses) {
        for (IpAddress a : addresses) {
            if (a.family() == IpFamily.IPV6) {
                BigInteger v = unsigned128(a.high(), a.low());
                ranges.add(new BigInteger[] {v, v});
            }
        }
    }

    static BigInteger[] range6(IpPrefix prefix) {
        BigInteger size = BigInteger.ONE.shiftLeft(128 - prefix.length());
        BigInteger base = unsigned128(prefix.address().high(), prefix.address().low());
        BigInteger low = base.subtract(base.mod(size));
        return new BigInteger[] {low, low.add(size).subtract(BigInteger.ONE)};
    }

    private static BigInteger unsigned128(long high, long low) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
    }

    private static List<BigInteger[]> subtract6(List<BigInteger[]> pieces, BigInteger[] cut) {
        List<BigInteger[]> out = new ArrayList<>();
        for (BigInteger[] p : pieces) {
            if (cut[1].compareTo(p[0]) < 0 || cut[0].compareTo(p[1]) > 0) {
                out.add(p);
                continue;
            }
            if (p[0].compareTo(cut[0]) < 0) {
                out.add(new BigInteger[] {p[0], cut[0].subtract(BigInteger.ONE)});
            }
            if (p[1].compareTo(cut[1]) > 0) {
                out.add(new BigInteger[] {cut[1].add(BigInteger.ONE), p[1]});
            }
        }
        return out;
    }

    private static void addAddresses(List<long[]> ranges, List<IpAddress> addresses) {
        for (IpAddress a : addresses) {
            if (a.family() == IpFamily.IPV4) {
                long v = a.v4Value() & 0xffffffffL;
                ranges.add(new long[] {v, v});
            }
        }
    }

    static long[] range(IpPrefix prefix) {
        long base = prefix.address().v4Value() & 0xffffffffL;
        long size = 1L << (32 - prefix.length());
        long low = base & ~(size - 1) & 0xffffffffL;
        return new long[] {low, low + size - 1};
    }

    private static List<long[]> subtract(List<long[]> pieces, long[] cut) {
        List<long[]> out = new ArrayList<>();
        for (long[] p : pieces) {
            if (cut[1] < p[0] || cut[0] > p[1]) {
                out.add(p);
                continue;
            }
            if (p[0] < cut[0]) {
                out.add(new long[] {p[0], cut[0] - 1});
            }
            if (p[1] > cut[1]) {
                out.add(new long[] {cut[1] + 1, p[1]});
            }
        }
        return out;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
