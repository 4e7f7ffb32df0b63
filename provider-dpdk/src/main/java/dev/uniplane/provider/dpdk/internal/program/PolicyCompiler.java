package dev.uniplane.provider.dpdk.internal.program;

import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.spi.policy.EndpointRules;
import dev.uniplane.spi.policy.PeerSet;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedEndpoint;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedRule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Compiles a {@link PolicySet} for the local endpoints (by counter slot) and the registered remote endpoints into a
 * {@link CompiledPolicy}: {@link PolicyResolver} resolves it (selector peers to the addresses of matching local and
 * registered remote endpoints, never to unknown addresses; CIDR peers to their range minus the excepts), and this class
 * only encodes the result: peer prefixes as merged IPv4 and IPv6 address ranges, each rule once, referenced from the
 * lists of the endpoints its policy selects. The rule and port-entry limits are checked before resolution; all limits
 * are reported as {@link InvalidSpecException}s naming the limit.
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
        ResolvedPolicy resolved = PolicyResolver.resolve(set,
                locals.stream().map(e -> new PolicyEndpoint(e.slot(), e.labels(), e.addresses())).toList(), remotes);
        // Rules: compiled once each, in the resolver's (RuleRef) order, so rule index = resolved id.
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
        for (ResolvedRule resolvedRule : resolved.rules()) {
            RuleRef ref = resolvedRule.ref();
            Rule rule = resolvedRule.rule();
            Policy policy = set.policy(ref.policy()).orElseThrow();
            deny.add(rule.action() == Action.DENY);
            counter.add(counters.applyAsInt(new RuleKey(policy, ref.direction(), ref.index())));
            rulePolicy.add(ref.policy());
            ruleDirection.add(ref.direction() == Direction.INGRESS ? CompiledPolicy.INGRESS : CompiledPolicy.EGRESS);
            ruleIndex.add(ref.index());
            PeerSet peers = resolvedRule.peers();
            peerAny.add(peers.isAny());
            peerStart.add(peerRanges.size());
            peer6Start.add(peer6Ranges.size());
            if (!peers.isAny()) {
                peerRanges.addAll(ranges(peers.prefixes()));
                peer6Ranges.addAll(ranges6(peers.prefixes()));
                if (peerRanges.size() + peer6Ranges.size() > MAX_PEER_RANGES) {
                    throw new InvalidSpecException("policies", policy.name(), "exceeds the DPDK provider's limit of "
                            + MAX_PEER_RANGES + " peer address ranges per policy set (PolicyCompiler.MAX_PEER_RANGES)");
                }
            }
            peerEnd.add(peerRanges.size());
            peer6End.add(peer6Ranges.size());
            portStart.add(portTriples.size());
            // the port list as written: the fast path matches ANY with a range itself
            for (PortMatch m : rule.ports()) {
                int proto = m.protocol() == Protocol.ANY ? CompiledPolicy.ANY_PROTOCOL : m.protocol().number();
                portTriples.add(m.range() == null ? new int[] {proto, CompiledPolicy.NO_RANGE, CompiledPolicy.NO_RANGE}
                        : new int[] {proto, m.range().from(), m.range().to()});
            }
            portEnd.add(portTriples.size());
        }
        // Per (endpoint, direction) lists: deny rules by RuleRef, then allow rules by RuleRef (the resolver's order).
        int maxSlot = locals.stream().mapToInt(LocalEndpoint::slot).max().orElse(-1);
        int lists = (maxSlot + 1) * 2;
        int[] listStart = new int[lists];
        int[] listLength = new int[lists];
        boolean[] isolated = new boolean[lists];
        List<Integer> refs = new ArrayList<>();
        for (ResolvedEndpoint e : resolved.endpoints()) {
            for (Direction d : Direction.values()) {
                int list = e.endpoint().index() * 2 + (d == Direction.INGRESS ? CompiledPolicy.INGRESS : CompiledPolicy.EGRESS);
                EndpointRules at = e.rules(d);
                isolated[list] = at.isolated();
                listStart[list] = refs.size();
                listLength[list] = at.rules().size();
                at.rules().forEach(r -> refs.add(r.id()));
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

    /** The IPv4 prefixes of a rule's peers as sorted, disjoint, merged unsigned ranges. */
    static List<long[]> ranges(List<IpPrefix> prefixes) {
        List<long[]> ranges = new ArrayList<>();
        for (IpPrefix p : prefixes) {
            if (p.family() == IpFamily.IPV4) {
                ranges.add(range(p));
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

    /** The IPv6 prefixes of a rule's peers as sorted, disjoint, merged unsigned 128-bit ranges. */
    static List<BigInteger[]> ranges6(List<IpPrefix> prefixes) {
        List<BigInteger[]> ranges = new ArrayList<>();
        for (IpPrefix p : prefixes) {
            if (p.family() == IpFamily.IPV6) {
                ranges.add(range6(p));
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

    static BigInteger[] range6(IpPrefix prefix) {
        BigInteger size = BigInteger.ONE.shiftLeft(128 - prefix.length());
        BigInteger base = unsigned128(prefix.address().high(), prefix.address().low());
        BigInteger low = base.subtract(base.mod(size));
        return new BigInteger[] {low, low.add(size).subtract(BigInteger.ONE)};
    }

    private static BigInteger unsigned128(long high, long low) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
    }

    static long[] range(IpPrefix prefix) {
        long base = prefix.address().v4Value() & 0xffffffffL;
        long size = 1L << (32 - prefix.length());
        long low = base & ~(size - 1) & 0xffffffffL;
        return new long[] {low, low + size - 1};
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
