package dev.uniplane.provider.sriov.internal.state;

/**
 * The SR-IOV provider's record of one endpoint in the SPI's saved state: which VF it holds. What the attach changed
 * (and how to restore it) lives in that VF's allocation file, which the allocator keeps under its lock.
 *
 * @param pciAddress the VF's PCI address (the allocation's key)
 * @param pfName     the PF's netdev name
 * @param vf         the VF number on the PF
 * @param hostName   the VF netdev's name in the host namespace before the attach
 */
public record SriovEndpointRecord(String pciAddress, String pfName, int vf, String hostName) {
}
