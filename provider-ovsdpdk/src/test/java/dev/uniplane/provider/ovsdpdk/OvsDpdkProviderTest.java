package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OvsDpdkProviderTest {
    @TempDir
    Path tmp;

    private OvsDpdkProvider provider() {
        return new OvsDpdkProvider(new ProbeHost(tmp));
    }

    private FakeRoot fullyInstalled() throws Exception {
        return new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS)
                .executable(OvsDpdkProvider.VSWITCHD_DPDK)
                .executable(OvsDpdkProvider.OVSDB_SERVER)
                .file(OvsDpdkProvider.SCHEMA, "{}")
                .file(OvsDpdkProvider.AF_PACKET_PMD, "")
                .file(OvsDpdkProvider.MEMPOOL_RING, "")
                .executable(OvsDpdkProvider.NSENTER)
                .executable(OvsDpdkProvider.ETHTOOL)
                .executable(OvsDpdkProvider.TC);
    }

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new OvsDpdkProvider().probe();

        assertThat(a.available() || !a.cause().isBlank()).isTrue();
    }

    @Test
    void missingDpdkVswitchdComesFirst() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(OvsDpdkProvider.OVSDB_SERVER);

        Availability a = provider().probe();

        assertThat(a.cause()).contains(OvsDpdkProvider.VSWITCHD_DPDK).contains("missing");
        assertThat(a.hint()).isEqualTo("apt-get install openvswitch-switch-dpdk");
    }

    @Test
    void aNonExecutableVswitchdDoesNotCount() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).file(OvsDpdkProvider.VSWITCHD_DPDK, "not executable");

        assertThat(provider().probe().cause()).contains(OvsDpdkProvider.VSWITCHD_DPDK);
    }

    @Test
    void missingOvsdbServerIsNamed() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(OvsDpdkProvider.VSWITCHD_DPDK);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("ovsdb-server");
        assertThat(a.hint()).isEqualTo("apt-get install openvswitch-common");
    }

    @Test
    void missingAfPacketPmdIsNamedWithItsPackage() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS)
                .executable(OvsDpdkProvider.VSWITCHD_DPDK)
                .executable(OvsDpdkProvider.OVSDB_SERVER)
                .file(OvsDpdkProvider.SCHEMA, "{}");

        Availability a = provider().probe();

        assertThat(a.cause()).contains("af_packet PMD");
        assertThat(a.hint()).isEqualTo("apt-get install librte-net-af-packet23");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        fullyInstalled().status(1000, FakeRoot.NO_CAPS);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("CAP_NET_ADMIN").contains("not root");
    }

    @Test
    void missingEthtoolIsNamedWithItsPackage() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS)
                .executable(OvsDpdkProvider.VSWITCHD_DPDK)
                .executable(OvsDpdkProvider.OVSDB_SERVER)
                .file(OvsDpdkProvider.SCHEMA, "{}")
                .file(OvsDpdkProvider.AF_PACKET_PMD, "")
                .file(OvsDpdkProvider.MEMPOOL_RING, "")
                .executable(OvsDpdkProvider.NSENTER);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("ethtool");
        assertThat(a.hint()).isEqualTo("apt-get install ethtool");
    }

    @Test
    void everythingPresentIsAvailable() throws Exception {
        fullyInstalled();

        assertThat(provider().probe()).isEqualTo(Availability.ok());
    }

    @Test
    void openWithAMissingPrerequisiteThrowsProviderUnavailableWithTheProbeResult() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(OvsDpdkProvider.OVSDB_SERVER);
        OvsDpdkProvider provider = provider();

        assertThatThrownBy(() -> provider.open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("ovsdpdk");
                    assertThat(e.availability()).isEqualTo(provider.probe());
                });
    }

    @Test
    void declaresOnlyWhatTheKitPasses() {
        assertThat(new OvsDpdkProvider().capabilities().has(dev.uniplane.api.Capability.POLICY)).isTrue();
        assertThat(new OvsDpdkProvider().capabilities().has(dev.uniplane.api.Capability.ATTACH_VETH)).isTrue();
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(OvsDpdkProvider.class);
    }
}
