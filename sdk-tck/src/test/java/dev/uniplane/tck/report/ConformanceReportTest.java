package dev.uniplane.tck.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceReportTest {

    @TempDir
    Path root;

    @Test
    void reportsMergeByTestIdAndRenderAsAMatrix() {
        Path dir = root.resolve("provider-x/target/conformance");
        ConformanceReport.merge(dir, "x", List.of(
                new ConformanceResult("PolicyVerification.required_a", "Policy", "core", "failed", "boom"),
                new ConformanceResult("AttachVerification.required_b", "Attach", "core", "passed", "")));
        ConformanceReport.merge(dir, "x", List.of(
                new ConformanceResult("PolicyVerification.required_a", "Policy", "core", "passed", ""),
                new ConformanceResult("PolicyVerification.optional_c", "Policy", "extended", "skipped", "provider x does not declare capability ECMP")));
        ConformanceReport report = ConformanceReport.read(ConformanceReport.fileFor(dir, "x"));
        assertThat(report.results()).hasSize(3).extracting(ConformanceResult::result).containsExactly("passed", "skipped", "passed");

        String md = ConformanceMatrix.render(ConformanceReport.findAll(root));
        assertThat(md).contains("| provider | Attach | Policy |")
                .contains("| x | core 1/1 | core 1/1<br>extended 0/1, 1 skipped |")
                .contains("does not declare capability ECMP");
    }

    @Test
    void noReportsSaySo() throws Exception {
        Files.createDirectories(root.resolve("sdk-api"));
        assertThat(ConformanceMatrix.render(ConformanceReport.findAll(root))).contains("no provider runs the kit yet");
    }

    @Test
    void eachTestIsShownWithTheClauseOfSemanticsItChecks() {
        Path dir = root.resolve("provider-y/target/conformance");
        ConformanceReport.merge(dir, "y", List.of(
                new ConformanceResult("PolicyVerification.required_S3_noGrandfathering_flowsStop", "Policy", "core", "passed", ""),
                new ConformanceResult("PolicyVerification.required_unnumbered", "Policy", "core", "passed", "")));
        String md = ConformanceMatrix.render(ConformanceReport.findAll(root));
        assertThat(md).contains("| test | clause | profile | result | reason |")
                .contains("| PolicyVerification.required_S3_noGrandfathering_flowsStop | §3 No grandfathering | core | passed |  |")
                .contains("| PolicyVerification.required_unnumbered | – | core | passed |  |");
        assertThat(SemanticsClause.of("optional_S1_afterAttach_x")).map(SemanticsClause::toString).hasValue("§1 What holds once attach returns");
        assertThat(SemanticsClause.of("required_S9_nothing_x")).isEmpty();
    }

    @Test
    void profilesFollowTheMethodPrefix() {
        assertThat(ConformanceResult.profileOf("required_x")).isEqualTo("core");
        assertThat(ConformanceResult.profileOf("optional_x")).isEqualTo("extended");
        assertThat(ConformanceResult.profileOf("helper")).isEqualTo("other");
    }
}
