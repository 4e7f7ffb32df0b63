package dev.uniplane.provider.dpdk.internal.fastpath;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;

/**
 * A port the {@link Router} polls and what arrives on it.
 *
 * @param portId       the DPDK port
 * @param endpointSlot the counter slot of the endpoint behind it, or {@link #UPLINK}
 * @param ownMac       the MAC this side of the dataplane answers to: frames must be addressed to it, and frames sent
 *                     from it are our own output seen again by the packet socket (dropped silently)
 */
public record PortBinding(int portId, int endpointSlot, long ownMac) {
    /** {@link #endpointSlot} of the uplink port. */
    public static final int UPLINK = -1;

    /** Validates. */
    public PortBinding {
        if (portId < 0 || portId >= Layouts.MAX_ETHPORTS) {
            throw new IllegalArgumentException("port id out of range: " + portId);
        }
    }

    /** Whether this is the uplink. */
    public boolean uplink() {
        return endpointSlot == UPLINK;
    }
}
