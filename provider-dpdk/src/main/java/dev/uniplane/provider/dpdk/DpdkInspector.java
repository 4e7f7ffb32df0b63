package dev.uniplane.provider.dpdk;

import dev.uniplane.provider.dpdk.internal.host.Wiring;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingTable;
import dev.uniplane.provider.dpdk.internal.fastpath.Hop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortBinding;
import dev.uniplane.provider.dpdk.internal.fastpath.TableReadback;
import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;
import dev.uniplane.provider.dpdk.internal.program.PolicyReadback;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.BackendView.Aspect;
import dev.uniplane.spi.BackendView.EndpointView;
import dev.uniplane.spi.BackendView.PolicyEntries;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the DPDK dataplane's published {@link ForwardingTable} back into a {@link BackendView}: the ports the lcore
 * polls (endpoints), the rules of the IPv4 {@code rte_lpm} (asked of DPDK with {@code rte_lpm_is_rule_present}) and the
 * IPv6 LPM, the ECMP groups as the loop spreads flows (weights as hash-slot shares), gateway hops by the MAC the table
 * rewrites to (named through the node's neighbour table), and the compiled policy the lcore evaluates (isolation, rules
 * per endpoint and direction, the rules that have counters).
 *
 * <p>What it cannot read: a prefix list of the LPMs (neither can be enumerated), so routes are looked up by the
 * prefixes the dataplane knows and every table entry no known prefix leads to is reported as unexplained; IPv6 routes
 * by longest-prefix lookup of the prefix's address, not by exact rule; remote endpoints (the table holds only the
 * address ranges policy resolved them into); the anti-spoofing source filter; per-rule peers and ports.
 */
final class DpdkInspector {
    private final DpdkDataplane dp;
    private final TableReadback table;
    private final CompiledPolicy policy;

    DpdkInspector(DpdkDataplane dp, ForwardingTable table) {
        this.dp = dp;
        this.table = new TableReadback(table);
        this.policy = table.policy();
    }

    BackendView inspect() {
        List<String> unexplained = new ArrayList<>();
        Map<Integer, Wiring> bySlot = new HashMap<>();
        dp.wirings.values().forEach(w -> bySlot.put(w.slot(), w));
        Set<Integer> claimedGroups = new HashSet<>();
        // the prefixes to ask the LPMs for (the route table as the API has it; the lock is held, it cannot change)
        Map<IpPrefix, Route> known = new java.util.LinkedHashMap<>();
        dp.routes().forEach(r -> known.put(r.prefix(), r));

        List<EndpointView> endpoints = new ArrayList<>();
        List<List<Hop>> undelivered = new ArrayList<>(); // self-delivery of endpoint addresses without their LPM rule
        Map<Integer, Integer> ports = table.ports();
        ports.forEach((port, slot) -> {
            if (slot == PortBinding.UPLINK) {
                return;
            }
            Wiring w = bySlot.get(slot);
            if (w == null || w.port().id() != port) {
                unexplained.add("polled port " + port + " for endpoint slot " + slot + ", which no attached endpoint has");
                return;
            }
            List<IpAddress> delivered = new ArrayList<>();
            for (IpAddress a : w.spec().addresses()) {
                IpPrefix host = IpPrefix.host(a);
                if (known.containsKey(host)) {
                    delivered.add(a); // an explicit route for the address overrides delivery: it is read as that route
                    continue;
                }
                OptionalInt group = lookup(host);
                List<Hop> self = List.of(new Hop.ToEndpoint(slot, port, w.mac().value(), 1));
                if (group.isPresent() && table.group(group.getAsInt()).equals(self)) {
                    delivered.add(a);
                    claimedGroups.add(group.getAsInt());
                } else {
                    undelivered.add(self);
                }
            }
            endpoints.add(new EndpointView(w.spec().id(), delivered, w.hostName()));
        });

        Map<MacAddress, List<IpAddress>> neighbours = dp.nodeLinks.neighbourAddressesByMac();
        List<Route> routes = new ArrayList<>();
        List<List<NextHop>> missing = new ArrayList<>();
        for (Route expected : known.values()) {
            OptionalInt group = lookup(expected.prefix());
            if (group.isEmpty() || (expected.prefix().family() == IpFamily.IPV6 && !claimedGroups.add(group.getAsInt()))) {
                missing.add(expected.nextHops());
                continue;
            }
            claimedGroups.add(group.getAsInt());
            toRoute(expected, table.group(group.getAsInt()), bySlot, neighbours, unexplained).ifPresent(routes::add);
        }
        for (int g = 0; g < table.routeCount(); g++) {
            if (claimedGroups.contains(g)) {
                continue;
            }
            List<Hop> hops = table.group(g);
            if (hops.size() == 1 && hops.getFirst() instanceof Hop.ToEndpoint e && bySlot.containsKey(e.slot())
                    && bySlot.get(e.slot()).spec().addresses().stream().anyMatch(a -> known.containsKey(IpPrefix.host(a)))) {
                continue; // the host entry of an endpoint whose address an explicit route took over
            }
            if (undelivered.contains(hops)) {
                continue; // the stranded host entry of an endpoint address reported missing: the same fact
            }
            Route asRead = toRoute(null, hops, bySlot, neighbours, new ArrayList<>()).orElse(null);
            if (asRead != null && missing.stream().anyMatch(m -> m.equals(asRead.nextHops()))) {
                continue; // the stranded entry of a route reported missing: the same fact
            }
            unexplained.add("table entry " + g + " (" + hops + ") that no prefix of the route table or endpoint address leads to");
        }

        PolicyReadback readback = new PolicyReadback(policy);
        List<PolicyEntries> policyEntries = new ArrayList<>();
        for (Wiring w : dp.wirings.values()) {
            for (Direction d : Direction.values()) {
                int dir = d == Direction.INGRESS ? CompiledPolicy.INGRESS : CompiledPolicy.EGRESS;
                policyEntries.add(new PolicyEntries(w.spec().id(), d, readback.isolated(w.slot(), dir), readback.rules(w.slot(), dir)));
            }
        }
        return new BackendView(DpdkProvider.NAME, EnumSet.of(Aspect.ENDPOINTS, Aspect.ROUTES, Aspect.POLICY_ISOLATION, Aspect.RULE_COUNTERS),
                endpoints, routes, Set.of(), policyEntries, readback.rulesInForce(), unexplained);
    }

