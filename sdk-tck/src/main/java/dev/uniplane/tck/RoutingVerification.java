package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Capability;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SEMANTICS "Routes": gateway routes, longest prefix, no route, drop routes, ECMP. */
public abstract class RoutingVerification extends DataplaneVerification {
    private static final IpAddress OUTSIDE_HOST = IpAddress.parse("203.0.113.10");
    private static final IpAddress GATEWAY = IpAddress.parse("10.254.0.2");
    private static final IpPrefix OUTSIDE = dev.uniplane.tck.harness.Topology.OUTSIDE_V4;

    @Test
    public void required_S2_lookup_aPacketWithNoRouteIsDroppedWithReasonNoRoute() {
        Workload w = attachWorkload("rt-a");
        StatsSnapshot before = dataplane().stats();
        assertThat(Traffic.udp(w, IpAddress.parse("198.51.100.7"), 7100).outcome()).isEqualTo(Outcome.TIMED_OUT);
        if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
            long drops = dataplane().stats().delta(before).endpoint(EndpointId.of("rt-a")).drops(DropReason.NO_ROUTE);
            assertThat(drops).as("NO_ROUTE drops on rt-a").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    public void required_S2_lookup_aPacketWhoseTtlRunsOutIsDroppedWithReasonTtlExceeded() {
        Workload a = attachWorkload("rt-t1");
        Workload b = attachWorkload("rt-t2");
        StatsSnapshot before = dataplane().stats();
        assertThat(Traffic.ping(a, b.ipv4(), 1, Traffic.TIMEOUT).outcome()).as("TTL 1: nothing left after the hop").isEqualTo(Outcome.TIMED_OUT);
        assertThat(Traffic.ping(a, b.ipv4(), 2, Traffic.TIMEOUT).outcome()).as("TTL 2 survives one routed hop").isEqualTo(Outcome.DELIVERED);
        if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
            assertThat(dataplane().stats().delta(before).endpoint(EndpointId.of("rt-t1")).drops(DropReason.TTL_EXCEEDED))
                    .as("TTL_EXCEEDED drops on rt-t1").isEqualTo(1);
        }
    }

