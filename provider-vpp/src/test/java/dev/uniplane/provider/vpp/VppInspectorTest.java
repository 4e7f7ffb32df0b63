package dev.uniplane.provider.vpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.BackendInspector;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.Drift;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.DataplaneOnTopology;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What VPP's FIB and interface table hold, read back, is what the dataplane was asked for; a change VPP did not get shows. */
class VppInspectorTest {
    private DataplaneOnTopology on;
    private Topology topology;
    private Dataplane dataplane;

    @BeforeEach
    void open() {
        Availability availability = new VppProvider().probe();
        RequireAll.prerequisite(availability.available(), "provider vpp: " + availability.describe());
        on = DataplaneOnTopology.open(new VppProvider(), true, c -> c);
        topology = on.topology;
        dataplane = on.dataplane;
    }

    @AfterEach
    void destroy() {
        if (on != null) {
            on.close();
        }
    }

    @Test
    void theFibReadBackMatchesTheDesiredRoutesAndEndpoints() {
        Workload a = topology.workload("in-a", true, List.of(AttachKind.VETH));
        Workload b = topology.workload("in-b", true, List.of(AttachKind.VETH));
        dataplane.attach(a.spec());
        dataplane.attach(b.spec());
        dataplane.updateRoutes(List.of(
                Route.of("10.96.0.0/24", NextHop.endpoint("in-a", 1), NextHop.endpoint("in-b", 3)),
                Route.of("fd00:96::/64", NextHop.endpoint("in-b")),
                Route.of("198.51.100.0/24", NextHop.drop()),
                Route.of("203.0.113.0/24", NextHop.gateway("10.254.0.2", 1), NextHop.gateway("10.254.0.3", 1))), List.of());

        BackendView view = ((BackendInspector) dataplane).inspect();

        assertThat(view.unexplained()).isEmpty();
        assertThat(view.routes()).containsExactlyInAnyOrderElementsOf(dataplane.routes());
        assertThat(view.endpoints()).hasSize(2);
        assertThat(Drift.of(dataplane)).isEmpty();
    }
}
