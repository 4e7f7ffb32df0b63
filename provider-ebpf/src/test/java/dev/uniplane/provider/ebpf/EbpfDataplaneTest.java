package dev.uniplane.provider.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.Topology;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** eBPF-specific behaviour beyond the kit: map limits, options, bulk routes. Real kernel, the kit's topology. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EbpfDataplaneTest {
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

    private DataplaneConfig.Builder config(String suffix) {
        return DataplaneConfig.builder().provider("ebpf").name(topology.prefix() + suffix).hostNetns(topology.nodeNetnsPath());
    }

    @Test
    void aPolicySetThatOverflowsTheMapIsRejectedNamingTheLimitAndChangesNothing() {
        Dataplane dp = new EbpfProvider().open(config("-a").option("maps.policy-entries", "64").build());
        try {
            dp.attach(topology.workload("ov-a", false, "app", "db").spec());
            PolicySet small = PolicySet.of(Policy.builder("db").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(), List.of(PortMatch.tcp(80)))).build());
            dp.applyPolicies(small);
            List<PortMatch> ports = new ArrayList<>();
            for (int p = 1000; p < 1400; p += 2) {
                ports.add(PortMatch.tcp(p));
            }
            PolicySet big = PolicySet.of(Policy.builder("db").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.cidr("10.0.0.0/8")), ports)).build());
            assertThatThrownBy(() -> dp.applyPolicies(big)).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("up_policy").hasMessageContaining("max_entries=64");
            assertThat(dp.policies()).isEqualTo(small);
        } finally {
            dp.destroy();
        }
    }

    @Test
    void tenThousandRoutesGoInAsOneBatch() {
        Dataplane dp = new EbpfProvider().open(config("-b").uplink(topology.uplink()).build());
        try {
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                routes.add(new Route(new IpPrefix(IpAddress.ofV4(0x0b000000 | (i << 8)), 24),
                        List.of(new NextHop.Gateway(IpAddress.parse("10.254.0.2"), 1))));
            }
            dp.updateRoutes(routes, List.of());
            assertThat(dp.routes()).hasSize(10_000);
            var usage = dp.stats().extension(EbpfDataplane.MAP_USAGE).orElseThrow().row("up_routes_v4").orElseThrow();
            assertThat(usage.gauges()).containsEntry("used", 10_000L).containsKey("limit");
            dp.updateRoutes(List.of(), routes.stream().map(Route::prefix).toList());
            assertThat(dp.routes()).isEmpty();
        } finally {
            dp.destroy();
        }
    }

    @Test
    void aRouteBatchThatOverflowsTheRouteMapIsRefusedNamingItAndLeavesTheMapsAsTheyWere() throws Exception {
        Dataplane dp = new EbpfProvider().open(config("-e").uplink(topology.uplink()).option("maps.routes", "4").build());
        try {
            List<Route> first = List.of(viaGateway(0), viaGateway(1), viaGateway(2));
            dp.updateRoutes(first, List.of());
            String routes = dumpMap(dp, "up_routes_v4");
            assertThat(entries(routes)).isEqualTo(3);

            List<Route> ten = new ArrayList<>();
            for (int i = 10; i < 20; i++) {
                ten.add(viaGateway(i));
            }
            assertThatThrownBy(() -> dp.updateRoutes(ten, List.of())).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("up_routes_v4").hasMessageContaining("max_entries=4");
            // two new ones where one fits: refused whole
            assertThatThrownBy(() -> dp.updateRoutes(List.of(viaGateway(3), viaGateway(4)), List.of()))
                    .isInstanceOf(InvalidSpecException.class).hasMessageContaining("up_routes_v4");
            assertThat(dumpMap(dp, "up_routes_v4")).isEqualTo(routes);
            assertThat(dp.routes()).containsExactlyInAnyOrderElementsOf(first);

            // the map fills up to its max_entries, and a batch that removes as many as it adds still fits
            dp.addRoute(viaGateway(3));
            dp.updateRoutes(List.of(viaGateway(4), viaGateway(5)), List.of(first.get(0).prefix(), first.get(1).prefix()));
            assertThat(entries(dumpMap(dp, "up_routes_v4"))).isEqualTo(4);
            assertThat(dp.routes()).hasSize(4);
        } finally {
            dp.destroy();
        }
    }

    @Test
    void moreEndpointRoutesThanTheSourceRouteMapHoldsAreRefusedBeforeAnyWrite() throws Exception {
        Dataplane dp = new EbpfProvider().open(config("-f").build());
        try {
            dp.attach(topology.workload("src-a", false).spec());
            String before = dumpMap(dp, "up_src_routes") + dumpMap(dp, "up_routes_v4");
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i <= 16384; i++) {
                routes.add(new Route(new IpPrefix(IpAddress.ofV4(0x0b000000 | (i << 8)), 24),
                        List.of(new NextHop.ToEndpoint(dev.uniplane.api.EndpointId.of("src-a"), 1))));
            }
            assertThatThrownBy(() -> dp.updateRoutes(routes, List.of())).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("up_src_routes max_entries=16384");
            assertThat(dumpMap(dp, "up_src_routes") + dumpMap(dp, "up_routes_v4")).isEqualTo(before);
            assertThat(dp.routes()).isEmpty();
        } finally {
            dp.destroy();
        }
    }

    @Test
    void aRouteBatchTheKernelRefusesHalfWayIsRolledBackInTheMapsAndTheBookkeeping() throws Exception {
        Dataplane dp = new EbpfProvider().open(config("-g").uplink(topology.uplink()).build());
        try {
            dp.updateRoutes(List.of(viaGateway(0)), List.of());
            String before = dumpMap(dp, "up_routes_v4") + dumpMap(dp, "up_nh_groups");
            // A frozen map refuses writes from user space (EPERM): the v4 half of the batch is written, the v6 half not.
            Process freeze = new ProcessBuilder("bpftool", "map", "freeze", "pinned",
                    EbpfAdoption.pinDirOf(dp.name()).resolve("up_routes_v6").toString()).redirectErrorStream(true).start();
            assertThat(freeze.waitFor()).as(new String(freeze.getInputStream().readAllBytes())).isZero();
            Route v4 = new Route(IpPrefix.parse("12.1.0.0/24"), List.of(new NextHop.Gateway(IpAddress.parse("10.254.0.3"), 1)));
            Route v6 = new Route(IpPrefix.parse("2001:db8:77::/48"), List.of(new NextHop.Gateway(IpAddress.parse("fd00:254::2"), 1)));
            assertThatThrownBy(() -> dp.updateRoutes(List.of(v4, v6), List.of(viaGateway(0).prefix())))
                    .isInstanceOf(dev.uniplane.api.BackendException.class);
            String after = dumpMap(dp, "up_routes_v4") + dumpMap(dp, "up_nh_groups");
            // compared as a boolean: the group map's dump is too long for a readable failure message
            assertThat(after.equals(before)).as("up_routes_v4 and up_nh_groups as before the failed batch").isTrue();
            assertThat(dp.routes()).containsExactly(viaGateway(0));
            assertThat(((dev.uniplane.spi.BackendInspector) dp).inspect().routes()).containsExactly(viaGateway(0));

            // the bookkeeping is whole again: the next batches reuse and free groups as if the failure had not happened
            dp.updateRoutes(List.of(v4), List.of());
            dp.updateRoutes(List.of(), List.of(v4.prefix(), viaGateway(0).prefix()));
            assertThat(entries(dumpMap(dp, "up_routes_v4"))).isZero();
            assertThat(((dev.uniplane.spi.BackendInspector) dp).inspect().routes()).isEmpty();
        } finally {
            dp.destroy();
        }
    }

    private static Route viaGateway(int i) {
        return new Route(new IpPrefix(IpAddress.ofV4(0x0c000000 | (i << 8)), 24),
                List.of(new NextHop.Gateway(IpAddress.parse("10.254.0.2"), 1)));
    }

    /** How many entries a bpftool dump (JSON, with the map's BTF) shows. */
    private static int entries(String dump) {
        return dump.split("\"key\"", -1).length - 1;
    }

    /** The pinned map as bpftool dumps it: an independent read of what is programmed. */
    private static String dumpMap(Dataplane dp, String map) throws Exception {
        Process p = new ProcessBuilder("bpftool", "map", "dump", "pinned",
                EbpfAdoption.pinDirOf(dp.name()).resolve(map).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("bpftool: %s", out).isZero();
        return out;
    }

    @Test
    void unknownOptionsAndAMissingUplinkAreRejectedByName() {
        assertThatThrownBy(() -> new EbpfProvider().open(config("-c").option("maps.bogus", "1").build()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("options.maps.bogus");
        assertThatThrownBy(() -> new EbpfProvider().open(config("-d").uplink("nosuchlink0").build()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("uplink=\"nosuchlink0\"");
    }
}
