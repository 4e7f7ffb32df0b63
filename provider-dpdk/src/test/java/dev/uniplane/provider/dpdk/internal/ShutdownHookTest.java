package dev.uniplane.provider.dpdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A JVM that exits while the loop still polls: the shutdown hook stops the loop first, then cleans EAL up. */
class ShutdownHookTest {
    @Test
    void exitingWithARunningLoopStopsItAndLeavesNoRuntimeDirectory() {
        Prerequisites.dpdkLibraries();
        Prerequisites.root();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        Shell.Result child = Shell.run(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ExitWithoutStop.class.getName());

        assertThat(child.exitCode()).as(child.output()).isZero();
        assertThat(child.output()).contains("running=true").contains("EAL stopped (rte_eal_cleanup returned 0)");
        Matcher prefix = Pattern.compile("prefix=(\\w+)").matcher(child.output());
        assertThat(prefix.find()).as(child.output()).isTrue();
        assertThat(Files.exists(Path.of("/var/run/dpdk", prefix.group(1)))).isFalse();
        assertThat(child.output()).doesNotContain("hs_err", "SIGSEGV");
        assertThat(Eal.running()).as("nothing started in this JVM").isEmpty();
    }
}
