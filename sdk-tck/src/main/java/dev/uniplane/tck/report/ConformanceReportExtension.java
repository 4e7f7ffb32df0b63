package dev.uniplane.tck.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records each verification test's outcome and, after the class, merges them into
 * {@code target/conformance/<provider>.json} (directory overridable with {@code -Duniplane.tck.reportDir}).
 * The provider name comes from the test instance ({@link ReportsConformance}).
 */
public final class ConformanceReportExtension implements TestWatcher, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ConformanceReportExtension.class);

    /** Implemented by verification base classes so the extension knows whose report to write. */
    public interface ReportsConformance {
        String providerName();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, ConformanceResult.PASSED, "");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, ConformanceResult.FAILED, String.valueOf(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, ConformanceResult.SKIPPED, cause == null ? "" : String.valueOf(cause.getMessage()));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, ConformanceResult.SKIPPED, reason.orElse("disabled"));
    }

    @SuppressWarnings("unchecked")
    private void record(ExtensionContext context, String result, String reason) {
        var method = context.getRequiredTestMethod();
        if (!method.getDeclaringClass().getPackageName().equals(ConformanceReportExtension.class.getPackageName().replace(".report", ""))) {
            return; // a provider's own extra tests on the kit's harness are not conformance results
        }
        String kitClass = method.getDeclaringClass().getSimpleName();
        String area = kitClass.endsWith("Verification") ? kitClass.substring(0, kitClass.length() - "Verification".length()) : kitClass;
        ConformanceResult r = new ConformanceResult(kitClass + "." + method.getName(), area,
                ConformanceResult.profileOf(method.getName()), result, reason);
        ExtensionContext classContext = context.getParent().orElse(context);
        ((List<ConformanceResult>) classContext.getStore(NS).getOrComputeIfAbsent("results", k -> new ArrayList<ConformanceResult>()))
                .add(r);
        context.getTestInstance().filter(ReportsConformance.class::isInstance)
                .ifPresent(i -> classContext.getStore(NS).put("provider", ((ReportsConformance) i).providerName()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        List<ConformanceResult> results = (List<ConformanceResult>) context.getStore(NS).get("results");
        String provider = context.getStore(NS).get("provider", String.class);
        if (results == null || provider == null) {
            return;
        }
        Path dir = Path.of(System.getProperty("uniplane.tck.reportDir", "target/conformance"));
        ConformanceReport.merge(dir, provider, results);
    }
}
