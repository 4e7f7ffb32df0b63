/**
 * What the DPDK dataplane sets up on the host: ports hot-plugged in the node namespace
 * ({@link dev.uniplane.provider.dpdk.internal.host.NodePorts}), memif and vhost-user server sockets
 * ({@link dev.uniplane.provider.dpdk.internal.host.SocketAttacher},
 * {@link dev.uniplane.provider.dpdk.internal.host.SocketAttachment}) and what attach made per endpoint
 * ({@link dev.uniplane.provider.dpdk.internal.host.Wiring}).
 */
package dev.uniplane.provider.dpdk.internal.host;
