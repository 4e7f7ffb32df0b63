package dev.uniplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplanes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code uniplane agent}'s exits before it serves: a malformed config, a socket in use. */
class AgentCommandTest {
    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new AgentCommand()).execute(args);
        } finally {
            System.setErr(previous);
        }
    }

    @Test
    void aMalformedConfigExitsWithTheConfigCodeAndOneLineNamingTheSpot() throws Exception {
        Path yaml = Files.writeString(dir.resolve("agent.yaml"), "dataplanes:\n  - name: x\n    bogus: 1\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "--config", yaml.toString(), "--socket", dir.resolve("a.sock").toString())).isEqualTo(AgentCommand.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("uniplane agent: " + yaml + ":3:5: dataplanes[0].bogus=\"bogus\": unknown field"
                + " (known: [hostNetns, name, options, provider, uplink])" + System.lineSeparator());
        assertThat(dir.resolve("a.sock")).doesNotExist();
    }

    @Test
    void aSocketInUseExitsWithTheStartCode() {
        try (Agent running = Agent.start(Dataplanes.of(), AgentConfig.empty(), dir.resolve("b.sock"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(run(err, "--socket", running.socket().toString())).isEqualTo(AgentCommand.EXIT_START);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("already serving on " + running.socket());
        }
    }
}
