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

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).isNotBlank();
    }

    @Test
    void missingVppBinarySaysBookwormHasNoPackage() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("no vpp binary").contains("not packaged in Debian bookworm");
        assertThat(a.hint()).isNotBlank();
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS).executable("/usr/bin/vpp");

        assertThat(provider().probe().cause()).contains("CAP_NET_ADMIN");
    }

    @Test
    void vppInstalledButNotRunningNamesTheApiSocket() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/vpp");

        Availability a = provider().probe();

        assertThat(a.cause()).isEqualTo("VPP is not running: no API socket at /run/vpp/api.sock");
        assertThat(a.hint()).contains("socksvr");
    }

    @Test
    void aRegularFileInPlaceOfTheSocketIsReported() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/vpp").file(VppProvider.API_SOCKET, "");

        assertThat(provider().probe().cause()).contains("is not a socket");
    }

    @Test
    void everythingPresentStillReportsNotImplemented() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/sbin/vpp");
        Path socket = tmp.resolve(VppProvider.API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel fakeVpp = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fakeVpp.bind(UnixDomainSocketAddress.of(socket));

            Availability a = provider().probe();

            assertThat(a.available()).isFalse();
            assertThat(a.cause()).isEqualTo("dataplane not implemented yet in this release");
        }
    }

    @Test
    void aStaleSocketFileIsReportedAsRefusingConnections() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS).executable("/usr/bin/vpp");
        Path socket = tmp.resolve(VppProvider.API_SOCKET.substring(1));
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel fakeVpp = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            fakeVpp.bind(UnixDomainSocketAddress.of(socket));
        }
        // Closing the listener leaves the socket file behind, as a killed vpp does.

        assertThat(provider().probe().cause()).contains("refuses connections");
    }

    @Test
    void openThrowsProviderUnavailable() {
        assertThatThrownBy(() -> new VppProvider().open(DataplaneConfig.defaults()))
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
