package dev.uniplane.provider.sriov.internal.host;

import java.util.List;

/**
 * An SR-IOV physical function as sysfs shows it: a network device whose PCI function has {@code sriov_totalvfs > 0}.
 *
 * @param name        the PF's netdev name ({@code /sys/class/net/NAME})
 * @param pciAddress  its PCI address ({@code 0000:01:00.0})
 * @param vendor      PCI vendor id, four lower-case hex digits ({@code 8086})
 * @param device      PCI device id of the PF ({@code 10c9})
 * @param driver      the bound driver ({@code igb}), or {@code null}
 * @param totalVfs    {@code sriov_totalvfs}
 * @param numVfs      {@code sriov_numvfs}
 * @param vfs         its VFs in VF-number order ({@code virtfn0}, {@code virtfn1}, ... sorted numerically)
 */
public record PhysicalFunction(String name, String pciAddress, String vendor, String device, String driver,
                               int totalVfs, int numVfs, List<VirtualFunction> vfs) {
    public PhysicalFunction {
        vfs = List.copyOf(vfs);
    }
}
