package dev.uniplane.linux;

/**
 * IFLA_VF_STATS counters (the PAD attribute 6 is skipped by the decoder).
 *
 * @param rxPackets IFLA_VF_STATS_RX_PACKETS (0)
 * @param txPackets IFLA_VF_STATS_TX_PACKETS (1)
 * @param rxBytes   IFLA_VF_STATS_RX_BYTES (2)
 * @param txBytes   IFLA_VF_STATS_TX_BYTES (3)
 * @param broadcast IFLA_VF_STATS_BROADCAST (4)
 * @param multicast IFLA_VF_STATS_MULTICAST (5)
 * @param rxDropped IFLA_VF_STATS_RX_DROPPED (7)
 * @param txDropped IFLA_VF_STATS_TX_DROPPED (8)
 */
public record VfStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long broadcast, long multicast,
                      long rxDropped, long txDropped) {
}
