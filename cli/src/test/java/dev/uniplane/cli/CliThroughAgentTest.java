package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.spi.Availability;
import dev.uniplane.tck.RequireAll;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.KitTimeouts;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's setup: {@code uniplane agent} as its own JVM (started through the CLI's {@code agent} command) owning
 * an eBPF dataplane, and every CLI command a separate JVM talking to it over its socket ({@code --agent}). Real
 * traffic between two workload namespaces of the kit's topology. Needs root and the eBPF provider.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliThroughAgentTest {
    private static final Duration COMMAND_TIMEOUT = KitTimeouts.scaled(Duration.ofSeconds(90));
    private final ObjectMapper json = new ObjectMapper();
    private final String dataplane = "ucla" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private Topology topology;
    private Workload web;
    private Workload db;
    private Path dir;
    private Path socket;
    private Process agent;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    void startAgent() throws Exception {
        Availability ebpf = Dataplanes.discover().provider("ebpf").map(p -> p.probe())
                .orElse(Availability.unavailable("provider-ebpf is not on the test class path", ""));
        RequireAll.prerequisite(ebpf.available(), "eBPF provider: " + ebpf.describe());
        topology = Topology.create();
        web = topology.workload("aweb", false, "app", "web");
        db = topology.workload("adb", false, "app", "db");
        dir = Files.createTempDirectory("ucla");
        socket = dir.resolve("agent.sock");
        Path yaml = dir.resolve("agent.yaml");
        Files.writeString(yaml, """
                dataplanes:
                  - name: %s
                    provider: ebpf
                    hostNetns: %s
                    uplink: %s
                """.formatted(dataplane, topology.nodeNetnsPath(), topology.uplink()));
        Path log = dir.resolve("agent.log");
        agent = new ProcessBuilder(java("agent", "--config", yaml.toString(), "--socket", socket.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ready = KitTimeouts.await(KitTimeouts.scaled(Duration.ofSeconds(60)),
                () -> !agent.isAlive() || read(log).contains("uniplane agent ready on"));
        assertThat(ready && agent.isAlive()).as("agent ready; its log:%n%s", read(log)).isTrue();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (agent != null && agent.isAlive()) {
                cli("destroy", "--yes");
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            if (agent != null) {
                agent.destroyForcibly();
            }
            if (topology != null) {
                topology.close();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> java(String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", classPath,
                UniplaneCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private Run cli(String... args) throws IOException, InterruptedException {
        List<String> command = java("--agent", socket.toString(), "-d", dataplane);
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("uniplane " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT);
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path stateFile(String name, int port) throws IOException {
        DesiredState state = new DesiredState(List.of(web.spec(), db.spec()), List.of(),
                PolicySet.of(Policy.builder("db-from-web").selectLabels("app", "db")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(port)))).build()),
                List.of());
        Path file = dir.resolve(name);
        Files.writeString(file, ModelMapper.yaml().writeValueAsString(state));
        return file;
    }

    @Test
    void applyThroughTheAgentThenTrafficRuleCountersAndTwoClientsAtOnce() throws Exception {
        Run status = cli("status", "-o", "json");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("agent at " + socket).contains(dataplane);
        assertThat(status.out()).as("map usage against limits").contains("ebpf.maps/up_routes_v4").contains("\"limit\"");

        Run apply = cli("apply", "-f", stateFile("state.yaml", 8080).toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        try (EchoServer _ = Traffic.serve(db, 8080); EchoServer _ = Traffic.serve(db, 8081)) {
            assertThat(Traffic.tcp(web, db.ipv4(), 8080).delivered()).as("web -> db:8080 is allowed").isTrue();
            assertThat(Traffic.tcp(web, db.ipv4(), 8081).delivered()).as("web -> db:8081 is default-denied").isFalse();
        }
        // The agent keeps the dataplane open, so the rule's backend counter lives between commands.
        Run explain = cli("explain", "--from", web.spec().id().toString(), "--to", db.ipv4() + ":8080/tcp", "-o", "json");
        assertThat(explain.code()).as(explain.err()).isZero();
        JsonNode why = json.readTree(explain.out());
        assertThat(why.get("verdict").asText()).isEqualTo("ALLOWED");
        assertThat(why.get("ingress").get("rulePackets").asLong()).as("the allowed flow's packets on its rule").isPositive();

        // Two operators apply different states at once: each either wins whole or is told of the conflict.
        Path a = stateFile("a.yaml", 9001);
        Path b = stateFile("b.yaml", 9002);
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> quietly("apply", "-f", a.toString()));
        CompletableFuture<Run> second = CompletableFuture.supplyAsync(() -> quietly("apply", "-f", b.toString()));
        List<Run> runs = List.of(first.get(), second.get());
        assertThat(runs).allSatisfy(r -> assertThat(r.code()).as(r.err()).isIn(ExitCode.OK.code(), ExitCode.CONFLICT.code()));
        assertThat(runs).anySatisfy(r -> assertThat(r.code()).isZero());
        Run got = cli("get", "state", "-o", "yaml");
        Path now = dir.resolve("now.yaml");
        Files.writeString(now, got.out());
        boolean aWon = cli("plan", "-f", a.toString(), "--detailed-exitcode").code() == 0;
        boolean bWon = cli("plan", "-f", b.toString(), "--detailed-exitcode").code() == 0;
        assertThat(aWon ^ bWon).as("the state is exactly one of the two files, nothing half-applied:%n%s", got.out()).isTrue();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(a).replaceFirst("- " + db.ipv4(), "- 10.100.0.999"));
        Run refused = cli("apply", "-f", bad.toString());
        assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCode.INVALID.code());
        assertThat(refused.err()).contains(bad + ":");
        assertThat(cli("get", "state", "-o", "yaml").out()).as("the bad file changed nothing").isEqualTo(got.out());
    }

    private Run quietly(String... args) {
        try {
            return cli(args);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
