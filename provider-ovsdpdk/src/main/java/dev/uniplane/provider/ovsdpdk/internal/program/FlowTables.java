package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Nxm;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The OpenFlow program of one dataplane's bridge, as messages (no I/O). goto_table only goes forward, so tables after
 * routing are reached by resubmit:
 * <pre>
 * table 0 CLASSIFY  in_port=endpoint, eth_type, ip_src=own address or prefix routed to it, reg3=0
 *                     -> reg3=1, resubmit(,0) (anti-spoofing: the source is checked once, then classified)
 *                   in_port=endpoint, ipv6_dst=ff00::/8|fe80::/10 -> drop (kind LOCAL, taken out of tx)
 *                   in_port=endpoint, eth_type, reg3=0 -> drop, counted per endpoint (INVALID: foreign source)
 *                   in_port=endpoint, eth_type, nw_ttl=0|1 -> drop, counted per endpoint (TTL_EXCEEDED)
 *                   in_port=endpoint|uplink, eth_type=IPv4|IPv6 -> ct(zone, table=1)
 *                   in_port=endpoint (anything else: ARP) -> drop (kind LOCAL)          (miss: drop)
 * table 1 CONNTRACK +trk+est, +trk+rel -> goto 3 (no policy)                             (miss: goto 2)
 * table 2 EGRESS    policy at the sender ({@link PolicyFlows})                          (miss: goto 3)
 * table 3 ROUTE     endpoint host routes (prio 100 + 2 x length) and user routes (+1): set eth_src/eth_dst,
 *                   dec_ttl, reg2 = target port, resubmit(,6); several next hops: reg1 = route id,
 *                   multipath -> reg0 = slot, goto 5; drop routes -> goto 4             (miss: goto 4)
 * table 4 NO_ROUTE  in_port=endpoint -> drop, one cookie per endpoint: its NO_ROUTE drop counter  (miss: drop)
 * table 5 ECMP      reg1=route id, reg0=slot -> that next hop's actions ({@link Ecmp}: why not SELECT groups)
 * table 6 DELIVER   reg2=endpoint +est/+rel -> output; reg2=endpoint -> goto 7; reg2=uplink -> ct(commit), output
 * table 7 INGRESS   policy at the receiver ({@link PolicyFlows}); lowest: ct(commit), output    (miss: drop)
 * table 8 SCTP_SEEN  learned SCTP 5-tuples -> reg4=1; table 9 SCTP_LEARN: learns them (both from {@link PolicyFlows})
 * (every delivery also does resubmit(,9) after ct(commit): an allowed SCTP packet learns its flow)
 * </pre>
 * Cookies: {@code 0x7570} in the top 16 bits, a {@link Kind} in the next 8, an id (endpoint index, route id) below.
 */
public final class FlowTables {
    // goto_table only goes forward: conntrack and egress come before routing; DELIVER and INGRESS are reached by
    // resubmit from the route actions.
    public static final int CLASSIFY = 0;
    static final int CONNTRACK = 1;
    public static final int EGRESS = 2;
    public static final int ROUTE = 3;
    public static final int NO_ROUTE = 4;
    public static final int ECMP = 5;
    static final int DELIVER = 6;
    public static final int INGRESS = 7;
    /** SCTP flows allowed so far, learned per 5-tuple and direction ({@link PolicyFlows}: conntrack ignores SCTP ports). */
    static final int SCTP_SEEN = 8;
    /** Reached by resubmit when a packet is delivered: learns its SCTP flow into {@link #SCTP_SEEN} (others: no-op). */
    static final int SCTP_LEARN = 9;
    /** reg4 = 1: the SCTP packet belongs to a flow in {@link #SCTP_SEEN} (either direction). */
    static final int KNOWN_SCTP_REG = 4;
    /** reg2 carries the routed packet's target port (an endpoint's ofport or the uplink's). */
    public static final int TARGET_REG = 2;
    /** reg3 = 1 once table CLASSIFY has found the source address of an endpoint's packet legitimate. */
    static final int SOURCE_CHECKED_REG = 3;
    /** Table CLASSIFY priorities, highest first: legitimate sources, link scope, foreign sources, TTL, tracking. */
    static final int LEGIT_SOURCE_PRIORITY = 130;
    static final int LINK_SCOPE_PRIORITY = 120;
    static final int FOREIGN_SOURCE_PRIORITY = 115;
    static final int TTL_PRIORITY = 110;
    /** Route priorities: 100 + 2 x prefix length, +1 for a user route, so an explicit user /32 beats an endpoint's own. */
    static final int ROUTE_PRIORITY_BASE = 100;
    /** The uplink's OpenFlow port (endpoints use their index, 1..4095). */
    public static final long UPLINK_OFPORT = 65000;
    static final long TAG = 0x7570L << 48;
    public static final long KIND_MASK = 0xffffff0000000000L;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;

