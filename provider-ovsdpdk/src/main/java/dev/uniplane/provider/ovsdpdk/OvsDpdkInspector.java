package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.internal.host.Uplink;
import dev.uniplane.provider.ovsdpdk.internal.host.Wiring;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.Kind;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Nxm;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.BackendView.Aspect;
import dev.uniplane.spi.BackendView.EndpointView;
import dev.uniplane.spi.BackendView.PolicyEntries;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the OVS-DPDK bridge's flows back (one flow-stats request over the dataplane's OpenFlow channel) into a
 * {@link BackendView}, decoding the program of {@link FlowTables}: endpoints from their classification flows and host
 * routes (cookie kind ENDPOINT), routes from table ROUTE (cookie kind ROUTE: the prefix from the match; drop, one hop,
 * or multipath into table ECMP, whose slot flows give the weights as slot shares), gateway hops by the MAC they
 * rewrite to (named through the node's neighbour table), policy isolation from the default-deny flows and entry counts
 * from the policy flows per endpoint and direction.
 *
 * <p>What it cannot read back in model terms: remote endpoints (they exist only as peer prefixes inside policy
 * matches), which {@link RuleRef} a rule number in a cookie stands for (that table lives in the JVM; the view's
 * counted rules are named through it and not compared), rule peers and ports, conjunctive clause flows (not counted
 * per endpoint), the anti-spoofing source flows and the OVSDB side (bridge, ports, interfaces).
 */
final class OvsDpdkInspector {
    private final OvsDpdkDataplane dp;

    OvsDpdkInspector(OvsDpdkDataplane dp) {
        this.dp = dp;
    }

    BackendView inspect() {
        List<FlowStats> flows = dp.openflow.flowStats();
        List<String> unexplained = new ArrayList<>();
        Map<Integer, Wiring> byIndex = new HashMap<>();
        Map<Long, Wiring> byOfport = new HashMap<>();
        dp.wirings.values().forEach(w -> {
            byIndex.put(w.index(), w);
            byOfport.put(w.ofport(), w);
        });
        Map<MacAddress, List<IpAddress>> neighbours = dp.nodeLinks.neighbourAddressesByMac();
        long uplinkOfport = dp.uplink.map(Uplink::ofport).orElse(-1L);

        Map<Integer, List<IpAddress>> endpointAddresses = new TreeMap<>();
        Map<Integer, List<FlowStats>> ecmpSlots = new HashMap<>();
        List<FlowStats> routeFlows = new ArrayList<>();
        Map<String, int[]> policyCounts = new TreeMap<>();
        Set<String> isolated = new TreeSet<>();
        Set<RuleRef> counted = new TreeSet<>();
        for (FlowStats f : flows) {
            if ((f.cookie() >>> 48) != 0x7570L) {
                continue;
            }
            int kind = (int) (f.cookie() >>> 40) & 0xff;
            long id = f.cookie() & 0xffff_ffffL;
            if (kind == Kind.ENDPOINT.code && f.tableId() == FlowTables.CLASSIFY) {
                endpointAddresses.computeIfAbsent((int) id, i -> new ArrayList<>());
            } else if (kind == Kind.ENDPOINT.code && f.tableId() == FlowTables.ROUTE) {
                destination(f).ifPresent(p -> endpointAddresses.computeIfAbsent((int) id, i -> new ArrayList<>()).add(p.address()));
            } else if (kind == Kind.ROUTE.code && f.tableId() == FlowTables.ROUTE) {
                routeFlows.add(f);
            } else if (kind == Kind.ROUTE.code && f.tableId() == FlowTables.ECMP) {
                ecmpSlots.computeIfAbsent((int) id, i -> new ArrayList<>()).add(f);
            } else if ((kind == Kind.POLICY_ALLOW.code || kind == Kind.POLICY_DENY.code || kind == Kind.POLICY_DEFAULT.code)
                    && (f.tableId() == FlowTables.EGRESS || f.tableId() == FlowTables.INGRESS)) {
                int endpoint = (int) (kind == Kind.POLICY_DEFAULT.code ? id : id & 0xfff);
                Direction d = f.tableId() == FlowTables.EGRESS ? Direction.EGRESS : Direction.INGRESS;
                if (endpoint == 0) {
                    continue; // conjunctive clauses and shared SCTP flows belong to no single endpoint
                }
                policyCounts.computeIfAbsent(endpoint + "/" + d, k -> new int[1])[0]++;
                if (kind == Kind.POLICY_DEFAULT.code) {
                    isolated.add(endpoint + "/" + d);
                } else {
                    Optional.ofNullable(dp.ruleRefs.get((int) (id >>> 12))).ifPresent(counted::add);
                }
            }
        }

        List<EndpointView> endpoints = new ArrayList<>();
        endpointAddresses.forEach((index, addresses) -> {
            Wiring w = byIndex.get(index);
            if (w == null) {
                unexplained.add("flows of endpoint index " + index + " (addresses " + addresses + "), which no attached endpoint has");
            } else {
                endpoints.add(new EndpointView(w.spec().id(), addresses, w.hostName()));
            }
        });

        List<Route> routes = new ArrayList<>();
        for (FlowStats f : routeFlows) {
            Optional<IpPrefix> prefix = destination(f);
            if (prefix.isEmpty()) {
                unexplained.add("a route flow without an IP destination match: " + f.match());
                continue;
            }
            List<NextHop> hops = hops(prefix.get(), f, ecmpSlots.getOrDefault((int) (f.cookie() & 0xffff_ffffL), List.of()),
                    byOfport, uplinkOfport, neighbours, unexplained);
            if (hops.isEmpty()) {
                continue;
            }
            try {
                routes.add(new Route(prefix.get(), hops));
            } catch (InvalidSpecException e) {
                unexplained.add("route " + prefix.get() + " with next hops the API cannot express: " + e.getMessage());
            }
        }

        List<PolicyEntries> policy = new ArrayList<>();
        for (Wiring w : dp.wirings.values()) {
            for (Direction d : Direction.values()) {
                String key = w.index() + "/" + d;
                policy.add(new PolicyEntries(w.spec().id(), d, isolated.contains(key), policyCounts.getOrDefault(key, new int[1])[0]));
            }
        }
        return new BackendView(OvsDpdkProvider.NAME, EnumSet.of(Aspect.ENDPOINTS, Aspect.ROUTES, Aspect.POLICY_ISOLATION),
                endpoints, routes, Set.of(), policy, counted, unexplained);
    }

    /** The route flow's next hops: drop, one hop, or the ECMP slot flows counted per target. */
    private static List<NextHop> hops(IpPrefix prefix, FlowStats route, List<FlowStats> slots, Map<Long, Wiring> byOfport,
                                      long uplinkOfport, Map<MacAddress, List<IpAddress>> neighbours, List<String> unexplained) {
        List<Instruction> in = route.instructions();
        if (in.size() == 1 && in.getFirst() instanceof Instruction.GotoTable g && g.tableId() == FlowTables.NO_ROUTE) {
            return List.of(new NextHop.Drop());
        }
        boolean ecmp = in.stream().anyMatch(i -> i instanceof Instruction.GotoTable g && g.tableId() == FlowTables.ECMP);
        List<List<Action>> targets = new ArrayList<>();
        if (ecmp) {
            if (slots.isEmpty()) {
                unexplained.add("route " + prefix + " spreading over ECMP slots that have no flows");
                return List.of();
            }
            slots.forEach(s -> targets.add(actions(s.instructions())));
        } else {
            targets.add(actions(in));
        }
        Map<Object, Integer> weights = new LinkedHashMap<>();
        for (List<Action> actions : targets) {
            Optional<Object> target = target(actions, byOfport, uplinkOfport, neighbours, prefix.family());
            if (target.isEmpty()) {
                unexplained.add("route " + prefix + " with a next hop that names no attached endpoint or known gateway: " + actions);
                return List.of();
            }
            weights.merge(target.get(), 1, Integer::sum);
        }
        List<NextHop> out = new ArrayList<>();
        weights.forEach((t, w) -> out.add(t instanceof EndpointId e ? new NextHop.ToEndpoint(e, w) : new NextHop.Gateway((IpAddress) t, w)));
        return out;
    }

    /** An endpoint id (delivery to its ofport) or a gateway address (uplink, rewritten to the gateway's MAC). */
    private static Optional<Object> target(List<Action> actions, Map<Long, Wiring> byOfport, long uplinkOfport,
                                           Map<MacAddress, List<IpAddress>> neighbours, IpFamily family) {
        OptionalInt port = OptionalInt.empty();
        Long dstMac = null;
        for (Action a : actions) {
            if (a instanceof Action.SetField(Oxm.Other o) && o.oxmClass() == Nxm.CLASS_NX && o.field() == FlowTables.TARGET_REG) {
                port = OptionalInt.of(Integer.parseUnsignedInt(o.valueHex(), 16));
            } else if (a instanceof Action.SetField(Oxm.EthDst d)) {
                dstMac = d.mac();
            }
        }
        if (port.isEmpty()) {
            return Optional.empty();
        }
        if (port.getAsInt() == uplinkOfport && dstMac != null) {
            List<IpAddress> gateways = neighbours.getOrDefault(new MacAddress(dstMac), List.of()).stream().filter(a -> a.family() == family).toList();
            return gateways.size() == 1 ? Optional.of(gateways.getFirst()) : Optional.empty();
        }
        return Optional.ofNullable(byOfport.get((long) port.getAsInt())).map(w -> w.spec().id());
    }

    private static List<Action> actions(List<Instruction> instructions) {
        List<Action> out = new ArrayList<>();
        instructions.stream().filter(i -> i instanceof Instruction.ApplyActions).forEach(i -> out.addAll(((Instruction.ApplyActions) i).actions()));
        return out;
    }

    /** The destination prefix of a route flow's match; a match on eth_type alone is the family's /0. */
    private static Optional<IpPrefix> destination(FlowStats f) {
        Integer ethType = null;
        for (Oxm o : f.match().fields()) {
            switch (o) {
                case Oxm.Ipv4Dst d -> {
                    return Optional.of(new IpPrefix(IpAddress.of(d.address()), d.prefixLength()));
                }
                case Oxm.Ipv6Dst d -> {
                    return Optional.of(new IpPrefix(IpAddress.of(d.address()), d.prefixLength()));
                }
                case Oxm.EthType t -> ethType = t.ethType();
                default -> { }
            }
        }
        if (ethType == null) {
            return Optional.empty();
        }
        return Optional.of(IpPrefix.defaultRoute(ethType == 0x0800 ? IpFamily.IPV4 : IpFamily.IPV6));
    }

}
