package dev.uniplane.provider.vpp;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.vpp.internal.host.Wiring;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.FibPath;
import dev.uniplane.spi.BackendView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads VPP back into a {@link BackendView}: the af_packet interfaces VPP has (endpoints by their host veth name), and
 * VPP's own FIB ({@code ip_route_dump} of table 0, both families) decoded into routes: a drop path is a drop, a path out
 * of the uplink a gateway, a path out of an endpoint's interface to one of its addresses that endpoint; an endpoint's
 * address counts as delivered when its host route is in the FIB.
 *
 * <p>What it leaves out: FIB entries VPP makes itself (connected and local prefixes of the uplink and the gateway
 * loopback, neighbours it learned, its special drop prefixes), told apart because they have no next-hop address
 * through our interfaces; the policy (the ACL program reads its ACLs back itself).
 */
final class VppInspector {
    private final VppDataplane dp;

    VppInspector(VppDataplane dp) {
        this.dp = dp;
    }

    BackendView inspect() {
        List<String> unexplained = new ArrayList<>();
        Map<Integer, Wiring> byIndex = new HashMap<>();
        dp.wirings.values().forEach(w -> byIndex.put(w.swIfIndex(), w));
        Set<Integer> present = new HashSet<>();
        String uplinkName = dp.uplinkName().map(Wiring::vppName).orElse(null);
        for (Messages.InterfaceDetails d : dp.interfaces.all()) {
            if (!d.name().startsWith("host-") || d.name().equals(uplinkName)) {
                continue;
            }
            Wiring w = byIndex.get(d.swIfIndex());
            if (w == null || !Wiring.vppName(w.hostName()).equals(d.name())) {
                unexplained.add("af_packet interface " + d.name() + " (sw_if_index " + d.swIfIndex()
                        + "), which no attached endpoint has");
            } else {
                present.add(d.swIfIndex());
            }
        }
        Map<IpPrefix, List<FibPath>> fib = new HashMap<>();
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (Messages.RouteDetails r : dp.api.dump(new Messages.IpRouteDump(0, ipv6))) {
                fib.put(prefixOf(r.prefix()), r.paths());
            }
        }
        Set<IpPrefix> desired = new HashSet<>();
        dp.routes().forEach(r -> desired.add(r.prefix()));
        List<BackendView.EndpointView> endpoints = new ArrayList<>();
        Set<IpPrefix> ownHostRoutes = new HashSet<>();
        for (Wiring w : dp.wirings.values()) {
            if (!present.contains(w.swIfIndex())) {
                continue;
            }
            List<IpAddress> delivered = new ArrayList<>();
            for (IpAddress a : w.spec().addresses()) {
                IpPrefix host = IpPrefix.host(a);
                List<FibPath> paths = fib.get(host);
                if (paths != null && paths.size() == 1 && paths.getFirst().swIfIndex() == w.swIfIndex()
                        && IpAddress.of(paths.getFirst().nextHop()).equals(a)) {
                    delivered.add(a);
                    if (!desired.contains(host)) {
                        ownHostRoutes.add(host);
                    }
                }
            }
            endpoints.add(new BackendView.EndpointView(w.spec().id(), delivered, w.hostName()));
        }
        List<Route> routes = new ArrayList<>();
        fib.forEach((prefix, paths) -> {
            if (ownHostRoutes.contains(prefix) || !(desired.contains(prefix) || viaOurs(prefix, paths, byIndex))) {
                return;
            }
            List<NextHop> hops = new ArrayList<>();
            for (FibPath p : paths) {
                NextHop hop = decode(p, byIndex);
                if (hop == null) {
                    unexplained.add("FIB path of " + prefix + " out of sw_if_index " + p.swIfIndex() + " to "
                            + p.nextHop().getHostAddress() + " (type " + p.type() + "), which names no endpoint or gateway");
                    return;
                }
                hops.add(hop);
            }
            routes.add(new Route(prefix, hops));
        });
        return new BackendView(VppProvider.NAME, Set.of(BackendView.Aspect.ENDPOINTS, BackendView.Aspect.ROUTES),
                endpoints, routes, Set.of(), List.of(), Set.of(), unexplained);
    }

    /** Whether an entry VPP holds goes to a next-hop address out of the uplink or an endpoint (one of ours). */
    private boolean viaOurs(IpPrefix prefix, List<FibPath> paths, Map<Integer, Wiring> byIndex) {
        for (FibPath p : paths) {
            if (p.type() != Messages.FIB_PATH_TYPE_NORMAL || p.nextHop().isAnyLocalAddress()) {
                continue;
            }
            IpAddress nextHop = IpAddress.of(p.nextHop());
            if (prefix.equals(IpPrefix.host(nextHop))) {
                continue; // a neighbour VPP learned (an adjacency's host entry)
            }
            if (p.swIfIndex() == dp.uplink || byIndex.containsKey(p.swIfIndex())) {
                return true;
            }
        }
        return false;
    }

    private NextHop decode(FibPath p, Map<Integer, Wiring> byIndex) {
        if (p.type() == Messages.FIB_PATH_TYPE_DROP) {
            return NextHop.drop();
        }
        if (p.type() != Messages.FIB_PATH_TYPE_NORMAL) {
            return null;
        }
        IpAddress nextHop = IpAddress.of(p.nextHop());
        if (dp.uplink >= 0 && p.swIfIndex() == dp.uplink) {
            return new NextHop.Gateway(nextHop, Math.max(1, p.weight()));
        }
        Wiring w = byIndex.get(p.swIfIndex());
        if (w != null && w.spec().addresses().contains(nextHop)) {
            return new NextHop.ToEndpoint(w.spec().id(), Math.max(1, p.weight()));
        }
        return null;
    }

    private static IpPrefix prefixOf(Messages.Prefix p) {
        return new IpPrefix(IpAddress.of(p.address()), p.length());
    }
}
