package dev.uniplane.provider.dpdk.internal.fastpath;

import dev.uniplane.provider.dpdk.internal.ffm.Layouts;

/**
 * One forwarding direction: what port {@code rx} receives goes out of port {@code tx} (queue 0 on both).
 *
 * @param rx the receiving port id
 * @param tx the transmitting port id
 */
public record PortPair(int rx, int tx) {
    /** Validates the port ids. */
    public PortPair {
        if (rx < 0 || rx >= Layouts.MAX_ETHPORTS || tx < 0 || tx >= Layouts.MAX_ETHPORTS) {
            throw new IllegalArgumentException("port ids must be in [0, " + Layouts.MAX_ETHPORTS + "): " + rx + " -> " + tx);
        }
    }

    /** The opposite direction. */
    public PortPair reversed() {
        return new PortPair(tx, rx);
    }
}
