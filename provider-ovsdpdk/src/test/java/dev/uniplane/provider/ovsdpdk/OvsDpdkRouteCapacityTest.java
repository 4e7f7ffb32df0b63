package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DataplaneVerification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one flow-table capacity an OVS switch has, {@code Flow_Table:flow_limit} with {@code overflow_policy=refuse}
 * (an operator's setting; the provider sets none), filling up in the middle of a route batch: the batch is one atomic
 * OpenFlow bundle, so the switch keeps none of it, and the flows read back with {@code ovs-ofctl} are as before.
 */
class OvsDpdkRouteCapacityTest extends DataplaneVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }

    @Test
    void aRouteBatchThatFillsTheRouteTableHalfWayLeavesNoFlowBehind() throws Exception {
        dataplane().updateRoutes(List.of(viaGateway(0), viaGateway(1)), List.of());
        String before = flows();
        long routeFlows = before.lines().filter(l -> l.contains("table=" + FlowTables.ROUTE + ",")).count();
        limitRouteTable(routeFlows + 3);
        try {
            List<Route> ten = new ArrayList<>();
            for (int i = 10; i < 20; i++) {
                ten.add(viaGateway(i));
            }
            assertThatThrownBy(() -> dataplane().updateRoutes(ten, List.of())).isInstanceOf(BackendException.class)
                    .hasMessageContaining("TABLE_FULL");
            assertThat(flows()).isEqualTo(before);
            assertThat(dataplane().routes()).hasSize(2);
        } finally {
            vsctl("clear", "Bridge", dataplane().name(), "flow_tables");
        }
        dataplane().updateRoutes(List.of(viaGateway(10)), List.of());
        assertThat(dataplane().routes()).hasSize(3);
    }

    private static Route viaGateway(int i) {
        return new Route(new IpPrefix(IpAddress.ofV4(0x0c000000 | (i << 8)), 24),
                List.of(new NextHop.Gateway(IpAddress.parse("10.254.0.2"), 1)));
    }

    private void limitRouteTable(long flows) throws Exception {
        vsctl("--", "--id=@ft", "create", "Flow_Table", "flow_limit=" + flows, "overflow_policy=refuse",
                "--", "set", "Bridge", dataplane().name(), "flow_tables:" + FlowTables.ROUTE + "=@ft");
    }

    /** Every flow of the bridge without counters and durations, sorted: what is programmed, read back. */
    private String flows() throws Exception {
        var ovs = ((OvsDpdkDataplane) dataplane()).instance();
        String out = run("ovs-ofctl", "-O", "OpenFlow13", "--no-stats", "--sort", "dump-flows", "unix:" + ovs.mgmtSocket(dataplane().name()));
        return out;
    }

    private void vsctl(String... args) throws Exception {
        var ovs = ((OvsDpdkDataplane) dataplane()).instance();
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + ovs.dbSocket()));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
