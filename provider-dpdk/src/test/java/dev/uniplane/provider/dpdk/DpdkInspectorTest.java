package dev.uniplane.provider.dpdk;

import dev.uniplane.tck.harness.DataplaneOnTopology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingTable;
import dev.uniplane.provider.dpdk.internal.fastpath.Router;
import dev.uniplane.provider.dpdk.internal.fastpath.TableReadback;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.Drift;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DpdkInspector} on a real EAL: the published table reads back as the API's state, and a deleted LPM rule shows. */
class DpdkInspectorTest {

    @Test
    void theForwardingTableReadsBackAsTheApiStateAndADeletedLpmRuleIsNamed() throws ReflectiveOperationException {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        try (DataplaneOnTopology on = DataplaneOnTopology.open(new DpdkProvider(), true, c -> c)) {
            Dataplane dp = on.dataplane;
            var w1 = dp.attach(on.topology.workload("in-w1", false, "app", "web").spec());
            dp.attach(on.topology.workload("in-w2", true, "app", "db").spec());
            String gateway = on.topology.outside().gateways().getFirst().toString();
            dp.updateRoutes(List.of(Route.of("10.9.0.0/16", NextHop.endpoint("in-w1", 1), NextHop.endpoint("in-w2", 3)),
                    Route.of("198.51.100.0/24", NextHop.gateway(gateway)), Route.of("192.0.2.0/24", NextHop.drop()),
                    Route.of("2001:db8:9::/48", NextHop.endpoint("in-w2"))), List.of());
            dp.applyPolicies(PolicySet.of(Policy.builder("db").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(80)))).build()));

            BackendView view = ((BackendInspector) dp).inspect();
            assertThat(view.routes()).hasSize(4);
            assertThat(view.endpoints()).hasSize(2);
            assertThat(view.countedRules()).hasSize(1);
            assertThat(Drift.between(dp.currentState(), view)).isEmpty();

            var routerField = DpdkDataplane.class.getDeclaredField("router");
            routerField.setAccessible(true);
            ForwardingTable table = ((Router) routerField.get(dp)).table();
            int network = IpAddress.parse("192.0.2.0").v4Value();
            assertThat(RteLpm.delete(new TableReadback(table).v4Lpm(), network, 24)).isZero();
            assertThat(Drift.between(dp.currentState(), ((BackendInspector) dp).inspect()))
                    .containsExactly("route 192.0.2.0/24: missing in the backend (expected drop)");

            IpAddress own = w1.spec().addresses().getFirst();
            assertThat(RteLpm.delete(new TableReadback(table).v4Lpm(), own.v4Value(), 32)).isZero();
            assertThat(Drift.between(dp.currentState(), ((BackendInspector) dp).inspect())).containsExactly(
                    "endpoint in-w1: addresses [" + own + "] expected, backend has [] (on " + w1.hostInterface() + ")",
                    "route 192.0.2.0/24: missing in the backend (expected drop)");
        }
    }
}