    /** What a cookie marks. */
    public enum Kind {
        BASE(1), ENDPOINT(2), NO_ROUTE(3), ROUTE(4), TTL(5), POLICY_ALLOW(6), POLICY_DENY(7), POLICY_DEFAULT(8), LOCAL(9),
        /** A packet from an endpoint with a source that is not its own (anti-spoofing): DropReason.INVALID. */
        INVALID(10),
        /** Flows learned into table SCTP_SEEN (not in the program: convergence leaves them, a new policy set drops them). */
        SCTP_FLOW(11);

        public final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    /** Where and how to deliver to a local endpoint. */
    public record Local(long ofport, MacAddress mac) {
    }

    private final MacAddress gatewayMac;
    private final int zone;

    /**
     * {@code gatewayMac}: the MAC workloads resolve their default gateway to, the source of delivered packets;
     * {@code zone}: this dataplane's conntrack zone.
     */
    public FlowTables(MacAddress gatewayMac, int zone) {
        this.gatewayMac = gatewayMac;
        this.zone = zone;
    }

    public int zone() {
        return zone;
    }

    /** reg2 = the routed packet's target port. */
    static Oxm targetRegister(long ofport) {
        return Nxm.reg(TARGET_REG, (int) ofport);
    }

    /** Classified IP packets go through conntrack, then on to table CONNTRACK with ct_state set. */
    private List<Instruction> track() {
        return List.of(Instruction.ApplyActions.of(Action.Conntrack.track(zone, CONNTRACK)));
    }

    public static long cookie(Kind kind, long id) {
        return TAG | ((long) kind.code << 40) | (id & 0xffff_ffffL);
    }

    public static long kindOf(Kind kind) {
        return cookie(kind, 0);
    }

    /** Replaces everything on the bridge (including the NORMAL flow vswitchd starts a bridge with) by the empty program. */
    public List<Labeled> base(OptionalLong uplinkOfport) {
        List<Labeled> out = new ArrayList<>();
        out.add(new Labeled("delete all flows", FlowMod.deleteByCookie(0, 0, 0)));
        out.add(new Labeled("delete all groups", new GroupMod(0, GroupModCommand.DELETE, GroupType.ALL, GroupMod.ALL_GROUPS, List.of())));
        long base = cookie(Kind.BASE, 0);
        out.add(new Labeled("table 0 miss: drop", FlowMod.add(0, CLASSIFY, 0, base, Match.any(), List.of())));
        out.add(new Labeled("route miss: no route", FlowMod.add(0, ROUTE, 0, base, Match.any(),
                List.of(new Instruction.GotoTable(NO_ROUTE)))));
        out.add(new Labeled("no-route miss: drop", FlowMod.add(0, NO_ROUTE, 0, base, Match.any(), List.of())));
        out.add(new Labeled("ecmp miss: drop", FlowMod.add(0, ECMP, 0, base, Match.any(), List.of())));
        // Tracked packets of known connections skip policy; new (and invalid) ones take the egress check.
        for (int state : List.of(Nxm.CS_ESTABLISHED, Nxm.CS_RELATED)) {
            int bits = Nxm.CS_TRACKED | state;
            out.add(new Labeled("conntrack " + Integer.toHexString(bits) + ": route", FlowMod.add(0, CONNTRACK, 100, base,
                    Match.of(Nxm.ctState(bits, bits)), List.of(new Instruction.GotoTable(ROUTE)))));
        }
        out.add(new Labeled("conntrack miss: egress policy", FlowMod.add(0, CONNTRACK, 0, base, Match.any(),
                List.of(new Instruction.GotoTable(EGRESS)))));
        out.add(new Labeled("deliver miss: drop", FlowMod.add(0, DELIVER, 0, base, Match.any(), List.of())));
        out.add(new Labeled("egress miss: route", FlowMod.add(0, EGRESS, 0, base, Match.any(), List.of(new Instruction.GotoTable(ROUTE)))));
        out.add(new Labeled("ingress miss: drop", FlowMod.add(0, INGRESS, 0, base, Match.any(), List.of())));
        uplinkOfport.ifPresent(port -> {
            for (int ethType : List.of(ETH_IPV4, ETH_IPV6)) {
                out.add(new Labeled("classify uplink " + Integer.toHexString(ethType), FlowMod.add(0, CLASSIFY, 100, cookie(Kind.BASE, 1),
                        Match.of(new Oxm.InPort(port), new Oxm.EthType(ethType)), track())));
            }
            // To the uplink: no ingress check here (the receiver is not ours); new connections are committed.
            for (int ethType : List.of(ETH_IPV4, ETH_IPV6)) {
                out.add(new Labeled("deliver to uplink " + Integer.toHexString(ethType), FlowMod.add(0, DELIVER, 100, cookie(Kind.BASE, 1),
                        Match.of(targetRegister(port), new Oxm.EthType(ethType)),
                        List.of(Instruction.ApplyActions.of(Action.Conntrack.commit(zone), new Action.Resubmit(SCTP_LEARN),
                                Action.Output.to(port))))));
            }
        });
        return out;
    }

