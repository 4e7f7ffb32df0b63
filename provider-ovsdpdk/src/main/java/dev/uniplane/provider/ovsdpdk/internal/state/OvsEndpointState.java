package dev.uniplane.provider.ovsdpdk.internal.state;

/**
 * The OVS-DPDK provider's record of one endpoint in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}):
 * what attach chose beyond the {@code Endpoint} (which has the spec, the kind, the host veth's name and the MAC).
 *
 * @param index  the endpoint's index (the requested ofport; the host veth is named after it)
 * @param ofport the port's OpenFlow number, to tell the port from a new one of the same name
 */
public record OvsEndpointState(int index, long ofport) {
}
