package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
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
 * The OpenFlow program of one dataplane's bridge, as messages (no I/O):
 * <pre>
 * table 0 CLASSIFY  in_port=endpoint, eth_type, nw_ttl=0|1 -> drop, counted per endpoint (TTL_EXCEEDED)
 *                   in_port=endpoint, ipv6_dst=ff00::/8|fe80::/10 -> drop, uncounted (MLD, RS, ND)
 *                   in_port=endpoint|uplink, eth_type=IPv4|IPv6 -> goto 1      (miss: drop, uncounted: ARP)
 * table 1 ROUTE     endpoint host routes (prio 100 + 2 x length): set eth_src/eth_dst, dec_ttl, output
 *                   user routes (prio 100 + 2 x length + 1: longest prefix wins, then a user route over a host
 *                   route): the same to endpoints, or via the uplink to a gateway's MAC; several next hops:
 *                   reg1 = route id, multipath -> reg0 = slot, goto 3;
 *                   drop routes -> goto 2                                      (miss: goto 2)
 * table 2 NO_ROUTE  in_port=endpoint -> drop, one cookie per endpoint: its packet count is the NO_ROUTE drop counter
 *                                                                              (miss: drop, e.g. from the uplink)
 * table 3 ECMP      reg1=route id, reg0=slot -> that next hop's actions ({@link Ecmp}: why not SELECT groups)
 * </pre>
 * Cookies: {@code 0x7570} in the top 16 bits, a {@link Kind} in the next 8, an id (endpoint index, route id) below.
 */
final class FlowTables {
    static final int CLASSIFY = 0;
    static final int ROUTE = 1;
    static final int NO_ROUTE = 2;
    static final int ECMP = 3;
    /** Route priorities: 100 + 2 x prefix length, +1 for a user route, so an explicit user /32 beats an endpoint's own. */
    static final int ROUTE_PRIORITY_BASE = 100;
    /** The uplink's OpenFlow port (endpoints use their index, 1..4095). */
    static final long UPLINK_OFPORT = 65000;
    static final long TAG = 0x7570L << 48;
    static final long KIND_MASK = 0xffffff0000000000L;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;

    /** What a cookie marks. */
    enum Kind {
        BASE(1), ENDPOINT(2), NO_ROUTE(3), ROUTE(4), TTL(5);

        final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    /** Where and how to deliver to a local endpoint. */
    record Local(long ofport, MacAddress mac) {
    }

    private final MacAddress gatewayMac;

    /** {@code gatewayMac}: the MAC workloads resolve their default gateway to, the source of delivered packets. */
    FlowTables(MacAddress gatewayMac) {
        this.gatewayMac = gatewayMac;
    }

    static long cookie(Kind kind, long id) {
        return TAG | ((long) kind.code << 40) | (id & 0xffff_ffffL);
    }

    static long kindOf(Kind kind) {
        return cookie(kind, 0);
    }

    /** Replaces everything on the bridge (including the NORMAL flow vswitchd starts a bridge with) by the empty program. */
    List<Labeled> base(OptionalLong uplinkOfport) {
        List<Labeled> out = new ArrayList<>();
        out.add(new Labeled("delete all flows", FlowMod.deleteByCookie(0, 0, 0)));
        out.add(new Labeled("delete all groups", new GroupMod(0, GroupModCommand.DELETE, GroupType.ALL, GroupMod.ALL_GROUPS, List.of())));
        long base = cookie(Kind.BASE, 0);
        out.add(new Labeled("table 0 miss: drop", FlowMod.add(0, CLASSIFY, 0, base, Match.any(), List.of())));
        out.add(new Labeled("table 1 miss: no route", FlowMod.add(0, ROUTE, 0, base, Match.any(),
                List.of(new Instruction.GotoTable(NO_ROUTE)))));
        out.add(new Labeled("table 2 miss: drop", FlowMod.add(0, NO_ROUTE, 0, base, Match.any(), List.of())));
        out.add(new Labeled("table 3 miss: drop", FlowMod.add(0, ECMP, 0, base, Match.any(), List.of())));
        uplinkOfport.ifPresent(port -> {
            for (int ethType : List.of(ETH_IPV4, ETH_IPV6)) {
                out.add(new Labeled("classify uplink " + Integer.toHexString(ethType), FlowMod.add(0, CLASSIFY, 100, cookie(Kind.BASE, 1),
                        Match.of(new Oxm.InPort(port), new Oxm.EthType(ethType)), List.of(new Instruction.GotoTable(ROUTE)))));
            }
        });
        return out;
    }

