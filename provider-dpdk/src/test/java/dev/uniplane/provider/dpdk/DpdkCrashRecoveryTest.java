package dev.uniplane.provider.dpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.spi.state.SavedDataplane;
import dev.uniplane.spi.StateFiles;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery across JVMs: a child JVM ({@link CrashingChild}) configures a dataplane and is killed with SIGKILL;
 * forwarding stops with it. This JVM then opens the same name: the configuration is restored from the state file, the
 * workloads' veths are taken over (their interfaces keep their ifindex), policy is enforced again, and destroy leaves
 * no veth, no EAL runtime directory of the dead child and no state file, and the uplink the dead child left
 * promiscuous as it was before the child opened it (the child's record of it survives the crash).
 */
class DpdkCrashRecoveryTest {
    private static final String READY = "READY ";
    private static final String PREFIX = "EAL-PREFIX ";

    @Test
    void aDataplaneKilledWithSigkillIsRestoredByTheNextOpen() throws Exception {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        try (Topology topology = Topology.create()) {
            Workload client = topology.workload("cr-client", false, "app", "client");
            Workload server = topology.workload("cr-server", false, "app", "db");
            DesiredState wanted = new DesiredState(List.of(client.spec(), server.spec()),
                    List.of(Route.of("203.0.113.0/24", NextHop.gateway("10.254.0.2")),
                            Route.of("10.200.0.0/24", NextHop.endpoint("cr-server"))),
                    PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                            .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7600)))).build()),
                    List.of(RemoteEndpoint.of("far", "10.9.0.1", "app", "client")));
            DataplaneConfig config = DataplaneConfig.builder().provider(DpdkProvider.NAME).name(topology.prefix() + "cr")
                    .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build();
            Path stateFile = SavedDataplane.file(DpdkProvider.NAME, config.name());
            List<String> nodeLinksBefore = linkNames(topology);
            UplinkSnapshot uplinkBefore = uplink(topology);
            Path wantedFile = Files.createTempFile("uph7-wanted", ".json");
            StateFiles.write(wantedFile, wanted);
            Process child = startChild(config, topology, wantedFile);
            try (EchoServer s7600 = Traffic.serve(server, 7600); EchoServer s7601 = Traffic.serve(server, 7601)) {
                String childPrefix = awaitReady(child);
                assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).as("through the child").isEqualTo(Outcome.DELIVERED);
                int clientIfindex = workloadIfindex(client);
                int serverIfindex = workloadIfindex(server);

                child.destroyForcibly(); // SIGKILL: no close, no shutdown hook
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).as("forwarding stops with the JVM")
                        .isEqualTo(Outcome.TIMED_OUT);
                assertThat(stateFile).as("the killed JVM's state file").exists();
                assertThat(uplink(topology).flags() & UplinkSnapshot.IFF_PROMISC).as("the killed JVM's uplink port left it promiscuous")
                        .isNotZero();

                Dataplane restored = new DpdkProvider().open(config);
                try {
                    assertThat(restored.currentState()).isEqualTo(wanted);
                    assertThat(workloadIfindex(client)).as("client keeps its interface").isEqualTo(clientIfindex);
                    assertThat(workloadIfindex(server)).as("server keeps its interface").isEqualTo(serverIfindex);
                    assertThat(Traffic.tcp(client, server.ipv4(), 7600).outcome()).isEqualTo(Outcome.DELIVERED);
                    assertThat(Traffic.tcp(client, server.ipv4(), 7601).outcome()).as("default deny restored")
                            .isEqualTo(Outcome.TIMED_OUT);
                    assertThat(SavedDataplane.read(stateFile).orElseThrow().desired()).isEqualTo(wanted);
                } finally {
                    restored.destroy();
                }
                assertThat(linkNames(topology)).as("destroy removed the veths").containsExactlyInAnyOrderElementsOf(nodeLinksBefore);
                assertThat(Path.of("/var/run/dpdk", childPrefix)).as("the dead child's EAL runtime directory").doesNotExist();
                assertThat(stateFile).doesNotExist();
                assertThat(uplink(topology)).as("the uplink as before the killed JVM's open").isEqualTo(uplinkBefore);
            } finally {
                child.destroyForcibly();
                Files.deleteIfExists(wantedFile);
                StateFiles.delete(stateFile);
                StateFiles.delete(NodePorts.uplinkRecordOf(config.name()));
            }
        }
    }

    private static Process startChild(DataplaneConfig config, Topology topology, Path wantedFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashingChild.class.getName(), config.name(), topology.nodeNetnsPath(), topology.uplink(), wantedFile.toString())
                .redirectErrorStream(true).start();
    }

    /** Echoes the child's output; returns its EAL file prefix once it reports ready with the state it was given. */
    private static String awaitReady(Process child) throws Exception {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            String prefix = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    System.out.println("[child] " + line);
                    if (line.startsWith(PREFIX)) {
                        prefix = line.substring(PREFIX.length()).strip();
                    } else if (line.startsWith(READY)) {
                        assertThat(line).as("the child's currentState equals what it was told").isEqualTo(READY + "true");
                        ready.complete(prefix);
                    }
                }
            } catch (IOException | AssertionError e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("the child exited before it was ready"));
        });
        return ready.get(60, TimeUnit.SECONDS);
    }

    private static int workloadIfindex(Workload w) {
        try (RtNetlink nl = RtNetlink.open(w.netns())) {
            return nl.index(w.spec().interfaceName());
        }
    }

    private static List<String> linkNames(Topology topology) {
        try (RtNetlink nl = RtNetlink.open(topology.node())) {
            return nl.links().stream().map(LinkInfo::name).toList();
        }
    }

    private static UplinkSnapshot uplink(Topology topology) {
        try (RtNetlink links = RtNetlink.open(topology.node())) {
            return UplinkSnapshot.take(links, topology.uplink());
        }
    }
}
