package dev.uniplane.provider.vpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.provider.vpp.internal.host.VppProcess;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code vpp.socket}: the dataplane uses a VPP that runs already, and leaves it running when destroyed. */
class VppExternalVppTest {
    @Test
    void aDataplaneOnARunningVppForwardsAndLeavesThatVppRunning() throws Exception {
        Optional<Path> binary = vppBinary();
        RequireAll.prerequisite(binary.isPresent() && new VppProvider().probe().available(), "a vpp binary (provider vpp)");
        try (Topology topology = Topology.create()) {
            VppProcess external = VppProcess.startOrFind(new VppProcess.Settings(binary.get(), Optional.empty(), "256M",
                    8192, Duration.ofSeconds(30)), "uvcx" + topology.prefix(), Optional.of(Path.of(topology.nodeNetnsPath())));
            try {
                Dataplane dp = new VppProvider().open(DataplaneConfig.builder().provider(VppProvider.NAME)
                        .name(topology.prefix()).hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink())
                        .option("vpp.socket", external.apiSocket().toString()).build());
                try {
                    Workload a = topology.workload("ex-a", true, List.of(AttachKind.VETH));
                    Workload b = topology.workload("ex-b", true, List.of(AttachKind.VETH));
                    dp.attach(a.spec());
                    dp.attach(b.spec());
                    try (EchoServer server = Traffic.serve(b, 7810)) {
                        assertThat(Traffic.udp(a, b.ipv4(), 7810).outcome()).isEqualTo(Outcome.DELIVERED);
                        assertThat(Traffic.udp(a, b.ipv6(), 7810).outcome()).isEqualTo(Outcome.DELIVERED);
                    }
                } finally {
                    dp.destroy();
                }
                assertThat(external.alive()).as("the external VPP still runs").isTrue();
                try (VppApiClient client = external.connect("uvc-check")) {
                    assertThat(client.dump(dev.uniplane.provider.vpp.internal.wire.Messages.SwInterfaceDump.all()))
                            .as("what the dataplane made in it is gone")
                            .allMatch(d -> d.name().equals("local0"));
                }
            } finally {
                external.stop();
            }
        }
    }

    @Test
    void aRelativeSocketPathIsRefusedNamingTheOption() {
        DataplaneConfig config = DataplaneConfig.builder().name("uvc-bad").option("vpp.socket", "api.sock").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VppDataplane.settings(config, Path.of("/x/vpp")))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("options.vpp.socket"))
                .hasMessageContaining("api.sock");
    }

    /** The binary the tests start: {@code $UNIPLANE_VPP_HOME/bin/vpp} or the one scripts/setup.sh unpacks. */
    private static Optional<java.nio.file.Path> vppBinary() {
        String home = System.getenv().getOrDefault("UNIPLANE_VPP_HOME", "/opt/uniplane/vpp-26.06");
        return Optional.of(java.nio.file.Path.of(home, "bin", "vpp")).filter(java.nio.file.Files::isExecutable);
    }
}
