/**
 * What the eBPF dataplane sets up on or asks of the host: the machine as the probe sees it
 * ({@link dev.uniplane.provider.ebpf.internal.host.Host}) and what attach made per endpoint
 * ({@link dev.uniplane.provider.ebpf.internal.host.Wiring}).
 */
package dev.uniplane.provider.ebpf.internal.host;
