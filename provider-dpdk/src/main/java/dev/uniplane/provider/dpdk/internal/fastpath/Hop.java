package dev.uniplane.provider.dpdk.internal.fastpath;

/** Where a {@link TableRoute} sends a packet, with its ECMP weight (1-256). */
public sealed interface Hop {
    /** The share of flows relative to the other hops of the route. */
    int weight();

    /**
     * Discard; counted as {@code NO_ROUTE}.
     *
     * @param weight always 1
     */
    record Drop(int weight) implements Hop {
    }

    /**
     * Deliver to a local endpoint.
     *
     * @param slot   the endpoint's counter slot
     * @param portId its port
     * @param mac    the workload interface's MAC (the new destination MAC)
     * @param weight ECMP weight
     */
    record ToEndpoint(int slot, int portId, long mac, int weight) implements Hop {
    }

    /**
     * Send out of the uplink to a gateway.
     *
     * @param portId the uplink port
     * @param srcMac the uplink interface's MAC
     * @param dstMac the gateway's MAC
     * @param weight ECMP weight
     */
    record ToGateway(int portId, long srcMac, long dstMac, int weight) implements Hop {
    }
}
