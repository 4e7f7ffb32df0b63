package dev.uniplane.provider.dpdk.internal.state;

/**
 * The DPDK provider's record of one endpoint in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}): what
 * attach chose beyond the {@code Endpoint} (which has the spec, the kind and the workload's MAC).
 *
 * @param slot     counter slot; the host veth is named after it
 * @param hostName the host end of the veth (the vdev name for MEMIF/VHOST_USER)
 */
public record DpdkEndpointState(int slot, String hostName) {
}
