package dev.uniplane.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Action;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.Direction;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.Rule;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.report.ConformanceReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uniplane tck} in-process, as root, against the real eBPF provider and against a broken one. */
class TckCommandTest {

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        var cli = UniplaneCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        System.out.println(out);
        return new Run(exit, out.toString());
    }

    private static void assumeEbpfRuns() {
        Assumptions.assumeTrue(Dataplanes.discover().provider("ebpf").map(p -> p.probe().available()).orElse(false),
                "the eBPF provider is not available here (root, kernel BPF)");
    }

    @Test
    void passesTheAttachAreaOfTheEbpfProvider(@TempDir Path dir) {
        assumeEbpfRuns();
        Path report = dir.resolve("ebpf.json");

        Run run = run("tck", "--provider", "ebpf", "--area", "Attach", "--report", report.toString());

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("Attach ...").containsPattern("Attach: \\d+ passed, 0 failed")
                .contains("| provider | Attach |").containsPattern("\\| ebpf \\| core \\d+/\\d+");
        ConformanceReport written = ConformanceReport.read(report);
        assertThat(written.provider()).isEqualTo("ebpf");
        assertThat(written.results()).isNotEmpty().allMatch(r -> r.area().equals("Attach"));
    }

    @Test
    void failsAProviderThatIgnoresDenyRulesNamingTheFailedRequiredTests(@TempDir Path dir) throws Exception {
        assumeEbpfRuns();
        // The broken provider's jar, as a third party would hand it over: only a ServiceLoader registration here,
        // the class itself comes from this test's class path.
        Path services = dir.resolve("classes/META-INF/services/" + DataplaneProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, DenyIgnoringProvider.class.getName() + "\n");
        Path report = dir.resolve("broken.json");

        Run run = run("tck", "--provider", "deny-ignoring", "--classpath", dir.resolve("classes").toString(),
                "--area", "Policy", "--report", report.toString());

        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED required: PolicyVerification.required_S3_verdict_denyOverridesAllowWhateverTheOrder");
        assertThat(ConformanceReport.read(report).provider()).isEqualTo("deny-ignoring");
    }

    @Test
    void anUnknownAreaIsAUsageError() {
        Run run = run("tck", "--provider", "ebpf", "--area", "Nonsense");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).contains("unknown area Nonsense");
    }

    /** The eBPF provider with a control-plane bug: DENY rules never reach the datapath. Loaded by name only. */
    public static final class DenyIgnoringProvider implements DataplaneProvider {

        @Override
        public String name() {
            return "deny-ignoring";
        }

        @Override
        public String description() {
            return "self-test: eBPF with DENY rules dropped";
        }

        @Override
        public Capabilities capabilities() {
            return ebpf().capabilities();
        }

        @Override
        public Availability probe() {
            return ebpf().probe();
        }

        @Override
        public Dataplane open(DataplaneConfig config) {
            Dataplane real = ebpf().open(config.toBuilder().provider("ebpf").build());
            return (Dataplane) Proxy.newProxyInstance(Dataplane.class.getClassLoader(), new Class<?>[] {Dataplane.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("provider") && method.getParameterCount() == 0) {
                            return name();
                        }
                        if (method.getName().equals("applyPolicies")) {
                            args = new Object[] {withoutDenies((PolicySet) args[0])};
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private static DataplaneProvider ebpf() {
            return Dataplanes.discover().provider("ebpf").orElseThrow();
        }

        private static PolicySet withoutDenies(PolicySet set) {
            return new PolicySet(set.policies().stream().map(p -> new Policy(p.name(), p.selector(),
                    p.rules(Direction.INGRESS).map(DenyIgnoringProvider::allowsOnly).orElse(null),
                    p.rules(Direction.EGRESS).map(DenyIgnoringProvider::allowsOnly).orElse(null))).toList());
        }

        private static List<Rule> allowsOnly(List<Rule> rules) {
            return rules.stream().filter(r -> r.action() == Action.ALLOW).toList();
        }
    }
}
