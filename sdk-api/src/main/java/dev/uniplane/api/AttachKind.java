package dev.uniplane.api;

/** How a workload's interface is connected to the dataplane. */
public enum AttachKind {
    /** A veth pair: workload side in its netns, host side on the dataplane. */
    VETH(Capability.ATTACH_VETH),
    /** A TAP device moved into the workload netns. */
    TAP(Capability.ATTACH_TAP),
    /** A veth whose host side the dataplane reads through AF_PACKET. */
    AF_PACKET(Capability.ATTACH_AF_PACKET),
    /** A veth whose host side the dataplane reads through AF_XDP. */
    AF_XDP(Capability.ATTACH_AF_XDP),
    /** A shared-memory packet interface (DPDK/VPP workloads). */
    MEMIF(Capability.ATTACH_MEMIF),
    /** A vhost-user socket (VMs, DPDK workloads). */
    VHOST_USER(Capability.ATTACH_VHOST_USER),
    /** An SR-IOV virtual function moved into the workload netns. */
    VF(Capability.ATTACH_VF);

    private final Capability capability;

    AttachKind(Capability capability) {
        this.capability = capability;
    }

    /** The capability a provider declares when it can attach this kind. */
    public Capability capability() {
        return capability;
    }
}
