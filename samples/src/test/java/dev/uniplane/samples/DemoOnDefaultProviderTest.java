package dev.uniplane.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplanes;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RequireAll;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the README's demo command runs, end to end on the default provider (eBPF): real namespaces, real packets. */
class DemoOnDefaultProviderTest {

    @Test
    void theDemoEnforcesThePolicyAndCleansUp() throws Exception {
        DataplaneProvider ebpf = Dataplanes.discover().provider("ebpf").orElseThrow();
        RequireAll.prerequisite(Dataplanes.discover().availability(ebpf).available(),
                "the eBPF provider: " + Dataplanes.discover().availability(ebpf).describe());
        StringWriter text = new StringWriter();
        boolean ok = new Demo(ebpf, new PrintWriter(text, true)).run();
        assertThat(text.toString())
                .contains("client -> server tcp/8080: connected")
                .contains("client -> server tcp/9090: blocked")
                .contains("server -> client tcp/7070: connected")
                .containsPattern("DENY: [1-9]\\d* new-flow packets").containsPattern("POLICY_DENIED=\\d+");
        assertThat(ok).isTrue();
        try (var names = Files.list(Path.of("/run/netns"))) {
            assertThat(names.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("updemo-"));
        }
    }
}
