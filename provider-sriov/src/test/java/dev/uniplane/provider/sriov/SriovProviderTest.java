package dev.uniplane.provider.sriov;

import dev.uniplane.spi.ProbeHost;
import dev.uniplane.tck.FakeRoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SriovProviderTest {
    @TempDir
    Path tmp;

    private SriovProvider provider() {
        return new SriovProvider(new ProbeHost(tmp));
    }

    private void kernelConfig(String... lines) throws Exception {
        Path config = tmp.resolve("proc/config.gz");
        Files.createDirectories(config.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(config))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A NIC like the kernel's layout: {@code /sys/class/net/NAME/device/sriov_totalvfs}. */
    private FakeRoot nic(String name, int totalVfs) throws Exception {
        return new FakeRoot(tmp).file("/sys/class/net/" + name + "/device/sriov_totalvfs", totalVfs + "\n");
    }

    @Test
    void probeOnThisMachineNeverThrowsAndExplainsItself() {
        Availability a = new SriovProvider().probe();

        assertThat(a.available()).isFalse();
        assertThat(a.cause()).isNotBlank();
    }

    @Test
    void kernelWithoutPciIovIsSaidFirst() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        kernelConfig("CONFIG_PCI=y", "# CONFIG_PCI_IOV is not set");
        nic("eth1", 7);

        Availability a = provider().probe();

        assertThat(a.cause()).contains("CONFIG_PCI_IOV is not set");
        assertThat(a.hint()).contains("SR-IOV capable NIC");
    }

    @Test
    void theCauseListsEveryInterfaceItLookedAt() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        kernelConfig("# CONFIG_PCI_IOV is not set");
        // like this VM: eth0 on a virtio device, ifb0 virtual
        Path eth0 = tmp.resolve("sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0");
        Files.createDirectories(eth0);
        Files.createDirectories(tmp.resolve("sys/bus/virtio/drivers/virtio_net"));
        Files.createSymbolicLink(eth0.resolve("device"), Path.of("../../../virtio2"));
        Files.createSymbolicLink(eth0.resolve("../../driver"), Path.of("../../../../bus/virtio/drivers/virtio_net"));
        Files.createDirectories(tmp.resolve("sys/devices/virtual/net/ifb0"));
        Files.createDirectories(tmp.resolve("sys/class/net"));
        Files.createSymbolicLink(tmp.resolve("sys/class/net/eth0"), Path.of("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"));
        Files.createSymbolicLink(tmp.resolve("sys/class/net/ifb0"), Path.of("../../devices/virtual/net/ifb0"));

        Availability a = provider().probe();

        assertThat(a.cause()).isEqualTo("the kernel has no SR-IOV support: CONFIG_PCI_IOV is not set (/proc/config.gz), and "
                + "no interface under /sys/class/net has device/sriov_totalvfs > 0 (looked at: "
                + "eth0 (device virtio2, driver virtio_net: no sriov_totalvfs), ifb0 (virtual: no device))");
    }

    @Test
    void theProbeHereNamesTheMissingKernelSupportOrPf() {
        Availability a = new SriovProvider().probe();

        if (a.cause().contains("CONFIG_PCI_IOV is not set") || a.cause().contains("no SR-IOV physical function")) {
            assertThat(a.cause()).contains("(looked at: ");
        }
    }

    @Test
    void noPhysicalFunctionIsReported() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        kernelConfig("CONFIG_PCI_IOV=y");
        nic("eth0", 0);
        new FakeRoot(tmp).file("/sys/class/net/lo/mtu", "65536\n");

        Availability a = provider().probe();

        assertThat(a.cause()).contains("no SR-IOV physical function").contains("sriov_totalvfs > 0");
    }

    @Test
    void physicalFunctionsAreFoundWithoutAKernelConfig() throws Exception {
        nic("eth0", 0);
        nic("enp1s0f0", 7);
        nic("enp1s0f1", 63);

        assertThat(provider().physicalFunctions()).containsExactly("enp1s0f0", "enp1s0f1");
    }

    @Test
    void unprivilegedProcessIsToldToRunAsRoot() throws Exception {
        new FakeRoot(tmp).status(1000, FakeRoot.NO_CAPS);
        nic("enp1s0f0", 7);

        assertThat(provider().probe().cause()).contains("CAP_NET_ADMIN").contains("not root");
    }

    @Test
    void everythingPresentIsAvailable() throws Exception {
        new FakeRoot(tmp).status(0, FakeRoot.ALL_CAPS);
        kernelConfig("CONFIG_PCI_IOV=y");
        nic("enp1s0f0", 7);

        Availability a = provider().probe();

        assertThat(a.available()).as(a.describe()).isTrue();
    }

    @Test
    void openThrowsProviderUnavailable() {
        assertThatThrownBy(() -> new SriovProvider().open(DataplaneConfig.defaults()))
                .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
                    assertThat(e.provider()).isEqualTo("sriov");
                    assertThat(e.availability().cause()).isNotBlank();
                });
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        assertThat(ServiceLoader.load(DataplaneProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SriovProvider.class);
    }
}
