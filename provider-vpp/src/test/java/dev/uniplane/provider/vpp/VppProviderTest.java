package dev.uniplane.provider.vpp;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VppProviderTest {
    @TempDir
    Path tmp;

    private VppProvider provider() {
        return new VppProvider(new ProbeHost(tmp));
    }

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new VppProvider().probe();

        assertThat(a.available() || !a.cause().isBlank()).isTrue();
    }

    @Test
    void missingVppBinarySaysBookwormHasNoPackage() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("no vpp binary").contains("not packaged in Debian bookworm");
        assertThat(a.hint()).contains("scripts/setup.sh").contains("UNIPLANE_VPP_HOME").contains("FD.io");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS).executable("/usr/bin/vpp");

        assertThat(provider().probe().cause()).contains("CAP_NET_ADMIN");
    }

    @Test
    void aPackagedVppWithoutItsPluginsNamesThePlugin() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/vpp");

        Availability a = provider().probe();

        assertThat(a.cause()).contains("af_packet_plugin.so").contains(VppProvider.PACKAGED_PLUGINS);
    }

    @Test
    void theDistTreeNamesAMissingLibunwind() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/opt/x/bin/vpp")
                .file("/opt/x/lib/vpp_plugins/af_packet_plugin.so", "");

        Availability a = new VppProvider(new ProbeHost(tmp), env -> env.equals("UNIPLANE_VPP_HOME") ? "/opt/x" : null)
                .probe();

        assertThat(a.cause()).contains("libunwind.so.8").contains("/opt/x/bin/vpp");
        assertThat(a.hint()).contains("libunwind8");
    }

    @Test
    void theDistTreeWithItsPluginsAndLibrariesIsAvailable() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable(VppProvider.DIST_HOME + "/bin/vpp")
                .file(VppProvider.DIST_HOME + "/lib/vpp_plugins/af_packet_plugin.so", "")
                .file(VppProvider.DIST_HOME + "/lib/vpp_plugins/acl_plugin.so", "");

        assertThat(new VppProvider(new ProbeHost(tmp, soname -> true)).probe().available()).isTrue();
    }

    @Test
    void withoutABinaryARunningVppIsUsed() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        Path socket = tmp.resolve(VppProvider.API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel fakeVpp = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fakeVpp.bind(UnixDomainSocketAddress.of(socket));

            assertThat(provider().probe().available()).isTrue();
        }
    }

    @Test
    void withoutABinaryAStaleSocketFileIsNoRunningVpp() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        Path socket = tmp.resolve(VppProvider.API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel fakeVpp = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fakeVpp.bind(UnixDomainSocketAddress.of(socket));
        }
        // Closing the listener leaves the socket file behind, as a killed vpp does.

        assertThat(provider().probe().cause()).contains("no VPP running at " + VppProvider.API_SOCKET);
    }

    @Test
    void openThrowsProviderUnavailableOnAMachineWithoutVpp() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        assertThatThrownBy(() -> provider().open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("vpp");
                    assertThat(e.availability().available()).isFalse();
                    assertThat(e.availability().cause()).isNotBlank();
                });
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(VppProvider.class);
    }
}
