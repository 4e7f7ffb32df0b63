package dev.uniplane.provider.sriov;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes inside the SR-IOV guest and writes one surefire-format {@code TEST-<class>.xml} per class into
 * {@code args[0]} (a directory shared with the host), so the host's build counts what ran in the guest
 * ({@link SriovGuestRunTest}). Tests tagged {@code hardware-sriov} are left out: igb cannot show them. Exit code 0 when
 * nothing failed.
 *
 * <p>Usage: {@code GuestJUnit <reports dir> <class> [<class> ...]}
 */
final class GuestJUnit {
    private GuestJUnit() {
    }

    public static void main(String[] args) throws IOException {
        Path reports = Path.of(args[0]);
        Files.createDirectories(reports);
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .filters(TagFilter.excludeTags("hardware-sriov"), EngineFilter.includeEngines("junit-jupiter"));
        for (int i = 1; i < args.length; i++) {
            request.selectors(DiscoverySelectors.selectClass(args[i]));
        }
        LauncherDiscoveryRequest built = request.build();
        XmlReports listener = new XmlReports(reports);
        Launcher launcher = LauncherFactory.create();
        launcher.execute(built, listener);
        System.out.println("GUEST-JUNIT: " + listener.total + " tests, " + listener.failed + " failed, " + listener.skipped + " skipped");
        System.exit(listener.failed == 0 && listener.total > 0 ? 0 : 1);
    }

    /** Collects test results per class and writes each class's XML when the class finishes. */
    private static final class XmlReports implements TestExecutionListener {
        private final Path directory;
        private final Map<String, List<String>> cases = new LinkedHashMap<>();
        private final Map<String, int[]> counts = new LinkedHashMap<>(); // tests, failures, errors, skipped
        private final Map<String, Long> started = new LinkedHashMap<>();
        int total;
        int failed;
        int skipped;

        XmlReports(Path directory) {
            this.directory = directory;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
            if (id.isTest()) {
                System.out.println("GUEST-JUNIT: start " + className(id).orElse("?") + "." + id.getDisplayName());
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                String cls = className(id).orElse("unknown");
                add(cls, "<testcase name=\"" + xml(id.getDisplayName()) + "\" classname=\"" + xml(cls)
                        + "\" time=\"0\"><skipped message=\"" + xml(reason) + "\"/></testcase>", 3);
                skipped++;
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            double seconds = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1e9;
            if (id.isTest()) {
                String cls = className(id).orElse("unknown");
                StringBuilder tc = new StringBuilder("<testcase name=\"" + xml(id.getDisplayName()) + "\" classname=\""
                        + xml(cls) + "\" time=\"" + String.format(Locale.ROOT, "%.3f", seconds) + "\">");
                int kind = -1;
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    tc.append("<skipped message=\"").append(xml(message(result))).append("\"/>");
                    kind = 3;
                    skipped++;
                } else if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    boolean assertion = result.getThrowable().map(t -> t instanceof AssertionError).orElse(false);
                    String tag = assertion ? "failure" : "error";
                    tc.append('<').append(tag).append(" message=\"").append(xml(message(result))).append("\" type=\"")
                            .append(xml(result.getThrowable().map(t -> t.getClass().getName()).orElse(""))).append("\">")
                            .append(xml(stackTrace(result))).append("</").append(tag).append('>');
                    kind = assertion ? 1 : 2;
                    failed++;
                }
                add(cls, tc.append("</testcase>").toString(), kind);
                System.out.println("GUEST-JUNIT: " + result.getStatus() + " " + cls + "." + id.getDisplayName()
                        + (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "" : ": " + message(result)));
            } else if (id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).orElse(false)) {
                String cls = className(id).orElseThrow();
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    // a class-level failure (@BeforeAll) fails the class's report too
                    add(cls, "<testcase name=\"classSetup\" classname=\"" + xml(cls) + "\" time=\"0\"><error message=\""
                            + xml(message(result)) + "\">" + xml(stackTrace(result)) + "</error></testcase>", 2);
                    failed++;
                }
                write(cls, seconds);
            }
        }

        private void add(String cls, String testcase, int kind) {
            cases.computeIfAbsent(cls, k -> new ArrayList<>()).add(testcase);
            int[] c = counts.computeIfAbsent(cls, k -> new int[4]);
            c[0]++;
            total++;
            if (kind > 0) {
                c[kind]++;
            }
        }

        private void write(String cls, double seconds) {
            int[] c = counts.getOrDefault(cls, new int[4]);
            StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            out.append("<testsuite name=\"").append(xml(cls)).append("\" tests=\"").append(c[0]).append("\" failures=\"")
                    .append(c[1]).append("\" errors=\"").append(c[2]).append("\" skipped=\"").append(c[3])
                    .append("\" time=\"").append(String.format(Locale.ROOT, "%.3f", seconds)).append("\">\n");
            out.append("  <properties><property name=\"uniplane.ranIn\" value=\"QEMU igb SR-IOV guest\"/></properties>\n");
            for (String tc : cases.getOrDefault(cls, List.of())) {
                out.append("  ").append(tc).append('\n');
            }
            out.append("</testsuite>\n");
            try {
                Files.writeString(directory.resolve("TEST-" + cls + ".xml"), out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static Optional<String> className(TestIdentifier id) {
            return id.getSource().flatMap(s -> switch (s) {
                case org.junit.platform.engine.support.descriptor.MethodSource m -> Optional.of(m.getClassName());
                case org.junit.platform.engine.support.descriptor.ClassSource c -> Optional.of(c.getClassName());
                default -> Optional.empty();
            });
        }

        private static String message(TestExecutionResult result) {
            return result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
        }

        private static String stackTrace(TestExecutionResult result) {
            return result.getThrowable().map(t -> {
                StringWriter w = new StringWriter();
                t.printStackTrace(new PrintWriter(w));
                return w.toString();
            }).orElse("");
        }

        private static String xml(String s) {
            StringBuilder out = new StringBuilder();
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    default -> {
                        if (ch >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r') {
                            out.append(ch);
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
