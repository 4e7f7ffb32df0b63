package dev.uniplane.provider.vpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A MEMIF endpoint with a second process as the workload: {@code dpdk-testpmd} in icmpecho mode connects as memif
 * client to the endpoint's socket with the endpoint's MAC, and a veth workload pings it through VPP; detach removes
 * the memif interface and its socket.
 */
class VppMemifTest {
    @Test
    void aMemifWorkloadAnswersPingsThroughVpp() throws Exception {
        RequireAll.prerequisite(new VppProvider().probe().available(), "provider vpp available");
        RequireAll.prerequisite(Files.isExecutable(Path.of("/usr/bin/dpdk-testpmd")), "dpdk-testpmd (apt-get install dpdk)");
        try (Topology topology = Topology.create()) {
            Dataplane dp = new VppProvider().open(DataplaneConfig.builder().provider(VppProvider.NAME)
                    .name(topology.prefix()).hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build());
            try {
                Workload pinger = topology.workload("mf-p", false, List.of(AttachKind.VETH));
                dp.attach(pinger.spec());
                Workload memif = topology.workload("mf-m", false, List.of(AttachKind.MEMIF));
                Endpoint endpoint = dp.attach(memif.spec());
                Path socket = Path.of(endpoint.hostInterface());
                assertThat(endpoint.kind()).isEqualTo(AttachKind.MEMIF);
                assertThat(socket).exists();
                String prefix = "uvcm" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
                Path log = Files.createTempFile(prefix, ".log");
                Process testpmd = new ProcessBuilder("ip", "netns", "exec", memif.netns().name(), "dpdk-testpmd",
                        "--lcores=0@0,1@0", "--no-huge", "-m", "256", "--no-pci", "--no-telemetry", "--file-prefix=" + prefix,
                        "--vdev=net_memif0,role=client,id=0,socket=" + socket + ",socket-abstract=no,mac=" + endpoint.mac(),
                        "--", "--rxq=1", "--txq=1", "--total-num-mbufs=2048", "--forward-mode=icmpecho", "--auto-start")
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    assertThat(KitTimeouts.await(Duration.ofSeconds(20), () -> testpmd.isAlive()
                            && Traffic.ping(pinger, memif.ipv4(), Duration.ofMillis(500)).outcome() == Outcome.DELIVERED))
                            .as("echo replies from testpmd; its output:%n%s", read(log)).isTrue();
                    var before = dp.stats().endpoint(endpoint.id());
                    for (int i = 0; i < 3; i++) {
                        assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
                    }
                    // a memif endpoint has no kernel side: its counters are VPP's, read from the stats segment
                    var counted = dp.stats().endpoint(endpoint.id()).minus(before);
                    assertThat(counted.rxPackets()).as("echo requests delivered to the memif workload").isGreaterThanOrEqualTo(3);
                    assertThat(counted.txPackets()).as("echo replies sent by it").isGreaterThanOrEqualTo(3);
                    dp.detach(endpoint.id());
                    assertThat(socket).as("socket after detach").doesNotExist();
                    assertThat(Traffic.ping(pinger, memif.ipv4()).outcome()).isNotEqualTo(Outcome.DELIVERED);
                } finally {
                    testpmd.destroy();
                    if (!testpmd.waitFor(5, TimeUnit.SECONDS)) {
                        testpmd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                    Files.deleteIfExists(log);
                    deleteTree(Path.of("/var/run/dpdk", prefix));
                }
            } finally {
                dp.destroy();
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
