package dev.uniplane.linux;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A fake sysfs shaped like NOTES 5.3 (an igb PF with VFs), with relative links like the kernel's. */
class SysfsTest {
    @TempDir
    Path root;
    private Sysfs sysfs;

    private void file(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private void link(String rel, String target) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    @BeforeEach
    void tree() throws IOException {
        String pf = "devices/pci0000:00/0000:00:01.0/0000:01:00.0";
        file(pf + "/sriov_totalvfs", "7\n");
        file(pf + "/sriov_numvfs", "12\n");
        file(pf + "/vendor", "0x8086\n");
        file(pf + "/net/eth0/mtu", "1500\n");
        Files.createDirectories(root.resolve("bus/pci/drivers/igb"));
        link(pf + "/driver", "../../../../bus/pci/drivers/igb");
        for (int i = 0; i < 12; i++) {
            String vf = String.format("0000:01:%02x.%d", 0x10 + i / 4, (i % 4) * 2);
            Files.createDirectories(root.resolve("devices/pci0000:00/0000:00:01.0/" + vf + "/net/eth" + (i + 1)));
            link(pf + "/virtfn" + i, "../" + vf);
            link("devices/pci0000:00/0000:00:01.0/" + vf + "/physfn", "../0000:01:00.0");
            link("bus/pci/devices/" + vf, "../../../devices/pci0000:00/0000:00:01.0/" + vf);
        }
        link("bus/pci/devices/0000:01:00.0", "../../../" + pf);
        link("class/net/eth0", "../../" + pf + "/net/eth0");
        link(pf + "/net/eth0/device", "../../../0000:01:00.0");
        sysfs = new Sysfs(root);
    }

    @Test
    void readsValuesAndMissingFilesAreEmpty() {
        assertThat(sysfs.readInt("bus/pci/devices/0000:01:00.0/sriov_totalvfs")).contains(7);
        assertThat(sysfs.readLong("bus/pci/devices/0000:01:00.0/vendor")).contains(0x8086L);
        assertThat(sysfs.read("class/net/eth0/mtu")).contains("1500");
        assertThat(sysfs.read("class/net/nothere/mtu")).isEmpty();
        assertThat(sysfs.list("class/nothere")).isEmpty();
    }

    @Test
    void relativeLinksResolveLikeTheKernels() {
        assertThat(sysfs.netDevices()).containsExactly("eth0");
        assertThat(sysfs.pciAddress("eth0")).contains("0000:01:00.0");
        assertThat(sysfs.resolveLink("class/net/eth0"))
                .contains("devices/pci0000:00/0000:00:01.0/0000:01:00.0/net/eth0");
        assertThat(sysfs.driver("0000:01:00.0")).contains("igb");
        assertThat(sysfs.sriovTotalVfs("0000:01:00.0")).contains(7);
        assertThat(sysfs.sriovNumVfs("0000:01:00.0")).contains(12);
    }

    @Test
    void virtualFunctionsSortNumericallyAndPointBackToThePf() {
        var vfs = sysfs.virtualFunctions("0000:01:00.0");
        assertThat(vfs).hasSize(12);
        assertThat(vfs.get(2)).isEqualTo("0000:01:10.4");
        assertThat(vfs.get(10)).as("virtfn10 after virtfn9, not after virtfn1").isEqualTo("0000:01:12.4");
        assertThat(sysfs.physicalFunction(vfs.get(10))).contains("0000:01:00.0");
        assertThat(sysfs.physicalFunction("0000:01:00.0")).isEmpty();
        assertThat(sysfs.netNames(vfs.get(0))).containsExactly("eth1");
    }

    @Test
    void writesGoThroughLibcWithExactErrno() {
        sysfs.write("bus/pci/devices/0000:01:00.0/sriov_numvfs", "0");
        assertThat(sysfs.readInt("bus/pci/devices/0000:01:00.0/sriov_numvfs")).contains(0);
        assertThatThrownBy(() -> sysfs.write("bus/pci/devices/0000:01:00.0/nothere", "1"))
                .isInstanceOfSatisfying(LinuxException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.getMessage()).contains("nothere");
                });
        assertThatThrownBy(() -> sysfs.write("bus/pci/devices/0000:01:00.0", "1"))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errnoName()).isEqualTo("EISDIR"));
    }

    @Test
    void realSysfsListsLoopback() {
        assertThat(Sysfs.system().netDevices()).contains("lo");
        assertThat(Sysfs.system().pciAddress("lo")).isEmpty();
    }
}
