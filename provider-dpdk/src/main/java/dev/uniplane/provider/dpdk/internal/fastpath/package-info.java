/**
 * The Java fast path on the EAL lcore thread. {@link dev.uniplane.provider.dpdk.internal.fastpath.Router} is the
 * dataplane's IPv4 router over immutable {@link dev.uniplane.provider.dpdk.internal.fastpath.ForwardingTable}s
 * (published with one reference swap, freed after a quiescent point) with per-endpoint off-heap
 * {@link dev.uniplane.provider.dpdk.internal.fastpath.EndpointCounters}, the off-heap connection tracker
 * {@link dev.uniplane.provider.dpdk.internal.fastpath.FlowTable} (stateful policy: replies and related ICMP errors pass,
 * flows of another policy revision are re-checked) and per-rule
 * {@link dev.uniplane.provider.dpdk.internal.fastpath.RuleCounters};
 * {@link dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop} is the plain port-pair loop used for the
 * foundation's tests and measurements. Neither allocates per packet.
 */
package dev.uniplane.provider.dpdk.internal.fastpath;
