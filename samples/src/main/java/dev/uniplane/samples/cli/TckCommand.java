package dev.uniplane.samples.cli;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.uniplane.tck.byname.NamedProvider;
import dev.uniplane.tck.byname.NamedProviderConformance;
import dev.uniplane.tck.report.ConformanceMatrix;
import dev.uniplane.tck.report.ConformanceReport;
import dev.uniplane.tck.report.ConformanceResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code uniplane tck}: runs the conformance kit against any provider on the given class path, without a test class
 * (the kit's {@code tck.byname} classes, through the JUnit Platform Launcher). Exits 1 when a {@code required_} test or
 * an area's setup failed.
 */
@Command(name = "tck", description = "Run the conformance kit against a provider (as root: real namespaces and packets).")
public final class TckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--provider", required = true, description = "The provider's name (DataplaneProvider.name()).")
    String provider;

    @Option(names = "--classpath", arity = "1..*", paramLabel = "JAR",
            description = "Jars or class directories holding the provider (and its dependencies), registered through ServiceLoader.")
    List<Path> classpath = new ArrayList<>();

    @Option(names = "--area", arity = "1..*", split = ",",
            description = "Areas to run (default all): Attach, Routing, Policy, DifferentialPolicy, Stats, PlanApply, Restart, Lifecycle, HostileInput.")
    List<String> areas = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Where to write the JSON report (default target/conformance/<provider>.json).")
    Path report;

    @Option(names = "--differential-flows", paramLabel = "N", description = "Flows of the differential policy test (default 24).")
    Integer differentialFlows;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Class<?>> selected = selectedAreas();
        Path reportDir = Files.createTempDirectory("uniplane-tck");
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put(NamedProvider.PROPERTY, provider);
        properties.put("uniplane.tck.reportDir", reportDir.toString());
        if (differentialFlows != null) {
            properties.put("uniplane.tck.differential.flows", differentialFlows.toString());
        }
        AreaProgress progress = new AreaProgress(out);
        Map<String, String> previous = setProperties(properties);
        Thread thread = Thread.currentThread();
        ClassLoader previousLoader = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls(), TckCommand.class.getClassLoader())) {
            thread.setContextClassLoader(loader); // Dataplanes.discover() looks there for the provider
            Launcher launcher = LauncherFactory.create();
            List<ClassSelector> selectors = selected.stream().map(c -> selectClass(c)).toList();
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), progress);
        } finally {
            thread.setContextClassLoader(previousLoader);
            setProperties(previous);
        }
        return summarize(out, reportDir, progress);
    }

    private int summarize(PrintWriter out, Path reportDir, AreaProgress progress) throws IOException {
        Path written = ConformanceReport.fileFor(reportDir, provider);
        List<String> failedRequired = new ArrayList<>();
        if (Files.exists(written)) {
            ConformanceReport result = ConformanceReport.read(written);
            out.println();
            // The matrix row, exactly as docs/conformance.md shows it: the first table of the rendered page.
            ConformanceMatrix.render(List.of(result)).lines().dropWhile(l -> !l.startsWith("| provider"))
                    .takeWhile(l -> l.startsWith("|")).forEach(out::println);
            Path target = report != null ? report : ConformanceReport.fileFor(Path.of("target/conformance"), provider);
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(written, target, StandardCopyOption.REPLACE_EXISTING);
            out.println("report: " + target);
            result.results().stream().filter(r -> r.profile().equals("core") && r.result().equals(ConformanceResult.FAILED))
                    .forEach(r -> failedRequired.add(r.testId()));
        } else {
            out.println("no conformance results were recorded");
        }
        deleteQuietly(reportDir);
        out.flush();
        if (failedRequired.isEmpty() && progress.failedAreas.isEmpty()) {
            return 0;
        }
        failedRequired.forEach(t -> out.println("FAILED required: " + t));
        progress.failedAreas.forEach(a -> out.println("FAILED area: " + a));
        out.flush();
        return 1;
    }

    private List<Class<?>> selectedAreas() {
        Map<String, Class<?>> all = NamedProviderConformance.areas();
        if (areas.isEmpty()) {
            return List.copyOf(all.values());
        }
        List<Class<?>> chosen = new ArrayList<>();
        for (String name : areas) {
            Optional<String> key = all.keySet().stream().filter(k -> k.equalsIgnoreCase(name.strip())).findFirst();
            chosen.add(all.get(key.orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "unknown area " + name + "; the areas are " + all.keySet()))));
        }
        return chosen;
    }

    private URL[] urls() {
        List<URL> urls = new ArrayList<>();
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new ParameterException(spec.commandLine(), "--classpath " + p + " does not exist");
            }
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ParameterException(spec.commandLine(), "--classpath " + p + ": " + e.getMessage());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** Sets (or, for a null value, clears) system properties; returns the previous values. */
    private static Map<String, String> setProperties(Map<String, String> values) {
        Map<String, String> previous = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> {
            previous.put(k, System.getProperty(k));
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        return previous;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /** Prints one line when an area starts and one with its counts when it ends. */
    private static final class AreaProgress implements TestExecutionListener {
        private final PrintWriter out;
        private final List<String> failedAreas = new ArrayList<>();
        private int passed;
        private int failed;
        private int skipped;
        private long started;

        AreaProgress(PrintWriter out) {
            this.out = out;
        }

        private static Optional<String> area(TestIdentifier id) {
            return id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getJavaClass().getSimpleName());
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            area(id).ifPresent(a -> {
                passed = failed = skipped = 0;
                started = System.nanoTime();
                out.println(a + " ...");
                out.flush();
            });
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                skipped++;
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
                switch (result.getStatus()) {
                    case SUCCESSFUL -> passed++;
                    case ABORTED -> skipped++;
                    case FAILED -> {
                        failed++;
                        out.println("  failed: " + id.getDisplayName() + ": " + result.getThrowable().map(String::valueOf).orElse(""));
                    }
                }
                return;
            }
            area(id).ifPresent(a -> {
                String setup = "";
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failedAreas.add(a + ": " + result.getThrowable().map(String::valueOf).orElse(""));
                    setup = ", the area itself failed (setup or teardown): " + result.getThrowable().map(String::valueOf).orElse("");
                }
                out.printf("%s: %d passed, %d failed, %d skipped (%d s)%s%n", a, passed, failed, skipped,
                        (System.nanoTime() - started) / 1_000_000_000L, setup);
                out.flush();
            });
        }
    }
}
