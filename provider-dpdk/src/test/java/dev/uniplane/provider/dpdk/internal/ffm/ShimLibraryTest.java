package dev.uniplane.provider.dpdk.internal.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.dpdk.internal.Prerequisites;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shim without EAL: extraction, layout check, every binding resolves, the TLS helpers work on a plain thread. */
class ShimLibraryTest {
    @BeforeAll
    static void dpdkIsInstalled() {
        Prerequisites.dpdkLibraries();
    }

    @Test
    void theShimIsExtractedToAPrivateFileAndItsLayoutsMatchJava() throws Exception {
        ShimLibrary shim = ShimLibrary.load();

        assertThat(shim.path()).exists();
        assertThat(Files.getPosixFilePermissions(shim.path()).toString()).doesNotContain("GROUP", "OTHERS");
        assertThat(shim.layout()).containsAllEntriesOf(Layouts.expected());
        assertThat(shim.compiledVersion()).startsWith("22.11.");
        assertThat(ShimLibrary.load()).isSameAs(shim);
    }

    @Test
    void aDifferentOffsetIsReportedByName() {
        Map<String, Long> table = new HashMap<>(ShimLibrary.load().layout());
        table.put("struct rte_mbuf.data_off", 18L);
        table.remove("sizeof(struct rte_eth_conf)");

        assertThatThrownBy(() -> Layouts.verify(table))
                .hasMessageContaining("struct rte_mbuf.data_off is 18 in C, Java assumes 16")
                .hasMessageContaining("sizeof(struct rte_eth_conf) is missing");
    }

    @Test
    void everyBindingResolves() throws Exception {
        for (Class<?> bindings : new Class<?>[] {RteEal.class, RteEthDev.class, RteMbuf.class, RteLpm.class}) {
            Class.forName(bindings.getName(), true, bindings.getClassLoader());
        }
        assertThat(RteEal.version()).startsWith("DPDK 22.11.");
    }

    @Test
    void aPlainJavaThreadIsNoLcoreAndTheTscTicks() {
        assertThat(RteEal.lcoreId()).isEqualTo(RteEal.LCORE_ID_ANY);
        long before = RteEal.rdtsc();
        assertThat(RteEal.rdtsc()).isGreaterThan(before);
    }

    @Test
    void errorsCarryTheOperationTheErrnoNameAndDpdkText() {
        assertThatThrownBy(() -> DpdkException.check("rte_eth_dev_configure(port 7)", -22))
                .isInstanceOfSatisfying(DpdkException.class, e -> {
                    assertThat(e.operation()).isEqualTo("rte_eth_dev_configure(port 7)");
                    assertThat(e.errno()).isEqualTo(22);
                    assertThat(e.errnoName()).isEqualTo("EINVAL");
                    assertThat(e.getMessage()).isEqualTo("rte_eth_dev_configure(port 7) failed: EINVAL (22): Invalid argument");
                });
        assertThat(DpdkException.of("x", 1002).getMessage()).contains("E_RTE_NO_CONFIG").contains("config");
        assertThat(DpdkException.check("ok", 3)).isEqualTo(3);
    }
}
