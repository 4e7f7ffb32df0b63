package dev.uniplane.provider.sriov.internal.host;

/**
 * One virtual function of a PF, as sysfs shows it from the host's mount namespace.
 *
 * @param pfName     the PF's netdev name
 * @param pfPciAddress the PF's PCI address
 * @param index      the VF number N of {@code virtfnN} (the {@code vf} field of the rtnetlink VF attributes)
 * @param pciAddress the VF's PCI address (target of {@code virtfnN})
 * @param vendor     PCI vendor id, four lower-case hex digits
 * @param device     PCI device id of the VF ({@code 10ca} for an igb VF)
 * @param driver     the bound driver ({@code igbvf}, {@code iavf}, {@code vfio-pci}), or {@code null} when unbound
 * @param netdev     the VF's netdev name, or {@code null}: no network driver bound, or the netdev was moved into
 *                   another namespace (sysfs {@code net/} entries are netns-tagged, so a moved VF shows none)
 * @param operState  {@code operstate} of the netdev ({@code up}, {@code down}, ...), or {@code null} without a netdev
 */
public record VirtualFunction(String pfName, String pfPciAddress, int index, String pciAddress, String vendor,
                              String device, String driver, String netdev, String operState) {
}