    /** The flows of endpoint {@code index}: classification, host routes to its addresses, its NO_ROUTE counter. */
    List<Labeled> endpoint(int index, Local local, List<IpAddress> addresses) {
        long cookie = cookie(Kind.ENDPOINT, index);
        List<Labeled> out = new ArrayList<>();
        for (IpFamily family : addresses.stream().map(IpAddress::family).distinct().toList()) {
            out.add(new Labeled("classify endpoint " + index + " " + family, FlowMod.add(0, CLASSIFY, 100, cookie,
                    Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ethType(family))),
                    List.of(new Instruction.GotoTable(ROUTE)))));
            if (family == IpFamily.IPV6) {
                // Link-scope IPv6 (MLD reports, router solicitations, ND) is never routed: dropped without counting it
                // as NO_ROUTE, as the kernel does not route it either.
                for (String scope : List.of("ff00::/8", "fe80::/10")) {
                    out.add(new Labeled("link-scope " + scope + " of endpoint " + index, FlowMod.add(0, CLASSIFY, 120, cookie,
                            Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ETH_IPV6), match(IpPrefix.parse(scope)).fields().get(1)),
                            List.of())));
                }
            }
            // Every packet from an endpoint takes one routed hop: TTL (hop limit) 0 or 1 cannot survive it. Counted
            // here, per endpoint, because dec_ttl's own drop has no counter.
            for (int ttl = 0; ttl <= 1; ttl++) {
                out.add(new Labeled("ttl " + ttl + " of endpoint " + index + " " + family, FlowMod.add(0, CLASSIFY, 110,
                        cookie(Kind.TTL, index), Match.of(new Oxm.InPort(local.ofport()), new Oxm.EthType(ethType(family)), ipTtl(ttl)),
                        List.of())));
            }
        }
        for (IpAddress address : addresses) {
            out.add(new Labeled("host route " + address, FlowMod.add(0, ROUTE, priority(IpPrefix.host(address), false), cookie,
                    match(IpPrefix.host(address)), List.of(Instruction.ApplyActions.of(deliver(local).toArray(Action[]::new))))));
        }
        out.add(new Labeled("no-route counter of endpoint " + index, FlowMod.add(0, NO_ROUTE, 10, cookie(Kind.NO_ROUTE, index),
                Match.of(new Oxm.InPort(local.ofport())), List.of())));
        return out;
    }

    /** Deletes every flow of endpoint {@code index}. */
    List<Labeled> removeEndpoint(int index) {
        return List.of(new Labeled("delete flows of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.ENDPOINT, index), -1L)),
                new Labeled("delete no-route counter of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.NO_ROUTE, index), -1L)),
                new Labeled("delete ttl counters of endpoint " + index, FlowMod.deleteByCookie(0, cookie(Kind.TTL, index), -1L)));
    }

    /** NXM_NX_IP_TTL (class 1, field 29): IPv4 TTL or IPv6 hop limit; needs eth_type in the match. */
    private static Oxm ipTtl(int ttl) {
        return new Oxm.Other(0x0001, 29, false, String.format("%02x", ttl));
    }

    /** Actions that hand a routed packet to a local endpoint. */
    List<Action> deliver(Local local) {
        return List.of(new Action.SetField(new Oxm.EthSrc(gatewayMac.value())), new Action.SetField(new Oxm.EthDst(local.mac().value())),
                new Action.DecNwTtl(), Action.Output.to(local.ofport()));
    }

    /** Actions that send a routed packet out of the uplink to a gateway. */
    static List<Action> toGateway(long uplinkOfport, MacAddress uplinkMac, MacAddress gatewayMac) {
        return List.of(new Action.SetField(new Oxm.EthSrc(uplinkMac.value())), new Action.SetField(new Oxm.EthDst(gatewayMac.value())),
                new Action.DecNwTtl(), Action.Output.to(uplinkOfport));
    }

    /**
     * Installs or replaces route {@code id}: deletes what the previous version had (inside the same atomic bundle,
     * so no packet sees the gap), then adds the route flow and, for several next hops, one ECMP flow per slot.
     * {@code hops} are the next hops' actions and weights (empty: a drop route).
     */
    List<Labeled> route(int id, IpPrefix prefix, List<WeightedActions> hops) {
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
        return out;
    }

    /** Longest prefix first; at equal length a user route wins over an endpoint's host route (service chaining). */
    static int priority(IpPrefix prefix, boolean userRoute) {
        return ROUTE_PRIORITY_BASE + 2 * prefix.length() + (userRoute ? 1 : 0);
    }

    /** Removes route {@code id}: its table-1 flow and its ECMP slots share the cookie. */
    List<Labeled> removeRoute(int id, IpPrefix prefix) {
        return List.of(new Labeled("remove route " + prefix, FlowMod.deleteByCookie(0, cookie(Kind.ROUTE, id), -1L)));
    }

    /** One next hop's actions and ECMP weight. */
    record WeightedActions(int weight, List<Action> actions) {
        WeightedActions {
            actions = List.copyOf(actions);
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