    /**
     * The flows of endpoint {@code index}: classification (its own addresses are legitimate sources, other sources
     * are dropped as INVALID), host routes to its addresses, its NO_ROUTE counter.
     */
    public List<Labeled> endpoint(int index, Local local, List<IpAddress> addresses) {
        long cookie = cookie(Kind.ENDPOINT, index);
        List<Labeled> out = new ArrayList<>();
        // What the endpoint sends that is never routed (ARP, link-scope IPv6, a family it has no address of) ends in
        // flows of kind LOCAL: their counts are taken out of the endpoint's tx (it counts what entered the dataplane).
        out.add(new Labeled("unrouted traffic of endpoint " + index, FlowMod.add(0, CLASSIFY, 1, cookie(Kind.LOCAL, index),
                Match.of(new Oxm.InPort(local.ofport())), List.of())));
        for (IpFamily family : addresses.stream().map(IpAddress::family).distinct().toList()) {
            out.add(new Labeled("classify endpoint " + index + " " + family, FlowMod.add(0, CLASSIFY, 100, cookie,
                    Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ethType(family))), track())));
            if (family == IpFamily.IPV6) {
                // Link-scope IPv6 (MLD reports, router solicitations, ND) is never routed: dropped without counting it
                // as NO_ROUTE, as the kernel does not route it either.
                for (String scope : List.of("ff00::/8", "fe80::/10")) {
                    out.add(new Labeled("link-scope " + scope + " of endpoint " + index, FlowMod.add(0, CLASSIFY, LINK_SCOPE_PRIORITY,
                            cookie(Kind.LOCAL, index),
                            Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ETH_IPV6), match(IpPrefix.parse(scope)).fields().get(1)),
                            List.of())));
                }
            }
            // Every packet from an endpoint takes one routed hop: TTL (hop limit) 0 or 1 cannot survive it. Counted
            // here, per endpoint, because dec_ttl's own drop has no counter.
            for (int ttl = 0; ttl <= 1; ttl++) {
                out.add(new Labeled("ttl " + ttl + " of endpoint " + index + " " + family, FlowMod.add(0, CLASSIFY, TTL_PRIORITY,
                        cookie(Kind.TTL, index), Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ethType(family)), ipTtl(ttl)),
                        List.of())));
            }
            // Whatever source has not been found legitimate yet is foreign (the link scope above is not routed anyway).
            out.add(new Labeled("foreign sources of endpoint " + index + " " + family, FlowMod.add(0, CLASSIFY, FOREIGN_SOURCE_PRIORITY,
                    cookie(Kind.INVALID, index), Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ethType(family)),
                            sourceChecked(0)), List.of())));
        }
        for (IpAddress address : addresses) {
            out.add(legitimateSource("own address " + address + " of endpoint " + index, cookie, local.ofport(), IpPrefix.host(address)));
        }
        for (IpAddress address : addresses) {
            out.add(new Labeled("host route " + address, FlowMod.add(0, ROUTE, priority(IpPrefix.host(address), false), cookie,
                    match(IpPrefix.host(address)), List.of(Instruction.ApplyActions.of(deliver(local).toArray(Action[]::new))))));
        }
        // Delivery: packets of known connections go out; new ones take the ingress check (table 7), whose lowest flow
        // for this endpoint (no policy isolates its ingress) commits and delivers.
        for (int state : List.of(Nxm.CS_ESTABLISHED, Nxm.CS_RELATED)) {
            int bits = Nxm.CS_TRACKED | state;
            out.add(new Labeled("deliver tracked to endpoint " + index, FlowMod.add(0, DELIVER, 200, cookie,
                    Match.of(targetRegister(local.ofport()), Nxm.ctState(bits, bits)),
                    List.of(Instruction.ApplyActions.of(Action.Output.to(local.ofport()))))));
        }
        out.add(new Labeled("ingress check for endpoint " + index, FlowMod.add(0, DELIVER, 100, cookie,
                Match.of(targetRegister(local.ofport())), List.of(new Instruction.GotoTable(INGRESS)))));
        for (int ethType : List.of(ETH_IPV4, ETH_IPV6)) {
            out.add(new Labeled("ingress default allow of endpoint " + index + " " + Integer.toHexString(ethType),
                    FlowMod.add(0, INGRESS, 1, cookie, Match.of(targetRegister(local.ofport()), new Oxm.EthType(ethType)),
                            List.of(Instruction.ApplyActions.of(Action.Conntrack.commit(zone), new Action.Resubmit(SCTP_LEARN),
                                    Action.Output.to(local.ofport()))))));
        }
        out.add(new Labeled("no-route counter of endpoint " + index, FlowMod.add(0, NO_ROUTE, 10, cookie(Kind.NO_ROUTE, index),
                Match.of(new Oxm.InPort(local.ofport())), List.of())));
        return out;
    }

    /** Deletes every flow of endpoint {@code index}. */
    public List<Labeled> removeEndpoint(int index) {
        return List.of(new Labeled("delete flows of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.ENDPOINT, index), -1L)),
                new Labeled("delete no-route counter of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.NO_ROUTE, index), -1L)),
                new Labeled("delete ttl counters of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.TTL, index), -1L)),
                new Labeled("delete unrouted counters of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.LOCAL, index), -1L)),
                new Labeled("delete foreign-source counters of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.INVALID, index), -1L)));
    }

    /** reg3 (source checked) = {@code value}. */
    private static Oxm sourceChecked(int value) {
        return Nxm.reg(SOURCE_CHECKED_REG, value);
    }

    /** Packets from endpoint port {@code ofport} with a source in {@code sources} are legitimate: mark, classify again. */
    private static Labeled legitimateSource(String label, long cookie, long ofport, IpPrefix sources) {
        List<Oxm> fields = new ArrayList<>(List.of(new Oxm.InPort(ofport), new Oxm.EthType(ethType(sources.family()))));
        if (sources.length() > 0) {
            fields.add(sources.family() == IpFamily.IPV4
                    ? new Oxm.Ipv4Src((Inet4Address) sources.address().toInetAddress(), sources.length())
                    : new Oxm.Ipv6Src((Inet6Address) sources.address().toInetAddress(), sources.length()));
        }
        fields.add(sourceChecked(0));
        return new Labeled(label, FlowMod.add(0, CLASSIFY, LEGIT_SOURCE_PRIORITY, cookie, Match.of(fields.toArray(Oxm[]::new)),
                List.of(Instruction.ApplyActions.of(new Action.SetField(sourceChecked(1)), new Action.Resubmit(CLASSIFY)))));
    }

    /** NXM_NX_IP_TTL (class 1, field 29): IPv4 TTL or IPv6 hop limit; needs eth_type in the match. */
    private static Oxm ipTtl(int ttl) {
        return new Oxm.Other(0x0001, 29, false, String.format("%02x", ttl));
    }

    /** Actions that hand a routed packet to a local endpoint: rewrite, reg2 = its port, then table DELIVER. */
    List<Action> deliver(Local local) {
        return List.of(new Action.SetField(new Oxm.EthSrc(gatewayMac.value())), new Action.SetField(new Oxm.EthDst(local.mac().value())),
                new Action.DecNwTtl(), new Action.SetField(targetRegister(local.ofport())), new Action.Resubmit(DELIVER));
    }

    /** A next hop that is local endpoint {@code local}: delivery, and the prefix becomes a legitimate source of it. */
    public WeightedActions toEndpoint(int weight, Local local) {
        return new WeightedActions(weight, deliver(local), OptionalLong.of(local.ofport()));
    }

    /** Actions that send a routed packet out of the uplink to a gateway (through table DELIVER, which commits). */
    public static List<Action> toGateway(long uplinkOfport, MacAddress uplinkMac, MacAddress gatewayMac) {
        return List.of(new Action.SetField(new Oxm.EthSrc(uplinkMac.value())), new Action.SetField(new Oxm.EthDst(gatewayMac.value())),
                new Action.DecNwTtl(), new Action.SetField(targetRegister(uplinkOfport)), new Action.Resubmit(DELIVER));
    }

    /**
     * Installs or replaces route {@code id}: deletes what the previous version had (inside the same atomic bundle,
     * so no packet sees the gap), then adds the route flow and, for several next hops, one ECMP flow per slot.
     * {@code hops} are the next hops' actions and weights (empty: a drop route). The endpoints among the next hops
     * may send from the prefix (a router or VNF answers for it): their source flows carry the route's cookie too.
     */
    public List<Labeled> route(int id, IpPrefix prefix, List<WeightedActions> hops) {
        String what = "route " + prefix;
        List<Labeled> out = new ArrayList<>(removeRoute(id, prefix));
        long cookie = cookie(Kind.ROUTE, id);
        List<Instruction> instructions;
        if (hops.isEmpty()) {
            instructions = List.of(new Instruction.GotoTable(NO_ROUTE));
        } else if (hops.size() == 1) {
            instructions = List.of(Instruction.ApplyActions.of(hops.getFirst().actions().toArray(Action[]::new)));
        } else {
            List<WeightedActions> slots = Ecmp.slots(hops);
            instructions = List.of(Instruction.ApplyActions.of(new Action.SetField(Ecmp.routeRegister(id)),
                    Ecmp.multipath(slots.size())), new Instruction.GotoTable(ECMP));
            for (int slot = 0; slot < slots.size(); slot++) {
                out.add(new Labeled(what + " slot " + slot, FlowMod.add(0, ECMP, 100, cookie,
                        // dec_ttl needs the IP prerequisite in the match (else BAD_ACTION/MATCH_INCONSISTENT).
                        Match.of(new Oxm.EthType(ethType(prefix.family())), Ecmp.routeRegister(id), Ecmp.slotRegister(slot)),
                        List.of(Instruction.ApplyActions.of(slots.get(slot).actions().toArray(Action[]::new))))));
            }
        }
        out.add(new Labeled(what, FlowMod.add(0, ROUTE, priority(prefix, true), cookie, match(prefix),
                instructions)));
        hops.stream().map(WeightedActions::endpoint).filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).distinct()
                .forEach(port -> out.add(legitimateSource(what + " as source of port " + port, cookie, port, prefix)));
        return out;
    }

    /** Longest prefix first; at equal length a user route wins over an endpoint's host route (service chaining). */
    static int priority(IpPrefix prefix, boolean userRoute) {
        return ROUTE_PRIORITY_BASE + 2 * prefix.length() + (userRoute ? 1 : 0);
    }

    /** Removes route {@code id}: its table-1 flow and its ECMP slots share the cookie. */
    public List<Labeled> removeRoute(int id, IpPrefix prefix) {
        return List.of(new Labeled("remove route " + prefix, FlowMod.deleteByCookie(0, cookie(Kind.ROUTE, id), -1L)));
    }

    /**
     * One next hop's actions and ECMP weight, and the endpoint port it delivers to (empty for a gateway).
     *
     * @param weight   ECMP weight
     * @param actions  what the hop does to a packet
     * @param endpoint the ofport of the local endpoint it delivers to, if it does
     */
    public record WeightedActions(int weight, List<Action> actions, OptionalLong endpoint) {
        public WeightedActions {
            actions = List.copyOf(actions);
        }

        /** A hop that does not deliver to a local endpoint. */
        public WeightedActions(int weight, List<Action> actions) {
            this(weight, actions, OptionalLong.empty());
        }
    }

    /** eth_type plus the destination prefix; a /0 matches the family alone (OVS would normalize an all-zero mask away). */
    static Match match(IpPrefix prefix) {
        boolean v4 = prefix.family() == IpFamily.IPV4;
        Oxm type = new Oxm.EthType(ethType(prefix.family()));
        if (prefix.length() == 0) {
            return Match.of(type);
        }
        Oxm dst = v4 ? new Oxm.Ipv4Dst((Inet4Address) prefix.address().toInetAddress(), prefix.length())
                : new Oxm.Ipv6Dst((Inet6Address) prefix.address().toInetAddress(), prefix.length());
        return Match.of(type, dst);
    }

    private static int ethType(IpFamily family) {
        return family == IpFamily.IPV4 ? ETH_IPV4 : ETH_IPV6;
    }
}
