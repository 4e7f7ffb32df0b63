package dev.uniplane.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.ProviderStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs the CLI in-process with the provider jars on the test class path (they are runtime dependencies). */
class UniplaneCliTest {
    /** Providers this module's runtime dependencies ship that are not the three original ones. */
    private static final List<String> SKELETON_PROVIDERS = List.of("bgp", "sriov", "vpp");

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = UniplaneCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString());
    }

    private static List<String> discoveredNames() {
        return Dataplanes.discover().list().stream().map(ProviderStatus::name).toList();
    }

    @Test
    void providersTableListsEveryDiscoveredProvider() {
        Run run = run("providers");

        assertThat(run.exitCode()).isZero();
        assertThat(discoveredNames()).containsAll(SKELETON_PROVIDERS);
        List<String> firstColumn = run.out().lines().map(l -> l.split("\\s+")[0]).toList();
        assertThat(firstColumn).first().isEqualTo("NAME");
        assertThat(firstColumn).containsAll(discoveredNames());
    }

    @Test
    void providersTableShowsCauseAndHintOfUnavailableProviders() {
        Run run = run("providers");

        List<ProviderStatus> unavailable = Dataplanes.discover().list().stream()
                .filter(s -> !s.availability().available()).toList();
        // SR-IOV is unavailable on a machine without SR-IOV physical functions (this VM, CI), so there is always
        // something to show.
        assertThat(unavailable).extracting(ProviderStatus::name).contains("sriov");
        for (ProviderStatus status : unavailable) {
            assertThat(run.out()).contains("cause: " + status.availability().cause());
            if (!status.availability().hint().isBlank()) {
                assertThat(run.out()).contains("hint:  " + status.availability().hint());
            }
        }
    }

    @Test
    void providersJsonHasOneEntryPerDiscoveredProvider() throws Exception {
        Run run = run("providers", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        List<String> names = new ArrayList<>();
        for (JsonNode provider : json.get("providers")) {
            names.add(provider.get("name").asText());
            assertThat(provider.get("available").isBoolean()).isTrue();
            assertThat(provider.get("capabilities").isArray()).isTrue();
            if (!provider.get("available").asBoolean()) {
                assertThat(provider.get("cause").asText()).isNotBlank();
            }
        }
        assertThat(names).containsExactlyElementsOf(discoveredNames());
        assertThat(json.get("loadErrors").isArray()).isTrue();
    }

    @Test
    void demoWithAnUnavailableProviderSaysSoShowsWhyAndExitsZero() {
        // Forcing a provider that is never available makes this independent of what else is installed.
        String previous = System.setProperty(Dataplanes.PROVIDER_PROPERTY, "sriov");
        try {
            Run run = run("demo");

            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("no provider can run the demo yet")
                    .contains("provider sriov is unavailable")
                    .contains("NAME")
                    .contains("cause: ");
        } finally {
            if (previous == null) {
                System.clearProperty(Dataplanes.PROVIDER_PROPERTY);
            } else {
                System.setProperty(Dataplanes.PROVIDER_PROPERTY, previous);
            }
        }
    }

    @Test
    void noSubcommandPrintsUsage() {
        Run run = run();

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: uniplane").contains("providers").contains("demo");
    }
}
