package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.linux.Sysfs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery against a fake tree with the kernel's layout (NOTES 5.3: an igb PF behind a root port with 4 VFs). */
class SriovHostTest {
    private static final String PF = "0000:01:00.0";
    private static final String[] VFS = {"0000:01:10.0", "0000:01:10.2", "0000:01:10.4", "0000:01:10.6"};
    private static final String PF2 = "0000:00:04.0";

    @TempDir
    Path tmp;
    private KernelSysfsTree tree;
    private SriovHost host;

    @BeforeEach
    void igbWithFourVfsAndAnIxgbeOnTheRootBus() throws Exception {
        tree = new KernelSysfsTree(tmp);
        String port = "pci0000:00/0000:00:01.0";
        tree.function(port, PF, "0x8086", "0x10c9", "igb").sriov(PF, 7, 4).netdev(PF, "eth0", "up");
        for (int i = 0; i < VFS.length; i++) {
            tree.function(port, VFS[i], "0x8086", "0x10ca", "igbvf").virtfn(PF, i, VFS[i]);
        }
        tree.netdev(VFS[0], "eth1", "up").netdev(VFS[1], "eth2", "down").netdev(VFS[3], "eth4", "up");
        // VFS[2] was moved into a workload namespace: its net/ dir exists but is empty from the host
        Files.createDirectories(tree.functionDir(VFS[2]).resolve("net"));

        // like the brief's example: virtfn0 -> ../0000:00:04.1, driver -> ../../../bus/pci/drivers/ixgbe
        tree.function("pci0000:00", PF2, "0x8086", "0x10fb", "ixgbe").sriov(PF2, 63, 12).netdev(PF2, "ens4", "up");
        for (int i = 0; i < 12; i++) {
            String vf = "0000:00:" + String.format("%02x", 0x10 + i / 8) + "." + (i % 8);
            tree.function("pci0000:00", vf, "0x8086", "0x10ed", i == 11 ? null : "ixgbevf").virtfn(PF2, i, vf);
        }
        tree.function("pci0000:00", "0000:00:05.0", "0x1af4", "0x1000", "virtio-pci").netdev("0000:00:05.0", "ens5", "up");
        tree.virtualNetdev("lo").virtualNetdev("ifb0");
        host = new SriovHost(new Sysfs(tmp));
    }

    @Test
    void theTreeHasTheKernelsRelativeLinks() throws Exception {
        assertThat(Files.readSymbolicLink(tmp.resolve("bus/pci/devices/" + PF2 + "/virtfn0")).toString()).isEqualTo("../0000:00:10.0");
        assertThat(Files.readSymbolicLink(tmp.resolve("class/net/ens4/device")).toString()).isEqualTo("../../../" + PF2);
        assertThat(Files.readSymbolicLink(tmp.resolve("bus/pci/devices/" + PF2 + "/driver")).toString())
                .isEqualTo("../../../bus/pci/drivers/ixgbe");
        assertThat(Files.readSymbolicLink(tmp.resolve("bus/pci/devices/" + PF + "/driver")).toString())
                .isEqualTo("../../../../bus/pci/drivers/igb");
        assertThat(Files.readSymbolicLink(tmp.resolve("class/net/eth0")).toString())
                .isEqualTo("../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/net/eth0");
    }

    @Test
    void findsOnlyThePhysicalFunctions() {
        assertThat(host.physicalFunctions()).extracting(PhysicalFunction::name).containsExactly("ens4", "eth0");
        assertThat(host.physicalFunction("ens5")).isEmpty();
        assertThat(host.physicalFunction("lo")).isEmpty();
        assertThat(host.physicalFunction("nosuch")).isEmpty();
    }

    @Test
    void readsThePfAndEachVf() {
        PhysicalFunction pf = host.physicalFunction("eth0").orElseThrow();

        assertThat(pf).extracting(PhysicalFunction::pciAddress, PhysicalFunction::vendor, PhysicalFunction::device,
                PhysicalFunction::driver, PhysicalFunction::totalVfs, PhysicalFunction::numVfs)
                .containsExactly(PF, "8086", "10c9", "igb", 7, 4);
        assertThat(pf.vfs()).containsExactly(
                new VirtualFunction("eth0", PF, 0, VFS[0], "8086", "10ca", "igbvf", "eth1", "up"),
                new VirtualFunction("eth0", PF, 1, VFS[1], "8086", "10ca", "igbvf", "eth2", "down"),
                new VirtualFunction("eth0", PF, 2, VFS[2], "8086", "10ca", "igbvf", null, null),
                new VirtualFunction("eth0", PF, 3, VFS[3], "8086", "10ca", "igbvf", "eth4", "up"));
        assertThat(host.netdevOf(VFS[0])).contains("eth1");
        assertThat(host.netdevOf(VFS[2])).isEmpty();
    }

    @Test
    void sortsVirtfnLinksNumerically() {
        PhysicalFunction pf = host.physicalFunction("ens4").orElseThrow();

        assertThat(pf.vfs()).extracting(VirtualFunction::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(pf.vfs().get(10).pciAddress()).isEqualTo("0000:00:11.2");
        assertThat(pf.vfs().get(11).driver()).isNull();
        assertThat(pf.vfs().get(11).netdev()).isNull();
    }

    /** A model: a file is no kernel, so this shows the value written last and what is refused before any write. */
    @Test
    void setsTheVfCountAndRefusesOneAboveTotalBeforeTouchingIt() throws Exception {
        PhysicalFunction pf = host.physicalFunction("eth0").orElseThrow();
        Path numvfs = tree.functionDir(PF).resolve("sriov_numvfs");

        host.setNumVfs(pf, 2);
        assertThat(Files.readString(numvfs)).isEqualTo("2");

        assertThatThrownBy(() -> host.setNumVfs(pf, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..7").hasMessageContaining("eth0");
        assertThat(Files.readString(numvfs)).isEqualTo("2");

        host.setNumVfs(pf, 0);
        assertThat(Files.readString(numvfs)).isEqualTo("0");
    }

    @Test
    void writingTheCurrentCountWritesNothing() throws Exception {
        PhysicalFunction pf = host.physicalFunction("eth0").orElseThrow();
        Path numvfs = tree.functionDir(PF).resolve("sriov_numvfs");
        host.setNumVfs(pf, 4);

        // a write would have replaced "4\n" by "4"
        assertThat(Files.readString(numvfs)).isEqualTo("4\n");
    }
}
