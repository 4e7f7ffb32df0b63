package dev.uniplane.provider.dpdk.internal.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * The basic counters of a port ({@code struct rte_eth_stats}, without the per-queue arrays).
 *
 * @param rxPackets  {@code ipackets}
 * @param txPackets  {@code opackets}
 * @param rxBytes    {@code ibytes}
 * @param txBytes    {@code obytes}
 * @param rxMissed   {@code imissed}: dropped by the device because the rx ring was full
 * @param rxErrors   {@code ierrors}
 * @param txErrors   {@code oerrors}
 * @param rxNoMbuf   {@code rx_nombuf}: allocation failures
 */
public record EthStats(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors, long txErrors,
                       long rxNoMbuf) {
    /** Reads a filled {@code struct rte_eth_stats} ({@link Layouts#ETH_STATS_SIZE} bytes). */
    public static EthStats read(MemorySegment stats) {
        return new EthStats(stats.get(JAVA_LONG, Layouts.STATS_IPACKETS), stats.get(JAVA_LONG, Layouts.STATS_OPACKETS),
                stats.get(JAVA_LONG, Layouts.STATS_IBYTES), stats.get(JAVA_LONG, Layouts.STATS_OBYTES),
                stats.get(JAVA_LONG, Layouts.STATS_IMISSED), stats.get(JAVA_LONG, Layouts.STATS_IERRORS),
                stats.get(JAVA_LONG, Layouts.STATS_OERRORS), stats.get(JAVA_LONG, Layouts.STATS_RX_NOMBUF));
    }
}
