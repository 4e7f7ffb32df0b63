package dev.uniplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.agent.client.AgentClient;
import dev.uniplane.agent.client.AgentHealth;
import dev.uniplane.agent.client.RemoteDataplane;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.Subscription;
import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.spi.Drift;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real agent with a real eBPF dataplane on the kit's namespace topology: in-process (attach, policy, traffic,
 * watch, drift, two clients applying at once) and as a subprocess (killed with SIGKILL and restarted: the dataplane is
 * adopted with the same state and traffic never stops; SIGTERM closes it cleanly and it keeps forwarding).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentEbpfTest {
    private static final Duration START = Duration.ofSeconds(60);
    private Topology topology;
    private Path dir;
    private final List<DataplaneConfig> opened = new ArrayList<>();
    private final List<Process> agents = new ArrayList<>();

    @BeforeAll
    void topology() throws IOException {
        RequireAll.prerequisite(new EbpfProvider().probe().available(), "eBPF provider: " + new EbpfProvider().probe().describe());
        topology = Topology.create();
        dir = Files.createTempDirectory("uag");
    }

    @AfterAll
    void cleanUp() throws IOException {
        agents.forEach(Process::destroyForcibly);
        for (DataplaneConfig config : opened) {
            try {
                new EbpfProvider().open(config).destroy(); // adopts what the agent left, then removes it
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + config.name() + ": " + e);
            }
        }
        if (topology != null) {
            topology.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private DataplaneConfig config(String suffix) {
        DataplaneConfig config = DataplaneConfig.builder().provider("ebpf").name(topology.prefix() + suffix)
                .hostNetns(topology.nodeNetnsPath()).build();
        opened.add(config);
        return config;
    }

    private static PolicySet webToDb(int port) {
        return PolicySet.of(Policy.builder("db-in").selectLabels("app", "db")
                .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(port)))).build());
    }

    @Test
    void inProcessAgentServesAttachPolicyWatchDriftAndOneOfTwoConcurrentApplies() throws Exception {
        DataplaneConfig config = config("-i");
        Agent agent = Agent.start(Dataplanes.discover(), new AgentConfig(null, List.of(config)), dir.resolve("in.sock"));
        try (AgentClient client = AgentClient.connect(agent.socket()); AgentClient other = AgentClient.connect(agent.socket())) {
            RemoteDataplane dp = client.dataplane(config.name());
            assertThat(dp.provider()).isEqualTo("ebpf");
            Workload web = topology.workload("ag-web", false, "app", "web");
            Workload db = topology.workload("ag-db", false, "app", "db");
            dp.attach(web.spec());
            dp.attach(db.spec());
            dp.applyPolicies(webToDb(7700));
            try (EchoServer allowed = Traffic.serve(db, 7700); EchoServer denied = Traffic.serve(db, 7701)) {
                assertThat(Traffic.tcp(web, db.ipv4(), 7700).outcome()).isEqualTo(Outcome.DELIVERED);
                assertThat(Traffic.tcp(web, db.ipv4(), 7701).outcome()).isEqualTo(Outcome.TIMED_OUT);
            }

            LinkedBlockingQueue<StatsSnapshot> seen = new LinkedBlockingQueue<>();
            try (Subscription watch = dp.watch(Duration.ofMillis(200), (snapshot, delta) -> seen.add(snapshot))) {
                StatsSnapshot first = seen.poll(KitTimeouts.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS);
                assertThat(first).as("a watch event").isNotNull();
                assertThat(first.endpoints()).containsKeys(web.spec().id(), db.spec().id());
                assertThat(first.endpoint(web.spec().id()).txPackets()).isPositive();
            }
            assertThat(dp.verify()).as("drift computed by the agent").isEmpty();
            assertThat(Drift.of(dp)).as("drift computed by the client").isEmpty();

            // Two clients plan against the same state and apply at once: one wins whole, the other is refused.
            DesiredState base = dp.currentState();
            DesiredState wantA = base.withPolicies(webToDb(7710)).withRemotes(List.of(RemoteEndpoint.of("rem-a", "10.200.0.1", "app", "web")));
            DesiredState wantB = base.withPolicies(webToDb(7720)).withRemotes(List.of(RemoteEndpoint.of("rem-b", "10.200.0.2", "app", "web")));
            RemoteDataplane dpB = other.dataplane(config.name());
            Plan planA = dp.plan(wantA);
            Plan planB = dpB.plan(wantB);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Throwable> a = CompletableFuture.supplyAsync(() -> applyAfter(go, dp, planA));
            CompletableFuture<Throwable> b = CompletableFuture.supplyAsync(() -> applyAfter(go, dpB, planB));
            go.countDown();
            Throwable failureA = a.get(60, TimeUnit.SECONDS);
            Throwable failureB = b.get(60, TimeUnit.SECONDS);
            assertThat(failureA == null ^ failureB == null).as("exactly one apply wins: %s / %s", failureA, failureB).isTrue();
            Throwable loser = failureA != null ? failureA : failureB;
            assertThat(loser).isInstanceOf(ConflictException.class);
            assertThat(dp.currentState()).as("the winner's state, nothing of the loser's").isEqualTo(failureA == null ? wantA : wantB);
            assertThat(dp.verify()).isEmpty();
            AgentHealth.DataplaneHealth health = client.health().dataplanes().getFirst();
            assertThat(health.backendUp()).isTrue();
            assertThat(health.lastSuccessfulApply()).isNotNull();

            dp.destroy(); // through the agent: the dataplane's veths and pins go, the agent forgets it
            opened.remove(config);
            assertThat(client.dataplanes()).isEmpty();
        } finally {
            agent.close();
        }
    }

    private static Throwable applyAfter(CountDownLatch go, Dataplane dp, Plan plan) {
        try {
            go.await();
            dp.apply(plan);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void anAgentKilledAndRestartedAdoptsItsDataplaneAndSigtermClosesItCleanly() throws Exception {
        DataplaneConfig config = config("-s");
        Path yaml = dir.resolve("agent.yaml");
        Files.writeString(yaml, """
                dataplanes:
                  - name: %s
                    provider: ebpf
                    hostNetns: %s
                """.formatted(config.name(), config.hostNetns()));
        Path socket = dir.resolve("sub.sock");
        Workload web = topology.workload("ag-sweb", false, "app", "web");
        Workload db = topology.workload("ag-sdb", false, "app", "db");

        Process first = startAgent(yaml, socket, "first");
        DesiredState before;
        try (AgentClient client = AgentClient.connect(socket)) {
            RemoteDataplane dp = client.dataplane(config.name());
            dp.apply(dp.plan(new DesiredState(List.of(web.spec(), db.spec()), List.of(), webToDb(7800), List.of())));
            before = dp.currentState();
        }
        try (EchoServer allowed = Traffic.serve(db, 7800); EchoServer denied = Traffic.serve(db, 7801)) {
            assertThat(Traffic.tcp(web, db.ipv4(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);

            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Traffic.tcp(web, db.ipv4(), 7800).outcome()).as("while the agent is dead").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(web, db.ipv4(), 7801).outcome()).as("policy while the agent is dead").isEqualTo(Outcome.TIMED_OUT);

            Process second = startAgent(yaml, socket, "second");
            try (AgentClient client = AgentClient.connect(socket)) {
                RemoteDataplane dp = client.dataplane(config.name());
                assertThat(dp.currentState()).as("adopted state").isEqualTo(before);
                assertThat(dp.verify()).isEmpty();
                assertThat(client.health().healthy()).isTrue();
                assertThat(Traffic.tcp(web, db.ipv4(), 7800).outcome()).isEqualTo(Outcome.DELIVERED);
                assertThat(Traffic.tcp(web, db.ipv4(), 7801).outcome()).isEqualTo(Outcome.TIMED_OUT);
            }

            second.destroy(); // SIGTERM: the shutdown hook closes the dataplane
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("second.log"))).contains("closed dataplane " + config.name());
            assertThat(socket).doesNotExist();
            assertThat(Traffic.tcp(web, db.ipv4(), 7800).outcome()).as("after a clean stop").isEqualTo(Outcome.DELIVERED);
        }
        new EbpfProvider().open(config).destroy(); // adopts what the agent left, then removes it (the node's veth names are shared)
        opened.remove(config);
    }

    /** {@code uniplane agent} as its own JVM, on this test's class path; returns once it serves. */
    private Process startAgent(Path yaml, Path socket, String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName(),
                "--config", yaml.toString(), "--socket", socket.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        agents.add(p);
        boolean ready = KitTimeouts.await(START, () -> !p.isAlive() || logContains(log, "uniplane agent ready on"));
        assertThat(ready && p.isAlive()).as("agent %s ready; its log:%n%s", name, Files.readString(log)).isTrue();
        return p;
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
