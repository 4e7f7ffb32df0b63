package dev.uniplane.provider.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.program.FibRoutes;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.Drift;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The BGP dataplane on the kit's topology without peers: {@link BgpInspector} reads the FIB back as the API's state and
 * names an entry deleted behind its back; a close and a reopen adopt the veths and routes while traffic flows.
 */
class BgpInspectorTest {
    private Topology topology;
    private Dataplane dp;

    @BeforeEach
    void topology() {
        RequireAll.prerequisite(new BgpProvider().probe().available(), "the bgp provider: " + new BgpProvider().probe().describe());
        topology = Topology.create();
    }

    @AfterEach
    void cleanUp() {
        if (dp != null) {
            dp.destroy();
        }
        if (topology != null) {
            topology.close();
        }
    }

    /** With IPv6, which the provider declares only with its nftables program (IPv6 anti-spoofing), routed all the same. */
    private Dataplane open() {
        java.util.EnumSet<Capability> caps = java.util.EnumSet.copyOf(BgpProvider.ROUTING);
        caps.add(Capability.IPV6);
        return BgpDataplane.open(DataplaneConfig.builder().provider(BgpProvider.NAME).name(topology.prefix() + "i")
                .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build(), Capabilities.of(caps.toArray(Capability[]::new)));
    }

    @Test
    void theFibReadsBackAsTheApiStateAndADeletedEntryIsNamed() {
        dp = open();
        dp.attach(topology.workload("in-w1", true).spec());
        dp.attach(topology.workload("in-w2", true).spec());
        String gateway = topology.outside().gateways().getFirst().toString();
        dp.updateRoutes(List.of(Route.of("10.9.0.0/16", NextHop.endpoint("in-w1", 1), NextHop.endpoint("in-w2", 3)),
                Route.of("198.51.100.0/24", NextHop.gateway(gateway)), Route.of("192.0.2.0/24", NextHop.drop()),
                Route.of("fd00:9::/64", NextHop.endpoint("in-w2"))), List.of());

        BackendView view = ((BackendInspector) dp).inspect();

        assertThat(view.routes()).hasSize(4);
        assertThat(view.endpoints()).hasSize(2);
        assertThat(Drift.of(dp)).isEmpty();

        try (RtNetlink nl = RtNetlink.open(topology.node())) {
            nl.deleteRoute(RouteSpec.to(IpPrefix.parse("198.51.100.0/24")).priority(FibRoutes.USER_METRIC).build());
        }
        assertThat(Drift.of(dp)).anyMatch(line -> line.contains("198.51.100.0/24"));
    }

    @Test
    void aReopenAdoptsEndpointsAndRoutesAndTrafficNeverStops() {
        dp = open();
        Workload a = topology.workload("rs-a", true);
        Workload b = topology.workload("rs-b", true);
        dp.attach(a.spec());
        dp.attach(b.spec());
        dp.addRoute(Route.of("203.0.113.0/24", NextHop.gateway(topology.outside().gateways().getFirst().toString())));
        var before = dp.currentState();
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);

        dp.close();
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).as("while closed").isEqualTo(Outcome.DELIVERED);
        assertThat(Traffic.ping(a, topology.outside().hosts().getFirst()).outcome()).as("gateway route while closed")
                .isEqualTo(Outcome.DELIVERED);
        dp = open();

        assertThat(dp.currentState()).isEqualTo(before);
        assertThat(Drift.of(dp)).isEmpty();
        assertThat(Traffic.ping(b, a.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(Traffic.ping(b, a.ipv6()).outcome()).as("IPv6 too").isEqualTo(Outcome.DELIVERED);
        dp.detach(EndpointId.of("rs-b"));
        dp.attach(b.spec());
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).as("a slot freed after adoption is reused").isEqualTo(Outcome.DELIVERED);
    }
}
