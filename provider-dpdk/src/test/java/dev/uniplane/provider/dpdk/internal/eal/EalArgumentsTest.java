package dev.uniplane.provider.dpdk.internal.eal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EalArgumentsTest {
    @TempDir
    Path tmp;

    private static final EalConfig CONFIG = new EalConfig(1, List.of("net_null0", "net_null1"), EalConfig.Memory.AUTO, 512, "notice");

    @Test
    void enoughFreeHugepagesGiveInMemoryMode() {
        EalArguments args = EalArguments.of(CONFIG, "upd1_abc", 64);

        assertThat(args.memory()).isEqualTo(EalConfig.Memory.HUGEPAGES);
        assertThat(args.argv()).containsExactly("uniplane-dpdk", "--lcores=0@1", "--file-prefix=upd1_abc", "--no-pci", "--no-telemetry",
                "--in-memory", "--log-level=notice", "--vdev=net_null0", "--vdev=net_null1");
    }

    @Test
    void tooFewFreeHugepagesFallBackToFourKibPagesWithoutSharedConfig() {
        EalArguments args = EalArguments.of(CONFIG, "upd1_abc", EalArguments.MIN_FREE_HUGEPAGES - 1);

        assertThat(args.memory()).isEqualTo(EalConfig.Memory.NO_HUGE);
        assertThat(args.argv()).containsSubsequence("--no-huge", "-m", "512", "--no-shconf").doesNotContain("--in-memory");
    }

    @Test
    void anExplicitModeIgnoresTheFreeCount() {
        assertThat(EalArguments.of(CONFIG.withMemory(EalConfig.Memory.NO_HUGE), "p", 64).argv()).contains("--no-huge");
        assertThat(EalArguments.of(CONFIG.withMemory(EalConfig.Memory.HUGEPAGES), "p", 0).argv()).contains("--in-memory");
    }

    @Test
    void filePrefixesAreUniqueAndNameThisProcess() {
        String first = EalArguments.newFilePrefix();

        assertThat(first).startsWith("upd" + ProcessHandle.current().pid() + "_").matches("[A-Za-z0-9_]+");
        assertThat(EalArguments.newFilePrefix()).isNotEqualTo(first);
    }

    @Test
    void aPrefixThatWouldEscapeTheRuntimeDirectoryIsRejected() {
        assertThatThrownBy(() -> EalArguments.of(CONFIG, "../x", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void freeHugepagesAreReadFromMeminfo() throws Exception {
        Path meminfo = Files.writeString(tmp.resolve("meminfo"), "MemTotal: 1 kB\nHugePages_Total:      64\nHugePages_Free:      37\n");

        assertThat(EalArguments.freeHugePages(meminfo)).isEqualTo(37);
        assertThat(EalArguments.freeHugePages(tmp.resolve("absent"))).isZero();
    }

    @Test
    void configsValidateTheirFields() {
        assertThatThrownBy(() -> CONFIG.withLcoreCpu(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CONFIG.withVdevs("net_null0 --no-pci")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> new EalConfig(0, List.of(), EalConfig.Memory.AUTO, 512, "loud; rm")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsPinTheLastCpu() {
        assertThat(EalConfig.defaults().lcoreCpu()).isEqualTo(Runtime.getRuntime().availableProcessors() - 1);
        assertThat(EalConfig.defaults().vdevs()).isEmpty();
    }
}
