package dev.uniplane.provider.vpp.internal.state;

/**
 * What a later process needs to find one endpoint again (the rest is in the {@code Endpoint}).
 *
 * @param slot      the endpoint's number in the dataplane (names its host veth end)
 * @param swIfIndex its af_packet (or memif) interface in VPP when the state was written
 * @param memifSocket a memif endpoint's socket id in VPP, -1 for a veth
 */
public record VppEndpointState(int slot, int swIfIndex, int memifSocket) {
}
