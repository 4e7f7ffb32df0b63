package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.api.Direction;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.Kind;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.LearnSpec;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Nxm;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.PortPrefix;
import dev.uniplane.spi.policy.ResolvedEndpoint;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.policy.ResolvedPort;
import dev.uniplane.spi.policy.ResolvedRule;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles a {@link PolicySet} into the flows of tables {@link FlowTables#EGRESS} and {@link FlowTables#INGRESS}
 * (no I/O). Per endpoint and direction, the rules of every policy selecting it become priority-ordered flows: every
 * DENY rule above every ALLOW rule, each group ordered by {@link RuleRef} (so the first match is the smallest DENY
 * RuleRef, else the smallest ALLOW one, which is also the rule the counters charge). One rule = one priority and the
 * cross product of its peer prefixes (selectors resolved to the addresses of matching local and registered remote
 * endpoints; a CIDR minus its excepts split into disjoint prefixes), and its ports (ranges split into masked
 * prefixes), all as {@link PolicyResolver} resolved them. An isolated endpoint gets a default-deny flow below its rules. Cookies: kind POLICY_ALLOW/POLICY_DENY
 * with id {@code ruleNumber << 12 | endpointIndex}, POLICY_DEFAULT with the endpoint index.
 *
 * <p>A rule with more than one value in at least two of its dimensions (endpoints, peers, ports) becomes a conjunctive
 * flow with conjunction id = its rule number: the cost is the sum of the dimensions, not their product; the flows
 * that act (and count) are the {@code conj_id} flows, one per endpoint and family, with the usual cookies. The whole
 * set is refused past {@link #MAX_FLOWS} flows (then the message names the policy that crossed it).
 */
public final class PolicyFlows {
    static final int MAX_FLOWS = 200_000;
    static final int DENY_TOP = 60_000;
    static final int ALLOW_TOP = 35_000;
    static final int DEFAULT_DENY_PRIORITY = 2;
    /** SCTP in table 1: above its +est/+rel shortcut (100), SCTP does not trust ct_state. */
    static final int SCTP_LOOKUP_PRIORITY = 200;
    /** SCTP in table 6: above its per-endpoint +est shortcut (200); known flows 50 higher. */
    static final int SCTP_DELIVER_PRIORITY = 250;
    /** A known SCTP flow in table 2: above every rule. */
    static final int KNOWN_SCTP_PRIORITY = 65_000;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;

    /** A local endpoint as policy sees it. */
    public record Member(int index, long ofport, Labels labels, List<IpAddress> addresses) {
    }

    /** A peer identity (local or remote endpoint) for selectors. */
    public record Identity(Labels labels, List<IpAddress> addresses) {
    }

    /** The compiled flows and the rule numbers their cookies carry. */
    public record Compiled(List<Labeled> flows, Map<Integer, RuleRef> rules, Map<Integer, dev.uniplane.api.Action> actions) {
    }

    private PolicyFlows() {
    }

    /** Deletes every policy flow (the three policy cookie kinds). */
    static List<Labeled> deleteAll() {
        List<Labeled> out = new ArrayList<>();
        for (Kind k : List.of(Kind.POLICY_ALLOW, Kind.POLICY_DENY, Kind.POLICY_DEFAULT)) {
            out.add(new Labeled("delete policy flows " + k, FlowMod.deleteByCookie(0, FlowTables.kindOf(k), FlowTables.KIND_MASK)));
        }
        return out;
    }

    /**
     * Compiles the set. Priorities are global per rule (DENY rules from {@link #DENY_TOP} down, ALLOW rules from
     * {@link #ALLOW_TOP} down, each in RuleRef order), so every flow of a rule, at every endpoint it selects, shares one
     * priority, which conjunctive flows need; restricted to one endpoint's rules the order is the same as before.
     */
    public static Compiled compile(PolicySet set, List<Member> members, List<Identity> identities, int zone) {
        if (set.ruleCount() >= 1 << 20) {
            throw new IllegalArgumentException("more than " + ((1 << 20) - 1) + " rules");
        }
        ResolvedPolicy resolved = resolve(set, members, identities);
        Map<Integer, Member> byIndex = new HashMap<>();
        members.forEach(m -> byIndex.put(m.index(), m));
        Map<Integer, RuleRef> refs = new TreeMap<>();
        Map<Integer, dev.uniplane.api.Action> actions = new TreeMap<>();
        Budget budget = new Budget(new ArrayList<>(deleteAll()));
        sctpFlows(members).forEach(f -> budget.add(null, f));
        int deny = 0;
        int allow = 0;
        // Rule numbers 1.. in RuleRef order (the resolver's order).
        for (ResolvedRule rule : resolved.rules()) {
            RuleRef ref = rule.ref();
            int number = rule.id() + 1;
            refs.put(number, ref);
            actions.put(number, rule.action());
            boolean isDeny = rule.action() == dev.uniplane.api.Action.DENY;
            int priority = isDeny ? DENY_TOP - deny++ : ALLOW_TOP - allow++;
            if (isDeny ? priority <= ALLOW_TOP : priority <= DEFAULT_DENY_PRIORITY) {
                throw new IllegalArgumentException("policy " + ref.policy() + ": rule " + ref + " is one " + (isDeny ? "DENY" : "ALLOW")
                        + " rule too many (at most " + (isDeny ? DENY_TOP - ALLOW_TOP : ALLOW_TOP - DEFAULT_DENY_PRIORITY) + ")");
            }
            List<Member> selected = resolved.selectedBy(rule).stream().map(e -> byIndex.get(e.index())).toList();
            if (!selected.isEmpty()) {
                compileRule(new RuleAt(ref, rule, number, priority, selected), zone, budget);
            }
        }
        for (ResolvedEndpoint e : resolved.endpoints()) {
            Member m = byIndex.get(e.endpoint().index());
            for (Direction d : Direction.values()) {
                if (e.rules(d).isolated()) {
                    budget.add(null, new Labeled("default deny " + d + " at endpoint " + m.index(), FlowMod.add(0, table(d), DEFAULT_DENY_PRIORITY,
                            FlowTables.cookie(Kind.POLICY_DEFAULT, m.index()), Match.of(endpointField(d, m)), List.of())));
                }
            }
        }
        return new Compiled(budget.flows(), refs, actions);
    }

    /**
     * The set resolved for {@code members}. The members are peers themselves; an identity that repeats a member adds
     * nothing, and one without addresses matches nothing.
     */
    private static ResolvedPolicy resolve(PolicySet set, List<Member> members, List<Identity> identities) {
        List<PolicyEndpoint> locals = members.stream().map(m -> new PolicyEndpoint(m.index(), m.labels(), m.addresses())).toList();
        List<RemoteEndpoint> peers = new ArrayList<>();
        for (Identity id : identities) {
            if (!id.addresses().isEmpty()) {
                peers.add(new RemoteEndpoint("identity-" + peers.size(), id.addresses(), id.labels()));
            }
        }
        return PolicyResolver.resolve(set, locals, peers);
    }

    /** One rule with its number, its global priority and the endpoints its policy selects. */
    private record RuleAt(RuleRef ref, ResolvedRule rule, int number, int priority, List<Member> selected) {
        boolean deny() {
            return rule.action() == dev.uniplane.api.Action.DENY;
        }

        long cookie(int endpointIndex) {
            return FlowTables.cookie(deny() ? Kind.POLICY_DENY : Kind.POLICY_ALLOW, ((long) number << 12) | endpointIndex);
        }
    }

    /** The flows so far, refused past {@link #MAX_FLOWS} with the policy that crossed it. */
    private record Budget(List<Labeled> flows) {
        void add(RuleRef ref, Labeled flow) {
            flows.add(flow);
            if (flows.size() > MAX_FLOWS) {
                throw new IllegalArgumentException((ref == null ? "default-deny flows" : "policy " + ref.policy() + " (rule " + ref + ")")
                        + " brings the set past " + MAX_FLOWS + " flows, the most this provider installs");
            }
        }
    }

    /**
     * One rule at every endpoint it selects. Its match has three dimensions: the endpoint, the peer (prefixes with
     * eth_type) and the ports. When at least two of them have more than one value the rule becomes a conjunctive
     * flow ({@code conjunction(number, k/n)}, ovs-fields(7)): one flow per value per dimension plus, per endpoint
     * (and family, for ct's IP prerequisite), one {@code conj_id = number} flow that acts and counts, so the cost is
     * the sum of the dimensions rather than their product. Otherwise plain flows: endpoint x peer x port.
     */
    private static void compileRule(RuleAt r, int zone, Budget budget) {
        Direction d = r.ref().direction();
        ResolvedRule rule = r.rule();
        boolean anyPeer = rule.peers().isAny();
        List<IpPrefix> peers = rule.peers().prefixes();
        if (!anyPeer && peers.isEmpty()) {
            return; // selectors that match nothing: the rule matches nothing
        }
        List<List<Oxm>> l4 = ports(rule.ports()).stream().distinct().toList();
        boolean anyPort = l4.stream().anyMatch(List::isEmpty);
        int multi = (r.selected().size() > 1 ? 1 : 0) + (peers.size() > 1 ? 1 : 0) + (!anyPort && l4.size() > 1 ? 1 : 0);
        if (multi < 2) {
            List<List<Oxm>> l3 = anyPeer ? List.of(List.of(new Oxm.EthType(ETH_IPV4)), List.of(new Oxm.EthType(ETH_IPV6)))
                    : peers.stream().map(p -> peerFields(d, p)).toList();
            for (Member m : r.selected()) {
                List<Instruction> instructions = r.deny() ? List.of() : allowInstructions(d, m, zone);
                for (List<Oxm> a : l3) {
                    for (List<Oxm> b : anyPort ? List.<List<Oxm>>of(List.of()) : l4) {
                        List<Oxm> fields = new ArrayList<>();
                        fields.add(endpointField(d, m));
                        fields.addAll(a);
                        fields.addAll(b);
                        budget.add(r.ref(), new Labeled(r.ref() + " at endpoint " + m.index(),
                                FlowMod.add(0, table(d), r.priority(), r.cookie(m.index()), new Match(fields), instructions)));
                    }
                }
            }
            return;
        }
        List<Integer> families = anyPeer ? List.of(ETH_IPV4, ETH_IPV6)
                : peers.stream().map(p -> p.family() == IpFamily.IPV4 ? ETH_IPV4 : ETH_IPV6).distinct().sorted().toList();
        List<List<List<Oxm>>> dimensions = new ArrayList<>();
        dimensions.add(r.selected().stream().map(m -> List.of(endpointField(d, m))).toList());
        if (!anyPeer) {
            dimensions.add(peers.stream().map(p -> peerFields(d, p)).toList());
        }
        if (!anyPort) {
            List<List<Oxm>> ports = new ArrayList<>();
            for (int family : families) {
                for (List<Oxm> b : l4) {
                    List<Oxm> fields = new ArrayList<>();
                    fields.add(new Oxm.EthType(family));
                    fields.addAll(b);
                    ports.add(fields);
                }
            }
            dimensions.add(ports);
        }
        // dimension flows never count packets (ovs-fields(7)); endpoint index 0 keeps them out of every per-endpoint sum
        for (int k = 0; k < dimensions.size(); k++) {
            List<Instruction> conjunction = List.of(Instruction.ApplyActions.of(new Action.Conjunction(r.number(), k + 1, dimensions.size())));
            for (List<Oxm> value : dimensions.get(k)) {
                budget.add(r.ref(), new Labeled(r.ref() + " dimension " + (k + 1) + "/" + dimensions.size(),
                        FlowMod.add(0, table(d), r.priority(), r.cookie(0), new Match(value), conjunction)));
            }
        }
        for (Member m : r.selected()) {
            List<Instruction> instructions = r.deny() ? List.of() : allowInstructions(d, m, zone);
            for (int family : families) {
                budget.add(r.ref(), new Labeled(r.ref() + " conj_id at endpoint " + m.index(), FlowMod.add(0, table(d), r.priority(),
                        r.cookie(m.index()), Match.of(Nxm.conjId(r.number()), endpointField(d, m), new Oxm.EthType(family)), instructions)));
            }
        }
    }

    /**
     * OVS 3.1's userspace conntrack keys SCTP like an unknown protocol, by addresses only (measured: after one allowed
     * INIT to port 7340, an INIT to a denied port of the same server came back {@code +est}), so SCTP does not trust
     * {@code ct_state}. Instead, every delivery of an SCTP packet (after the checks) runs table
     * {@link FlowTables#SCTP_LEARN}, which learns two flows into {@link FlowTables#SCTP_SEEN}, keyed by the exact
     * 5-tuple of each direction, that set {@code reg4=1} (idle timeout: the contract's UDP/other timeout). Every SCTP
     * packet first looks that table up (table 1, above the {@code +est} shortcut): a hit skips the egress check
     * (table 2, top priority) and the ingress check (table 6, above its {@code +est} shortcut) as an established flow
     * or its reply; a miss takes the checks as a new flow, so rules count it once. Cookie POLICY_DEFAULT with endpoint
     * 0: replaced with the policy flows and counted nowhere.
     */
    private static List<Labeled> sctpFlows(List<Member> members) {
        long cookie = FlowTables.cookie(Kind.POLICY_DEFAULT, 0);
        Oxm sctp = new Oxm.IpProto(Protocol.SCTP.number());
        Oxm known = Nxm.reg(FlowTables.KNOWN_SCTP_REG, 1);
        List<Labeled> out = new ArrayList<>();
        out.add(new Labeled("known sctp flow: no egress check", FlowMod.add(0, FlowTables.EGRESS, KNOWN_SCTP_PRIORITY, cookie,
                Match.of(known), List.of(new Instruction.GotoTable(FlowTables.ROUTE)))));
        out.add(new Labeled("sctp flows seen: miss", FlowMod.add(0, FlowTables.SCTP_SEEN, 0, cookie, Match.any(), List.of())));
        out.add(new Labeled("sctp learn: miss (not sctp)", FlowMod.add(0, FlowTables.SCTP_LEARN, 0, cookie, Match.any(), List.of())));
        for (int ethType : List.of(ETH_IPV4, ETH_IPV6)) {
            String family = ethType == ETH_IPV4 ? "ipv4" : "ipv6";
            out.add(new Labeled("sctp " + family + ": look the flow up, then egress", FlowMod.add(0, FlowTables.CONNTRACK, SCTP_LOOKUP_PRIORITY,
                    cookie, Match.of(new Oxm.EthType(ethType), sctp), List.of(Instruction.ApplyActions.of(new Action.Resubmit(FlowTables.SCTP_SEEN)),
                            new Instruction.GotoTable(FlowTables.EGRESS)))));
            out.add(new Labeled("sctp " + family + ": learn both directions", FlowMod.add(0, FlowTables.SCTP_LEARN, 100, cookie,
                    Match.of(new Oxm.EthType(ethType), sctp), List.of(Instruction.ApplyActions.of(learn(ethType, false), learn(ethType, true))))));
            for (Member m : members) {
                Oxm target = FlowTables.targetRegister(m.ofport());
                out.add(new Labeled("known sctp " + family + " flow to endpoint " + m.index() + ": deliver", FlowMod.add(0, FlowTables.DELIVER,
                        SCTP_DELIVER_PRIORITY + 50, cookie, Match.of(target, new Oxm.EthType(ethType), sctp, known),
                        List.of(Instruction.ApplyActions.of(new Action.Resubmit(FlowTables.SCTP_LEARN), Action.Output.to(m.ofport()))))));
                out.add(new Labeled("new sctp " + family + " flow to endpoint " + m.index() + ": ingress check", FlowMod.add(0,
                        FlowTables.DELIVER, SCTP_DELIVER_PRIORITY, cookie, Match.of(target, new Oxm.EthType(ethType), sctp),
                        List.of(new Instruction.GotoTable(FlowTables.INGRESS)))));
            }
        }
        return out;
    }

    /**
     * The learn action for one direction of the packet's SCTP flow: the forward flow matches the packet's own
     * addresses and ports, the reverse one has them swapped; both load reg4=1 (also refreshes an existing one).
     */
    static Action.Learn learn(int ethType, boolean reverse) {
        boolean v4 = ethType == ETH_IPV4;
        int src = v4 ? Nxm.IPV4_SRC_HEADER : Nxm.IPV6_SRC_HEADER;
        int dst = v4 ? Nxm.IPV4_DST_HEADER : Nxm.IPV6_DST_HEADER;
        int bits = v4 ? 32 : 128;
        return new Action.Learn(FlowTables.SCTP_SEEN, 100, (int) FlowTimeouts.DEFAULT.udp().toSeconds(), 0,
                FlowTables.kindOf(Kind.SCTP_FLOW), 0, List.of(
                new LearnSpec.MatchValue(ethType, Nxm.ETH_TYPE_HEADER, 16),
                new LearnSpec.MatchValue(Protocol.SCTP.number(), Nxm.IP_PROTO_HEADER, 8),
                new LearnSpec.MatchField(reverse ? dst : src, src, bits),
                new LearnSpec.MatchField(reverse ? src : dst, dst, bits),
                new LearnSpec.MatchField(reverse ? Nxm.SCTP_DST_HEADER : Nxm.SCTP_SRC_HEADER, Nxm.SCTP_SRC_HEADER, 16),
                new LearnSpec.MatchField(reverse ? Nxm.SCTP_SRC_HEADER : Nxm.SCTP_DST_HEADER, Nxm.SCTP_DST_HEADER, 16),
                new LearnSpec.LoadValue(1, Nxm.regHeader(FlowTables.KNOWN_SCTP_REG), 32)));
    }

    /** Deletes every learned SCTP flow: after a new policy set, their next packet takes the new checks. */
    public static Labeled forgetSctpFlows() {
        return new Labeled("forget learned sctp flows", FlowMod.deleteByCookie(0, FlowTables.kindOf(Kind.SCTP_FLOW), FlowTables.KIND_MASK));
    }

    static int table(Direction d) {
        return d == Direction.EGRESS ? FlowTables.EGRESS : FlowTables.INGRESS;
    }

    /** Egress: the sender is the packet's in_port; ingress: the receiver is what routing put in reg2. */
    private static Oxm endpointField(Direction d, Member m) {
        return d == Direction.EGRESS ? new Oxm.InPort(m.ofport()) : FlowTables.targetRegister(m.ofport());
    }

    /** Allowed at egress: on to routing; allowed at ingress: commit the connection, learn an SCTP flow, deliver. */
    private static List<Instruction> allowInstructions(Direction d, Member m, int zone) {
        if (d == Direction.EGRESS) {
            return List.of(new Instruction.GotoTable(FlowTables.ROUTE));
        }
        return List.of(Instruction.ApplyActions.of(Action.Conntrack.commit(zone), new Action.Resubmit(FlowTables.SCTP_LEARN),
                Action.Output.to(m.ofport())));
    }

    /** eth_type and the peer prefix: the destination at egress, the source at ingress. */
    private static List<Oxm> peerFields(Direction d, IpPrefix p) {
        boolean v4 = p.family() == IpFamily.IPV4;
        Oxm type = new Oxm.EthType(v4 ? ETH_IPV4 : ETH_IPV6);
        if (p.length() == 0) {
            return List.of(type);
        }
        Oxm field;
        if (v4) {
            Inet4Address a = (Inet4Address) p.address().toInetAddress();
            field = d == Direction.EGRESS ? new Oxm.Ipv4Dst(a, p.length()) : new Oxm.Ipv4Src(a, p.length());
        } else {
            Inet6Address a = (Inet6Address) p.address().toInetAddress();
            field = d == Direction.EGRESS ? new Oxm.Ipv6Dst(a, p.length()) : new Oxm.Ipv6Src(a, p.length());
        }
        return List.of(type, field);
    }

    /** Transport fields per resolved port entry (empty list: any); a range becomes masked port prefixes. */
    static List<List<Oxm>> ports(List<ResolvedPort> ports) {
        List<List<Oxm>> out = new ArrayList<>();
        if (ports.isEmpty()) {
            out.add(List.of());
            return out;
        }
        for (ResolvedPort port : ports) {
            Protocol proto = port.protocol();
            if (port.range() == null) {
                out.add(proto == Protocol.ANY ? List.of() : List.of(new Oxm.IpProto(proto.number())));
                continue;
            }
            int field = switch (proto) {
                case TCP -> Nxm.OFB_TCP_DST;
                case UDP -> Nxm.OFB_UDP_DST;
                case SCTP -> Nxm.OFB_SCTP_DST;
                default -> throw new IllegalArgumentException(proto + " has no ports");
            };
            for (PortPrefix prefix : port.prefixes()) {
                out.add(List.of(new Oxm.IpProto(proto.number()), Nxm.portDst(field, prefix.value(), prefix.mask())));
            }
        }
        return out;
    }
}
