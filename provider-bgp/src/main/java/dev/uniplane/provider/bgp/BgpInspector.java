package dev.uniplane.provider.bgp;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.linux.FibNextHop;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.spi.BackendView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the BGP dataplane back from the node namespace's kernel over rtnetlink: endpoints are the veth host ends of
 * this dataplane's name with the addresses of their host routes ({@link FibRoutes#ENDPOINT_METRIC}); routes are the
 * main table's entries at {@link FibRoutes#USER_METRIC} (blackhole: drop; via the uplink: a gateway; out of a host
 * end: that endpoint; multipath with the kernel's weights). Only names come from the JVM: which endpoint owns a host
 * end. Learned routes ({@link FibRoutes#LEARNED_METRIC}) are not part of the desired state and not listed; policy
 * (nftables) is not read back here.
 */
final class BgpInspector {
    private final BgpDataplane dp;

    BgpInspector(BgpDataplane dp) {
        this.dp = dp;
    }

    BackendView inspect() {
        List<String> unexplained = new ArrayList<>();
        Map<String, Endpoint> byHostName = new HashMap<>();
        dp.endpoints().forEach(e -> byHostName.put(e.hostInterface(), e));
        Map<Integer, EndpointId> byIfindex = new HashMap<>();
        Map<Integer, String> ownLinks = new TreeMap<>();
        for (LinkInfo link : dp.nodeLinks.links()) {
            if (dp.slotOf(link.name()).isEmpty()) {
                continue;
            }
            ownLinks.put(link.index(), link.name());
            Endpoint e = byHostName.get(link.name());
            if (e == null) {
                unexplained.add("veth " + link.name() + " that no endpoint owns");
            } else {
                byIfindex.put(link.index(), e.id());
            }
        }
        List<RouteInfo> main = new ArrayList<>();
        for (int af : List.of(RtNetlink.AF_INET, RtNetlink.AF_INET6)) {
            main.addAll(dp.nodeLinks.routes(af, RouteSpec.TABLE_MAIN));
        }
        Map<Integer, List<IpAddress>> addresses = new TreeMap<>();
        List<Route> routes = new ArrayList<>();
        for (RouteInfo r : main) {
            if (r.priority() == FibRoutes.ENDPOINT_METRIC && ownLinks.containsKey(r.ifIndex()) && r.destination().isHost()) {
                addresses.computeIfAbsent(r.ifIndex(), i -> new ArrayList<>()).add(r.destination().address());
            } else if (r.priority() == FibRoutes.USER_METRIC) {
                decode(r, byIfindex).ifPresentOrElse(routes::add,
                        () -> unexplained.add("route " + r.destination() + " with a next hop no endpoint or uplink explains"));
            }
        }
        List<BackendView.EndpointView> endpoints = new ArrayList<>();
        ownLinks.forEach((ifindex, name) -> {
            EndpointId id = byIfindex.get(ifindex);
            if (id != null) {
                endpoints.add(new BackendView.EndpointView(id, addresses.getOrDefault(ifindex, List.of()), name));
            }
        });
        return new BackendView(BgpProvider.NAME, Set.of(BackendView.Aspect.ENDPOINTS, BackendView.Aspect.ROUTES), endpoints,
                routes, Set.of(), List.of(), Set.of(), unexplained);
    }

    private Optional<Route> decode(RouteInfo r, Map<Integer, EndpointId> byIfindex) {
        if (r.type() == RouteSpec.TYPE_BLACKHOLE) {
            return Optional.of(new Route(r.destination(), List.of(NextHop.drop())));
        }
        List<FibNextHop> hops = r.nextHops().isEmpty() ? List.of(new FibNextHop(r.gateway(), r.ifIndex(), 1)) : r.nextHops();
        List<NextHop> decoded = new ArrayList<>();
        for (FibNextHop h : hops) {
            if (h.ifIndex() == dp.uplinkIfindex && dp.uplinkIfindex != 0 && h.gateway() != null) {
                decoded.add(new NextHop.Gateway(h.gateway(), h.weight()));
            } else if (byIfindex.containsKey(h.ifIndex())) {
                decoded.add(new NextHop.ToEndpoint(byIfindex.get(h.ifIndex()), h.weight()));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Route(r.destination(), decoded));
    }
}
