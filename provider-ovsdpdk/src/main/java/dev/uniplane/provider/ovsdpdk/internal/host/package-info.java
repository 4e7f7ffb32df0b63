/**
 * What the OVS-DPDK dataplane sets up on the host: the ovsdb-server/ovs-vswitchd pair
 * ({@link dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance}, one per node namespace through
 * {@link dev.uniplane.provider.ovsdpdk.internal.host.InstancePool}), endpoint veths and their ports
 * ({@link dev.uniplane.provider.ovsdpdk.internal.host.EndpointWiring}), the uplink behind its checksum shim
 * ({@link dev.uniplane.provider.ovsdpdk.internal.host.UplinkShim}), tools run in the node namespace
 * ({@link dev.uniplane.provider.ovsdpdk.internal.host.NetnsCommand}), and the
 * {@link dev.uniplane.provider.ovsdpdk.internal.host.Reconciler} that keeps them in force across daemon restarts.
 */
package dev.uniplane.provider.ovsdpdk.internal.host;
