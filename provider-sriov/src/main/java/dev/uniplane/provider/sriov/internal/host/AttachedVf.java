package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;

/**
 * What {@link VfSequence#attach} changed and what was there before: everything {@link VfSequence#restore} needs,
 * kept in the VF's allocation file so a restarted process can restore it.
 *
 * @param pfName        the PF's netdev name
 * @param vf            the VF number
 * @param hostName      the VF netdev's name in the host namespace before the attach
 * @param hostMac       its MAC then (the effective MAC, which sriov-cni restores on the netdev)
 * @param hostMtu       its MTU then
 * @param hostUp        whether it was administratively up
 * @param netns         the workload namespace path
 * @param interfaceName its name in the workload namespace
 * @param applied       the PF-side settings that were applied (detach resets exactly these)
 * @param original      the VF's record as the PF reported it before the attach (without stats), or {@code null} when
 *                      the PF reported none
 */
public record AttachedVf(String pfName, int vf, String hostName, MacAddress hostMac, int hostMtu, boolean hostUp,
                         String netns, String interfaceName, VfConfig applied, VfInfo original) {
}
