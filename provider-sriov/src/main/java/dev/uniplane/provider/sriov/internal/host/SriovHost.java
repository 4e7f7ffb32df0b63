package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.linux.Errno;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.Sysfs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * SR-IOV discovery and VF-count control through sysfs (a configurable root: {@code /sys}, or a fake tree in tests).
 * A PF is a {@code class/net} device whose PCI function has {@code sriov_totalvfs > 0}; its VFs are the
 * {@code virtfnN} links of that function. Everything is read fresh on each call: VFs appear and disappear when
 * {@code sriov_numvfs} changes, and a VF's netdev vanishes from sysfs while it is in another namespace.
 */
public final class SriovHost {
    private static final String PCI = "bus/pci/devices/";

    private final Sysfs sysfs;

    public SriovHost(Sysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
    }

    public Sysfs sysfs() {
        return sysfs;
    }

    /** Every PF with its VFs, sorted by netdev name. */
    public List<PhysicalFunction> physicalFunctions() {
        List<PhysicalFunction> pfs = new ArrayList<>();
        for (String name : sysfs.netDevices()) {
            physicalFunction(name).ifPresent(pfs::add);
        }
        return List.copyOf(pfs);
    }

    /** The PF called {@code name}, or empty when it is no SR-IOV PF (virtual device, no SR-IOV, {@code sriov_totalvfs} 0). */
    public Optional<PhysicalFunction> physicalFunction(String name) {
        Optional<String> pci = sysfs.pciAddress(name);
        if (pci.isEmpty()) {
            return Optional.empty();
        }
        String dir = PCI + pci.get();
        int total = sysfs.readInt(dir + "/sriov_totalvfs").orElse(0);
        if (total <= 0) {
            return Optional.empty();
        }
        int num = sysfs.readInt(dir + "/sriov_numvfs").orElse(0);
        return Optional.of(new PhysicalFunction(name, pci.get(), hexId(dir + "/vendor"), hexId(dir + "/device"),
                sysfs.driver(pci.get()).orElse(null), total, num, virtualFunctions(name, pci.get())));
    }

    private List<VirtualFunction> virtualFunctions(String pfName, String pfPci) {
        String dir = PCI + pfPci;
        List<String> links = new ArrayList<>(sysfs.list(dir).stream().filter(n -> n.matches("virtfn\\d+")).toList());
        // numerically: virtfn10 after virtfn2
        links.sort(Comparator.comparingInt(SriovHost::vfNumber));
        List<VirtualFunction> vfs = new ArrayList<>();
        for (String link : links) {
            Optional<String> vfPci = sysfs.linkName(dir + "/" + link);
            if (vfPci.isEmpty()) {
                continue;
            }
            String vfDir = PCI + vfPci.get();
            String netdev = sysfs.netNames(vfPci.get()).stream().findFirst().orElse(null);
            String oper = netdev == null ? null : sysfs.read("class/net/" + netdev + "/operstate").orElse(null);
            vfs.add(new VirtualFunction(pfName, pfPci, vfNumber(link), vfPci.get(), hexId(vfDir + "/vendor"),
                    hexId(vfDir + "/device"), sysfs.driver(vfPci.get()).orElse(null), netdev, oper));
        }
        return vfs;
    }

    private static int vfNumber(String link) {
        return Integer.parseInt(link.substring("virtfn".length()));
    }

    /** {@code 0x8086} as {@code 8086}; {@code null} when the file is missing. */
    private String hexId(String relative) {
        return sysfs.read(relative)
                .map(s -> s.toLowerCase(Locale.ROOT))
                .map(s -> s.startsWith("0x") ? s.substring(2) : s)
                .orElse(null);
    }

    /** The VF's current netdev name in the host namespace (empty while it is in another namespace or unbound). */
    public Optional<String> netdevOf(String vfPciAddress) {
        return sysfs.netNames(vfPciAddress).stream().findFirst();
    }

    /**
     * Sets a PF's VF count. The kernel refuses one non-zero count to another (EBUSY), so a change writes {@code 0}
     * first and then {@code count}; the current count is left alone. The kernel's errno (ERANGE above
     * {@code sriov_totalvfs}, ENOENT without a PF driver) comes back in the {@link LinuxException}.
     *
     * @throws IllegalArgumentException when {@code count} is negative or above {@code sriov_totalvfs} (checked here
     *                                  first, so nothing is torn down for a count that cannot be set)
     */
    public void setNumVfs(PhysicalFunction pf, int count) {
        String file = PCI + pf.pciAddress() + "/sriov_numvfs";
        if (count < 0 || count > pf.totalVfs()) {
            throw new IllegalArgumentException("VF count " + count + " for PF " + pf.name() + " must be 0.." + pf.totalVfs()
                    + " (sriov_totalvfs)");
        }
        int current = sysfs.readInt(file).orElseThrow(() -> new LinuxException("read", sysfs.root().resolve(file).toString(),
                Errno.ENOENT, "PF " + pf.name() + " has no sriov_numvfs"));
        if (current == count) {
            return;
        }
        if (current != 0) {
            sysfs.write(file, "0");
        }
        if (count != 0) {
            sysfs.write(file, Integer.toString(count));
        }
    }
}
