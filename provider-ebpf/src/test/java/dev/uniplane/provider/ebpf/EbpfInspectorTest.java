package dev.uniplane.provider.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.Drift;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Topology;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link EbpfInspector} on the real kernel: the maps read back match the API's state, and a change behind its back shows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EbpfInspectorTest {
    private Topology topology;

    @BeforeAll
    void topology() {
        RequireAll.prerequisite(new EbpfProvider().probe().available(), "eBPF provider: " + new EbpfProvider().probe().describe());
        topology = Topology.create();
    }

    @AfterAll
    void cleanUp() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void theMapsReadBackAsTheApiStateAndADeletedEntryIsNamed() {
        Dataplane dp = new EbpfProvider().open(DataplaneConfig.builder().provider("ebpf").name(topology.prefix() + "-insp")
                .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build());
        try {
            var w1 = dp.attach(topology.workload("in-w1", false, "app", "web").spec());
            dp.attach(topology.workload("in-w2", false, "app", "db").spec());
            dp.registerRemote(RemoteEndpoint.of("r1", "10.88.0.5", "app", "web"));
            String gateway = topology.outside().gateways().getFirst().toString();
            dp.updateRoutes(List.of(Route.of("10.9.0.0/16", NextHop.endpoint("in-w1", 1), NextHop.endpoint("in-w2", 3)),
                    Route.of("198.51.100.0/24", NextHop.gateway(gateway)), Route.of("192.0.2.0/24", NextHop.drop())), List.of());
            dp.applyPolicies(PolicySet.of(Policy.builder("db").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80)))).build()));

            BackendView view = ((BackendInspector) dp).inspect();
            assertThat(view.routes()).hasSize(3);
            assertThat(view.endpoints()).hasSize(2);
            assertThat(view.policy()).anySatisfy(p -> assertThat(p.isolated()).isTrue());
            assertThat(Drift.between(dp.currentState(), view)).isEmpty();

            EbpfDataplane ebpf = (EbpfDataplane) dp;
            ebpf.maps.removeRoute(IpPrefix.parse("192.0.2.0/24"));
            assertThat(Drift.between(dp.currentState(), ((BackendInspector) dp).inspect()))
                    .containsExactly("route 192.0.2.0/24: missing in the backend (expected drop)");

            ebpf.maps.removeEndpointAddress(w1.spec().addresses().getFirst());
            assertThat(Drift.of(dp)).containsExactly(
                    "endpoint in-w1: addresses [" + w1.spec().addresses().getFirst() + "] expected, backend has [] (on " + w1.hostInterface() + ")",
                    "route 192.0.2.0/24: missing in the backend (expected drop)");
        } finally {
            dp.destroy();
        }
    }
}
