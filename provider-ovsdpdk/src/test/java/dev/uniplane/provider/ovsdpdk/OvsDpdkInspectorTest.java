package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.Drift;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OvsDpdkInspector} on a real OVS-DPDK bridge: the flows read back as the API's state, and a deleted flow shows. */
class OvsDpdkInspectorTest {

    @Test
    void theFlowsReadBackAsTheApiStateAndADeletedRouteFlowIsNamed() {
        var availability = new OvsDpdkProvider().probe();
        RequireAll.prerequisite(availability.available(), "OVS-DPDK provider: " + availability.describe());
        try (Topology topology = Topology.create()) {
            OvsDpdkDataplane dp = (OvsDpdkDataplane) new OvsDpdkProvider().open(DataplaneConfig.builder().provider(OvsDpdkProvider.NAME)
                    .name(topology.prefix()).hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build());
            try {
                dp.attach(topology.workload("in-w1", false, "app", "web").spec());
                dp.attach(topology.workload("in-w2", true, "app", "db").spec());
                String gateway = topology.outside().gateways().getFirst().toString();
                dp.updateRoutes(List.of(Route.of("10.9.0.0/16", NextHop.endpoint("in-w1", 1), NextHop.endpoint("in-w2", 3)),
                        Route.of("198.51.100.0/24", NextHop.gateway(gateway)), Route.of("192.0.2.0/24", NextHop.drop()),
                        Route.of("2001:db8:9::/48", NextHop.endpoint("in-w2"))), List.of());
                dp.applyPolicies(PolicySet.of(Policy.builder("db").selectLabels("app", "db")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80)))).build()));

                BackendView view = dp.inspect();
                assertThat(view.routes()).hasSize(4);
                assertThat(view.endpoints()).hasSize(2);
                assertThat(view.policy()).anySatisfy(p -> assertThat(p.isolated()).isTrue());
                assertThat(Drift.between(dp.currentState(), view)).isEmpty();

                int id = dp.routeIds.get(IpPrefix.parse("192.0.2.0/24"));
                dp.openflow.apply(List.of(new Labeled("behind the API's back",
                        FlowMod.deleteByCookie(0, FlowTables.cookie(FlowTables.Kind.ROUTE, id), -1L))));
                assertThat(Drift.between(dp.currentState(), dp.inspect()))
                        .containsExactly("route 192.0.2.0/24: missing in the backend (expected drop)");

                int w1 = dp.wirings.get(dev.uniplane.api.EndpointId.of("in-w1")).index();
                dp.openflow.apply(List.of(new Labeled("behind the API's back",
                        FlowMod.deleteByCookie(0, FlowTables.cookie(FlowTables.Kind.ENDPOINT, w1), -1L))));
                assertThat(Drift.between(dp.currentState(), dp.inspect())).containsExactly(
                        "endpoint in-w1: missing in the backend",
                        "route 192.0.2.0/24: missing in the backend (expected drop)");
            } finally {
                dp.destroy();
            }
        }
    }
}
