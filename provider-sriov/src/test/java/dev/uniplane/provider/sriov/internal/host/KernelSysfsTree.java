package dev.uniplane.provider.sriov.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake sysfs in a temp dir with the kernel's layout and its <b>relative</b> links (NOTES 5.3): PCI functions under
 * {@code devices/pci0000:00/...}, one {@code bus/pci/devices/<pci>} link per function, {@code class/net/<name>} links
 * to {@code <function>/net/<name>}, and {@code device}, {@code driver}, {@code virtfnN}, {@code physfn} links.
 * It cannot reproduce the kernel's EBUSY/ERANGE/ENOENT on {@code sriov_numvfs} nor VFs appearing after a write.
 */
final class KernelSysfsTree {
    private final Path root;
    private final java.util.Map<String, Path> functions = new java.util.HashMap<>();

    KernelSysfsTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /**
     * A PCI function at {@code devices/<parentPath>/<pci>}, with the {@code bus/pci/devices} link and its driver link.
     *
     * @param parentPath e.g. {@code pci0000:00} or {@code pci0000:00/0000:00:01.0}
     */
    KernelSysfsTree function(String parentPath, String pci, String vendor, String device, String driver) throws IOException {
        Path dir = root.resolve("devices").resolve(parentPath).resolve(pci);
        Files.createDirectories(dir);
        functions.put(pci, dir);
        Files.writeString(dir.resolve("vendor"), vendor + "\n");
        Files.writeString(dir.resolve("device"), device + "\n");
        int depth = parentPath.split("/").length + 1; // devices/<parent...>/<pci> -> root
        String up = "../".repeat(depth + 1);
        if (driver != null) {
            Files.createDirectories(root.resolve("bus/pci/drivers").resolve(driver));
            Files.createSymbolicLink(dir.resolve("driver"), Path.of(up + "bus/pci/drivers/" + driver));
        }
        Files.createDirectories(root.resolve("bus/pci/devices"));
        Files.createSymbolicLink(root.resolve("bus/pci/devices").resolve(pci),
                Path.of("../../../devices/" + parentPath + "/" + pci));
        return this;
    }

    /** Makes {@code pci} a PF with these counts. */
    KernelSysfsTree sriov(String pci, int total, int num) throws IOException {
        Path dir = functionDir(pci);
        Files.writeString(dir.resolve("sriov_totalvfs"), total + "\n");
        Files.writeString(dir.resolve("sriov_numvfs"), num + "\n");
        return this;
    }

    /** {@code virtfnN -> ../<vf>} on the PF and {@code physfn -> ../<pf>} on the VF (siblings, as the kernel lays them out). */
    KernelSysfsTree virtfn(String pfPci, int n, String vfPci) throws IOException {
        Files.createSymbolicLink(functionDir(pfPci).resolve("virtfn" + n), Path.of("../" + vfPci));
        Files.createSymbolicLink(functionDir(vfPci).resolve("physfn"), Path.of("../" + pfPci));
        return this;
    }

    /** A netdev of a PCI function: {@code <fn>/net/<name>/} with {@code device -> ../../../<pci>}, and {@code class/net/<name>}. */
    KernelSysfsTree netdev(String pci, String name, String operState) throws IOException {
        Path dir = functionDir(pci).resolve("net").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("operstate"), operState + "\n");
        Files.createSymbolicLink(dir.resolve("device"), Path.of("../../../" + pci));
        Path relative = root.resolve("class/net").relativize(dir);
        Files.createDirectories(root.resolve("class/net"));
        Files.createSymbolicLink(root.resolve("class/net").resolve(name), relative);
        return this;
    }

    /** A virtual netdev ({@code devices/virtual/net/<name>}, no {@code device} link). */
    KernelSysfsTree virtualNetdev(String name) throws IOException {
        Path dir = root.resolve("devices/virtual/net").resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("operstate"), "unknown\n");
        Files.createDirectories(root.resolve("class/net"));
        Files.createSymbolicLink(root.resolve("class/net").resolve(name), Path.of("../../devices/virtual/net/" + name));
        return this;
    }

    Path functionDir(String pci) {
        return functions.get(pci);
    }
}
