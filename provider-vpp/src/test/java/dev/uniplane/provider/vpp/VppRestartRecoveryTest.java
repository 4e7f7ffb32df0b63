package dev.uniplane.provider.vpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import dev.uniplane.provider.vpp.internal.host.VppProcess;
import dev.uniplane.spi.Availability;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VPP keeps no state across its own restarts: after {@code kill -9} of the dataplane's VPP, the dataplane starts it
 * again and programs everything back (traffic comes back, {@code currentState()} is unchanged). And VPP outlives the
 * dataplane's process: after {@code close()} traffic keeps flowing, and a new open takes the running VPP over.
 */
class VppRestartRecoveryTest {
    private Topology topology;
    private Dataplane dataplane;

    @BeforeEach
    void openOnAFreshTopology() {
        Availability availability = new VppProvider().probe();
        RequireAll.prerequisite(availability.available(), "provider vpp: " + availability.describe());
        topology = Topology.create();
        dataplane = open();
    }

    private Dataplane open() {
        return new VppProvider().open(DataplaneConfig.builder().provider(VppProvider.NAME).name(topology.prefix())
                .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build());
    }

    @AfterEach
    void destroy() {
        try {
            if (dataplane != null) {
                dataplane.destroy();
            }
        } finally {
            if (topology != null) {
                topology.close();
            }
        }
    }

    private long vppPid() throws Exception {
        return Long.parseLong(Files.readString(VppProcess.runDirOf(topology.prefix()).resolve("vpp.pid")).trim());
    }

    private Workload attach(String id) {
        Workload w = topology.workload(id, true, List.of(AttachKind.VETH));
        dataplane.attach(w.spec());
        return w;
    }

    @Test
    void aKilledVppIsRestartedAndReprogrammedWithTheWholeDesiredState() throws Exception {
        Workload a = attach("rr-a");
        Workload b = attach("rr-b");
        dataplane.addRoute(Route.of("10.98.0.0/24", NextHop.endpoint("rr-b")));
        dataplane.addRoute(Route.of("198.51.100.0/24", NextHop.drop()));
        DesiredState before = dataplane.currentState();
        try (EchoServer server = Traffic.serve(b, 7800)) {
            assertThat(Traffic.udp(a, b.ipv4(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.udp(a, b.ipv6(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);
            long killed = vppPid();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // SIGKILL
            assertThat(KitTimeouts.await(Duration.ofSeconds(30), () -> {
                try {
                    return vppPid() != killed && Traffic.udp(a, b.ipv4(), 7800).outcome() == Outcome.DELIVERED;
                } catch (Exception e) {
                    return false;
                }
            })).as("traffic through a restarted VPP").isTrue();
            assertThat(Traffic.udp(a, b.ipv6(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(dataplane.currentState()).isEqualTo(before);
            assertThat(dataplane.routes()).hasSize(2);
        }
    }

    @Test
    void vppOutlivesTheClosedDataplaneAndANewOpenTakesItOver() throws Exception {
        Workload a = attach("rr-c");
        Workload b = attach("rr-d");
        DesiredState before = dataplane.currentState();
        try (EchoServer server = Traffic.serve(b, 7801)) {
            assertThat(Traffic.udp(a, b.ipv4(), 7801).outcome()).isEqualTo(Outcome.DELIVERED);
            long pid = vppPid();
            dataplane.close();
            assertThat(Traffic.udp(a, b.ipv4(), 7801).outcome()).as("while closed").isEqualTo(Outcome.DELIVERED);
            dataplane = open();
            assertThat(vppPid()).as("the same VPP, taken over").isEqualTo(pid);
            assertThat(dataplane.currentState()).isEqualTo(before);
            assertThat(Traffic.udp(a, b.ipv4(), 7801).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.udp(a, b.ipv6(), 7801).outcome()).isEqualTo(Outcome.DELIVERED);
        }
        Path runDir = VppProcess.runDirOf(topology.prefix());
        dataplane.destroy();
        dataplane = null;
        assertThat(runDir).doesNotExist();
    }

    @Test
    void aReopenAfterVppDiedStartsANewVppAndReplaysTheSavedState() throws Exception {
        Workload a = attach("rr-e");
        Workload b = attach("rr-f");
        dataplane.addRoute(Route.of("10.99.0.0/24", NextHop.endpoint("rr-f")));
        DesiredState before = dataplane.currentState();
        long pid = vppPid();
        dataplane.close();
        ProcessHandle vpp = ProcessHandle.of(pid).orElseThrow();
        vpp.destroyForcibly();
        vpp.onExit().get();
        dataplane = open();
        assertThat(vppPid()).as("a new VPP").isNotEqualTo(pid);
        assertThat(dataplane.currentState()).isEqualTo(before);
        try (EchoServer server = Traffic.serve(b, 7802)) {
            assertThat(Traffic.udp(a, b.ipv4(), 7802).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.udp(a, b.ipv6(), 7802).outcome()).isEqualTo(Outcome.DELIVERED);
        }
    }
}
