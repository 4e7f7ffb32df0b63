package dev.uniplane.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Action;
import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Direction;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.RequireAll;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Demo} against a recording dataplane that forwards nothing: checks what the demo asks of a provider and that
 * it cleans up. With no dataplane between the namespaces no connection can succeed, so the demo must report failure.
 * Needs root (it creates network namespaces).
 */
class DemoTest {

    /** What the demo did to the dataplane. */
    private static final class Recording {
        final List<AttachSpec> attached = new ArrayList<>();
        final List<PolicySet> applied = new ArrayList<>();
        DataplaneConfig config;
        boolean destroyed;
    }

    private static DataplaneProvider recordingProvider(Recording recording) {
        return new DataplaneProvider() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public String description() {
                return "records calls, forwards nothing";
            }

            @Override
            public Capabilities capabilities() {
                return new Capabilities(Set.copyOf(Demo.REQUIRED));
            }

            @Override
            public Availability probe() {
                return Availability.ok();
            }

            @Override
            public Dataplane open(DataplaneConfig config) {
                recording.config = config;
                return recordingDataplane(recording);
            }
        };
    }

    private static Dataplane recordingDataplane(Recording recording) {
        return (Dataplane) Proxy.newProxyInstance(DemoTest.class.getClassLoader(), new Class<?>[] {Dataplane.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "attach" -> {
                        AttachSpec spec = (AttachSpec) args[0];
                        recording.attached.add(spec);
                        yield new Endpoint(spec, AttachKind.VETH, "rec" + recording.attached.size(),
                                MacAddress.locallyAdministered(recording.attached.size()), MacAddress.locallyAdministered(99));
                    }
                    case "applyPolicies" -> {
                        recording.applied.add((PolicySet) args[0]);
                        yield null;
                    }
                    case "stats" -> new StatsSnapshot(Instant.now(), Map.of(), Map.of());
                    case "destroy" -> {
                        recording.destroyed = true;
                        yield null;
                    }
                    case "close" -> null;
                    case "toString" -> "recording dataplane";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static List<String> demoNamespaces() throws Exception {
        Path dir = Path.of(DemoNamespaces.NETNS_DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("updemo-")).toList();
        }
    }

    @Test
    void demoAttachesTwoWorkloadsAppliesAllowAndDenyThenCleansUp() throws Exception {
        RequireAll.prerequisite("root".equals(System.getProperty("user.name")), "root (creates network namespaces)");
        List<String> before = demoNamespaces();
        Recording recording = new Recording();
        StringWriter out = new StringWriter();

        boolean ok = new Demo(recordingProvider(recording), new PrintWriter(out, true)).run();

        assertThat(ok).as("nothing forwards, so the allowed port cannot connect; output:%n%s", out).isFalse();
        assertThat(recording.config.name()).matches("updemo-[0-9a-f]{6}");
        assertThat(recording.attached).extracting(AttachSpec::netns)
                .allMatch(ns -> ns.startsWith("/run/netns/" + recording.config.name() + "-"));
        assertThat(recording.attached).extracting(s -> s.labels().get("app")).containsExactly("demo-client", "demo-server");

        assertThat(recording.applied).hasSize(1);
        List<Rule> ingress = recording.applied.getFirst().policies().getFirst().rules(Direction.INGRESS).orElseThrow();
        assertThat(ingress).extracting(Rule::action).containsExactly(Action.ALLOW, Action.DENY);
        assertThat(ingress.get(0).ports().getFirst().range().from()).isEqualTo(Demo.ALLOWED_PORT);
        assertThat(ingress.get(1).ports().getFirst().range().from()).isEqualTo(Demo.DENIED_PORT);

        assertThat(recording.destroyed).isTrue();
        assertThat(demoNamespaces()).as("namespaces left behind").containsExactlyInAnyOrderElementsOf(before);
        assertThat(out.toString()).contains("demo FAILED");
    }
}
