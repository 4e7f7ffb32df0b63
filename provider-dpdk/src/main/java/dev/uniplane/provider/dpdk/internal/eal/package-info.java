/**
 * The process-wide DPDK EAL: {@link dev.uniplane.provider.dpdk.internal.eal.Eal} runs {@code rte_eal_init} once per
 * JVM on a dedicated platform thread that stays the fast-path lcore, and owns what lives as long as EAL: packet pools
 * ({@link dev.uniplane.provider.dpdk.internal.eal.PacketPool}), ports
 * ({@link dev.uniplane.provider.dpdk.internal.eal.EthPort}), hot-plugged virtual devices and the job running on the lcore.
 */
package dev.uniplane.provider.dpdk.internal.eal;
