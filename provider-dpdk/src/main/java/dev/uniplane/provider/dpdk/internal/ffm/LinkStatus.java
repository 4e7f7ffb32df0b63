package dev.uniplane.provider.dpdk.internal.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/**
 * A port's link ({@code struct rte_eth_link}).
 *
 * @param speedMbps {@code link_speed} (u32; 0 when unknown)
 * @param up        {@code link_status}
 */
public record LinkStatus(long speedMbps, boolean up) {
    /** Reads a filled {@code struct rte_eth_link} ({@link Layouts#ETH_LINK_SIZE} bytes). */
    public static LinkStatus read(MemorySegment link) {
        int flags = Short.toUnsignedInt(link.get(JAVA_SHORT, Layouts.LINK_FLAGS));
        return new LinkStatus(Integer.toUnsignedLong(link.get(JAVA_INT, Layouts.LINK_SPEED)), (flags >>> Layouts.LINK_STATUS_BIT & 1) == 1);
    }
}
