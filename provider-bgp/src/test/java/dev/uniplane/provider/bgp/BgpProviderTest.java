package dev.uniplane.provider.bgp;

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

class BgpProviderTest {
    @TempDir
    Path tmp;

    private BgpProvider provider() {
        return new BgpProvider(new ProbeHost(tmp));
    }

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new BgpProvider().probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).isNotBlank();
    }

    @Test
    void noDaemonNamesBothAlternatives() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("gobgpd").contains(BgpProvider.FRR_BGPD);
        assertThat(a.hint()).contains("apt-get install gobgpd").contains("frr");
    }

    @Test
    void gobgpdAloneIsEnough() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/gobgpd");

        assertThat(provider().probe()).isEqualTo(BgpProvider.NOT_IMPLEMENTED);
    }

    @Test
    void frrAloneIsEnough() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(BgpProvider.FRR_BGPD);

        Availability a = provider().probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).isEqualTo("dataplane not implemented yet in this release");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS).executable("/usr/bin/gobgpd");

        assertThat(provider().probe().cause()).contains("CAP_NET_ADMIN").contains("not root");
    }

    @Test
    void openThrowsProviderUnavailableWithTheProbeResult() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(BgpProvider.FRR_BGPD);
        BgpProvider provider = provider();

        assertThatThrownBy(() -> provider.open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("bgp");
                    assertThat(e.availability()).isEqualTo(provider.probe());
                });
    }

    @Test
    void openOnThisMachineThrowsProviderUnavailable() {
        assertThatThrownBy(() -> new BgpProvider().open(DataplaneConfig.defaults()))
                .isInstanceOf(ProviderUnavailableException.class);
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(BgpProvider.class);
    }
}
