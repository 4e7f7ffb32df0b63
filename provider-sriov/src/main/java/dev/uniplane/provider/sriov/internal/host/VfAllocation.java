package dev.uniplane.provider.sriov.internal.host;

/**
 * One VF given to one workload, as kept in its allocation file (so a restarted process knows which VFs are taken and
 * how to restore them).
 *
 * @param version    format version ({@link #VERSION})
 * @param owner      who holds it: a key the dataplane chooses (dataplane name + endpoint id); only the owner may
 *                   update or release it
 * @param netns      the workload namespace path the VF went into
 * @param pfName     the PF's netdev name
 * @param vf         the VF number on that PF
 * @param pciAddress the VF's PCI address (the allocation's key)
 * @param attachment what the attach sequence changed and the VF's original state, or {@code null} until the
 *                   sequence recorded it
 */
public record VfAllocation(int version, String owner, String netns, String pfName, int vf, String pciAddress,
                           AttachedVf attachment) {
    /** The current format version. */
    public static final int VERSION = 1;

    /** The same allocation with the attach sequence's record. */
    public VfAllocation withAttachment(AttachedVf attached) {
        return new VfAllocation(version, owner, netns, pfName, vf, pciAddress, attached);
    }
}
