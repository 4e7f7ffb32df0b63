package dev.uniplane.provider.dpdk;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DpdkProviderTest {
    @TempDir
    Path tmp;

    private static final Set<String> ALL_LIBRARIES = Set.copyOf(DpdkProvider.LIBRARIES);

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new DpdkProvider().probe();

        assertThat(a.available() || !a.cause().isBlank()).as("available, or unavailable with a cause: %s", a).isTrue();
    }

    @Test
    void missingEalIsTheFirstCauseWithAnInstallHint() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = new DpdkProvider(new ProbeHost(tmp, lib -> false)).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("librte_eal.so.23");
        assertThat(a.hint()).isEqualTo("apt-get install dpdk");
    }

    @Test
    void aLaterMissingLibraryIsNamed() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = new DpdkProvider(new ProbeHost(tmp, lib -> !lib.equals("librte_mbuf.so.23"))).probe();

        assertThat(a.cause()).contains("librte_mbuf.so.23");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS);

        Availability a = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains)).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("CAP_NET_ADMIN").contains("uid 1000, not root");
        assertThat(a.hint()).contains("root");
    }

    @Test
    void unreadableProcStatusIsACauseNotAnException() {
        Availability a = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains)).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("/proc/self/status");
    }

    @Test
    void everythingPresentIsAvailable() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains)).probe();

        assertThat(a.available()).isTrue();
    }

    @Test
    void capabilitiesAreOnlyWhatTheKitVerifies() {
        assertThat(new DpdkProvider().capabilities().values()).containsExactlyInAnyOrder(Capability.ATTACH_VETH, Capability.ATTACH_AF_PACKET, Capability.IPV4, Capability.IPV6,
                Capability.ECMP, Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.ENDPOINT_STATS, Capability.DROP_REASONS,
                Capability.POLICY, Capability.STATEFUL_POLICY, Capability.POLICY_CIDR_EXCEPT, Capability.POLICY_PORT_RANGES,
                Capability.POLICY_SCTP, Capability.REMOTE_ENDPOINTS, Capability.RULE_STATS, Capability.ATTACH_MEMIF,
                Capability.ATTACH_VHOST_USER, Capability.SOURCE_ADDRESS_CHECK);
    }

    @Test
    void aFailingCheckBecomesAnUnavailableCause() {
        Availability a = new DpdkProvider(new ProbeHost(tmp, lib -> {
            throw new IllegalStateException("loader exploded");
        })).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).startsWith("probe failed:").contains("loader exploded");
    }

    @Test
    void openThrowsProviderUnavailableWithTheProbeResult() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS);
        DpdkProvider provider = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains));

        assertThatThrownBy(() -> provider.open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("dpdk");
                    assertThat(e.availability()).isEqualTo(provider.probe());
                });
    }

    @Test
    void unknownOptionsAreRejectedBeforeEalStarts() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        DpdkProvider provider = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains));

        assertThatThrownBy(() -> provider.open(DataplaneConfig.builder().option("dpdk.bogus", "1").build()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("dpdk.bogus");
    }

    @Test
    void aLcoreCpuThisJvmDoesNotHaveIsRejectedBeforeEalStarts() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        DpdkProvider provider = new DpdkProvider(new ProbeHost(tmp, ALL_LIBRARIES::contains));

        assertThatThrownBy(() -> provider.open(DataplaneConfig.builder().option("dpdk.lcore-cpu", "4096").build()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("dpdk.lcore-cpu");
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(DpdkProvider.class);
    }
}
