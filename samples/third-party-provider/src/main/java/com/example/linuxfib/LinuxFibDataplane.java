package com.example.linuxfib;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VethWorkload;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel does the forwarding: each workload's veth host end carries a /32 route to the workload (the SPI owns
 * what was asked for, this class only encodes it into links and FIB entries of the node namespace).
 *
 * <ul>
 *   <li>Anti-spoofing: strict reverse-path filtering on each host end, so a source the FIB does not route back to
 *       that endpoint is dropped.</li>
 *   <li>No route: a blackhole default route of the lowest preference, so such packets vanish (no ICMP error).</li>
 *   <li>User routes sit at a better metric than the endpoints' own /32 routes, so an explicit host route wins.</li>
 * </ul>
 */
final class LinuxFibDataplane extends AbstractDataplane {
    private static final String TAG = "f";
    private static final int USER_ROUTE_METRIC = 100;
    private static final int ENDPOINT_ROUTE_METRIC = 1000;
    private static final int NO_ROUTE_METRIC = 2_000_000_000;

    private final NetNs node;
    private final RtNetlink nodeLinks;
    private final int uplinkIndex;
    private final BitSet usedSlots = new BitSet();

    private LinuxFibDataplane(DataplaneConfig config, NetNs node, RtNetlink nodeLinks, int uplinkIndex) {
        super("linuxfib", config, LinuxFibProvider.CAPABILITIES);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.uplinkIndex = uplinkIndex;
    }

    static LinuxFibDataplane open(DataplaneConfig config) {
        NetNs node = NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
        RtNetlink links = RtNetlink.open(node);
        try {
            int uplink = config.uplink() == null ? 0 : links.index(config.uplink());
            LinuxFibDataplane dataplane = new LinuxFibDataplane(config, node, links, uplink);
            dataplane.startEmpty();
            return dataplane;
        } catch (RuntimeException e) {
            links.close();
            node.close();
            throw e;
        }
    }

    /** A fresh open owns nothing yet: remove what an earlier dataplane of this name left, then set the node up. */
    private void startEmpty() {
        removeOwnLinks();
        sysctl("net/ipv4/ip_forward", "1");
        nodeLinks.replaceRoute(RouteSpec.to("0.0.0.0/0").type(RouteSpec.TYPE_BLACKHOLE).priority(NO_ROUTE_METRIC).build());
    }

    private void removeOwnLinks() {
        String stem = HostInterfaceNames.stem(name()) + TAG;
        nodeLinks.links().stream().map(LinkInfo::name).filter(n -> n.startsWith(stem) && n.substring(stem.length()).matches("\\d+"))
                .forEach(nodeLinks::deleteLinkIfPresent);
    }

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int slot = usedSlots.nextClearBit(1);
        String hostName = HostInterfaceNames.of(name(), TAG, slot);
        MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(((long) spec.id().hashCode() << 16) ^ slot));
        LinkInfo host = VethWorkload.createWithHostEndAsGateway(nodeLinks, hostName, spec, mac, Set.of());
        try {
            sysctl("net/ipv4/conf/" + hostName + "/rp_filter", "1");
            nodeLinks.setUp(host.index(), true);
            for (IpAddress address : spec.addresses()) {
                nodeLinks.replaceRoute(RouteSpec.to(IpPrefix.host(address)).dev(host.index()).scope(RouteSpec.SCOPE_LINK)
                        .priority(ENDPOINT_ROUTE_METRIC).build());
            }
        } catch (RuntimeException e) {
            nodeLinks.deleteLinkIfPresent(hostName); // takes its routes with it
            throw e;
        }
        usedSlots.set(slot);
        return new Endpoint(spec, kind, hostName, mac, host.mac());
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        nodeLinks.deleteLinkIfPresent(endpoint.hostInterface());
        usedSlots.clear(Integer.parseInt(endpoint.hostInterface().substring((HostInterfaceNames.stem(name()) + TAG).length())));
    }

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Route> before = new LinkedHashMap<>(desired().routes());
        try {
            for (IpPrefix prefix : removals) {
                nodeLinks.deleteRoute(RouteSpec.to(prefix).priority(USER_ROUTE_METRIC).build());
            }
            for (Route route : upserts) {
                nodeLinks.replaceRoute(fibEntry(route));
            }
        } catch (RuntimeException e) {
            restore(before, upserts, removals);
            throw e;
        }
    }

    /** Best effort back to the routes in force before a failed change, so the hook changes nothing. */
    private void restore(Map<IpPrefix, Route> before, List<Route> upserts, List<IpPrefix> removals) {
        for (Route route : upserts) {
            try {
                if (before.containsKey(route.prefix())) {
                    nodeLinks.replaceRoute(fibEntry(before.get(route.prefix())));
                } else {
                    nodeLinks.deleteRoute(RouteSpec.to(route.prefix()).priority(USER_ROUTE_METRIC).build());
                }
            } catch (RuntimeException ignored) {
                // not there: nothing to undo
            }
        }
        for (IpPrefix prefix : removals) {
            if (before.containsKey(prefix)) {
                try {
                    nodeLinks.replaceRoute(fibEntry(before.get(prefix)));
                } catch (RuntimeException ignored) {
                    // already there
                }
            }
        }
    }

    /** One route as a FIB entry (one next hop: ECMP is not declared, so the SPI never passes more). */
    private RouteSpec fibEntry(Route route) {
        RouteSpec.Builder fib = RouteSpec.to(route.prefix()).priority(USER_ROUTE_METRIC);
        return switch (route.nextHops().getFirst()) {
            case NextHop.Gateway g -> fib.via(g.address()).dev(uplinkIndex).build();
            case NextHop.ToEndpoint t -> fib.dev(nodeLinks.index(endpoints().stream()
                    .filter(e -> e.id().equals(t.endpoint())).findFirst().orElseThrow().hostInterface()))
                    .scope(RouteSpec.SCOPE_LINK).build();
            case NextHop.Drop d -> fib.type(RouteSpec.TYPE_BLACKHOLE).build();
        };
    }

    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        // POLICY is not declared: the SPI refuses non-empty policy sets before they get here.
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        // REMOTE_ENDPOINTS is not declared: remotes only matter to policy.
    }

    @Override
    protected StatsSnapshot backendStats() {
        // ENDPOINT_STATS is not declared: zero counters per endpoint.
        Map<dev.uniplane.api.EndpointId, EndpointStats> zero = new LinkedHashMap<>();
        endpoints().forEach(e -> zero.put(e.id(), EndpointStats.zero(e.id())));
        return new StatsSnapshot(Instant.now(), zero, Map.of());
    }

    @Override
    protected void backendClose() {
        // The kernel keeps forwarding after close; only our handles go.
        nodeLinks.close();
        node.close();
    }

    @Override
    protected void backendDestroy() {
        removeOwnLinks();
        nodeLinks.deleteRoute(RouteSpec.to("0.0.0.0/0").type(RouteSpec.TYPE_BLACKHOLE).priority(NO_ROUTE_METRIC).build());
    }

    /** Writes a sysctl of the node namespace ({@code /proc/sys/net} is per network namespace). */
    private void sysctl(String key, String value) {
        node.execute(() -> {
            try {
                Files.writeString(Path.of("/proc/sys/" + key), value);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set " + key + "=" + value, e);
            }
        });
    }
}
