package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.ovsdpdk.internal.TestNet;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RESTART_SURVIVAL across JVMs: a child JVM opens the dataplane, attaches two workloads, applies a policy and is killed
 * with SIGKILL. Traffic keeps flowing with the policy enforced; this JVM then opens the same name, gets exactly the
 * child's configuration back and re-adds no flow (every flow is older than the kill); destroy leaves nothing behind.
 */
class OvsDpdkCrossJvmRestartTest {
    private static final String STATE_LINE = "STATE ";

    /** The child JVM: configures the dataplane, prints its state, then waits to be killed. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Dataplane dp = new OvsDpdkProvider().open(DataplaneConfig.builder().provider(OvsDpdkProvider.NAME).name(args[0])
                    .hostNetns(args[1]).uplink(args[2]).build());
            for (int i = 3; i + 3 < args.length; i += 4) {
                dp.attach(AttachSpec.builder(args[i]).netns(args[i + 1]).interfaceName("eth0").address(args[i + 2])
                        .labels("app", args[i + 3]).kinds(AttachKind.VETH).build());
            }
            dp.applyPolicies(PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.labels("app", "client")), List.of(PortMatch.tcp(7800)))).build()));
            System.out.println(STATE_LINE + dp.currentState());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    @Test
    void aKilledJvmsDataplaneKeepsForwardingAndTheNextJvmAdoptsItWithoutReaddingFlows() throws Exception {
        TestNet.requireOvsDpdk();
        RequireAll.prerequisite(new OvsDpdkProvider().probe().available(), "the ovsdpdk provider is available");
        try (Topology topology = Topology.create()) {
            Workload client = topology.workload("xj-a1", false, "app", "client");
            Workload server = topology.workload("xj-a2", false, "app", "db");
            DataplaneConfig config = DataplaneConfig.builder().provider(OvsDpdkProvider.NAME).name(topology.prefix())
                    .hostNetns(topology.nodeNetnsPath()).uplink(topology.uplink()).build();
            Path out = Files.createTempFile("uph1-child", ".out");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                    config.name(), topology.nodeNetnsPath(), topology.uplink(),
                    "xj-a1", client.spec().netns(), client.ipv4().toString(), "client",
                    "xj-a2", server.spec().netns(), server.ipv4().toString(), "db")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            Dataplane reopened = null;
            try (EchoServer s = Traffic.serve(server, 7800); EchoServer s2 = Traffic.serve(server, 7801)) {
                String childState = awaitStateLine(out, child);
                long configuredAt = System.nanoTime();
                assertThat(Traffic.tcp(client, server.ipv4(), 7800).outcome()).as("child's dataplane").isEqualTo(Outcome.DELIVERED);

                child.destroyForcibly();
                assertThat(child.waitFor()).as("killed by SIGKILL").isEqualTo(137);
                assertThat(Traffic.tcp(client, server.ipv4(), 7800).outcome()).as("after the kill").isEqualTo(Outcome.DELIVERED);
                assertThat(Traffic.tcp(client, server.ipv4(), 7801).outcome()).as("policy after the kill").isEqualTo(Outcome.TIMED_OUT);
                Thread.sleep(Math.max(0, 3000 - (System.nanoTime() - configuredAt) / 1_000_000));

                reopened = new OvsDpdkProvider().open(config);
                OvsDpdkDataplane dp = (OvsDpdkDataplane) reopened;
                assertThat(reopened.currentState().toString()).as("adopted state").isEqualTo(childState);
                FlowDiff adoption = dp.lastConvergence();
                assertThat(adoption.adds()).as("flows re-added on adoption").isEmpty();
                assertThat(adoption.deletes()).as("flows removed on adoption").isEmpty();
                assertThat(adoption.unchanged()).isPositive();
                List<FlowStats> flows = dp.installedFlows();
                assertThat(flows).hasSize(adoption.unchanged());
                assertThat(flows).as("every flow installed by the child, none since").allSatisfy(f ->
                        assertThat(f.durationSec()).isGreaterThanOrEqualTo(2));
                assertThat(Traffic.tcp(client, server.ipv4(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);
                assertThat(Traffic.tcp(client, server.ipv4(), 7801).outcome()).isEqualTo(Outcome.TIMED_OUT);
            } finally {
                child.destroyForcibly();
                child.waitFor();
                if (reopened == null && Files.exists(dev.uniplane.spi.state.SavedDataplane.file(OvsDpdkProvider.NAME, config.name()))) {
                    reopened = new OvsDpdkProvider().open(config); // adopt whatever the child left, to remove it
                }
                if (reopened != null) {
                    reopened.destroy();
                }
                Files.deleteIfExists(out);
            }
            Path dir = InstancePool.directoryOf(Optional.of(topology.nodeNetnsPath()));
            assertThat(dir).as("instance directory after destroy").doesNotExist();
            assertThat(dev.uniplane.spi.state.SavedDataplane.file(OvsDpdkProvider.NAME, config.name())).doesNotExist();
            assertThat(Path.of("/var/run/dpdk", "upovs-" + dir.getFileName())).doesNotExist();
            assertThat(liveProcessesMentioning(dir.toString())).as("daemons after destroy").isZero();
        }
    }

    private static String awaitStateLine(Path out, Process child) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(out)) {
                if (line.startsWith(STATE_LINE)) {
                    return line.substring(STATE_LINE.length());
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child JVM exited with " + child.exitValue() + ":\n" + Files.readString(out));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the child JVM did not configure its dataplane within 90 s:\n" + Files.readString(out));
    }

    /** Running (not zombie) processes whose command line contains {@code text}. */
    static long liveProcessesMentioning(String text) {
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .filter(h -> {
                    try {
                        String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
                        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
                    } catch (java.io.IOException | RuntimeException e) {
                        return false;
                    }
                }).count();
    }
}
