/**
 * The Java fast path on the EAL lcore thread: {@link dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop} polls
 * rx bursts, rewrites in place and transmits, with counters in off-heap memory
 * ({@link dev.uniplane.provider.dpdk.internal.fastpath.LoopCounters}) and no allocation per packet.
 */
package dev.uniplane.provider.dpdk.internal.fastpath;
