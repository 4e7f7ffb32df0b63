package dev.uniplane.provider.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BgpProviderTest {
    @TempDir
    Path tmp;

    private BgpProvider provider(boolean libnftables) {
        return new BgpProvider(new ProbeHost(tmp, soname -> libnftables && soname.equals(BgpProvider.LIBNFTABLES)));
    }

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new BgpProvider().probe();

        assertThat(a.available() || !a.cause().isBlank()).isTrue();
    }

    @Test
    void noGobgpdIsNamedFirst() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = provider(true).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("gobgpd");
        assertThat(a.hint()).contains("apt-get install gobgpd");
    }

    @Test
    void noLibnftablesIsNamed() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/gobgpd");

        Availability a = provider(false).probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).contains("libnftables.so.1");
        assertThat(a.hint()).contains("libnftables1");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS).executable("/usr/bin/gobgpd");

        assertThat(provider(true).probe().cause()).contains("CAP_NET_ADMIN").contains("not root");
    }

    @Test
    void everythingPresentIsAvailable() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/gobgpd");

        assertThat(provider(true).probe().available()).isTrue();
    }

    @Test
    void openThrowsProviderUnavailableWithTheProbeResult() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        BgpProvider provider = provider(true);

        assertThatThrownBy(() -> provider.open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("bgp");
                    assertThat(e.availability()).isEqualTo(provider.probe());
                });
    }

    @Test
    void policyCapabilitiesAreDeclaredOnlyWithTheNftablesProgram() {
        assertThat(BgpProvider.capabilities(false).has(Capability.POLICY)).isFalse();
        assertThat(BgpProvider.capabilities(false).has(Capability.RESTART_SURVIVAL)).isFalse();
        assertThat(BgpProvider.capabilities(true).has(Capability.POLICY)).isTrue();
        assertThat(BgpProvider.capabilities(true).has(Capability.ECMP)).isTrue();
        assertThat(new BgpProvider().capabilities()).isEqualTo(BgpProvider.capabilities(BgpProvider.NFT_POLICY));
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(BgpProvider.class);
    }
}
