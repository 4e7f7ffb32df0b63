package dev.uniplane.linux;

/**
 * The first counters of {@code struct rtnl_link_stats64} (IFLA_STATS64).
 *
 * @param rxPackets  received packets
 * @param txPackets  transmitted packets
 * @param rxBytes    received bytes
 * @param txBytes    transmitted bytes
 * @param rxErrors   receive errors
 * @param txErrors   transmit errors
 * @param rxDropped  receive drops
 * @param txDropped  transmit drops
 * @param multicast  multicast packets received
 * @param collisions collisions
 */
public record LinkStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors, long txErrors,
                        long rxDropped, long txDropped, long multicast, long collisions) {
    public static final LinkStats ZERO = new LinkStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
