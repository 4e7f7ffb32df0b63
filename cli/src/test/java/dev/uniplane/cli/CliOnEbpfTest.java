package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Dataplanes;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as an operator runs it: a separate JVM per command ({@code java -cp ... UniplaneCommand}, what bin/uniplane
 * runs), opening the eBPF dataplane in process each time (RESTART_SURVIVAL carries the state from one command to the
 * next), on the kit's topology with real traffic between two workload namespaces. Needs root and the eBPF provider.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliOnEbpfTest {
    private static final Duration COMMAND_TIMEOUT = KitTimeouts.scaled(Duration.ofSeconds(90));
    private static final int ALLOWED_PORT = 8080;
    private static final int DENIED_PORT = 9090;
    private final ObjectMapper json = new ObjectMapper();
    private final String dataplane = "ucl" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private Topology topology;
    private Workload web;
    private Workload db;
    @TempDir
    Path dir;

    /** What one CLI process did. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    void topology() {
        Availability ebpf = Dataplanes.discover().provider("ebpf").map(p -> p.probe())
                .orElse(Availability.unavailable("provider-ebpf is not on the test class path", ""));
        RequireAll.prerequisite(ebpf.available(), "eBPF provider: " + ebpf.describe());
        topology = Topology.create();
        web = topology.workload("web", false, "app", "web");
        db = topology.workload("db", false, "app", "db");
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (topology != null) {
                cli("destroy", "--yes");
            }
        } finally {
            if (topology != null) {
                topology.close();
            }
        }
    }

    private Run cli(String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, UniplaneCommand.class.getName(),
                "--provider", "ebpf", "-d", dataplane, "--host-netns", topology.nodeNetnsPath(), "--uplink", topology.uplink()));
        command.addAll(List.of(args));
        // not in the @TempDir: cleanUp() runs a command after JUnit has removed it
        Path out = Files.createTempFile("uclout", ".txt");
        Path err = Files.createTempFile("uclerr", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("uniplane " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private Path stateFile() throws IOException {
        DesiredState state = new DesiredState(List.of(web.spec(), db.spec()), List.of(),
                PolicySet.of(Policy.builder("db-from-web").selectLabels("app", "db")
                        .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(ALLOWED_PORT)))).build()),
                List.of());
        Path file = dir.resolve("state.yaml");
        Files.writeString(file, ModelMapper.yaml().writeValueAsString(state));
        return file;
    }

    @Test
    void planThenApplyThenTrafficThenGetStateRoundTripThenABadFileChangesNothing() throws Exception {
        Path state = stateFile();

        Run plan = cli("plan", "-f", state.toString(), "-o", "json");
        assertThat(plan.code()).as(plan.err()).isZero();
        JsonNode planned = json.readTree(plan.out());
        assertThat(planned.get("add").asInt()).isEqualTo(3);
        assertThat(planned.get("applied").asBoolean()).isFalse();
        Run nothingYet = cli("endpoint", "list", "-o", "json");
        assertThat(json.readTree(nothingYet.out())).as("plan touched nothing").isEmpty();

        Run apply = cli("apply", "-f", state.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("Plan: 3 to add, 0 to change, 0 to remove.").contains("Applied.");
        assertThat(apply.out()).doesNotContain("\u001B[");

        try (EchoServer _ = Traffic.serve(db, ALLOWED_PORT); EchoServer _ = Traffic.serve(db, DENIED_PORT)) {
            assertThat(Traffic.tcp(web, db.ipv4(), ALLOWED_PORT).delivered()).as("web -> db:8080 is allowed").isTrue();
            assertThat(Traffic.tcp(web, db.ipv4(), DENIED_PORT).delivered()).as("web -> db:9090 is default-denied").isFalse();
        }

        Run explain = cli("explain", "--from", "web", "--to", db.ipv4() + ":" + ALLOWED_PORT + "/tcp", "-o", "json");
        assertThat(explain.code()).as(explain.err()).isZero();
        JsonNode why = json.readTree(explain.out());
        assertThat(why.get("verdict").asText()).isEqualTo("ALLOWED");
        assertThat(why.get("ingress").get("decidingRule").asText()).isEqualTo("db-from-web/ingress[0]");
        // The rule's backend counter is shown, but each in-process command reopens the dataplane and eBPF's adoption
        // recompiles the policy, which starts rule counters from zero (endpoint counters survive); the agent keeps it open.
        assertThat(why.get("ingress").get("rulePackets").asLong()).isNotNegative();
        Run denied = cli("explain", "--from", "web", "--to", db.ipv4() + ":" + DENIED_PORT + "/tcp", "-o", "json");
        JsonNode whyNot = json.readTree(denied.out());
        assertThat(whyNot.get("verdict").asText()).isEqualTo("DROPPED");
        assertThat(whyNot.get("summary").asText()).isEqualTo("DROPPED: db is isolated for ingress and no rule allows it (default deny)");
        assertThat(whyNot.get("dropCounter").asText()).as("the backend counted the denied flow").matches("db POLICY_DEFAULT_DENY=[1-9][0-9]*");

        Run stats = cli("stats", "-o", "json");
        JsonNode counters = json.readTree(stats.out());
        assertThat(counters.get("endpoints")).anySatisfy(e -> {
            assertThat(e.get("endpoint").asText()).isEqualTo("db");
            assertThat(e.get("drops").get("POLICY_DEFAULT_DENY").asLong()).isPositive();
        });

        Run got = cli("get", "state", "-o", "yaml");
        assertThat(got.code()).as(got.err()).isZero();
        Path roundTrip = dir.resolve("got.yaml");
        Files.writeString(roundTrip, got.out());
        Run again = cli("plan", "-f", roundTrip.toString(), "--detailed-exitcode");
        assertThat(again.code()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("No changes");

        String bad = Files.readString(state).replaceFirst("- " + db.ipv4(), "- 10.100.0.999");
        assertThat(bad).contains("10.100.0.999");
        Path badFile = dir.resolve("bad.yaml");
        Files.writeString(badFile, bad.replace("db-from-web", "db-from-anyone"));
        Run refused = cli("apply", "-f", badFile.toString());
        assertThat(refused.code()).isEqualTo(ExitCode.INVALID.code());
        int line = lineOf(bad, "10.100.0.999");
        assertThat(refused.err()).contains(badFile + ":" + line + ":").contains("addresses[0] = \"10.100.0.999\"");
        Run after = cli("get", "state", "-o", "yaml");
        assertThat(after.out()).as("the bad file changed nothing").isEqualTo(got.out());
        try (EchoServer _ = Traffic.serve(db, ALLOWED_PORT)) {
            assertThat(Traffic.tcp(web, db.ipv4(), ALLOWED_PORT).delivered()).isTrue();
        }
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in " + text);
    }
}
