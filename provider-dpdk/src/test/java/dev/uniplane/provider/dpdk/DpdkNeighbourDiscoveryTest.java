package dev.uniplane.provider.dpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The router answers Neighbour Solicitations for the workloads' IPv6 gateway fe80::1. Attach pins fe80::1 with a
 * permanent neighbour entry, so a workload never asks (the router's counter stays 0 in the kit runs); here the entry is
 * deleted, the workload's kernel has to resolve fe80::1, and IPv6 traffic still flows.
 */
class DpdkNeighbourDiscoveryTest {

    @Test
    void aWorkloadWithoutThePinnedNeighbourResolvesTheGatewayThroughTheRouter() throws Exception {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        Prerequisites.commands("ip");
        try (Topology topology = Topology.create();
             Dataplane dataplane = new DpdkProvider().open(DataplaneConfig.builder().provider(DpdkProvider.NAME)
                     .name(topology.prefix()).hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build())) {
            Workload a = topology.workload("nd-a", true);
            Workload b = topology.workload("nd-b", true);
            dataplane.attach(a.spec());
            dataplane.attach(b.spec());
            ip(a, "-6", "neigh", "del", "fe80::1", "dev", "eth0");
            assertThat(ip(a, "-6", "neigh", "show", "fe80::1", "dev", "eth0")).doesNotContain("PERMANENT");

            assertThat(Traffic.ping(a, b.ipv6()).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(ip(a, "-6", "neigh", "show", "fe80::1", "dev", "eth0"))
                    .as("fe80::1 learnt from the router's advertisement").contains(DpdkDataplane.GATEWAY_MAC.toString())
                    .contains("router");
        }
    }

    private static String ip(Workload w, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "ip";
        command[1] = "-n";
        command[2] = w.netns().name();
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