    @Test
    public void required_S2_routeShape_aGatewayRouteReachesTheOutside() {
        Workload w = attachWorkload("rt-b");
        dataplane().addRoute(new Route(OUTSIDE, List.of(new NextHop.Gateway(GATEWAY, 1))));
        try (EchoServer server = Traffic.serve(topology().outside(), 7101)) {
            assertThat(Traffic.tcp(w, OUTSIDE_HOST, 7101).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(w, OUTSIDE_HOST).outcome()).isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    public void required_S2_lookup_theLongestPrefixWins() {
        requireCapability(Capability.ROUTE_DROP);
        Workload w = attachWorkload("rt-c");
        dataplane().addRoute(new Route(OUTSIDE, List.of(new NextHop.Gateway(GATEWAY, 1))));
        dataplane().addRoute(Route.of("203.0.113.10/32", NextHop.drop()));
        try (EchoServer server = Traffic.serve(topology().outside(), 7102)) {
            assertThat(Traffic.udp(w, OUTSIDE_HOST, 7102).outcome()).as("the /32 drop route wins").isEqualTo(Outcome.TIMED_OUT);
            assertThat(Traffic.udp(w, IpAddress.parse("203.0.113.11"), 7102).outcome()).isEqualTo(Outcome.DELIVERED);
            dataplane().removeRoute(IpPrefix.parse("203.0.113.10/32"));
            assertThat(Traffic.udp(w, OUTSIDE_HOST, 7102).outcome()).as("after removing the /32").isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    public void required_S2_changingRoutes_removedRoutesStopForwarding() {
        Workload w = attachWorkload("rt-d");
        dataplane().addRoute(new Route(OUTSIDE, List.of(new NextHop.Gateway(GATEWAY, 1))));
        try (EchoServer server = Traffic.serve(topology().outside(), 7103)) {
            assertThat(Traffic.udp(w, OUTSIDE_HOST, 7103).outcome()).isEqualTo(Outcome.DELIVERED);
            dataplane().removeRoute(OUTSIDE);
            assertThat(Traffic.udp(w, OUTSIDE_HOST, 7103).outcome()).isEqualTo(Outcome.TIMED_OUT);
        }
    }

    @Test
    public void optional_S2_routeShape_ecmpToEndpointsSpreadsFlowsAndKeepsEachFlowOnOneHop() {
        requireCapability(Capability.ECMP);
        requireCapability(Capability.ROUTE_TO_ENDPOINT);
        Workload client = attachWorkload("rt-e0");
        Workload hop1 = attachWorkload("rt-e1");
        Workload hop2 = attachWorkload("rt-e2");
        // Both hops answer for the service address, like a VIP on a router workload's loopback.
        IpAddress vip = IpAddress.parse("10.99.0.1");
        for (Workload hop : List.of(hop1, hop2)) {
            try (var nl = dev.uniplane.linux.RtNetlink.open(hop.netns())) {
                nl.addAddress(nl.index("lo"), dev.uniplane.linux.InterfaceAddress.parse("10.99.0.1/32"));
            }
        }
        dataplane().addRoute(Route.of("10.99.0.0/24", NextHop.endpoint("rt-e1"), NextHop.endpoint("rt-e2")));
        try (EchoServer s1 = Traffic.serve(hop1, 7104); EchoServer s2 = Traffic.serve(hop2, 7104)) {
            Set<Integer> servedBy = new HashSet<>();
            for (int flow = 0; flow < 24; flow++) {
                int sourcePort = 40000 + flow;
                for (int repeat = 0; repeat < 2; repeat++) {
                    assertThat(Traffic.udp(client, null, vip, 7104, sourcePort, Traffic.TIMEOUT).outcome()).isEqualTo(Outcome.DELIVERED);
                }
                boolean on1 = servedFrom(s1, sourcePort);
                boolean on2 = servedFrom(s2, sourcePort);
                assertThat(on1 ^ on2).as("flow from port %d stays on one hop (hop1=%s hop2=%s)", sourcePort, on1, on2).isTrue();
                servedBy.add(on1 ? 1 : 2);
            }
            assertThat(servedBy).as("24 flows use both hops").containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    public void optional_S2_lookup_anExplicitHostRouteTakesAnEndpointsTrafficUntilRemoved() {
        requireCapability(Capability.ROUTE_TO_ENDPOINT);
        Workload client = attachWorkload("rt-h0");
        Workload target = attachWorkload("rt-h1");
        Workload chain = attachWorkload("rt-h2");
        // Service chaining: the chain workload answers for the target's address while the host route is in place.
        try (var nl = dev.uniplane.linux.RtNetlink.open(chain.netns())) {
            nl.addAddress(nl.index("lo"), dev.uniplane.linux.InterfaceAddress.parse(target.ipv4() + "/32"));
        }
        try (EchoServer onTarget = Traffic.serve(target, 7105); EchoServer onChain = Traffic.serve(chain, 7105)) {
            dataplane().addRoute(Route.of(target.ipv4() + "/32", NextHop.endpoint("rt-h2")));
            assertThat(Traffic.udp(client, null, target.ipv4(), 7105, 41000, Traffic.TIMEOUT).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(servedFrom(onChain, 41000)).as("the explicit host route wins").isTrue();
            assertThat(servedFrom(onTarget, 41000)).isFalse();
            dataplane().removeRoute(IpPrefix.parse(target.ipv4() + "/32"));
            assertThat(Traffic.udp(client, null, target.ipv4(), 7105, 41001, Traffic.TIMEOUT).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(servedFrom(onTarget, 41001)).as("back to the endpoint").isTrue();
        }
    }

    private static boolean servedFrom(EchoServer server, int sourcePort) {
        return server.peers().stream().anyMatch(p -> ((InetSocketAddress) p).getPort() == sourcePort);
    }
}