    /** The table entry for exactly this IPv4 prefix, or the one the IPv6 LPM answers for the prefix's address. */
    private OptionalInt lookup(IpPrefix prefix) {
        IpAddress a = prefix.address();
        return a.family() == IpFamily.IPV4 ? table.v4Rule(a.v4Value(), prefix.length()) : table.v6Lookup(a.high(), a.low());
    }

    /** The hops in API terms; {@code expected} (may be null) only picks among gateways sharing one MAC. */
    private static Optional<Route> toRoute(Route expected, List<Hop> hops, Map<Integer, Wiring> bySlot,
                                           Map<MacAddress, List<IpAddress>> neighbours, List<String> unexplained) {
        IpPrefix prefix = expected == null ? IpPrefix.parse("0.0.0.0/0") : expected.prefix();
        List<NextHop> out = new ArrayList<>();
        for (Hop h : hops) {
            switch (h) {
                case Hop.Drop d -> out.add(new NextHop.Drop());
                case Hop.ToEndpoint e -> {
                    Wiring w = bySlot.get(e.slot());
                    if (w == null) {
                        unexplained.add("route " + prefix + " with a next hop to endpoint slot " + e.slot() + ", which no attached endpoint has");
                        return Optional.empty();
                    }
                    out.add(new NextHop.ToEndpoint(w.spec().id(), e.weight()));
                }
                case Hop.ToGateway g -> {
                    List<IpAddress> candidates = neighbours.getOrDefault(new MacAddress(g.dstMac()), List.of()).stream()
                            .filter(a -> a.family() == prefix.family()).toList();
                    Optional<IpAddress> named = expected == null ? Optional.empty() : expected.nextHops().stream()
                            .filter(n -> n instanceof NextHop.Gateway).map(n -> ((NextHop.Gateway) n).address())
                            .filter(candidates::contains).findFirst();
                    if (named.isEmpty() && candidates.size() != 1) {
                        unexplained.add("route " + prefix + " with a gateway hop to MAC " + new MacAddress(g.dstMac())
                                + ", which the node's neighbour table gives " + candidates);
                        return Optional.empty();
                    }
                    out.add(new NextHop.Gateway(named.orElse(candidates.isEmpty() ? null : candidates.getFirst()), g.weight()));
                }
            }
        }
        try {
            return Optional.of(new Route(prefix, out));
        } catch (InvalidSpecException e) {
            unexplained.add("route " + prefix + " with next hops the API cannot express: " + e.getMessage());
            return Optional.empty();
        }
    }

}
