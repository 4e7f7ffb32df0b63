package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Direction;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.PortRange;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.FlowTables.Kind;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Nxm;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Comparator;
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
 * prefixes). An isolated endpoint gets a default-deny flow below its rules. Cookies: kind POLICY_ALLOW/POLICY_DENY
 * with id {@code ruleNumber << 12 | endpointIndex}, POLICY_DEFAULT with the endpoint index.
 *
 * <p>No conjunctive matches: the flow count is the product peers x ports per rule and endpoint (fine for the kit's
 * sets; {@link #MAX_FLOWS} bounds it).
 */
final class PolicyFlows {
    static final int MAX_FLOWS = 200_000;
    static final int DENY_TOP = 60_000;
    static final int ALLOW_TOP = 35_000;
    static final int DEFAULT_DENY_PRIORITY = 2;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;

    /** A local endpoint as policy sees it. */
    record Member(int index, long ofport, Labels labels, List<IpAddress> addresses) {
    }

    /** A peer identity (local or remote endpoint) for selectors. */
    record Identity(Labels labels, List<IpAddress> addresses) {
    }

    /** The compiled flows and the rule numbers their cookies carry. */
    record Compiled(List<Labeled> flows, Map<Integer, RuleRef> rules, Map<Integer, dev.uniplane.api.Action> actions) {
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

    static Compiled compile(PolicySet set, List<Member> members, List<Identity> identities, int zone) {
        // Rule numbers 1.. in RuleRef order.
        TreeMap<RuleRef, Rule> all = new TreeMap<>();
        for (Policy p : set.policies()) {
            for (Direction d : Direction.values()) {
                List<Rule> rules = p.rules(d).orElse(List.of());
                for (int i = 0; i < rules.size(); i++) {
                    all.put(new RuleRef(p.name(), d, i), rules.get(i));
                }
            }
        }
        Map<RuleRef, Integer> numbers = new TreeMap<>();
        Map<Integer, RuleRef> refs = new TreeMap<>();
        Map<Integer, dev.uniplane.api.Action> actions = new TreeMap<>();
        int n = 1;
        for (var e : all.entrySet()) {
            numbers.put(e.getKey(), n);
            refs.put(n, e.getKey());
            actions.put(n, e.getValue().action());
            n++;
        }
        if (n >= 1 << 20) {
            throw new IllegalArgumentException("more than " + ((1 << 20) - 1) + " rules");
        }
        List<Labeled> out = new ArrayList<>(deleteAll());
        for (Member m : members) {
            for (Direction d : Direction.values()) {
                boolean isolated = false;
                List<Map.Entry<RuleRef, Rule>> rules = new ArrayList<>();
                for (Policy p : set.policies()) {
                    if (!p.selector().matches(m.labels()) || p.rules(d).isEmpty()) {
                        continue;
                    }
                    isolated = true;
                    List<Rule> list = p.rules(d).get();
                    for (int i = 0; i < list.size(); i++) {
                        rules.add(Map.entry(new RuleRef(p.name(), d, i), list.get(i)));
                    }
                }
                if (!isolated) {
                    continue;
                }
                rules.sort(Comparator.comparing((Map.Entry<RuleRef, Rule> e) -> e.getValue().action() == dev.uniplane.api.Action.DENY ? 0 : 1)
                        .thenComparing(Map.Entry::getKey));
                int deny = 0;
                int allow = 0;
                for (var e : rules) {
                    Rule rule = e.getValue();
                    boolean isDeny = rule.action() == dev.uniplane.api.Action.DENY;
                    int priority = isDeny ? DENY_TOP - deny++ : ALLOW_TOP - allow++;
                    long cookie = FlowTables.cookie(isDeny ? Kind.POLICY_DENY : Kind.POLICY_ALLOW,
                            ((long) numbers.get(e.getKey()) << 12) | m.index());
                    List<Instruction> instructions = isDeny ? List.of() : allowInstructions(d, m, zone);
                    for (Match match : matches(d, m, rule, identities)) {
                        out.add(new Labeled(e.getKey() + " at endpoint " + m.index(),
                                FlowMod.add(0, table(d), priority, cookie, match, instructions)));
                        if (out.size() > MAX_FLOWS) {
                            throw new IllegalArgumentException("the set compiles to more than " + MAX_FLOWS + " flows");
                        }
                    }
                }
                out.add(new Labeled("default deny " + d + " at endpoint " + m.index(), FlowMod.add(0, table(d), DEFAULT_DENY_PRIORITY,
                        FlowTables.cookie(Kind.POLICY_DEFAULT, m.index()), Match.of(endpointField(d, m)), List.of())));
            }
        }
        return new Compiled(out, refs, actions);
    }

    static int table(Direction d) {
        return d == Direction.EGRESS ? FlowTables.EGRESS : FlowTables.INGRESS;
    }

    /** Egress: the sender is the packet's in_port; ingress: the receiver is what routing put in reg2. */
    private static Oxm endpointField(Direction d, Member m) {
        return d == Direction.EGRESS ? new Oxm.InPort(m.ofport()) : FlowTables.targetRegister(m.ofport());
    }

    /** Allowed at egress: on to routing; allowed at ingress: commit the connection and deliver. */
    private static List<Instruction> allowInstructions(Direction d, Member m, int zone) {
        if (d == Direction.EGRESS) {
            return List.of(new Instruction.GotoTable(FlowTables.ROUTE));
        }
        return List.of(Instruction.ApplyActions.of(Action.Conntrack.commit(zone), Action.Output.to(m.ofport())));
    }

    /** Every match of one rule at one endpoint: peers x families x ports. */
    private static List<Match> matches(Direction d, Member m, Rule rule, List<Identity> identities) {
        List<IpPrefix> peers = new ArrayList<>();
        boolean anyPeer = rule.peers().isEmpty();
        for (Peer peer : rule.peers()) {
            switch (peer) {
                case Peer.Selector s -> {
                    for (Identity id : identities) {
                        if (s.selector().matches(id.labels())) {
                            id.addresses().forEach(a -> peers.add(IpPrefix.host(a)));
                        }
                    }
                }
                case Peer.Cidr c -> peers.addAll(subtract(c.cidr(), c.except()));
            }
        }
        List<List<Oxm>> l3 = new ArrayList<>();
        if (anyPeer) {
            l3.add(List.of(new Oxm.EthType(ETH_IPV4)));
            l3.add(List.of(new Oxm.EthType(ETH_IPV6)));
        } else {
            for (IpPrefix p : peers.stream().distinct().toList()) {
                l3.add(peerFields(d, p));
            }
        }
        List<List<Oxm>> l4 = ports(rule.ports());
        List<Match> out = new ArrayList<>();
        for (List<Oxm> a : l3) {
            for (List<Oxm> b : l4) {
                List<Oxm> fields = new ArrayList<>();
                fields.add(endpointField(d, m));
                fields.addAll(a);
                fields.addAll(b);
                out.add(new Match(fields));
            }
        }
        return out;
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

    /** Transport fields per port match (empty list: any); ANY with a range means TCP, UDP and SCTP. */
    static List<List<Oxm>> ports(List<PortMatch> ports) {
        List<List<Oxm>> out = new ArrayList<>();
        if (ports.isEmpty()) {
            out.add(List.of());
            return out;
        }
        for (PortMatch pm : ports) {
            if (pm.range() == null) {
                out.add(pm.protocol() == Protocol.ANY ? List.of() : List.of(new Oxm.IpProto(pm.protocol().number())));
                continue;
            }
            List<Protocol> protocols = pm.protocol() == Protocol.ANY ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP) : List.of(pm.protocol());
            for (Protocol proto : protocols) {
                int field = switch (proto) {
                    case TCP -> Nxm.OFB_TCP_DST;
                    case UDP -> Nxm.OFB_UDP_DST;
                    case SCTP -> Nxm.OFB_SCTP_DST;
                    default -> throw new IllegalArgumentException(proto + " has no ports");
                };
                for (int[] pfx : portPrefixes(pm.range())) {
                    out.add(List.of(new Oxm.IpProto(proto.number()), Nxm.portDst(field, pfx[0], pfx[1])));
                }
            }
        }
        return out;
    }

    /** A port range as (value, mask) prefixes covering exactly it. */
    static List<int[]> portPrefixes(PortRange range) {
        List<int[]> out = new ArrayList<>();
        int from = range.from();
        int to = range.to();
        while (from <= to) {
            int size = 1;
            // the largest aligned block starting at from that stays inside the range
            while (size < 0x10000 && (from & (size * 2 - 1)) == 0 && from + size * 2 - 1 <= to) {
                size *= 2;
            }
            out.add(new int[] {from, 0xffff & ~(size - 1)});
            from += size;
        }
        return out;
    }

    /** {@code cidr} minus every prefix in {@code except}, as disjoint prefixes. */
    static List<IpPrefix> subtract(IpPrefix cidr, List<IpPrefix> except) {
        List<IpPrefix> out = new ArrayList<>();
        subtract(cidr, except, out);
        return out;
    }

    private static void subtract(IpPrefix p, List<IpPrefix> except, List<IpPrefix> out) {
        boolean inside = false;
        for (IpPrefix e : except) {
            if (e.contains(p)) {
                return;
            }
            if (p.contains(e)) {
                inside = true;
            }
        }
        if (!inside) {
            out.add(p);
            return;
        }
        int len = p.length() + 1;
        subtract(new IpPrefix(p.address(), len), except, out);
        subtract(new IpPrefix(withBit(p.address(), p.length()), len), except, out);
    }

    /** The address with bit {@code bit} (0 = most significant) set. */
    private static IpAddress withBit(IpAddress a, int bit) {
        if (a.family() == IpFamily.IPV4) {
            return IpAddress.ofV4(a.v4Value() | (1 << (31 - bit)));
        }
        return bit < 64 ? IpAddress.ofV6(a.high() | (1L << (63 - bit)), a.low()) : IpAddress.ofV6(a.high(), a.low() | (1L << (127 - bit)));
    }
}
